import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gan_lab import toy


def test_1d_mixture_pdf_matches_scipy_and_integrates_to_one():
    gm = toy.gaussian_mixture_1d([-2.0, 1.0, 3.0], [0.5, 1.0, 0.3], [0.2, 0.5, 0.3])
    xs = np.linspace(-6, 6, 101)
    expected = (0.2 * stats.norm.pdf(xs, -2, 0.5) + 0.5 * stats.norm.pdf(xs, 1, 1.0)
                + 0.3 * stats.norm.pdf(xs, 3, 0.3))
    np.testing.assert_allclose(gm.pdf(torch.tensor(xs)).numpy(), expected, rtol=1e-12)
    total, _ = integrate.quad(lambda x: gm.pdf(torch.tensor([x])).item(), -np.inf, np.inf)
    assert total == pytest.approx(1.0, abs=1e-8)


def test_1d_mixture_samples_have_the_right_moments():
    gm = toy.gaussian_mixture_1d([-2.0, 2.0], 0.5, [0.25, 0.75])
    x = gm.sample(200_000, torch.Generator().manual_seed(0)).double()
    assert x.shape == (200_000, 1)
    mean = 0.25 * -2 + 0.75 * 2                      # = 1
    var = 0.5 ** 2 + 0.25 * 4 + 0.75 * 4 - mean ** 2  # law of total variance = 3.25
    assert x.mean().item() == pytest.approx(mean, abs=0.01)
    assert x.var().item() == pytest.approx(var, rel=0.01)


def test_ring_defaults():
    r = toy.ring()
    assert r.means.shape == (8, 2)
    np.testing.assert_allclose(r.means.norm(dim=1).numpy(), 1.0, rtol=1e-12)
    assert torch.allclose(r.stds, torch.full((8,), 0.01, dtype=torch.float64))
    angles = torch.atan2(r.means[:, 1], r.means[:, 0]).numpy() % (2 * math.pi)
    np.testing.assert_allclose(np.sort(angles), np.arange(8) * math.pi / 4, atol=1e-12)


def test_grid_defaults_follow_pacgan():
    g = toy.grid()
    expected = {(a, b) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    assert {tuple(m) for m in g.means.round().int().tolist()} == expected
    assert torch.allclose(g.means, g.means.round())
    assert g.stds[0].item() == 0.05


def test_2d_pdf_integrates_to_one_and_matches_product_of_normals():
    g = toy.grid(side=3, spacing=1.0, std=0.3)
    xs = torch.linspace(-4, 4, 401, dtype=torch.float64)
    xx, yy = torch.meshgrid(xs, xs, indexing="ij")
    p = g.pdf(torch.stack([xx.flatten(), yy.flatten()], 1)).reshape(401, 401)
    h = (xs[1] - xs[0]).item()
    assert p.sum().item() * h * h == pytest.approx(1.0, abs=1e-6)
    m = g.means[4].numpy()
    direct = np.mean([stats.norm.pdf(0.1, mu[0], 0.3) * stats.norm.pdf(-0.2, mu[1], 0.3)
                      for mu in g.means.numpy()])
    assert g.pdf(torch.tensor([[0.1, -0.2]], dtype=torch.float64)).item() == pytest.approx(direct, rel=1e-12)
    assert m.tolist() == [0.0, 0.0]


def test_ring_samples_stay_near_their_modes():
    r = toy.ring(std=0.01)
    x = r.sample(5000, torch.Generator().manual_seed(1)).double()
    nearest = torch.cdist(x, r.means).min(dim=1).values
    assert nearest.max() < 0.06  # 6 std: essentially impossible to exceed by chance


def test_bad_mixture_arguments():
    with pytest.raises(ValueError, match="positive std"):
        toy.gaussian_mixture_1d([0.0, 1.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="non-negative weight"):
        toy.gaussian_mixture_1d([0.0, 1.0], 1.0, [1.0])


def test_vertical_segment_and_sample_source_are_seeded_per_step():
    seg = toy.VerticalSegment(0.7, 100, seed=1)
    x = seg.batch(3)
    assert x.shape == (100, 2) and torch.all(x[:, 0] == 0.7)
    assert 0 <= x[:, 1].min() and x[:, 1].max() <= 1
    assert torch.equal(x, toy.VerticalSegment(0.7, 100, seed=1).batch(3))
    assert not torch.equal(x, seg.batch(4))
    src = toy.SampleSource(toy.ring(), 50, seed=2)
    assert torch.equal(src.batch(7), toy.SampleSource(toy.ring(), 50, seed=2).batch(7))
