"""Checkpoints: written atomically, read with ``torch.load(..., weights_only=True)``.

A checkpoint is a plain dict of tensors, numbers, strings, lists and dicts (no pickled
classes), so loading one cannot run code. Anything wrong with it, missing, truncated,
from another architecture, raises :class:`CheckpointError` saying what to do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .models import build

FORMAT = "gan_lab-checkpoint-1"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, or does not fit the models it is loaded into."""


def save(obj: dict[str, Any], path: str | os.PathLike) -> Path:
    """``torch.save`` to a temporary file beside ``path``, check that it loads back with
    ``weights_only=True``, then rename: never a half-written or unloadable file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save({"format": FORMAT, **obj}, f)
            f.flush()
            os.fsync(f.fileno())
        try:
            torch.load(tmp, map_location="cpu", weights_only=True)
        except Exception as err:
            raise CheckpointError(f"Refusing to write {path}: it would not load safely "
                                  f"(keep to tensors, numbers, strings, lists and dicts): {err}") from err
        os.replace(tmp, path)  # atomic on POSIX and Windows
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint safely; :class:`CheckpointError` if it is missing or not ours."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint at {path}. Train and save one first, or check the path.")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # truncated zip, random bytes, a pickle with classes in it...
        raise CheckpointError(
            f"{path} is not a readable checkpoint (truncated, corrupt, or not saved by "
            f"gan_lab): {type(err).__name__}: {str(err).splitlines()[0][:200]}. "
            "Delete it and save it again.") from err
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise CheckpointError(f"{path} was not written by gan_lab (expected format {FORMAT!r}).")
    return obj


def model_record(model: nn.Module) -> dict[str, Any]:
    """Class name, constructor config and weights of one model."""
    return {"class": type(model).__name__, "config": dict(model.config),
            "state": model.state_dict()}


def load_model_state(model: nn.Module, record: dict[str, Any], what: str) -> None:
    """Load ``record`` into ``model`` after checking the architecture matches."""
    mine = (type(model).__name__, dict(getattr(model, "config", {})))
    theirs = (record["class"], dict(record["config"]))
    if mine != theirs:
        raise CheckpointError(
            f"The checkpoint's {what} is {theirs[0]}({theirs[1]}), but this one is "
            f"{mine[0]}({mine[1]}). Build the same architecture, or use "
            "Trainer.from_checkpoint(path, data), which rebuilds it.")
    try:
        model.load_state_dict(record["state"])
    except RuntimeError as err:
        raise CheckpointError(f"The checkpoint's {what} weights do not fit: {err}") from err


def rebuild(record: dict[str, Any]) -> nn.Module:
    """A model rebuilt from a :func:`model_record`."""
    model = build(record["class"], record["config"])
    model.load_state_dict(record["state"])
    return model


def save_generator(generator: nn.Module, path: str | os.PathLike,
                   meta: dict[str, Any] | None = None) -> Path:
    """Save just a generator (class, config, weights) plus metadata such as data and steps."""
    return save({"generator": model_record(generator), "meta": dict(meta or {})}, path)


def load_generator(path: str | os.PathLike) -> nn.Module:
    """A generator saved by :func:`save_generator` or inside a training checkpoint, in eval mode."""
    obj = load(path)
    if "generator" not in obj:
        raise CheckpointError(f"{path} holds no generator.")
    return rebuild(obj["generator"]).eval()
