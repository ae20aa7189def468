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
# # 00 · Start here
#
# **What you will learn:** how this course is laid out, how to check that your setup works,
# where the data comes from (online or offline), and how *short mode* makes every notebook
# run in seconds.
#
# **Prerequisites:** Python and a first acquaintance with PyTorch tensors.
#
# **Time (full mode, laptop CPU):** about 1 minute.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/00_start_here.ipynb)

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

# %% [markdown]
# ## 1. Is the environment sound?
#
# Every notebook imports `gan_lab`, a small package that holds the code more than one
# notebook needs. The cell below prints the versions it runs on and the device it chose.

# %%
import platform

import matplotlib
import numpy as np
import torch
import torchvision

print(f"python {platform.python_version()} | torch {torch.__version__} | "
      f"torchvision {torchvision.__version__} | numpy {np.__version__} | "
      f"matplotlib {matplotlib.__version__} | gan_lab {gan_lab.__version__}")
print(f"device: {settings.device} | CPU threads torch uses: {torch.get_num_threads()}")

# %% [markdown]
# ## 2. Real data, online or offline
#
# `gan_lab.load_dataset(name, split)` reads the MNIST or Fashion-MNIST IDX files straight into
# one tensor of shape `(N, 1, 28, 28)`, scaled to $[-1, 1]$, the range of a `tanh` generator:
#
# $$x = \frac{\text{pixel}}{127.5} - 1, \qquad \text{pixel} \in \{0, \dots, 255\}.$$
#
# It looks in a folder you name, then `$GAN_LAB_DATA`, then its cache folder, then (for
# Fashion-MNIST) Debian's `/usr/share/datasets/fashion-mnist`, and only then asks
# torchvision to download. If it finds nothing it says where it looked and what to do.

# %%
data = gan_lab.load_course_data(settings)
images, labels = data.images, data.labels
print(f"images {tuple(images.shape)} {images.dtype}, range [{images.min():.0f}, {images.max():.0f}]")
print("images per class:", dict(zip(data.classes, labels.bincount(minlength=10).tolist())))

# %%
from gan_lab.plots import show_images

show_images(images[:64], nrow=8, title=f"The first 64 images of {data.name}/{data.split}");

# %% [markdown]
# One row per class makes the variety inside a class visible, which is exactly what a
# generator has to learn to reproduce:

# %%
per_class = torch.cat([images[labels == c][:10] for c in range(10)])
show_images(per_class, nrow=10, title="Ten examples of each class (one class per row)");

# %% [markdown]
# ## 3. Short mode and the settings cell
#
# Every notebook has one settings cell, `settings = gan_lab.setup()`. It reads a few
# environment variables, in one place (`gan_lab/config.py`):
#
# | variable | effect |
# |---|---|
# | `GAN_LAB_QUICK=1` | short mode: fewer steps and samples, so a notebook runs in seconds (used by the tests) |
# | `GAN_LAB_DATASET=fashion-mnist` | run the whole course on Fashion-MNIST |
# | `GAN_LAB_SPLIT=test` | use the 10,000-image test split (e.g. offline, when only it is at hand) |
# | `GAN_LAB_DATA=/folder` | where your IDX files are |
# | `GAN_LAB_DEVICE=cpu` | force a device (default: CUDA when present) |
# | `GAN_LAB_SEED=1` | another seed |
#
# Inside a notebook, sizes are chosen with `settings.pick(full=..., quick=...)`, so the same
# cells run in both modes; nothing is forked.
#
# **Turning them on.** Either start JupyterLab with them, from the repository's folder (every
# notebook's kernel inherits them; `GAN_LAB_DATA` must be an absolute path, since kernels run
# in `notebooks/`):
#
# ```bash
# GAN_LAB_QUICK=1 GAN_LAB_DATA=/absolute/path/to/data jupyter lab --ServerApp.root_dir=. notebooks/00_start_here.ipynb
# ```
#
# or set them inside one notebook in a cell *above* its settings cell, then run the settings
# cell again:
#
# ```python
# %env GAN_LAB_QUICK=1
# %env GAN_LAB_DATA=/absolute/path/to/data
# ```

