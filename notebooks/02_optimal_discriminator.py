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
# # 02 · The optimal discriminator
#
# **What you will learn:** the best discriminator for a fixed generator,
# $D^*(x) = p_{data}(x) / (p_{data}(x) + p_g(x))$, derived step by step; why the generator
# then minimizes the Jensen-Shannon divergence; every step checked with numbers (quadrature,
# Monte Carlo, a trained network); and why disjoint supports stall training, which is what
# the Wasserstein distance fixes.
#
# **Prerequisites:** notebook 01; expectations as integrals; KL divergence.
#
# **Time (full mode, laptop CPU):** about 1 minute.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/02_optimal_discriminator.ipynb)

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
from scipy.optimize import linear_sum_assignment
from scipy.stats import wasserstein_distance

from gan_lab import models, theory, toy
from gan_lab.train import fit_discriminator

# The networks here are tiny: one CPU thread runs them faster than several, which would
# spend more time coordinating than computing.
torch.set_num_threads(1)

# %% [markdown]
# ## 1. The derivation, step by step
#
# **Step 1: one integral.** The generator's samples $G(z)$ have some density $p_g$, so
# $\mathbb{E}_z[\log(1 - D(G(z)))] = \mathbb{E}_{x \sim p_g}[\log(1 - D(x))]$ and
#
# $$V(D, G) = \int \bigl[\, p_{data}(x) \log D(x) + p_g(x) \log(1 - D(x)) \,\bigr]\, dx.$$
#
# **Step 2: maximize point by point.** $D$ may take any value $y = D(x) \in (0, 1)$ at each
# $x$ separately, so maximize the integrand at each $x$. With $a = p_{data}(x)$,
# $b = p_g(x)$:
#
# $$f(y) = a \log y + b \log(1 - y), \qquad f'(y) = \frac{a}{y} - \frac{b}{1 - y} = 0
# \iff y = \frac{a}{a + b}, \qquad f''(y) = -\frac{a}{y^2} - \frac{b}{(1-y)^2} < 0.$$
#
# So the maximum is at $y = a / (a + b)$. Check it by brute force: evaluate $f$ on a fine
# grid of $y$ and take the best.

# %%
ys = torch.linspace(1e-5, 1 - 1e-5, 200_001, dtype=torch.float64)
for a, b in [(0.3, 0.1), (1.0, 1.0), (0.05, 2.0)]:
    brute = ys[torch.argmax(a * ys.log() + b * (1 - ys).log())].item()
    print(f"a={a:<5} b={b:<5} argmax by brute force {brute:.5f}   a/(a+b) = {a / (a + b):.5f}")
    assert abs(brute - a / (a + b)) < 1e-4

# %% [markdown]
# **Step 3: the optimal discriminator** is therefore
#
# $$D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}.$$
#
# **Step 4: plug it back in.** With $m = (p_{data} + p_g)/2$ and
# $D^* = p_{data} / (2m)$, $1 - D^* = p_g / (2m)$:
#
# $$V(D^*, G) = \mathbb{E}_{p_{data}}\Bigl[\log \frac{p_{data}}{2m}\Bigr]
# + \mathbb{E}_{p_g}\Bigl[\log \frac{p_g}{2m}\Bigr]
# = -\log 4 + \mathrm{KL}(p_{data} \,\|\, m) + \mathrm{KL}(p_g \,\|\, m)
# = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g).$$
#
# **Step 5: the generator's problem.** $\mathrm{JSD} \ge 0$ with equality only when
# $p_g = p_{data}$, so against the best discriminator the generator minimizes the
# Jensen-Shannon divergence, and the global minimum $V = -\log 4$ is reached exactly at
# $p_g = p_{data}$, where $D^* = \tfrac12$ everywhere.
#
# ## 2. Check: a trained discriminator finds $D^*$ (1D)
#
# Take a data density and a "generator" density we can write down, both mixtures of
# Gaussians, train a small network with the BCE loss on samples from each
# (`fit_discriminator`), and compare $\sigma(D(x))$ with the analytic $D^*(x)$.

