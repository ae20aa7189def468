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
# # 05 · Loss variants
#
# **What you will learn:** the six GAN objectives in common use (saturating and
# non-saturating BCE, least squares, WGAN with weight clipping, WGAN-GP, hinge): what each
# minimizes and how that shows in the code; why the Wasserstein critic still gives a
# gradient where BCE gives none; what weight clipping does to a critic and how the gradient
# penalty avoids it; and how the six compare on MNIST under one budget.
#
# **Prerequisites:** notebooks 01-04, especially the optimal discriminator and the
# disjoint-support example of notebook 02; notebook 06's metrics are used at the end.
#
# **Time (full mode, laptop CPU):** about 11 minutes.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/05_loss_variants.ipynb)

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

from gan_lab import metrics, models, toy
from gan_lab.data import BatchSource
from gan_lab.features import extract, load_classifier
from gan_lab.latent import generate
from gan_lab.losses import LOSSES, get_loss, gradient_penalty
from gan_lab.plots import plot_history, show_images
from gan_lab.train import Trainer, fit_discriminator

# %% [markdown]
# ## 1. Six objectives, one interface
#
# Write $r = D(x)$ for the discriminator's (or critic's) raw score on real data and
# $f = D(G(z))$ on fakes; $\sigma$ is the sigmoid. All six live in `gan_lab/losses.py`,
# each a few lines with its formula in the docstring, selected by name:
#
# | name | $L_D$ | $L_G$ | minimizes (at the optimal $D$) |
# |---|---|---|---|
# | `minimax` | $-\mathbb{E}\log\sigma(r) - \mathbb{E}\log(1-\sigma(f))$ | $\mathbb{E}\log(1-\sigma(f))$ | $2\,\mathrm{JSD} - \log 4$ (notebook 02) |
# | `non-saturating` | same | $-\mathbb{E}\log\sigma(f)$ | same fixed point, strong early gradient |
# | `lsgan` | $\tfrac12\mathbb{E}(r-1)^2 + \tfrac12\mathbb{E}f^2$ | $\tfrac12\mathbb{E}(f-1)^2$ | a Pearson $\chi^2$ divergence (Mao et al., 2017) |
# | `wgan` | $\mathbb{E}f - \mathbb{E}r$, weights clipped to $[-c, c]$ | $-\mathbb{E}f$ | $W_1$, if the clipped critic is 1-Lipschitz |
# | `wgan-gp` | $\mathbb{E}f - \mathbb{E}r + \lambda\,\mathbb{E}(\lVert\nabla D(\hat x)\rVert_2 - 1)^2$ | $-\mathbb{E}f$ | $W_1$, Lipschitz enforced softly |
# | `hinge` | $\mathbb{E}\max(0, 1-r) + \mathbb{E}\max(0, 1+f)$ | $-\mathbb{E}f$ | a margin version; the critic stops pushing past $\pm 1$ |
#
# The Wasserstein pair rests on the **Kantorovich-Rubinstein duality**:
# $W_1(p, q) = \sup_{\lVert D\rVert_L \le 1} \mathbb{E}_p D - \mathbb{E}_q D$. A critic that
# maximizes $\mathbb{E}r - \mathbb{E}f$ over 1-Lipschitz functions *estimates* $W_1$; the two
# variants differ in how they keep it Lipschitz. WGAN-GP's penalty is taken at random
# interpolates $\hat x = \epsilon x + (1-\epsilon)\tilde x$ with **one** $\epsilon \sim U[0,1]$
# per example, and the gradient norm runs over all of an example's pixels.
#
# Each variant carries its own options and its paper's optimizer settings:

# %%
for name in LOSSES:
    print(f"{name:>15}: {get_loss(name)}")

# %% [markdown]
# A quick check of two claims in the table on numbers we can do by hand. For a linear critic
# $D(x) = w\cdot x$ the input gradient is $w$ everywhere, so the penalty must be exactly
# $\lambda(\lVert w\rVert - 1)^2$; and every interpolate must mix its two images with a
# single factor.

# %%
w = torch.randn(784, generator=torch.Generator().manual_seed(settings.seed)) / 20
linear_critic = lambda x: x.flatten(1) @ w
real, fake = torch.rand(16, 1, 28, 28) * 2 - 1, torch.rand(16, 1, 28, 28) * 2 - 1
penalty = get_loss("wgan-gp", lambda_gp=10.0).penalty(linear_critic, real, fake)
print(f"penalty {penalty.item():.6f} vs λ(|w| - 1)² = {10 * (w.norm() - 1).item() ** 2:.6f}")
assert abs(penalty.item() - 10 * (w.norm().item() - 1) ** 2) < 1e-4

