# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · An MLP GAN on MNIST
#
# **What you will learn:** the discriminator step and the generator step, written out in
# full and trained in a plain loop; how the classic fully connected GAN is built from a
# handful of `gan_lab` pieces; why discriminators should output logits (measured in
# float32); what `Trainer` adds to the two steps; how to watch a run (samples from fixed
# noise, loss and $D$ curves) and tell a healthy run from a broken one; how to save, resume
# and time-box training.
#
# **Prerequisites:** notebooks 01-02 (the game, the non-saturating loss, reading $D(x)$ and
# $D(G(z))$); PyTorch modules and optimizers.
#
# **Time (full mode, CPU):** about 8 minutes on 2 cores, most of it the 20,000-step run of
# section 5, which prints its own duration (slower on a busy machine).

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/03_mlp_gan.ipynb)

# %%
# Setup: use the installed gan_lab, or install it from GitHub (Colab, or a kernel without it).
try:
    import gan_lab
    print(f"gan_lab found: {gan_lab.__version__}")
except ImportError:
    print("installing gan_lab from github.com/gan-lab/gan-lab@main (Colab) ...")
    # %pip install -q "gan-lab @ git+https://github.com/gan-lab/gan-lab@main"
    import gan_lab
    print(f"gan_lab installed: {gan_lab.__version__}")

# %%
settings = gan_lab.setup()  # seed, short/full mode, dataset, device: printed below

# %%
import math
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from gan_lab import models
from gan_lab.data import BatchSource
from gan_lab.plots import plot_history, plot_snapshots, show_images
from gan_lab.train import Trainer, recent_mean

# %% [markdown]
# ## 1. Data: one tensor, no per-image work
#
# Most tutorials wrap MNIST in a `DataLoader` whose transform converts every image to a PIL
# image and back (`ToTensor`, `Normalize`), 64 times per batch. MNIST fits in memory many
# times over, so `gan_lab` keeps it as one tensor in $[-1, 1]$ and a `BatchSource` slices
# shuffled batches out of it: a reshuffle per epoch, nothing per image. (The benchmark in
# `benchmarks/training_speed.py` measures what this buys.)

# %%
data = gan_lab.load_course_data(settings)
batches = BatchSource(data.images, batch_size=64, seed=settings.seed)
print(f"{len(batches)} batches of 64 per epoch; one batch: {tuple(batches.batch(0).shape)}")

# %% [markdown]
# ## 2. The two networks
#
# The classic shape: the generator maps 100 noise numbers through 256 and 512 hidden units
# to 784 pixels, with a `tanh` so pixels land in $[-1, 1]$; the discriminator mirrors it,
# 784 → 512 → 256 → 1, with LeakyReLU and dropout. Both are a few lines in
# `gan_lab/models.py`.

# %%
torch.manual_seed(settings.seed)
generator = models.MLPGenerator(latent_dim=100, hidden=(256, 512))
discriminator = models.MLPDiscriminator(hidden=(512, 256), dropout=0.3)
print(generator)
print(discriminator)
print(f"parameters: G {models.count_parameters(generator):,}, D {models.count_parameters(discriminator):,}")

# %% [markdown]
# **Logits, not probabilities.** The discriminator's last layer has no sigmoid: it returns a
# logit $\ell$, and the losses use $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$ and
# $\log(1 - \sigma(\ell)) = -\mathrm{softplus}(\ell)$, which never form $\sigma(\ell)$. The
# common pairing `nn.Sigmoid()` + `nn.BCELoss()` computes $\sigma(\ell)$ first, in float32.
# Where does that break? Sweep $\ell$ in steps of 0.01 and look:

# %%
ells = torch.arange(-120, 40, 0.01, dtype=torch.float64).float()   # float32 logits, as in training
sig = torch.sigmoid(ells)
sigma_zero = ells[sig == 0].max().item()                             # largest ℓ with σ(ℓ) == 0
print(f"float32 σ(ℓ) is exactly 0 for ℓ ≤ {sigma_zero:.2f} (smallest nonzero: {sig[sig > 0].min():.2e} "
      f"at ℓ = {ells[sig > 0].min():.2f}), and exactly 1 for ℓ ≥ {ells[sig == 1].min():.2f}")
