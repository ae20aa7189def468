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

from gan_lab import models, theory, toy
from gan_lab.losses import get_loss
from gan_lab.plots import plot_density_1d, plot_history
from gan_lab.train import Trainer, recent_mean

# The networks here are tiny: one CPU thread runs them faster than several, which would
# spend more time coordinating than computing.
torch.set_num_threads(1)

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
average = alternating.mean(0)
print(f"alternating: each point is at distance >= {alternating.norm(dim=1).min():.3f} from (0, 0); "
      f"the average of all {steps + 1} points is at {average.norm():.3f}")
assert average.norm() < 0.5 * alternating.norm(dim=1).min()

# %% [markdown]
# Neither method finds the equilibrium. Real GANs are not bilinear, but near an
# equilibrium they look like this game locally, which is why their losses oscillate
# rather than go down, and why tricks that damp the rotation matter: smaller steps,
# gradient penalties (notebook 06, loss variants) and averaging the generator's weights
# over time (notebook 07, mode collapse and stabilization). Averaging works even here: the
# mean of the alternating cycle's points, printed above, is much closer to $(0, 0)$ than the
# points themselves.
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


def d_means(trainer, n=20_000):
    """D's mean output on fresh real samples and on fresh generated samples."""
    with torch.no_grad():
        on_real = torch.sigmoid(trainer.discriminator(p_data.sample(n))).mean().item()
        on_fake = torch.sigmoid(trainer.discriminator(trainer.sample(n))).mean().item()
    return on_real, on_fake


stops = [0, 60, 300, settings.pick(full=3000, quick=600)]
fig, axes = plt.subplots(1, len(stops), figsize=(14, 3.2), sharey=True)
for ax, (start, stop) in zip(axes, zip([0] + stops, stops)):
    if stop > start:
        gan.train(stop - start, progress=False)
    picture(gan, ax, f"after {stop} steps")
    on_real, on_fake = d_means(gan)
    print(f"after {stop:4d} steps: mean D on data {on_real:.3f}, on generated samples {on_fake:.3f}")
axes[0].set_ylabel("density, or D(x)")
axes[0].legend(fontsize=8)
plt.tight_layout()

# %% [markdown]
# Read the printed means beside the panels. This small discriminator never separates the
# two clouds confidently: even in the early panels, where the two densities do not
# overlap, its mean output stays within about 0.1 of $\tfrac12$ on both, and after 60
# steps it even rates the generated samples slightly *higher* than the data (a few tens of
# Adam steps only tilt it). What moves the generator is not $D$'s level but its **slope**:
# the green density slides towards the side where $D(x)$ is higher. At the start that side
# is the data; by step 60 the generator has overshot to the right of the data, where $D$
# still rises, and only later does it come back. In the last panel $D$ is flat and close
# to $\tfrac12$ wherever there is mass. How close did the generator get?

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
# A flat $D = \tfrac12$ is what the *optimal* discriminator of notebook 02,
# $D^*(x) = p_{data}(x) / (p_{data}(x) + p_g(x))$, does when $p_g = p_{data}$: then there is
# nothing left to tell. But a flat $D$ can also mean that this discriminator *can no longer
# tell* differences that are still there. Which is it here? Estimate $p_g$ from the
# generator's samples (a kernel density estimate), compute $D^*$ from the two densities, and
# compare both with $\tfrac12$, averaged over where the mass is, $m = (p_{data} + p_g)/2$.
# The Jensen-Shannon divergence (notebook 02) measures what is left to tell: 0 only when
# $p_g = p_{data}$, $\log 2 \approx 0.693$ when the two do not overlap at all.

# %%
p_g_now = theory.gaussian_kde(gan.sample(20_000), grid)
p_d_now = p_data.pdf(grid)
d_star_now = theory.optimal_discriminator(p_d_now, p_g_now)
with torch.no_grad():
    d_now = torch.sigmoid(gan.discriminator(grid[:, None])).flatten().double()
m_now = (p_d_now + p_g_now) / 2
on_mass = lambda f: theory.integrate(f * m_now, grid).item()   # E_m[f]
flat_d, flat_star = on_mass((d_now - 0.5).abs()), on_mass((d_star_now - 0.5).abs())
jsd_now = theory.js_divergence(p_d_now, p_g_now, grid).item()
print(f"E_m |D - 1/2|  = {flat_d:.4f}   (the trained discriminator)")
print(f"E_m |D* - 1/2| = {flat_star:.4f}   (the best discriminator for this generator)")
print(f"JSD(p_data, p_g) = {jsd_now:.4f}   (0 when p_g = p_data, log 2 = 0.693 when disjoint)")
if flat_d < 0.5 * flat_star:
    print("=> D is flatter than D*: the densities still differ where D* says so, but this "
          "discriminator no longer tells them apart.")
