"""Image datasets for the course, read straight from IDX files, online or offline.

``load_dataset("mnist", "test")`` returns every image as one tensor of shape
``(N, 1, 28, 28)`` scaled to ``[-1, 1]`` (the range of a ``tanh`` generator), with labels.

Where it looks, in order:

1. the ``root`` argument, 2. ``$GAN_LAB_DATA``, 3. the cache folder
``~/.cache/gan_lab`` (or ``$XDG_CACHE_HOME/gan_lab``), 4. for Fashion-MNIST, Debian's
``/usr/share/datasets/fashion-mnist``, and only then 5. torchvision's downloader, which
saves into the cache folder. In each folder it accepts the torchvision layout
(``MNIST/raw/``, ``FashionMNIST/raw/``), a folder named after the dataset, or the files
themselves, compressed (``.gz``) or not.

The IDX files are parsed here rather than through ``torchvision.datasets.MNIST``: that
class refuses to open the test split when the train files are missing, which is exactly
the offline case.
"""

from __future__ import annotations

import gzip
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import validate
from .config import Settings, dataset_name, split_name

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
_SUBFOLDERS = {
    "mnist": ("MNIST/raw", "MNIST", "mnist", ""),
    "fashion-mnist": ("FashionMNIST/raw", "FashionMNIST", "fashion-mnist", "fashion_mnist", ""),
}
DOWNLOAD_TIMEOUT = 30.0  # seconds any one network operation of the download may take
_PREFIX = {"train": "train", "test": "t10k"}
_COUNT = {"train": 60_000, "test": 10_000}
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049  # 0x00000803 (ubyte, 3 dims), 0x00000801 (1 dim)
CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "fashion-mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
}


class DatasetNotFoundError(FileNotFoundError):
    """No IDX files for the dataset were found anywhere we looked, and none could be downloaded."""


class CorruptDatasetError(ValueError):
    """An IDX file exists but is truncated, not IDX, or holds the wrong number or shape."""


@dataclass(frozen=True)
class ImageDataset:
    """Images ``(N, 1, 28, 28)`` float32 in ``[-1, 1]``, labels ``(N,)`` int64, and provenance."""

    name: str
    split: str
    images: torch.Tensor
    labels: torch.Tensor
    folder: Path
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        return f"ImageDataset({self.name}/{self.split}, {len(self)} images from {self.folder})"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/gan_lab``, or ``~/.cache/gan_lab``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan_lab"


def _check_name(name: str, split: str) -> tuple[str, str]:
    """The course's names (any spelling :func:`gan_lab.config.dataset_name` accepts)."""
    return dataset_name(name), split_name(split)


