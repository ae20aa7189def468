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


def finite_number(value, name: str) -> float:
    """``value`` as a finite ``float`` (``bool`` and strings are refused)."""
    if isinstance(value, (bool, str)) or not isinstance(value, (numbers.Real, torch.Tensor)):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    try:
        v = float(value)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"{name} must be a single number, got {value!r}.") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return v


def positive_number(value, name: str) -> float:
    """``value`` as a finite ``float`` > 0."""
    v = finite_number(value, name)
    if not v > 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")
    return v


def positive_ints(**named) -> tuple[int, ...]:
    """Several sizes checked by :func:`positive_int` at once, in the order given:
    ``width, channels = positive_ints(width=width, channels=channels)``."""
    return tuple(positive_int(value, name) for name, value in named.items())


def nonnegative_number(value, name: str) -> float:
    """``value`` as a finite ``float`` ≥ 0 (a weight, a noise level, a time limit)."""
    v = finite_number(value, name)
    if not v >= 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}.")
    return v


def sizes(value, name: str, allow_empty: bool = False) -> tuple[int, ...]:
    """A tuple of layer or shape sizes, each a whole number ≥ 1 (``hidden``, ``out_shape``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of whole numbers ≥ 1, got {value!r}.") from None
    if not items and not allow_empty:
        raise ValueError(f"{name} must hold at least one size, got {value!r}.")
    return tuple(positive_int(v, f"every entry of {name}") for v in items)


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
    if isinstance(x, torch.Tensor) and x.is_complex():
        raise ValueError(f"{name} must be real numbers, got a complex tensor ({x.dtype}): "
                         "take .real or .abs() first, whichever you meant.")
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


def feature_pair(real, fake, min_rows: int = 2, names: tuple[str, str] = ("real", "fake")
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Two feature sets checked by :func:`finite_features`, of the same width ``d``."""
    real = finite_features(real, f"{names[0]} features", min_rows)
    fake = finite_features(fake, f"{names[1]} features", min_rows)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} features differ in width: {real.shape[1]} vs {fake.shape[1]} "
            f"(shapes {tuple(real.shape)} and {tuple(fake.shape)}). Extract both with the same "
            "feature network (gan_lab.features.extract with one classifier).")
    return real, fake


def gaussian(mu, sigma, name: str, rtol: float = 1e-6) -> tuple[torch.Tensor, torch.Tensor]:
    """A mean ``(d,)`` and covariance ``(d, d)``, finite, float64; the covariance symmetric
    and positive semi-definite up to round-off (``rtol`` of its largest entry)."""
    mu, sigma = finite(mu, f"{name} mean", DIVERGED), finite(sigma, f"{name} covariance", DIVERGED)
    d = mu.shape[0] if mu.ndim == 1 else None
    if d is None or sigma.shape != (d, d):
        raise ValueError(f"{name}: need a mean (d,) and a covariance (d, d); got "
                         f"{tuple(mu.shape)} and {tuple(sigma.shape)}.")
    scale = sigma.abs().max().item()
    asymmetry = (sigma - sigma.T).abs().max().item()
    smallest = torch.linalg.eigvalsh((sigma + sigma.T) / 2)[0].item() if d else 0.0
    if asymmetry > rtol * scale or smallest < -rtol * scale:
        raise ValueError(
            f"{name} covariance is not a covariance matrix: it must be symmetric and positive "
            f"semi-definite, but its asymmetry is {asymmetry:.3g} and its smallest eigenvalue "
            f"{smallest:.3g} (largest entry {scale:.3g}). Compute it with "
            "gan_lab.metrics.gaussian_stats(features) (a covariance, not a standard deviation).")
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


def equal_splits(n: int, splits, name: str = "splits") -> int:
    """``splits`` (≥ 1) that divides ``n`` samples into equal parts; the message suggests the
    nearest number of splits that does, and a sample count that fits."""
    splits = positive_int(splits, name)
    if n % splits:
        fits = [s for s in range(1, n + 1) if n % s == 0]
        near = min(fits, key=lambda s: (abs(s - splits), s))
        raise ValueError(
            f"{n} samples for {splits} {name} cannot be split equally (the Inception Score "
            f"averages over equal splits): use a multiple of {splits} samples "
            f"(e.g. {max(splits, n - n % splits)}), or {name}={near}.")
    return splits


def unit_interval(x, name: str) -> torch.Tensor:
    """A discriminator's probabilities ``D(x)``: finite, float64, every value in ``[0, 1]``."""
    t = finite(x, name, "a discriminator's outputs must be numbers in [0, 1].")
    if t.numel() and ((t < 0) | (t > 1)).any():
        raise ValueError(f"{name} must be probabilities D(x) in [0, 1] (apply torch.sigmoid to "
                         f"logits); got values from {t.min().item():.3g} to {t.max().item():.3g}.")
    return t


