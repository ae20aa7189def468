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
# # 01 · The minimax game
#
# **What you will learn:** the value function $V(D, G)$ and what each player wants; why
# gradient play on a game cycles or spirals instead of settling; how a 1D GAN learns a
# density, watched live; why practitioners use the *non-saturating* generator loss; and how
# to read the numbers a GAN prints while it trains.
#
# **Prerequisites:** notebook 00; derivatives and the chain rule; logistic regression
# (a sigmoid and binary cross-entropy).
#
# **Time (full mode, laptop CPU):** about 1 minute.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/01_minimax_game.ipynb)

# %%
# Setup: installs gan_lab where it is missing (Colab, or a kernel outside the course's env).
try:
    import gan_lab
except ImportError:
    # %pip install -q "gan-lab @ git+https://github.com/gan-lab/gan-lab"
    import gan_lab

# %%
settings = gan_lab.setup()  # seed, short/full mode, dataset, device: printed below

# %%
import math

import matplotlib.pyplot as plt
import torch

from gan_lab import models, theory, toy
from gan_lab.losses import get_loss
from gan_lab.plots import plot_density_1d, plot_history
from gan_lab.train import Trainer, recent_mean, update_D

# %% [markdown]
# ## 1. Two players, one number
#
# A **generator** $G$ turns noise $z \sim p_z$ into samples $G(z)$; a **discriminator** $D$
# outputs the probability $D(x)$ that $x$ came from the data. Goodfellow et al. (2014) set
# them one value function:
#
# $$V(D, G) = \mathbb{E}_{x \sim p_{data}}[\log D(x)] + \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))].$$
#
# $D$ wants $V$ **large** (say "real" on data, "fake" on samples); $G$ wants it **small**
# (fool $D$). The game is
#
# $$\min_G \max_D V(D, G):$$
#
# the inner $\max$ comes first: for each generator, the best discriminator; the generator
# is judged against that best response. Since $D$ is a probability, both logs are
# $\le 0$, so $V \le 0$. A discriminator that always says $\tfrac12$ gets
# $V = \log\tfrac12 + \log\tfrac12 = -\log 4$, whatever $G$ is. Let us check both facts
# with `theory.value_monte_carlo`, which averages the two logs over samples.

# %%
n = 10_000
coin = theory.value_monte_carlo(torch.full((n,), 0.5), torch.full((n,), 0.5))
sharp = theory.value_monte_carlo(torch.full((n,), 0.999), torch.full((n,), 0.001))
print(f"D = 1/2 everywhere: V = {coin:.6f}   (-log 4 = {-math.log(4):.6f})")
print(f"D almost always right (0.999 / 0.001): V = {sharp:.6f}   (the ceiling is 0)")
assert abs(coin + math.log(4)) < 1e-12 and -0.01 < sharp <= 0

# %% [markdown]
# ## 2. Why games are harder than minimization: $\min_x \max_y\; x\,y$
#
# The simplest game with the same structure: $x$ wants $xy$ small, $y$ wants it large.
# The only equilibrium is $(0, 0)$. Gradient play with step $\eta$:
#
# - **simultaneous:** $x \leftarrow x - \eta y,\; y \leftarrow y + \eta x$. Each step
#   multiplies the distance to $(0,0)$ by exactly $\sqrt{1 + \eta^2}$: it spirals **out**.
# - **alternating** (what GAN training loops do): $x \leftarrow x - \eta y,\;
#   y \leftarrow y + \eta x_{new}$. Now $x^2 + y^2 - \eta xy$ stays constant: it **cycles**
#   around the equilibrium forever and never reaches it.
#
# `theory.bilinear_game` plays both; we plot them and check both claims.

# %%
eta, steps = 0.1, 150
simultaneous = theory.bilinear_game(1.0, 0.0, eta, steps)
alternating = theory.bilinear_game(1.0, 0.0, eta, steps, alternating=True)

fig, ax = plt.subplots(figsize=(5, 5))
ax.plot(*simultaneous.T, label="simultaneous: spirals out")
ax.plot(*alternating.T, label="alternating: cycles")
ax.plot(0, 0, "k*", ms=12, label="equilibrium (0, 0)")
ax.set(xlabel="x (minimizes xy)", ylabel="y (maximizes xy)", aspect="equal")
ax.legend(loc="lower left", fontsize=8);

