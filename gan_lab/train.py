"""One training loop for every GAN in the course.

Each generator step is ``d_steps`` discriminator (critic) steps followed by one generator
step:

    for k in 1..d_steps:   x ~ data, z ~ N(0, I)
                           θ_D ← θ_D - ∇ [L_D(D(x), D(G(z))) + penalty]      (then clip, for WGAN)
    same z as the last k:  θ_G ← θ_G - ∇ L_G(D(G(z)))      (D already updated, as in DCGAN)

with Adam. Reusing the last critic step's G(z) for the generator step saves one generator
forward pass per step; the samples are just as random. Noise comes from the trainer's own seeded generator, data from the source's ``batch(step)``,
dropout from torch's global generator; a checkpoint holds all three, so a run saved and
resumed continues exactly as if it had never stopped (on CPU, bit for bit).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from . import checkpoint
from .losses import GANLoss, get_loss
from .models import has_batch_norm

HISTORY_KEYS = ("step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                "seconds")


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stopped."""


def check_finite(loss: torch.Tensor, who: str, step: int) -> None:
    """Stop before a NaN or infinite loss can reach the weights."""
    if not torch.isfinite(loss):
        raise NonFiniteLossError(
            f"The {who} loss became {loss.item()} at step {step}; training stopped and the "
            "models keep their last finite weights. Lower the learning rate, check the data "
            "range ([-1, 1]), or try another loss.")


def critic_update(loss: GANLoss, critic: nn.Module, opt: torch.optim.Optimizer,
                  real_scores: torch.Tensor, fake_scores: torch.Tensor, real: torch.Tensor,
                  fake: torch.Tensor, step: int, rng: torch.Generator | None = None) -> torch.Tensor:
    """One critic step: L_D (+ the loss's penalty at ``real``/``fake``), an optimizer step,
    then the loss's post-step hook (weight clipping for WGAN). Returns the detached loss."""
    value = loss.discriminator_loss(real_scores, fake_scores)
    penalty = loss.penalty(critic, real, fake, rng)
    if penalty is not None:
        value = value + penalty
    check_finite(value, "discriminator", step)
    opt.zero_grad(set_to_none=True)
    value.backward()
    opt.step()
    loss.after_critic_step(critic)
    return value.detach()


