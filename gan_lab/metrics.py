"""Sample-quality metrics, computed in float64 on features from :mod:`gan_lab.features`.

Each function states its formula. Real images vs real images give each metric's floor:
a generator cannot be expected to score better than the data against itself.
"""

from __future__ import annotations

import math

import torch

from . import validate


def gaussian_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean ``μ`` and covariance ``Σ = (X - μ)ᵀ(X - μ) / (n - 1)`` of features ``(n, d)``."""
    x = validate.finite_features(features)
    mu = x.mean(0)
    xc = x - mu
    return mu, xc.T @ xc / (len(x) - 1)


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """The *squared* Fréchet distance d² between N(μ₁, Σ₁) and N(μ₂, Σ₂) (the number FID
    reports; the distance d is its square root):

    d² = |μ₁ - μ₂|² + tr Σ₁ + tr Σ₂ - 2 tr (Σ₁ Σ₂)^½

    Σ₁Σ₂ is not symmetric, but it is similar to Σ₁^½ Σ₂ Σ₁^½ (symmetric, positive
    semi-definite), so its eigenvalues λᵢ are real and ≥ 0 and tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ.
    We compute the eigenvalues in complex128 and keep the real part of their square roots;
    round-off can make a few tiny λᵢ slightly negative or complex, which then contribute ~0.

    Everything is checked finite before the eigenvalue routine, where a NaN or an overflow
    would otherwise crash the process.
    """
    mu1, s1 = validate.gaussian(mu1, sigma1, "first Gaussian")
    mu2, s2 = validate.gaussian(mu2, sigma2, "second Gaussian")
    if len(mu1) != len(mu2):
        raise ValueError(f"The two Gaussians differ in dimension: {len(mu1)} vs {len(mu2)}; "
                         "compute both from features of the same width.")
    product = validate.finite(s1 @ s2, "Σ₁Σ₂", "the covariances are too large to multiply "
                              "in float64; the features are far too large (a diverged generator?).")
    eigenvalues = torch.linalg.eigvals(product.to(torch.complex128))
    tr_sqrt = torch.sqrt(eigenvalues).real.sum()
    return ((mu1 - mu2).pow(2).sum() + s1.trace() + s2.trace() - 2 * tr_sqrt).item()


def fid(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    """FID: the squared Fréchet distance d² between Gaussians fitted to the two feature sets
    (Heusel et al., 2017)."""
    real, fake = validate.feature_pair(real_features, fake_features)
    return frechet_distance(*gaussian_stats(real), *gaussian_stats(fake))


def polynomial_kernel(x: torch.Tensor, y: torch.Tensor, degree: int = 3) -> torch.Tensor:
    """k(x, y) = (xᵀy / d + 1)^degree, the KID kernel (Bińkowski et al., 2018), for feature
    sets ``(m, d)`` and ``(n, d)``: an ``(m, n)`` matrix."""
    x, y = validate.feature_pair(x, y, min_rows=1, names=("x", "y"))
    return _kernel(x, y, validate.positive_int(degree, "degree"))


def _kernel(x: torch.Tensor, y: torch.Tensor, degree: int) -> torch.Tensor:
    """:func:`polynomial_kernel` on features already checked."""
    return (x @ y.T / x.shape[1] + 1) ** degree


def mmd2_unbiased(x: torch.Tensor, y: torch.Tensor, degree: int = 3) -> float:
    """Unbiased MMD² = mean_{i≠j} k(xᵢ,xⱼ) + mean_{i≠j} k(yᵢ,yⱼ) - 2 mean_{i,j} k(xᵢ,yⱼ)."""
    x, y = validate.feature_pair(x, y)  # n ≥ 2 each: the i ≠ j means need two points
    degree = validate.positive_int(degree, "degree")
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = _kernel(x, x, degree), _kernel(y, y, degree), _kernel(x, y, degree)
    return ((k_xx.sum() - k_xx.diagonal().sum()) / (m * (m - 1))
            + (k_yy.sum() - k_yy.diagonal().sum()) / (n * (n - 1))
            - 2 * k_xy.mean()).item()


def kid(real_features: torch.Tensor, fake_features: torch.Tensor, subsets: int = 100,
        subset_size: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance: unbiased MMD² with the cubic kernel, averaged over
    ``subsets`` random subsets of ``subset_size`` from each set (seeded); returns the mean
    and the (population) standard deviation over subsets.
    Unlike FID it has no bias from the sample size. The subset size used is
    ``min(subset_size, len(real), len(fake))``, at least 2 (the i ≠ j means need two)."""
    real, fake = validate.feature_pair(real_features, fake_features)
    subsets = validate.positive_int(subsets, "subsets")
    subset_size = validate.positive_int(subset_size, "subset_size", minimum=2)
    seed = validate.seed(seed)
    m = min(subset_size, len(real), len(fake))
    g = torch.Generator().manual_seed(seed)
    values = torch.tensor([mmd2_unbiased(real[torch.randperm(len(real), generator=g)[:m]],
                                         fake[torch.randperm(len(fake), generator=g)[:m]])
                           for _ in range(subsets)], dtype=torch.float64)
    return values.mean().item(), values.std(correction=0).item()  # population std, as torch-fidelity