else:
    print("=> D* is about as flat as D: p_g is close to p_data, there is little left to tell.")
fig, ax = plt.subplots(figsize=(7, 3.2))
plot_density_1d(ax, grid, p_d_now, p_g_now, d_now, "the end of the run")
ax.plot(grid, d_star_now, "r-", lw=2, alpha=0.5, label="$D^*$ from the two densities")
ax.set_ylabel("density, or D(x)")
ax.legend(fontsize=8);

# %% [markdown]
# The printed verdict is the honest reading of the run: a discriminator near $\tfrac12$ says
# only that *it* cannot tell, not that the distributions are equal. When $D$ is flatter than
# $D^*$ (the red curve leaves $\tfrac12$ where green and black differ, the blue dashes do
# not), the generator gets almost no gradient, $\partial D / \partial x \approx 0$, and its
# remaining error in shape and width stays. A GAN matches a distribution only as well as its
# discriminator can tell the difference.
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
# until it is confident (a plain loop of Adam steps on $L_D$), then measure the gradient each
# loss sends into the generator's weights, on the same noise.

# %%
torch.manual_seed(settings.seed)
fresh_G, fresh_D = models.toy_pair(dim=1, latent_dim=1)
opt_D = torch.optim.Adam(fresh_D.parameters(), lr=1e-3)
real_source, rng = toy.SampleSource(p_data, 256, seed=settings.seed), torch.Generator().manual_seed(1)
for step in range(300):  # only D learns; G stays where it started
    x, z = real_source.batch(step), torch.randn(256, 1, generator=rng)
    with torch.no_grad():
        fake = fresh_G(z)
    loss_D = get_loss("minimax").discriminator_loss(fresh_D(x), fresh_D(fake))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()

fake_logits = fresh_D(fresh_G(torch.randn(1024, 1, generator=rng)))
norms = {}
for name in ("minimax", "non-saturating"):
    fresh_G.zero_grad()
    get_loss(name).generator_loss(fake_logits).backward(retain_graph=True)
    norms[name] = torch.cat([p.grad.flatten() for p in fresh_G.parameters()]).norm().item()
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
axes[0].axhline(2 * math.log(2), color="gray", ls=":", label="$2\\log 2$ and $\\log 2$")
axes[0].axhline(math.log(2), color="gray", ls=":")
axes[1].axhline(0.5, color="gray", ls=":", label="1/2")
axes[0].set_ylabel("loss (moving average)")
axes[1].set_ylabel("mean D output")
for ax in axes:
    ax.legend(fontsize=8)
plt.tight_layout()

last = recent_mean(gan.history, 250)
print(f"last 250 steps: L_D {last['loss_d']:.3f} (2 log 2 = {2 * math.log(2):.3f}), "
      f"L_G {last['loss_g']:.3f} (log 2 = {math.log(2):.3f}), "
      f"D(x) {last['d_real']:.3f}, D(G(z)) {last['d_fake']:.3f}")
assert abs(last["loss_d"] - 2 * math.log(2)) < 0.05 and abs(last["loss_g"] - math.log(2)) < 0.05

# %% [markdown]
# The numbers sit at the equilibrium values, yet section 3 showed that $p_g$ need not equal
# $p_{data}$ there: the losses measure what *this* discriminator sees, and a discriminator that
# outputs $\tfrac12$ everywhere gives $L_D = 2\log 2$ whether or not the densities match.
#
# How to read them in general:
#
# - **Losses do not go to zero** and falling losses are not progress: each player's loss
#   depends on the other. Near $2\log 2$ and $\log 2$ with small wiggles means the
#   discriminator cannot tell real from fake, which is the goal *or* a discriminator too
#   weak to see the remaining differences; only samples (and, on a toy, $D^*$) tell which.
# - $D(x) \to 1$ **and** $D(G(z)) \to 0$, so $L_D \to 0$: the discriminator is **winning**,
#   it separates real from fake perfectly. That is not divergence, but it is a stall: with the
#   saturating loss the generator's gradient dies (section 4). Fix: the non-saturating loss,
#   a smaller $D$ learning rate or a smaller $D$.
# - A loss that becomes `inf` or `nan`: **divergence**, the numbers have left the range of
#   floating point. `Trainer` stops with a message on non-finite losses.
# - Always look at samples too: the numbers cannot tell a good generator from one that
#   produces a few convincing samples only (mode collapse, notebook 07).