# %%
p_data = toy.gaussian_mixture_1d([-1.0, 1.5], [0.5, 0.7], weights=[0.4, 0.6])
p_g = toy.gaussian_mixture_1d([0.5], 1.2)
x = torch.linspace(-4, 5, 1000, dtype=torch.float64)

torch.manual_seed(settings.seed)
_, disc_1d = models.toy_pair(dim=1, hidden=(64, 64))
# short mode: fewer, larger steps, so the checks below use looser tolerances there
fit_discriminator(disc_1d, toy.SampleSource(p_data, 512, seed=1), toy.SampleSource(p_g, 512, seed=2),
                  steps=settings.pick(full=1000, quick=300), lr=settings.pick(full=1e-3, quick=3e-3),
                  progress=False)
with torch.no_grad():
    learned = torch.sigmoid(disc_1d(x[:, None].float())).double()
d_star = theory.optimal_discriminator(p_data.pdf(x), p_g.pdf(x))

fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(x, p_data.pdf(x), "k:", lw=2, label="$p_{data}$")
ax.plot(x, p_g.pdf(x), "g-", label="$p_g$")
ax.plot(x, d_star, "r-", lw=3, alpha=0.5, label="analytic $D^*$")
ax.plot(x, learned, "b--", lw=2, label="trained $\\sigma(D(x))$")
ax.set(xlabel="x", ylabel="density, or D(x)")
ax.legend(fontsize=8);

# %% [markdown]
# Where neither density has mass, no sample ever told the network anything, so only the
# region where data or generator actually put probability counts. Weight the error by the
# mixture $m(x)$:

# %%
m = (p_data.pdf(x) + p_g.pdf(x)) / 2
err = (learned - d_star).abs()
weighted = theory.integrate(err * m, x).item()
where_mass = err[m > 0.02].max().item()
print(f"E_m |sigma(D) - D*| = {weighted:.4f};  max where m(x) > 0.02: {where_mass:.4f}")
assert weighted < settings.pick(full=0.03, quick=0.06)
assert where_mass < settings.pick(full=0.1, quick=0.25)

# %% [markdown]
# ## 3. Check: the same in 2D
#
# Data: 8 Gaussians on a ring of radius 2; generator: one broad Gaussian at the centre.

# %%
ring = toy.ring(8, radius=2.0, std=0.25)
blob = toy.GaussianMixture(torch.zeros(1, 2), 1.5)
torch.manual_seed(settings.seed)
_, disc_2d = models.toy_pair(dim=2, hidden=(128, 128))
batch_2d = settings.pick(full=512, quick=256)
fit_discriminator(disc_2d, toy.SampleSource(ring, batch_2d, seed=1), toy.SampleSource(blob, batch_2d, seed=2),
                  steps=settings.pick(full=3000, quick=800), lr=settings.pick(full=3e-4, quick=2e-3),
                  progress=False)

side = torch.linspace(-3.5, 3.5, 141)
xx, yy = torch.meshgrid(side, side, indexing="xy")
points = torch.stack([xx.flatten(), yy.flatten()], 1)
with torch.no_grad():
    learned_2d = torch.sigmoid(disc_2d(points)).reshape(141, 141)
star_2d = theory.optimal_discriminator(ring.pdf(points), blob.pdf(points)).reshape(141, 141)

fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, img, title in zip(axes, (star_2d, learned_2d), ("analytic $D^*$", "trained $\\sigma(D)$")):
    im = ax.imshow(img, origin="lower", extent=(-3.5, 3.5, -3.5, 3.5), cmap="coolwarm", vmin=0, vmax=1)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
fig.colorbar(im, ax=axes, shrink=0.8, label="D(x): probability that x is real");

# %%
mix = torch.cat([ring.sample(20_000), blob.sample(20_000)])  # samples from m
with torch.no_grad():
    gap = (torch.sigmoid(disc_2d(mix)).double()
           - theory.optimal_discriminator(ring.pdf(mix), blob.pdf(mix))).abs()
