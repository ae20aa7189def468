"""Small pretrained generators shipped with the course (trained by scripts/train_pretrained.py).

``load_pretrained("dcgan-mnist")`` returns the generator in eval mode; ``describe`` gives the
record of how it was trained (data, steps, seed, time).
"""

from __future__ import annotations

import json
from pathlib import Path

from torch import nn

from . import validate
from .checkpoint import load_generator

WEIGHTS = Path(__file__).resolve().parent / "weights"


def available() -> list[str]:
    """Names of the shipped generators, e.g. ``['dcgan-mnist', 'mlp-mnist']`` (the
    ``classifier-*`` files beside them are the metrics' feature networks)."""
    return sorted(p.stem for p in WEIGHTS.glob("*.pt") if not p.stem.startswith("classifier-"))


def describe(name: str) -> dict:
    """The training record written beside the weights."""
    name = _check(name)
    return json.loads((WEIGHTS / f"{name}.json").read_text())


def load_pretrained(name: str = "dcgan-mnist") -> nn.Module:
    """The pretrained generator ``name``, loaded with ``weights_only=True``, in eval mode."""
    name = _check(name)
    return load_generator(WEIGHTS / f"{name}.pt")


def _check(name: str) -> str:
    """The shipped name that ``name`` spells (any case, ``-``/``_``), or a ValueError."""
    try:
        return validate.choice(name, available(), "pretrained generator")
    except ValueError:
        raise ValueError(f"No pretrained generator {name!r}; available: {', '.join(available()) or 'none'}. "
                         "Train one with scripts/train_pretrained.py.") from None
