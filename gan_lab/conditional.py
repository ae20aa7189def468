"""Class-conditional GANs for 28x28 images: ``G(z, y)`` and ``D(x, y)``.

The generator is the course's DCGAN generator with a learned label embedding ``e = E[y]``
concatenated to the noise, ``G([z; e])``, and per-example (pixel) normalization instead of
batch norm. Since the network only sees the embedding, a *soft* class works too:
``G.forward_embedding(z, e)`` with any ``e``, e.g. ``(1 - t) E[a] + t E[b]``, which is what
the explorer's class morph does.

The discriminator is the DCGAN discriminator's body ``φ(x)`` followed by one of two heads:

* ``"projection"`` (Miyato & Koyama, 2018): ``D(x, y) = ψ(φ(x)) + ⟨V[y], φ(x)⟩``, a linear
  score plus the inner product of a class embedding with the features;
* ``"concat"`` (Mirza & Osindero, 2014): the one-hot label as ``n_classes`` extra constant
  input channels, ``D(x, y) = ψ(φ([x; onehot(y) ⊗ 1_{28x28}]))``.

The fully connected pair, :class:`ConditionalMLPGenerator` and :class:`ConditionalMLPDiscriminator`,
puts notebook 03's MLPs behind the same embedding and projection head (the shipped
``mlp-mnist`` is one, self-conditioned on clusters: :mod:`gan_lab.selfcond`).

All models keep their constructor arguments in ``.config``, so :mod:`gan_lab.checkpoint`
rebuilds them (they register in :data:`gan_lab.models.MODELS`).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from . import validate
from .models import MODELS, MLPDiscriminator, MLPGenerator, dcgan_init, weight_dtype

HEADS = ("projection", "concat")


def check_labels(y: torch.Tensor, n: int | None, n_classes: int, name: str = "class labels") -> None:
    """Labels must be int64 class indices of shape ``(n,)`` (any ``n`` when ``None``) in
    ``[0, n_classes)``."""
    if (not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or y.ndim != 1
            or (n is not None and len(y) != n)):
        got = f"{y.dtype} of shape {tuple(y.shape)}" if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"Expected {name} as int64 of shape ({'B' if n is None else n},), "
                         f"got {got}. Use torch.full((n,), c) or torch.tensor([...]) (int64 by "
                         "default).")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name[0].upper() + name[1:]} must lie in 0..{n_classes - 1}, got "
                         f"{y.min().item()}..{y.max().item()}.")


class PixelNorm(nn.Module):
    """Per-example normalization over the features: ``x̂ = x / sqrt(mean_c x_c² + 10⁻⁸)``
    (ProGAN's pixel norm; over channels at each pixel, or over all features of a vector).

    Per example, so a sample does not depend on the rest of its batch, and training and
    eval mode compute the same function (batch norm's running statistics would not).
    ``film=True`` adds a class-dependent scale and shift, ``x̂ · (1 + γ(e)) + β(e)`` with
    ``γ, β`` linear in the class embedding (conditional normalization, de Vries et al.,
    2017). The course does not use it: against the projection discriminator it let the
    class decide the image alone. Measured (MNIST, 1,500 steps, seed 0): with it, samples
    of one class spread 0.15–0.35 times as far apart as real digits of that class (in the
    classifier's features: one image per class, whatever ``z``); without it, 0.67–1.44.
    """

    def __init__(self, features: int, embed_dim: int = 0, film: bool = False):
        super().__init__()
        self.film = film
        if film:
            self.gain, self.bias = nn.Linear(embed_dim, features), nn.Linear(embed_dim, features)

    def forward(self, x: torch.Tensor, e: torch.Tensor | None = None) -> torch.Tensor:
        x = x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + 1e-8)     # per example (and pixel)
        if not self.film:
            return x
        shape = (len(x), -1) + (1,) * (x.ndim - 2)                      # broadcast over pixels
        return x * (1 + self.gain(e).view(shape)) + self.bias(e).view(shape)


class EmbeddingGenerator(nn.Module):
    """What the conditional generators share: ``G(z, y) = g(z, E[y])`` for a learned class
    embedding ``E`` (``self.embedding``), so ``g`` also accepts any embedding, e.g. a mix of
    two classes. A subclass sets ``latent_dim``, ``n_classes``, ``embed_dim``, ``embedding``
    and defines ``_generate(z, e)``."""

    def embed(self, y: torch.Tensor) -> torch.Tensor:
        """The class embedding ``E[y]``, shape ``(B, embed_dim)``."""
        check_labels(y, None, self.n_classes)
        return self.embedding(y)

    def forward_embedding(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """G for any class embedding ``e (B, embed_dim)``, e.g. a mix of two classes."""
        name = type(self).__name__
        validate.latent_batch(z, self.latent_dim, name, weight_dtype(self))
        if not isinstance(e, torch.Tensor) or e.shape != (len(z), self.embed_dim):
            given = tuple(e.shape) if isinstance(e, torch.Tensor) else type(e).__name__
            raise ValueError(f"{name} expects one class embedding per noise vector, "
                             f"e of shape ({len(z)}, {self.embed_dim}), got {given}: use G.embed(y).")
        return self._generate(z, e)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        validate.latent_batch(z, self.latent_dim, type(self).__name__, weight_dtype(self))
        check_labels(y, len(z), self.n_classes)
        return self._generate(z, self.embedding(y))


class ConditionalGenerator(EmbeddingGenerator):
    """``G(z, y)``: ``z (B, latent_dim)``, ``y`` int64 ``(B,)`` -> ``x (B, C, 28, 28)`` in ``[-1, 1]``.

    The DCGAN generator of :class:`gan_lab.models.DCGANGenerator` with the class entering
    through the embedding ``e = E[y]`` concatenated with ``z`` at the input, and per-example
    normalization (:class:`PixelNorm`) instead of batch norm. ``film=True`` also lets ``e``
    set the scale and shift of each normalization (see :class:`PixelNorm` for why the
    course leaves it off).
    """

    def __init__(self, latent_dim: int = 100, n_classes: int = 10, embed_dim: int = 32,
                 width: int = 64, channels: int = 1, film: bool = False):
        super().__init__()
        latent_dim, n_classes, embed_dim, width, channels = validate.positive_ints(
            latent_dim=latent_dim, n_classes=n_classes, embed_dim=embed_dim, width=width,
            channels=channels)
        self.config = dict(latent_dim=latent_dim, n_classes=n_classes, embed_dim=embed_dim,
                           width=width, channels=channels, film=film)
        self.latent_dim, self.n_classes, self.embed_dim = latent_dim, n_classes, embed_dim
        w = width
        self.embedding = nn.Embedding(n_classes, embed_dim)                  # y -> E[y] (B, embed_dim)
        self.project = nn.Linear(latent_dim + embed_dim, 2 * w * 7 * 7, bias=False)  # -> (B, 2w*49)
        self.norm0 = PixelNorm(2 * w * 7 * 7, embed_dim, film)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False)         # -> (B, w, 14, 14)
        self.norm1 = PixelNorm(w, embed_dim, film)
        self.up2 = nn.ConvTranspose2d(w, channels, 4, 2, 1)                  # -> (B, C, 28, 28)
        for m in self.modules():   # DCGAN init: N(0, 0.02) weights, so 1 + γ(e) (film) starts near 1
            if isinstance(m, (nn.Linear, nn.ConvTranspose2d)):
                dcgan_init(m)
        nn.init.normal_(self.embedding.weight, 0.0, 1.0)  # like z: each entry ~ N(0, 1)
        self.early_features = "norm0"  # where explorer.principal_directions reads features

    def _generate(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """G's layers for checked ``z`` and ``e``."""
        h = torch.relu(self.norm0(self.project(torch.cat([z, e], dim=1)), e))   # (B, 2w*49)
        h = torch.relu(self.norm1(self.up1(h.view(len(z), -1, 7, 7)), e))      # (B, w, 14, 14)
        return torch.tanh(self.up2(h))                                           # (B, C, 28, 28)


class ConditionalDiscriminator(nn.Module):
    """``D(x, y)``: ``x (B, C, 28, 28)``, ``y`` int64 ``(B,)`` -> one logit per example ``(B,)``.

    ``head="projection"``: ``ψ(φ(x)) + ⟨V[y], φ(x)⟩``; ``head="concat"``: one-hot label
    channels concatenated to the input. ``φ`` is the DCGAN discriminator's body (two stride-2
    convolutions, LeakyReLU(0.2), batch norm on the inner layer unless ``batch_norm=False``).
    """

    def __init__(self, n_classes: int = 10, width: int = 64, channels: int = 1,
                 head: str = "projection", batch_norm: bool = True):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}.")
        n_classes, width, channels = validate.positive_ints(n_classes=n_classes, width=width,
                                                           channels=channels)
        self.config = dict(n_classes=n_classes, width=width, channels=channels, head=head,
                           batch_norm=batch_norm)
        self.n_classes, self.head = n_classes, head
        w, extra = width, (n_classes if head == "concat" else 0)
        self.body = nn.Sequential(
            nn.Conv2d(channels + extra, w, 4, 2, 1),                          # -> (B, w, 14, 14)
            nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1, bias=not batch_norm),                # -> (B, 2w, 7, 7)
            nn.BatchNorm2d(2 * w) if batch_norm else nn.Identity(),
            nn.LeakyReLU(0.2),
            nn.Flatten())                                                     # φ(x): (B, 2w*49)
        self.linear = nn.Linear(2 * w * 7 * 7, 1)                              # ψ
        self.class_embedding = nn.Embedding(n_classes, 2 * w * 7 * 7) if head == "projection" else None
        dcgan_init(self)
        if self.class_embedding is not None:
            nn.init.normal_(self.class_embedding.weight, 0.0, 0.02)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        validate.image_batch(x, (self.config["channels"], 28, 28), "ConditionalDiscriminator",
                             weight_dtype(self))
        check_labels(y, len(x), self.n_classes)
        if self.head == "concat":
            onehot = F.one_hot(y, self.n_classes).to(x.dtype)                 # (B, K)
            x = torch.cat([x, onehot[:, :, None, None].expand(-1, -1, *x.shape[2:])], dim=1)
        features = self.body(x)                                               # (B, F)
        score = self.linear(features).squeeze(1)                              # ψ(φ(x)): (B,)
        if self.class_embedding is not None:
            score = score + (self.class_embedding(y) * features).sum(1)      # + ⟨V[y], φ(x)⟩
        return score


class ConditionalMLPGenerator(EmbeddingGenerator):
    """``G(z, y) = G_MLP([z; E[y]])``: notebook 03's fully connected generator
    (:class:`gan_lab.models.MLPGenerator`) fed the noise and the class embedding ``e = E[y]``
    side by side, ``z (B, latent_dim)``, ``y`` int64 ``(B,)`` -> ``x (B, *out_shape)`` in ``[-1, 1]``.
    """

    def __init__(self, latent_dim: int = 100, n_classes: int = 10, embed_dim: int = 32,
                 hidden: tuple[int, ...] = (256, 512), out_shape: tuple[int, ...] = (1, 28, 28)):
        super().__init__()
        latent_dim, n_classes, embed_dim = validate.positive_ints(
            latent_dim=latent_dim, n_classes=n_classes, embed_dim=embed_dim)
        self.latent_dim, self.n_classes, self.embed_dim = latent_dim, n_classes, embed_dim
        self.embedding = nn.Embedding(n_classes, embed_dim)                  # y -> E[y] (B, embed_dim)
        nn.init.normal_(self.embedding.weight, 0.0, 1.0)                     # like z: each entry ~ N(0, 1)
        self.mlp = MLPGenerator(latent_dim + embed_dim, hidden, out_shape)  # [z; e] -> x
        self.config = dict(latent_dim=latent_dim, n_classes=n_classes, embed_dim=embed_dim,
                           hidden=self.mlp.config["hidden"], out_shape=self.mlp.config["out_shape"])
        self.early_features = "mlp.net.1"    # the first hidden layer, after its LeakyReLU

    def _generate(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """G's layers for checked ``z`` and ``e``."""
        return self.mlp(torch.cat([z, e], dim=1))                            # (B, *out_shape)


class ConditionalMLPDiscriminator(nn.Module):
    """``D(x, y) = ψ(φ(x)) + ⟨V[y], φ(x)⟩``, the projection head on notebook 03's fully
    connected discriminator (:class:`gan_lab.models.MLPDiscriminator`): ``φ`` its hidden
    layers (with dropout), ``ψ`` its output layer. ``x (B, *in_shape)``, ``y`` int64 ``(B,)``
    -> one logit per example ``(B,)``.
    """

    def __init__(self, n_classes: int = 10, in_shape: tuple[int, ...] = (1, 28, 28),
                 hidden: tuple[int, ...] = (512, 256), dropout: float = 0.3):
        super().__init__()
        self.n_classes = validate.positive_int(n_classes, "n_classes")
        self.mlp = MLPDiscriminator(in_shape, hidden, dropout)
        self.config = dict(n_classes=self.n_classes, **self.mlp.config)
        self.class_embedding = nn.Embedding(self.n_classes, self.mlp.config["hidden"][-1])   # V
        nn.init.normal_(self.class_embedding.weight, 0.0, 0.02)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        validate.image_batch(x, self.mlp.in_shape, "ConditionalMLPDiscriminator", weight_dtype(self))
        check_labels(y, len(x), self.n_classes)
        features = self.mlp.features(x)                                       # φ(x): (B, F)
        score = self.mlp.net[-1](features).squeeze(1)                         # ψ(φ(x)): (B,)
        return score + (self.class_embedding(y) * features).sum(1)           # + ⟨V[y], φ(x)⟩


MODELS.update({cls.__name__: cls for cls in (ConditionalGenerator, ConditionalDiscriminator,
                                             ConditionalMLPGenerator, ConditionalMLPDiscriminator)})


def is_conditional(generator: nn.Module) -> bool:
    """True for generators called as ``G(z, y)`` (they have ``n_classes``)."""
    return getattr(generator, "n_classes", None) is not None


# -- measuring a conditional generator -------------------------------------------------------
@torch.no_grad()
def generate_per_class(generator: nn.Module, n_per_class: int, seed: int = 0,
                       batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_per_class`` samples ``G(z, c)`` of every class ``c``, ``z ~ N(0, I)`` drawn at once
    from a generator seeded with ``seed``; returns images and their requested labels ``(K n,)``."""
    validate.generator(generator, conditional=True, where="generate_per_class")
    n_per_class = validate.positive_int(n_per_class, "n_per_class")
    batch_size = validate.positive_int(batch_size, "batch_size")
    labels = torch.arange(generator.n_classes).repeat_interleave(n_per_class)
    z = torch.randn(len(labels), generator.latent_dim,
                    generator=torch.Generator().manual_seed(validate.seed(seed)))
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    images = torch.cat([generator(zc.to(device), yc.to(device)).cpu()
                        for zc, yc in zip(z.split(batch_size), labels.split(batch_size))])
    generator.train(was_training)
    return images, labels


def agreement(predicted: torch.Tensor, requested: torch.Tensor, n_classes: int) -> dict:
    """Share of images whose predicted class is the requested one, per class and overall:
    ``a_c = #{i : y_i = c, ŷ_i = c} / #{i : y_i = c}``, ``a = #{i : ŷ_i = y_i} / N``.
    ``a_c`` is ``nan`` for a class that was never requested (0/0): there is nothing to agree on."""
    n_classes = validate.positive_int(n_classes, "n_classes")
    check_labels(requested, None, n_classes, "requested labels")
    check_labels(predicted, len(requested), n_classes, "predicted labels (one per requested)")
    hit = (predicted == requested).double()
    per_class = [hit[requested == c].mean().item() if (requested == c).any() else math.nan
                 for c in range(n_classes)]
    return {"overall": hit.mean().item(), "per_class": per_class}


def by_class(real_features: torch.Tensor, real_labels: torch.Tensor, fake_features: torch.Tensor,
             fake_labels: torch.Tensor, n_classes: int, what: str):
    """``(c, real features of c, generated features of c)`` for every class, each with at
    least 2 rows (``what`` names the measure in the error)."""
    for side, feats, labels in (("real", real_features, real_labels),
                                ("fake", fake_features, fake_labels)):
        if len(feats) != len(labels):
            raise ValueError(f"{len(feats)} {side} features but {len(labels)} {side} labels: "
                             "give one label per image.")
    for c in range(validate.positive_int(n_classes, "n_classes")):
        real, fake = real_features[real_labels == c], fake_features[fake_labels == c]
        if min(len(real), len(fake)) < 2:
            raise ValueError(f"Class {c} has {len(real)} real and {len(fake)} generated images; "
                             f"{what} needs at least 2 of each (many more for a stable number).")
        yield c, real, fake


def fid_per_class(real_features: torch.Tensor, real_labels: torch.Tensor,
                  fake_features: torch.Tensor, fake_labels: torch.Tensor, n_classes: int) -> list[float]:
    """FID between the real and the generated features of each class ``c`` separately."""
    from .metrics import fid

    return [fid(real, fake) for _, real, fake in
            by_class(real_features, real_labels, fake_features, fake_labels, n_classes, "FID")]


def spread_ratio(real_features: torch.Tensor, real_labels: torch.Tensor,
                 fake_features: torch.Tensor, fake_labels: torch.Tensor, n_classes: int) -> list[float]:
    """Within-class diversity of generated samples relative to real ones, per class ``c``:
    ``mean_{i<j} ‖f_i − f_j‖ over fakes of c  /  the same over reals of c``. About 1 for a
    generator whose samples of a class vary as much as the real ones; near 0 when ``z`` does
    nothing once ``y`` is fixed (collapse within the class, which class agreement cannot see)."""
    def mean_distance(features: torch.Tensor) -> float:
        return torch.pdist(features.double()).mean().item()

    return [mean_distance(fake) / mean_distance(real) for _, real, fake in
            by_class(real_features, real_labels, fake_features, fake_labels, n_classes, "the spread ratio")]
