"""Figures the notebooks share: image grids, training curves, snapshots over time."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid

from . import validate


def use_course_style() -> None:
    """Small, crisp inline figures (keeps the committed notebooks light)."""
    plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 4), "axes.grid": True,
                         "grid.alpha": 0.3, "axes.spines.top": False,
                         "axes.spines.right": False, "image.cmap": "gray"})


def image_grid(images: torch.Tensor, nrow: int = 8) -> torch.Tensor:
    """Tile ``(N, C, H, W)`` images in ``[-1, 1]`` into one ``(H', W')`` or ``(H', W', 3)`` image in [0, 1]."""
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or len(images) == 0:
        given = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"Expected images of shape (N, C, H, W) with N ≥ 1, got {given}.")
    nrow = validate.positive_int(nrow, "nrow")
    grid = make_grid(images.detach().float().cpu().clamp(-1, 1), nrow=nrow, padding=2,
                     normalize=True, value_range=(-1, 1), pad_value=1.0)
    return grid[0] if images.shape[1] == 1 else grid.permute(1, 2, 0)


def show_images(images: torch.Tensor, nrow: int = 8, title: str | None = None, ax=None,
                size: float = 4.0):
    """Show a grid of images in ``[-1, 1]``; returns the axes."""
    new_figure = ax is None
    grid = image_grid(images, nrow)  # checks images and nrow before a figure is made
    if new_figure:
        cols = min(nrow, images.shape[0])
        rows = -(-images.shape[0] // nrow)
        _, ax = plt.subplots(figsize=(size, size * rows / cols + (0.3 if title else 0)))
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    if new_figure:
        ax.figure.tight_layout(pad=0.2)
    return ax


def plot_snapshots(snapshots: list, per_row: int = 10, rows: int | None = None, size: float = 7.0):
    """One row per snapshot ``(step, images)``: the same fixed noise, seen as training goes on.
    With ``rows``, show that many, evenly spaced from the first to the last."""
    if not snapshots:
        raise ValueError("No snapshots to show: train with snapshot_every=... (Trainer.train) first.")
    per_row = validate.positive_int(per_row, "per_row")
    rows = None if rows is None else validate.positive_int(rows, "rows")
    if rows is not None and rows < len(snapshots):
        picks = torch.linspace(0, len(snapshots) - 1, rows).round().long().unique()
        snapshots = [snapshots[i] for i in picks]
    fig, axes = plt.subplots(len(snapshots), 1, figsize=(size, size / per_row * len(snapshots) * 1.08),
                             squeeze=False)
    for ax, (step, images) in zip(axes[:, 0], snapshots):
        ax.imshow(image_grid(images[:per_row], nrow=per_row), cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        ax.grid(False)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_ylabel(f"step {step}", rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout(pad=0.2)
    return axes[:, 0]


def plot_density_1d(ax, x: torch.Tensor, p_data: torch.Tensor, p_g: torch.Tensor | None = None,
                    d: torch.Tensor | None = None, title: str | None = None):
    """Goodfellow et al. (2014), Figure 1 style: data (black dots), generator (green), D (blue dashes)."""
    ax.plot(x, p_data, "k:", lw=2, label="$p_{data}$")
    if p_g is not None:
        ax.plot(x, p_g, "g-", lw=2, label="$p_g$")
    if d is not None:
        ax.plot(x, d, "b--", lw=2, label="$D(x)$")
        ax.axhline(0.5, color="gray", lw=0.8)
    if title:
        ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylim(0, max(1.05, 1.5 * float(max(p_data))))  # a spiky p_g is cut, not rescaled
    return ax


def moving_average(values, window: int):
    """Mean of each ``window`` consecutive values (for reading noisy curves)."""
    t = torch.as_tensor(values, dtype=torch.float64)
    if t.ndim != 1 or len(t) == 0:
        raise ValueError(f"moving_average needs a non-empty list of numbers, got shape {tuple(t.shape)} "
                         "(an empty history? train for a few steps first).")
    window = min(validate.positive_int(window, "window"), len(t))
    return t.unfold(0, window, 1).mean(1)


def plot_history(history: dict, window: int = 25, axes=None, label: str | None = None):
    """Two panels: both losses, and D's readout on real and generated data, smoothed."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    steps = torch.as_tensor(history["step"])[len(history["step"]) - len(
        moving_average(history["step"], window)):]
    prefix = f"{label}: " if label else ""
    axes[0].plot(steps, moving_average(history["loss_d"], window), label=prefix + "$L_D$")
    axes[0].plot(steps, moving_average(history["loss_g"], window), label=prefix + "$L_G$")
    axes[0].set(title="losses", xlabel="generator step", ylabel="loss (batch mean)")
    axes[1].plot(steps, moving_average(history["d_real"], window), label=prefix + "D(x)")
    axes[1].plot(steps, moving_average(history["d_fake"], window), label=prefix + "D(G(z))")
    axes[1].set(title="discriminator on real and fake", xlabel="generator step",
                ylabel="D's output (batch mean)")
    for ax in axes:
        ax.legend(fontsize=8)
    return axes