# %% [markdown]
# ## 2. Disjoint supports: who still gets a gradient?
#
# Back to the parallel lines of notebook 02: data on the segment $(0, u)$, the generator on
# $(\theta, u)$, $u \sim U[0, 1]$. For each distance $\theta$ we train a discriminator (or
# critic) to convergence against the fixed generator, then ask the question that matters
# for learning: how large is $\partial L_G / \partial\theta$, the push the generator gets
# towards the data? Same network, same 1000 Adam steps for each loss.

# %%
thetas = [0.25, 0.5, 1.0, 2.0, 4.0]
compared = ("minimax", "non-saturating", "wgan-gp")


def push_and_estimate(loss_name, theta):
    """Train D on line(0) vs line(theta); return dL_G/dtheta and E[D(real)] - E[D(fake)]."""
    torch.manual_seed(settings.seed)
    _, critic = models.toy_pair(dim=2, hidden=(64, 64))
    fit_discriminator(critic, toy.VerticalSegment(0.0, 256, seed=1), toy.VerticalSegment(theta, 256, seed=2),
                      loss=loss_name, steps=1000, lr=1e-3, progress=False)
    shift = torch.tensor(theta, requires_grad=True)
    u = torch.rand(4096, 1, generator=torch.Generator().manual_seed(settings.seed))
    fake = torch.cat([shift.expand(4096, 1), u], 1)
    (push,) = torch.autograd.grad(get_loss(loss_name).generator_loss(critic(fake)), shift)
    with torch.no_grad():
        gap = critic(torch.cat([torch.zeros_like(u), u], 1)).mean() - critic(fake).mean()
    return push.item(), gap.item()


results = {name: [push_and_estimate(name, t) for t in thetas] for name in compared}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for name in compared:
    axes[0].plot(thetas, [abs(p) for p, _ in results[name]], "o-", label=name)
axes[0].set(xlabel="θ (distance between the lines)", ylabel="|∂L_G/∂θ|", yscale="log", xscale="log")
axes[0].legend(fontsize=8)
axes[1].plot(thetas, [g for _, g in results["wgan-gp"]], "o-", label="WGAN-GP critic: E[D(x)] - E[D(G(z))]")
axes[1].plot(thetas, thetas, "k:", label="$W_1 = θ$")
axes[1].set(xlabel="θ", ylabel="estimate")
axes[1].legend(fontsize=8)
plt.tight_layout()
for name in compared:
    print(f"{name:>15}: dL_G/dθ = " + "  ".join(f"{p:+.1e}" for p, _ in results[name]))

# %%
saturating = [p for p, _ in results["minimax"]]
wasserstein = [p for p, _ in results["wgan-gp"]]
assert all(b < a for a, b in zip(saturating, saturating[1:])), "the saturating push should fade with θ"
assert saturating[-1] < 0.01 * abs(wasserstein[-1]), "BCE's push should be negligible when far apart"
assert all(0.7 < p < 1.5 for p in wasserstein), "the critic's slope should stay close to 1"
assert all(abs(g - t) < 0.3 * t for (_, g), t in zip(results["wgan-gp"], thetas)), "critic should estimate W1 = θ"

# %% [markdown]
# Read the plot as the generator would:
#
# - **minimax** (the JSD objective): the push fades by orders of magnitude as the lines
#   separate. This is the vanishing gradient of notebook 02, now measured on a trained
#   discriminator: far from the data, the generator learns almost nothing.
# - **WGAN-GP**: the push stays close to 1, the slope of a 1-Lipschitz critic, whatever the
#   distance, always towards the data; and the critic's $\mathbb{E}D(x) - \mathbb{E}D(G(z))$
#   tracks $W_1 = \theta$.
# - **non-saturating** also keeps a push here, but its size reflects how steep the BCE
#   discriminator's logit became in training (it grows without bound on separable data),
#   not the distance, and it too shrinks as $\theta$ grows.
#
# ## 3. Keeping the critic Lipschitz: weight clipping vs gradient penalty
#
# WGAN keeps the critic Lipschitz by clipping every weight to $[-c, c]$; WGAN-GP instead
# penalizes $\lVert\nabla D\rVert \ne 1$ where it matters. Train the same 3-layer critic
# both ways on the 8-Gaussian ring (data) against a blob at the centre (a fixed
# generator), recording the critic's gradient norm at the interpolates as it trains.

