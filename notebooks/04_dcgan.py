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
# # 04 · DCGAN
#
# **What you will learn:** the DCGAN architecture guidelines (Radford et al., 2016) and why
# each one matters; the shape arithmetic of transposed convolutions, worked through and
# checked; training a DCGAN and comparing it with the MLP GAN on the same wall-clock budget;
# a first walk through latent space, linear vs spherical.
#
# **Prerequisites:** notebook 03; convolutions (kernel, stride, padding); batch norm.
#
# **Time (full mode, laptop CPU):** about 14 minutes on 2 cores (3,000 DCGAN steps, then the
# MLP GAN for the same time).

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/04_dcgan.ipynb)

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

import matplotlib.pyplot as plt
import torch
from torch import nn

from gan_lab import models
from gan_lab.data import BatchSource
from gan_lab.latent import lerp, slerp
from gan_lab.plots import plot_history, plot_snapshots, show_images
from gan_lab.train import Trainer

data = gan_lab.load_course_data(settings)

# %% [markdown]
# ## 1. The guidelines, and why each matters
#
# Radford, Metz & Chintala (2016) found, by much trial and error, a recipe that made
# convolutional GANs train reliably:
#
# | guideline | why |
# |---|---|
# | strided convolutions in $D$, transposed (fractionally strided) ones in $G$; no pooling | the network *learns* its own down- and upsampling instead of a fixed max or average |
# | no fully connected hidden layers (only $G$'s input projection and $D$'s output) | fewer parameters, spatial structure kept all the way |
# | batch norm in $G$ and $D$, except $G$'s output and $D$'s input layers | keeps activations well scaled so gradients flow from the start; on the input/output layers it made samples oscillate |
# | ReLU in $G$, `tanh` at its output | `tanh` bounds pixels to $[-1, 1]$ like the data |
# | LeakyReLU(0.2) in $D$ | a small slope for negative inputs, so $G$ receives gradient through every unit |
# | Adam, learning rate $2\cdot10^{-4}$, $\beta_1 = 0.5$ | the default $\beta_1 = 0.9$ carried too much momentum into a moving target |
# | weights from $\mathcal{N}(0, 0.02^2)$ | small, equal-scale start for both players |
#
# `gan_lab.models.DCGANGenerator` and `DCGANDiscriminator` follow them, sized for 28×28:

# %%
torch.manual_seed(settings.seed)
generator, discriminator = models.DCGANGenerator(latent_dim=100, width=64), models.DCGANDiscriminator(width=64)
print(generator)
print(discriminator)
print(f"parameters: G {models.count_parameters(generator):,}, D {models.count_parameters(discriminator):,}")
weights = torch.cat([m.weight.flatten() for m in generator.modules() if isinstance(m, nn.ConvTranspose2d)])
print(f"transposed-conv weights: mean {weights.mean():+.4f}, std {weights.std():.4f} (N(0, 0.02))")

# %% [markdown]
# ## 2. Shape arithmetic of a transposed convolution
#
# A convolution with kernel $k$, stride $s$, padding $p$ maps a side of $n$ pixels to
# $\lfloor (n + 2p - k)/s \rfloor + 1$. A transposed convolution runs that map backwards:
#
# $$n_{out} = (n_{in} - 1)\,s - 2p + k.$$
#
# With $k = 4, s = 2, p = 1$: $n_{out} = 2 n_{in} - 2 - 2 + 4 = 2 n_{in}$, an exact doubling;
# the discriminator's convolutions with the same $(k, s, p)$ halve: $\lfloor (n + 2 - 4)/2 \rfloor + 1 = n/2$.
# So the generator goes $7 \to 14 \to 28$ and the discriminator $28 \to 14 \to 7$. Check it
# layer by layer with a dummy batch:

# %%
def conv_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def conv_transpose_out(n, k, s, p):
    return (n - 1) * s - 2 * p + k