print(f"E_m |sigma(D) - D*| = {gap.mean():.4f} (Monte Carlo over 40,000 points)")
assert gap.mean() < settings.pick(full=0.06, quick=0.08)

# %% [markdown]
# ## 4. Check: $V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}$, three ways
#
# For the 1D pair above:
#
# 1. **quadrature**: $\int p_{data} \log D^* + p_g \log(1 - D^*)\,dx$ on a fine grid;
# 2. **Monte Carlo**: the same expectations as averages over samples of $p_{data}$ and $p_g$;
# 3. **the formula**: $-\log 4 + 2\,\mathrm{JSD}$, with JSD from its own definition
#    $\tfrac12 \mathrm{KL}(p_{data}\|m) + \tfrac12\mathrm{KL}(p_g\|m)$.

# %%
wide = torch.linspace(-12, 12, 48_001, dtype=torch.float64)
pd_w, pg_w = p_data.pdf(wide), p_g.pdf(wide)
v_quad = theory.value_function(theory.optimal_discriminator(pd_w, pg_w), pd_w, pg_w, wide).item()
v_formula = -theory.LOG4 + 2 * theory.js_divergence(pd_w, pg_w, wide).item()

n = settings.pick(full=1_000_000, quick=200_000)
g = torch.Generator().manual_seed(settings.seed)
xr, xf = p_data.sample(n, g).double(), p_g.sample(n, g).double()
log_d = torch.log(theory.optimal_discriminator(p_data.pdf(xr), p_g.pdf(xr)))
log_1md = torch.log(1 - theory.optimal_discriminator(p_data.pdf(xf), p_g.pdf(xf)))
v_mc = (log_d.mean() + log_1md.mean()).item()
v_mc_se = math.sqrt(log_d.var().item() / n + log_1md.var().item() / n)  # standard error

print(f"quadrature   V(D*, G)       = {v_quad:.8f}")
print(f"formula      -log 4 + 2 JSD = {v_formula:.8f}   (|diff| = {abs(v_quad - v_formula):.1e})")
print(f"Monte Carlo  ({n:,} samples) = {v_mc:.5f} ± {v_mc_se:.5f}   "
      f"({abs(v_mc - v_quad) / v_mc_se:.1f} standard errors from quadrature)")
assert abs(v_quad - v_formula) < 1e-8
assert abs(v_mc - v_quad) < 4 * v_mc_se

# %% [markdown]
# Moving the generator onto the data drives $V(D^*, G)$ down to its minimum $-\log 4$,
# reached only at $p_g = p_{data}$. Slide a Gaussian generator across a Gaussian target:

# %%
target = toy.gaussian_mixture_1d([0.0], 1.0)
shifts = torch.linspace(-4, 4, 81, dtype=torch.float64)
values = []
for s in shifts:
    pg_s = toy.gaussian_mixture_1d([float(s)], 1.0).pdf(wide)
    values.append(-theory.LOG4 + 2 * theory.js_divergence(target.pdf(wide), pg_s, wide).item())
values = torch.tensor(values)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(shifts, values)
ax.axhline(-theory.LOG4, color="gray", ls=":", label="$-\\log 4$")
ax.set(xlabel="generator mean (data mean is 0)", ylabel="$V(D^*, G)$")
ax.legend(fontsize=8)
best = shifts[values.argmin()].item()
print(f"minimum {values.min():.6f} at shift {round(best, 12) + 0.0:+.1f}  (-log 4 = {-theory.LOG4:.6f})")
assert abs(best) < 1e-12 and abs(values.min() + theory.LOG4) < 1e-9

# %% [markdown]
# ## 5. When the supports do not overlap
#
# Real images occupy a thin set in pixel space and an early generator's samples another, so
# their supports barely meet. Then JSD carries no information about *how far apart* they are.
# Take a data density uniform on an interval of width 1 and a generator that is the same
# density shifted by $\theta$: once $|\theta| \ge 1$ the supports are disjoint and
#
# $$\mathrm{JSD} = \log 2 \quad\text{(constant)}, \qquad W_1 = |\theta| \quad\text{(grows with the distance)}.$$
#
# Constant means zero gradient: the generator gets no signal which way to move. The
# Wasserstein-1 distance $W_1 = \int |F_{data} - F_g|\,dx$ keeps pointing the way.