def grad_norm(model: nn.Module) -> float:
    """‖∇θ‖₂ = sqrt(Σ_p ⟨∇p, ∇p⟩) over all of ``model``'s parameters (0 when none has a gradient)."""
    grads = [p.grad.detach().reshape(-1) for p in model.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return torch.stack([torch.dot(g, g) for g in grads]).sum().sqrt().item()


class Trainer:
    """Trains ``generator`` against ``discriminator`` on ``data`` with a loss from :mod:`gan_lab.losses`.

    ``data`` is anything with ``batch(step) -> Tensor`` and ``batches_per_epoch``, e.g.
    :class:`gan_lab.data.BatchSource` or :class:`gan_lab.toy.SampleSource`. ``lr``, ``betas``
    and ``d_steps`` default to the loss's own recommendations. ``history`` holds one entry per
    generator step for each of :data:`HISTORY_KEYS`; ``snapshots`` holds ``(step, G(z_fixed))``.
    """

    def __init__(self, generator: nn.Module, discriminator: nn.Module, data,
                 loss: str | GANLoss = "non-saturating", *, lr: float | None = None,
                 betas: tuple[float, float] | None = None, d_steps: int | None = None,
                 seed: int = 0, n_fixed: int = 64, device: torch.device | str | None = None,
                 **loss_options) -> None:
        self.loss = get_loss(loss, **loss_options)
        self.d_steps = d_steps or self.loss.d_steps
        if int(self.d_steps) != self.d_steps or self.d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps}.")
        self.device = torch.device(device) if device is not None else next(
            generator.parameters()).device
        self.generator = generator.to(self.device).train()
        self.discriminator = discriminator.to(self.device).train()
        self.data = data
        self.latent_dim = generator.latent_dim
        lr, betas = lr or self.loss.lr, tuple(betas or self.loss.betas)
        # fused: one kernel per optimizer step instead of several per parameter (faster on CPU)
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas, fused=True)
        self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas, fused=True)
        self.rng = torch.Generator().manual_seed(seed)
        self.fixed_noise = torch.randn(n_fixed, self.latent_dim,
                                       generator=torch.Generator().manual_seed(seed + 10_000))
        # D may see real and fake in one pass only if it treats examples independently.
        self.joint_pass = not has_batch_norm(discriminator)
        self.step = 0            # generator steps done
        self.data_step = 0       # real batches consumed
        self.elapsed = 0.0       # training seconds, across resumes
        self.history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
        self.snapshots: list[tuple[int, torch.Tensor]] = []

    # -- one step ---------------------------------------------------------------------------
    def noise(self, n: int) -> torch.Tensor:
        """``z ~ N(0, I)``, shape ``(n, latent_dim)``, from the trainer's generator."""
        return torch.randn(n, self.latent_dim, generator=self.rng).to(self.device)

    def _scores(self, real: torch.Tensor, fake: torch.Tensor):
        if self.joint_pass:  # one forward pass over [real; fake]: same result, less overhead
            out = self.discriminator(torch.cat([real, fake]))
            return out[:len(real)], out[len(real):]
        return self.discriminator(real), self.discriminator(fake)

    def discriminator_step(self, keep_fake: bool = False):
        """One update of D; returns its loss, its scores on real and fake, and the fakes
        (still attached to G's graph when ``keep_fake``, for the generator step)."""
        real = self.data.batch(self.data_step).to(self.device)
        self.data_step += 1
        with torch.set_grad_enabled(keep_fake):
            fake = self.generator(self.noise(len(real)))
        real_scores, fake_scores = self._scores(real, fake.detach())
        loss = critic_update(self.loss, self.discriminator, self.opt_d, real_scores, fake_scores,
                             real, fake.detach(), self.step + 1, self.rng)
        return loss, real_scores.detach(), fake_scores.detach(), fake

    def generator_step(self, fake: torch.Tensor) -> torch.Tensor:
        """One update of G through the (just updated) D, on fakes ``G(z)`` with their graph."""
        self.discriminator.requires_grad_(False)  # no weight gradients for D here
        loss = self.loss.generator_loss(self.discriminator(fake))
        self.discriminator.requires_grad_(True)
        check_finite(loss, "generator", self.step + 1)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.detach()

    def train_step(self) -> dict[str, float]:
        """``d_steps`` discriminator steps, then one generator step; returns the step's record."""
        for k in range(self.d_steps):
            loss_d, real_scores, fake_scores, fake = self.discriminator_step(
                keep_fake=k == self.d_steps - 1)
        norm_d = grad_norm(self.discriminator)
        loss_g = self.generator_step(fake)
        record = {"step": self.step + 1, "loss_d": loss_d.item(), "loss_g": loss_g.item(),
                  "d_real": self.loss.readout(real_scores).item(),
                  "d_fake": self.loss.readout(fake_scores).item(),
                  "grad_norm_d": norm_d, "grad_norm_g": grad_norm(self.generator)}
        self.step += 1
        return record

    # -- the loop ---------------------------------------------------------------------------
    def train(self, steps: int | None = None, *, epochs: float | None = None,
              max_seconds: float | None = None, snapshot_every: int | None = None,
              callback: Callable[[Trainer], None] | None = None,
              progress: bool = True) -> dict[str, list[float]]:
        """Train for ``steps`` more generator steps, or ``epochs`` passes over the data, or
        until ``max_seconds`` have passed, whichever ends first. Every ``snapshot_every``
        steps, store ``G(fixed_noise)`` and call ``callback(self)``. Returns the history."""
        if steps is None and epochs is None and max_seconds is None:
            raise ValueError("Say how long to train: steps=..., epochs=... or max_seconds=...")
        limits = [] if steps is None else [steps]
        if epochs is not None:
            limits.append(math.ceil(epochs * self.data.batches_per_epoch / self.d_steps))
        total = min(limits) if limits else None
        if total is not None and total < 0:
            raise ValueError(f"Cannot train a negative number of steps ({total}).")
        start, done = time.perf_counter(), 0
        bar = tqdm(total=total, disable=not progress, desc=f"{self.loss.name} GAN", unit="step")
        try:
            while total is None or done < total:
                record = self.train_step()
                done += 1
                record["seconds"] = self.elapsed + time.perf_counter() - start
                for key in HISTORY_KEYS:
                    self.history[key].append(record[key])
                bar.update(1)
                if done % 25 == 0 or done == total:
                    bar.set_postfix(loss_d=f"{record['loss_d']:.3f}", loss_g=f"{record['loss_g']:.3f}",
                                    D_x=f"{record['d_real']:.2f}", D_G_z=f"{record['d_fake']:.2f}")
                if snapshot_every and self.step % snapshot_every == 0:
                    self.snapshot(callback)
                if max_seconds is not None and time.perf_counter() - start >= max_seconds:
                    break
        finally:
            bar.close()
            self.elapsed += time.perf_counter() - start
        return self.history

    @torch.no_grad()
    def snapshot(self, callback: Callable[[Trainer], None] | None = None) -> torch.Tensor:
        """Store ``G(fixed_noise)`` (G in eval mode) under the current step, then call ``callback``."""
        samples = self.sample(self.fixed_noise)
        self.snapshots.append((self.step, samples))
        if callback is not None:
            callback(self)
        return samples

    @torch.no_grad()
    def sample(self, z_or_n: torch.Tensor | int) -> torch.Tensor:
        """Generated samples (G in eval mode, on the CPU) for given ``z`` or ``n`` fresh ones."""
        z = self.noise(z_or_n) if isinstance(z_or_n, int) else z_or_n.to(self.device)
        was_training = self.generator.training
        self.generator.eval()
        out = self.generator(z).cpu()
        self.generator.train(was_training)
        return out

    # -- checkpoints ------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "generator": checkpoint.model_record(self.generator),
            "discriminator": checkpoint.model_record(self.discriminator),
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
            "loss": {"name": self.loss.name, "options": self.loss.options()},
            "d_steps": self.d_steps, "step": self.step, "data_step": self.data_step,
            "elapsed": self.elapsed, "rng": self.rng.get_state(),
            "torch_rng": torch.get_rng_state(),  # dropout draws from the global generator
            "fixed_noise": self.fixed_noise, "history": self.history,
            "snapshots": [[s, x] for s, x in self.snapshots],
        }

    def save(self, path: str | Path) -> Path:
        """Write everything needed to resume, atomically."""
        return checkpoint.save(self.state_dict(), path)

    def load(self, path: str | Path) -> Trainer:
        """Resume from ``path`` into these (identically built) models and optimizers."""
        obj = checkpoint.load(path)
        if obj.get("loss", {}).get("name") != self.loss.name:
            raise checkpoint.CheckpointError(
                f"{path} was trained with loss {obj.get('loss', {}).get('name')!r}, "
                f"this trainer uses {self.loss.name!r}.")
        checkpoint.load_model_state(self.generator, obj["generator"], "generator")
        checkpoint.load_model_state(self.discriminator, obj["discriminator"], "discriminator")
        self.opt_g.load_state_dict(obj["opt_g"])
        self.opt_d.load_state_dict(obj["opt_d"])
        self.d_steps, self.step, self.data_step = obj["d_steps"], obj["step"], obj["data_step"]
        self.elapsed = obj["elapsed"]
        self.rng.set_state(obj["rng"])
        torch.set_rng_state(obj["torch_rng"])
        self.fixed_noise = obj["fixed_noise"]
        self.history = {k: list(v) for k, v in obj["history"].items()}
        self.snapshots = [(int(s), x) for s, x in obj["snapshots"]]
        return self

    @classmethod
    def from_checkpoint(cls, path: str | Path, data, device=None) -> Trainer:
        """Rebuild models, loss and optimizers from a checkpoint and resume."""
        obj = checkpoint.load(path)
        trainer = cls(checkpoint.build(obj["generator"]["class"], obj["generator"]["config"]),
                      checkpoint.build(obj["discriminator"]["class"], obj["discriminator"]["config"]),
                      data, obj["loss"]["name"], device=device, **obj["loss"]["options"])
        return trainer.load(path)


