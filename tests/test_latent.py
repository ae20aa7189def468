import math

import pytest
import torch

from gan_lab.latent import generate, lerp, slerp


def test_lerp_endpoints_and_midpoint():
    z0, z1 = torch.randn(16), torch.randn(16)
    path = lerp(z0, z1, 5)
    assert path.shape == (5, 16)
    assert torch.allclose(path[0], z0) and torch.allclose(path[-1], z1)
    assert torch.allclose(path[2], (z0 + z1) / 2)


def test_slerp_moves_at_constant_angular_speed_on_the_sphere():
    g = torch.Generator().manual_seed(0)
    z0 = torch.randn(100, generator=g, dtype=torch.float64)
    z1 = torch.randn(100, generator=g, dtype=torch.float64)
    z1 = z1 / z1.norm() * z0.norm()                      # equal norms
    path = slerp(z0, z1, 11)
    assert torch.allclose(path[0], z0) and torch.allclose(path[-1], z1)
    assert torch.allclose(path.norm(dim=1), z0.norm().expand(11), rtol=1e-10)
    cos = path @ z0 / (path.norm(dim=1) * z0.norm())
    angles = torch.arccos(cos.clamp(-1, 1))
    omega = angles[-1]
    assert torch.allclose(angles, torch.linspace(0, 1, 11, dtype=torch.float64) * omega, atol=1e-7)


def test_slerp_of_orthogonal_unit_vectors_matches_cos_sin():
    e0, e1 = torch.tensor([1.0, 0.0], dtype=torch.float64), torch.tensor([0.0, 1.0], dtype=torch.float64)
    path = slerp(e0, e1, 3)
    assert path[1].tolist() == pytest.approx([math.cos(math.pi / 4), math.sin(math.pi / 4)])


def test_linear_path_cuts_inside_the_shell():
    # Two independent N(0, I) draws in high dimension are nearly orthogonal with norm ≈ √d,
    # so the linear midpoint has norm ≈ √d / √2.
    g = torch.Generator().manual_seed(1)
    d = 10_000
    z0, z1 = torch.randn(d, generator=g), torch.randn(d, generator=g)
    mid = lerp(z0, z1, 3)[1]
    assert mid.norm().item() == pytest.approx(math.sqrt(d / 2), rel=0.03)
    assert slerp(z0, z1, 3)[1].norm().item() == pytest.approx(math.sqrt(d), rel=0.03)


def test_slerp_same_direction_falls_back_to_lerp():
    z = torch.randn(8)
    assert torch.allclose(slerp(z, 2 * z, 3)[1], 1.5 * z)


def test_generate_is_seeded_batched_and_restores_mode():
    from gan_lab.models import MLPGenerator

    G = MLPGenerator(latent_dim=4, hidden=(8,))
    a = generate(G, 7, seed=3, batch_size=3)
    assert a.shape == (7, 1, 28, 28) and G.training
    assert torch.allclose(a, generate(G, 7, seed=3, batch_size=500), atol=1e-6)  # batch-size free
    z = torch.randn(7, 4, generator=torch.Generator().manual_seed(3))
    assert torch.allclose(a, G.eval()(z), atol=1e-6)
