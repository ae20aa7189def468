"""Checks for notebook 01 (the minimax game): the non-saturating generator loss and one
discriminator step, each compared with an independent computation on random inputs."""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from ..exercise import not_written, self_check


def _reports(passes):
    """Wrap ``passes`` so that an exception in the student's code fails the check with its
    message printed, instead of a traceback through the checker."""
    def wrapped(answer):
        try:
            return bool(passes(answer))
        except Exception as error:  # noqa: BLE001 - any error in the answer is a wrong answer
            print(f"Your code raised {type(error).__name__}: {error}")
            return False
    return wrapped


# -- exercise: L_G = -E[log σ(ℓ)] --------------------------------------------------------------

def _ns_loss_reference(logits: torch.Tensor) -> float:
    """``mean_i log(1 + exp(-ℓ_i))`` with Python floats, one example at a time."""
    values = [math.log1p(math.exp(-v)) if v > -30 else -v for v in logits.flatten().tolist()]
    return sum(values) / len(values)


def _ns_loss_ok(fn) -> bool:
    rng = torch.Generator().manual_seed(1)
    for shape in ((7,), (64, 1), (3, 5)):
        logits = (torch.randn(shape, generator=rng, dtype=torch.float64) * 4).requires_grad_(True)
        out = fn(logits)
        if not isinstance(out, torch.Tensor) or out.numel() != 1:
            return False
        if abs(out.item() - _ns_loss_reference(logits.detach())) > 1e-6:
            return False
        (grad,) = torch.autograd.grad(out.sum(), logits)     # d/dℓ_i = (σ(ℓ_i) - 1) / n
        expected = (1 / (1 + torch.exp(-logits.detach())) - 1) / logits.numel()
        if not torch.allclose(grad, expected, atol=1e-9):
            return False
    return True


def check_generator_loss(fn) -> bool:
    """Exercise: ``fn(fake_logits)`` returns the non-saturating generator loss
    ``L_G = -mean log σ(ℓ)`` as a scalar tensor that autograd can differentiate."""
    if not_written(fn, torch.zeros(3)):
        fn = None
    return self_check(fn, _reports(_ns_loss_ok),
                      "L_G is the *negative* mean over the batch of log D(G(z)), with "
                      "D(G(z)) = sigmoid(logit); build it from torch operations (torch.sigmoid, "
                      "torch.log or F.logsigmoid) so that autograd can differentiate it.")


# -- exercise: one discriminator step ---------------------------------------------------------

def _reference_d_step(D: nn.Module, opt: torch.optim.Optimizer, real: torch.Tensor,
                      fake: torch.Tensor) -> float:
    """``L_D = mean BCE(D(x), 1) + mean BCE(D(G(z)), 0)`` (torch's own BCE), one SGD step."""
    bce = nn.functional.binary_cross_entropy_with_logits
    real_logits, fake_logits = D(real), D(fake.detach())
    loss = (bce(real_logits, torch.ones_like(real_logits))
            + bce(fake_logits, torch.zeros_like(fake_logits)))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def _d_step_ok(fn) -> bool:
    torch_rng_state = torch.get_rng_state()
    try:
        torch.manual_seed(2)
        D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1)).double()
        G = nn.Linear(3, 2).double()                               # a stand-in generator
    finally:
        torch.set_rng_state(torch_rng_state)
    reference, student = copy.deepcopy(D), copy.deepcopy(D)
    opt_reference = torch.optim.SGD(reference.parameters(), lr=0.5)
    opt_student = torch.optim.SGD(student.parameters(), lr=0.5)
    rng = torch.Generator().manual_seed(3)
    for _ in range(3):                                  # several steps: catches a missing zero_grad
        real = torch.randn(32, 2, generator=rng, dtype=torch.float64) + 1.5
        fake = G(torch.randn(32, 3, generator=rng, dtype=torch.float64))   # attached to G's graph
        expected = _reference_d_step(reference, opt_reference, real, fake)
        got = fn(student, opt_student, real, fake)
        if G.weight.grad is not None:
            print("The discriminator step sent gradients into the generator's weights.")
            return False
        if abs(float(got) - expected) > 1e-9:
            return False
    return all(torch.allclose(a, b, atol=1e-10) for a, b in zip(reference.parameters(), student.parameters()))


def check_d_step(fn) -> bool:
    """Exercise: ``fn(D, opt, real, fake)`` makes one update of ``D`` that minimizes
    ``L_D = -mean log σ(D(x)) - mean log(1 - σ(D(G(z))))`` and returns ``L_D`` (before the
    step). ``fake`` is still attached to the generator's graph. Checked against torch's
    ``binary_cross_entropy_with_logits`` and an SGD step on a copy of the same network."""
    probe = nn.Linear(2, 1)
    if not_written(fn, probe, torch.optim.SGD(probe.parameters(), lr=0.0),
                   torch.zeros(2, 2), torch.zeros(2, 2)):
        fn = None
    return self_check(fn, _reports(_d_step_ok),
                      "score real and fake with D; L_D is the sum of two batch means (real "
                      "labelled 1, fake labelled 0); detach the fakes so that G is untouched; "
                      "then zero the old gradients, backpropagate, step, and return the loss.")