print(f"log σ(ℓ) there: torch.log(torch.sigmoid(ℓ)) = {torch.log(sig[ells <= sigma_zero][-1]).item()}, "
      f"-softplus(-ℓ) = {-F.softplus(-ells[ells <= sigma_zero][-1]).item():.2f}")
tiny = torch.finfo(torch.float32)
print(f"float32 limits: e^x overflows above x = log(max) = {math.log(tiny.max):.2f}; smallest normal "
      f"{tiny.smallest_normal:.2e} = e^{math.log(tiny.smallest_normal):.1f}; smallest denormal 2^-149 = e^{-149 * math.log(2):.1f}")

# %% [markdown]
# So $\sigma(\ell)$ reaches exactly 0 where $e^{-\ell}$ overflows (the first threshold printed
# equals $\log$ of the largest float32): torch computes $1/(1 + e^{-\ell})$, which becomes
# $1/\infty$ long before the denormal floor $e^{-103.3}$. From there $\log\sigma(\ell) = -\infty$,
# and `BCELoss` clamps that log at $-100$: the loss is 100 and its gradient 0.
#
# The gradient goes wrong much earlier. Compare, at every $\ell$, the gradient autograd gets
# through `Sigmoid` + `BCELoss` with the exact one of the softplus form (in float64), for
# both targets: 1 (real images in $L_D$, and the non-saturating $L_G$ on fakes) and 0 (fakes
# in $L_D$):

# %%
def gradient(loss_fn, logits):
    """∂/∂ℓ of the summed per-example loss, at each logit."""
    logits = logits.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(loss_fn(logits).sum(), logits)
    return g


sweep = {}
for target in (1.0, 0.0):
    naive = gradient(lambda l: nn.BCELoss(reduction="none")(torch.sigmoid(l), torch.full_like(l, target)), ells)
    exact = gradient(lambda l: F.softplus(-l) if target == 1 else F.softplus(l), ells.double())
    wrong = (naive.double() - exact).abs() > 0.01 * exact.abs()      # off by more than 1%
    sweep[target] = naive, exact, wrong
first_wrong_real = ells[sweep[1.0][2] & (ells < 0)].max().item()
first_wrong_fake = ells[sweep[0.0][2] & (ells > 0)].min().item()
print(f"target 1: Sigmoid+BCELoss gradient off by >1% for ℓ ≤ {first_wrong_real:.2f}, exactly 0 for "
      f"ℓ ≤ {ells[(sweep[1.0][0] == 0) & (ells < 0)].max():.2f}")
print(f"target 0: off by >1% for ℓ ≥ {first_wrong_fake:.2f}, exactly 0 for ℓ ≥ {ells[(sweep[0.0][0] == 0) & (ells > 0)].min():.2f}")
for ell in (-20.0, -30.0, -50.0):
    i = (ells - ell).abs().argmin()
    print(f"  ℓ = {ell:5.0f}, target 1: Sigmoid+BCELoss {sweep[1.0][0][i].item():+.3e}, exact {sweep[1.0][1][i].item():+.3e}")

# Why at that ℓ: BCELoss's backward divides by max(p(1 - p), 1e-12), p = σ(ℓ); below
# p(1 - p) = 1e-12 the chain rule's factor p(1 - p) is no longer cancelled.
p = sig.double()
predicted = (p - 1) / (p * (1 - p)).clamp(min=1e-12) * (p * (1 - p))
assert torch.allclose(predicted, sweep[1.0][0].double(), rtol=1e-3, atol=1e-30)
print(f"p(1 - p) = 1e-12 at ℓ = {math.log(1e-12):.2f}: the BCELoss backward's clamp sets in there")
assert abs(first_wrong_real - math.log(1e-12)) < 0.1 and first_wrong_real > sigma_zero + 50

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
floor_value = 1e-30
for ax, target, span, name in ((axes[0], 1.0, ells < 5, "target 1 (real in $L_D$; fakes in $L_G$)"),
                               (axes[1], 0.0, ells > -5, "target 0 (fakes in $L_D$)")):
    naive, exact, _ = sweep[target]
    ax.plot(ells[span], exact[span].abs(), lw=3, color="0.7", label="softplus form (exact)")
    ax.plot(ells[span], naive[span].abs().clamp(min=floor_value), color="C3", lw=1.2,
            label="Sigmoid + BCELoss (float32)")
    ax.set(yscale="log", xlabel="logit ℓ = D(·)", ylabel="|∂ loss / ∂ℓ|  (0 drawn at 1e-30)",
           title=name, ylim=(floor_value / 10, 10))
    ax.title.set_fontsize(10)
