"""One training loop for every GAN in the course.

The whole of GAN training is two functions, :func:`update_D` and :func:`update_G`. Each
generator step is ``d_steps`` discriminator (critic) steps followed by one generator step,
the last critic step and the generator step sharing the same noise ``z``:

    for k in 1..d_steps:   x ~ data, z ~ N(0, I)
                           update_D:  θ_D ← Adam step on ∇ [L_D(D(x), D(G(z))) + penalty]
    same x, z as the last: update_G:  θ_G ← Adam step on ∇ L_G(D(G(z)))   (D already updated)

:class:`Trainer` adds only bookkeeping around them: when to stop, the history of losses,
snapshots, checkpoints, the progress line. ``Trainer(fast=False)`` calls exactly
:func:`update_D` and :func:`update_G`; ``fast=True`` (the default) runs
:meth:`Trainer._fast_step`, the same math with fewer passes (see there). Optimizer settings
recommended for each loss live in one table, :data:`RECOMMENDED`.

Noise comes from the trainer's own seeded random-number generator ``rng``, data from the
source's ``batch(step)``, dropout (and instance noise) from torch's global random-number
generator; a checkpoint holds all three, so a run saved and resumed continues exactly as if it had never stopped
(on CPU, bit for bit).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from . import checkpoint, stabilize, validate
from .config import pick_device
from .losses import GANLoss, get_loss, loss_key

HISTORY_KEYS = ("step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                "seconds")

# Adam settings and critic steps per generator step, as each loss's paper recommends.
RECOMMENDED: dict[str, dict] = {
    "minimax":        dict(lr=2e-4, betas=(0.5, 0.999), d_steps=1),  # DCGAN (Radford et al. 2016)
    "non-saturating": dict(lr=2e-4, betas=(0.5, 0.999), d_steps=1),  # DCGAN (Radford et al. 2016)
    "lsgan":          dict(lr=2e-4, betas=(0.5, 0.999), d_steps=1),  # DCGAN's settings
    "hinge":          dict(lr=2e-4, betas=(0.5, 0.999), d_steps=1),  # DCGAN's settings
    "wgan":           dict(lr=5e-5, betas=(0.0, 0.999), d_steps=5),  # Arjovsky et al.: RMSProp(5e-5) ≈ Adam β1 = 0
    "wgan-gp":        dict(lr=1e-4, betas=(0.0, 0.9), d_steps=5),    # Gulrajani et al. 2017
}


def recommended(loss: str | GANLoss) -> dict:
    """``RECOMMENDED`` settings for ``loss`` (a name or a loss object); DCGAN's for others."""
    return dict(RECOMMENDED.get(loss_key(loss), RECOMMENDED["non-saturating"]))


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stopped."""


def check_finite(loss: torch.Tensor, who: str, step: int) -> None:
    """Stop before a NaN or infinite loss can reach the weights."""
    if not torch.isfinite(loss):
        raise NonFiniteLossError(
            f"The {who} loss became {loss.item()} at step {step}; training stopped and the "
            "models keep their last finite weights. Lower the learning rate, check the data "
            "range ([-1, 1]), or try another loss.")


def with_labels(model: nn.Module, y: torch.Tensor | None):
    """``model`` itself, or ``v -> model(v, y)`` for a conditional model given labels ``y``."""
    return model if y is None else (lambda v: model(v, y))


# ===========================================================================================
# The training step. Written for reading: one pass per call, nothing hidden.
# ===========================================================================================
def update_D(x, z, D, G, loss, opt_D, *, y=None, step=0, rng=None):
    """One discriminator (critic) update on real ``x`` and fakes ``G(z)``. Returns
    ``(loss_D, D(x), D(G(z)))``, all detached. ``y``: class labels for a conditional GAN
    (the fakes get the real batch's labels); ``rng`` feeds penalties that draw (WGAN-GP)."""
    D_, G_ = with_labels(D, y), with_labels(G, y)
    # ---- Update D: minimize L_D(D(x), D(G(z))) + penalty --------------------------------
    #      (non-saturating / minimax: maximize log D(x) + log(1 - D(G(z))))
    with torch.no_grad():
        fake = G_(z)                                     # x̃ = G(z); no gradient flows into G
    validate.real_fake(x, fake)                          # a clear error, not a matmul's
    real_scores, fake_scores = D_(x), D_(fake)           # logits (or critic scores)
    loss_D = loss.discriminator_loss(real_scores, fake_scores)
    penalty = loss.penalty(D, x, fake, rng, y)           # WGAN-GP, R1; None for most losses
    if penalty is not None:
        loss_D = loss_D + penalty
    check_finite(loss_D, "discriminator", step)          # no NaN may reach the weights
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()
    loss.after_critic_step(D)                            # WGAN: clip the weights
    return loss_D.detach(), real_scores.detach(), fake_scores.detach()


def update_G(x, z, D, G, loss, opt_G, *, y=None, step=0):
    """One generator update through the (just updated) D, on the same ``z`` as D's last step.
    ``x`` is the real batch, for losses that compare with it (feature matching). Returns
    ``loss_G``, detached."""
    D_, G_ = with_labels(D, y), with_labels(G, y)
    # ---- Update G: minimize L_G(D(G(z))) + penalty -------------------------------------
    #      (non-saturating: maximize log D(G(z)); minimax: minimize log(1 - D(G(z))))
    fake = G_(z)                                         # this time with G's graph
    loss_G = loss.generator_loss(D_(fake))
    penalty = loss.generator_penalty(D, x, fake, y)      # feature matching; None for most
    if penalty is not None:
        loss_G = loss_G + penalty
    check_finite(loss_G, "generator", step)
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()                                    # (fills D's .grad too; update_D clears it)
    opt_G.step()
    return loss_G.detach()


def grad_norm(model: nn.Module) -> float:
    """‖∇θ‖₂ = sqrt(Σ_p ⟨∇p, ∇p⟩) over all of ``model``'s parameters (0 when none has a gradient)."""
    grads = [p.grad.detach().reshape(-1) for p in model.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return torch.stack([torch.dot(g, g) for g in grads]).sum().sqrt().item()


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, classic, Colab), as ``tqdm.auto`` decides."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class Progress:
    """A live progress line that leaves only a one-line summary behind.

    In a terminal: a ``tqdm`` bar (``leave=False``), then the summary printed. In Jupyter:
    one text output updated in place (``display(..., display_id=True)``) with tqdm's own bar
    text, replaced by the summary at the end, so a saved notebook shows the summary, never
    a widget's frozen "0/20000" (a tqdm widget saves its first text in the notebook file).
    """

    def __init__(self, total: int | None, desc: str, enabled: bool = True, every: float = 0.5):
        self.total, self.desc, self.enabled, self.every = total, desc, enabled, every
        self.n, self.postfix, self.start, self.shown = 0, "", time.perf_counter(), 0.0
        self.bar = self.handle = None
        if not enabled:
            return
        if _in_notebook():
            from IPython.display import Pretty, display
            self.handle = display(Pretty(self._text()), display_id=True)
        else:
            self.bar = tqdm(total=total, desc=desc, unit="step", leave=False, mininterval=every)

    def _text(self) -> str:
        return tqdm.format_meter(self.n, self.total, time.perf_counter() - self.start, ncols=80,
                                 prefix=self.desc, unit="step", postfix=self.postfix or None)

    def update(self, postfix: str | None = None) -> None:
        self.n += 1
        if postfix is not None:
            self.postfix = postfix
        if self.bar is not None:
            self.bar.update(1)
            if postfix is not None:
                self.bar.set_postfix_str(postfix, refresh=False)
        elif self.handle is not None and time.perf_counter() - self.shown >= self.every:
            from IPython.display import Pretty
            self.shown = time.perf_counter()
            self.handle.update(Pretty(self._text()))

    def close(self, summary: str | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.handle is not None:
            from IPython.display import Pretty
            self.handle.update(Pretty(summary or ""))
        elif self.enabled and summary:
            print(summary)


def _optimizer_settings(rec: dict, d_steps, lr, lr_d, lr_g, betas) -> tuple:
    """``d_steps, lr_d, lr_g, betas`` checked, each defaulting to the recommended ``rec``
    (``lr_d`` and ``lr_g`` to ``lr`` first). ``None`` means "not given": an ``lr`` of 0 is
    refused, not replaced by the default."""
    d_steps = validate.positive_int(rec["d_steps"] if d_steps is None else d_steps, "d_steps")
    lr = validate.positive_number(rec["lr"] if lr is None else lr, "lr")
    lr_d = lr if lr_d is None else validate.positive_number(lr_d, "lr_d")
    lr_g = lr if lr_g is None else validate.positive_number(lr_g, "lr_g")
    return d_steps, lr_d, lr_g, _betas(rec["betas"] if betas is None else betas)


def _betas(betas) -> tuple[float, float]:
    """Adam's ``(β1, β2)``: two numbers in ``[0, 1)``."""
    try:
        b1, b2 = (float(b) for b in betas)
    except (TypeError, ValueError):
        raise ValueError(f"betas must be two numbers (β1, β2) in [0, 1), got {betas!r}.") from None
    if not (0 <= b1 < 1 and 0 <= b2 < 1):
        raise ValueError(f"betas must be two numbers (β1, β2) in [0, 1), got {betas!r}; "
                         "DCGAN uses (0.5, 0.999).")
    return b1, b2


def _split(batch):
    """``(x, y)`` from a data source's batch: a Tensor (no labels) or an ``(x, y)`` pair."""
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch, None)


D_TRICKS = ("spectral_norm", "minibatch", "pack", "instance_noise", "instance_noise_steps")


class Trainer:
    """Trains ``generator`` (G) against ``discriminator`` (D) on ``data`` with a loss from
    :mod:`gan_lab.losses` (extra keyword arguments are the loss's options).

    ``data`` has ``batch(step)``, returning images or an ``(images, labels)`` pair, and
    ``batches_per_epoch``: e.g. :class:`gan_lab.data.BatchSource` or
    :class:`gan_lab.toy.SampleSource`. With labels, G and D are called ``G(z, y)`` and
    ``D(x, y)``.

    Optimizer: Adam with ``lr`` (or ``lr_d`` and ``lr_g`` apart: TTUR, Heusel et al. 2017),
    ``betas`` and ``d_steps`` critic steps per generator step, all defaulting to
    :data:`RECOMMENDED` for the loss. ``fast``: see the module docstring.

    Stabilization (see :mod:`gan_lab.stabilize`): ``ema_decay`` (an EMA of G's weights, used
    by :meth:`sample` and snapshots, exported by :meth:`ema_generator`),
    ``historical_averaging`` (λ, both players), and D's wrappers ``spectral_norm``,
    ``minibatch`` (``"stddev"`` / ``"discrimination"``), ``pack`` (PacGAN's m; build D for m
    times the channels), ``instance_noise`` (σ₀) annealed over ``instance_noise_steps``.
    The loss options ``label_smoothing``, ``r1_gamma``, ``feature_matching`` and
    ``mode_seeking`` complete it.

    ``history`` holds one entry per generator step for each of :data:`HISTORY_KEYS`;
    ``snapshots`` holds ``(step, samples of the fixed noise)``.
    """

    def __init__(self, generator: nn.Module, discriminator: nn.Module, data,
                 loss: str | GANLoss = "non-saturating", *, lr: float | None = None,
                 lr_d: float | None = None, lr_g: float | None = None,
                 betas: tuple[float, float] | None = None, d_steps: int | None = None,
                 fast: bool = True, seed: int = 0, n_fixed: int = 64,
                 device: torch.device | str | None = None, ema_decay: float | None = None,
                 historical_averaging: float = 0.0, spectral_norm: bool = False,
                 minibatch: str | None = None, pack: int = 1, instance_noise: float = 0.0,
                 instance_noise_steps: int = 10_000, **loss_options) -> None:
        self.loss = get_loss(loss, **loss_options)
        validate.generator(generator, where="Trainer")
        validate.data_source(data)
        self.d_steps, self.lr_d, self.lr_g, self.betas = _optimizer_settings(
            recommended(self.loss), d_steps, lr, lr_d, lr_g, betas)
        self.fast = bool(fast)
        seed, n_fixed = validate.seed(seed), validate.positive_int(n_fixed, "n_fixed")
        self.device = pick_device(device) if device is not None else next(
            generator.parameters()).device
        self.generator = generator.to(self.device).train()
        self.latent_dim = generator.latent_dim
        self.n_classes = getattr(generator, "n_classes", None)
        # D's tricks wrap the bare D; checkpoints store the bare D's class and config
        self.d_tricks = dict(spectral_norm=bool(spectral_norm), minibatch=minibatch,
                             pack=validate.positive_int(pack, "pack"),
                             instance_noise=validate.nonnegative_number(instance_noise,
                                                                        "instance_noise"),
                             instance_noise_steps=validate.positive_int(instance_noise_steps,
                                                                        "instance_noise_steps"))
        self.bare_discriminator = discriminator
        self.discriminator = stabilize.wrap_discriminator(discriminator, **self.d_tricks).to(
            self.device).train()
        self.data = data
        fused = True if self.fast else None  # fused: one kernel per optimizer step (faster on CPU)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=self.lr_g, betas=self.betas,
                                      fused=fused)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=self.lr_d,
                                      betas=self.betas, fused=fused)
        self.historical_averaging = validate.nonnegative_number(historical_averaging,
                                                                "historical_averaging")
        self.averages = ([stabilize.HistoricalAverage(opt, self.historical_averaging)
                          for opt in (self.opt_d, self.opt_g)] if self.historical_averaging else [])
        self.ema_decay = ema_decay
        self.ema = stabilize.ema_model(self.generator, ema_decay) if ema_decay else None
        self.rng = torch.Generator().manual_seed(seed)
        self.fixed_noise = torch.randn(n_fixed, self.latent_dim,
                                       generator=torch.Generator().manual_seed(seed + 10_000))
        self.fixed_labels = (None if self.n_classes is None
                             else torch.arange(n_fixed) % self.n_classes)
        # The fast path may score real and fake in one pass only if D treats examples
        # independently and a forward pass changes no state.
        self.joint_pass = stabilize.independent_examples(self.discriminator)
        self.step = 0            # generator steps done
        self.data_step = 0       # real batches consumed
        self.elapsed = 0.0       # training seconds, across resumes
        self.history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
        self.snapshots: list[tuple[int, torch.Tensor]] = []

    # -- one step ---------------------------------------------------------------------------
    def noise(self, n: int) -> torch.Tensor:
        """``z ~ N(0, I)``, shape ``(n, latent_dim)``, from the trainer's ``rng``."""
        return torch.randn(n, self.latent_dim, generator=self.rng).to(self.device)

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The next real batch ``(x, y)`` (``y`` is ``None`` without labels)."""
        x, y = _split(self.data.batch(self.data_step))
        if (y is None) != (self.n_classes is None):
            raise ValueError(
                "A conditional generator G(z, y) needs data with labels: BatchSource(images, "
                "batch_size, labels=labels)." if y is None else
                "The data has labels but the generator is unconditional, G(z): drop the labels "
                "(BatchSource without labels=) or train a conditional GAN (gan_lab.conditional).")
        self.data_step += 1
        return x.to(self.device), (None if y is None else y.to(self.device))

    def train_step(self) -> dict[str, float]:
        """``d_steps`` updates of D, then one of G (and of the EMA); returns the step's record."""
        stabilize.set_step(self.discriminator, self.step)
        step = self._fast_step if self.fast else self._readable_step
        loss_d, loss_g, real_scores, fake_scores, norm_d = step()
        if self.ema is not None:
            stabilize.update_ema(self.ema, self.generator)
        self.step += 1
        return {"step": self.step, "loss_d": loss_d.item(), "loss_g": loss_g.item(),
                "d_real": self.loss.readout(real_scores).item(),
                "d_fake": self.loss.readout(fake_scores).item(),
                "grad_norm_d": norm_d, "grad_norm_g": grad_norm(self.generator)}

    def _readable_step(self):
        """Exactly :func:`update_D` ``d_steps`` times, then :func:`update_G` on the last ``x, z``."""
        G, D, loss, n = self.generator, self.discriminator, self.loss, self.step + 1
        for _ in range(self.d_steps):
            x, y = self.next_batch()
            z = self.noise(len(x))
            loss_d, real_scores, fake_scores = update_D(x, z, D, G, loss, self.opt_d, y=y, step=n,
                                                        rng=self.rng)
        norm_d = grad_norm(D)
        loss_g = update_G(x, z, D, G, loss, self.opt_g, y=y, step=n)
        return loss_d, loss_g, real_scores, fake_scores, norm_d

    def _scores(self, real, fake, y=None):
        """``D(real), D(fake)``: one pass over ``[real; fake]`` when ``joint_pass``."""
        D = with_labels(self.discriminator, None if y is None else torch.cat([y, y]))
        if self.joint_pass:
            out = D(torch.cat([real, fake]))
            return out[:len(out) // 2], out[len(out) // 2:]
        D = with_labels(self.discriminator, y)
        return D(real), D(fake)

    def _fast_step(self):
        """FAST PATH: the same math as :meth:`_readable_step`, fewer passes and kernels.

        1. one D pass over ``[real; fake]`` when D treats examples independently (no batch
           norm, no minibatch layer, no spectral norm, no instance noise): one forward and
           backward of double size instead of two;
        2. the last critic step computes ``G(z)`` with its graph and the G step reuses it
           (the readable path runs G again on the same ``z``): one G forward pass saved;
        3. D's weights are frozen during the G step: no weight gradients computed for D;
        4. fused Adam (one kernel per step).
        Results agree with the readable path to float rounding (``allclose``), not bit for
        bit: a batch of 2B sums in another order than two of B, and fused Adam rounds
        differently from the default implementation. With batch norm in G, its running
        statistics see one forward pass fewer per step (they are used only in eval mode).
        """
        G, D, loss, n = self.generator, self.discriminator, self.loss, self.step + 1
        for k in range(self.d_steps):
            x, y = self.next_batch()
            z = self.noise(len(x))
            with torch.set_grad_enabled(k == self.d_steps - 1):  # keep G(z)'s graph for G's step
                fake = with_labels(G, y)(z)
            validate.real_fake(x, fake)
            real_scores, fake_scores = self._scores(x, fake.detach(), y)
            loss_d = loss.discriminator_loss(real_scores, fake_scores)
            penalty = loss.penalty(D, x, fake.detach(), self.rng, y)
            if penalty is not None:
                loss_d = loss_d + penalty
            check_finite(loss_d, "discriminator", n)
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            loss.after_critic_step(D)
        norm_d = grad_norm(D)
        D.requires_grad_(False)                                 # no weight gradients for D here
        try:
            loss_g = loss.generator_loss(with_labels(D, y)(fake))
            penalty = loss.generator_penalty(D, x, fake, y)
            if penalty is not None:
                loss_g = loss_g + penalty
        finally:
            D.requires_grad_(True)
        check_finite(loss_g, "generator", n)
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return loss_d.detach(), loss_g.detach(), real_scores.detach(), fake_scores.detach(), norm_d

    # -- the loop ---------------------------------------------------------------------------
    def train(self, steps: int | None = None, *, epochs: float | None = None,
              max_seconds: float | None = None, snapshot_every: int | None = None,
              callback: Callable[[Trainer], None] | None = None,
              progress: bool = True) -> dict[str, list[float]]:
        """Train for ``steps`` more generator steps, or ``epochs`` passes over the data, or
        until ``max_seconds`` have passed, whichever ends first. Every ``snapshot_every``
        steps, store samples of the fixed noise and call ``callback(self)``. With
        ``progress``, a live bar (removed at the end) and one final summary line. Returns
        the history."""
        if steps is None and epochs is None and max_seconds is None:
            raise ValueError("Say how long to train: steps=..., epochs=... or max_seconds=...")
        limits = [] if steps is None else [validate.positive_int(steps, "steps", minimum=0)]
        if epochs is not None:
            epochs = validate.positive_number(epochs, "epochs")
            limits.append(math.ceil(epochs * self.data.batches_per_epoch / self.d_steps))
        if max_seconds is not None:
            max_seconds = validate.nonnegative_number(max_seconds, "max_seconds")  # 0: one step
        if snapshot_every is not None:
            snapshot_every = validate.positive_int(snapshot_every, "snapshot_every")
        total = min(limits) if limits else None
        start, done, record = time.perf_counter(), 0, None
        bar = Progress(total, self.loss.name, enabled=progress)  # a short label: no wrapping
        try:
            while total is None or done < total:
                record = self.train_step()
                done += 1
                record["seconds"] = self.elapsed + time.perf_counter() - start
                for key in HISTORY_KEYS:
                    self.history[key].append(record[key])
                bar.update(f"D {record['loss_d']:.2f} G {record['loss_g']:.2f}" if done % 25 == 0 else None)
                if snapshot_every and self.step % snapshot_every == 0:
                    self.snapshot(callback)
                if max_seconds is not None and time.perf_counter() - start >= max_seconds:
                    break
        finally:
            self.elapsed += time.perf_counter() - start
            bar.close(self.summary(done, time.perf_counter() - start, record))
        return self.history

    def summary(self, done: int, seconds: float, record: dict | None) -> str:
        """One line: ``non-saturating GAN: 20000 steps in 112 s, loss_D 1.23, loss_G 0.87``."""
        line = f"{self.loss.name} GAN: {done} steps in {seconds:.0f} s (step {self.step})"
        if record is not None:
            line += f", loss_D {record['loss_d']:.3f}, loss_G {record['loss_g']:.3f}"
        return line

    @torch.no_grad()
    def snapshot(self, callback: Callable[[Trainer], None] | None = None) -> torch.Tensor:
        """Store samples of the fixed noise (and labels) under the current step, then call
        ``callback``."""
        samples = self.sample(self.fixed_noise, self.fixed_labels)
        self.snapshots.append((self.step, samples))
        if callback is not None:
            callback(self)
        return samples

    def sampling_generator(self) -> nn.Module:
        """The model to sample from: the EMA of G when ``ema_decay`` is set, else G."""
        return self.ema.module if self.ema is not None else self.generator

    @torch.no_grad()
    def sample(self, z_or_n: torch.Tensor | int, y: torch.Tensor | None = None) -> torch.Tensor:
        """Generated samples (eval mode, on the CPU) for given ``z`` or ``n`` fresh ones, from
        :meth:`sampling_generator`. A conditional G without ``y`` gets labels 0, 1, 2, ..."""
        z = (z_or_n.to(self.device) if isinstance(z_or_n, torch.Tensor)
             else self.noise(validate.positive_int(z_or_n, "n")))
        if y is None and self.n_classes is not None:
            y = torch.arange(len(z)) % self.n_classes
        G = self.sampling_generator()
        was_training = G.training
        G.eval()
        out = with_labels(G, None if y is None else y.to(self.device))(z).cpu()
        G.train(was_training)
        return out

    def ema_generator(self) -> nn.Module:
        """A plain copy of the EMA generator (same class as G, eval mode), for evaluation or
        ``checkpoint.save_generator``; G itself when there is no EMA."""
        if self.ema is None:
            return self.generator
        return copy.deepcopy(self.ema.module).eval()

    # -- checkpoints ------------------------------------------------------------------------
    def options(self) -> dict:
        """The trainer's options, as stored in checkpoints and used by :meth:`from_checkpoint`."""
        return {"fast": self.fast, "d_steps": self.d_steps, "lr_d": self.lr_d, "lr_g": self.lr_g,
                "betas": list(self.betas), "ema_decay": self.ema_decay,
                "historical_averaging": self.historical_averaging, **self.d_tricks}

    def state_dict(self) -> dict:
        D = {"class": type(self.bare_discriminator).__name__,
             "config": dict(self.bare_discriminator.config), "state": self.discriminator.state_dict()}
        return {
            "generator": checkpoint.model_record(self.generator), "discriminator": D,
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
            "loss": {"name": self.loss.name, "options": self.loss.options()},
            "trainer": self.options(),
            "ema": None if self.ema is None else self.ema.state_dict(),
            "averages": [a.state_dict() for a in self.averages],
            "d_steps": self.d_steps, "step": self.step, "data_step": self.data_step,
            "elapsed": self.elapsed, "rng": self.rng.get_state(),
            "torch_rng": torch.get_rng_state(),  # dropout and instance noise draw from it
            "fixed_noise": self.fixed_noise, "history": self.history,
            "snapshots": [[s, x] for s, x in self.snapshots],
        }

    def save(self, path: str | Path) -> Path:
        """Write everything needed to resume, atomically."""
        return checkpoint.save(self.state_dict(), path)

    def load(self, path: str | Path) -> Trainer:
        """Resume from ``path`` into these (identically built) models and optimizers."""
        obj = _training_checkpoint(path)
        if obj.get("loss", {}).get("name") != self.loss.name:
            raise checkpoint.CheckpointError(
                f"{path} was trained with loss {obj.get('loss', {}).get('name')!r}, "
                f"this trainer uses {self.loss.name!r}.")
        theirs = {k: obj.get("trainer", {}).get(k, v) for k, v in self.d_tricks.items()}
        if theirs != self.d_tricks or bool(obj.get("ema")) != (self.ema is not None) or len(
                obj.get("averages", [])) != len(self.averages):
            raise checkpoint.CheckpointError(
                f"{path} was trained with other stabilization options ({obj.get('trainer')}); "
                f"this trainer has {self.options()}. Use Trainer.from_checkpoint(path, data).")
        checkpoint.load_model_state(self.generator, obj["generator"], "generator")
        _load_wrapped(self.bare_discriminator, self.discriminator, obj["discriminator"])
        try:
            self._restore(obj)
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as err:
            raise checkpoint.CheckpointError(
                f"{path}: the models loaded, but the rest of the training state (optimizers, "
                f"random-number generators, history) is damaged: {type(err).__name__}: {err}. "
                "Resume from another checkpoint, or load just the generator with "
                "gan_lab.checkpoint.load_generator(path).") from None
        return self

    def _restore(self, obj: dict) -> None:
        """Optimizers, EMA, averages, counters, random-number generators and history from a
        checkpoint's dict (the models are loaded by :meth:`load`)."""
        self.opt_g.load_state_dict(obj["opt_g"])
        self.opt_d.load_state_dict(obj["opt_d"])
        if self.ema is not None:
            self.ema.load_state_dict(obj["ema"])
        for average, state in zip(self.averages, obj.get("averages", [])):
            average.load_state_dict(state)
        self.d_steps, self.step, self.data_step = obj["d_steps"], obj["step"], obj["data_step"]
        self.elapsed = obj["elapsed"]
        self.rng.set_state(obj["rng"])
        torch.set_rng_state(obj["torch_rng"])
        self.fixed_noise = obj["fixed_noise"]
        self.history = {k: list(v) for k, v in obj["history"].items()}
        self.snapshots = [(int(s), x) for s, x in obj["snapshots"]]

    @classmethod
    def from_checkpoint(cls, path: str | Path, data, device=None) -> Trainer:
        """Rebuild models, loss, options and optimizers from a checkpoint and resume."""
        obj = _training_checkpoint(path)
        loss_options = dict(obj["loss"]["options"])
        options = dict(obj.get("trainer", {"d_steps": obj["d_steps"]}))
        if "trainer" not in obj:  # written before optimizer settings left the loss objects
            options.update(lr=loss_options.pop("lr", None), betas=loss_options.pop("betas", None))
            loss_options.pop("d_steps", None)
        if options.get("betas") is not None:
            options["betas"] = tuple(options["betas"])
        G = checkpoint.build_model(obj["generator"], "generator")
        D = checkpoint.build_model(obj["discriminator"], "discriminator")
        try:
            trainer = cls(G, D, data, obj["loss"]["name"], device=device, **options, **loss_options)
        except TypeError as err:  # an option this version of gan_lab does not know
            raise checkpoint.CheckpointError(f"{path} holds trainer options this gan_lab does not "
                                             f"accept: {err}.") from None
        return trainer.load(path)


def _training_checkpoint(path) -> dict:
    """A checkpoint written by :meth:`Trainer.save`; a clear error for a generator-only file."""
    obj = checkpoint.load(path)
    missing = [k for k in ("discriminator", "opt_d", "opt_g", "loss") if k not in obj]
    if missing:
        what = "only a generator" if "generator" in obj else "no training state"
        raise checkpoint.CheckpointError(
            f"{path} holds {what} (no {', '.join(missing)}), not a training checkpoint: it "
            "cannot resume training. Load a generator with gan_lab.checkpoint.load_generator(path); "
            "resume from a file written by Trainer.save.")
    missing = [k for k in TRAINING_STATE if k not in obj]
    if missing:
        raise checkpoint.CheckpointError(
            f"{path} is a damaged training checkpoint: it lacks {', '.join(missing)}. Resume from "
            "another checkpoint, or save this run again with Trainer.save.")
    return obj


# What Trainer.load reads besides the models (optional: "trainer", "ema", "averages").
TRAINING_STATE = ("generator", "discriminator", "opt_g", "opt_d", "loss", "d_steps", "step",
                  "data_step", "elapsed", "rng", "torch_rng", "fixed_noise", "history", "snapshots")


def _load_wrapped(bare: nn.Module, wrapped: nn.Module, record: dict) -> None:
    """Load a D record (bare D's class and config, wrapped D's weights) after checking the
    architecture matches."""
    checkpoint.check_architecture(bare, record, "discriminator")
    checkpoint.load_weights(wrapped, record, "discriminator")


class _Identity(nn.Module):
    """``G(z) = z``: lets a fixed source of fakes play the generator in :func:`update_D`."""

    def forward(self, z, y=None):
        return z


def fit_discriminator(discriminator: nn.Module, real, fake, loss: str | GANLoss = "minimax",
                      steps: int = 2000, lr: float | None = None, progress: bool = True,
                      callback: Callable[[int, nn.Module], None] | None = None,
                      every: int = 50, **loss_options) -> list[float]:
    """Train only a discriminator (or critic) to tell ``real`` from ``fake``: both are fixed
    sources with ``batch(step)``. With a BCE loss it approaches ``D* = p_data / (p_data + p_g)``;
    with a Wasserstein loss the critic's ``E[D(real)] - E[D(fake)]`` approaches ``W1``.
    Each step is :func:`update_D` with the fake batch as ``z`` and ``G(z) = z``. Adam uses
    :data:`RECOMMENDED` settings unless ``lr`` is given; ``callback(step, D)`` runs every
    ``every`` steps. Returns the loss per step."""
    loss = get_loss(loss, **loss_options)
    rec = recommended(loss)
    steps, every = validate.positive_int(steps, "steps"), validate.positive_int(every, "every")
    lr = validate.positive_number(rec["lr"] if lr is None else lr, "lr")
    opt = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=rec["betas"])
    device = next(discriminator.parameters()).device
    history, start = [], time.perf_counter()
    bar = Progress(steps, "D alone", enabled=progress)
    try:
        for step in range(steps):
            x_real, x_fake = real.batch(step).to(device), fake.batch(step).to(device)
            value, _, _ = update_D(x_real, x_fake, discriminator, _Identity(), loss, opt, step=step + 1)
            history.append(value.item())
            bar.update()
            if callback is not None and (step + 1) % every == 0:
                callback(step + 1, discriminator)
    finally:
        bar.close(f"{loss.name} discriminator alone: {len(history)} steps in "
                  f"{time.perf_counter() - start:.0f} s" + (f", loss {history[-1]:.3f}" if history else ""))
    return history


def recent_mean(history: dict[str, list[float]], n: int = 500) -> dict[str, float]:
    """Mean of the last ``n`` entries of every history series (the state a run settled in)."""
    n = validate.positive_int(n, "n")
    return {key: sum(values[-n:]) / len(values[-n:]) for key, values in history.items() if values}