x = torch.zeros(2, 100)
h = generator.project(x).view(2, -1, 7, 7)
print(f"G: project {tuple(x.shape)} -> reshape {tuple(h.shape)}")
for layer in generator.net:
    before = h.shape[-1]
    h = layer(h)
    if isinstance(layer, nn.ConvTranspose2d):
        k, s, p = layer.kernel_size[0], layer.stride[0], layer.padding[0]
        predicted = conv_transpose_out(before, k, s, p)
        print(f"   {layer.__class__.__name__}(k={k}, s={s}, p={p}): {before} -> {h.shape[-1]} (formula: {predicted})")
        assert h.shape[-1] == predicted
h = torch.zeros(2, 1, 28, 28)
for layer in discriminator.net:
    before = h.shape[-1] if h.ndim == 4 else None
    h = layer(h)
    if isinstance(layer, nn.Conv2d):
        k, s, p = layer.kernel_size[0], layer.stride[0], layer.padding[0]
        print(f"D: Conv2d(k={k}, s={s}, p={p}): {before} -> {h.shape[-1]} (formula: {conv_out(before, k, s, p)})")
        assert h.shape[-1] == conv_out(before, k, s, p)

# %% [markdown]
# ## 3. Train it
#
# The same `Trainer` as for the MLP GAN, running the same `update_D` and `update_G` (notebook
# 03, section 3). Batch norm in $D$ means the real and the fake batch go through $D$
# separately (mixing them would let each example's score depend on the other kind); the
# fast path checks for batch norm and then skips its one-pass trick by itself.

# %%
steps = settings.pick(full=3_000, quick=20)
dcgan = Trainer(generator, discriminator, BatchSource(data.images, 64, seed=settings.seed),
                loss="non-saturating", seed=settings.seed)
