"""Checks for notebook 00 (start here): pixels and the [-1, 1] scaling, a random real batch."""

from __future__ import annotations

import torch

from ..exercise import not_written, self_check


def check_pixels(answer, image: torch.Tensor) -> bool:
    """Exercise 1: ``answer`` must be the uint8 pixels (28, 28) that ``image`` (in [-1, 1],
    shape (1, 28, 28) or (28, 28)) was read from: ``pixel = (x + 1) · 127.5``."""
    expected = ((image.reshape(28, 28).double() + 1) * 127.5).round().to(torch.uint8)

    def passes(p):
        return (isinstance(p, torch.Tensor) and p.dtype == torch.uint8
                and tuple(p.shape) == (28, 28) and torch.equal(p, expected))

    return self_check(answer, passes,
                      "invert x = pixel / 127.5 - 1; round before converting to torch.uint8, "
                      "and drop the channel axis.")


def _batch_ok(fn, pixels: torch.Tensor, batch_size: int) -> bool:
    """One call of the student's ``fn`` against an independent computation."""
    rng = torch.Generator().manual_seed(7)
    out = fn(pixels, batch_size, rng)
    if not isinstance(out, torch.Tensor) or out.dtype != torch.float32:
        return False
    if tuple(out.shape) != (batch_size, 1, *pixels.shape[1:]):
        return False
    # which stored image is each output? (the test images are all different)
    back = ((out[:, 0].double() + 1) * 127.5).round()
    match = (back[:, None] == pixels[None].double()).flatten(2).all(2)   # (batch, N)
    if not bool((match.sum(1) == 1).all()):
        return False                                  # not exactly one stored image each
    index = match.float().argmax(1)
    expected = pixels[index].float() / 127.5 - 1
    if not torch.allclose(out[:, 0], expected, atol=1e-6):
        return False                                  # wrong scaling
    if index.unique().numel() != batch_size:
        return False                                  # drawn with replacement
    again = fn(pixels, batch_size, torch.Generator().manual_seed(7))
    other = fn(pixels, batch_size, torch.Generator().manual_seed(8))
    return torch.equal(out, again) and not torch.equal(out, other)  # uses rng, and is random


def check_real_batch(fn) -> bool:
    """Exercise 2: ``fn(pixels, batch_size, rng)`` takes uint8 images ``(N, H, W)`` and returns
    ``batch_size`` *distinct* images drawn at random with ``rng``, as float32 ``(B, 1, H, W)``
    in [-1, 1] (``x = pixel / 127.5 - 1``). Checked on random images of several sizes."""
    data_rng = torch.Generator().manual_seed(0)
    cases = [(torch.randint(0, 256, (20, 28, 28), dtype=torch.uint8, generator=data_rng), 16),
             (torch.randint(0, 256, (40, 5, 7), dtype=torch.uint8, generator=data_rng), 8)]
    for pixels, _ in cases:
        pixels[:, 0, 0] = torch.tensor([0, 255] * (len(pixels) // 2), dtype=torch.uint8)
    if not_written(fn, cases[0][0], 2, torch.Generator()):
        fn = None                                     # self_check: "not attempted yet"

    def passes(f):
        return callable(f) and all(_batch_ok(f, pixels, b) for pixels, b in cases)

    return self_check(fn, passes,
                      "draw indices without repetition from rng (torch.randperm accepts "
                      "generator=rng), add the channel axis, and map 0 to -1 and 255 to +1.")