# %%
growth = simultaneous.norm(dim=1)[-1] / simultaneous.norm(dim=1)[0]
x, y = alternating.T
invariant = x ** 2 + y ** 2 - eta * x * y
print(f"simultaneous: distance grew x{growth:.4f}; predicted (1 + eta^2)^(t/2) = "
      f"{(1 + eta ** 2) ** (steps / 2):.4f}")
print(f"alternating: x^2 + y^2 - eta*x*y ranges over [{invariant.min():.12f}, {invariant.max():.12f}]")
assert abs(growth - (1 + eta ** 2) ** (steps / 2)) < 1e-9
assert (invariant - 1).abs().max() < 1e-12

# %% [markdown]
# Neither method finds the equilibrium. Real GANs are not bilinear, but near an
# equilibrium they look like this game locally, which is why their losses oscillate
# rather than go down, and why tricks that damp the rotation (smaller steps, averaging,
# gradient penalties) matter. We meet those later in the course.
#
# ## 3. A 1D GAN, trained live
#
# Now the real thing, small enough to see everything: data from $\mathcal{N}(2, 0.5^2)$, a
# generator that maps 1D noise through a small MLP, and a discriminator that is another
# small MLP. `gan_lab.train.Trainer` runs the alternating updates. We stop it a few times
# and draw the picture of Goodfellow et al.'s Figure 1: the data density (black dots), the
# generator's density (green, estimated from its samples), and $D(x)$ (blue dashes).

# %%
p_data = toy.gaussian_mixture_1d([2.0], 0.5)
grid = torch.linspace(-2, 5, 400)

torch.manual_seed(settings.seed)
generator, discriminator = models.toy_pair(dim=1, latent_dim=1, hidden=(32, 32))
gan = Trainer(generator, discriminator, toy.SampleSource(p_data, 256, seed=settings.seed),
              "non-saturating", lr=1e-3, seed=settings.seed)


def picture(trainer, ax, title):
    """Draw p_data, the generator's density (KDE of 5000 samples) and D on the grid."""
    p_g = theory.gaussian_kde(trainer.sample(5000), grid)
    with torch.no_grad():
        d = torch.sigmoid(trainer.discriminator(grid[:, None]))
    plot_density_1d(ax, grid, p_data.pdf(grid), p_g, d, title)


# The same schedule in both modes: this toy trains in seconds.
stops = [0, 60, 300, 3000]
fig, axes = plt.subplots(1, len(stops), figsize=(14, 3))
for ax, (start, stop) in zip(axes, zip([0] + stops, stops)):
    if stop > start:
        gan.train(stop - start, progress=stop - start > 100)
    picture(gan, ax, f"after {stop} steps")
axes[0].legend(fontsize=8)
plt.tight_layout()

# %% [markdown]
# At first $D$ separates the two clouds easily (it is near 1 on the data and near 0 on the
# samples); the generator's density moves towards the data along $D$'s slope; at the end
# the densities overlap and $D(x)$ is close to $\tfrac12$ everywhere: it cannot tell them
# apart. How close did the generator get?

# %%
samples = gan.sample(20_000).flatten()
with torch.no_grad():
    d_on_data = torch.sigmoid(gan.discriminator(p_data.sample(20_000)))
print(f"data:      mean {p_data.means[0, 0]:.3f}, std {p_data.stds[0]:.3f}")
print(f"generator: mean {samples.mean():.3f}, std {samples.std():.3f}")
print(f"D on real data: between {d_on_data.quantile(0.05):.3f} and {d_on_data.quantile(0.95):.3f} (5%-95%)")
assert abs(samples.mean() - 2.0) < 0.3, "the generator should have moved onto the data"
assert 0.4 < d_on_data.quantile(0.05) and d_on_data.quantile(0.95) < 0.6, "D should be near 1/2"

