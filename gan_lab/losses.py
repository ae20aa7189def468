"""The GAN objectives, one class each, selectable by name: ``get_loss("wgan-gp", lambda_gp=10)``.

Notation: ``r = D(x)`` on real data and ``f = D(G(z))`` on generated data are raw scores
(logits), ``σ`` is the sigmoid, and every expectation is a batch mean. Using
``log σ(t) = -softplus(-t)`` keeps the BCE losses finite for any logit (the usual
``Sigmoid`` + ``BCELoss`` pair is not). Each variant carries its own options: critic steps
per generator step (``d_steps``), the clip value or penalty weight, and the Adam settings
its paper recommends (``lr``, ``betas``), which the trainer uses unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class GANLoss:
    """Base class: subclasses give the two losses; ``d_steps`` critic steps per generator step."""

    name: ClassVar[str] = ""
    output: ClassVar[str] = "probability"  # D(x) is read as σ(logit); "score" for critics
    d_steps: int = 1
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)

    def __post_init__(self) -> None:
        if int(self.d_steps) != self.d_steps or self.d_steps < 1:
            raise ValueError(f"{self.name}: d_steps must be a positive integer, got {self.d_steps}.")
        if self.lr <= 0:
            raise ValueError(f"{self.name}: lr must be positive, got {self.lr}.")

    def discriminator_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor | None:
        """An extra term for the critic's loss (WGAN-GP); ``None`` for most variants."""
        return None

    def after_critic_step(self, critic: nn.Module) -> None:
        """Called after each critic update (weight clipping for WGAN)."""

    def readout(self, scores: torch.Tensor) -> torch.Tensor:
        """What to report as 'D(x)': the mean probability σ(r), or the mean critic score."""
        return torch.sigmoid(scores).mean() if self.output == "probability" else scores.mean()

    def options(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class MinimaxLoss(GANLoss):
    """Saturating BCE, the game as first written (Goodfellow et al., 2014).

    L_D = -E[log σ(r)] - E[log(1 - σ(f))] = E[softplus(-r)] + E[softplus(f)]
    L_G =  E[log(1 - σ(f))]                = -E[softplus(f)]

    Its gradient vanishes when D confidently rejects the fakes (σ(f) -> 0): the generator
    learns slowly exactly when it is worst.
    """

    name: ClassVar[str] = "minimax"

    def discriminator_loss(self, real, fake):
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def generator_loss(self, fake):
        return -F.softplus(fake).mean()


@dataclass
class NonSaturatingLoss(MinimaxLoss):
    """Non-saturating BCE, the practical choice (Goodfellow et al., 2014, section 3).

    L_D as in minimax;  L_G = -E[log σ(f)] = E[softplus(-f)]
    Same fixed point, strong gradients when the generator is bad.
    """

    name: ClassVar[str] = "non-saturating"

    def generator_loss(self, fake):
        return F.softplus(-fake).mean()


@dataclass
class LSGANLoss(GANLoss):
    """Least squares GAN (Mao et al., 2017) with targets a = 0 (fake), b = 1 (real), c = 1.

    L_D = E[(r - 1)^2] / 2 + E[f^2] / 2;   L_G = E[(f - 1)^2] / 2
    With these targets (b - c = 1, b - a = 2 in the paper's general form), minimizing it is
    minimizing a Pearson χ² divergence. D's output is a raw score, not a probability.
    """

    name: ClassVar[str] = "lsgan"
    output: ClassVar[str] = "score"

    def discriminator_loss(self, real, fake):
        return 0.5 * (real - 1).pow(2).mean() + 0.5 * fake.pow(2).mean()

    def generator_loss(self, fake):
        return 0.5 * (fake - 1).pow(2).mean()


@dataclass
class _WassersteinLoss(GANLoss):
    """L_critic = E[f] - E[r];  L_G = -E[f]. The critic maximizes E[r] - E[f], which for a
    1-Lipschitz critic is the Kantorovich-Rubinstein dual of W1(p_data, p_g)."""

    output: ClassVar[str] = "score"
    d_steps: int = 5

    def discriminator_loss(self, real, fake):
        return fake.mean() - real.mean()

    def generator_loss(self, fake):
        return -fake.mean()


@dataclass
class WGANLoss(_WassersteinLoss):
    """Wasserstein GAN with weight clipping (Arjovsky et al., 2017).

    L_critic = E[f] - E[r];   L_G = -E[f]
    After each critic step every weight is clipped to [-clip, clip], a crude way to keep the
    critic K-Lipschitz. Paper: 5 critic steps, RMSProp(5e-5); Adam with β1 = 0 is RMSProp
    with bias correction.
    """

    name: ClassVar[str] = "wgan"
    clip: float = 0.01
    lr: float = 5e-5
    betas: tuple[float, float] = (0.0, 0.999)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.clip <= 0:
            raise ValueError(f"wgan: clip must be positive, got {self.clip}.")

    @torch.no_grad()
    def after_critic_step(self, critic):
        for p in critic.parameters():
            p.clamp_(-self.clip, self.clip)


def interpolate(real: torch.Tensor, fake: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """``x̂ = ε x + (1 - ε) x̃`` with one ``ε ~ U[0, 1]`` per example (not per pixel)."""
    eps = torch.rand(len(real), *[1] * (real.ndim - 1), generator=generator,
                     dtype=real.dtype).to(real.device)                 # (B, 1, 1, 1)
    return eps * real + (1 - eps) * fake


def interpolate_gradient_norms(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                               generator: torch.Generator | None = None,
                               create_graph: bool = False) -> torch.Tensor:
    """``‖∇_x̂ D(x̂)‖₂`` per example at random interpolates ``x̂``, norm over all non-batch dims."""
    x_hat = interpolate(real.detach(), fake.detach(), generator).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=create_graph)
    return grad.flatten(1).norm(2, dim=1)                               # (B,)


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """``E[(‖∇_x̂ D(x̂)‖₂ - 1)²]`` at random interpolates ``x̂`` (Gulrajani et al., 2017).

    ``create_graph=True`` lets the penalty's own gradient reach the critic's weights.
    """
    norms = interpolate_gradient_norms(critic, real, fake, generator, create_graph=True)
    return (norms - 1).pow(2).mean()


@dataclass
class WGANGPLoss(_WassersteinLoss):
    """WGAN with gradient penalty (Gulrajani et al., 2017).

    L_critic = E[f] - E[r] + λ E[(‖∇D(x̂)‖₂ - 1)²];   L_G = -E[f]
    Paper defaults: λ = 10, 5 critic steps, Adam(1e-4, β = (0, 0.9)). Use a critic without
    batch norm: the penalty is per example.
    """

    name: ClassVar[str] = "wgan-gp"
    lambda_gp: float = 10.0
    lr: float = 1e-4
    betas: tuple[float, float] = (0.0, 0.9)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lambda_gp < 0:
            raise ValueError(f"wgan-gp: lambda_gp must be >= 0, got {self.lambda_gp}.")

    def penalty(self, critic, real, fake, generator=None):
        return self.lambda_gp * gradient_penalty(critic, real, fake, generator)


@dataclass
class HingeLoss(GANLoss):
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018; used by SAGAN and BigGAN).

    L_D = E[max(0, 1 - r)] + E[max(0, 1 + f)];   L_G = -E[f]
    The critic stops pushing once a real scores above 1 and a fake below -1.
    """

    name: ClassVar[str] = "hinge"
    output: ClassVar[str] = "score"

    def discriminator_loss(self, real, fake):
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()

    def generator_loss(self, fake):
        return -fake.mean()


LOSSES: dict[str, type[GANLoss]] = {cls.name: cls for cls in (
    MinimaxLoss, NonSaturatingLoss, LSGANLoss, WGANLoss, WGANGPLoss, HingeLoss)}


def get_loss(loss: str | GANLoss, **options) -> GANLoss:
    """A loss by name (``minimax``, ``non-saturating``, ``lsgan``, ``wgan``, ``wgan-gp``,
    ``hinge``) with its options, or a ready ``GANLoss`` passed through."""
    if isinstance(loss, GANLoss):
        if options:
            raise ValueError("Pass options with a loss name, not with a ready loss object.")
        return loss
    key = str(loss).strip().lower().replace("_", "-")
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}: choose one of {', '.join(LOSSES)}.")
    cls = LOSSES[key]
    allowed = [f.name for f in fields(cls)]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(f"{key}: unknown option(s) {', '.join(unknown)}; "
                         f"its options are {', '.join(allowed)}.")
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    return cls(**options)
