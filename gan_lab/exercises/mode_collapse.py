"""Checks for notebook 07 (mode collapse): a mode-coverage count, the minibatch-stddev
feature, feature matching. Each check runs the student's function on fixed cases and
compares it with a computation written out here independently of :mod:`gan_lab.metrics`
and :mod:`gan_lab.stabilize`."""

from __future__ import annotations

import math
import statistics

import torch

from ..exercise import self_check


def _stub(fn, *args) -> bool:
    """True when ``fn`` is still the notebook's stub (a body of ``...`` returns ``None``)."""
    try:
        return fn(*args) is None
    except Exception:  # a half-written answer: the check itself reports it
        return False


def _captured_modes(samples: torch.Tensor, means: torch.Tensor, std: float) -> int:
    """Modes with at least one sample within 3 std whose nearest mode they are, one sample
    at a time."""
    captured = set()
    for x in samples.tolist():
        d = [math.dist(x, m) for m in means.tolist()]
        if min(d) <= 3 * std:
            captured.add(d.index(min(d)))
    return len(captured)


def _mode_cases() -> list[tuple[torch.Tensor, torch.Tensor, float]]:
    g = torch.Generator().manual_seed(7)
    means = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    cases = []
    # near every mode, but some only at 3-5 std: those must not count
    for scale in (0.02, 0.05, 0.08):
        k = torch.tensor([0] * 30 + [1] * 5 + [2] * 2 + [3] * 1)
        cases.append((means[k] + scale * torch.randn(len(k), 2, generator=g), means, 0.02))
    # one sample half-way between two modes (assigned to one, but far from both)
    cases.append((torch.tensor([[0.5, 0.0], [0.0, 0.0]]), means, 0.02))
    # within 3 std of mode 1 but nearer to mode 0: it captures mode 0, not mode 1
    cases.append((torch.tensor([[0.45, 0.0]]), torch.tensor([[0.4, 0.0], [0.5, 0.0]]), 0.2))
    return cases


def check_count_modes(fn) -> bool:
    """``fn(samples (n, 2), means (K, 2), std) -> int``: the modes captured under the PacGAN
    protocol (a mode is captured when a sample within 3 std has it as its nearest mode)."""
    cases = _mode_cases()
    answer = None if _stub(fn, *cases[0]) else fn

    def passes(f):
        return all(int(f(x, m, s)) == _captured_modes(x, m, s) for x, m, s in cases)

    return self_check(answer, passes,
                      "send each sample to its nearest mode, keep it only if that distance is at most "
                      "3 * std (std, not variance), and count the distinct modes kept.")


def _stddev_reference(h: torch.Tensor) -> torch.Tensor:
    """``[h, s]`` with ``s`` = mean over features of each feature's population std over the batch."""
    columns = h.double().T.tolist()
    s = sum(statistics.pstdev(col) for col in columns) / len(columns)
    return torch.cat([h.double(), torch.full((len(h), 1), s, dtype=torch.float64)], 1)


def check_minibatch_stddev(fn) -> bool:
    """``fn(h (B, F)) -> (B, F + 1)``: ``h`` with one more feature, the same for every example:
    the mean over the F features of the standard deviation over the batch (1/B, no Bessel
    correction, one group = the whole batch)."""
    g = torch.Generator().manual_seed(11)
    cases = [torch.randn(8, 5, generator=g), 3 * torch.rand(16, 3, generator=g) - 1,
             torch.ones(4, 6)]
    answer = None if _stub(fn, cases[0]) else fn

    def passes(f):
        for h in cases:
            out = f(h.clone())
            if tuple(out.shape) != (h.shape[0], h.shape[1] + 1):
                return False
            if not torch.allclose(out.double(), _stddev_reference(h), atol=1e-5):
                return False
        return True

    return self_check(answer, passes,
                      "std over the batch (dim 0) with unbiased=False, then the mean over features; "
                      "append it as one extra column, repeated for every row.")


def check_feature_matching(fn) -> bool:
    """``fn(f_real (B, F), f_fake (B', F)) -> scalar``: ``‖mean_i f_real_i - mean_j f_fake_j‖²``."""
    g = torch.Generator().manual_seed(5)
    cases = [(torch.randn(10, 4, generator=g), torch.randn(6, 4, generator=g) + 1),
             (torch.randn(32, 7, generator=g), torch.randn(32, 7, generator=g) * 2)]
    answer = None if _stub(fn, *cases[0]) else fn

    def expected(a, b):
        ma = [sum(col) / len(col) for col in a.double().T.tolist()]
        mb = [sum(col) / len(col) for col in b.double().T.tolist()]
        return sum((x - y) ** 2 for x, y in zip(ma, mb))

    def passes(f):
        return all(abs(float(f(a, b)) - expected(a, b)) < 1e-5 * (1 + expected(a, b)) for a, b in cases)

    return self_check(answer, passes,
                      "average each set over the batch first (dim 0), then take the squared "
                      "Euclidean norm of the difference of the two mean vectors (no square root).")