# %% [markdown]
# The mean is right; the width usually is not exactly: a small discriminator that already
# outputs about $\tfrac12$ gives the generator little signal about the spread. A GAN matches
# a distribution only as well as its discriminator can tell the difference.
#
# ## 4. Saturating vs non-saturating generator loss
#
# Write $D(G(z)) = \sigma(\ell)$ with $\ell$ the discriminator's logit. The generator's loss
# from the value function, $\log(1 - \sigma(\ell))$, the **saturating** (minimax) loss, has
#
# $$\frac{\partial}{\partial \ell} \log(1 - \sigma(\ell)) = -\sigma(\ell) = -D(G(z)),$$
#
# which vanishes exactly when $D$ confidently rejects the fakes, early in training. The
# **non-saturating** loss $-\log \sigma(\ell)$ has the same fixed point but
#
# $$\frac{\partial}{\partial \ell} \bigl(-\log \sigma(\ell)\bigr) = \sigma(\ell) - 1 = -(1 - D(G(z))),$$
#
# strong when the generator is bad. Autograd through `gan_lab.losses` gives both curves:

# %%
d_fake = torch.linspace(0.001, 0.999, 200, dtype=torch.float64)
logit = torch.logit(d_fake).requires_grad_(True)
slopes = {}
for name in ("minimax", "non-saturating"):
    # generator_loss averages over the batch; times len() gives each example's own gradient
    (slopes[name],) = torch.autograd.grad(get_loss(name).generator_loss(logit) * len(logit), logit)

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(d_fake, slopes["minimax"].abs(), label="saturating: $|\\partial/\\partial\\ell| = D(G(z))$")
ax.plot(d_fake, slopes["non-saturating"].abs(), label="non-saturating: $1 - D(G(z))$")
ax.set(xlabel="D(G(z))", ylabel="|gradient w.r.t. the logit|")
ax.legend(fontsize=8);
assert torch.allclose(slopes["minimax"], -d_fake) and torch.allclose(slopes["non-saturating"], d_fake - 1)

# %% [markdown]
# What this means for a generator: train a discriminator alone against a fresh generator
# until it is confident, then measure the gradient each loss sends into the generator's
# weights, on the same noise.

# %%
torch.manual_seed(settings.seed)
fresh = Trainer(*models.toy_pair(dim=1, latent_dim=1), toy.SampleSource(p_data, 256),
                "minimax", lr=1e-3, seed=settings.seed)
for _ in range(300):  # only D learns (update_D); G stays where it started
    x, _ = fresh.next_batch()
    update_D(x, fresh.noise(len(x)), fresh.discriminator, fresh.generator, fresh.loss, fresh.opt_d)

z = fresh.noise(1024)
fake_logits = fresh.discriminator(fresh.generator(z))
norms = {}
for name in ("minimax", "non-saturating"):
    fresh.generator.zero_grad()
    get_loss(name).generator_loss(fake_logits).backward(retain_graph=True)
    norms[name] = torch.cat([p.grad.flatten() for p in fresh.generator.parameters()]).norm().item()
print(f"D(G(z)) after training D alone: {torch.sigmoid(fake_logits).mean():.4f}")
for name, value in norms.items():
    print(f"{name:>15}: |grad of G's weights| = {value:.2e}")
print(f"ratio non-saturating / saturating: {norms['non-saturating'] / norms['minimax']:.0f}x")
assert norms["non-saturating"] > 10 * norms["minimax"]

# %% [markdown]
# ## 5. Reading the numbers
#
# A training run prints the two losses and $D$'s average output on real data, $D(x)$, and on
# generated data, $D(G(z))$. On this toy we know the ideal end point: when $p_g = p_{data}$
# the best $D$ is $\tfrac12$ everywhere, so
#
# - $D(x) = D(G(z)) = \tfrac12$;
# - $L_D = -\log\tfrac12 - \log\tfrac12 = 2\log 2 \approx 1.386$ (`gan_lab` reports the sum of
#   the real and fake terms);
# - non-saturating $L_G = -\log\tfrac12 = \log 2 \approx 0.693$.
#
# The curves of the run from section 3, smoothed:

# %%
axes = plot_history(gan.history, window=50)
axes[0].axhline(2 * math.log(2), color="gray", ls=":")
axes[0].axhline(math.log(2), color="gray", ls=":")
axes[1].axhline(0.5, color="gray", ls=":")
plt.tight_layout()

last = recent_mean(gan.history, 500)
print(f"last 500 steps: L_D {last['loss_d']:.3f} (2 log 2 = {2 * math.log(2):.3f}), "
      f"L_G {last['loss_g']:.3f} (log 2 = {math.log(2):.3f}), "
      f"D(x) {last['d_real']:.3f}, D(G(z)) {last['d_fake']:.3f}")