# %%
line = torch.linspace(-8, 8, 64_001, dtype=torch.float64)
box = lambda center: ((line >= center - 0.5) & (line <= center + 0.5)).double()
data_box = box(0.0) / theory.integrate(box(0.0), line)
thetas = torch.linspace(-4, 4, 161)
jsd, w1 = [], []
for t in thetas:
    gen_box = box(float(t)) / theory.integrate(box(float(t)), line)
    jsd.append(theory.js_divergence(data_box, gen_box, line).item())
    w1.append(theory.wasserstein_grid(data_box, gen_box, line).item())
jsd, w1 = torch.tensor(jsd), torch.tensor(w1)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(thetas, jsd, label="JSD (flat once disjoint)")
ax.plot(thetas, w1, label="$W_1$")
ax.axhline(math.log(2), color="gray", ls=":", label="$\\log 2$")
ax.axvspan(-4, -1, color="gray", alpha=0.1)
ax.axvspan(1, 4, color="gray", alpha=0.1)
ax.set(xlabel="$\\theta$ (generator shift)", ylabel="divergence")
ax.legend(fontsize=8);

# %%
disjoint = thetas.abs() >= 1.05
slope_jsd = (jsd[disjoint].diff() / thetas[disjoint].diff()).abs().max().item()
far = thetas.abs() > 0.1
print(f"JSD where disjoint: {jsd[disjoint].min():.8f} .. {jsd[disjoint].max():.8f} (log 2 = {math.log(2):.8f})")
print(f"largest |dJSD/dθ| where disjoint: {slope_jsd:.1e}")
print(f"W1 / |θ|: {(w1[far] / thetas[far].abs()).min():.5f} .. {(w1[far] / thetas[far].abs()).max():.5f}")
assert (jsd[disjoint] - math.log(2)).abs().max() < 1e-9 and slope_jsd < 1e-6
assert ((w1[far] / thetas[far].abs()) - 1).abs().max() < 1e-3

# %% [markdown]
# **The parallel lines of Arjovsky et al. (2017).** In 2D, let the data be $(0, Z)$ and the
# generator $(\theta, Z)$ with $Z \sim U[0, 1]$: two vertical segments. For $\theta \ne 0$
# they never meet, so $\mathrm{JSD} = \log 2$ and $\mathrm{KL} = \infty$, however small
# $\theta$ is; yet $W_1 = |\theta|$. Why, in two lines:
#
# - **at most $|\theta|$**: move each point $(0, z)$ straight across to $(\theta, z)$; this
#   transport plan costs exactly $|\theta|$ per unit of mass, and $W_1$ is the cheapest plan;
# - **at least $|\theta|$**: $f(x, y) = x$ is 1-Lipschitz, and for every 1-Lipschitz $f$,
#   $W_1 \ge |\mathbb{E}_{data} f - \mathbb{E}_g f| = |\theta|$ (the Kantorovich-Rubinstein
#   duality, met again in notebook 06).
#
# A numerical check must not assume the answer, so it must not pair the same $z$ on both
# lines (that pairing *is* the plan of the first bullet). Draw **independent** samples on the
# two lines and let `scipy.optimize.linear_sum_assignment` find the optimal transport plan
# between them: for two samples of equal size it is a one-to-one matching, found exactly.
# With finite samples the matched points are not level with each other, so the sample
# estimate $\hat W_1$ is a little above $|\theta|$: each matched pair costs
# $\sqrt{\theta^2 + d^2}$ for a vertical offset $d$. Averaging over pairs gives a sandwich
# with the 1D distances $w_1, w_2$ between the two sets of heights (computed independently,
# by `scipy.stats.wasserstein_distance` and by sorting):
#
# $$\sqrt{\theta^2 + w_1^2} \;\le\; \hat W_1 \;\le\; \sqrt{\theta^2 + w_2^2},$$
#
# (left: the Euclidean norm is convex; right: the sorted matching, with Jensen's inequality),
# and $w_1, w_2 \to 0$ as the samples grow, so $\hat W_1 \to |\theta|$.