axes[0].axvline(first_wrong_real, color="k", ls=":", lw=1, label=f"off by >1%: ℓ ≤ {first_wrong_real:.1f}")
axes[0].axvline(sigma_zero, color="k", ls="--", lw=1, label=f"σ(ℓ) = 0: ℓ ≤ {sigma_zero:.1f}")
axes[1].axvline(first_wrong_fake, color="k", ls=":", lw=1, label=f"σ(ℓ) = 1: ℓ ≥ {first_wrong_fake:.1f}")
for ax in axes:   # legends below the panels, clear of the curves
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
plt.tight_layout()

# %% [markdown]
# A discriminator that confidently rejects a fake (a logit far below 0, common early in
# training) is exactly where the generator needs its gradient; with `Sigmoid` + `BCELoss`
# that gradient fades from the first threshold printed above and vanishes at the second,
# while the softplus form keeps it at full size. `gan_lab.losses` uses softplus throughout.
#
# %% [markdown]
# ## 3. The training step, written out
#
# Training a GAN is two updates, repeated. With $r = D(x)$ the logits on a real batch
# and $f = D(G(z))$ those on a generated one ($z \sim \mathcal N(0, I)$, $B$ examples each):
#
# - **the D step** changes only $D$: minimize
#   $L_D = -\frac1B\sum_i \log\sigma(r_i) - \frac1B\sum_i \log\big(1 - \sigma(f_i)\big)$, the BCE
#   game of notebook 01 (D says "real" to real images and "fake" to fakes);
# - **the G step** changes only $G$, through the just-updated $D$, on the same $z$: minimize
#   the non-saturating $L_G = -\frac1B\sum_i \log\sigma(f_i)$ (notebook 01, section 4).
#
# Here are both in full. They are `gan_lab.train.update_D` and `update_G` line for line,
# except that the library's versions also take class labels `y`, for the conditional GANs of
# notebook 08. `loss` is one of `gan_lab.losses`' objects, which hold only the math:
# `loss.discriminator_loss(r, f)` and `loss.generator_loss(f)` are the two formulas above
# (written with softplus), and the extras some losses add (a gradient penalty, weight
# clipping: notebook 06; feature matching: notebook 07) are `None` or do nothing here.

# %%
from gan_lab.losses import get_loss
from gan_lab.train import RECOMMENDED, check_finite


def update_D(x, z, D, G, loss, opt_D, *, step=0, rng=None):
    """One discriminator update on real x and fakes G(z); returns (loss_D, D(x), D(G(z))), detached."""
    # ---- Update D: minimize L_D(D(x), D(G(z))) + penalty --------------------------------
    #      (non-saturating / minimax: maximize log D(x) + log(1 - D(G(z))))
    with torch.no_grad():
        fake = G(z)                                      # x̃ = G(z); no gradient flows into G
    real_scores, fake_scores = D(x), D(fake)             # logits (or critic scores)
    loss_D = loss.discriminator_loss(real_scores, fake_scores)
    penalty = loss.penalty(D, x, fake, rng)              # WGAN-GP, R1; None for most losses
    if penalty is not None:
        loss_D = loss_D + penalty
    check_finite(loss_D, "discriminator", step)          # no NaN may reach the weights
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()
    loss.after_critic_step(D)                            # WGAN: clip the weights
    return loss_D.detach(), real_scores.detach(), fake_scores.detach()


def update_G(x, z, D, G, loss, opt_G, *, step=0):
    """One generator update through the (just updated) D on the same z; returns loss_G, detached."""
    # ---- Update G: minimize L_G(D(G(z))) + penalty -------------------------------------
    #      (non-saturating: maximize log D(G(z)); minimax: minimize log(1 - D(G(z))))
    fake = G(z)                                          # this time with G's graph
    loss_G = loss.generator_loss(D(fake))
    penalty = loss.generator_penalty(D, x, fake)         # feature matching; None for most
    if penalty is not None:
        loss_G = loss_G + penalty
    check_finite(loss_G, "generator", step)
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()                                    # (fills D's .grad too; update_D clears it)
    opt_G.step()
    return loss_G.detach()