# %%
from gan_lab.losses import interpolate_gradient_norms

ring = toy.ring(8, radius=2.0, std=0.1)
blob = toy.GaussianMixture(torch.zeros(1, 2), 0.5)
probe_real = ring.sample(512, torch.Generator().manual_seed(1))
probe_fake = blob.sample(512, torch.Generator().manual_seed(2))
critics, curves = {}, {}
for name in ("wgan", "wgan-gp"):
    torch.manual_seed(settings.seed)
    _, critics[name] = models.toy_pair(dim=2, hidden=(128, 128, 128))
    curves[name] = []
    fit_discriminator(critics[name], toy.SampleSource(ring, 256, seed=1), toy.SampleSource(blob, 256, seed=2),
                      loss=name, steps=settings.pick(full=2000, quick=400), lr=1e-3, progress=False,
                      callback=lambda step, D, name=name: curves[name].append(
                          (step, interpolate_gradient_norms(D, probe_real, probe_fake,
                                                            torch.Generator().manual_seed(3)).mean().item())),
                      every=50)

fig, axes = plt.subplots(1, 4, figsize=(15, 3.3))
for name, color in (("wgan", "C0"), ("wgan-gp", "C1")):
    weights = torch.cat([m.weight.detach().flatten() for m in critics[name].modules()
                         if isinstance(m, torch.nn.Linear)])
    axes[0 if name == "wgan" else 1].hist(weights, bins=60, color=color)
    axes[0 if name == "wgan" else 1].set(title=f"{name}: critic weights", xlabel="weight")
    steps_, norms_ = zip(*curves[name])
    axes[2].plot(steps_, norms_, color=color, label=name)
axes[2].set(title="‖∇D(x̂)‖ during training", xlabel="critic step", yscale="log")
axes[2].legend(fontsize=8)
side = torch.linspace(-3, 3, 121)
xx, yy = torch.meshgrid(side, side, indexing="xy")
with torch.no_grad():
    values = critics["wgan-gp"](torch.stack([xx.flatten(), yy.flatten()], 1)).reshape(121, 121)
axes[3].contourf(xx, yy, values, levels=20, cmap="coolwarm")
axes[3].scatter(*probe_real[:200].T, s=2, c="k")
axes[3].set(title="WGAN-GP critic (data in black)", aspect="equal")
plt.tight_layout()

# %%
clipped = torch.cat([m.weight.detach().flatten() for m in critics["wgan"].modules() if isinstance(m, torch.nn.Linear)])
at_bound = (clipped.abs() >= 0.999 * get_loss("wgan").clip).float().mean().item()
final = {name: curves[name][-1][1] for name in curves}
gaps = {}
for name, critic in critics.items():
    with torch.no_grad():
        gaps[name] = (critic(probe_real).mean() - critic(probe_fake).mean()).item()
print(f"clipped critic: {at_bound:.0%} of weights sit exactly at ±c")
print(f"final mean ‖∇D(x̂)‖: clipping {final['wgan']:.4f}, penalty {final['wgan-gp']:.3f}")
print(f"critic's E[D(real)] - E[D(fake)]: clipping {gaps['wgan']:.4f}, penalty {gaps['wgan-gp']:.3f}")
assert at_bound > 0.5 and final["wgan"] < 0.1 < 0.8 < final["wgan-gp"] < 1.3

# %% [markdown]
# Weight clipping's pathologies, as Gulrajani et al. (2017) describe them, are all here:
# the weights pile up at the clip value (the share is printed above: the critic spends its
# capacity fighting the constraint); its gradient norm is tiny, so the "Wasserstein estimate"
# $\mathbb{E}D(x) - \mathbb{E}D(G(z))$ is a scaled-down number with little resolution; and
# the only functions it can express well are very simple ones. The gradient penalty leaves
# the weights free, holds $\lVert\nabla D\rVert$ near 1 where real and fake meet, and the
# critic shapes itself around the 8 modes.

