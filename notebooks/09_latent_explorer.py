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
# # 09 · The latent-space explorer
#
# **What you will learn:** what a generator's latent space looks like when you move through
# it by hand: interpolation between two samples (linear vs spherical), morphing one class
# into another with the noise held fixed, and GANSpace-style directions that change one
# property at a time; how the widgets stay fast (one image whose bytes are replaced), and
# how to check that what you see is exactly the generator's output.
#
# **Prerequisites:** notebook 04 (DCGAN, linear vs spherical interpolation); notebook 08
# (the conditional GAN) for the class morph.
#
# **Time (full mode, laptop CPU):** under 1 minute, plus as long as you like to play.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/09_latent_explorer.ipynb)

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
import time

import numpy as np
import torch

from gan_lab import explorer
from gan_lab.plots import show_images
from gan_lab.pretrained import available, load_pretrained

print("shipped generators:", ", ".join(available()))

# %% [markdown]
# ## 1. What the widgets show, and why they are fast
#
# Every explorer below shows **one** image widget (`ipywidgets.Image`). When you move a
# control, the kernel computes one sample $x = G(z)$ and replaces the widget's bytes:
#
# 1. pixels $p = \mathrm{round}\big((\mathrm{clamp}(x, -1, 1) + 1)\cdot 127.5\big)$, so $-1$
#    is black and $1$ white;
# 2. each pixel becomes an $8\times 8$ block (nearest neighbour: crisp pixels, no blur),
#    $28\times 28 \to 224\times 224$;
# 3. a PNG written directly with `zlib` (small, since digits are mostly flat black).
#
# No figure is redrawn. Where the widgets cannot run (GitHub's viewer, a static export, a
# kernel that is not running) you see a plain figure of the same thing under each explorer.
#
# The widgets work with every shipped generator: unconditional `G(z)` ones get the
# interpolation and the direction sliders; the conditional `G(z, y)` ones (notebook 08) get
# a class menu in both, and the class morph.

# %% [markdown]
# ## 2. Interpolation between two samples
#
# `dcgan-mnist` is the self-conditioned generator of notebook 08 (section 6): the first
# coordinate $z_0$ of its latent vector picks one of its 50 clusters, the other 100 draw
# the image within it. Along a path $z_0$ moves too, so the cluster switches at some points
# while the rest of $z$ moves smoothly (on the linear path $z_0$ moves monotonically, so every
# cluster it passes is numbered between the two ends' clusters).
#
# Pick two endpoints, by seed (the sliders) or by clicking **A** or **B** under a sample of
# the grid. The frame slider walks $t$ from 0 to 1 in `steps` frames; **▶** animates it in
# the browser (a `Play` widget linked to the slider with `jslink`, so the animation needs no
# Python loop). The strip underneath shows the whole path at once. Switch between
# **linear**, $z(t) = (1-t)z_A + t z_B$, and **spherical**, which keeps $\lVert z\rVert$ near
# $\sqrt{d}$ where almost all of $\mathcal N(0, I)$ lives (notebook 04).

# %%
interpolation = explorer.Interpolation("dcgan-mnist", seed_a=7, seed_b=9, steps=17)
interpolation

# %% [markdown]
# The same two paths as a plain figure (what the widget's strip shows for each mode):

# %%
for mode in ("linear", "spherical"):
    show_images(explorer.interpolation_images("dcgan-mnist", 7, 9, steps=10, mode=mode), nrow=10,
                title=f"{mode}: seed 7 → seed 9", size=7)
G = load_pretrained("dcgan-mnist")
ends = torch.stack([explorer.latent(seed, G.latent_dim) for seed in (7, 9)])
print("clusters of seed 7 and seed 9:", G.cluster(ends[:, 0]).tolist())
for mode, path in explorer.PATHS.items():   # the cluster each frame of the two rows above falls in
    print(f"{mode:9s} path, cluster of each frame:", G.cluster(path(*ends, 10)[:, 0]).tolist())