# %%
def w1_by_matching(a, b):
    """W1 between two equal-size samples: the cheapest one-to-one matching."""
    cost = torch.cdist(a.double(), b.double())
    rows, cols = linear_sum_assignment(cost.numpy())
    return cost[rows, cols].mean().item()


g = torch.Generator().manual_seed(settings.seed)
sizes = settings.pick(full=[100, 400, 1600], quick=[100, 400])
estimates = {}
for theta in (0.05, 0.5, 2.0):
    for n_points in sizes:
        z_data, z_gen = torch.rand(n_points, 1, generator=g), torch.rand(n_points, 1, generator=g)
        data_line = torch.cat([torch.zeros_like(z_data), z_data], 1)
        gen_line = torch.cat([torch.full_like(z_gen, theta), z_gen], 1)   # independent heights
        w = w1_by_matching(data_line, gen_line)
        w1_heights = wasserstein_distance(z_data.flatten().numpy(), z_gen.flatten().numpy())
        w2_heights = (z_data.flatten().sort().values - z_gen.flatten().sort().values).double().pow(2).mean().sqrt().item()
        low, high = math.hypot(theta, w1_heights), math.hypot(theta, w2_heights)
        estimates[theta, n_points] = w
        print(f"theta = {theta:<4} n = {n_points:>4}: {low:.5f} <= W1 by optimal matching = {w:.5f} "
              f"<= {high:.5f}   (W1 - theta = {w - theta:.5f})")
        assert low - 1e-9 <= w <= high + 1e-9
    assert 0 <= estimates[theta, sizes[-1]] - theta < estimates[theta, sizes[0]] - theta
relative = {theta: (estimates[theta, sizes[-1]] - theta) / theta for theta in (0.05, 2.0)}
assert relative[0.05] > relative[2.0]

# %% [markdown]
# The matching never knew that the answer is $|\theta|$, yet every estimate falls inside its
# sandwich and the excess $\hat W_1 - \theta$ (last column) shrinks as the samples grow. It
# is largest, relative to $\theta$, at $\theta = 0.05$: when the lines are close, the
# vertical mismatch of finite samples is comparable to the distance itself. Notebook 06
# (loss variants) turns $W_1$ into a loss: the WGAN critic estimates it and gives the
# generator a gradient where the BCE discriminator gives none.

# %% [markdown]
# ## Exercises
#
# Each check compares your answer with its own computation and ends in
# `self_check(answer, passes, hint)`, which prints "Correct!" or stops with a hint; exercise
# 4's check is in `gan_lab/exercises/optimal_d.py`. An answer left as `...` is reported as
# not attempted.
#
# **1.** At some $x$, $p_{data}(x) = 0.3$ and $p_g(x) = 0.1$. What is $D^*(x)$?

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercise import self_check


def check_1(answer):
    expected = theory.optimal_discriminator(torch.tensor([0.3], dtype=torch.float64),
                                           torch.tensor([0.1], dtype=torch.float64)).item()
    return self_check(answer, lambda v: abs(v - expected) < 1e-9, "D* = p_data / (p_data + p_g).")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above)
solution_1 = 0.3 / (0.3 + 0.1)
check_1(solution_1);

# %% [markdown]
# **2.** A training run reports that, against a (near) optimal discriminator,
# $V(D^*, G) = -1.2$. What is $\mathrm{JSD}(p_{data} \| p_g)$?

# %%
answer_2 = ...  # your code here

# %%
def check_2(answer):
    return self_check(answer, lambda j: abs(-theory.LOG4 + 2 * j - (-1.2)) < 1e-9,
                      "solve V = -log 4 + 2 JSD for JSD.")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