def inception_score(probs: torch.Tensor, splits: int = 10) -> tuple[float, float]:
    """IS = exp( E_x KL( p(y|x) ‖ p(y) ) ), p(y) the mean of p(y|x) within each split;
    mean and population std (``ddof=0``, as torch-fidelity and Salimans et al.'s code) over
    ``splits`` equal splits in the given order (Salimans et al., 2016). Between 1 and the
    number of classes. ``probs`` are probabilities (rows ≥ 0 summing to 1), not logits, and
    their number must be a multiple of ``splits``.
    """
    p = validate.probabilities(probs)
    splits = validate.equal_splits(len(p), splits)
    scores = []
    for part in p.chunk(splits):
        p_y = part.mean(0, keepdim=True)
        kl = (torch.xlogy(part, part) - torch.xlogy(part, p_y)).sum(1)
        scores.append(kl.mean().exp())
    s = torch.stack(scores)
    return s.mean().item(), s.std(correction=0).item()


def kth_neighbour_radii(features: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Distance from each point to its k-th nearest neighbour in the same set (itself excluded)."""
    k = validate.positive_int(k, "k")
    x = validate.finite_features(features, min_rows=k + 1)  # k neighbours besides the point itself
    d = torch.cdist(x, x)
    return d.kthvalue(k + 1, dim=1).values  # +1: the point itself is at distance 0


def precision_recall(real_features: torch.Tensor, fake_features: torch.Tensor,
                     k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al., 2019).

    Around every real feature put a ball reaching its k-th nearest real neighbour; precision
    is the share of fakes inside at least one real ball (quality). Recall swaps the roles:
    the share of reals inside at least one fake ball (coverage).
    """
    k = validate.positive_int(k, "k")
    real, fake = validate.feature_pair(real_features, fake_features, min_rows=k + 1)

    def inside(points, centres):
        radii = kth_neighbour_radii(centres, k)
        return (torch.cdist(points, centres) <= radii[None, :]).any(1).double().mean().item()

    return inside(fake, real), inside(real, fake)


def mode_coverage(samples: torch.Tensor, means: torch.Tensor, std: float,
                  n_std: float = 3.0) -> dict[str, float]:
    """Mode coverage on a Gaussian mixture, the protocol of VEEGAN (Srivastava et al., 2017)
    and PacGAN (Lin et al., 2018), used on 2,500 samples in both papers.

    Each sample goes to its nearest mode; it is *high quality* if within ``n_std`` standard
    deviations of it, ``|x - μ_k| ≤ n_std · σ``; a mode is *captured* if at least one
    high-quality sample goes to it. The mode histogram ``q`` counts the high-quality samples
    per mode (as PacGAN's released code does), normalized to sum to 1; its reverse KL to the
    data's uniform histogram is KL(q ‖ u) = Σ_k q_k log(q_k K), 0 for a perfectly balanced
    generator and log K when everything lands in one mode (``inf`` with no high-quality
    sample at all). Returns ``modes``, ``high_quality`` (a share), ``reverse_kl`` and
    ``histogram`` (the counts, a list).
    """
    x = validate.finite_features(samples, "samples", min_rows=1)
    mu = validate.finite_features(means, "means", min_rows=1)
    if x.shape[1] != mu.shape[1]:
        raise ValueError(f"samples are {x.shape[1]}-dimensional but the means {mu.shape[1]}-dimensional.")
    std, n_std = validate.positive_number(std, "std"), validate.positive_number(n_std, "n_std")
    dist, nearest = torch.cdist(x, mu).min(dim=1)
    good = dist <= n_std * std
    k = len(mu)
    counts = torch.bincount(nearest[good], minlength=k).double()
    q = counts / counts.sum() if counts.sum() > 0 else None
    return {"modes": float((counts > 0).sum()),
            "high_quality": good.double().mean().item(),
            "reverse_kl": math.inf if q is None else (torch.xlogy(q, q) + q * math.log(k)).sum().item(),
            "histogram": counts.long().tolist()}


def class_coverage(probs: torch.Tensor) -> dict:
    """Histogram of predicted classes of generated images and its KL to uniform,
    Σ_c h_c log(h_c K): 0 when every class is generated equally often, log K for one class."""
    p = validate.probabilities(probs)
    k = p.shape[1]
    h = torch.bincount(p.argmax(1), minlength=k).double() / len(p)
    return {"histogram": h, "kl_to_uniform": (torch.xlogy(h, h) + h * math.log(k)).sum().item(),
            "classes_seen": int((h > 0).sum())}


def evaluate(real_features: torch.Tensor, fake_features: torch.Tensor, fake_probs: torch.Tensor,
             kid_subsets: int = 100, kid_subset_size: int = 1000, seed: int = 0,
             is_splits: int = 10) -> dict[str, float]:
    """Every image metric at once: FID, KID (mean, std), IS (over ``is_splits`` equal
    splits), precision, recall (k = 3) and the KL of the predicted-class histogram to
    uniform. ``fake_probs`` are the class probabilities of the same images as
    ``fake_features``. Every input is checked first, so a diverged generator (NaN or huge
    features) gives a ValueError, not a crash."""
    real_features, fake_features = validate.feature_pair(real_features, fake_features, min_rows=4)
    fake_probs = validate.probabilities(fake_probs, "fake_probs")
    if len(fake_probs) != len(fake_features):
        raise ValueError(f"fake_probs has {len(fake_probs)} rows but fake_features "
                         f"{len(fake_features)}: both must describe the same generated images "
                         "(features, probs = gan_lab.features.extract(classifier, fakes)).")
    is_splits = validate.equal_splits(len(fake_probs), is_splits, "is_splits")
    kid_mean, kid_std = kid(real_features, fake_features, kid_subsets, kid_subset_size, seed)
    precision, recall = precision_recall(real_features, fake_features, k=3)
    return {"FID": fid(real_features, fake_features), "KID": kid_mean, "KID std": kid_std,
            "IS": inception_score(fake_probs, is_splits)[0], "precision": precision, "recall": recall,
            "class KL": class_coverage(fake_probs)["kl_to_uniform"]}