# %% [markdown]
# **What you see.** Seeds 7 and 9 lie three clusters apart (printed above). On the linear
# row $z_0$ crosses into each of the two clusters between them, yet the digit changes only
# once: clusters 11 and 10 both draw seed 7's 6, which grows more upright over frames 1 to 5;
# between frames 5 and 6, where $z_0$ enters cluster 9, it jumps in one step to seed 9's
# kind of 5, angular with a flat top, and then changes only a little. The spherical row
# differs: on it $z_0$ does not move monotonically but dips below both ends, into cluster 6,
# so the 6 becomes a 5 at the second frame, then a 2 for four frames (5 to 8), and a 5 again
# in the last two. Pairs whose
# clusters are further apart (try them in the widget) change digit several times on the
# way; a pair inside one cluster morphs smoothly all along (section 3 shows a smooth change
# of digit with a conditional generator). The other difference between the two paths is the
# norm of the latent points, printed below. The midpoint of two independent draws has norm
# about $\sqrt{d/2}$, a radius at which the generator saw almost no noise in training; for
# other pairs (try them in the widget) the linear middle frames may come out fainter or
# simpler, while the spherical path keeps the norm of ordinary samples.

# %%
for mode in ("linear", "spherical"):
    interpolation.mode.value = mode
    print(f"{mode:9s} |z(t)| at t = 0, 0.5, 1:",
          ", ".join(f"{interpolation.points[k].norm():.1f}" for k in (0, 8, 16)))
interpolation.mode.value = "linear"

# %% [markdown]
# Is the widget honest? Set the frame in code, decode the PNG the widget holds, and compare
# it with the generator's output for the same latent point, mapped to pixels by the formula:

# %%
from io import BytesIO

from PIL import Image

interpolation.frame.value = 5
shown = np.array(Image.open(BytesIO(interpolation.image.value)))
with torch.no_grad():
    x = G(interpolation.points[5][None])[0, 0]
pixels = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
print("displayed", shown.shape, "| largest difference from G(z(t)):",
      int(np.abs(shown.astype(int) - np.kron(pixels, np.ones((8, 8), np.uint8)).astype(int)).max()))

# %% [markdown]
# ## 3. Class morph: the same noise, another class
#
# A conditional generator $G(z, y)$ looks up a learned embedding $E[y]$ of the class and
# feeds $[z; E[y]]$ to the network (notebook 08). Nothing forces the class input to be one
# of the ten rows of $E$: with $z$ fixed we can feed the mix
#
# $$e(t) = (1 - t)\,E[a] + t\,E[b],$$
#
# `G.forward_embedding(z, e(t))`. At $t = 0$ and $t = 1$ it is exactly $G(z, a)$ and
# $G(z, b)$; in between, the network sees class inputs it was never trained on.

# %%
conditional = "cgan-mnist" if "cgan-mnist" in available() else None
if conditional:
    morph = explorer.ClassMorph(conditional, seed=3, class_a=1, class_b=7, steps=16)
    display(morph)
else:
    print("No conditional generator shipped: train one with scripts/train_conditional.py.")

# %%
if conditional:
    Gc = load_pretrained(conditional)
    z = explorer.latent(3, Gc.latent_dim).expand(8, -1)
    rows = []
    for a, b in ((1, 7), (3, 8), (4, 9)):
        with torch.no_grad():
            ends = Gc.embed(torch.tensor([a, b]))
            rows.append(Gc.forward_embedding(z, explorer.lerp(ends[0], ends[1], 8)))
    show_images(torch.cat(rows), nrow=8, title="z fixed (seed 3): 1 → 7, 3 → 8, 4 → 9", size=6)

# %% [markdown]
# **What you see.** The class input moves the image from one digit to the other through
# blends: a 1 grows the bar of a 7, a 3 closes its open side into an 8, an open 4 closes
# its top into a 9. At $t = 0$ and $t = 1$ they are the generator's own samples of the two
# classes. The handwriting stays along each row (the 1 and the 7 lean the same way, the
# 3 and the 8 have the same bold stroke): $z$, fixed here, carries the style.