# %% [markdown]
# And a plain loop around them: a fresh MLP GAN, Adam with the settings `RECOMMENDED` keeps
# for this loss (DCGAN's: learning rate $2\cdot10^{-4}$, $\beta_1 = 0.5$), one real batch and
# one fresh $z$ per step.

# %%
def plain_training(update_D, update_G, steps, seed=settings.seed):
    """``steps`` D and G updates of a fresh MLP GAN from ``seed``; returns G, D and the losses."""
    torch.manual_seed(seed)                                  # initial weights and dropout masks
    G, D = models.MLPGenerator(), models.MLPDiscriminator()
    loss = get_loss("non-saturating")
    adam = {k: RECOMMENDED["non-saturating"][k] for k in ("lr", "betas")}
    opt_D, opt_G = torch.optim.Adam(D.parameters(), **adam), torch.optim.Adam(G.parameters(), **adam)
    rng = torch.Generator().manual_seed(seed)                # the noise z
    losses = {"loss_d": [], "loss_g": []}
    for step in range(steps):
        x = batches.batch(step)
        z = torch.randn(len(x), G.latent_dim, generator=rng)
        loss_D, real_scores, fake_scores = update_D(x, z, D, G, loss, opt_D, step=step + 1, rng=rng)
        loss_G = update_G(x, z, D, G, loss, opt_G, step=step + 1)
        losses["loss_d"].append(loss_D.item())
        losses["loss_g"].append(loss_G.item())
    return G, D, losses


plain_steps = settings.pick(full=500, quick=20)
G_plain, D_plain, plain_losses = plain_training(update_D, update_G, plain_steps)
last = settings.pick(full=50, quick=5)
print(f"{plain_steps} steps; mean of the last {last}: L_D {sum(plain_losses['loss_d'][-last:]) / last:.3f}, "
      f"L_G {sum(plain_losses['loss_g'][-last:]) / last:.3f}")
with torch.no_grad():
    show_images(G_plain.eval()(torch.randn(32, 100, generator=torch.Generator().manual_seed(1))), nrow=8,
                title=f"G after {plain_steps} steps of the plain loop")

# %% [markdown]
# The same loop with the library's functions, from the same seed, must give the very same
# weights, bit for bit:

# %%
from gan_lab import train

G_lib, D_lib, lib_losses = plain_training(train.update_D, train.update_G, plain_steps)
identical = all(torch.equal(a, b) for a, b in zip([*G_plain.parameters(), *D_plain.parameters()],
                                                 [*G_lib.parameters(), *D_lib.parameters()]))
print(f"notebook's update_D/update_G vs gan_lab.train's, {plain_steps} steps: identical weights: {identical}")
assert identical and plain_losses == lib_losses

# %% [markdown]
# ## 4. What `Trainer` adds, and what `fast=True` buys
#
# Every later notebook trains through `gan_lab.train.Trainer`. It runs the loop above and
# adds only bookkeeping: it draws $z$ from its own seeded `rng` and the batches from the
# data source; stops after a number of steps, epochs or seconds; records a history (both
# losses, $D$'s mean output on real and fake, gradient norms, time); keeps snapshots of $G$
# on a fixed batch of noise; saves and resumes checkpoints (section 8); shows a progress
# line; runs several D steps per G step when a loss asks for it (WGAN, notebook 06); and
# holds the stabilization options of notebook 07. With `fast=False` it calls exactly
# `update_D` and `update_G`, so from the same seed it must reproduce the plain loop:

# %%
def mlp_trainer(fast):
    torch.manual_seed(settings.seed)                         # same initial weights as plain_training
    return Trainer(models.MLPGenerator(), models.MLPDiscriminator(), batches, loss="non-saturating",
                   fast=fast, seed=settings.seed)


readable = mlp_trainer(fast=False)
readable.train(plain_steps, progress=False)
same = all(torch.equal(a, b) for a, b in zip([*G_plain.parameters(), *D_plain.parameters()],
                                             [*readable.generator.parameters(), *readable.discriminator.parameters()]))
print(f"Trainer(fast=False) vs the plain loop, {plain_steps} steps: identical weights: {same}")
assert same and readable.history["loss_g"] == plain_losses["loss_g"]

# %% [markdown]
# `fast=True`, the default, runs the same math with fewer passes: $D$ scores real and fake
# in one pass over the concatenated batch (allowed because this $D$ has no batch norm); the
# G step reuses the $G(z)$ of the D step instead of running $G$ again; $D$'s weights get no
# gradients during the G step; and Adam runs fused, one kernel per step. What it buys,
# timed on this machine over the same steps:

