"""Checks for the exercises of notebook 09 (the latent-space explorer)."""

from __future__ import annotations

import torch

from ..exercise import self_check
from ..explorer import latent


def check_1(answer) -> bool:
    """The displayed pixel value of a generator output x = 0.5."""
    return self_check(answer, lambda p: p == round((0.5 + 1) * 127.5),
                      "p = round((clamp(x, -1, 1) + 1) · 127.5).")


def check_2(answer, directions: torch.Tensor, seed: int = 3) -> bool:
    """The latent point shown for ``seed`` with direction sliders α = (1, 0, -2, 0)."""
    alpha = torch.tensor([1.0, 0.0, -2.0, 0.0])
    want = latent(seed, directions.shape[1]) + alpha @ directions[:4]

    def passes(z):
        return isinstance(z, torch.Tensor) and z.shape == want.shape and torch.allclose(z, want, atol=1e-5)

    return self_check(answer, passes, "z = latent(seed, d) + 1 · u_0 - 2 · u_2 (u_i: rows of the directions).")


def check_3(answer) -> bool:
    """t of frame 6 in a 16-frame path."""
    return self_check(answer, lambda t: abs(float(t) - 6 / 15) < 1e-9, "t = k / (steps - 1).")