# %% [markdown]
# ## 4. Directions that change one property at a time
#
# Most single coordinates of $z$ change several things at once. GANSpace (Härkönen et al.,
# 2020) finds better directions from the generator's own early features: draw many $z$, take
# the first layer's activations $f(z)$, find their principal components (the directions in
# which the features vary most), and carry each component back to latent space by least
# squares: $u_i$ is the direction in $z$ that moves the features along component $i$
# (`explorer.principal_directions`). For a conditional generator the features are centred
# per class, so the directions change style, not class. Each slider adds $\alpha_i u_i$:
# $G(z + \sum_i \alpha_i u_i)$. The $u_i$ have unit length and every coordinate of $z$ has
# standard deviation 1, so $\alpha = \pm 3$ is three standard deviations.

# %%
name = "dcgan-mnist"   # unconditional first; the conditional generator follows
G = load_pretrained(name)
directions = explorer.principal_directions(G, k=4, n=settings.pick(full=2000, quick=300))
sliders = explorer.Directions(name, directions=directions, seed=2)
sliders

# %% [markdown]
# As a figure: each row moves one direction from $\alpha = -3$ to $3$, for seed 2.

# %%
alphas = torch.linspace(-3, 3, 7)


def direction_rows(G, directions, seed, y=None):
    z0 = explorer.latent(seed, G.latent_dim)
    return explorer.run(G, torch.stack([z0 + a * u for u in directions for a in alphas]), y)


show_images(direction_rows(G, directions, 2), nrow=7, size=5,
            title="dcgan-mnist: directions 0-3 (rows), α = -3 … 3");
print("each direction's z_0 component (dcgan-mnist's cluster coordinate):",
      ", ".join(f"{u:.2f}" for u in directions[:, 0]))

# %% [markdown]
# **What you see.** For `dcgan-mnist` the first direction is almost all $z_0$ and the third
# has a clear $z_0$ component (printed above; each direction has length 1, so a random one
# would have about $1/\sqrt{101} \approx 0.1$): the largest source of variation in its
# features is the cluster, that is, mostly the digit. So the sliders change the digit in
# steps: seed 2's sample (the middle column, an 8) becomes a 0 towards $\alpha = -3$ in rows
# 1, 3 and 4, the clusters at the start of the numbering, and other digits (9s, 6s, 2s, a 3,
# a 1) towards $\alpha = 3$. Direction 1 (row 2) has almost no $z_0$ component, yet it too
# changes the digit: 6s and a 3 towards $\alpha = -3$, and a 5, a 2 and a 3 towards
# $\alpha = 3$. Style (width, slant, stroke) changes along with the digit. Directions found
# without labels mean different things for different seeds, so try a few.

# %% [markdown]
# With a conditional generator the class is fixed by $y$, so the features are centred per
# class and the directions are meant to carry style. Four directions of `cgan-mnist`, the
# same for both classes, applied to one $z$ (seed 2) drawn as a 3 and as a 7 (rows:
# direction 0, 1, 2, 3 for the 3, then the same for the 7); the sliders below start on the 3:

# %%
if conditional:   # Gc: the conditional generator loaded for the class morph above
    style_directions = explorer.principal_directions(Gc, k=4, n=settings.pick(full=2000, quick=300))
    show_images(torch.cat([direction_rows(Gc, style_directions, 2, y) for y in (3, 7)]), nrow=7, size=5,
                title=f"{conditional}: directions 0-3 (rows) for a 3, then a 7; α = -3 … 3")
    style_sliders = explorer.Directions(Gc, directions=style_directions, seed=2)
    style_sliders.label.value = 3   # the 3 of the figure; pick any class
    display(style_sliders)

