"""Figures the notebooks share: image grids, training curves, snapshots over time."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid


def use_course_style() -> None:
    """Small, crisp inline figures (keeps the committed notebooks light)."""
    plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 4), "axes.grid": True,
                         "grid.alpha": 0.3, "axes.spines.top": False,
                         "axes.spines.right": False, "image.cmap": "gray"})


def image_grid(images: torch.Tensor, nrow: int = 8) -> torch.Tensor:
    """Tile ``(N, C, H, W)`` images in ``[-1, 1]`` into one ``(H', W')`` or ``(H', W', 3)`` image in [0, 1]."""
    if images.ndim != 4:
        raise ValueError(f"Expected images of shape (N, C, H, W), got {tuple(images.shape)}.")
    grid = make_grid(images.detach().float().cpu().clamp(-1, 1), nrow=nrow, padding=2,
                     normalize=True, value_range=(-1, 1), pad_value=1.0)
    return grid[0] if images.shape[1] == 1 else grid.permute(1, 2, 0)


def show_images(images: torch.Tensor, nrow: int = 8, title: str | None = None, ax=None,
                size: float = 4.0):
    """Show a grid of images in ``[-1, 1]``; returns the axes."""
    if ax is None:
        cols = min(nrow, images.shape[0])
        rows = -(-images.shape[0] // nrow)
        _, ax = plt.subplots(figsize=(size, size * rows / cols + (0.3 if title else 0)))
    ax.imshow(image_grid(images, nrow), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