def fit_discriminator(discriminator: nn.Module, real, fake, loss: str | GANLoss = "minimax",
                      steps: int = 2000, lr: float | None = None, progress: bool = True,
                      callback: Callable[[int, nn.Module], None] | None = None,
                      every: int = 50, **loss_options) -> list[float]:
    """Train only a discriminator (or critic) to tell ``real`` from ``fake``: both are fixed
    sources with ``batch(step)``. With a BCE loss it approaches ``D* = p_data / (p_data + p_g)``;
    with a Wasserstein loss the critic's ``E[D(real)] - E[D(fake)]`` approaches ``W1``.
    Adam uses the loss's own settings unless ``lr`` is given; ``callback(step, D)`` runs
    every ``every`` steps. Returns the loss per step."""
    loss = get_loss(loss, **loss_options)
    opt = torch.optim.Adam(discriminator.parameters(), lr=lr or loss.lr, betas=loss.betas)
    device = next(discriminator.parameters()).device
    history = []
    for step in tqdm(range(steps), disable=not progress, desc="discriminator"):
        x_real, x_fake = real.batch(step).to(device), fake.batch(step).to(device)
        value = critic_update(loss, discriminator, opt, discriminator(x_real), discriminator(x_fake),
                              x_real, x_fake, step + 1)
        history.append(value.item())
        if callback is not None and (step + 1) % every == 0:
            callback(step + 1, discriminator)
    return history


def recent_mean(history: dict[str, list[float]], n: int = 500) -> dict[str, float]:
    """Mean of the last ``n`` entries of every history series (the state a run settled in)."""
    return {key: sum(values[-n:]) / len(values[-n:]) for key, values in history.items() if values}
