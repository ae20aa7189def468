"""Checks for the loss-variants notebook: WGAN-GP's gradient penalty, written by the student,
compared with an independent computation on a critic whose input gradient is known."""

from __future__ import annotations

import torch
from torch import nn

from ..exercise import self_check
from .minimax import _reports, not_written


class _QuadraticCritic(nn.Module):
    """``D(x) = s · ‖x‖² / 2`` per example: ``∇_x D = s x``, so ``‖∇D(x̂)‖ = |s| ‖x̂‖``.

    It records every input it is called on, so the check can see the student's ``x̂``."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.s = nn.Parameter(torch.tensor(scale, dtype=torch.float64))
        self.seen: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(x.detach().clone())
        return self.s * x.flatten(1).pow(2).sum(1) / 2


def _factors(x_hat: torch.Tensor, real: torch.Tensor, fake: torch.Tensor):
    """Per example, the ``ε`` with ``x̂ = ε x + (1 - ε) x̃`` (least squares) and the residual."""
    d, t = (real - fake).flatten(1), (x_hat - fake).flatten(1)
    eps = (t * d).sum(1) / (d * d).sum(1)
    residual = (t - eps[:, None] * d).norm(dim=1) / d.norm(dim=1)
    return eps, residual


def _penalty_ok(fn) -> bool:
    rng = torch.Generator().manual_seed(4)
    for shape in ((16, 1, 6, 6), (32, 5)):
        real = torch.rand(shape, generator=rng, dtype=torch.float64) * 2 - 1
        fake = torch.rand(shape, generator=rng, dtype=torch.float64) * 2 - 1
        critic = _QuadraticCritic(0.3)
        value = fn(critic, real, fake, torch.Generator().manual_seed(5))
        inputs = [x for x in critic.seen if x.shape == real.shape]
        if not isinstance(value, torch.Tensor) or value.numel() != 1 or len(inputs) != 1:
            return False
        x_hat = inputs[0]
        eps, residual = _factors(x_hat, real, fake)
        if not (bool((residual < 1e-6).all()) and bool(((eps > -1e-9) & (eps < 1 + 1e-9)).all())):
            print("Your interpolates are not on the segments between each real and fake example.")
            return False
        if eps.std() < 1e-3:
            print("Every example got the same mixing factor: draw one per example.")
            return False
        norms = 0.3 * x_hat.flatten(1).norm(dim=1)                     # ‖∇D(x̂)‖ = s ‖x̂‖
        if abs(value.item() - (norms - 1).pow(2).mean().item()) > 1e-8:
            return False
        # the penalty must stay differentiable w.r.t. the critic's weights (create_graph=True):
        # d/ds mean((s‖x̂‖ - 1)²) = mean(2 (s‖x̂‖ - 1) ‖x̂‖)
        if not value.requires_grad:
            print("The penalty cannot train the critic: keep the graph of the input gradient.")
            return False
        (grad_s,) = torch.autograd.grad(value, critic.s)
        r = x_hat.flatten(1).norm(dim=1)
        if abs(grad_s.item() - (2 * (norms - 1) * r).mean().item()) > 1e-8:
            return False
    return True


def check_gradient_penalty(fn) -> bool:
    """Exercise: ``fn(D, real, fake, rng)`` returns ``E[(‖∇_x̂ D(x̂)‖₂ - 1)²]`` at interpolates
    ``x̂ = ε x + (1 - ε) x̃`` with one ``ε ~ U[0, 1]`` per example drawn from ``rng``, the norm
    over all of an example's entries, differentiable w.r.t. D's weights. Checked with a
    critic ``D(x) = s ‖x‖² / 2`` whose input gradient ``s x`` is known exactly."""
    x = torch.zeros(2, 3, dtype=torch.float64)
    if not_written(fn, _QuadraticCritic(1.0), x, x + 1, torch.Generator().manual_seed(0)):
        fn = None
    return self_check(fn, _reports(_penalty_ok),
                      "draw ε with shape (batch, 1, 1, ...) so that it broadcasts over an "
                      "example's entries; x̂ must require grad; torch.autograd.grad of D(x̂).sum() "
                      "w.r.t. x̂ gives every example's gradient, which has to stay in the graph; "
                      "flatten each example before taking its norm.")
