"""Input checks: one helper per kind of input, used by every public function of ``gan_lab``.

Each helper returns the checked (and, for tensors, converted) value, or raises
``ValueError`` saying what was expected, what was given, and what to do. They run before
any heavy computation, so a wrong input never reaches LAPACK (where a NaN can kill the
process) or comes back as a plausible-looking number.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence

import torch

SEED_MAX = 2 ** 32 - 1  # NumPy's seeds live in [0, 2**32 - 1]
# FID and KID square features and multiply the squares (Σ₁Σ₂, (xᵀy/d + 1)³): beyond this
# magnitude the products overflow float64 (max ≈ 1.8e308) for any realistic n and d.
FEATURE_LIMIT = 1e50
DIVERGED = ("the generator diverged: its samples contain NaN or infinite values. Check its "
            "training losses, restart from an earlier checkpoint or lower the learning rate.")


def positive_int(value, name: str, minimum: int = 1) -> int:
    """``value`` as an ``int`` that is at least ``minimum`` (``bool`` is refused)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number ≥ {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be ≥ {minimum}, got {value}.")
    return int(value)


def positive_number(value, name: str) -> float:
    """``value`` as a finite ``float`` > 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}.") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")
    return v


def seed(value, name: str = "seed") -> int:
    """A seed every generator accepts: an integer in ``[0, 2**32 - 1]`` (NumPy's range)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}={value!r} is not an integer seed: use a whole number "
                         f"between 0 and {SEED_MAX}.")
    if not 0 <= value <= SEED_MAX:
        raise ValueError(f"{name}={value} is out of range: NumPy needs a seed between 0 and "
                         f"2**32 - 1 = {SEED_MAX}. Pick one in that range.")
    return int(value)


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.lower())


def choice(value, allowed: Sequence[str], what: str, source: str | None = None) -> str:
    """The entry of ``allowed`` that ``value`` names, ignoring case, spaces, ``-`` and ``_``
    (``'Fashion_MNIST'``, ``'FashionMNIST'`` and ``'fashion-mnist'`` are one name).
    ``source`` names where the value came from (an environment variable) for the message."""
    if isinstance(value, str):
        for option in allowed:
            if _squash(value) == _squash(option):
                return option
    where = f" (from {source})" if source else ""
    raise ValueError(f"Unknown {what} {value!r}{where}: it is not one of {', '.join(allowed)}.")


def tensor(x, name: str) -> torch.Tensor:
    """``x`` as a float64 tensor (tensors, arrays and nested lists are accepted)."""
    try:
        if isinstance(x, torch.Tensor):
            return x.detach().to(device="cpu", dtype=torch.float64)
        return torch.as_tensor(x, dtype=torch.float64)  # Python floats straight to float64
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must be a tensor of numbers, got {type(x).__name__}: {err}") from None


def finite(x, name: str, advice: str = "") -> torch.Tensor:
    """``x`` as float64, refusing NaN and ±inf (says how many and where the first one is)."""
    t = tensor(x, name)
    bad = ~torch.isfinite(t)
    if bad.any():
        where = f" (the first at index {tuple(int(i) for i in bad.nonzero()[0])})" if t.ndim else ""
        raise ValueError(
            f"{name} has {int(torch.isnan(t).sum())} NaN and {int(torch.isinf(t).sum())} infinite "
            f"values{where} among {t.numel()}: {advice or 'remove them first.'}")
    return t


def finite_features(x, name: str = "features", min_rows: int = 2) -> torch.Tensor:
    """Features ``(n, d)`` as float64 with ``n ≥ min_rows``, finite and below ``FEATURE_LIMIT``."""
    t = tensor(x, name)
    if t.ndim != 2 or len(t) < min_rows or t.shape[1] < 1:
        raise ValueError(f"{name} must be (n >= {min_rows}, d): one row of d numbers per image, "
                         f"at least {min_rows} rows; got shape {tuple(t.shape)}.")
    t = finite(t, name, DIVERGED)
    largest = t.abs().max().item()
    if largest > FEATURE_LIMIT:
        raise ValueError(
            f"{name} reach {largest:.3g}: the metrics square and multiply features, which "
            f"overflows float64 beyond about {FEATURE_LIMIT:.0e}. Features this large mean the "
            "generator diverged or the images are not in [-1, 1]; check the samples.")
    return t


