"""The GAN objectives, one class each, selectable by name: ``get_loss("wgan-gp", lambda_gp=10)``.

Notation: ``r = D(x)`` on real data and ``f = D(G(z))`` on generated data are raw scores
(logits), ``σ`` is the sigmoid, and every expectation is a batch mean. Using
``log σ(t) = -softplus(-t)`` keeps the BCE losses finite for any logit (the usual
``Sigmoid`` + ``BCELoss`` pair is not). A loss object holds only the math: its options
are mathematical (the clip value, a penalty weight, LSGAN's targets, label smoothing). The
optimizer settings each paper recommends (learning rate, Adam's betas, critic steps per
generator step) live in one table, :data:`gan_lab.train.RECOMMENDED`.

Hooks that the training step (:func:`gan_lab.train.update_D`, :func:`~gan_lab.train.update_G`)
calls on every loss, so that a stabilization trick never forks the loop:

* ``penalty(D, real, fake, rng, y)``: an extra term of D's loss (WGAN-GP's gradient penalty,
  the R1 penalty ``r1_gamma``), ``None`` when there is none;
* ``generator_penalty(D, real, fake, y)``: an extra term of G's loss (feature matching, the
  mode-seeking term);
* ``after_critic_step(D)``: after each D update (WGAN's weight clipping).

``D`` is called ``D(x)``, or ``D(x, y)`` for a conditional model given labels ``y``.
Random-number generators are called ``rng``; ``generator`` always means G.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from . import stabilize, validate


# Options that are weights (0 = off), checked ≥ 0 for every loss; every option is finite.
NONNEGATIVE = ("r1_gamma", "feature_matching", "mode_seeking", "label_smoothing", "lambda_gp")


def discriminate(D: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
    """``D(x)``, or ``D(x, y)`` for a conditional discriminator given class labels ``y``."""
    return D(x) if y is None else D(x, y)


def _plus(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    return b if a is None else a if b is None else a + b


@dataclass
class GANLoss:
    """Base class: subclasses give the two losses. Options every loss has:

    * ``r1_gamma`` (γ): add the R1 penalty γ/2 · E_x~p_data ‖∇_x D(x)‖² to D's loss
      (Mescheder et al. 2018; see :func:`gan_lab.stabilize.r1_penalty`); 0 = off.
    * ``feature_matching`` (λ): add λ · ‖E_x f(x) − E_z f(G(z))‖² to G's loss, ``f`` being
      D's last hidden features (Salimans et al. 2016; see
      :func:`gan_lab.stabilize.feature_matching_loss`); 0 = off.
    * ``mode_seeking`` (λ): add λ / (d_I / d_z + ε) to G's loss, ``d_I`` the mean L1 distance
      per pixel between fakes of the same class in the batch (all pairs without labels) and
      ``d_z = 2/√π`` the expected noise distance per coordinate (Mao et al. 2019; see
      :func:`gan_lab.stabilize.mode_seeking_loss`); 0 = off.
    """

    name: ClassVar[str] = ""
    output: ClassVar[str] = "probability"  # D(x) is read as σ(logit); "score" for critics
    r1_gamma: float = 0.0
    feature_matching: float = 0.0
    mode_seeking: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):  # every option is a finite number; weights are also ≥ 0
            check = validate.nonnegative_number if f.name in NONNEGATIVE else validate.finite_number
            setattr(self, f.name, check(getattr(self, f.name), f"{self.name}: {f.name}"))

    def discriminator_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def penalty(self, D: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                rng: torch.Generator | None = None, y: torch.Tensor | None = None) -> torch.Tensor | None:
        """Extra terms of D's loss: the R1 penalty when ``r1_gamma > 0`` (WGAN-GP adds its
        gradient penalty); ``None`` when there is none."""
        if self.r1_gamma:
            return stabilize.r1_penalty(D, real, self.r1_gamma, y)
        return None

    def generator_penalty(self, D: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                          y: torch.Tensor | None = None) -> torch.Tensor | None:
        """Extra terms of G's loss: feature matching when ``feature_matching > 0``, the
        mode-seeking term when ``mode_seeking > 0``; ``None`` when neither."""
        extra = None
        if self.feature_matching:
            extra = self.feature_matching * stabilize.feature_matching_loss(D, real, fake, y)
        if self.mode_seeking:
            extra = _plus(extra, self.mode_seeking * stabilize.mode_seeking_loss(fake, y))
        return extra

    def after_critic_step(self, D: nn.Module) -> None:
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

    ``label_smoothing`` α (one-sided label smoothing, Salimans et al. 2016, section 3.4):
    the real target becomes 1 - α, fakes keep target 0:
    L_D = -E[(1 - α) log σ(r) + α log(1 - σ(r))] - E[log(1 - σ(f))]
        =  E[(1 - α) softplus(-r) + α softplus(r)] + E[softplus(f)].
    Smoothing the fake target too would move D*'s fixed point towards p_g (hence one-sided).
    """

    name: ClassVar[str] = "minimax"
    label_smoothing: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.label_smoothing < 0.5:
            raise ValueError(f"{self.name}: label_smoothing must be in [0, 0.5), got {self.label_smoothing}.")

    def discriminator_loss(self, real, fake):
        a = self.label_smoothing
        real_term = F.softplus(-real) if a == 0 else (1 - a) * F.softplus(-real) + a * F.softplus(real)
        return real_term.mean() + F.softplus(fake).mean()

    def generator_loss(self, fake):
        return -F.softplus(fake).mean()