assert abs(last["loss_d"] - 2 * math.log(2)) < 0.05 and abs(last["loss_g"] - math.log(2)) < 0.05

# %% [markdown]
# How to read them in general:
#
# - **Losses do not go to zero** and falling losses are not progress: each player's loss
#   depends on the other. Near $2\log 2$ and $\log 2$ with small wiggles is healthy.
# - $D(x) \to 1$ **and** $D(G(z)) \to 0$ for long: the discriminator wins, the generator's
#   gradient (saturating loss) dies. Fix: the non-saturating loss, a smaller $D$ learning rate.
# - $L_D \to 0$ suddenly, or `nan`: divergence. `Trainer` stops with a message on non-finite
#   losses.
# - Always look at samples too: the numbers cannot tell a good generator from one that
#   produces a single convincing sample (mode collapse, a later notebook).

# %% [markdown]
# ## Exercises
#
# **1.** A discriminator outputs $D(x) = 0.8$ on every real example and $D(G(z)) = 0.3$ on
# every fake. What is $V(D, G)$? (A number; compute it by hand or with `math.log`.)

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercise import self_check


def check_1(answer):
    return self_check(answer, lambda v: abs(v - (math.log(0.8) + math.log(0.7))) < 1e-6,
                      "V = log D(x) + log(1 - D(G(z))); both are averages of constants here.")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (click the bar on the left to reveal)
answer_1 = math.log(0.8) + math.log(1 - 0.3)
check_1(answer_1);

# %% [markdown]
# **2.** In simultaneous play on $xy$ with $\eta = 0.1$, after how many steps has the
# distance to the equilibrium first doubled? Answer with an integer.

# %%
answer_2 = ...  # your code here


# %%
def check_2(answer):
    r = theory.bilinear_game(1.0, 0.0, 0.1, 400).norm(dim=1)
    first = int(torch.nonzero(r >= 2).min())
    return self_check(answer, lambda t: t == first,
                      "the radius is multiplied by sqrt(1 + eta^2) per step: solve (1.01)^(t/2) >= 2.")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_2 = math.ceil(2 * math.log(2) / math.log(1 + 0.1 ** 2))
check_2(answer_2);

# %% [markdown]
# **3.** Late in training $D(G(z)) = 0.9$ on a sample (D is fooled). Which generator loss
# sends the larger gradient to the logit there, `"minimax"` or `"non-saturating"`?

# %%
answer_3 = ...  # your code here


# %%
def check_3(answer):
    return self_check(answer, lambda a: a == "minimax",
                      "compare |-D(G(z))| with |-(1 - D(G(z)))| at D(G(z)) = 0.9.")


check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: |d/dl| is D = 0.9 for the saturating loss, 1 - D = 0.1 for the non-saturating one.
answer_3 = "minimax"
check_3(answer_3);

# %% [markdown]
# ## Summary
#
# - A GAN is the game $\min_G \max_D V(D, G)$; $V \le 0$, and $-\log 4$ when $D$ is a coin.
# - Gradient play on games rotates: simultaneous updates spiral out, alternating ones cycle.
# - Even so, a small 1D GAN moves its density onto the data until $D \approx \tfrac12$.
# - Use the non-saturating generator loss: its gradient is strong when the generator is bad.
# - At equilibrium $L_D = 2\log 2$, $L_G = \log 2$, $D(x) = D(G(z)) = \tfrac12$; losses are
#   not a progress bar, samples are.
#
# **Further reading:** Goodfellow et al., *Generative Adversarial Nets* (2014),
# [arXiv:1406.2661](https://arxiv.org/abs/1406.2661); Goodfellow, *NIPS 2016 Tutorial:
# Generative Adversarial Networks*, [arXiv:1701.00160](https://arxiv.org/abs/1701.00160);
# Mescheder et al., *Which Training Methods for GANs do actually Converge?* (2018),
# [arXiv:1801.04406](https://arxiv.org/abs/1801.04406); Gidel et al., *Negative Momentum
# for Improved Game Dynamics* (2019), [arXiv:1807.04740](https://arxiv.org/abs/1807.04740).
