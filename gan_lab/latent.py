"""Walking through latent space: linear and spherical interpolation between noise vectors."""

from __future__ import annotations

import math

import torch

from . import validate


def _endpoints(z0, z1, steps: int, nonzero: bool) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Both endpoints as checked float64 vectors of one shape ``(d,)``, and ``steps ≥ 2``."""
    a, b = validate.vector(z0, "z0", nonzero), validate.vector(z1, "z1", nonzero)
    if a.shape != b.shape:
        raise ValueError(f"z0 and z1 differ in shape: {tuple(a.shape)} vs {tuple(b.shape)}.")
    return a, b, validate.positive_int(steps, "steps", minimum=2)


def _like(path: torch.Tensor, z0) -> torch.Tensor:
    """``path`` in ``z0``'s dtype and device (float64 on the CPU when ``z0`` is not a tensor)."""
    if isinstance(z0, torch.Tensor) and z0.is_floating_point():
        return path.to(dtype=z0.dtype, device=z0.device)
    return path


def lerp(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """``z(t) = (1 - t) z0 + t z1`` for ``t`` in ``linspace(0, 1, steps)``; shape ``(steps, d)``."""
    a, b, steps = _endpoints(z0, z1, steps, nonzero=False)
    if isinstance(z0, torch.Tensor) and z0.is_floating_point():  # keep z0's dtype and device
        a, b = z0, torch.as_tensor(z1, dtype=z0.dtype, device=z0.device)
    t = torch.linspace(0, 1, steps, dtype=a.dtype, device=a.device)[:, None]
    return (1 - t) * a + t * b


def _norm(v: torch.Tensor) -> torch.Tensor:
    """``|v|`` without under- or overflow: ``m |v / m|`` with ``m = max |v_i|`` (the plain
    norm of a vector of entries ~1e-200 rounds to 0, and then ``v / |v|`` is NaN)."""
    m = v.abs().max()
    return m * (v / m).norm()


def orthogonal_direction(u: torch.Tensor) -> torch.Tensor:
    """A unit vector orthogonal to the unit vector ``u``, chosen deterministically: the
    coordinate axis ``e_k`` least aligned with ``u`` (smallest ``|u_k|``, first on ties),
    with its component along ``u`` removed, ``w = (e_k - u_k u) / |e_k - u_k u|``.
    (``|u_k| ≤ 1/√d``, so ``|e_k - u_k u|² = 1 - u_k² ≥ 1 - 1/d``: never small for d ≥ 2.)"""
    if len(u) < 2:
        raise ValueError("In one dimension there is no direction orthogonal to z0: antipodal "
                         "endpoints have no spherical path; use lerp.")
    k = int(torch.argmin(u.abs()))
    w = -u[k] * u
    w[k] += 1
    return w / w.norm()


def slerp(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """Spherical interpolation (Shoemake, 1985; White, 2016), shape ``(steps, d)``:

    z(t) = sin((1 - t) Ω) / sin Ω · z0 + sin(t Ω) / sin Ω · z1,   Ω = angle(z0, z1)

    computed in the plane of the endpoints: with ``u = z0/|z0|`` and ``w`` the unit vector
    orthogonal to ``u`` in that plane, the same point is
    ``(|z0| cos tΩ + (|z1| - |z0|) sin tΩ cos Ω / sin Ω) u + |z1| sin tΩ w``. The angle is
    ``Ω = 2 atan2(|u - v|, |u + v|)`` (``v = z1/|z1|``), a two-argument arctangent accurate
    over all of ``[0, π]`` (``arccos`` of the cosine loses half the digits near 0 and π).
    For endpoints of equal norm the norm stays constant and the angle to ``z0`` grows
    linearly in ``t``, so every point looks like a typical draw from N(0, I), whose samples
    lie near the sphere of radius √d. (A linear path cuts inside that sphere.)

    Special cases: endpoints in the same direction give the linear path. Antipodal
    endpoints (``Ω`` within 1e-6 of π) have no unique great circle and the formula divides
    by sin Ω ≈ 0: the path then turns through :func:`orthogonal_direction` of ``u`` with the
    norm going linearly from ``|z0|`` to ``|z1|`` (the limit for equal norms), so it is
    deterministic and finite. A zero endpoint has no direction: ``ValueError``. The first
    and last rows are ``z0`` and ``z1`` exactly.
    """
    a, b, steps = _endpoints(z0, z1, steps, nonzero=True)
    t = torch.linspace(0, 1, steps, dtype=torch.float64)[:, None]
    na, nb = _norm(a), _norm(b)
    u, v = a / na, b / nb
    omega = 2 * torch.atan2((u - v).norm(), (u + v).norm())
    if omega < 1e-6:  # (nearly) the same direction: the paths coincide
        return lerp(z0, z1, steps)
    if math.pi - omega < 1e-6:
        w = orthogonal_direction(u)
        path = ((1 - t) * na + t * nb) * (torch.cos(t * omega) * u + torch.sin(t * omega) * w)
    else:
        w = v - (u @ v) * u
        w = w / w.norm()
        along_u = na * torch.cos(t * omega) + (nb - na) * torch.sin(t * omega) * torch.cos(omega) / torch.sin(omega)
        path = along_u * u + nb * torch.sin(t * omega) * w
    path[0], path[-1] = a, b
    return _like(path, z0)


@torch.no_grad()
def generate(generator: torch.nn.Module, n: int, seed: int = 0, batch_size: int = 500) -> torch.Tensor:
    """``n`` samples ``G(z)``, ``z ~ N(0, I)`` drawn at once from a generator seeded with
    ``seed`` (so the samples do not depend on ``batch_size``), passed through G in batches
    in eval mode (the mode is restored afterwards)."""
    n = validate.positive_int(n, "n")
    validate.generator(generator, conditional=False, where="generate")
    batch_size = validate.positive_int(batch_size, "batch_size")
    z = torch.randn(n, generator.latent_dim, generator=torch.Generator().manual_seed(validate.seed(seed)))
    was_training = generator.training
    generator.eval()
    tensors = [*generator.parameters(), *generator.buffers()]     # (a model may hold no weights)
    device = tensors[0].device if tensors else torch.device("cpu")
    out = torch.cat([generator(chunk.to(device)).cpu() for chunk in z.split(batch_size)])
    generator.train(was_training)
    return out