@dataclass
class NonSaturatingLoss(MinimaxLoss):
    """Non-saturating BCE, the practical choice (Goodfellow et al., 2014, section 3).

    L_D as in minimax;  L_G = -E[log σ(f)] = E[softplus(-f)]
    Same fixed point p_g = p_data, but not the same divergence. With D at its optimum
    D* = p_data / (p_data + p_g) for the current G, the expected gradient of this L_G is the
    gradient of KL(p_g ‖ p_data) - 2 JSD(p_data, p_g) (Arjovsky & Bottou 2017, Theorem 2.5),
    where minimax's L_G follows the gradient of 2 JSD(p_data, p_g). The reverse KL punishes
    fakes where there is no data far more than data where there are no fakes (missing
    modes), and the -2 JSD term even pushes away from p_data. ``tests/test_losses.py``
    checks the gradient identity by quadrature on two Gaussians.
    """

    name: ClassVar[str] = "non-saturating"

    def generator_loss(self, fake):
        return F.softplus(-fake).mean()


@dataclass
class LSGANLoss(GANLoss):
    """Least squares GAN (Mao et al., 2017) with targets a (fake), b (real), c (G's target).

    L_D = E[(r - b)^2] / 2 + E[(f - a)^2] / 2;   L_G = E[(f - c)^2] / 2
    D's output is a raw score, not a probability. The default coding is a, b, c = 0, 1, 1.

    What G minimizes: the optimal D is D*(x) = (b p_d + a p_g) / (p_d + p_g). Adding to L_G
    the term E_{p_d}[(D - c)^2] / 2, which does not depend on G (Mao et al. do the same),
    G's objective at D* is

        C = 1/2 ∫ ((b - c) p_d + (a - c) p_g)^2 / (p_d + p_g) dx.

    * a, b, c = -1, 1, 0 (b - c = 1, b - a = 2, Mao et al.'s condition):
      C = 1/2 ∫ (p_d - p_g)^2 / (p_d + p_g) = Δ / 2, with
      Δ = ∫ (p_d - p_g)^2 / (p_d + p_g) = χ²_Pearson(p_d + p_g ‖ 2 p_g).
    * a, b, c = 0, 1, 1 (the default; b - c = 0, b - a = 1, so the condition fails):
      C = 1/2 ∫ p_g^2 / (p_d + p_g) = Δ / 8 + 1/4 (write p_g = (s - u)/2 with s = p_d + p_g,
      u = p_d - p_g: p_g^2 / s = (s - 2u + u^2/s)/4, and ∫ u = 0, ∫ s = 2).
      Not a χ² divergence, but an increasing affine function of the same Δ, so it is still
      minimized exactly at p_g = p_d (C = 1/4 there).
    ``tests/test_losses.py`` checks both by quadrature on two Gaussians.
    """

    name: ClassVar[str] = "lsgan"
    output: ClassVar[str] = "score"
    a: float = 0.0
    b: float = 1.0
    c: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.a == self.b:
            raise ValueError(f"lsgan: the fake target a and the real target b must differ, both are {self.a}.")

    def discriminator_loss(self, real, fake):
        return 0.5 * (real - self.b).pow(2).mean() + 0.5 * (fake - self.a).pow(2).mean()

    def generator_loss(self, fake):
        return 0.5 * (fake - self.c).pow(2).mean()


@dataclass
class _WassersteinLoss(GANLoss):
    """L_critic = E[f] - E[r];  L_G = -E[f]. The critic maximizes E[r] - E[f], which for a
    1-Lipschitz critic is the Kantorovich-Rubinstein dual of W1(p_data, p_g)."""

    output: ClassVar[str] = "score"

    def discriminator_loss(self, real, fake):
        return fake.mean() - real.mean()

    def generator_loss(self, fake):
        return -fake.mean()


