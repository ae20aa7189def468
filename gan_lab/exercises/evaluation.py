"""Checks for the evaluation notebook: the squared Fréchet distance in 1D, FID from features,
the Inception Score of a perfect classifier, precision vs recall of copies."""

from __future__ import annotations

import math

import torch

from ..exercise import not_written, self_check


def check_frechet_1d(answer) -> bool:
    """Exercise 1: d² between N(0, 1²) and N(3, 2²), computed here from the 1D closed form
    d² = (μ₁ - μ₂)² + (σ₁ - σ₂)² (the quantity FID reports; d itself is its square root)."""
    exact = (0.0 - 3.0) ** 2 + (1.0 - 2.0) ** 2

    def passes(v):
        return isinstance(v, (int, float)) and abs(float(v) - exact) < 1e-9

    return self_check(answer, passes,
                      "FID is the *squared* distance d²; in 1D the trace term is σ₁² + σ₂² - 2σ₁σ₂.")


def _reference_fid(real: torch.Tensor, fake: torch.Tensor) -> float:
    """d² by another route than gan_lab.metrics: tr (Σ₁Σ₂)^½ = tr (Σ₁^½ Σ₂ Σ₁^½)^½, both
    square roots through symmetric eigendecompositions (eigh), in float64."""
    x, y = real.double(), fake.double()
    s1, s2 = torch.cov(x.T), torch.cov(y.T)
    w, v = torch.linalg.eigh(s1)
    root1 = v @ torch.diag(w.clamp(min=0).sqrt()) @ v.T
    inner = torch.linalg.eigvalsh(root1 @ s2 @ root1).clamp(min=0).sqrt().sum()
    return ((x.mean(0) - y.mean(0)).pow(2).sum() + s1.trace() + s2.trace() - 2 * inner).item()


def _random_features(n: int, d: int, shift: float, seed: int) -> torch.Tensor:
    """``n`` correlated Gaussian features in ``d`` dimensions (random mixing, so the two sets'
    covariances do not commute)."""
    g = torch.Generator().manual_seed(seed)
    mix = torch.randn(d, d, generator=g, dtype=torch.float64)
    return torch.randn(n, d, generator=g, dtype=torch.float64) @ mix + shift


def check_fid(fn) -> bool:
    """Exercise 4: ``fn(real_features, fake_features) -> float`` must return FID, the squared
    Fréchet distance between Gaussians fitted to two feature sets ``(n, d)`` (covariances with
    ``n - 1``), on random feature sets of different sizes and dimensions."""
    cases = [(_random_features(60, 5, 0.0, 1), _random_features(60, 5, 0.5, 2)),
             (_random_features(200, 8, 1.0, 3), _random_features(150, 8, 0.0, 4)),
             (_random_features(40, 3, 0.0, 5), _random_features(40, 3, 0.0, 5))]   # same set: 0
    if not_written(fn, *cases[0]):
        fn = None

    def passes(f):
        for real, fake in cases:
            got = float(f(real.clone(), fake.clone()))
            want = _reference_fid(real, fake)
            if not math.isfinite(got) or abs(got - want) > 1e-6 * max(1.0, abs(want)):
                return False
        return True

    return self_check(fn, passes,
                      "FID is the squared distance (no final square root); fit each set's mean "
                      "and covariance with n - 1 (torch.cov expects variables in rows); the "
                      "trace term needs a matrix square root, not an elementwise one: sum the "
                      "square roots of the eigenvalues of Σ₁Σ₂.")


def check_inception_score(answer, n_classes: int = 10) -> bool:
    """Exercise 2: IS of confident (one-hot), evenly spread predictions over ``n_classes``:
    KL(p(y|x) ‖ p(y)) = log K for every x, so IS = exp(log K) = K."""

    def passes(v):
        return isinstance(v, (int, float)) and abs(float(v) - n_classes) < 1e-6

    return self_check(answer, passes,
                      "p(y|x) is one-hot and p(y) is uniform; work out KL(p(y|x) ‖ p(y)) and "
                      "remember IS takes the exponential.")


def check_lower_of_precision_recall(answer, precision: float, recall: float) -> bool:
    """Exercise 3: which of the measured ``precision`` and ``recall`` is lower."""
    lower = "recall" if recall < precision else "precision"
    return self_check(answer, lambda a: a == lower,
                      "copies of real images are perfect in quality; how many of the real "
                      "points do they cover?")
