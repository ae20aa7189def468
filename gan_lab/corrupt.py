"""Controlled damage to real images, to see how a metric responds (notebook 06)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def add_noise(images: torch.Tensor, sigma: float, seed: int = 0) -> torch.Tensor:
    """``clamp(x + σ ε, -1, 1)`` with ``ε ~ N(0, I)``."""
    g = torch.Generator().manual_seed(seed)
    return (images + sigma * torch.randn(images.shape, generator=g)).clamp(-1, 1)


def blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur with standard deviation ``σ`` pixels (separable kernel, radius ⌈3σ⌉)."""
    if sigma <= 0:
        return images.clone()
    radius = max(1, int(3 * sigma + 0.5))
    t = torch.arange(-radius, radius + 1, dtype=images.dtype)
    kernel = torch.exp(-0.5 * (t / sigma) ** 2)
    kernel = kernel / kernel.sum()
    c = images.shape[1]
    x = F.pad(images, (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, kernel.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)    # along width
    return F.conv2d(x, kernel.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)  # along height


def drop_classes(images: torch.Tensor, labels: torch.Tensor, n_dropped: int) -> torch.Tensor:
    """The same number of images, drawn only from classes ``n_dropped, ..., 9``
    (classes ``0 .. n_dropped - 1`` are missing: a generator that lost those modes)."""
    keep = images[labels >= n_dropped]
    reps = -(-len(images) // len(keep))
    return keep.repeat(reps, 1, 1, 1)[:len(images)]