@dataclass
class WGANLoss(_WassersteinLoss):
    """Wasserstein GAN with weight clipping (Arjovsky et al., 2017).

    L_critic = E[f] - E[r];   L_G = -E[f]
    After each critic step every weight is clipped to [-clip, clip], a crude way to keep the
    critic K-Lipschitz. (Paper: 5 critic steps, RMSProp(5e-5); see ``train.RECOMMENDED``.)
    """

    name: ClassVar[str] = "wgan"
    clip: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.clip <= 0:
            raise ValueError(f"wgan: clip must be positive, got {self.clip}.")

    @torch.no_grad()
    def after_critic_step(self, D):
        for p in D.parameters():
            p.clamp_(-self.clip, self.clip)


def interpolate(real: torch.Tensor, fake: torch.Tensor,
                rng: torch.Generator | None = None) -> torch.Tensor:
    """``x̂ = ε x + (1 - ε) x̃`` with one ``ε ~ U[0, 1]`` per example (not per pixel)."""
    validate.real_fake(real, fake)
    if len(real) != len(fake):
        raise ValueError(f"Interpolates pair each real example with one fake: got {len(real)} "
                         f"real and {len(fake)} fake examples; use batches of one size.")
    eps = torch.rand(len(real), *[1] * (real.ndim - 1), generator=rng,
                     dtype=real.dtype).to(real.device)                 # (B, 1, 1, 1)
    return eps * real + (1 - eps) * fake


def interpolate_gradient_norms(D: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                               rng: torch.Generator | None = None, create_graph: bool = False,
                               y: torch.Tensor | None = None) -> torch.Tensor:
    """``‖∇_x̂ D(x̂)‖₂`` per example at random interpolates ``x̂``, norm over all non-batch dims."""
    x_hat = interpolate(real.detach(), fake.detach(), rng).requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminate(D, x_hat, y).sum(), x_hat, create_graph=create_graph)
    return grad.flatten(1).norm(2, dim=1)                               # (B,)


def gradient_penalty(D: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     rng: torch.Generator | None = None, y: torch.Tensor | None = None) -> torch.Tensor:
    """``E[(‖∇_x̂ D(x̂)‖₂ - 1)²]`` at random interpolates ``x̂`` (Gulrajani et al., 2017).

    ``create_graph=True`` lets the penalty's own gradient reach the critic's weights.
    """
    norms = interpolate_gradient_norms(D, real, fake, rng, create_graph=True, y=y)
    return (norms - 1).pow(2).mean()


@dataclass
class WGANGPLoss(_WassersteinLoss):
    """WGAN with gradient penalty (Gulrajani et al., 2017).

    L_critic = E[f] - E[r] + λ E[(‖∇D(x̂)‖₂ - 1)²];   L_G = -E[f]
    Paper: λ = 10 (5 critic steps, Adam(1e-4, β = (0, 0.9)): see ``train.RECOMMENDED``).
    Use a critic without batch norm: the penalty is per example.
    """

    name: ClassVar[str] = "wgan-gp"
    lambda_gp: float = 10.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lambda_gp < 0:
            raise ValueError(f"wgan-gp: lambda_gp must be >= 0, got {self.lambda_gp}.")

    def penalty(self, D, real, fake, rng=None, y=None):
        return _plus(self.lambda_gp * gradient_penalty(D, real, fake, rng, y),
                     super().penalty(D, real, fake, rng, y))


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


def loss_key(loss: str | GANLoss) -> str:
    """The registry name of a loss (``"WGAN_GP"`` -> ``"wgan-gp"``)."""
    if isinstance(loss, GANLoss):
        return loss.name
    return str(loss).strip().lower().replace("_", "-")


def get_loss(loss: str | GANLoss, **options) -> GANLoss:
    """A loss by name (``minimax``, ``non-saturating``, ``lsgan``, ``wgan``, ``wgan-gp``,
    ``hinge``) with its options, or a ready ``GANLoss`` passed through."""
    if isinstance(loss, GANLoss):
        if options:
            raise ValueError("Pass options with a loss name, not with a ready loss object.")
        return loss
    key = loss_key(loss)
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}: choose one of {', '.join(LOSSES)}.")
    cls = LOSSES[key]
    allowed = [f.name for f in fields(cls)]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        hint = (" (learning rates, betas and d_steps are Trainer options; see "
                "gan_lab.train.RECOMMENDED)" if set(unknown) & {"lr", "betas", "d_steps"} else "")
        raise ValueError(f"{key}: unknown option(s) {', '.join(unknown)}; "
                         f"its options are {', '.join(allowed)}{hint}.")
    return cls(**options)