solution_2 = (-1.2 + math.log(4)) / 2
check_2(solution_2);

# %% [markdown]
# **3.** Two box densities of width 1 are centred at 0 and at $\theta = 0.5$ (they overlap
# by half). Compute their JSD with `theory.js_divergence` on the grid `line` (use `box`
# from section 5). Is it below $\log 2$?

# %%
answer_3 = ...  # your code here

# %%
def check_3(answer):
    # Independent closed form: on the overlap p = q, elsewhere one density is 0, and
    # each non-overlapping half contributes (1/2) * 0.5 * log 2 to the JSD.
    closed = 0.5 * math.log(2)
    return self_check(answer, lambda j: abs(float(j) - closed) < 1e-3,
                      "normalize box(0.5) like data_box, then theory.js_divergence(data_box, it, line).")


check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: on the overlap the densities are equal (no contribution); on the two
# non-overlapping halves m = p/2, and each contributes 1/2 * 0.5 * log 2.
half = box(0.5) / theory.integrate(box(0.5), line)
solution_3 = theory.js_divergence(data_box, half, line).item()
print(f"JSD = {solution_3:.6f}, below log 2 = {math.log(2):.6f}")
check_3(solution_3);

# %% [markdown]
# **4. JSD from samples.** On images there is no grid to integrate on; there are only
# samples. Write `jsd_monte_carlo(p, q, n, rng)`: draw `n` samples of each density
# (`p.sample(n, rng)`, as the toy mixtures above do) and estimate
# $\mathrm{JSD}(p\,\|\,q)$ with averages over the samples, using the densities `p.pdf(x)`,
# `q.pdf(x)` at the sampled points only. The check compares your estimate with quadrature on
# two pairs of mixtures, with `n = 100,000`.

# %%
def jsd_monte_carlo(p, q, n, rng):
    ...  # your code here


# %%
from gan_lab.exercises import optimal_d

optimal_d.check_jsd_monte_carlo(jsd_monte_carlo);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: KL(p || m) = E_p[log p / m], and p / m = 2 p / (p + q) = 2 D*, so the JSD is
# also (V(D*, G) + log 4) / 2 estimated by Monte Carlo, as in section 4.
def solution_jsd_monte_carlo(p, q, n, rng):
    xp, xq = p.sample(n, rng), q.sample(n, rng)
    kl_p_m = torch.log(2 * p.pdf(xp) / (p.pdf(xp) + q.pdf(xp))).mean()
    kl_q_m = torch.log(2 * q.pdf(xq) / (p.pdf(xq) + q.pdf(xq))).mean()
    return (kl_p_m + kl_q_m).item() / 2


optimal_d.check_jsd_monte_carlo(solution_jsd_monte_carlo);

# %% [markdown]
# ## Summary
#
# - For a fixed generator the best discriminator is $D^* = p_{data} / (p_{data} + p_g)$;
#   a trained network approaches it where the data and generator put their mass.
# - Against $D^*$ the game's value is $-\log 4 + 2\,\mathrm{JSD}(p_{data}\|p_g)$: the
#   generator minimizes JSD, and $p_g = p_{data}$ is the unique global minimum.
# - When supports are disjoint JSD is stuck at $\log 2$, with zero gradient; $W_1$ still
#   measures the distance. That is the motivation for WGAN (notebook 06).
# - A divergence between densities can be estimated from samples alone, once the density
#   ratio (here $D^*$) is known: the idea behind the discriminator itself.
#
# **Further reading:** Goodfellow et al. (2014), Proposition 1 and Theorem 1,
# [arXiv:1406.2661](https://arxiv.org/abs/1406.2661); Arjovsky & Bottou, *Towards
# Principled Methods for Training GANs* (2017),
# [arXiv:1701.04862](https://arxiv.org/abs/1701.04862); Arjovsky, Chintala & Bottou,
# *Wasserstein GAN* (2017), Example 1, [arXiv:1701.07875](https://arxiv.org/abs/1701.07875).
