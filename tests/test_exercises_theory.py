"""The exercise checks of notebooks 01, 02 and the loss-variants notebook: each accepts a right
answer and rejects plausible wrong ones (with an AssertionError carrying its hint)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

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
