"""Course settings: the one place that reads the ``GAN_LAB_*`` environment variables.

Every notebook starts with ``settings = gan_lab.setup()``. It picks a seed, short or full
mode, a dataset and split, and a device, prints what it chose, and seeds every RNG.

==================  ==========================================================
variable            meaning
==================  ==========================================================
``GAN_LAB_QUICK``   ``1`` runs every notebook in seconds (CI's short mode)
``GAN_LAB_DATASET`` ``mnist`` (default) or ``fashion-mnist``
``GAN_LAB_SPLIT``   ``train`` (default) or ``test``
``GAN_LAB_DATA``    a folder holding the IDX files (see :mod:`gan_lab.data`)
``GAN_LAB_DEVICE``  ``cpu``, ``cuda`` ... (default: CUDA when present, else CPU)
``GAN_LAB_SEED``    the seed (default 0)
==================  ==========================================================
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch

T = TypeVar("T")

DATASETS = ("mnist", "fashion-mnist")
SPLITS = ("train", "test")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """What a notebook runs with. ``pick(full, quick)`` chooses a size by mode."""

    seed: int
    quick: bool
    dataset: str
    split: str
    device: torch.device
    data_root: str | None

    def pick(self, full: T, quick: T) -> T:
        """Return ``quick`` in short mode and ``full`` otherwise."""
        return quick if self.quick else full

    def describe(self) -> str:
        """One line: seed, mode, data and device.

        The data folder is named by the variable that chose it, not by its absolute path:
        the line is read in committed notebooks, on machines where that path means nothing.
        """
        mode = "short (GAN_LAB_QUICK=1)" if self.quick else "full"
        source = "from $GAN_LAB_DATA" if self.data_root else "default search path"
        return (
            f"seed={self.seed} | mode={mode} | data={self.dataset}/{self.split} "
            f"({source}) | device={self.device}"
        )


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={value!r} is not a switch: use 1 or 0.")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}.")
    return value


def pick_device(name: str | None = None) -> torch.device:
    """``name`` if given, else ``GAN_LAB_DEVICE``, else CUDA when available, else CPU."""
    name = name or os.environ.get("GAN_LAB_DEVICE", "").strip()
    if not name:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"Device {name!r} was asked for but CUDA is not available; use 'cpu'.")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch, and make torch pick deterministic kernels.

    On CPU the same seed then gives the same numbers, bit for bit, run after run.
    Returns a fresh ``torch.Generator`` seeded with ``seed`` for code that wants its own.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.use_deterministic_algorithms(True, warn_only=True)
    # ...without also filling every new tensor with NaN first: that is a check for kernels
    # that read memory they never wrote (none here), and it cost 6% of a DCGAN step on CPU.
    torch.utils.deterministic.fill_uninitialized_memory = False
    torch.backends.cudnn.benchmark = False
    return torch.Generator().manual_seed(seed)


def load_settings() -> Settings:
    """Read the environment into a :class:`Settings` (no side effects)."""
    seed_text = os.environ.get("GAN_LAB_SEED", "0").strip() or "0"
    try:
        seed = int(seed_text)
    except ValueError:
        raise ValueError(f"GAN_LAB_SEED={seed_text!r} is not an integer.") from None
    return Settings(
        seed=seed,
        quick=_flag("GAN_LAB_QUICK"),
        dataset=_choice("GAN_LAB_DATASET", "mnist", DATASETS),
        split=_choice("GAN_LAB_SPLIT", "train", SPLITS),
        device=pick_device(),
        data_root=os.environ.get("GAN_LAB_DATA") or None,
    )


def setup(seed: int | None = None, verbose: bool = True) -> Settings:
    """Load the settings, seed every RNG and print what was chosen. Call once per notebook."""
    settings = load_settings()
    if seed is not None:
        settings = Settings(seed, settings.quick, settings.dataset, settings.split,
                            settings.device, settings.data_root)
    seed_everything(settings.seed)
    from .plots import use_course_style  # matplotlib only where figures are drawn

    use_course_style()
    if verbose:
        print(settings.describe())
    return settings