def _dtype(x: torch.Tensor, dtype: torch.dtype | None, model: str, what: str) -> None:
    """The check :func:`image_batch` and :func:`latent_batch` share: the model's dtype."""
    if dtype is not None and x.dtype != dtype:
        fix = ("x.float() / 127.5 - 1 (pixels in [-1, 1])" if not x.is_floating_point()
               and what == "images" else f"x.to({dtype})")
        raise ValueError(f"{model} expects {what} of dtype {dtype} (its weights' dtype), got "
                         f"{x.dtype}: convert them with {fix}.")


def batch_norm_batch(x: torch.Tensor, model: str) -> None:
    """At least 2 examples for a model with batch norm in training mode (the batch's
    variance of one example is 0)."""
    if len(x) < 2:
        raise ValueError(f"{model} is in training mode, where batch norm needs at least 2 "
                         f"examples, got a batch of {len(x)}: use a larger batch, or call "
                         "model.eval() to sample one at a time.")


def image_batch(x: torch.Tensor, shape: Sequence[int | None], model: str,
                dtype: torch.dtype | None = None) -> torch.Tensor:
    """``x`` of shape ``(B, *shape)`` (a ``None`` in ``shape`` matches any size) and, if given,
    of ``dtype``; the message names the expected and the given shape. Only shape and dtype
    are checked (cheap enough for every forward pass)."""
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
    _dtype(x, dtype, model, "images")
    return x


def latent_batch(z: torch.Tensor, dim: int, model: str, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Noise ``z`` of shape ``(B, dim)`` and, if given, of ``dtype`` (for every forward pass)."""
    if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != dim:
        given = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
        raise ValueError(f"{model} expects noise z of shape (B, {dim}), got {given}: draw it "
                         f"with torch.randn(B, {dim}) (the model's latent_dim is {dim}).")
    _dtype(z, dtype, model, "noise z")
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


def generator(model, conditional: bool | None = None, where: str = "this"):
    """A generator: a module with an integer ``latent_dim``; with ``conditional`` True (or
    False), one that is (or is not) called ``G(z, y)`` (it has ``n_classes``)."""
    if not isinstance(getattr(model, "latent_dim", None), int):
        raise ValueError(f"{where} needs a generator with a latent_dim attribute; "
                         f"{type(model).__name__} has none (a discriminator?).")
    has_classes = getattr(model, "n_classes", None) is not None
    if conditional is True and not has_classes:
        raise ValueError(f"{where} needs a conditional generator G(z, y) (with n_classes); "
                         f"{type(model).__name__} is unconditional: use gan_lab.latent.generate.")
    if conditional is False and has_classes:
        raise ValueError(f"{where} needs an unconditional generator G(z); {type(model).__name__} "
                         "is conditional, G(z, y): use gan_lab.conditional.generate_per_class.")
    return model


def real_fake(real: torch.Tensor, fake: torch.Tensor) -> None:
    """A real and a generated batch that one discriminator can compare: the same example
    shape. (Shapes only: cheap enough for every training step.)"""
    if real.shape[1:] != fake.shape[1:]:
        raise ValueError(
            f"The real examples have shape {tuple(real.shape[1:])} but the generator makes "
            f"{tuple(fake.shape[1:])} (batches {tuple(real.shape)} and {tuple(fake.shape)}): "
            "build G (out_shape=...) and D (in_shape=...) for the data's shape, or reshape "
            "the data.")


def pixels(images: torch.Tensor, name: str = "images", tol: float = 1e-3) -> torch.Tensor:
    """Images with pixel values in ``[-1, 1]`` (the range of the data and of a ``tanh``
    generator, within ``tol``). NaN passes here: the metrics refuse it with their own message."""
    if isinstance(images, torch.Tensor) and images.numel() and images.is_floating_point():
        low, high = images.min().item(), images.max().item()
        if low < -1 - tol or high > 1 + tol:
            raise ValueError(
                f"{name} must have pixels in [-1, 1] (as the data and a tanh generator), got "
                f"values from {low:.4g} to {high:.4g}: rescale them, e.g. x / 127.5 - 1 for "
                "[0, 255] or 2 * x - 1 for [0, 1].")
    return images


def examples(x, name: str, min_count: int = 1,
             advice: str = "find where they came from and remove them.") -> torch.Tensor:
    """A batch ``(N, ...)`` of at least ``min_count`` examples (images, points), all finite."""
    if not isinstance(x, torch.Tensor) or x.ndim < 2 or len(x) < min_count:
        given = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a batch (N, ...) of at least {min_count} example(s), "
                         f"got {given}.")
    if x.is_floating_point() and not torch.isfinite(x).all():
        raise ValueError(f"{name} hold NaN or infinite values: {advice}")
    return x


def data_source(data, where: str = "Trainer"):
    """A source of training batches: ``batch(step)`` and ``batches_per_epoch`` (e.g.
    :class:`gan_lab.data.BatchSource`, :class:`gan_lab.toy.SampleSource`)."""
    if not (callable(getattr(data, "batch", None)) and hasattr(data, "batches_per_epoch")):
        raise ValueError(f"{where} needs data with batch(step) and batches_per_epoch, got "
                         f"{type(data).__name__}: wrap a tensor of images as "
                         "gan_lab.data.BatchSource(images, batch_size).")
    return data