# %% [markdown]
# **What you see.** The class holds, a 3 stays a 3 and a 7 a 7 in most frames, while the
# handwriting changes: for the 3, direction 0 goes from a thin, tilted 3 to a bolder one,
# direction 1 from a wide, bold 3 to a narrow one whose top loop nearly closes (at
# $\alpha = 3$ it is close to a 9), and direction 3 from a ragged 3 to a clean one; for the 7
# the changes are smaller, mostly stroke thickness and width (direction 0 breaks it at
# $\alpha = 3$). At the ends ($\alpha = \pm 3$)
# some frames break, and the same direction does not mean the same thing for every class:
# the directions are found from the features, not named, so reading them is your job.

# %% [markdown]
# ## 5. How fast is a frame?
#
# From setting a slider (as dragging it does) to new image bytes, in this kernel:

# %%
times = []
for k in [*range(1, 17), *range(15, -1, -1)] * settings.pick(full=3, quick=1):
    start = time.perf_counter()
    interpolation.frame.value = k
    times.append(time.perf_counter() - start)
print(f"{len(times)} frames: median {1e3 * np.median(times):.1f} ms, "
      f"95th percentile {1e3 * np.percentile(times, 95):.1f} ms")

# %% [markdown]
# A whole frame (one 28×28 DCGAN sample, its pixels, the upscaling and the PNG) takes the
# time printed above, and the widgets compute the sample on one thread on purpose: for a single small sample, splitting the work across threads
# costs more in waiting than it saves. `benchmarks/explorer_frame_time.py` measures every
# widget with every shipped generator.

# %% [markdown]
# ## Exercises
#
# **1.** The generator outputs $x = 0.5$ at some pixel. Which value between 0 and 255 does
# the widget's PNG hold there?

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercises.explorer import check_1, check_2, check_3

check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_1 = round((0.5 + 1) * 127.5)
check_1(answer_1);

# %% [markdown]
# **2.** With the `directions` above, which latent point does the direction explorer show
# for seed 3 when the sliders read $\alpha = (1, 0, -2, 0)$? Give the tensor.

# %%
answer_2 = ...  # your code here

# %%
check_2(answer_2, directions);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_2 = explorer.latent(3, directions.shape[1]) + 1 * directions[0] - 2 * directions[2]
check_2(answer_2, directions);

# %% [markdown]
# **3.** A path of 16 frames: which $t$ does frame 6 show?

# %%
answer_3 = ...  # your code here

# %%
check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_3 = 6 / 15
check_3(answer_3);

# %% [markdown]
# ## Summary
#
# - A latent space can be explored by hand: interpolate between samples, morph classes with
#   the noise fixed, or move along directions found from the generator's own features.
# - Spherical paths stay where the Gaussian's mass is; linear midpoints are atypical.
# - A self-conditioned generator such as `dcgan-mnist` has one coordinate, $z_0$, that picks
#   its cluster: paths and directions change the digit in steps where $z_0$ crosses a
#   cluster boundary, and smoothly in between.
# - With the class fixed, $z$ carries the style, and GANSpace directions of a conditional
#   generator change it without changing the class (mostly); mixing class embeddings shows
#   how the generator passes between the classes it learned.
# - Fast widgets replace the bytes of one image (one sample, pixels, nearest-neighbour
#   upscaling, PNG) instead of redrawing a figure; a test decodes those bytes and compares
#   them with the generator's output.
#
# **Further reading:** Härkönen, Hertzmann, Lehtinen & Paris, *GANSpace: Discovering
# Interpretable GAN Controls* (2020), [arXiv:2004.02546](https://arxiv.org/abs/2004.02546);
# White, *Sampling Generative Networks* (2016), [arXiv:1609.04468](https://arxiv.org/abs/1609.04468);
# Shen, Gu, Tang & Zhou, *Interpreting the Latent Space of GANs for Semantic Face Editing*
# (2020), [arXiv:1907.10786](https://arxiv.org/abs/1907.10786); the
# [ipywidgets documentation](https://ipywidgets.readthedocs.io).
