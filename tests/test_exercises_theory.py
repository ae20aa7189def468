"""The exercise checks of notebooks 01, 02 and the loss-variants notebook: each accepts a right
answer and rejects plausible wrong ones (with an AssertionError carrying its hint)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from gan_lab.exercises import losses as loss_checks
from gan_lab.exercises import minimax, optimal_d



def rejects(check, answer):
    with pytest.raises(AssertionError, match="Hint"):
        check(answer)


# -- notebook 01 ------------------------------------------------------------------------------

def test_generator_loss_check():
    assert minimax.check_generator_loss(lambda l: -F.logsigmoid(l).mean())
    assert minimax.check_generator_loss(lambda l: -torch.log(torch.sigmoid(l)).mean())
    rejects(minimax.check_generator_loss, lambda l: torch.log(1 - torch.sigmoid(l)).mean())  # saturating
    rejects(minimax.check_generator_loss, lambda l: F.logsigmoid(l).mean())                  # sign
    rejects(minimax.check_generator_loss, lambda l: -F.logsigmoid(l).sum())                  # sum
    rejects(minimax.check_generator_loss,                                                    # no autograd
            lambda l: torch.tensor(float(-F.logsigmoid(l.detach()).mean())))


def test_generator_loss_stub_is_not_attempted(capsys):
    def stub(fake_logits):
        ...
    assert minimax.check_generator_loss(stub) is False
    assert "Not attempted" in capsys.readouterr().out


def _d_step(detach=True, zero_grad=True, swap=False, scale=1.0):
    def step(D, opt, real, fake):
        fake = fake.detach() if detach else fake
        r, f = D(real), D(fake)
        ones, zeros = torch.ones_like(r), torch.zeros_like(f)
        loss = scale * (F.binary_cross_entropy_with_logits(r, zeros if swap else ones)
                        + F.binary_cross_entropy_with_logits(f, ones if swap else zeros))
        if zero_grad:
            opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.detach()
    return step


def test_d_step_check():
    assert minimax.check_d_step(_d_step())
    rejects(minimax.check_d_step, _d_step(detach=False))     # gradients reach G
    rejects(minimax.check_d_step, _d_step(zero_grad=False))  # gradients pile up
    rejects(minimax.check_d_step, _d_step(swap=True))        # labels swapped
    rejects(minimax.check_d_step, _d_step(scale=0.5))        # mean over the joint batch


def test_d_step_error_is_a_wrong_answer(capsys):
    def broken(D, opt, real, fake):
        raise RuntimeError("oops")
    rejects(minimax.check_d_step, broken)
    assert "RuntimeError: oops" in capsys.readouterr().out


# -- notebook 02 ------------------------------------------------------------------------------

def _jsd(kind):
    def estimate(p, q, n, rng):
        xp, xq = p.sample(n, rng), q.sample(n, rng)
        if kind == "unseeded":
            xp, xq = p.sample(n), q.sample(n)
        log_p = torch.log(2 * p.pdf(xp) / (p.pdf(xp) + q.pdf(xp)))
        log_q = torch.log(2 * q.pdf(xq) / (p.pdf(xq) + q.pdf(xq)))
        if kind == "kl":
            return (p.log_prob(xp) - q.log_prob(xp)).mean().item()   # KL(p || q) instead
        if kind == "no half":
            return (log_p.mean() + log_q.mean()).item()
        if kind == "no 2":                                            # JSD - log 2
            return ((log_p.mean() + log_q.mean()).item() - 2 * math.log(2)) / 2
        return (log_p.mean() + log_q.mean()).item() / 2
    return estimate


def test_jsd_monte_carlo_check():
    assert optimal_d.check_jsd_monte_carlo(_jsd("right"))
    for wrong in ("kl", "no half", "no 2", "unseeded"):
        rejects(optimal_d.check_jsd_monte_carlo, _jsd(wrong))


# -- the loss-variants notebook ---------------------------------------------------------------

def _penalty(kind):
    def penalty(D, real, fake, rng):
        shape = real.shape if kind == "per pixel" else (len(real),) + (1,) * (real.ndim - 1)
        eps = torch.rand(shape, generator=rng, dtype=real.dtype)
        if kind == "one eps":
            eps = torch.rand(1, generator=rng, dtype=real.dtype).expand(shape)
        x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=kind != "no graph")
        if kind == "norm last dim":
            norms = grad.norm(2, dim=-1)
        else:
            norms = grad.flatten(1).norm(2, dim=1)
        if kind == "no minus one":
            return norms.pow(2).mean()
        return (norms - 1).pow(2).mean()
    return penalty


def test_gradient_penalty_check():
    assert loss_checks.check_gradient_penalty(_penalty("right"))
    for wrong in ("per pixel", "one eps", "no graph", "norm last dim", "no minus one"):
        rejects(loss_checks.check_gradient_penalty, _penalty(wrong))


def test_gradient_penalty_check_accepts_gan_lab():
    from gan_lab.losses import gradient_penalty
    assert loss_checks.check_gradient_penalty(lambda D, real, fake, rng: gradient_penalty(D, real, fake, rng))
