"""Checks for notebook 03 (an MLP GAN): parameter count, sampling G, a stable log σ, and a
discriminator step written by hand."""

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from ..exercise import not_written, self_check
from ..models import MLPGenerator, count_parameters


def check_parameter_count(answer) -> bool:
    """Exercise 1: parameters of ``MLPGenerator(latent_dim=100, hidden=(256, 512))``, counted
    here from the layer sizes 100 → 256 → 512 → 784 (weights and biases)."""
    sizes = (100, 256, 512, 784)
    exact = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    assert exact == count_parameters(MLPGenerator(latent_dim=100, hidden=(256, 512)))
    return self_check(answer, lambda n: isinstance(n, int) and n == exact,
                      "a Linear(a, b) layer has a weight matrix and a bias vector; add up all three layers.")


def check_samples(images) -> bool:
    """Exercise 2: 16 generated images, shape (16, 1, 28, 28), in [-1, 1], not all alike."""

    def passes(x):
        return (isinstance(x, torch.Tensor) and tuple(x.shape) == (16, 1, 28, 28)
                and not x.requires_grad and bool(x.min() >= -1) and bool(x.max() <= 1)
                and x.flatten(1).std(0).mean() > 0.01)

    return self_check(images, passes,
                      "draw z of shape (16, latent_dim) from N(0, I); call G in eval mode under "
                      "torch.no_grad().")


def check_minus_log_sigmoid(answer) -> bool:
    """Exercise 3: -log σ(-200) = log(1 + e^200) = 200 + log(1 + e^-200), as a finite float."""
    exact = 200.0 + math.log1p(math.exp(-200.0))
    return self_check(answer, lambda v: isinstance(v, (int, float)) and abs(float(v) - exact) < 1e-3,
                      "never form σ(ℓ) itself: write -log σ(ℓ) with softplus, which stays finite.")


def _tiny_pair(seed: int, bias: float) -> tuple[nn.Module, nn.Module]:
    """A small G (3 → 6) and D (6 → 8 → 1); D's output bias is ``bias``."""
    torch.manual_seed(seed)
    G = nn.Sequential(nn.Linear(3, 6), nn.Tanh())
    D = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    with torch.no_grad():
        D[2].bias.fill_(bias)
    return G, D


def _reference_d_step(x, z, D, G, opt_D) -> float:
    """L_D = -mean log σ(D(x)) - mean log(1 - σ(D(G(z)))), computed in float64 from the logits
    with log σ(t) = t - log(1 + e^t) (logaddexp), then one step of ``opt_D``."""
    with torch.no_grad():
        fake = G(z)
    real_logits, fake_logits = D(x).double(), D(fake).double()
    zero = torch.zeros((), dtype=torch.float64)
    log_sig_real = real_logits - torch.logaddexp(zero, real_logits)       # log σ(r)
    log_one_minus_sig_fake = -torch.logaddexp(zero, fake_logits)          # log(1 - σ(f))
    loss = -(log_sig_real.mean() + log_one_minus_sig_fake.mean())
    opt_D.zero_grad()
    loss.backward()
    opt_D.step()
    return loss.item()


def _d_step_ok(fn, bias: float, seed: int) -> bool:
    """Two consecutive steps of ``fn`` and of the reference from the same start."""
    G, D = _tiny_pair(seed, bias)
    G_ref, D_ref = copy.deepcopy(G), copy.deepcopy(D)
    opt, opt_ref = (torch.optim.SGD(m.parameters(), lr=0.05) for m in (D, D_ref))
    g = torch.Generator().manual_seed(seed)
    for _ in range(2):                               # two steps: gradients must not pile up
        x, z = torch.randn(16, 6, generator=g), torch.randn(16, 3, generator=g)
        got = fn(x, z, D, G, opt)
        want = _reference_d_step(x, z, D_ref, G_ref, opt_ref)
        if got is None or not math.isclose(float(got), want, rel_tol=1e-4, abs_tol=1e-5):
            return False
    same_d = all(torch.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(D.parameters(), D_ref.parameters()))
    g_untouched = all(torch.equal(a, b) and (a.grad is None or not a.grad.any())
                      for a, b in zip(G.parameters(), G_ref.parameters()))
    return same_d and g_untouched


def check_d_step(fn) -> bool:
    """Exercise 4: ``fn(x, z, D, G, opt_D) -> loss_D`` must do one discriminator step of the
    BCE game, L_D = -mean log σ(D(x)) - mean log(1 - σ(D(G(z)))) on D's logits, with ``opt_D``,
    and send no gradient into G. Checked on small random networks, including one whose
    logits are about -40 (a discriminator that confidently calls everything fake)."""
    G, D = _tiny_pair(0, 0.0)
    if not_written(fn, torch.zeros(2, 6), torch.zeros(2, 3), D, G, torch.optim.SGD(D.parameters(), lr=0.0)):
        fn = None                                    # self_check: "not attempted yet"

    def passes(f):
        return callable(f) and all(_d_step_ok(f, bias, seed) for bias, seed in ((0.0, 1), (-40.0, 2)))

    return self_check(fn, passes,
                      "score x and G(z) with D (G(z) computed without a graph into G), write both "
                      "log terms from the logits with softplus (not Sigmoid + BCELoss: try a "
                      "logit of -40), clear old gradients, backward, opt_D.step(), return the loss.")
