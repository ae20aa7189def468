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
# **What you will learn:** how the classic fully connected GAN is built from a handful of
# `gan_lab` pieces; why discriminators should output logits; how to watch a run (samples
# from fixed noise, loss and $D$ curves) and tell a healthy run from a broken one; how to
# save, resume and time-box training.
#
# **Prerequisites:** notebooks 01-02 (the game, the non-saturating loss, reading $D(x)$ and
# $D(G(z))$); PyTorch modules and optimizers.
#
# **Time (full mode, laptop CPU):** about 4 minutes.

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
# logit $\ell$ and the loss uses $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$. The common
# pairing `nn.Sigmoid()` + `nn.BCELoss()` computes $\sigma(\ell)$ first, which rounds to
# exactly 0 in float32 once $\ell < -104$; PyTorch then clamps $\log 0$ to $-100$ and the
# gradient is **zero**: a confident, wrong discriminator stops teaching. Compare on one logit:

# %%
logit = torch.tensor([-120.0], requires_grad=True)
naive = nn.BCELoss()(torch.sigmoid(logit), torch.ones(1))          # target "real"
(naive_grad,) = torch.autograd.grad(naive, logit)
stable = F.softplus(-logit).mean()                                  # -log σ(ℓ), what gan_lab uses
(stable_grad,) = torch.autograd.grad(stable, logit)
print(f"Sigmoid + BCELoss: loss {naive.item():.1f}, gradient {abs(naive_grad.item()):.1f}")
print(f"softplus (exact):  loss {stable.item():.1f}, gradient {stable_grad.item():.1f}")
assert naive_grad.item() == 0.0 and abs(stable.item() - 120.0) < 1e-4 and abs(stable_grad.item() + 1) < 1e-6

# %% [markdown]
# ## 3. Train it
#
# `Trainer` runs the loop of notebook 01 on images: a discriminator step, then a generator
# step, with Adam($2\cdot10^{-4}$, $\beta_1 = 0.5$) and the non-saturating loss. Every few
# hundred steps it keeps $G$'s samples from one fixed batch of noise, so we can watch the
# *same* latent points turn into digits. The progress bar shows the live numbers.

# %%
steps = settings.pick(full=20_000, quick=150)
gan = Trainer(generator, discriminator, batches, loss="non-saturating", seed=settings.seed)
gan.snapshot()  # step 0: untrained
gan.train(steps, snapshot_every=max(steps // 8, 1))
print(f"{gan.step} steps ({gan.data_step * 64 / len(data):.1f} epochs) in {gan.elapsed:.0f} s")

# %%
plot_snapshots(gan.snapshots, rows=6);

# %%
show_images(gan.sample(gan.fixed_noise), nrow=8, title=f"G(z) for 64 fixed z after {gan.step} steps");

# %% [markdown]
# ## 4. Reading the curves
#
# The losses and $D$'s outputs, smoothed over 200 steps:

# %%
axes = plot_history(gan.history, window=settings.pick(full=200, quick=10))
plt.tight_layout()
tail = recent_mean(gan.history, 500)
print("last 500 steps: " + ", ".join(f"{k} {tail[k]:.3f}" for k in ("loss_d", "loss_g", "d_real", "d_fake")))

# %% [markdown]
# A healthy image GAN does **not** reach the $D = \tfrac12$ equilibrium of the 1D toy: the
# discriminator keeps a margin ($D(x)$ above $D(G(z))$), both losses settle into a band
# and stay there, and the samples keep improving even though the numbers barely move. Warning
# signs are trends, not levels: $D(G(z))$ sliding to 0 while $L_G$ climbs (the generator has
# lost), $L_D$ collapsing to 0, or samples that all look alike (mode collapse, a later notebook).
#
# ## 5. A deliberately broken run: a discriminator far too strong
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

# %% [markdown]
# The broken run's $D(G(z))$ sits near zero and its generator's gradient is tiny: the
# picture of a discriminator that has won. The fixes are in the healthy run: the
# non-saturating loss, one $D$ step per $G$ step, dropout in $D$.
#
# ## 6. Save, resume, and time-box
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
# **1.** How many parameters does `MLPGenerator(latent_dim=100, hidden=(256, 512))` have?
# Count them by hand from the layer sizes (weights plus biases of three `Linear` layers).

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercise import self_check


def check_1(answer):
    return self_check(answer, lambda n: n == models.count_parameters(models.MLPGenerator()),
                      "a Linear(a, b) layer has a*b weights and b biases.")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_1 = (100 * 256 + 256) + (256 * 512 + 512) + (512 * 784 + 784)
check_1(answer_1);

# %% [markdown]
# **2.** Draw 16 new digits from the trained generator `gan.generator`: sample your own
# noise $z \sim \mathcal{N}(0, I)$ of the right shape, put the generator in eval mode, and
# return images of shape `(16, 1, 28, 28)`.

# %%
answer_2 = ...  # your code here

# %%
def check_2(images):
    return self_check(images, lambda x: tuple(x.shape) == (16, 1, 28, 28) and x.min() >= -1
                      and x.max() <= 1 and x.std() > 0.1,
                      "z = torch.randn(16, gan.latent_dim); with torch.no_grad(): gan.generator.eval()(z)")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (gan.sample(16) does the same)
with torch.no_grad():
    answer_2 = gan.generator.eval()(torch.randn(16, gan.latent_dim))
gan.generator.train()
check_2(answer_2)
show_images(answer_2, nrow=8);

# %% [markdown]
# **3.** The discriminator's loss on one real image is $-\log\sigma(\ell)$. Compute it
# *stably* for the logit $\ell = -200$ (a float). Why does `torch.log(torch.sigmoid(...))`
# fail here?

# %%
answer_3 = ...  # your code here

# %%
def check_3(answer):
    return self_check(answer, lambda v: abs(float(v) - 200.0) < 1e-3,
                      "-log σ(ℓ) = softplus(-ℓ) = log(1 + e^(-ℓ)); for ℓ = -200 that is ≈ 200.")


check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: σ(-200) underflows to 0 in float32, so log gives -inf; softplus never forms σ.
answer_3 = F.softplus(torch.tensor(200.0)).item()
print(torch.log(torch.sigmoid(torch.tensor(-200.0))))
check_3(answer_3);

# %% [markdown]
# ## Summary
#
# - An MLP GAN is two small networks and a loop; `gan_lab` gives the loop, checkpoints and
#   plots, so the notebook shows only the ideas.
# - Discriminators return logits; losses use softplus, which never saturates numerically.
# - Watch samples from fixed noise and the *trends* of the curves; a discriminator that
#   wins outright starves the generator of gradient.
# - Training resumes exactly from a checkpoint, and can be time-boxed with `max_seconds`.
#
# **Further reading:** Goodfellow et al. (2014), [arXiv:1406.2661](https://arxiv.org/abs/1406.2661);
# Salimans et al., *Improved Techniques for Training GANs* (2016),
# [arXiv:1606.03498](https://arxiv.org/abs/1606.03498); Chintala et al., *How to Train a
# GAN? Tips and tricks* (ganhacks, 2016), https://github.com/soumith/ganhacks.
