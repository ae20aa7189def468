"""Walking through latent space: linear and spherical interpolation between noise vectors."""

from __future__ import annotations

import torch


def lerp(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """``z(t) = (1 - t) z0 + t z1`` for ``t`` in ``linspace(0, 1, steps)``; shape ``(steps, d)``."""
    t = torch.linspace(0, 1, steps, dtype=z0.dtype)[:, None]
    return (1 - t) * z0 + t * z1


def slerp(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """Spherical interpolation (Shoemake, 1985; White, 2016), shape ``(steps, d)``:

    z(t) = sin((1 - t) Ω) / sin Ω · z0 + sin(t Ω) / sin Ω · z1,   cos Ω = z0·z1 / (|z0| |z1|)

    The angle to ``z0`` grows linearly in ``t``; for endpoints of equal norm the norm stays
    constant, so every point looks like a typical draw from N(0, I), whose samples lie near
    the sphere of radius √d. (A linear path cuts inside that sphere.)
    """
    t = torch.linspace(0, 1, steps, dtype=torch.float64)[:, None]
    a, b = z0.double(), z1.double()
    omega = torch.arccos((a @ b / (a.norm() * b.norm())).clamp(-1, 1))
    if omega.abs() < 1e-6:  # (nearly) the same direction: the paths coincide
        return lerp(z0, z1, steps)
    path = (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)
    return path.to(z0.dtype)


@torch.no_grad()
def generate(generator: torch.nn.Module, n: int, seed: int = 0, batch_size: int = 500) -> torch.Tensor:
    """``n`` samples ``G(z)``, ``z ~ N(0, I)`` drawn at once from a generator seeded with
    ``seed`` (so the samples do not depend on ``batch_size``), passed through G in batches
    in eval mode (the mode is restored afterwards)."""
    z = torch.randn(n, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    out = torch.cat([generator(chunk.to(device)).cpu() for chunk in z.split(batch_size)])
    generator.train(was_training)
    return out
