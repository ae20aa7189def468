"""Checks for notebook 02 (the optimal discriminator): a Monte-Carlo estimate of the
Jensen-Shannon divergence, compared with quadrature on pairs of Gaussian mixtures."""

from __future__ import annotations

import torch

from .. import theory, toy
from ..exercise import self_check
from .minimax import _reports, not_written

N_SAMPLES = 100_000


def _pairs() -> list[tuple[toy.GaussianMixture, toy.GaussianMixture]]:
    """Pairs of 1D densities whose JSD lies between about 0.1 and 0.5."""
    return [(toy.gaussian_mixture_1d([-1.0, 1.5], [0.5, 0.7], weights=[0.4, 0.6]),
             toy.gaussian_mixture_1d([0.5], 1.2)),
            (toy.gaussian_mixture_1d([0.0], 1.0), toy.gaussian_mixture_1d([1.5], 0.6))]


def _jsd_quadrature(p: toy.GaussianMixture, q: toy.GaussianMixture) -> float:
    x = torch.linspace(-15, 15, 60_001, dtype=torch.float64)
    return theory.js_divergence(p.pdf(x), q.pdf(x), x).item()


def _jsd_ok(fn) -> bool:
    for k, (p, q) in enumerate(_pairs()):
        got = fn(p, q, N_SAMPLES, torch.Generator().manual_seed(10 + k))
        again = fn(p, q, N_SAMPLES, torch.Generator().manual_seed(10 + k))
        if float(got) != float(again):
            print("Two calls with the same seed gave different answers: draw with rng.")
            return False
        # the estimate's standard error is below 0.002 for these pairs and n; allow 0.01
        if abs(float(got) - _jsd_quadrature(p, q)) > 0.01:
            return False
    return True


def check_jsd_monte_carlo(fn) -> bool:
    """Exercise: ``fn(p, q, n, rng)`` estimates ``JSD(p ‖ q)`` from ``n`` samples of each
    density (``p.sample(n, rng)``) and their densities (``p.pdf(x)``), without a grid."""
    p, q = _pairs()[0]
    if not_written(fn, p, q, 10, torch.Generator().manual_seed(0)):
        fn = None
    return self_check(fn, _reports(_jsd_ok),
                      "JSD = KL(p‖m)/2 + KL(q‖m)/2 with m = (p + q)/2, and KL(p‖m) is the "
                      "average of log(p(x)/m(x)) over samples x of p (likewise for q).")
