"""The exercise checks of notebooks 00, 03, 04 and 05 (evaluation): each accepts a right
answer and rejects plausible wrong ones (gan_lab/exercises/)."""

import pytest
import torch

from gan_lab.exercises import start


def _rejects(check, answer, *args):
    with pytest.raises(AssertionError, match="Hint"):
        check(answer, *args)


# -- notebook 00 ------------------------------------------------------------------------------
def _scaled(pixels, index):
    return (pixels[index].float() / 127.5 - 1).unsqueeze(1)


def real_batch(pixels, batch_size, rng):
    return _scaled(pixels, torch.randperm(len(pixels), generator=rng)[:batch_size])


def test_start_pixels():
    image = torch.randint(0, 256, (1, 28, 28)).float() / 127.5 - 1
    right = ((image[0] + 1) * 127.5).round().to(torch.uint8)
    assert start.check_pixels(right, image)
    _rejects(start.check_pixels, right.float(), image)                          # not uint8
    _rejects(start.check_pixels, ((image + 1) * 127.5).round().to(torch.uint8), image)  # channel kept
    _rejects(start.check_pixels, ((image[0] + 1) * 127).round().to(torch.uint8), image)    # scale


@pytest.mark.parametrize("wrong", [
    lambda p, b, rng: _scaled(p, torch.arange(b)),                                   # not random
    lambda p, b, rng: _scaled(p, torch.randint(len(p), (b,), generator=rng)),        # repeats
    lambda p, b, rng: _scaled(p, torch.randperm(len(p))[:b]),                        # ignores rng
    lambda p, b, rng: real_batch(p, b, rng) * 0.5 + 0.5,                             # [0, 1]
    lambda p, b, rng: real_batch(p, b, rng)[:, 0],                                   # no channel
], ids=["first", "with-replacement", "no-rng", "zero-one", "no-channel"])
def test_start_real_batch(wrong):
    assert start.check_real_batch(real_batch)
    _rejects(start.check_real_batch, wrong)


def test_start_stub_is_not_attempted(capsys):
    def stub(pixels, batch_size, rng):
        ...
    assert start.check_real_batch(stub) is False
    assert "Not attempted" in capsys.readouterr().out
