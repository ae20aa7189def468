import math

import numpy as np
import pytest
import torch
from scipy import integrate as sp_integrate
from scipy import stats

from gan_lab import theory, toy

X = torch.linspace(-15, 15, 30_001, dtype=torch.float64)


def _normal(mu, sigma):
    return toy.gaussian_mixture_1d([mu], sigma).pdf(X)


def test_optimal_discriminator_is_the_pointwise_argmax():
    # a log y + b log(1 - y) on a fine grid of y: the brute-force argmax is a / (a + b)
    ys = torch.linspace(1e-4, 1 - 1e-4, 99_999, dtype=torch.float64)
    for a, b in [(0.3, 0.7), (2.0, 0.5), (1e-3, 4.0)]:
        brute = ys[torch.argmax(a * ys.log() + b * (1 - ys).log())]
        d = theory.optimal_discriminator(torch.tensor([a]), torch.tensor([b]))
        assert d.item() == pytest.approx(brute.item(), abs=1e-4)
    assert theory.optimal_discriminator(torch.tensor([0.0]), torch.tensor([0.0])).item() == 0.5


def test_kl_of_gaussians_matches_closed_form():
    m1, s1, m2, s2 = 0.5, 1.0, -1.0, 2.0
    closed = math.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5
    got = theory.kl_divergence(_normal(m1, s1), _normal(m2, s2), X).item()
    assert got == pytest.approx(closed, rel=1e-8)


def test_kl_is_infinite_off_support():
    p = torch.tensor([0.5, 0.5, 0.0])
    q = torch.tensor([0.0, 0.5, 0.5])
    assert theory.kl_divergence(p, q, torch.arange(3.0)).item() == math.inf


def test_jsd_matches_scipy_quadrature_and_bounds():
    p = toy.gaussian_mixture_1d([-1.0, 2.0], [0.5, 1.0], [0.3, 0.7])
    q = toy.gaussian_mixture_1d([0.0], 1.5)
    pp = lambda t: p.pdf(torch.tensor([t], dtype=torch.float64)).item()
    qq = lambda t: q.pdf(torch.tensor([t], dtype=torch.float64)).item()

    def integrand(t):
        a, b = pp(t), qq(t)
        m = (a + b) / 2
        return 0.5 * (a * math.log(a / m) if a > 0 else 0) + 0.5 * (b * math.log(b / m) if b > 0 else 0)

    expected, _ = sp_integrate.quad(integrand, -15, 15, limit=200)
    got = theory.js_divergence(p.pdf(X), q.pdf(X), X).item()
    assert got == pytest.approx(expected, rel=1e-7)
    assert 0 < got < math.log(2)
    assert theory.js_divergence(p.pdf(X), p.pdf(X), X).item() == pytest.approx(0, abs=1e-12)


def test_jsd_of_disjoint_supports_is_log2():
    x = torch.linspace(0, 4, 4001, dtype=torch.float64)
    p = ((x >= 0.5) & (x <= 1.5)).double()
    q = ((x >= 2.5) & (x <= 3.5)).double()
    p, q = p / theory.integrate(p, x), q / theory.integrate(q, x)
    assert theory.js_divergence(p, q, x).item() == pytest.approx(math.log(2), rel=1e-12)


def test_value_at_optimal_d_is_minus_log4_plus_2jsd():
    pd, pg = _normal(0.0, 1.0), _normal(1.5, 0.7)
    d_star = theory.optimal_discriminator(pd, pg)
    v = theory.value_function(d_star, pd, pg, X).item()
    jsd = theory.js_divergence(pd, pg, X).item()
    assert v == pytest.approx(-theory.LOG4 + 2 * jsd, rel=1e-9)
    # and any other discriminator does worse
    assert theory.value_function(torch.full_like(X, 0.5), pd, pg, X).item() < v


def test_value_monte_carlo_matches_quadrature():
    pd, pg = toy.gaussian_mixture_1d([0.0], 1.0), toy.gaussian_mixture_1d([1.0], 1.0)
    g = torch.Generator().manual_seed(0)
    xr, xf = pd.sample(400_000, g).double(), pg.sample(400_000, g).double()
    d = lambda t: theory.optimal_discriminator(pd.pdf(t), pg.pdf(t))
    mc = theory.value_monte_carlo(d(xr), d(xf)).item()
    quad = theory.value_function(d(X), pd.pdf(X), pg.pdf(X), X).item()
    assert mc == pytest.approx(quad, abs=5e-3)  # MC standard error is about 1e-3 here


def test_wasserstein_1d_matches_scipy_and_closed_form():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(1000, generator=g), torch.randn(700, generator=g) * 2 + 1
    expected = stats.wasserstein_distance(a.numpy(), b.numpy())
    assert theory.wasserstein_1d(a, b).item() == pytest.approx(expected, rel=1e-10)
    # equal sizes: mean distance between sorted samples
    c, d = torch.randn(500, generator=g), torch.rand(500, generator=g)
    brute = (c.double().sort().values - d.double().sort().values).abs().mean().item()
    assert theory.wasserstein_1d(c, d).item() == pytest.approx(brute, rel=1e-10)
    # shifting a distribution by t moves it W1 = |t|
    assert theory.wasserstein_1d(a, a + 3.0).item() == pytest.approx(3.0, rel=1e-6)


def test_wasserstein_grid_of_shifted_gaussians():
    for shift in (0.0, 0.5, 4.0):
        w = theory.wasserstein_grid(_normal(0, 1), _normal(shift, 1), X).item()
        assert w == pytest.approx(shift, abs=1e-6)
    # different widths: W1 = E|Z| * |s1 - s2| = sqrt(2/pi) |s1 - s2| for centred Gaussians
    w = theory.wasserstein_grid(_normal(0, 1), _normal(0, 3), X).item()
    assert w == pytest.approx(math.sqrt(2 / math.pi) * 2, rel=1e-6)


def test_simultaneous_play_spirals_out_at_the_predicted_rate():
    eta = 0.2
    path = theory.bilinear_game(1.0, 0.5, eta, 50)
    radius = path.norm(dim=1)
    expected = radius[0] * (1 + eta ** 2) ** (torch.arange(51, dtype=torch.float64) / 2)
    assert torch.allclose(radius, expected, rtol=1e-12)


def test_alternating_play_conserves_its_invariant():
    eta = 0.3
    x, y = theory.bilinear_game(1.0, 0.5, eta, 200, alternating=True).T
    q = x ** 2 + y ** 2 - eta * x * y
    assert torch.allclose(q, torch.full_like(q, 1.1), rtol=1e-12)
    # the first step by hand: x1 = 1 - 0.3 * 0.5 = 0.85, y1 = 0.5 + 0.3 * 0.85 = 0.755
    assert (x[1].item(), y[1].item()) == pytest.approx((0.85, 0.755))


def test_kde_matches_scipy():
    s = torch.randn(300, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    xs = torch.linspace(-4, 4, 81, dtype=torch.float64)
    expected = stats.gaussian_kde(s.numpy())(xs.numpy())
    np.testing.assert_allclose(theory.gaussian_kde(s, xs).numpy(), expected, rtol=1e-10)
