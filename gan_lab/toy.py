"""Toy distributions with known densities: 1D Gaussian mixtures, the 2D ring and grid.

A mixture of ``K`` isotropic Gaussians in ``d`` dimensions has density

    p(x) = sum_k  w_k  N(x; mu_k, sigma_k^2 I),
    N(x; mu, s^2 I) = (2 pi s^2)^(-d/2) exp(-|x - mu|^2 / (2 s^2)).

The 2D ``ring`` (8 modes on a circle) and ``grid`` (25 modes on {-4,-2,0,2,4}^2) are the
mode-collapse benchmarks of the unrolled-GAN and PacGAN papers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch


class GaussianMixture:
    """``sum_k w_k N(mu_k, sigma_k^2 I)`` with ``means (K, d)``, ``stds (K,)``, ``weights (K,)``."""

    def __init__(self, means, stds, weights=None) -> None:
        means = torch.as_tensor(means, dtype=torch.float64)
        self.means = means.unsqueeze(-1) if means.ndim == 1 else means  # (K, d)
        k = len(self.means)
        self.stds = torch.as_tensor(stds, dtype=torch.float64).expand(k).clone()
        w = torch.ones(k, dtype=torch.float64) if weights is None else torch.as_tensor(
            weights, dtype=torch.float64)
        if w.shape != (k,) or (w < 0).any() or w.sum() <= 0 or (self.stds <= 0).any():
            raise ValueError("Need one non-negative weight and one positive std per mean.")
        self.weights = w / w.sum()

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def sample(self, n: int, rng: torch.Generator | None = None) -> torch.Tensor:
        """``n`` samples, shape ``(n, d)``, float32: pick a mode by weight, then add noise."""
        k = torch.multinomial(self.weights, n, replacement=True, generator=rng)
        noise = torch.randn(n, self.dim, generator=rng, dtype=torch.float64)
        return (self.means[k] + self.stds[k, None] * noise).float()

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """``log p(x)`` for ``x`` of shape ``(n, d)`` (or ``(n,)`` when ``d == 1``), float64."""
        x = torch.as_tensor(x, dtype=torch.float64)
        x = x.reshape(-1, self.dim)
        sq = ((x[:, None, :] - self.means[None]) ** 2).sum(-1)                 # (n, K)
        var = self.stds ** 2
        log_n = -0.5 * sq / var - 0.5 * self.dim * torch.log(2 * math.pi * var)
        return torch.logsumexp(log_n + torch.log(self.weights), dim=1)

    def pdf(self, x: torch.Tensor) -> torch.Tensor:
        """``p(x)``, float64."""
        return self.log_prob(x).exp()


def gaussian_mixture_1d(means: Sequence[float], stds: Sequence[float] | float,
                        weights: Sequence[float] | None = None) -> GaussianMixture:
    """A mixture on the real line, e.g. ``gaussian_mixture_1d([-2, 2], 0.5)``."""
    return GaussianMixture(torch.as_tensor(means, dtype=torch.float64)[:, None], stds, weights)


def ring(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> GaussianMixture:
    """``n_modes`` equal Gaussians at angles ``2 pi k / n_modes`` on a circle of ``radius``."""
    angle = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes
    return GaussianMixture(radius * torch.stack([angle.cos(), angle.sin()], 1), std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """``side**2`` equal Gaussians on a centred square grid; defaults give {-4,-2,0,2,4}^2."""
    ticks = (torch.arange(side, dtype=torch.float64) - (side - 1) / 2) * spacing
    xx, yy = torch.meshgrid(ticks, ticks, indexing="ij")
    return GaussianMixture(torch.stack([xx.flatten(), yy.flatten()], 1), std)


def step_generator(seed: int, step: int) -> torch.Generator:
    """A generator seeded from ``(seed, step)``: any step's batch is reproducible on its own."""
    return torch.Generator().manual_seed(seed * 1_000_003 + step)


class SampleSource:
    """Minibatches drawn fresh from a distribution, for the trainer: ``batch(step)``.

    Step ``t`` draws with a generator seeded from ``(seed, t)``, so any step's batch is
    reproducible on its own and a resumed run sees the same data.
    """

    def __init__(self, distribution: GaussianMixture, batch_size: int, seed: int = 0) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}.")
        self.distribution, self.batch_size, self.seed = distribution, batch_size, seed
        self.batches_per_epoch = 1  # an "epoch" is one batch: the supply never runs out

    def batch(self, step: int) -> torch.Tensor:
        g = step_generator(self.seed, step)
        return self.distribution.sample(self.batch_size, g)


class VerticalSegment:
    """Points ``(θ, u)`` with ``u ~ U[0, 1]``: the parallel lines of Arjovsky et al. (2017),
    Example 1. Two segments at different ``θ`` never overlap, yet ``W1 = |θ₁ - θ₂|``.
    Has ``batch(step)`` like :class:`SampleSource`."""

    def __init__(self, theta: float, batch_size: int, seed: int = 0) -> None:
        self.theta, self.batch_size, self.seed = float(theta), batch_size, seed
        self.batches_per_epoch = 1

    def batch(self, step: int) -> torch.Tensor:
        g = step_generator(self.seed, step)
        u = torch.rand(self.batch_size, 1, generator=g)
        return torch.cat([torch.full_like(u, self.theta), u], 1)
