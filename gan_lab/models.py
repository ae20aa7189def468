"""Generators and discriminators: an MLP pair (any data shape) and a DCGAN pair for 28x28.

Discriminators (critics) return one raw score per example, a *logit*; the losses in
:mod:`gan_lab.losses` apply the sigmoid inside their numerically stable formulas. Every
model stores the keyword arguments it was built with in ``.config``, so a checkpoint can
rebuild it with :func:`build`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .validate import batch_norm_batch, image_batch, latent_batch, positive_int, positive_ints
from .validate import sizes as check_sizes


def weight_dtype(model: nn.Module) -> torch.dtype:
    """The dtype of ``model``'s weights (inputs must match it)."""
    return next(model.parameters()).dtype


class Dropout(nn.Module):
    """Inverted dropout: ``y = x * m / (1 - p)`` with ``m_i ~ Bernoulli(1 - p)``, in training only.

    The same distribution as ``nn.Dropout``, so ``E[y] = x``. The mask is drawn as
    ``u >= p`` with ``u ~ U[0, 1)`` (``P(u >= p) = 1 - p``). On a CPU this layer takes
    less than half the time of ``nn.Dropout``, whose ``bernoulli_`` mask sampling took about
    a sixth of an MLP GAN's training step (``benchmarks/dropout_speed.py`` measures it).
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"Dropout probability must be in [0, 1), got {p}.")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        mask = torch.rand_like(x).ge_(self.p).div_(1 - self.p)         # m / (1 - p), m ~ Bernoulli(1 - p)
        return x * mask

    def extra_repr(self) -> str:
        return f"p={self.p}"


class MLPGenerator(nn.Module):
    """``z (B, latent_dim) -> x (B, *out_shape)`` through fully connected layers.

    The classic MNIST shape is 100 -> 256 -> 512 -> 784 with LeakyReLU(0.2) and a ``tanh``
    output (pixels live in [-1, 1]); for toy data use ``out_activation=None``.
    """

    def __init__(self, latent_dim: int = 100, hidden: tuple[int, ...] = (256, 512),
                 out_shape: tuple[int, ...] = (1, 28, 28), out_activation: str | None = "tanh"):
        super().__init__()
        latent_dim, hidden = positive_int(latent_dim, "latent_dim"), check_sizes(hidden, "hidden", True)
        out_shape = check_sizes(out_shape, "out_shape")
        self.config = dict(latent_dim=latent_dim, hidden=hidden, out_shape=out_shape,
                           out_activation=out_activation)
        self.latent_dim, self.out_shape = latent_dim, tuple(out_shape)
        sizes = (latent_dim, *hidden)
        layers: list[nn.Module] = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.LeakyReLU(0.2)]            # (B, a) -> (B, b)
        layers.append(nn.Linear(sizes[-1], math.prod(out_shape)))     # (B, h) -> (B, prod(out))
        if out_activation == "tanh":
            layers.append(nn.Tanh())
        elif out_activation is not None:
            raise ValueError(f"out_activation must be 'tanh' or None, got {out_activation!r}.")
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        latent_batch(z, self.latent_dim, "MLPGenerator", weight_dtype(self))
        return self.net(z).view(len(z), *self.out_shape)              # (B, *out_shape)


class MLPDiscriminator(nn.Module):
    """``x (B, *in_shape) -> logit (B,)``: flatten, LeakyReLU(0.2) hidden layers, one output.

    Dropout after each hidden layer (Goodfellow et al. used it too) keeps D from memorizing
    the training images and overpowering G; toy problems use ``dropout=0``.
    """

    def __init__(self, in_shape: tuple[int, ...] = (1, 28, 28), hidden: tuple[int, ...] = (512, 256),
                 dropout: float = 0.3):
        super().__init__()
        in_shape = check_sizes(in_shape, "in_shape")
        hidden = check_sizes(hidden, "hidden", True)
        self.config = dict(in_shape=in_shape, hidden=hidden, dropout=dropout)
        self.in_shape = tuple(in_shape)
        sizes = (math.prod(in_shape), *hidden)
        layers: list[nn.Module] = [nn.Flatten()]                      # (B, *in) -> (B, prod(in))
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.LeakyReLU(0.2)]            # (B, a) -> (B, b)
            if dropout:
                layers.append(Dropout(dropout))
        layers.append(nn.Linear(sizes[-1], 1))                        # (B, h) -> (B, 1)
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        image_batch(x, self.in_shape, "MLPDiscriminator", weight_dtype(self))
        return self.net(x).squeeze(1)                                 # (B,)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last hidden layer's output ``f(x)`` (B, hidden[-1]): every layer but the last
        (for feature matching and minibatch layers, :mod:`gan_lab.stabilize`)."""
        image_batch(x, self.in_shape, "MLPDiscriminator", weight_dtype(self))
        return self.net[:-1](x)


