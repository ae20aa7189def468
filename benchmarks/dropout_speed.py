"""gan_lab's Dropout vs torch's nn.Dropout, forward + backward, in one process.

Shapes are those of the MLP discriminator's hidden layers in a training step (a batch of
128 = 64 real + 64 fake, widths 512 and 256). Rounds alternate between the two layers;
the median counts.

    python benchmarks/dropout_speed.py
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from gan_lab import models


def seconds_per_call(layer: nn.Module, x: torch.Tensor, calls: int = 300) -> float:
    """Mean time of ``layer(x).sum().backward()`` over ``calls`` calls, after 10 warm-up calls."""
    for _ in range(10):
        layer(x).sum().backward()
    start = time.perf_counter()
    for _ in range(calls):
        layer(x).sum().backward()
    return (time.perf_counter() - start) / calls


def main(p: float = 0.3, rounds: int = 5) -> None:
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, p = {p}")
    for shape in [(128, 512), (128, 256), (64, 512)]:
        x = torch.randn(*shape, requires_grad=True)
        times = {"nn.Dropout": [], "gan_lab Dropout": []}
        for _ in range(rounds):
            times["nn.Dropout"].append(seconds_per_call(nn.Dropout(p).train(), x))
            times["gan_lab Dropout"].append(seconds_per_call(models.Dropout(p).train(), x))
        theirs, ours = (statistics.median(times[k]) for k in times)
        print(f"{str(shape):11s} nn.Dropout {theirs * 1e6:6.0f} us | gan_lab {ours * 1e6:6.0f} us | "
              f"gan_lab takes {ours / theirs:.2f} of the time")


if __name__ == "__main__":
    main()
