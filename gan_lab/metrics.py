"""Sample-quality metrics, computed in float64 on features from :mod:`gan_lab.features`.

Each function states its formula. Real images vs real images give each metric's floor:
a generator cannot be expected to score better than the data against itself.
"""

from __future__ import annotations

import math

import torch


def _f64(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def gaussian_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean ``μ`` and covariance ``Σ = (X - μ)ᵀ(X - μ) / (n - 1)`` of features ``(n, d)``."""
    x = _f64(features)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"features must be (n >= 2, d), got shape {tuple(x.shape)}.")
    mu = x.mean(0)
    xc = x - mu
    return mu, xc.T @ xc / (len(x) - 1)


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂):

    d² = |μ₁ - μ₂|² + tr Σ₁ + tr Σ₂ - 2 tr (Σ₁ Σ₂)^½

    Σ₁Σ₂ is not symmetric, but it is similar to Σ₁^½ Σ₂ Σ₁^½ (symmetric, positive
    semi-definite), so its eigenvalues λᵢ are real and ≥ 0 and tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ.
    We compute the eigenvalues in complex128 and keep the real part of their square roots;
    round-off can make a few tiny λᵢ slightly negative or complex, which then contribute ~0.
    """
    mu1, mu2, s1, s2 = _f64(mu1), _f64(mu2), _f64(sigma1), _f64(sigma2)
    eigenvalues = torch.linalg.eigvals((s1 @ s2).to(torch.complex128))
    tr_sqrt = torch.sqrt(eigenvalues).real.sum()
    return ((mu1 - mu2).pow(2).sum() + s1.trace() + s2.trace() - 2 * tr_sqrt).item()


def fid(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to the two feature sets (Heusel et al., 2017)."""
    return frechet_distance(*gaussian_stats(real_features), *gaussian_stats(fake_features))


def polynomial_kernel(x: torch.Tensor, y: torch.Tensor, degree: int = 3) -> torch.Tensor:
    """k(x, y) = (xᵀy / d + 1)^degree, the KID kernel (Bińkowski et al., 2018)."""
    return (x @ y.T / x.shape[1] + 1) ** degree


def mmd2_unbiased(x: torch.Tensor, y: torch.Tensor, degree: int = 3) -> float:
    """Unbiased MMD² = mean_{i≠j} k(xᵢ,xⱼ) + mean_{i≠j} k(yᵢ,yⱼ) - 2 mean_{i,j} k(xᵢ,yⱼ)."""
    x, y = _f64(x), _f64(y)
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = polynomial_kernel(x, x, degree), polynomial_kernel(y, y, degree), \
        polynomial_kernel(x, y, degree)
    return ((k_xx.sum() - k_xx.diagonal().sum()) / (m * (m - 1))
            + (k_yy.sum() - k_yy.diagonal().sum()) / (n * (n - 1))
            - 2 * k_xy.mean()).item()


def kid(real_features: torch.Tensor, fake_features: torch.Tensor, subsets: int = 100,
        subset_size: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance: unbiased MMD² with the cubic kernel, averaged over
    ``subsets`` random subsets of ``subset_size`` from each set (seeded); returns the mean
    and the (population) standard deviation over subsets.
    Unlike FID it has no bias from the sample size."""
    real, fake = _f64(real_features), _f64(fake_features)
    m = min(subset_size, len(real), len(fake))
    g = torch.Generator().manual_seed(seed)
    values = torch.tensor([mmd2_unbiased(real[torch.randperm(len(real), generator=g)[:m]],
                                         fake[torch.randperm(len(fake), generator=g)[:m]])
                           for _ in range(subsets)], dtype=torch.float64)
    return values.mean().item(), values.std(correction=0).item()  # population std, as torch-fidelity


def inception_score(probs: torch.Tensor, splits: int = 10) -> tuple[float, float]:
    """IS = exp( E_x KL( p(y|x) ‖ p(y) ) ), p(y) the mean of p(y|x) within each split;
    mean and std over ``splits`` (Salimans et al., 2016). Between 1 and the number of classes."""
    p = _f64(probs)
    scores = []
    for part in p.chunk(splits):
        p_y = part.mean(0, keepdim=True)
        kl = (torch.xlogy(part, part) - torch.xlogy(part, p_y)).sum(1)
        scores.append(kl.mean().exp())
    s = torch.stack(scores)
    return s.mean().item(), (s.std().item() if len(s) > 1 else 0.0)


def kth_neighbour_radii(features: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Distance from each point to its k-th nearest neighbour in the same set (itself excluded)."""
    d = torch.cdist(_f64(features), _f64(features))
    return d.kthvalue(k + 1, dim=1).values  # +1: the point itself is at distance 0


def precision_recall(real_features: torch.Tensor, fake_features: torch.Tensor,
                     k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al., 2019).

    Around every real feature put a ball reaching its k-th nearest real neighbour; precision
    is the share of fakes inside at least one real ball (quality). Recall swaps the roles:
    the share of reals inside at least one fake ball (coverage).
    """
    real, fake = _f64(real_features), _f64(fake_features)

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
    x, mu = _f64(samples), _f64(means)
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
    p = _f64(probs)
    k = p.shape[1]
    h = torch.bincount(p.argmax(1), minlength=k).double() / len(p)
    return {"histogram": h, "kl_to_uniform": (torch.xlogy(h, h) + h * math.log(k)).sum().item(),
            "classes_seen": int((h > 0).sum())}


def evaluate(real_features: torch.Tensor, fake_features: torch.Tensor, fake_probs: torch.Tensor,
             kid_subsets: int = 100, kid_subset_size: int = 1000, seed: int = 0) -> dict[str, float]:
    """Every image metric at once: FID, KID (mean, std), IS, precision, recall (k = 3) and the
    KL of the predicted-class histogram to uniform."""
    kid_mean, kid_std = kid(real_features, fake_features, kid_subsets, kid_subset_size, seed)
    precision, recall = precision_recall(real_features, fake_features, k=3)
    return {"FID": fid(real_features, fake_features), "KID": kid_mean, "KID std": kid_std,
            "IS": inception_score(fake_probs)[0], "precision": precision, "recall": recall,
            "class KL": class_coverage(fake_probs)["kl_to_uniform"]}
