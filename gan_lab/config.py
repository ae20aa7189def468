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

from . import validate

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


def dataset_name(name: str, source: str | None = None) -> str:
    """The course's name for a dataset: ``'Fashion_MNIST'``, ``'FashionMNIST'``,
    ``'fashion mnist'`` ... all give ``'fashion-mnist'``. Used for the environment variable
    and for :func:`gan_lab.data.load_dataset` alike."""
    return validate.choice(name, DATASETS, "dataset", source)


def split_name(split: str, source: str | None = None) -> str:
    """``'train'`` or ``'test'`` (any case)."""
    return validate.choice(split, SPLITS, "split", source)


# Accelerators PyTorch can report on: device type -> (label, "is it there?").
_BACKENDS = {
    "cuda": ("CUDA", lambda: torch.cuda.is_available()),
    "mps": ("MPS (Apple silicon)", lambda: torch.backends.mps.is_available()),
    "xpu": ("XPU (Intel GPU)", lambda: hasattr(torch, "xpu") and torch.xpu.is_available()),
}


def pick_device(name: str | torch.device | None = None) -> torch.device:
    """``name`` if given, else ``GAN_LAB_DEVICE``, else CUDA when available, else CPU.

    Accepted: ``cpu`` and the accelerators this machine has (``cuda``, ``cuda:1``, ``mps``,
    ``xpu``), in any case; anything else, or an accelerator that is not there, is a
    ``ValueError`` that says what to use instead.
    """
    source = "device" if name else "GAN_LAB_DEVICE"
    name = str(name or os.environ.get("GAN_LAB_DEVICE", "")).strip()  # a torch.device too
    if not name:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    present = ["cpu"] + [kind for kind, (_, there) in _BACKENDS.items() if there()]
    use = " or ".join(repr(k) for k in present)
    if name.lower() in ("gpu", "gpu:0", "nvidia"):
        raise ValueError(f"{source}={name!r} is not a PyTorch device name: an NVIDIA GPU is 'cuda' "
                         f"(Apple silicon: 'mps'). On this machine use {use}.")
    try:
        device = torch.device(name.lower())
    except RuntimeError:
        raise ValueError(f"{source}={name!r} is not a device: use {use} "
                         "(an index picks one GPU, e.g. 'cuda:1').") from None
    if device.type == "cpu":
        return device
    if device.type not in _BACKENDS:
        raise ValueError(f"{source}={name!r}: the course runs on cpu, cuda, mps or xpu; "
                         f"on this machine use {use}.")
    label, there = _BACKENDS[device.type]
    if not there():
        raise ValueError(f"Device {name!r} ({source}) was asked for but {label} is not available "
                         f"on this machine; use {use}.")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"Device {name!r} ({source}): this machine has {torch.cuda.device_count()} "
                         f"CUDA device(s), numbered from 0.")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch, and make torch pick deterministic kernels.

    On CPU the same seed then gives the same numbers, bit for bit, run after run.
    Returns a fresh ``torch.Generator`` seeded with ``seed`` for code that wants its own.
    ``seed`` must be in ``[0, 2**32 - 1]``, the range NumPy accepts.
    """
    seed = validate.seed(seed)
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
        seed=validate.seed(seed, "GAN_LAB_SEED"),
        quick=_flag("GAN_LAB_QUICK"),
        dataset=dataset_name(os.environ.get("GAN_LAB_DATASET", "").strip() or "mnist",
                             "GAN_LAB_DATASET"),
        split=split_name(os.environ.get("GAN_LAB_SPLIT", "").strip() or "train", "GAN_LAB_SPLIT"),
        device=pick_device(),
        data_root=_data_folder(),
    )


def _data_folder() -> str | None:
    """``GAN_LAB_DATA`` when set: it must name an existing folder (a typo would otherwise
    fall through to the cache folder and a download)."""
    folder = os.environ.get("GAN_LAB_DATA", "").strip()
    if folder and not os.path.isdir(os.path.expanduser(folder)):
        raise ValueError(f"GAN_LAB_DATA={folder!r} is not a folder on this machine: point it at "
                         "the folder holding the IDX files, or unset it to use the cache folder.")
    return folder or None


def setup(seed: int | None = None, verbose: bool = True) -> Settings:
    """Load the settings, seed every RNG and print what was chosen. Call once per notebook."""
    settings = load_settings()
    if seed is not None:
        settings = Settings(validate.seed(seed), settings.quick, settings.dataset, settings.split,
                            settings.device, settings.data_root)
    seed_everything(settings.seed)
    from .plots import use_course_style  # matplotlib only where figures are drawn

    use_course_style()
    if verbose:
        print(settings.describe())
    return settings