class DCGANGenerator(nn.Module):
    """DCGAN generator for 28x28 (Radford et al., 2016), ``z (B, latent_dim) -> x (B, C, 28, 28)``.

    Project and reshape to 7x7, then two stride-2 transposed convolutions double the size:
    ``out = (in - 1) * stride - 2 * padding + kernel = (7 - 1) * 2 - 2 + 4 = 14``, then 28.
    Batch norm and ReLU inside, ``tanh`` at the output, no pooling, no fully connected
    hidden layers.
    """

    def __init__(self, latent_dim: int = 100, width: int = 64, channels: int = 1):
        super().__init__()
        latent_dim, width, channels = positive_ints(latent_dim=latent_dim, width=width,
                                                    channels=channels)
        self.config = dict(latent_dim=latent_dim, width=width, channels=channels)
        self.latent_dim = latent_dim
        w = width
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 2 * w * 7 * 7, bias=False),          # (B, z) -> (B, 2w*49)
            nn.BatchNorm1d(2 * w * 7 * 7), nn.ReLU())
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False),          # (B, 2w, 7, 7) -> (B, w, 14, 14)
            nn.BatchNorm2d(w), nn.ReLU(),
            nn.ConvTranspose2d(w, channels, 4, 2, 1),                   # (B, w, 14, 14) -> (B, C, 28, 28)
            nn.Tanh())
        dcgan_init(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        latent_batch(z, self.latent_dim, "DCGANGenerator", weight_dtype(self))
        if self.training:
            batch_norm_batch(z, "DCGANGenerator")                       # batch norm over the batch
        h = self.project(z).view(len(z), -1, 7, 7)                      # (B, 2w, 7, 7)
        return self.net(h)


class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator for 28x28, ``x (B, C, 28, 28) -> logit (B,)``.

    Stride-2 convolutions instead of pooling, LeakyReLU(0.2), batch norm on the inner layer
    only (not on the input layer). ``batch_norm=False`` gives a critic for WGAN-GP, whose
    per-example gradient penalty is wrong under batch norm.
    """

    def __init__(self, width: int = 64, channels: int = 1, batch_norm: bool = True):
        super().__init__()
        width, channels = positive_ints(width=width, channels=channels)
        self.config = dict(width=width, channels=channels, batch_norm=batch_norm)
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(channels, w, 4, 2, 1),                            # (B, C, 28, 28) -> (B, w, 14, 14)
            nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1, bias=not batch_norm),          # -> (B, 2w, 7, 7)
            nn.BatchNorm2d(2 * w) if batch_norm else nn.Identity(),
            nn.LeakyReLU(0.2),
            nn.Flatten(),                                               # -> (B, 2w*49)
            nn.Linear(2 * w * 7 * 7, 1))                                # -> (B, 1)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        image_batch(x, (self.config["channels"], 28, 28), "DCGANDiscriminator", weight_dtype(self))
        return self.net(x).squeeze(1)                                   # (B,)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The flattened last convolutional features ``f(x)`` (B, 2w*49): every layer but the
        last (for feature matching and minibatch layers, :mod:`gan_lab.stabilize`)."""
        image_batch(x, (self.config["channels"], 28, 28), "DCGANDiscriminator", weight_dtype(self))
        return self.net[:-1](x)


def dcgan_init(model: nn.Module) -> None:
    """Weights from N(0, 0.02), batch-norm scales from N(1, 0.02), biases 0 (Radford et al.)."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class Classifier(nn.Module):
    """A small CNN for 28x28 grayscale digits or clothes: ``x (B, 1, 28, 28) -> logits (B, K)``.

    ``features(x)`` is the penultimate layer (B, feature_dim): the space in which the course
    measures FID, KID and precision/recall (see :mod:`gan_lab.metrics`), in place of an
    ImageNet Inception network that means little for 28x28 grayscale images.
    ``batch_norm=True`` normalizes after each convolution (what the shipped feature
    networks use: it reaches >= 99.2% on MNIST and >= 92% on Fashion-MNIST in a few epochs).
    """

    def __init__(self, n_classes: int = 10, width: int = 32, feature_dim: int = 128,
                 batch_norm: bool = False):
        super().__init__()
        n_classes = positive_int(n_classes, "n_classes", minimum=2)
        width, feature_dim = positive_ints(width=width, feature_dim=feature_dim)
        self.config = dict(n_classes=n_classes, width=width, feature_dim=feature_dim,
                           batch_norm=batch_norm)
        w = width

        def block(c_in: int, c_out: int) -> list[nn.Module]:      # (B, c_in, H, W) -> (B, c_out, H/2, W/2)
            norm = [nn.BatchNorm2d(c_out)] if batch_norm else []
            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm), *norm,
                    nn.ReLU(), nn.MaxPool2d(2)]

        self.body = nn.Sequential(
            *block(1, w),                                                      # (B, w, 14, 14)
            *block(w, 2 * w),                                                  # (B, 2w, 7, 7)
            nn.Flatten(),                                                      # (B, 2w*49)
            nn.Linear(2 * w * 49, feature_dim), nn.ReLU())                     # (B, feature_dim)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(feature_dim, n_classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        image_batch(x, (1, 28, 28), "Classifier", weight_dtype(self))
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))                                      # (B, K)


MODELS = {cls.__name__: cls for cls in
          (MLPGenerator, MLPDiscriminator, DCGANGenerator, DCGANDiscriminator, Classifier)}


def build(name: str, config: dict) -> nn.Module:
    """Rebuild a model from its class name and ``.config`` (as stored in checkpoints)."""
    if name not in MODELS:
        from . import conditional, selfcond  # noqa: F401  (register the conditional models)
    if name not in MODELS:
        raise ValueError(f"Unknown model {name!r}: choose one of {', '.join(MODELS)}.")
    return MODELS[name](**config)


def has_batch_norm(model: nn.Module) -> bool:
    """True when outputs depend on the other examples in the batch (batch norm in train mode)."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def toy_pair(dim: int = 1, latent_dim: int = 1, hidden: tuple[int, ...] = (32, 32)):
    """A small MLP generator (no output squashing) and discriminator (no dropout) for toy data."""
    return (MLPGenerator(latent_dim, hidden, (dim,), out_activation=None),
            MLPDiscriminator((dim,), hidden, dropout=0.0))
