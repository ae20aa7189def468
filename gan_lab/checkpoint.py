"""Checkpoints: written atomically, read with ``torch.load(..., weights_only=True)``.

A checkpoint is a plain dict of tensors, numbers, strings, lists and dicts (no pickled
classes), so loading one cannot run code. Anything wrong with it, missing, truncated,
from another architecture, raises :class:`CheckpointError` saying what to do.
"""

from __future__ import annotations

import inspect
import os
import re
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
            raise CheckpointError(f"Refusing to write {path}: it would not load safely, because "
                                  f"it holds Python objects{_asks_to_run(err)}. Keep to tensors, "
                                  "numbers, strings, lists and dicts (a model's state_dict(), not "
                                  "the model).") from None
        os.replace(tmp, path)  # atomic on POSIX and Windows
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint safely; :class:`CheckpointError` if it is missing or not ours."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint at {path}. Train and save one first, or check the path.")
    if path.stat().st_size == 0:
        raise CheckpointError(f"{path} is not a readable checkpoint: the file is empty (0 bytes), "
                              "probably from a save that was interrupted. Delete it and save it again.")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # truncated zip, random bytes, a pickle with classes in it...
        raise CheckpointError(_unreadable_message(path, err)) from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise CheckpointError(f"{path} was not written by gan_lab (expected format {FORMAT!r}).")
    return obj


def _unreadable_message(path: Path, err: Exception) -> str:
    """Why ``torch.load(weights_only=True)`` refused ``path``, in our words: PyTorch's own
    message advises loading the file unsafely, which we do not pass on. A file that asks
    to run a class or function was refused for safety; other refusals (bytes that are not a
    pickle at all) and other errors mean a corrupt file."""
    text = str(err)
    if "Weights only load failed" in text and _asks_to_run(err):
        return (f"{path} is not a readable checkpoint: it was refused for safety, because it "
                f"holds Python objects or code{_asks_to_run(err)} that loading could execute. gan_lab "
                "checkpoints hold only tensors, numbers, strings, lists and dicts. Do not load "
                "this file; save the models again with gan_lab (Trainer.save or save_generator).")
    if "Weights only load failed" in text:
        found = re.search(r"WeightsUnpickler error:\s*(\S[^\n]*)", text)
        detail = found.group(1)[:200] if found else "content the safe loader does not accept"
    else:
        first_line = text.splitlines()[0][:200] if text.strip() else "(no details)"
        detail = f"{type(err).__name__}: {first_line}"
    return (f"{path} is not a readable checkpoint (truncated, corrupt, or not saved by "
            f"gan_lab): {detail}. Delete it and save it again.")


def _asks_to_run(err: Exception) -> str:
    """`` (it asks to run NAME)`` for the class or function PyTorch's safe loader refused
    (from its message, whose advice to load unsafely we do not pass on), else ``""``."""
    found = re.search(r"GLOBAL ([\w.]+)", str(err))
    return f" (it asks to run {found.group(1)})" if found else ""


def _check_record(record: Any, what: str) -> None:
    """A model record is a dict with a class name, a config dict and a state dict."""
    if not (isinstance(record, dict) and isinstance(record.get("class"), str)
            and isinstance(record.get("config"), dict) and isinstance(record.get("state"), dict)):
        raise CheckpointError(f"The checkpoint's {what} is not a model record (class, config, "
                              "state): the file is damaged or was not written by gan_lab.")


def load_weights(model: nn.Module, record: dict[str, Any], what: str) -> None:
    """``model.load_state_dict(record["state"])`` whose :class:`CheckpointError` names the
    missing, unexpected and misfitting weights (never PyTorch's raw ``RuntimeError``)."""
    mine, theirs = model.state_dict(), record["state"]
    missing = [k for k in mine if k not in theirs]
    unexpected = [k for k in theirs if k not in mine]
    misfit = [f"{k}: file {tuple(theirs[k].shape)} vs model {tuple(mine[k].shape)}"
              for k in mine if k in theirs and isinstance(theirs[k], torch.Tensor)
              and theirs[k].shape != mine[k].shape]
    wrong_type = [k for k in mine if k in theirs and not isinstance(theirs[k], torch.Tensor)]
    problems = [f"{label}: {', '.join(items[:5])}{' ...' if len(items) > 5 else ''}"
                for label, items in (("missing", missing), ("unexpected", unexpected),
                                     ("wrong shape", misfit), ("not tensors", wrong_type)) if items]
    if problems:
        raise CheckpointError(
            f"The checkpoint's {what} weights do not fit {record['class']}({record['config']}): "
            f"{'; '.join(problems)}. The file was edited or damaged; save it again from the "
            "model that trained it.")
    model.load_state_dict(theirs)


def model_record(model: nn.Module) -> dict[str, Any]:
    """Class name, constructor config and weights of one model."""
    return {"class": type(model).__name__, "config": dict(model.config),
            "state": model.state_dict()}


def _with_defaults(cls: type, config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with the defaults of ``cls``'s constructor filled in, so that a record
    written before an option existed matches a model built with that option's default."""
    defaults = {name: p.default for name, p in inspect.signature(cls).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {**defaults, **config}


def check_architecture(model: nn.Module, record: dict[str, Any], what: str) -> None:
    """The record names ``model``'s class and config (:class:`CheckpointError` if not);
    options the record lacks count as their defaults."""
    _check_record(record, what)
    cls = type(model)
    config = dict(record["config"])
    if record["class"] == cls.__name__:
        config = _with_defaults(cls, config)
    mine = (cls.__name__, _with_defaults(cls, dict(getattr(model, "config", {}))))
    theirs = (record["class"], config)
    if mine != theirs:
        raise CheckpointError(
            f"The checkpoint's {what} is {theirs[0]}({theirs[1]}), but this one is "
            f"{mine[0]}({mine[1]}). Build the same architecture, or use "
            "Trainer.from_checkpoint(path, data), which rebuilds it.")


def load_model_state(model: nn.Module, record: dict[str, Any], what: str) -> None:
    """Load ``record`` into ``model`` after checking the architecture matches."""
    check_architecture(model, record, what)
    load_weights(model, record, what)


def rebuild(record: dict[str, Any], what: str = "model") -> nn.Module:
    """A model rebuilt from a :func:`model_record`; :class:`CheckpointError` if the record
    names an unknown class, a config it does not accept, or weights that do not fit."""
    model = build_model(record, what)
    load_weights(model, record, what)
    return model


def build_model(record: dict[str, Any], what: str = "model") -> nn.Module:
    """A fresh model of the class and config a record names (weights not loaded);
    :class:`CheckpointError` if the class is unknown or the config is not accepted."""
    _check_record(record, what)
    try:
        return build(record["class"], record["config"])
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"The checkpoint's {what} cannot be rebuilt as {record['class']}"
                              f"({record['config']}): {err}") from None


def save_generator(generator: nn.Module, path: str | os.PathLike,
                   meta: dict[str, Any] | None = None) -> Path:
    """Save just a generator (class, config, weights) plus metadata such as data and steps."""
    return save({"generator": model_record(generator), "meta": dict(meta or {})}, path)


def load_generator(path: str | os.PathLike) -> nn.Module:
    """A generator saved by :func:`save_generator` or inside a training checkpoint, in eval mode."""
    obj = load(path)
    if "generator" not in obj:
        raise CheckpointError(f"{path} holds no generator.")
    return rebuild(obj["generator"], "generator").eval()