dcgan.snapshot()
dcgan.train(steps, snapshot_every=max(steps // 6, 1))
print(f"{dcgan.step} steps ({dcgan.data_step * 64 / len(data):.1f} epochs) in {dcgan.elapsed:.0f} s")

# %%
plot_snapshots(dcgan.snapshots);

# %%
plot_history(dcgan.history, window=settings.pick(full=100, quick=5))
plt.tight_layout()

# %% [markdown]
# ## 4. DCGAN vs MLP GAN on the same clock
#
# A fair comparison gives both the same wall-clock time on this machine: the MLP GAN trains
# for exactly as many seconds as the DCGAN just took. The MLP is much faster per step, so
# it gets many more steps; the question is which uses its time better.

# %%
torch.manual_seed(settings.seed)
mlp = Trainer(models.MLPGenerator(), models.MLPDiscriminator(),
              BatchSource(data.images, 64, seed=settings.seed), seed=settings.seed)
mlp.train(max_seconds=dcgan.elapsed)

fig, axes = plt.subplots(1, 2, figsize=(9, 4.8))
z = dcgan.fixed_noise[:36]
show_images(mlp.sample(z), nrow=6, ax=axes[0], title=f"MLP GAN: {mlp.step:,} steps, {mlp.elapsed:.0f} s")
show_images(dcgan.sample(z), nrow=6, ax=axes[1], title=f"DCGAN: {dcgan.step:,} steps, {dcgan.elapsed:.0f} s")
plt.tight_layout()
print(f"time per step: MLP {mlp.elapsed / mlp.step * 1000:.1f} ms, DCGAN {dcgan.elapsed / dcgan.step * 1000:.1f} ms")

# %% [markdown]
# Look for the difference in *kind*. The MLP's pixels are separate outputs of one linear
# layer, so nothing ties a pixel to its neighbours; the DCGAN's convolutions share weights
# across positions and build strokes from local patterns. One symptom can be counted: an
# *isolated* pixel, "on" (above 0) while all 8 of its neighbours are off. Count them per
# image, on the same 512 noise vectors, with real digits as the reference:

# %%
def isolated_pixels(images):
    """Mean number per image of pixels > 0 whose 8 neighbours are all <= 0."""
    on = (images > 0).float()
    neighbours = nn.functional.conv2d(on, torch.ones(1, 1, 3, 3), padding=1) - on
    return ((on == 1) & (neighbours == 0)).float().sum((1, 2, 3)).mean().item()


z_count = torch.randn(512, 100, generator=torch.Generator().manual_seed(settings.seed + 2))
speckle = {"real digits": isolated_pixels(data.images[:512]),
           f"MLP GAN ({mlp.step:,} steps)": isolated_pixels(mlp.sample(z_count)),
           f"DCGAN ({dcgan.step:,} steps)": isolated_pixels(dcgan.sample(z_count))}
for name, value in speckle.items():
    print(f"{name:24s}: {value:5.2f} isolated pixels per image")
fewer = min(list(speckle)[1:], key=speckle.get)
print(f"On this clock, fewer isolated pixels: {fewer}.")

# %% [markdown]
# The printed line says which generator's samples have fewer isolated dots on this budget
# (the count is one symptom, not a verdict on quality). Which set of digits is *better* is
# a question for the metrics of notebook 05, which scores the two shipped MNIST generators
# (an MLP GAN and a DCGAN-style generator trained by a stronger recipe, both described at
# the end of this notebook and trained by `scripts/train_pretrained.py`) and
# prints which one wins on each metric; the metrics need not agree with each other or with
# what the eye prefers, and notebook 05 says why.
#
# ## 5. Walking through latent space: linear vs spherical
#
# Pick two noise vectors and generate the images along a path between them. The linear
# path $(1-t) z_0 + t z_1$ is the obvious choice, but $z \sim \mathcal{N}(0, I_{100})$
# almost always has norm close to $\sqrt{100} = 10$, and two independent draws are nearly
# orthogonal, so the linear midpoint has norm about $10/\sqrt 2 \approx 7$: a point the
# generator practically never saw in training. Spherical interpolation (`slerp`) rotates
# from $z_0$ to $z_1$ along the sphere instead, keeping the norm typical.

# %%
g = torch.Generator().manual_seed(settings.seed + 1)
z0, z1 = torch.randn(100, generator=g), torch.randn(100, generator=g)
paths = {"linear": lerp(z0, z1, 9), "spherical": slerp(z0, z1, 9)}
fig, axes = plt.subplots(2, 1, figsize=(9, 2.6))
for ax, (name, path) in zip(axes, paths.items()):
    show_images(dcgan.sample(path), nrow=9, ax=ax)
    ax.set_title(f"{name}: |z| = " + " ".join(f"{n:.1f}" for n in path.norm(dim=1)), fontsize=9)
plt.tight_layout()

# %%
norms = torch.randn(10_000, 100, generator=g).norm(dim=1)
mid_linear, mid_spherical = paths["linear"][4].norm().item(), paths["spherical"][4].norm().item()
print(f"|z| of 10,000 draws: mean {norms.mean():.2f}, 1st-99th percentile "
      f"{norms.quantile(0.01):.2f}-{norms.quantile(0.99):.2f}")
print(f"midpoint norm: linear {mid_linear:.2f}, spherical {mid_spherical:.2f}")
assert mid_linear < norms.quantile(0.01) < mid_spherical, "the linear midpoint should be atypically short"

# %% [markdown]
# The linear midpoint is shorter than 99% of all noise vectors (the assertion checks it);
# the spherical one is typical. With this small generator the images along both paths may
# look alike; the difference grows with the latent dimension and the model. Notebook 09
# (the latent-space explorer) turns these walks into sliders.
#
# Pretrained generators ship with the course, so later notebooks can start here without
# training: `gan_lab.pretrained.load_pretrained("dcgan-mnist")` (see `describe(...)` for
# how each was trained). They are not the two GANs of notebooks 03 and 04 trained as shown
# there: `mlp-mnist` has notebook 03's fully connected layers, `dcgan-mnist` and
# `dcgan-fashion-mnist` are DCGAN generators (of full width, with discriminators of half
# width), and all three were trained on clusters of the images (the
# `self-conditioned` recipes, which notebook 08 explains in its section 6; they use no
# labels), with their weights averaged over training (notebook 07) and a learning rate
# larger than the $2\cdot10^{-4}$ above. Each is still sampled as $G(z)$; the `cgan-*`
# generators are the conditional GANs of notebook 08.

# %%
from gan_lab import pretrained

for name in pretrained.available():
    record = pretrained.describe(name)
    print(f"{name}: {record['generator']} ({record['recipe']} recipe), {record['steps']:,} steps on "
          f"{record['data']} (seed {record['seed']}, {record['train_cpu_seconds']:.0f} CPU s)")

# %% [markdown]
# ## Exercises
#
# Each check below is a function in `gan_lab/exercises/dcgan.py`: it compares your answer
# with its own computation and ends in `self_check(answer, passes, hint)`, which prints
# "Correct!" or stops with a hint. An answer still left as `...` is reported as not attempted.
#
# **1.** A transposed convolution with kernel 5, stride 2, padding 2 and `output_padding=1`
# adds `output_padding` to the formula above. What size does it produce from a 7×7 input?

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercises import dcgan as dcgan_checks

dcgan_checks.check_conv_transpose_size(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above)
solution_1 = (7 - 1) * 2 - 2 * 2 + 5 + 1
dcgan_checks.check_conv_transpose_size(solution_1);

# %% [markdown]
# **2.** Without running `slerp`: two noise vectors both have norm 10. What is the norm of
# their *linear* midpoint if they are orthogonal?

# %%
answer_2 = ...  # your code here

# %%
dcgan_checks.check_orthogonal_midpoint(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: |(a + b)/2|² = (|a|² + |b|²)/4 when a ⟂ b
solution_2 = math.sqrt(10 ** 2 + 10 ** 2) / 2
dcgan_checks.check_orthogonal_midpoint(solution_2);

# %% [markdown]
# **3.** Build a DCGAN discriminator *without* batch norm (`batch_norm=False`, the kind WGAN-GP
# needs in notebook 06). How many parameters does it have, compared with the one above?

# %%
answer_3 = ...  # your code here

# %%
dcgan_checks.check_parameter_count(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: the batch norm's scale and shift (2 x 128) go, a conv bias (128) comes back.
solution_3 = models.count_parameters(models.DCGANDiscriminator(batch_norm=False))
print(solution_3, "vs", models.count_parameters(discriminator))
dcgan_checks.check_parameter_count(solution_3);

# %% [markdown]
# **4.** Write spherical interpolation yourself (without `gan_lab.latent`):
# `my_slerp(z0, z1, t)` returns the point at fraction `t` ∈ [0, 1] of the way from `z0` to
# `z1` along the arc, $z(t) = \frac{\sin((1-t)\Omega)}{\sin\Omega} z_0 + \frac{\sin(t\Omega)}{\sin\Omega} z_1$
# with $\Omega$ the angle between them. The check compares your function with its own
# computation on random vectors; then walk the DCGAN from `z0` to `z1` with it.

# %%
def my_slerp(z0, z1, t):
    ...  # your code here


dcgan_checks.check_slerp(my_slerp);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
def solution_slerp(z0, z1, t):
    omega = torch.arccos((z0 @ z1 / (z0.norm() * z1.norm())).clamp(-1, 1))
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


dcgan_checks.check_slerp(solution_slerp)
show_images(dcgan.sample(torch.stack([solution_slerp(z0, z1, t) for t in torch.linspace(0, 1, 9)])),
            nrow=9, size=7, title="the DCGAN along solution_slerp(z0, z1, t)");

# %% [markdown]
# ## Summary
#
# - DCGAN's guidelines (learned up/downsampling, batch norm, ReLU/LeakyReLU, tanh,
#   Adam with $\beta_1 = 0.5$, small init) made convolutional GANs train reliably.
# - A transposed convolution with $k = 4, s = 2, p = 1$ doubles the side: $(n-1)s - 2p + k$.
# - On the same clock the two generators differ in kind: convolutions share weights across
#   positions and build strokes from local patterns, while the MLP's pixels are unrelated
#   outputs; the count of isolated pixels measures one symptom, notebook 05's metrics the rest.
# - Interpolate spherically in a Gaussian latent space; the linear midpoint is atypical.
#
# **Further reading:** Radford, Metz & Chintala, *Unsupervised Representation Learning with
# Deep Convolutional GANs* (2016), [arXiv:1511.06434](https://arxiv.org/abs/1511.06434);
# Dumoulin & Visin, *A guide to convolution arithmetic for deep learning* (2016),
# [arXiv:1603.07285](https://arxiv.org/abs/1603.07285); White, *Sampling Generative
# Networks* (2016), [arXiv:1609.04468](https://arxiv.org/abs/1609.04468).