# %%
fast = mlp_trainer(fast=True)
fast.train(plain_steps, progress=False)
speed = {"readable (fast=False)": plain_steps / readable.elapsed, "fast (fast=True)": plain_steps / fast.elapsed}
for name, rate in speed.items():
    print(f"{name:22s}: {rate:6.1f} steps/s")
print(f"fast / readable: {speed['fast (fast=True)'] / speed['readable (fast=False)']:.2f}x "
      f"(the same {plain_steps} steps; timings vary from run to run)")

# %% [markdown]
# Is it really the same math? Compare the first step's losses on both paths, once with
# $D$'s dropout switched off and once with it on:

# %%
def first_step_losses(fast, dropout):
    torch.manual_seed(settings.seed)
    run = Trainer(models.MLPGenerator(), models.MLPDiscriminator(dropout=dropout), batches,
                  fast=fast, seed=settings.seed)
    run.train(1, progress=False)
    return torch.tensor([run.history["loss_d"][0], run.history["loss_g"][0]])


for dropout in (0.0, 0.3):
    gap = (first_step_losses(False, dropout) - first_step_losses(True, dropout)).abs().max().item()
    print(f"D's dropout {dropout}: first-step L_D and L_G of the two paths differ by at most {gap:.1e}")
    if dropout == 0.0:
        assert gap < 1e-5, "without randomness in D the two paths compute the same losses"

# %% [markdown]
# Without dropout the two paths compute the same losses (up to float rounding, since sums
# may run in another order). With dropout they do not: the one-pass trick draws the random
# masks for real and fake together, in another order than two separate passes, so the two
# paths drop different units. Both are correct draws of the same training step, but their
# runs differ from the first step on, and any difference grows over many steps (training is
# chaotic). That is why the readable path exists: to check the fast one against the
# functions you can read, as the bit-for-bit comparison above did.

# %% [markdown]
# ## 5. Train it
#
# Now the long run, through `Trainer` with the non-saturating loss and Adam's recommended
# settings. Eight times during training (and once before it) it keeps $G$'s samples from one
# fixed batch of noise, so we can watch the *same* latent points turn into digits; the
# figure shows six of these snapshots, each row labelled with its step.

