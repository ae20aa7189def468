"""Checks for notebook 04 (DCGAN): transposed-convolution sizes, the linear midpoint's norm,
a parameter count, and spherical interpolation written by hand."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..exercise import not_written, self_check
from ..models import DCGANDiscriminator, count_parameters


def check_conv_transpose_size(answer) -> bool:
    """Exercise 1: the side ConvTranspose2d(k=5, s=2, p=2, output_padding=1) makes of 7,
    measured on the layer itself."""
    layer = nn.ConvTranspose2d(1, 1, kernel_size=5, stride=2, padding=2, output_padding=1)
    actual = layer(torch.zeros(1, 1, 7, 7)).shape[-1]
    return self_check(answer, lambda n: isinstance(n, int) and n == actual,
                      "start from the formula of section 2 and add output_padding once.")


def check_orthogonal_midpoint(answer) -> bool:
    """Exercise 2: |(a + b)/2| for orthogonal a, b of norm 10, from explicit vectors."""
    a, b = torch.zeros(100, dtype=torch.float64), torch.zeros(100, dtype=torch.float64)
    a[0], b[1] = 10.0, 10.0
    exact = ((a + b) / 2).norm().item()
    return self_check(answer, lambda v: isinstance(v, (int, float)) and abs(float(v) - exact) < 1e-6,
                      "expand |a + b|² when a·b = 0, then halve the norm.")


def check_parameter_count(answer) -> bool:
    """Exercise 3: parameters of ``DCGANDiscriminator(batch_norm=False)``."""
    exact = count_parameters(DCGANDiscriminator(batch_norm=False))
    return self_check(answer, lambda n: isinstance(n, int) and n == exact,
                      "build it and count, or work it out: which parameters does batch norm bring, "
                      "and which does a convolution need without it?")


def _reference_slerp(z0: torch.Tensor, z1: torch.Tensor, t: float) -> torch.Tensor:
    """Slerp in the plane of z0 and z1: with u = z0/|z0| and w the unit vector of z1's part
    orthogonal to u, z0 = |z0| u and z1 = |z1| (cos Ω u + sin Ω w); the point at t is
    [sin((1-t)Ω) z0 + sin(tΩ) z1] / sin Ω, written in (u, w) coordinates."""
    a, b = z0.double(), z1.double()
    u = a / a.norm()
    w = b - (b @ u) * u
    w = w / w.norm()
    omega = math.atan2((b @ w).item(), (b @ u).item())        # the angle between z0 and z1
    n0, n1 = a.norm().item(), b.norm().item()
    cu = (math.sin((1 - t) * omega) * n0 + math.sin(t * omega) * n1 * math.cos(omega)) / math.sin(omega)
    cw = math.sin(t * omega) * n1
    return cu * u + cw * w


def check_slerp(fn) -> bool:
    """Exercise 4: ``fn(z0, z1, t)`` must return the spherical interpolation at ``t`` in [0, 1]:
    z(t) = sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1, cos Ω = z0·z1/(|z0||z1|); checked
    on random vectors of equal norm at several t."""
    g = torch.Generator().manual_seed(3)
    pairs = [(torch.randn(100, generator=g, dtype=torch.float64),
              torch.randn(100, generator=g, dtype=torch.float64)),
             (torch.randn(3, generator=g, dtype=torch.float64),
              torch.randn(3, generator=g, dtype=torch.float64))]
    # equal norms, as for typical draws of z ~ N(0, I): there the classic formula and
    # gan_lab.latent.slerp (which also interpolates the norm) are the same path
    pairs = [(z0, z1 * z0.norm() / z1.norm()) for z0, z1 in pairs]
    if not_written(fn, *pairs[0], 0.5):
        fn = None

    def passes(f):
        for z0, z1 in pairs:
            for t in (0.0, 0.25, 0.5, 0.9, 1.0):
                got = f(z0.clone(), z1.clone(), t)
                if not isinstance(got, torch.Tensor) or got.shape != z0.shape:
                    return False
                if not torch.allclose(got.double(), _reference_slerp(z0, z1, t), rtol=1e-6, atol=1e-8):
                    return False
        return True

    return self_check(fn, passes,
                      "get the angle Ω between z0 and z1 from their cosine; the weights of z0 and z1 "
                      "are sines of fractions of Ω, divided by sin Ω (not 1 - t and t).")