# %%
steps = settings.pick(full=3000, quick=20)
print(f"A training cell in this mode would run {steps} steps.")

# %% [markdown]
# ## 4. The road map
#
# | # | notebook | you learn |
# |---|---|---|
# | 00 | start here | setup, data, short mode |
# | 01 | the minimax game | the value function, game dynamics, a 1D GAN trained live |
# | 02 | the optimal discriminator | $D^*$ derived and checked, JSD, why disjoint supports stall training |
# | 03 | an MLP GAN on MNIST | the discriminator and generator steps written out, reading training curves, a broken run, checkpoints |
# | 04 | DCGAN | the architecture guidelines, transposed-convolution shapes, a first latent interpolation |
# | 05 | evaluating GANs | FID, KID, IS, precision/recall, coverage, real-data floors, memorization |
# | 06 | loss variants | BCE, LSGAN, WGAN, WGAN-GP, hinge: what each minimizes, scored with notebook 05's metrics |
# | 07 | mode collapse and stabilization | seeing and measuring collapse, and the remedies |
# | 08 | conditional GANs | telling the generator which class to draw |
# | 09 | latent-space explorer | walking and editing the latent space interactively |
#
# Run them in order: each uses only ideas taught in the ones before it.
#
# **Colab:** the badge at the top opens a notebook there; its setup cell installs `gan_lab`.
# **Offline:** put the IDX files in a folder and set `GAN_LAB_DATA` (see the README).

# %% [markdown]
# ## Exercises
#
# Each check below is a function in `gan_lab/exercises/start.py`: it compares your answer
# with its own computation and ends in `self_check(answer, passes, hint)`, which prints
# "Correct!" or stops with a hint. An answer still left as `...` is reported as not attempted.
#
# **1.** Turn the first image back into the integer pixel values 0-255 it was read from, as a
# `torch.uint8` tensor of shape `(28, 28)`. (Invert the scaling formula above.)

# %%
pixels = ...  # your code here

# %%
from gan_lab.exercises import start

start.check_pixels(pixels, images[0]);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above)
solution_pixels = ((images[0, 0] + 1) * 127.5).round().to(torch.uint8)
start.check_pixels(solution_pixels, images[0]);

# %% [markdown]
# **2.** Every training step of a GAN starts by drawing a batch of real images. Write
# `real_batch(pixels, batch_size, rng)`: from a `torch.uint8` tensor of raw images
# `(N, H, W)`, draw `batch_size` *different* images at random, using the random-number
# generator `rng` (a `torch.Generator`) so that the same seed gives the same batch, and return
# them as `float32` of shape `(batch_size, 1, H, W)` scaled to $[-1, 1]$ like the course's data.
# The check calls your function on random images and compares with its own computation.

# %%
def real_batch(pixels, batch_size, rng):
    ...  # your code here


start.check_real_batch(real_batch);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
def solution_real_batch(pixels, batch_size, rng):
    index = torch.randperm(len(pixels), generator=rng)[:batch_size]
    return (pixels[index].float() / 127.5 - 1).unsqueeze(1)


start.check_real_batch(solution_real_batch)
raw = ((images[:1000, 0] + 1) * 127.5).round().to(torch.uint8)   # 1,000 images as stored on disk
show_images(solution_real_batch(raw, 16, torch.Generator().manual_seed(0)), nrow=8,
            title="a random real batch, as a training step sees it");

# %% [markdown]
# ## Summary
#
# - `gan_lab.setup()` fixes the seed and tells you the mode, data and device.
# - `gan_lab.load_dataset` finds real data online or offline and says where it came from.
# - Images live in $[-1, 1]$ as one tensor; short mode is one environment variable.
#
# **Further reading:** Goodfellow et al., *Generative Adversarial Nets* (2014),
# [arXiv:1406.2661](https://arxiv.org/abs/1406.2661); LeCun et al., *The MNIST database*;
# Xiao et al., *Fashion-MNIST* (2017), [arXiv:1708.07747](https://arxiv.org/abs/1708.07747).
