"""Controlled damage to real images, to see how a metric responds (notebook 06)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import validate


def add_noise(images: torch.Tensor, sigma: float, seed: int = 0) -> torch.Tensor:
    """``clamp(x + σ ε, -1, 1)`` with ``ε ~ N(0, I)``, ``σ ≥ 0``."""
    if not sigma >= 0 or not torch.isfinite(torch.tensor(float(sigma))):
        raise ValueError(f"sigma must be a finite number ≥ 0, got {sigma!r}.")
    g = torch.Generator().manual_seed(seed)
    return (images + sigma * torch.randn(images.shape, generator=g)).clamp(-1, 1)


def blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur with standard deviation ``σ`` pixels (separable kernel, radius ⌈3σ⌉)."""
    validate.image_batch(images, (None, None, None), "blur")
    if not sigma >= 0 or not torch.isfinite(torch.tensor(float(sigma))):
        raise ValueError(f"sigma must be a finite number ≥ 0 (0: no blur), got {sigma!r}.")
    if sigma == 0:
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
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels: give one label per image.")
    keep = images[labels >= n_dropped]
    if len(keep) == 0:
        raise ValueError(f"No image has a label ≥ {n_dropped} (largest label: {int(labels.max())}): "
                         "dropping that many classes leaves nothing to draw from.")
    reps = -(-len(images) // len(keep))
    return keep.repeat(reps, 1, 1, 1)[:len(images)]