# %% [markdown]
# ## 4. A fair comparison on MNIST
#
# Same generator and critic architecture for every variant (DCGAN, with the critic's batch
# norm off, since WGAN-GP's per-example penalty is wrong under batch norm), same seed, same
# data order, and the same **wall-clock budget** each, because the Wasserstein variants take
# 5 critic steps per generator step: per second of compute they get fewer generator steps,
# and that is part of the comparison. Each variant uses its paper's optimizer settings
# (printed in section 1). Quality is measured as in notebook 06: FID and KID in the feature
# space of the course's classifier, beside the real-data floor at the same sample size.

# %%
data = gan_lab.load_course_data(settings)
budget = settings.pick(full=95.0, quick=3.0)
runs = {}
for name in LOSSES:
    torch.manual_seed(settings.seed)
    runs[name] = Trainer(models.DCGANGenerator(), models.DCGANDiscriminator(batch_norm=False),
                         BatchSource(data.images, 64, seed=settings.seed), loss=name, seed=settings.seed)
    runs[name].train(max_seconds=budget)
    print(f"{name:>15}: {runs[name].step:5d} generator steps, {runs[name].data_step:5d} critic steps "
          f"in {runs[name].elapsed:.0f} s")

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 8.4))
for ax, (name, run) in zip(axes.flat, runs.items()):
    show_images(run.sample(run.fixed_noise[:36]), nrow=6, ax=ax, title=f"{name} ({run.step} steps)")