# %%
steps = settings.pick(full=20_000, quick=100)
gan = Trainer(generator, discriminator, batches, loss="non-saturating", seed=settings.seed)
gan.snapshot()  # step 0: untrained
gan.train(steps, snapshot_every=max(steps // 8, 1))
print(f"{gan.step} steps ({gan.data_step * 64 / len(data):.1f} epochs) in {gan.elapsed:.0f} s")

# %%
plot_snapshots(gan.snapshots, rows=6);

# %%
show_images(gan.sample(gan.fixed_noise), nrow=8, title=f"G(z) for 64 fixed z after {gan.step} steps");

# %% [markdown]
# ## 6. Reading the curves
#
# The losses and $D$'s outputs, smoothed over 200 steps (10 in short mode):

# %%
axes = plot_history(gan.history, window=settings.pick(full=200, quick=10))
plt.tight_layout()
n_tail = min(500, gan.step)
tail = recent_mean(gan.history, n_tail)
print(f"last {n_tail} steps: " + ", ".join(f"{k} {tail[k]:.3f}" for k in ("loss_d", "loss_g", "d_real", "d_fake")))
print(f"D's margin, D(x) - D(G(z)): {tail['d_real'] - tail['d_fake']:+.3f}")

# %% [markdown]
# Read the printed numbers against the $D = \tfrac12$ equilibrium of the 1D toy. A healthy
# image GAN typically does not reach it: the discriminator keeps a margin ($D(x)$ above
# $D(G(z))$; the printed margin says how much in this run). The curves of this run are not
# flat, though. In the first couple of thousand steps $D$ pulls ahead: $D(G(z))$ drops and
# $L_G$ climbs, which on its own would look like the first warning sign below. Then the
# trend reverses and keeps going for most of the run: $L_G$ falls, $L_D$ rises, $D(x)$ and
# $D(G(z))$ move towards each other, and only in the last few thousand steps do the curves
# flatten into a narrow band. Over the same stretch the snapshots turn from blobs into
# digits. So warning signs are *sustained* trends, not levels or a bad start: $D(G(z))$
# sliding to 0 and staying there while $L_G$ climbs (the generator has lost), $L_D$
# collapsing to 0 (the discriminator has won, as in the broken run below), or samples that
# all look alike (mode collapse, notebook 07).
#
# ## 7. A deliberately broken run: a discriminator far too strong
#
# Give the discriminator 5 updates per generator update, take away its dropout, and use the
# *saturating* generator loss of the original minimax game. $D$ wins quickly, $D(G(z))$ goes
# to 0, and (notebook 01, section 4) the saturating loss then sends almost no gradient.

# %%
broken_steps = settings.pick(full=3_000, quick=60)
torch.manual_seed(settings.seed)
broken = Trainer(models.MLPGenerator(), models.MLPDiscriminator(dropout=0.0),
                 BatchSource(data.images, 64, seed=settings.seed), loss="minimax",
                 d_steps=5, seed=settings.seed)
broken.train(broken_steps)

fig, axes = plt.subplots(2, 2, figsize=(10, 5.5))
window = settings.pick(full=100, quick=10)
plot_history(gan.history, window=window, axes=axes[0], label="healthy")
plot_history(broken.history, window=window, axes=axes[1], label="broken")
plt.tight_layout()
show_images(broken.sample(broken.fixed_noise[:32]), nrow=8,
            title=f"broken run after {broken.step} generator steps");

# %%
settled = {name: recent_mean(run.history, 200) for name, run in (("healthy", gan), ("broken", broken))}
for name, last in settled.items():
    print(f"{name:8s}: D(G(z)) {last['d_fake']:.2e}, |grad G| {last['grad_norm_g']:.2e}")
assert settled["broken"]["d_fake"] < settled["healthy"]["d_fake"], \
    "the over-strong discriminator should reject fakes more confidently"
assert settled["broken"]["grad_norm_g"] < settled["healthy"]["grad_norm_g"], \
    "the saturating loss should send the generator less gradient"

# %% [markdown]
# The broken run's $D(G(z))$ sits far below the healthy run's and its generator receives
# less gradient (the two printed lines): the picture of a discriminator that has won. The fixes are in the healthy run: the
# non-saturating loss, one $D$ step per $G$ step, dropout in $D$.
#
# ## 8. Save, resume, and time-box
#
# `Trainer.save` writes generator, discriminator, both optimizers, the history and every
# random state to one file (atomically: a crash mid-write leaves the old file intact).
# `Trainer.from_checkpoint` rebuilds everything, and the resumed run continues exactly as if
# it had never stopped. Check it: train 30 steps in one go, and 10 + 20 with a save between.

# %%
def fresh_trainer():
    torch.manual_seed(settings.seed)
    return Trainer(models.MLPGenerator(), models.MLPDiscriminator(),
                   BatchSource(data.images, 64, seed=settings.seed), seed=settings.seed)


straight = fresh_trainer()
straight.train(30, progress=False)

with tempfile.TemporaryDirectory() as tmp:
    first = fresh_trainer()
    first.train(10, progress=False)
    first.save(Path(tmp) / "mlp_gan.pt")
    resumed = Trainer.from_checkpoint(Path(tmp) / "mlp_gan.pt", BatchSource(data.images, 64, seed=settings.seed))
    resumed.train(20, progress=False)

same = all(torch.equal(a, b) for a, b in zip(straight.generator.parameters(), resumed.generator.parameters()))
print(f"resumed generator identical to the uninterrupted one: {same}")
assert same and straight.history["loss_g"] == resumed.history["loss_g"]

# %% [markdown]
# An instructor with two minutes to spare can say exactly that: `max_seconds` stops after
# the budget, whatever the step count (so, unlike a step count, its result depends on the
# machine's speed).

# %%
budget = settings.pick(full=5.0, quick=1.0)
timed = fresh_trainer()
timed.train(max_seconds=budget, progress=False)
print(f"{timed.step} steps in {timed.elapsed:.2f} s (budget {budget} s)")
assert timed.step > 0 and timed.elapsed < budget + 1.0

# %% [markdown]
# ## Exercises
#
# Each check below is a function in `gan_lab/exercises/mlp_gan.py`: it compares your answer
# with its own computation and ends in `self_check(answer, passes, hint)`, which prints
# "Correct!" or stops with a hint. An answer still left as `...` is reported as not attempted.
#
# **1.** How many parameters does `MLPGenerator(latent_dim=100, hidden=(256, 512))` have?
# Count them by hand from the layer sizes (weights plus biases of three `Linear` layers).

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercises import mlp_gan

mlp_gan.check_parameter_count(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above)
solution_1 = (100 * 256 + 256) + (256 * 512 + 512) + (512 * 784 + 784)
mlp_gan.check_parameter_count(solution_1);

# %% [markdown]
# **2.** Draw 16 new digits from the trained generator `gan.generator`: sample your own
# noise $z \sim \mathcal{N}(0, I)$ of the right shape, put the generator in eval mode, and
# return images of shape `(16, 1, 28, 28)`.

# %%
answer_2 = ...  # your code here

# %%
mlp_gan.check_samples(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (gan.sample(16) does the same)
with torch.no_grad():
    solution_2 = gan.generator.eval()(torch.randn(16, gan.latent_dim))
gan.generator.train()
mlp_gan.check_samples(solution_2)
show_images(solution_2, nrow=8);

# %% [markdown]
# **3.** The discriminator's loss on one real image is $-\log\sigma(\ell)$. Compute it
# *stably* for the logit $\ell = -200$ (a float). Why does `torch.log(torch.sigmoid(...))`
# fail here?

# %%
answer_3 = ...  # your code here

# %%
mlp_gan.check_minus_log_sigmoid(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: σ(-200) is 0 in float32 (section 2: from ℓ ≈ -88.7 on), so log gives -inf;
# softplus never forms σ.
solution_3 = F.softplus(torch.tensor(200.0)).item()
print(torch.log(torch.sigmoid(torch.tensor(-200.0))), solution_3)
mlp_gan.check_minus_log_sigmoid(solution_3);

# %% [markdown]
# **4.** Write the discriminator step yourself, without a loss object: `d_step(x, z, D, G,
# opt_D)` takes a real batch `x`, noise `z`, the two networks (D returns logits) and D's
# optimizer; it makes one update of $D$ that minimizes
# $L_D = -\frac1B\sum_i \log\sigma(D(x_i)) - \frac1B\sum_i \log\big(1 - \sigma(D(G(z_i)))\big)$
# and returns $L_D$ (before the update). $G$ must not change, nor receive gradients. The
# check runs your function on small random networks, twice in a row, against its own
# computation, including a discriminator whose logits are about $-40$.

# %%
def d_step(x, z, D, G, opt_D):
    ...  # your code here


mlp_gan.check_d_step(d_step);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: log σ(r) = -softplus(-r), log(1 - σ(f)) = -softplus(f)
def solution_d_step(x, z, D, G, opt_D):
    with torch.no_grad():
        fake = G(z)
    loss_D = F.softplus(-D(x)).mean() + F.softplus(D(fake)).mean()
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.item()


mlp_gan.check_d_step(solution_d_step);

# %% [markdown]
# ## Summary
#
# - A GAN's training step is two short functions: `update_D` minimizes $L_D$ on real and
#   generated logits with $G$ fixed, `update_G` minimizes $L_G$ through the updated $D$ on
#   the same $z$. `gan_lab.train` holds exactly these two; a plain loop around them trains.
# - `Trainer` adds only bookkeeping (stopping, history, snapshots, checkpoints, progress);
#   `fast=False` runs the two functions as written, `fast=True` the same math in fewer passes.
# - Discriminators return logits; losses use softplus. In float32, `Sigmoid` + `BCELoss`
#   loses the gradient for logits far below 0 long before $\sigma(\ell)$ itself rounds to 0,
#   and for logits far above 0 as soon as it rounds to 1 (section 2 measures the thresholds).
# - Watch samples from fixed noise and the *trends* of the curves; a discriminator that
#   wins outright starves the generator of gradient.
# - Training resumes exactly from a checkpoint, and can be time-boxed with `max_seconds`.
#
# **Further reading:** Goodfellow et al. (2014), [arXiv:1406.2661](https://arxiv.org/abs/1406.2661);
# Salimans et al., *Improved Techniques for Training GANs* (2016),
# [arXiv:1606.03498](https://arxiv.org/abs/1606.03498); Chintala et al., *How to Train a
# GAN? Tips and tricks* (ganhacks, 2016), https://github.com/soumith/ganhacks.
