"""Checks for the exercises of notebook 08 (conditional GANs)."""

from __future__ import annotations

import torch

from ..conditional import ConditionalDiscriminator, agreement
from ..exercise import self_check


def check_1(answer) -> bool:
    """Parameters in the projection head's class embedding V (10 classes, width 32)."""
    D = ConditionalDiscriminator(n_classes=10, width=32, head="projection")
    return self_check(answer, lambda n: n == D.class_embedding.weight.numel(),
                      "V holds one feature-sized vector per class: n_classes × (2 · width · 7 · 7).")


def check_2(answer) -> bool:
    """Labels of a class × seed grid with 10 rows (classes) and 6 columns (seeds), row by row."""
    want = torch.arange(10).repeat_interleave(6)

    def passes(y):
        return isinstance(y, torch.Tensor) and y.dtype == torch.int64 and torch.equal(y, want)

    return self_check(answer, passes, "row c holds 6 images of class c: torch.arange(10).repeat_interleave(6) "
                                      "(int64, shape (60,)).")


def check_3(answer, predicted: torch.Tensor, requested: torch.Tensor) -> bool:
    """The overall agreement: share of samples whose predicted class is the requested one."""
    want = agreement(predicted, requested, 10)["overall"]
    return self_check(answer, lambda a: abs(float(a) - want) < 1e-9,
                      "(predicted == requested).double().mean().item()")