plt.tight_layout()

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 6))
for ax, (name, run) in zip(axes.flat, runs.items()):
    window = max(1, min(50, run.step // 10))
    plot_history(run.history, window=window, axes=[ax, ax.twinx()])
    ax.set_title(name)
    ax.get_legend().remove()
plt.tight_layout()

# %% [markdown]
# (Left axis: the two losses; right axis: $D$'s readout on real and fake data, a
# probability for the BCE variants and a raw score for the others. The units differ between
# variants, which is why a loss value says nothing across objectives; the metrics below do.)

# %%
classifier = load_classifier(data.name)
n = settings.pick(full=2000, quick=500)
order = torch.randperm(len(data), generator=torch.Generator().manual_seed(settings.seed))
feats_a, _ = extract(classifier, data.images[order[:n]])
kid_args = dict(kid_subsets=settings.pick(full=50, quick=10), kid_subset_size=min(n, 1000), seed=settings.seed)

table = {"real data (floor)": metrics.evaluate(feats_a, *extract(classifier, data.images[order[n:2 * n]]), **kid_args)}
for name, run in runs.items():
    table[name] = metrics.evaluate(feats_a, *extract(classifier, generate(run.generator, n, settings.seed)), **kid_args)

columns = ("FID", "KID", "KID std", "precision", "recall", "class KL")
print(f"{'':>18}{'G steps':>9}{'ms/step':>9}" + "".join(f"{c:>10}" for c in columns))
for name, row in table.items():
    run = runs.get(name)
    steps_text = f"{run.step:>9d}{1000 * run.elapsed / run.step:>9.1f}" if run else " " * 18
    print(f"{name:>18}{steps_text}" + "".join(f"{row[c]:>10.3f}" for c in columns))
ranking = sorted(runs, key=lambda name: table[name]["KID"])
print("\nranked by KID (lower is better), this seed and budget:", " < ".join(ranking))
assert all(table[name]["KID"] > table["real data (floor)"]["KID"] for name in runs), "no generator beats the data"

# %% [markdown]
# **How to read the table.** Look at the step counts first: on an equal clock the
# Wasserstein variants got several times fewer generator updates (5 critic steps each, and
# a second backward pass for the penalty), which is much of why their samples lag here;
# published WGAN-GP results train for far longer. Differences smaller than a few KID
# standard deviations are noise; with one seed, even larger ones can be luck of the initialization (run the
# notebook with `GAN_LAB_SEED=1, 2, ...` to see the spread). The per-step cost column is as
# important as the scores: the Wasserstein variants pay for 5 critic steps and, for
# WGAN-GP, a second backward pass for the penalty.
#
# **Which to choose.** The published large-scale comparison (Lucic et al., 2018) found no
# loss consistently better than the non-saturating one once each was tuned, so:
#
# - start with **non-saturating** BCE (or **hinge**, the default of SAGAN and BigGAN): one
#   critic step per generator step, cheap and robust with a sound architecture;
# - reach for **WGAN-GP** when training is unstable or the supports are far apart (section
#   2), or when you want a loss curve that tracks sample quality; budget for the extra
#   critic steps and keep batch norm out of the critic;
# - avoid the **saturating** minimax loss (section 2 of notebook 01 and above) and **weight
#   clipping** (section 3); **LSGAN** is a reasonable alternative with smooth gradients.

# %% [markdown]
# ## Exercises
#
# **1.** A critic outputs $r = (2, 0)$ on two real images and $f = (-1, 3)$ on two fakes.
# What is the hinge discriminator loss $\mathbb{E}\max(0, 1-r) + \mathbb{E}\max(0, 1+f)$?

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercise import self_check


def check_1(answer):
    expected = get_loss("hinge").discriminator_loss(torch.tensor([2.0, 0.0]), torch.tensor([-1.0, 3.0])).item()
    return self_check(answer, lambda v: abs(v - expected) < 1e-6,
                      "real terms: max(0, 1-2)=0 and max(0, 1-0)=1; fake terms: max(0, 1-1)=0 and max(0, 1+3)=4.")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_1 = (0 + 1) / 2 + (0 + 4) / 2
check_1(answer_1);

# %% [markdown]
# **2.** The classic bug: drawing the interpolation factor *per pixel*
# (`torch.rand_like(real)`) instead of per example. Build such interpolates between `real`
# and `fake` from section 1 and return them; the check confirms they are no longer a
# straight-line mix of each image pair.

# %%
answer_2 = ...  # your code here

# %%
def check_2(x_hat):
    def per_example_factor_is_constant(x):
        # fit x - x̃ = ε (x_real - x̃) per example by least squares; a single ε leaves no residual
        d, t = (real - fake).flatten(1), (x - fake).flatten(1)
        eps = (t * d).sum(1, keepdim=True) / (d * d).sum(1, keepdim=True)
        return bool(((t - eps * d).norm(dim=1) / d.norm(dim=1) < 1e-5).all())

    from gan_lab.losses import interpolate
    assert per_example_factor_is_constant(interpolate(real, fake)), "gan_lab's interpolates should pass"
    return self_check(x_hat, lambda x: x.shape == real.shape and not per_example_factor_is_constant(x),
                      "eps = torch.rand_like(real); x_hat = eps * real + (1 - eps) * fake")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: a factor per pixel mixes every pixel differently, so x̂ leaves the segment
# between x and x̃ and the penalty constrains the critic at the wrong points.
eps = torch.rand_like(real)
answer_2 = eps * real + (1 - eps) * fake
check_2(answer_2);

# %% [markdown]
# **3.** For the parallel lines at distance $\theta = 3$, what value should a perfect
# 1-Lipschitz critic's $\mathbb{E}D(x) - \mathbb{E}D(G(z))$ approach?

# %%
answer_3 = ...  # your code here

# %%
def check_3(answer):
    return self_check(answer, lambda v: abs(v - 3.0) < 1e-9, "by Kantorovich-Rubinstein, it is W1; notebook 02 found W1 = |θ|.")


check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_3 = 3.0
check_3(answer_3);

# %% [markdown]
# ## Summary
#
# - Six objectives, one interface: each is a pair of few-line formulas (plus a penalty or a
#   clip), selected by name, with its options and optimizer settings attached.
# - BCE-based losses measure a divergence (JSD) that is flat when supports are disjoint;
#   the saturating generator loss then gets no push. A Lipschitz critic estimates $W_1$ and
#   pushes with slope about 1 at any distance.
# - Weight clipping wastes the critic's capacity and shrinks its gradients; the gradient
#   penalty (per-example factor, norm over all pixels, at interpolates) does not.
# - Compare losses on the same architecture, seed and compute budget, with metrics and
#   their real-data floor, not with loss values.
#
# **Further reading:** Mao et al., *Least Squares GANs* (2017), [arXiv:1611.04076](https://arxiv.org/abs/1611.04076);
# Arjovsky et al., *Wasserstein GAN* (2017), [arXiv:1701.07875](https://arxiv.org/abs/1701.07875);
# Gulrajani et al., *Improved Training of Wasserstein GANs* (2017), [arXiv:1704.00028](https://arxiv.org/abs/1704.00028);
# Miyato et al., *Spectral Normalization for GANs* (2018), [arXiv:1802.05957](https://arxiv.org/abs/1802.05957);
# Lucic et al., *Are GANs Created Equal?* (2018), [arXiv:1711.10337](https://arxiv.org/abs/1711.10337).