def search_roots(name: str, root: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for ``name``, in order (before any download)."""
    roots = [Path(r).expanduser().resolve() for r in (root, os.environ.get("GAN_LAB_DATA")) if r]
    roots.append(cache_dir())
    if name == "fashion-mnist":
        roots.append(DEBIAN_FASHION_MNIST)
    return roots


def _find_file(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def find_files(name: str, split: str, root=None) -> tuple[Path, Path] | None:
    """Paths of the (images, labels) IDX files, or ``None`` when no searched folder has both."""
    name, split = _check_name(name, split)
    prefix = _PREFIX[split]
    for base in search_roots(name, root):
        for sub in _SUBFOLDERS[name]:
            folder = base / sub
            images = _find_file(folder, f"{prefix}-images-idx3-ubyte")
            labels = _find_file(folder, f"{prefix}-labels-idx1-ubyte")
            if images and labels:
                return images, labels
    return None


def read_idx(path: Path, magic: int, shape: tuple[int, ...]) -> np.ndarray:
    """Parse one IDX file of unsigned bytes and check its magic number and shape.

    Layout: a 4-byte big-endian magic number (``0x0000080D`` with ``D`` dims), ``D``
    big-endian int32 sizes, then the ``prod(sizes)`` bytes of data.
    """
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:  # gzip's "not a gzip file" / truncated stream
        raise CorruptDatasetError(f"Cannot read {path}: {err}. Delete it and fetch it again.") from err
    ndim = len(shape)
    header = 4 * (1 + ndim)
    if len(raw) < header or int.from_bytes(raw[:4], "big") != magic:
        found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
        raise CorruptDatasetError(
            f"{path} is not an IDX file of the expected kind (magic {found}, expected {magic}). "
            "Delete it and fetch it again.")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if dims != shape:
        raise CorruptDatasetError(f"{path} holds an array of shape {dims}, expected {shape}. "
                                  "Delete it and fetch it again.")
    if len(raw) != header + int(np.prod(shape)):
        raise CorruptDatasetError(
            f"{path} has {len(raw) - header} data bytes, expected {int(np.prod(shape))}: "
            "it is truncated or padded. Delete it and fetch it again.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _download(name: str, split: str) -> None:
    """Let torchvision fetch the files into the cache folder (needs internet).

    torchvision sets no timeout, so a network that accepts connections and never answers
    (a captive portal, a firewall that drops packets) would hang it forever: every socket
    operation is bounded by ``DOWNLOAD_TIMEOUT`` seconds here (the process-wide default is
    restored afterwards). Files left half-written by a failed download are removed.
    """
    from torchvision import datasets

    cls = datasets.MNIST if name == "mnist" else datasets.FashionMNIST
    raw = cache_dir() / cls.__name__ / "raw"
    before = set(raw.iterdir()) if raw.is_dir() else set()
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
    try:
        cls(root=str(cache_dir()), train=(split == "train"), download=True)
    except BaseException as err:
        for path in (set(raw.iterdir()) if raw.is_dir() else set()) - before:
            if path.is_file():
                path.unlink()
        if isinstance(err, TimeoutError) or isinstance(getattr(err, "reason", None), TimeoutError):
            raise TimeoutError(f"the server did not answer within {DOWNLOAD_TIMEOUT:g} s (a network "
                               "that accepts connections but never replies: offline behind a "
                               "firewall or a captive portal?)") from None
        raise
    finally:
        socket.setdefaulttimeout(previous)


def load_dataset(name: str = "mnist", split: str = "train", root=None,
                 download: bool = True) -> ImageDataset:
    """Load a whole split as ``ImageDataset`` (images in ``[-1, 1]``, shape ``(N, 1, 28, 28)``)."""
    name, split = _check_name(name, split)
    files = find_files(name, split, root)
    download_error = None
    if files is None and download:
        try:
            _download(name, split)
        except Exception as err:  # no network, server down, disk full...
            download_error = err
        files = find_files(name, split, root)
    if files is None:
        raise DatasetNotFoundError(_not_found_message(name, split, root, download, download_error))
    n = _COUNT[split]
    pixels = read_idx(files[0], _IMAGE_MAGIC, (n, 28, 28))
    labels = read_idx(files[1], _LABEL_MAGIC, (n,))
    if labels.max() > 9:
        raise CorruptDatasetError(f"{files[1]} holds label {labels.max()}; labels must be 0-9.")
    images = torch.from_numpy(pixels.copy()).float().div_(127.5).sub_(1.0).unsqueeze(1)
    return ImageDataset(name, split, images, torch.from_numpy(labels.astype(np.int64)),
                        files[0].parent, CLASS_NAMES[name])


def _not_found_message(name, split, root, download, download_error) -> str:
    prefix = _PREFIX[split]
    looked = "\n".join(f"  - {base / sub}" for base in search_roots(name, root)
                       for sub in _SUBFOLDERS[name])
    if not download:
        tried = "Download was switched off (download=False)."
    else:
        tried = f"torchvision's download failed: {download_error}"
    hint = ("  - on Debian/Ubuntu: apt-get install dataset-fashion-mnist\n"
            if name == "fashion-mnist" else "")
    return (
        f"No {name} {split} split found. Looked for {prefix}-images-idx3-ubyte[.gz] and "
        f"{prefix}-labels-idx1-ubyte[.gz] in:\n{looked}\n{tried}\n"
        "To fix it, either\n"
        f"  - connect to the internet and run again (files go to {cache_dir()}),\n"
        "  - or copy the four IDX files into a folder and set GAN_LAB_DATA=/that/folder,\n"
        f"{hint}"
        "  - or use another split/dataset: GAN_LAB_SPLIT=test, GAN_LAB_DATASET=fashion-mnist.")


def describe_folder(folder: Path) -> str:
    """``folder`` as a reader on another machine can follow it: relative to ``$GAN_LAB_DATA``,
    ``$XDG_CACHE_HOME`` or ``~`` when it lies there (``$GAN_LAB_DATA/MNIST/raw``,
    ``~/.cache/gan_lab/MNIST/raw``), else as it is (e.g. Debian's system folder)."""
    folder = Path(folder).resolve()
    anchors = [("$GAN_LAB_DATA", os.environ.get("GAN_LAB_DATA")),
               ("$XDG_CACHE_HOME", os.environ.get("XDG_CACHE_HOME")), ("~", Path.home())]
    for name, base in anchors:
        base = Path(base).expanduser().resolve() if base else None
        if base and folder.is_relative_to(base):
            rest = folder.relative_to(base).as_posix()
            return name if rest == "." else f"{name}/{rest}"
    return folder.as_posix()


def load_course_data(settings: Settings, verbose: bool = True) -> ImageDataset:
    """The dataset and split that ``settings`` chose, with a line saying where it came from."""
    data = load_dataset(settings.dataset, settings.split, settings.data_root)
    if verbose:
        print(f"Loaded {data.name}/{data.split}: {len(data)} images from "
              f"{describe_folder(data.folder)}")
    return data


class BatchSource:
    """Shuffled minibatches of a tensor held in memory: no DataLoader, no per-image work.

    Epoch ``e`` visits the images in the order ``randperm(N)`` drawn from a generator
    seeded with ``seed + e``; step ``t`` is batch ``t mod B`` of epoch ``t // B`` (``B``
    batches per epoch, the last partial batch dropped). So any step's batch is known from
    ``(seed, t)`` alone and a resumed run sees exactly the batches it would have seen.
    With ``labels`` (N,), ``batch(step)`` returns ``(images, labels)`` of the same examples.
    """

    def __init__(self, images: torch.Tensor, batch_size: int, seed: int = 0,
                 device: torch.device | str | None = None,
                 labels: torch.Tensor | None = None) -> None:
        if not isinstance(images, torch.Tensor) or images.ndim < 2 or len(images) == 0:
            given = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"images must be a tensor (N, ...) with N ≥ 1 examples, got {given}: "
                             "e.g. load_dataset('mnist').images, or torch.stack(list_of_images).")
        batch_size = validate.positive_int(batch_size, "batch_size")
        if batch_size > len(images):
            raise ValueError(f"batch_size={batch_size} must be between 1 and {len(images)} "
                             "(the number of images).")
        seed = validate.seed(seed)
        self.images = images.to(device) if device is not None else images
        if labels is not None and len(labels) != len(images):
            raise ValueError(f"labels must be one per image: {len(labels)} labels, {len(images)} images.")
        self.labels = None if labels is None else labels.to(self.images.device)
        self.batch_size = batch_size
        self.seed = seed
        self.batches_per_epoch = len(images) // batch_size
        self._order: tuple[int, torch.Tensor] | None = None

    def __len__(self) -> int:
        return self.batches_per_epoch

    def order(self, epoch: int) -> torch.Tensor:
        """The permutation of image indices used in ``epoch``."""
        if self._order is None or self._order[0] != epoch:
            g = torch.Generator().manual_seed(self.seed + epoch)
            self._order = (epoch, torch.randperm(len(self.images), generator=g))
        return self._order[1]

    def batch(self, step: int) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """The minibatch of global step ``step`` ≥ 0 (with its labels when the source has them)."""
        epoch, i = divmod(validate.positive_int(step, "step", minimum=0), self.batches_per_epoch)
        idx = self.order(epoch)[i * self.batch_size:(i + 1) * self.batch_size].to(self.images.device)
        return self.images[idx] if self.labels is None else (self.images[idx], self.labels[idx])

    def stream(self, start: int = 0) -> Iterator[torch.Tensor]:
        """Batches for steps ``start, start + 1, ...`` without end."""
        step = start
        while True:
            yield self.batch(step)
            step += 1
