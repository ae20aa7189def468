"""The feature networks behind the metrics: train, load and apply a small classifier.

The course's FID/KID/precision/recall live in the penultimate layer of
:class:`gan_lab.models.Classifier`, trained on the course's own data by
``scripts/train_classifier.py`` and shipped in ``gan_lab/weights/classifier-*.pt``.
"""

from __future__ import annotations

import json
import time

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .checkpoint import load, rebuild
from . import validate
from .config import dataset_name
from .data import BatchSource
from .pretrained import WEIGHTS


def shift_and_flip(images: torch.Tensor, rng: torch.Generator, max_shift: int = 2,
                   flip: bool = False) -> torch.Tensor:
    """Light augmentation: each image moved by its own random ``(dy, dx)`` in
    ``[-max_shift, max_shift]`` pixels (the border filled with the background, -1) and, with
    ``flip``, mirrored left-right with probability 1/2 (right for clothes, wrong for digits)."""
    n, _, h, w = validate.image_batch(images, (None, None, None), "shift_and_flip").shape
    s = validate.positive_int(max_shift, "max_shift", minimum=0)
    padded = torch.nn.functional.pad(images, (s, s, s, s), value=-1.0)     # (B, C, H+2s, W+2s)
    oy, ox = (torch.randint(0, 2 * s + 1, (2, n), generator=rng) if s else torch.zeros(2, n, dtype=torch.long))
    rows = (oy[:, None] + torch.arange(h))[:, :, None]                       # (B, H, 1)
    cols = (ox[:, None] + torch.arange(w))[:, None, :]                       # (B, 1, W)
    out = padded[torch.arange(n)[:, None, None], :, rows, cols]              # (B, H, W, C)
    out = out.permute(0, 3, 1, 2)                                            # (B, C, H, W)
    if flip:
        mirror = torch.rand(n, generator=rng) < 0.5
        out = torch.where(mirror[:, None, None, None], out.flip(3), out)
    return out.contiguous()


def train_classifier(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     epochs: int = 5, batch_size: int = 128, lr: float = 1e-3, seed: int = 0,
                     progress: bool = True, max_shift: int = 0, flip: bool = False,
                     cosine: bool = False) -> list[float]:
    """Cross-entropy training with Adam; returns the loss per step.

    ``max_shift``, ``flip``: light augmentation, random shifts of up to ``max_shift`` pixels
    and left-right mirroring, see :func:`shift_and_flip`; ``cosine``: learning rate ``lr · (1 + cos(π t / T)) / 2`` over
    the ``T`` steps instead of a constant one.
    """
    epochs = validate.positive_int(epochs, "epochs")
    n_classes = model.config["n_classes"]
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels: give one label per image.")
    if len(labels) and not 0 <= int(labels.min()) <= int(labels.max()) < n_classes:
        raise ValueError(f"labels must lie in 0..{n_classes - 1} (the model's n_classes), got "
                         f"{int(labels.min())}..{int(labels.max())}.")
    order = BatchSource(torch.arange(len(images))[:, None], batch_size, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    total = epochs * len(order)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total) if cosine else None
    rng = torch.Generator().manual_seed(seed + 1)
    model.train()
    losses = []
    start = time.perf_counter()
    # leave=False and a plain last line: what stays on screen (or in a saved notebook) is the
    # finished state, never a bar frozen where it started.
    for step in tqdm(range(total), disable=not progress, desc="classifier",
                     leave=False):
        idx = order.batch(step)[:, 0]
        x = shift_and_flip(images[idx], rng, max_shift, flip) if max_shift or flip else images[idx]
        loss = F.cross_entropy(model(x), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if schedule is not None:
            schedule.step()
        losses.append(loss.item())
    if progress:
        print(f"classifier: {len(losses)} steps in {time.perf_counter() - start:.0f} s, "
              f"last loss {losses[-1]:.3f}")
    return losses


@torch.no_grad()
def extract(model: nn.Module, images: torch.Tensor, batch_size: int = 1000
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (N, feature_dim) and class probabilities (N, K), both float64, eval mode, of
    images ``(N, 1, 28, 28)`` in ``[-1, 1]``."""
    batch_size = validate.positive_int(batch_size, "batch_size")
    validate.image_batch(images, (1, 28, 28), type(model).__name__)
    validate.pixels(images)
    was_training = model.training
    model.eval()
    feats, probs = [], []
    for chunk in images.split(batch_size):
        f = model.features(chunk)
        feats.append(f.double())
        probs.append(torch.softmax(model.head(f).double(), dim=1))
    model.train(was_training)
    return torch.cat(feats), torch.cat(probs)


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of images whose most probable class is the label."""
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels: give one label per image.")
    _, probs = extract(model, images)
    return (probs.argmax(1) == labels).double().mean().item()


def load_classifier(dataset: str = "mnist") -> nn.Module:
    """The shipped classifier for ``dataset`` ('mnist' or 'fashion-mnist'), in eval mode."""
    dataset = dataset_name(dataset)
    path = WEIGHTS / f"classifier-{dataset}.pt"
    if not path.is_file():
        raise ValueError(f"No classifier for {dataset!r} in {WEIGHTS}; train one with "
                         "scripts/train_classifier.py.")
    return rebuild(load(path)["model"]).eval()


def describe_classifier(dataset: str = "mnist") -> dict:
    """The training record (data, held-out accuracy, seed, time) beside the weights."""
    dataset = dataset_name(dataset)
    return json.loads((WEIGHTS / f"classifier-{dataset}.json").read_text())
