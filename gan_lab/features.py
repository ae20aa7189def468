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
from .data import BatchSource
from .pretrained import WEIGHTS


def train_classifier(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     epochs: int = 5, batch_size: int = 128, lr: float = 1e-3, seed: int = 0,
                     progress: bool = True) -> list[float]:
    """Cross-entropy training with Adam; returns the loss per step."""
    order = BatchSource(torch.arange(len(images))[:, None], batch_size, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    start = time.perf_counter()
    # leave=False and a plain last line: what stays on screen (or in a saved notebook) is the
    # finished state, never a bar frozen where it started.
    for step in tqdm(range(epochs * len(order)), disable=not progress, desc="classifier",
                     leave=False):
        idx = order.batch(step)[:, 0]
        loss = F.cross_entropy(model(images[idx]), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if progress:
        print(f"classifier: {len(losses)} steps in {time.perf_counter() - start:.0f} s, "
              f"last loss {losses[-1]:.3f}")
    return losses


@torch.no_grad()
def extract(model: nn.Module, images: torch.Tensor, batch_size: int = 1000
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (N, feature_dim) and class probabilities (N, K), both float64, eval mode."""
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
    _, probs = extract(model, images)
    return (probs.argmax(1) == labels).double().mean().item()


def load_classifier(dataset: str = "mnist") -> nn.Module:
    """The shipped classifier for ``dataset`` ('mnist' or 'fashion-mnist'), in eval mode."""
    path = WEIGHTS / f"classifier-{dataset}.pt"
    if not path.is_file():
        raise ValueError(f"No classifier for {dataset!r} in {WEIGHTS}; train one with "
                         "scripts/train_classifier.py.")
    return rebuild(load(path)["model"]).eval()


def describe_classifier(dataset: str = "mnist") -> dict:
    """The training record (data, held-out accuracy, seed, time) beside the weights."""
    return json.loads((WEIGHTS / f"classifier-{dataset}.json").read_text())