def feature_pair(real, fake, min_rows: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    """Two feature sets checked by :func:`finite_features`, of the same width ``d``."""
    real = finite_features(real, "real features", min_rows)
    fake = finite_features(fake, "fake features", min_rows)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"real and fake features differ in width: {real.shape[1]} vs {fake.shape[1]} "
            f"(shapes {tuple(real.shape)} and {tuple(fake.shape)}). Extract both with the same "
            "feature network (gan_lab.features.extract with one classifier).")
    return real, fake


def gaussian(mu, sigma, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A mean ``(d,)`` and covariance ``(d, d)``, finite, float64."""
    mu, sigma = finite(mu, f"{name} mean", DIVERGED), finite(sigma, f"{name} covariance", DIVERGED)
    d = mu.shape[0] if mu.ndim == 1 else None
    if d is None or sigma.shape != (d, d):
        raise ValueError(f"{name}: need a mean (d,) and a covariance (d, d); got "
                         f"{tuple(mu.shape)} and {tuple(sigma.shape)}.")
    return mu, sigma


def probabilities(p, name: str = "probs", atol: float = 1e-4) -> torch.Tensor:
    """Class probabilities ``(n, K)``: finite, ≥ 0, each row summing to 1 within ``atol``."""
    t = tensor(p, name)
    if t.ndim != 2 or len(t) < 1 or t.shape[1] < 2:
        raise ValueError(f"{name} must be (n, K) class probabilities with K >= 2, got shape "
                         f"{tuple(t.shape)}.")
    t = finite(t, name, DIVERGED)
    sums = t.sum(1)
    off = (sums - 1).abs()
    if (t < -atol).any() or (off > atol).any():
        row = int(torch.argmax(off + (t < -atol).any(1).double()))
        raise ValueError(
            f"{name} are not probabilities: every row must be ≥ 0 and sum to 1, but row {row} "
            f"sums to {sums[row].item():.4g} with smallest entry {t[row].min().item():.4g}. "
            "Logits? Apply torch.softmax(logits, dim=1) first (gan_lab.features.extract "
            "returns probabilities).")
    return t.clamp(0, 1)


def image_batch(x: torch.Tensor, shape: Sequence[int | None], model: str) -> torch.Tensor:
    """``x`` of shape ``(B, *shape)`` (a ``None`` in ``shape`` matches any size); the message
    names the expected and the given shape. Only the shape is checked (cheap enough for
    every forward pass)."""
    shape = tuple(shape)
    fits = isinstance(x, torch.Tensor) and x.ndim == len(shape) + 1 and all(
        want is None or want == have for want, have in zip(shape, x.shape[1:]))
    if not fits:
        given = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        hint = ""
        if (isinstance(x, torch.Tensor) and len(shape) == 3 and x.ndim == 4 and shape[0] is not None
                and x.shape[1] != shape[0]):
            hint = (f" It has {x.shape[1]} channels, the model {shape[0]}: convert the images "
                    f"or build the model with channels={x.shape[1]}.")
        elif isinstance(x, torch.Tensor) and x.ndim == len(shape):
            hint = " A single image? Add the batch dimension: x[None] or x.unsqueeze(0)."
        names = ("C", "H", "W")[-len(shape):] if len(shape) <= 3 else ("?",) * len(shape)
        text = ", ".join(str(s) if s is not None else n for s, n in zip(shape, names))
        raise ValueError(f"{model} expects a batch of shape (B, {text}), "
                         f"got {given}.{hint}")
    return x


def latent_batch(z: torch.Tensor, dim: int, model: str) -> torch.Tensor:
    """Noise ``z`` of shape ``(B, dim)`` (shape only, for every forward pass)."""
    if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != dim:
        given = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
        raise ValueError(f"{model} expects noise z of shape (B, {dim}), got {given}: draw it "
                         f"with torch.randn(B, {dim}) (the model's latent_dim is {dim}).")
    return z


def vector(z, name: str, nonzero: bool = False) -> torch.Tensor:
    """A finite 1-D float64 vector; with ``nonzero``, not the zero vector."""
    t = tensor(z, name)
    if t.ndim != 1 or len(t) < 1:
        raise ValueError(f"{name} must be one vector of shape (d,), got shape {tuple(t.shape)}.")
    t = finite(t, name)
    if nonzero and not (t != 0).any():
        raise ValueError(f"{name} is the zero vector, which has no direction: a spherical path "
                         "is undefined. Use lerp, or a nonzero endpoint.")
    return t


def densities(p, name: str) -> torch.Tensor:
    """Density values on a grid: finite and ≥ 0, float64."""
    t = finite(p, name)
    if (t < 0).any():
        raise ValueError(f"{name} has negative values (smallest {t.min().item():.3g}): "
                         "a density is ≥ 0 everywhere.")
    return t
