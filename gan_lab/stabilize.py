"""Stabilization tricks for GAN training, each switchable alone or together.

Design: there is one training step, :func:`gan_lab.train.update_D` then
:func:`gan_lab.train.update_G`, and no trick forks it. Each trick plugs in at one of four
places, whichever is its natural home:

================================  ====================================================
where                             tricks
================================  ====================================================
the loss's options and hooks      one-sided label smoothing (``label_smoothing``), the R1
(:mod:`gan_lab.losses`)           penalty (``r1_gamma``, through ``loss.penalty``), feature
                                  matching (``feature_matching``) and MSGAN's
                                  mode-seeking term (``mode_seeking``), both through
                                  ``loss.generator_penalty``
a wrapper or layer around D       spectral normalization, minibatch discrimination, the
(:func:`wrap_discriminator`)      minibatch-stddev layer, PacGAN packing, instance noise
the optimizers                    historical averaging (a penalty on the weights, so its
                                  gradient is added before each optimizer step, like
                                  weight decay), two learning rates (TTUR: ``lr_d``, ``lr_g``)
the Trainer's bookkeeping         an exponential moving average of G's weights (EMA), used
                                  for sampling and exported for evaluation
================================  ====================================================

``Trainer(G, D, data, loss, spectral_norm=True, minibatch="stddev", pack=2,
instance_noise=0.1, historical_averaging=1e-3, ema_decay=0.999, lr_d=4e-4, lr_g=1e-4,
r1_gamma=1.0, label_smoothing=0.1, feature_matching=1.0, mode_seeking=1.0)`` switches all of
them on at once;
the trainer saves every option and every piece of state (EMA weights, historical means,
the power-iteration vectors of spectral normalization) in its checkpoints, so a resumed run
continues exactly. Conditional discriminators are called ``D(x, y)``; the wrappers pass
``y`` through.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.optim import swa_utils

from . import validate

MINIBATCH_LAYERS = ("stddev", "discrimination")


def _call(model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
    return model(x) if y is None else model(x, y)


def features(D: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
    """D's last hidden features ``f(x)`` (B, F), from its ``features`` method (the course's
    discriminators and every wrapper here have one: everything but the final linear layer)."""
    if not hasattr(D, "features"):
        raise TypeError(f"{type(D).__name__} has no features(x) method; feature matching and the "
                        "minibatch layers need one (all layers but the last linear one).")
    return D.features(x) if y is None else D.features(x, y)


# -- loss terms ------------------------------------------------------------------------------
def r1_penalty(D: nn.Module, real: torch.Tensor, gamma: float,
               y: torch.Tensor | None = None) -> torch.Tensor:
    """R1 penalty ``γ/2 · E_x~p_data ‖∇_x D(x)‖²`` on real data (Mescheder, Geiger & Nowozin
    2018, "Which training methods for GANs do actually converge?", eq. 9).

    Convention: the factor is γ/2, as in the paper; StyleGAN2's ``r1_gamma`` also multiplies
    γ/2 (``loss_Dr1 = r1_penalty * (r1_gamma / 2)``). Some codebases write ``γ · ‖∇‖²``
    without the 1/2: their γ is half of ours. ``D`` is the raw logit (before any sigmoid);
    the norm runs over all non-batch dimensions; ``create_graph`` lets the penalty's gradient
    reach D's weights.
    """
    gamma = validate.nonnegative_number(gamma, "r1_gamma")
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(_call(D, x, y).sum(), x, create_graph=True)
    return 0.5 * gamma * grad.flatten(1).pow(2).sum(1).mean()


def feature_matching_loss(D: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                          y: torch.Tensor | None = None) -> torch.Tensor:
    """Feature matching ``‖E_x f(x) − E_z f(G(z))‖²₂`` (Salimans et al. 2016, "Improved
    techniques for training GANs", section 3.1), ``f`` = D's last hidden features, batch
    means for the expectations. G matches the statistics D looks at instead of fooling D's
    current output. (Salimans et al. use it in place of G's loss; ``feature_matching=λ``
    adds ``λ`` times it to G's loss.)"""
    with torch.no_grad():
        target = features(D, real, y).mean(0)
    return (features(D, fake, y).mean(0) - target).pow(2).sum()


# E|z_i - z_j| per coordinate for independent z_i, z_j ~ N(0, 1): z_i - z_j ~ N(0, 2), whose
# mean absolute value is sqrt(2) * sqrt(2 / π) = 2 / √π
MEAN_NOISE_DISTANCE = 2 / math.sqrt(math.pi)


def mode_seeking_loss(fake: torch.Tensor, y: torch.Tensor | None = None,
                      eps: float = 1e-5) -> torch.Tensor:
    """A mode-seeking term after MSGAN (Mao et al. 2019, "Mode seeking generative
    adversarial networks for diverse image synthesis"), ``1 / (d_I / d_z + ε)``, on the pairs
    of one batch: ``d_I`` is the mean L1 distance per pixel, ``mean |x̃_i − x̃_j|``, over the
    pairs ``i < j`` of fakes with the same class label (all pairs when ``y`` is None), and
    ``d_z`` the mean L1 distance per coordinate of their noise vectors, replaced by its
    expectation :data:`MEAN_NOISE_DISTANCE` ``= 2/√π`` for ``z ~ N(0, I)`` (this term sees
    images, not z). Added to G's loss, it rises towards ``1/ε`` as G maps different z of one
    class to the same image: the within-class collapse that D cannot see one example at a
    time. Zero when no two fakes share a label.

    The paper's eq. 3 maximizes the ratio ``d_I / d_z``; the reciprocal with ``ε`` is how the
    authors' code minimizes it. Their code draws a second batch of noise for each condition
    and divides by each pair's own noise distance; this version uses the same-label pairs
    already in the batch, at no extra generator pass (for 25 classes and batch 64, about 80
    pairs)."""
    flat = fake.flatten(1)
    distance = torch.cdist(flat, flat, p=1) / flat.shape[1]          # (B, B): mean |x̃_i − x̃_j|
    same = torch.ones_like(distance, dtype=torch.bool) if y is None else y[:, None] == y[None, :]
    pairs = torch.triu(same, diagonal=1)                              # i < j, same class
    if not pairs.any():
        return fake.new_zeros(())                                     # nothing to compare
    return 1 / (distance[pairs].mean() / MEAN_NOISE_DISTANCE + eps)


# -- layers and wrappers for D ---------------------------------------------------------------
def spectral_norm_all(D: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    """Spectral normalization (Miyato et al. 2018) on every ``Linear`` and ``Conv`` of ``D``,
    in place: ``W / σ(W)`` with σ(W) the largest singular value, estimated by one step of
    power iteration per forward pass in training mode
    (``torch.nn.utils.parametrizations.spectral_norm``). Each layer is then 1-Lipschitz."""
    targets = [m for m in D.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d))
               and not has_spectral_norm(m)]
    for m in targets:
        nn.utils.parametrizations.spectral_norm(m, n_power_iterations=n_power_iterations)
    return D


def has_spectral_norm(model: nn.Module) -> bool:
    return any(nn.utils.parametrize.is_parametrized(m) and any(
        "spectral" in type(p).__name__.lower() for ps in m.parametrizations.values() for p in ps)
        for m in model.modules())


class MinibatchStdDev(nn.Module):
    """Minibatch standard deviation (Karras et al. 2018, "Progressive growing of GANs",
    section 3): split the batch into groups of ``group_size``; in each group take the
    standard deviation of every feature over the group, ``s_j = sqrt(mean_g (h_gj − h̄_j)² + ε)``,
    average it over features, and append that one number to every member as an extra
    feature (an extra channel for images). A collapsed generator makes it near 0, so D can
    see the lack of variety. Members of a group are examples ``i, i + B/G, i + 2B/G, ...``
    as in the official code; ``B`` must be divisible by the group size.
    ``(B, F) -> (B, F + 1)``;  ``(B, C, H, W) -> (B, C + 1, H, W)``.
    """

    def __init__(self, group_size: int = 4, eps: float = 1e-8):
        super().__init__()
        self.group_size = validate.positive_int(group_size, "group_size")
        self.eps = validate.positive_number(eps, "eps")

    def out_features(self, n: int) -> int:
        return n + 1

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        B = len(h)
        g = min(self.group_size, B)
        if B % g:
            raise ValueError(f"MinibatchStdDev: batch {B} is not divisible by the group size {g}.")
        y = h.reshape(g, B // g, *h.shape[1:])                      # (G, B/G, ...)
        std = (y.var(0, unbiased=False) + self.eps).sqrt()          # (B/G, ...)
        stat = std.flatten(1).mean(1)                               # (B/G,)
        stat = stat.repeat(g)                                       # (B,): example i gets group i mod B/G
        shape = (B, 1, *h.shape[2:])
        return torch.cat([h, stat.view(B, *[1] * (h.ndim - 1)).expand(shape)], 1)

    def extra_repr(self) -> str:
        return f"group_size={self.group_size}"


class MinibatchDiscrimination(nn.Module):
    """Minibatch discrimination (Salimans et al. 2016, section 3.2). For features
    ``f(x_i) ∈ R^A`` and a learned tensor ``T ∈ R^{A×K×C}``: ``M_i = f(x_i) T ∈ R^{K×C}``,
    ``c_k(x_i, x_j) = exp(−‖M_{i,k} − M_{j,k}‖₁)``, ``o(x_i)_k = Σ_j c_k(x_i, x_j)`` (the sum
    includes ``j = i``, as in the paper), and the layer returns ``[f(x_i), o(x_i)]``:
    ``(B, A) -> (B, A + K)``. Samples that are too alike give large ``o``, which D can use.

    The cost is ``B² K C`` per pass, far above the rest of a small D; the default ``K = 16``,
    ``C = 4`` is sized for the course's small discriminators (Salimans et al.'s CIFAR-10 code
    used 100 kernels of 5)."""

    def __init__(self, in_features: int, n_kernels: int = 16, kernel_dim: int = 4):
        super().__init__()
        in_features, n_kernels, kernel_dim = validate.positive_ints(
            in_features=in_features, n_kernels=n_kernels, kernel_dim=kernel_dim)
        self.n_kernels, self.kernel_dim = n_kernels, kernel_dim
        self.T = nn.Parameter(torch.randn(in_features, n_kernels * kernel_dim) * 0.1)

    def out_features(self, n: int) -> int:
        return n + self.n_kernels

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        M = (h @ self.T).view(len(h), self.n_kernels, self.kernel_dim)         # (B, K, C)
        # Readable: l1 = (M[:, None] - M[None]).abs().sum(-1), shape (B, B, K).
        # Fast (2.4x with its backward on CPU, same numbers): one batched cdist per kernel.
        Mk = M.transpose(0, 1)                                                 # (K, B, C)
        l1 = torch.cdist(Mk, Mk, p=1)                                          # (K, B, B)
        return torch.cat([h, torch.exp(-l1).sum(2).T], 1)                      # (B, A + K)

    def extra_repr(self) -> str:
        return f"n_kernels={self.n_kernels}, kernel_dim={self.kernel_dim}"


def _last_linear(D: nn.Module) -> nn.Linear:
    linears = [m for m in D.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise TypeError(f"{type(D).__name__} has no final nn.Linear to read the feature size from.")
    return linears[-1]


class MinibatchHead(nn.Module):
    """``D`` with a minibatch layer before its last layer: ``score = w · layer(f(x)) + b``,
    ``f`` = ``D.features`` (D's own last linear layer is replaced by ``head``)."""

    def __init__(self, D: nn.Module, layer: nn.Module):
        super().__init__()
        n = _last_linear(D).in_features
        self.D, self.layer = D, layer
        self.head = nn.Linear(layer.out_features(n), 1)

    def features(self, x, y=None):
        return self.layer(features(self.D, x, y))

    def forward(self, x, y=None):
        return self.head(self.features(x, y)).squeeze(1)


class Packed(nn.Module):
    """PacGAN packing (Lin et al. 2018): D judges ``m`` samples at once. Consecutive groups of
    ``m`` examples are concatenated along the first non-batch axis (channels for images,
    features for vectors): ``(B, C, ...) -> (B/m, m·C, ...)``, one score per pack. Build the
    inner D for ``m`` times the channels (e.g. ``MLPDiscriminator(in_shape=(2 * m,))``).
    A pack of real samples and a pack of fakes never mix: ``B`` must be divisible by ``m``."""

    def __init__(self, D: nn.Module, m: int):
        super().__init__()
        self.D, self.m = D, validate.positive_int(m, "pack")

    def pack(self, x: torch.Tensor) -> torch.Tensor:
        if len(x) % self.m:
            raise ValueError(f"PacGAN: the batch of {len(x)} is not divisible by pack={self.m}.")
        return x.reshape(len(x) // self.m, self.m * x.shape[1], *x.shape[2:])

    def _no_labels(self, y):
        if y is not None:
            raise ValueError("PacGAN packing of a conditional discriminator is not supported.")

    def features(self, x, y=None):
        self._no_labels(y)
        return features(self.D, self.pack(x))

    def forward(self, x, y=None):
        self._no_labels(y)
        return self.D(self.pack(x))


class InstanceNoise(nn.Module):
    """Instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017): D sees
    ``x + σ(t) ε``, ``ε ~ N(0, I)``, for real and fake inputs alike, in training mode only,
    with ``σ(t) = σ₀ · max(0, 1 − t / T)`` annealed linearly to 0 over ``T = anneal_steps``
    generator steps. The noise makes the two distributions overlap, so D cannot separate
    them perfectly and G's gradient stays informative. The trainer sets ``t`` each step
    (:func:`set_step`); the noise draws from torch's global generator (saved in checkpoints)."""

    def __init__(self, D: nn.Module, sigma: float, anneal_steps: int = 10_000):
        super().__init__()
        sigma = validate.nonnegative_number(sigma, "instance_noise")
        anneal_steps = validate.positive_int(anneal_steps, "instance_noise_steps")
        self.D, self.sigma0, self.anneal_steps, self.step = D, sigma, anneal_steps, 0

    def sigma(self, step: int | None = None) -> float:
        t = self.step if step is None else step
        return self.sigma0 * max(0.0, 1.0 - t / self.anneal_steps)

    def noisy(self, x: torch.Tensor) -> torch.Tensor:
        s = self.sigma()
        return x + s * torch.randn_like(x) if self.training and s > 0 else x

    def features(self, x, y=None):
        return features(self.D, self.noisy(x), y)

    def forward(self, x, y=None):
        return _call(self.D, self.noisy(x), y)


def set_step(D: nn.Module, step: int) -> None:
    """Tell every step-dependent layer of ``D`` (instance noise) the current generator step."""
    for m in D.modules():
        if isinstance(m, InstanceNoise):
            m.step = step


def wrap_discriminator(D: nn.Module, *, spectral_norm: bool = False, minibatch: str | None = None,
                       pack: int = 1, instance_noise: float = 0.0,
                       instance_noise_steps: int = 10_000) -> nn.Module:
    """``D`` with the requested tricks, innermost first: spectral normalization (in place, on
    every Linear/Conv, including the minibatch head), a minibatch layer (``"stddev"`` or
    ``"discrimination"``) before the last layer, PacGAN packing, instance noise. With no
    trick it returns ``D`` itself."""
    if minibatch is not None:
        if minibatch not in MINIBATCH_LAYERS:
            raise ValueError(f"minibatch must be one of {MINIBATCH_LAYERS} or None, got {minibatch!r}.")
        n = _last_linear(D).in_features
        layer = MinibatchStdDev() if minibatch == "stddev" else MinibatchDiscrimination(n)
        D = MinibatchHead(D, layer)
    if spectral_norm:
        spectral_norm_all(D)
    if pack != 1:
        D = Packed(D, pack)
    if instance_noise:
        D = InstanceNoise(D, instance_noise, instance_noise_steps)
    return D


def independent_examples(D: nn.Module) -> bool:
    """True when D's score for one example depends on that example only and a forward pass
    changes no state: no batch norm, no minibatch layer, no spectral normalization (whose
    power iteration advances at each forward pass) and no instance noise (whose draws would
    differ). Only then may the trainer's fast path score real and fake in one pass."""
    stateful = (nn.modules.batchnorm._BatchNorm, MinibatchStdDev, MinibatchDiscrimination, InstanceNoise)
    return not any(isinstance(m, stateful) for m in D.modules()) and not has_spectral_norm(D)


# -- optimizer- and trainer-level tricks -----------------------------------------------------
class HistoricalAverage:
    """Historical averaging (Salimans et al. 2016, section 3.3): add
    ``λ ‖θ − θ̄‖²`` to the player's cost, ``θ̄ = (1/t) Σ_{i<t} θ_i`` the mean of its weights
    after every past optimizer step (``θ_0`` = the initial weights). Being a penalty on the
    weights alone, it is applied like weight decay: before each step of ``optimizer`` its
    gradient ``2λ (θ − θ̄)`` is added to every ``.grad``; after the step ``θ̄`` takes in the
    new weights. Its state (``θ̄``, ``t``) goes into checkpoints."""

    def __init__(self, optimizer: torch.optim.Optimizer, weight: float):
        self.weight = validate.nonnegative_number(weight, "historical_averaging")
        self.params = [p for group in optimizer.param_groups for p in group["params"]]
        self.mean = [p.detach().clone() for p in self.params]
        self.count = 1
        optimizer.register_step_pre_hook(self._add_gradient)
        optimizer.register_step_post_hook(self._update_mean)

    def penalty(self) -> torch.Tensor:
        """``λ ‖θ − θ̄‖²`` (for reporting and tests; training adds its gradient directly)."""
        return self.weight * sum((p - m).pow(2).sum() for p, m in zip(self.params, self.mean))

    @torch.no_grad()
    def _add_gradient(self, optimizer, args, kwargs):
        for p, m in zip(self.params, self.mean):
            if p.grad is not None:
                p.grad.add_(p - m, alpha=2 * self.weight)

    @torch.no_grad()
    def _update_mean(self, optimizer, args, kwargs):
        self.count += 1
        for p, m in zip(self.params, self.mean):
            m.add_((p - m) / self.count)

    def state_dict(self) -> dict:
        return {"mean": [m.clone() for m in self.mean], "count": self.count}

    def load_state_dict(self, state: dict) -> None:
        if len(state["mean"]) != len(self.mean):
            raise ValueError("historical average: the checkpoint has a different number of tensors.")
        for m, saved in zip(self.mean, state["mean"]):
            m.copy_(saved)
        self.count = int(state["count"])


def ema_model(G: nn.Module, decay: float) -> swa_utils.AveragedModel:
    """An exponential moving average of G's weights, ``θ_ema ← β θ_ema + (1 − β) θ``
    after every generator step (``torch.optim.swa_utils.AveragedModel`` with
    ``get_ema_multi_avg_fn(β)``; the first update copies θ). Buffers (batch-norm running
    statistics) are copied from G, not averaged, as StyleGAN2-ADA does (:func:`update_ema`).
    Sampling from the average gives smoother, usually better images (Yazıcı et al. 2019;
    Karras et al. 2018)."""
    if not 0 < decay < 1:
        raise ValueError(f"ema_decay must be in (0, 1), got {decay}.")
    return swa_utils.AveragedModel(G, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(decay),
                                   use_buffers=False)


@torch.no_grad()
def update_ema(ema: swa_utils.AveragedModel, G: nn.Module) -> None:
    """One EMA update of the weights, and a copy of G's buffers."""
    ema.update_parameters(G)
    for b_ema, b in zip(ema.module.buffers(), G.buffers()):
        b_ema.copy_(b)


def sigma_schedule(sigma0: float, anneal_steps: int, steps) -> list[float]:
    """``σ(t) = σ₀ max(0, 1 − t/T)`` for each ``t`` in ``steps`` (for plots)."""
    return [sigma0 * max(0.0, 1.0 - t / anneal_steps) for t in steps]