# %% [markdown]
# ## Exercises
#
# Each check is a function in `gan_lab/exercises/minimax.py` (or, for the numeric answers,
# written out below): it compares your answer with its own computation and ends in
# `self_check(answer, passes, hint)`, which prints "Correct!" or stops with a hint. An answer
# left as `...` is reported as not attempted.
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
# Solution (its own name, so "Run all" keeps your answer above)
solution_1 = math.log(0.8) + math.log(1 - 0.3)
check_1(solution_1);

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
# Solution: (1 + eta^2)^(t/2) >= 2  <=>  t >= 2 log 2 / log(1 + eta^2)
solution_2 = math.ceil(2 * math.log(2) / math.log(1 + 0.1 ** 2))
check_2(solution_2);

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
# Solution (its own name, so "Run all" keeps your answer above): |d/dl| is D = 0.9 for the
# saturating loss, 1 - D = 0.1 for the non-saturating one.
solution_3 = "minimax"
check_3(solution_3);

# %% [markdown]
# **4. Write the generator's loss.** Without `gan_lab.losses`, write
# `ns_generator_loss(fake_logits)`: given the discriminator's logits $\ell$ on a batch of
# generated samples (any shape), return the non-saturating loss
# $L_G = -\frac1n\sum_i \log \sigma(\ell_i)$ as a scalar tensor. The check compares values
# and gradients with its own computation on random logits.

# %%
def ns_generator_loss(fake_logits):
    ...  # your code here


# %%
from gan_lab.exercises import minimax

minimax.check_generator_loss(ns_generator_loss);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution. logsigmoid(l) = -softplus(-l) is log(sigmoid(l)) computed without underflow.
def solution_ns_generator_loss(fake_logits):
    return -torch.nn.functional.logsigmoid(fake_logits).mean()


minimax.check_generator_loss(solution_ns_generator_loss);

# %% [markdown]
# **5. Write one discriminator step**, the update that every GAN training loop makes:
# `d_step(D, opt, real, fake)` scores the real batch and the generated batch with `D`
# (logits), computes
#
# $$L_D = -\frac1n\sum_i \log\sigma(D(x_i)) - \frac1n\sum_j \log\bigl(1 - \sigma(D(G(z_j)))\bigr),$$
#
# makes one step of the optimizer `opt` (which holds `D`'s parameters) to *decrease* it, and
# returns $L_D$ as computed before the step. `fake` arrives straight from the generator,
# still attached to its graph: the step must not change the generator. Use torch only
# (`torch.nn.functional.binary_cross_entropy_with_logits` is allowed). The check runs your
# step three times on a copy of a small network and compares the weights with its own.

# %%
def d_step(D, opt, real, fake):
    ...  # your code here


# %%
minimax.check_d_step(d_step);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: .detach() cuts the fakes from G's graph, so backward() reaches only D's weights.
def solution_d_step(D, opt, real, fake):
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    real_logits, fake_logits = D(real), D(fake.detach())
    loss = (bce(real_logits, torch.ones_like(real_logits))      # -mean log sigma(D(x))
            + bce(fake_logits, torch.zeros_like(fake_logits)))  # -mean log(1 - sigma(D(G(z))))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach()


minimax.check_d_step(solution_d_step);

# %% [markdown]
# ## Summary
#
# - A GAN is the game $\min_G \max_D V(D, G)$; $V \le 0$, and $-\log 4$ when $D$ is a coin.
# - Gradient play on games rotates: simultaneous updates spiral out, alternating ones cycle.
# - Even so, a small 1D GAN moves its density onto the data, guided by the slope of $D$,
#   until $D \approx \tfrac12$; compare with $D^*$ to know whether the densities match or
#   the discriminator just cannot tell any more.
# - Use the non-saturating generator loss: its gradient is strong when the generator is bad.
# - At equilibrium $L_D = 2\log 2$, $L_G = \log 2$, $D(x) = D(G(z)) = \tfrac12$, but the
#   same numbers appear when $D$ has stopped telling; $L_D \to 0$ means $D$ is winning;
#   `nan` means divergence. Losses are not a progress bar, samples are.
# - One discriminator step: score real and (detached) fake, $L_D$, zero the gradients,
#   backward, step.
#
# **Further reading:** Goodfellow et al., *Generative Adversarial Nets* (2014),
# [arXiv:1406.2661](https://arxiv.org/abs/1406.2661); Goodfellow, *NIPS 2016 Tutorial:
# Generative Adversarial Networks*, [arXiv:1701.00160](https://arxiv.org/abs/1701.00160);
# Mescheder et al., *Which Training Methods for GANs do actually Converge?* (2018),
# [arXiv:1801.04406](https://arxiv.org/abs/1801.04406); Gidel et al., *Negative Momentum
# for Improved Game Dynamics* (2019), [arXiv:1807.04740](https://arxiv.org/abs/1807.04740).
