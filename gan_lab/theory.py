"""The math of the original GAN on distributions we know exactly (notebooks 01-02).

Densities are given on a uniform grid ``x`` (1D) and integrated with the trapezoid rule in
float64; a grid fine and wide enough gives the integrals to many digits (the tests compare
with SciPy's adaptive quadrature and with closed forms).
"""

from __future__ import annotations

import math

import torch

from . import validate

LOG4 = math.log(4.0)
EPS = torch.finfo(torch.float64).eps  # D is kept in [EPS, 1 - EPS] inside log(D), log(1 - D)


def _f64(t) -> torch.Tensor:
    return torch.as_tensor(t, dtype=torch.float64)


def integrate(f: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``∫ f(x) dx`` by the trapezoid rule on the grid ``x`` (both finite)."""
    f, x = validate.finite(f, "the values"), validate.finite(x, "the grid x")
    _same_shape(f, x, "the values, the grid x")
    return torch.trapezoid(f, x)


def _xlogy(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a log b`` with the convention ``0 log 0 = 0``."""
    return torch.xlogy(a, b)


def _same_shape(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    if a.shape != b.shape:
        first, second = names.split(", ")
        raise ValueError(f"{first} and {second} differ in shape: {tuple(a.shape)} vs {tuple(b.shape)}; "
                         "evaluate both on the same grid.")


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor, log: bool = False) -> torch.Tensor:
    """``D*(x) = p_data(x) / (p_data(x) + p_g(x)) = σ(log p_data(x) - log p_g(x))``: the best
    D for a fixed G.

    It maximizes ``a log y + b log(1 - y)`` pointwise (``a = p_data(x)``, ``b = p_g(x)``).
    Computed from the log ratio, so it stays right where ``p_data + p_g`` would underflow;
    in far tails, where the densities themselves round to 0, pass log-densities
    (``log=True``, e.g. ``GaussianMixture.log_prob``). Where both densities vanish, ``D*`` is
    arbitrary; we return ``1/2`` there.
    """
    if log:
        lp, lq = validate.tensor(p_data, "log p_data"), validate.tensor(p_g, "log p_g")
        for t, name in ((lp, "log p_data"), (lq, "log p_g")):
            if torch.isnan(t).any() or (t == math.inf).any():
                raise ValueError(f"{name} must be a log-density: finite or -inf (density 0), "
                                 "without NaN or +inf.")
    else:
        p, q = validate.densities(p_data, "p_data"), validate.densities(p_g, "p_g")
        lp, lq = torch.log(p), torch.log(q)
    _same_shape(lp, lq, "p_data, p_g")
    d = torch.sigmoid(lp - lq)
    return torch.where(torch.isneginf(lp) & torch.isneginf(lq), torch.full_like(d, 0.5), d)


def kl_divergence(p: torch.Tensor, q: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``KL(p || q) = ∫ p log(p / q) dx`` (``inf`` where ``p > 0 = q``)."""
    p, q = validate.densities(p, "p"), validate.densities(q, "q")
    _same_shape(p, q, "p, q")
    _same_shape(p, _f64(x), "the densities, the grid x")
    if ((p > 0) & (q <= 0)).any():
        return torch.tensor(math.inf, dtype=torch.float64)
    return integrate(_xlogy(p, p) - _xlogy(p, q), x)


def js_divergence(p: torch.Tensor, q: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2`` with ``m = (p + q) / 2``; at most ``log 2``."""
    p, q = validate.densities(p, "p"), validate.densities(q, "q")
    _same_shape(p, q, "p, q")
    _same_shape(p, _f64(x), "the densities, the grid x")
    # Written as ½∫ p log(2p / (p+q)) + q log(2q / (p+q)) rather than through kl_divergence(p, m):
    # m = (p+q)/2 underflows to 0 where p+q is the smallest subnormal, which made KL(q||m) = inf.
    s = p + q
    ratio_p = torch.where(p > 0, p / s * 2, torch.ones_like(p))
    ratio_q = torch.where(q > 0, q / s * 2, torch.ones_like(q))
    return 0.5 * integrate(_xlogy(p, ratio_p) + _xlogy(q, ratio_q), x)


def value_function(d: torch.Tensor, p_data: torch.Tensor, p_g: torch.Tensor,
                   x: torch.Tensor) -> torch.Tensor:
    """``V(D, G) = ∫ p_data log D + p_g log(1 - D) dx`` for a discriminator ``d`` on the grid.

    ``d`` is clamped to ``[EPS, 1 - EPS]``: in the far tails ``D*`` rounds to exactly 0 or 1,
    and round-off would otherwise turn a negligible term into ``-inf``.
    """
    d = validate.unit_interval(d, "d")
    p, q = validate.densities(p_data, "p_data"), validate.densities(p_g, "p_g")
    _same_shape(d, p, "d, p_data")
    _same_shape(d, q, "d, p_g")
    d = d.clamp(EPS, 1 - EPS)
    return integrate(_xlogy(p, d) + _xlogy(q, 1 - d), x)


def value_monte_carlo(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """``V ≈ mean log D(x_i) + mean log(1 - D(G(z_j)))`` from D's outputs on samples."""
    d_real, d_fake = validate.unit_interval(d_real, "d_real"), validate.unit_interval(d_fake, "d_fake")
    if not (d_real.numel() and d_fake.numel()):
        raise ValueError(f"Both samples need at least one value, got {d_real.numel()} and "
                         f"{d_fake.numel()}.")
    d_real, d_fake = d_real.clamp(EPS, 1 - EPS), d_fake.clamp(EPS, 1 - EPS)
    return torch.log(d_real).mean() + torch.log1p(-d_fake).mean()


def wasserstein_1d(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Wasserstein-1 distance between two 1D samples: ``W1 = ∫ |F_a(t) - F_b(t)| dt``.

    ``F_a, F_b`` are the empirical CDFs; the integral is exact for step functions: sum
    ``|F_a - F_b|`` times the gap over the sorted pooled sample. With equal sizes this is
    ``mean |a_(i) - b_(i)|`` over the sorted samples.
    """
    a, b = validate.finite(a, "a").flatten(), validate.finite(b, "b").flatten()
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"Both samples need at least one value, got {len(a)} and {len(b)}.")
    a, b = a.sort().values, b.sort().values
    pooled = torch.cat([a, b]).sort().values
    gaps = pooled.diff()
    t = pooled[:-1]
    cdf_a = torch.searchsorted(a, t, right=True).double() / len(a)
    cdf_b = torch.searchsorted(b, t, right=True).double() / len(b)
    return ((cdf_a - cdf_b).abs() * gaps).sum()


def wasserstein_grid(p: torch.Tensor, q: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``W1(p, q) = ∫ |F_p(x) - F_q(x)| dx`` for densities on a grid (CDFs by cumulative trapezoid)."""
    x = validate.finite(x, "the grid x")
    p, q = validate.densities(p, "p"), validate.densities(q, "q")
    _same_shape(p, x, "p, the grid x")
    _same_shape(q, x, "q, the grid x")
    cdf = lambda f: torch.cat([torch.zeros(1, dtype=torch.float64),
                               torch.cumulative_trapezoid(f, x)])
    return integrate((cdf(p) - cdf(q)).abs(), x)


def bilinear_game(x0: float, y0: float, lr: float, steps: int,
                  alternating: bool = False) -> torch.Tensor:
    """Gradient play on ``min_x max_y x·y``; returns the trajectory, shape ``(steps + 1, 2)``.

    simultaneous:  x ← x - η y,   y ← y + η x        (distance to (0, 0) grows by √(1 + η²))
    alternating:   x ← x - η y,   y ← y + η x_new    (x² + y² - η x y is conserved: a cycle)
    """
    x, y = validate.finite([x0, y0], "the start (x0, y0)").tolist()
    lr, steps = validate.positive_number(lr, "lr"), validate.positive_int(steps, "steps", minimum=0)
    path = [(x, y)]
    for _ in range(steps):
        x_new = x - lr * y
        y = y + lr * (x_new if alternating else x)
        x = x_new
        path.append((x, y))
    return torch.tensor(path, dtype=torch.float64)


def gaussian_kde(samples: torch.Tensor, x: torch.Tensor,
                 bandwidth: float | None = None) -> torch.Tensor:
    """Kernel density estimate ``p̂(x) = mean_i N(x; s_i, h²)`` of 1D ``samples`` on ``x``.

    Default bandwidth: Scott's rule ``h = std(samples) · n^(-1/5)`` (as SciPy's default).
    """
    s = validate.finite(samples, "samples").flatten()
    if len(s) == 0:
        raise ValueError("gaussian_kde needs at least one sample, got none.")
    if bandwidth is not None:
        h = validate.positive_number(bandwidth, "bandwidth")
    else:
        h = (s.std() * len(s) ** (-0.2)).item() if len(s) > 1 else 0.0
        if not h > 0:
            raise ValueError(f"Scott's rule needs samples that are not all equal (got {len(s)} "
                             "sample(s) with zero spread): pass a bandwidth.")
    z = (validate.finite(x, "the grid x").flatten()[:, None] - s[None, :]) / h   # (len(x), n)
    return torch.exp(-0.5 * z ** 2).mean(1) / (h * math.sqrt(2 * math.pi))
