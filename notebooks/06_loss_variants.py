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
# # 06 · Loss variants
#
# **What you will learn:** the six GAN objectives in common use (saturating and
# non-saturating BCE, least squares, WGAN with weight clipping, WGAN-GP, hinge): what each
# minimizes and how that shows in the code; why the Wasserstein critic still gives a
# gradient where BCE gives none; what weight clipping does to a critic and how the gradient
# penalty avoids it; and how the six compare on MNIST under one budget.
#
# **Prerequisites:** notebooks 01-05: the optimal discriminator and the disjoint-support
# example of notebook 02, and notebook 05 (evaluation), whose metrics (FID, KID,
# precision and recall) the comparison at the end uses.
#
# **Time (full mode, CPU):** about 11 minutes on 2 cores: section 4 alone trains six GANs
# for 95 s of wall-clock time each, then scores them (longer on a busy machine).

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/06_loss_variants.ipynb)

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

import matplotlib
import matplotlib.pyplot as plt
import torch

from gan_lab import metrics, models, toy
from gan_lab.data import BatchSource
from gan_lab.features import extract, load_classifier
from gan_lab.latent import generate
from gan_lab.losses import LOSSES, get_loss, gradient_penalty
from gan_lab.plots import plot_history, show_images
from gan_lab.train import Trainer, fit_discriminator

# Sections 1-3 train tiny networks: one CPU thread runs them faster than several, which
# would spend more time coordinating than computing. Section 4 restores the default.
default_threads = torch.get_num_threads()
torch.set_num_threads(1)

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
# | `non-saturating` | same | $-\mathbb{E}\log\sigma(f)$ | same fixed point $p_g = p_{data}$, but a different objective: its gradient is that of $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$ (section 1b) |
# | `lsgan` | $\tfrac12\mathbb{E}(r-b)^2 + \tfrac12\mathbb{E}(f-a)^2$ | $\tfrac12\mathbb{E}(f-c)^2$ | with $a, b, c = -1, 1, 0$: half a Pearson $\chi^2$ divergence (Mao et al., 2017); with the common $0, 1, 1$: an increasing function of the same quantity (section 1b) |
# | `wgan` | $\mathbb{E}f - \mathbb{E}r$, weights clipped to $[-c, c]$ | $-\mathbb{E}f$ | $W_1$, if the clipped critic is 1-Lipschitz |
# | `wgan-gp` | $\mathbb{E}f - \mathbb{E}r + \lambda\,\mathbb{E}(\lVert\nabla D(\hat x)\rVert_2 - 1)^2$ | $-\mathbb{E}f$ | $W_1$, Lipschitz enforced softly |
# | `hinge` | $\mathbb{E}\max(0, 1-r) + \mathbb{E}\max(0, 1+f)$ | $-\mathbb{E}f$ | $\int \lvert p_{data} - p_g\rvert$, twice the total variation (Lim & Ye, 2017); the critic stops pushing past $\pm 1$ |
#
# The Wasserstein pair rests on the **Kantorovich-Rubinstein duality**:
# $W_1(p, q) = \sup_{\lVert D\rVert_L \le 1} \mathbb{E}_p D - \mathbb{E}_q D$. A critic that
# maximizes $\mathbb{E}r - \mathbb{E}f$ over 1-Lipschitz functions *estimates* $W_1$; the two
# variants differ in how they keep it Lipschitz. WGAN-GP's penalty is taken at random
# interpolates $\hat x = \epsilon x + (1-\epsilon)\tilde x$ with **one** $\epsilon \sim U[0,1]$
# per example, and the gradient norm runs over all of an example's pixels.
#
# Each variant carries its own options (printed below); the training loop uses each paper's
# optimizer settings for it.

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
# ## 1b. What each generator really minimizes, checked by quadrature
#
# The method of notebook 02: find the best discriminator for a fixed $p_g$ point by point,
# plug it in, and see what is left for the generator. We check every formula on two 1D
# Gaussians, by quadrature on a fine grid.
#
# **LSGAN with targets $a$ (fake), $b$ (real), $c$ (the generator's target).** At each $x$,
# $D$ minimizes $\tfrac12 p_{data}(r - b)^2 + \tfrac12 p_g (r - a)^2$, a parabola in $r$, so
#
# $$D^*(x) = \frac{b\,p_{data}(x) + a\,p_g(x)}{p_{data}(x) + p_g(x)}.$$
#
# The generator minimizes $\tfrac12\mathbb{E}_{p_g}(D - c)^2$; Mao et al. add
# $\tfrac12\mathbb{E}_{p_{data}}(D - c)^2$, which does not depend on $G$. At $D^*$ the sum is
#
# $$C = \frac12 \int \frac{\bigl((b - c)\,p_{data} + (a - c)\,p_g\bigr)^2}{p_{data} + p_g}\,dx.$$
#
# - $a, b, c = -1, 1, 0$ ($b - c = 1$, $b - a = 2$, Mao et al.'s condition): $C = \tfrac12\Delta$ with
#   $\Delta = \int \frac{(p_{data} - p_g)^2}{p_{data} + p_g}dx = \int \frac{(2p_g - (p_{data} + p_g))^2}{p_{data} + p_g}dx$,
#   the Pearson $\chi^2$ between $p_{data} + p_g$ and $2p_g$ (Mao et al. write
#   $\chi^2_{Pearson}(p_{data} + p_g \| 2p_g)$). It is 0 only at $p_g = p_{data}$.
# - $a, b, c = 0, 1, 1$, the coding most code uses (and `gan_lab`'s default): $b - c = 0$, so
#   the condition fails and $C = \tfrac12\int p_g^2/(p_{data} + p_g)$ is *not* a $\chi^2$
#   divergence. But writing $p_g = \tfrac12(s - u)$ with $s = p_{data} + p_g$,
#   $u = p_{data} - p_g$ ($\int s = 2$, $\int u = 0$) gives $C = \Delta/8 + 1/4$: an
#   increasing function of the same $\Delta$, so it too is minimized exactly at
#   $p_g = p_{data}$, where $C = 1/4$.
#
# **Hinge.** $D$ minimizes $p_{data}\max(0, 1 - r) + p_g\max(0, 1 + r)$, piecewise linear
# in $r$: $D^* = +1$ where $p_{data} > p_g$ and $-1$ where $p_{data} < p_g$. With the
# $G$-independent $\mathbb{E}_{p_{data}}D$ added, the generator's $-\mathbb{E}_{p_g}D^*$ becomes
# $\int (p_{data} - p_g)\,D^* = \int |p_{data} - p_g|$.
#
# The cell below computes each $D^*$ by brute force (a grid search over $r$ at each $x$,
# refined twice) and each $C$ by plugging that $D^*$ into the objective, then compares with the closed
# forms, for a generator $\mathcal N(\mu, \sigma^2)$ against data $\mathcal N(0, 1)$.

# %%
x = torch.linspace(-10, 10, 2001, dtype=torch.float64)


def brute_force_argmin(objective):
    """At every x, the r in [-2, 2] minimizing objective(r): a grid search with step 0.01,
    refined twice around the best value (steps 1e-4, then 1e-6)."""
    best, half_width = torch.zeros_like(x), 2.0
    for points in (401, 201, 201):
        r = best + torch.linspace(-half_width, half_width, points, dtype=torch.float64)[:, None]
        best = r.gather(0, objective(r).argmin(0)[None])[0]
        half_width = 2 * half_width / (points - 1)
    return best


normal = lambda mean, std: torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
integral = lambda f: torch.trapezoid(f, x).item()
p_d = normal(0.0, 1.0)
print(f"{'generator':>16}{'Delta':>10}{'C(-1,1,0)':>11}{'Delta/2':>10}{'C(0,1,1)':>10}"
      f"{'Delta/8+1/4':>12}{'hinge':>9}{'∫|p-q|':>9}")
for mu, sd in [(0.0, 1.0), (0.5, 1.0), (1.5, 0.7), (2.0, 1.5)]:
    p_g = normal(mu, sd)
    delta = integral((p_d - p_g) ** 2 / (p_d + p_g))
    chi2 = integral((p_d + p_g) * (2 * p_g / (p_d + p_g) - 1) ** 2)  # f-divergence form, f(t) = (t-1)^2
    lsgan_c = {}
    for a, b, c in [(-1, 1, 0), (0, 1, 1)]:
        d_star = brute_force_argmin(lambda r: 0.5 * p_d * (r - b) ** 2 + 0.5 * p_g * (r - a) ** 2)
        assert (d_star - (b * p_d + a * p_g) / (p_d + p_g)).abs().max() < 1e-4
        lsgan_c[a, b, c] = integral(0.5 * p_d * (d_star - c) ** 2 + 0.5 * p_g * (d_star - c) ** 2)
    hinge_star = brute_force_argmin(lambda r: p_d * (1 - r).clamp_min(0) + p_g * (1 + r).clamp_min(0))
    hinge_c = integral((p_d - p_g) * hinge_star)
    tv = integral((p_d - p_g).abs())
    print(f"{f'N({mu}, {sd}^2)':>16}{delta:>10.5f}{lsgan_c[-1, 1, 0]:>11.5f}{delta / 2:>10.5f}"
          f"{lsgan_c[0, 1, 1]:>10.5f}{delta / 8 + 0.25:>12.5f}{hinge_c:>9.5f}{tv:>9.5f}")
    assert abs(delta - chi2) < 1e-10
    assert abs(lsgan_c[-1, 1, 0] - delta / 2) < 1e-5 and abs(lsgan_c[0, 1, 1] - (delta / 8 + 0.25)) < 1e-5
    assert abs(hinge_c - tv) < 1e-3

# %% [markdown]
# Both LSGAN codings reach their minimum ($0$, and $1/4$) only at $p_g = p_{data}$, the first
# row. The brute-force $D^*$ agrees with the formula at every grid point, and the plugged-in
# objectives with the closed forms, to the printed digits.
#
# **Minimax vs non-saturating.** Both use the same $D$; only the generator's loss differs.
# At $D^*$ the minimax generator minimizes $2\,\mathrm{JSD} - \log 4$ (notebook 02). The
# non-saturating loss $-\mathbb{E}_{p_g}\log D^*$ is **not** the same objective. Writing out
# the logs gives, for every $p_g$,
#
# $$-\mathbb{E}_{p_g}\log D^* = \mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}(p_{data}, p_g) + \log 4 + \mathbb{E}_{p_{data}}\log D^*.$$
#
# During a generator step $D$ is held fixed, so the last term does not move with the
# generator's weights: the generator follows the gradient of
# $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$ (Arjovsky & Bottou, 2017, Theorem 2.5).
# The reverse KL is large where the generator puts mass without data, and small when it just
# misses some of the data: it tolerates dropped modes (notebook 07 meets the consequence,
# mode collapse). Both identities, checked for a generator $\mathcal N(\theta, 0.8^2)$: the
# values by quadrature, the gradients with $D = D^*_{\theta_0}$ held fixed by finite
# differences.

# %%
def kl(p, q):
    return integral(p * torch.log(p / q))


def jsd(p, q):
    m = (p + q) / 2
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


h = 1e-4
print(f"{'theta0':>7}{'-E_g log D*':>13}{'identity':>11}{'d/dθ NS loss':>14}{'d/dθ KL-2JSD':>14}"
      f"{'d/dθ minimax':>14}{'d/dθ 2JSD':>11}")
for theta0 in (0.5, 1.0, 2.0):
    p_g = normal(theta0, 0.8)
    d_star, fake_share = p_d / (p_d + p_g), p_g / (p_d + p_g)   # D* and 1 - D*, held fixed
    ns = -integral(p_g * torch.log(d_star))
    identity = kl(p_g, p_d) - 2 * jsd(p_d, p_g) + math.log(4) + integral(p_d * torch.log(d_star))
    assert abs(ns - identity) < 1e-8
    slope = lambda f: (f(normal(theta0 + h, 0.8)) - f(normal(theta0 - h, 0.8))) / (2 * h)
    ns_slope = slope(lambda q: -integral(q * torch.log(d_star)))
    target_slope = slope(lambda q: kl(q, p_d) - 2 * jsd(p_d, q))
    minimax_slope = slope(lambda q: integral(q * torch.log(fake_share)))
    jsd_slope = slope(lambda q: 2 * jsd(p_d, q))
    print(f"{theta0:>7}{ns:>13.6f}{identity:>11.6f}{ns_slope:>14.6f}{target_slope:>14.6f}"
          f"{minimax_slope:>14.6f}{jsd_slope:>11.6f}")
    assert abs(ns_slope - target_slope) < 1e-5 and abs(minimax_slope - jsd_slope) < 1e-5

# %% [markdown]
# ## 2. Disjoint supports: who still gets a gradient?
#
# Back to the parallel lines of notebook 02: data on the segment $(0, u)$, the generator on
# $(\theta, u)$, $u \sim U[0, 1]$. For each distance $\theta$ we train a discriminator (or
# critic) to convergence against the fixed generator, then ask the question that matters
# for learning: how large is $\partial L_G / \partial\theta$, the push the generator gets
# towards the data? Same network and the same Adam steps for each loss (minimax and
# non-saturating share their discriminator loss, so one BCE discriminator serves both).

# %%
from gan_lab.losses import interpolate_gradient_norms

thetas = settings.pick(full=[0.25, 0.5, 1.0, 2.0, 4.0], quick=[0.5, 4.0])
critic_steps, critic_lr = settings.pick(full=(1000, 1e-3), quick=(200, 3e-3))


def train_critic(loss_name, theta):
    """A discriminator (or critic) trained on line(0) = real vs line(theta) = fake."""
    torch.manual_seed(settings.seed)
    _, critic = models.toy_pair(dim=2, hidden=(64, 64))
    fit_discriminator(critic, toy.VerticalSegment(0.0, 256, seed=1), toy.VerticalSegment(theta, 256, seed=2),
                      loss=loss_name, steps=critic_steps, lr=critic_lr, progress=False)
    return critic


def push_gap_slope(critic, generator_loss, theta):
    """dL_G/dθ for the generator's loss; E[D(real)] - E[D(fake)]; mean ‖∇D‖ between the lines."""
    shift = torch.tensor(theta, requires_grad=True)
    u = torch.rand(4096, 1, generator=torch.Generator().manual_seed(settings.seed))
    fake = torch.cat([shift.expand(4096, 1), u], 1)
    real = torch.cat([torch.zeros_like(u), u], 1)
    (push,) = torch.autograd.grad(get_loss(generator_loss).generator_loss(critic(fake)), shift)
    with torch.no_grad():
        gap = critic(real).mean() - critic(fake).mean()
    slope = interpolate_gradient_norms(critic, real, fake.detach(), torch.Generator().manual_seed(1)).mean()
    return push.item(), gap.item(), slope.item()


results = {name: [] for name in ("minimax", "non-saturating", "wgan-gp")}
for theta in thetas:
    bce = train_critic("minimax", theta)
    results["minimax"].append(push_gap_slope(bce, "minimax", theta))
    results["non-saturating"].append(push_gap_slope(bce, "non-saturating", theta))
    results["wgan-gp"].append(push_gap_slope(train_critic("wgan-gp", theta), "wgan-gp", theta))

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for name, rows in results.items():
    axes[0].plot(thetas, [abs(p) for p, _, _ in rows], "o-", label=name)
axes[0].set(xlabel="θ (distance between the lines)", ylabel="|∂L_G/∂θ| (log scale)", yscale="log",
            xscale="log", title="the generator's push towards the data")
axes[0].set_xticks(thetas, [f"{t:g}" for t in thetas])
axes[0].xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
axes[0].legend(fontsize=8)
axes[1].plot(thetas, [g for _, g, _ in results["wgan-gp"]], "o-", label="WGAN-GP critic: E[D(x)] - E[D(G(z))]")
axes[1].plot(thetas, thetas, "k:", label="$W_1 = θ$")
axes[1].set(xlabel="θ (distance between the lines)", ylabel="estimate of $W_1$", title="the critic's estimate")
axes[1].legend(fontsize=8)
plt.tight_layout()
for name, rows in results.items():
    print(f"{name:>15}: dL_G/dθ = " + "  ".join(f"{p:+.1e}" for p, _, _ in rows))
print(f"{'':>15}  θ          = " + "  ".join(f"{t:>8g}" for t in thetas))
print(f"{'wgan-gp':>15}: gap        = " + "  ".join(f"{g:8.3f}" for _, g, _ in results["wgan-gp"]))
print(f"{'':>15}  ‖∇D‖      = " + "  ".join(f"{s:8.3f}" for _, _, s in results["wgan-gp"]))
print(f"{'':>15}  1 + θ/2λ   = " + "  ".join(f"{1 + t / 20:8.3f}" for t in thetas))

# %%
saturating = [p for p, _, _ in results["minimax"]]
wasserstein = [p for p, _, _ in results["wgan-gp"]]
non_saturating = [p for p, _, _ in results["non-saturating"]]
assert all(b < a for a, b in zip(saturating, saturating[1:])), "the saturating push should fade with θ"
assert all(abs(b) < abs(a) for a, b in zip(non_saturating, non_saturating[1:])), "and the non-saturating one"
assert saturating[-1] < 0.01 * abs(wasserstein[-1]), "BCE's push should be negligible when far apart"
assert all(0.7 < p < 1.5 for p in wasserstein), "the critic's slope should stay close to 1"
assert all(abs(g - t) < 0.3 * t for (_, g, _), t in zip(results["wgan-gp"], thetas)), "critic should estimate W1 = θ"
_, far_gap, far_slope = results["wgan-gp"][-1]
assert far_slope > 1 and far_gap > thetas[-1], "at the largest θ the soft penalty lets the slope exceed 1"

# %% [markdown]
# Read the plot as the generator would:
#
# - **minimax** (the JSD objective): the push fades by orders of magnitude as the lines
#   separate. This is the vanishing gradient of notebook 02, now measured on a trained
#   discriminator: far from the data, the generator learns almost nothing.
# - **WGAN-GP**: the push stays close to 1, the slope of a 1-Lipschitz critic, whatever the
#   distance, always towards the data; and the critic's $\mathbb{E}D(x) - \mathbb{E}D(G(z))$
#   tracks $W_1 = \theta$, though not exactly: see below.
# - **non-saturating** also keeps a push here, but its size reflects how steep the BCE
#   discriminator's logit became in training (it grows without bound on separable data),
#   not the distance, and it too shrinks as $\theta$ grows.
#
# **Why the critic's gap exceeds $W_1$ at large $\theta$.** The gradient penalty is a *soft*
# constraint: the critic may have slope $s > 1$ if the gain is worth the penalty. Model the
# critic as rising with slope $s$ across the gap, with gradient norm $s$ at every
# interpolate: it then maximizes $s\,\theta - \lambda (s - 1)^2$, whose maximum is at
# $s^* = 1 + \theta / (2\lambda)$, with a gap of $\theta + \theta^2/(2\lambda) > W_1$. The
# printed rows show it: the measured mean $\lVert\nabla D\rVert$ between the lines is above 1
# at the largest $\theta$, and the gap is above $\theta$ there (both asserted above). Compare
# the last two rows for the size of the effect: the model is crude (a trained critic does not
# keep one slope at every interpolate, and the last row assumes $\lambda = 10$), but it
# explains why the excess appears and why it grows with the distance. So the WGAN-GP critic's gap is **not** a lower bound
# on $W_1$ (only a critic that is truly 1-Lipschitz gives one, by the duality); it is an
# estimate that runs high when the distributions are far apart.
#
# ## 3. Keeping the critic Lipschitz: weight clipping vs gradient penalty
#
# WGAN keeps the critic Lipschitz by clipping every weight to $[-c, c]$; WGAN-GP instead
# penalizes $\lVert\nabla D\rVert \ne 1$ where it matters. Train the same 3-layer critic
# both ways on the 8-Gaussian ring (data) against a blob at the centre (a fixed
# generator), recording the critic's gradient norm at the interpolates as it trains.

# %%
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
                      loss=name, steps=settings.pick(full=2000, quick=150), lr=1e-3, progress=False,
                      callback=lambda step, D, name=name: curves[name].append(
                          (step, interpolate_gradient_norms(D, probe_real, probe_fake,
                                                            torch.Generator().manual_seed(3)).mean().item())),
                      every=50)

fig, axes = plt.subplots(1, 4, figsize=(15, 3.3))
for name, color in (("wgan", "C0"), ("wgan-gp", "C1")):
    weights = torch.cat([m.weight.detach().flatten() for m in critics[name].modules()
                         if isinstance(m, torch.nn.Linear)])
    axes[0 if name == "wgan" else 1].hist(weights, bins=60, color=color)
    axes[0 if name == "wgan" else 1].set(title=f"{name}: critic weights", xlabel="weight",
                                         ylabel="number of weights")
    steps_, norms_ = zip(*curves[name])
    axes[2].plot(steps_, norms_, color=color, label=name)
axes[2].set(title="‖∇D(x̂)‖ during training", xlabel="critic step",
            ylabel="mean ‖∇D(x̂)‖ (log scale)", yscale="log")
axes[2].axhline(1.0, color="gray", ls=":", label="1 (the target)")
axes[2].legend(fontsize=8)
side = torch.linspace(-3, 3, 121)
xx, yy = torch.meshgrid(side, side, indexing="xy")
with torch.no_grad():
    values = critics["wgan-gp"](torch.stack([xx.flatten(), yy.flatten()], 1)).reshape(121, 121)
filled = axes[3].contourf(xx, yy, values, levels=20, cmap="coolwarm")
axes[3].scatter(*probe_real[:200].T, s=2, c="k")
axes[3].set(title="WGAN-GP critic (data in black)", xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
fig.colorbar(filled, ax=axes[3], label="critic score D(x)", shrink=0.9)
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

# Is the WGAN-GP critic shaped by the 8 modes, or only by the distance from the centre?
angles = torch.linspace(0, 2 * math.pi, 721)[:-1]
circle = lambda radius: radius * torch.stack([angles.cos(), angles.sin()], 1)
with torch.no_grad():
    on_ring = critics["wgan-gp"](circle(2.0))
    rise = on_ring.mean() - critics["wgan-gp"](torch.zeros(1, 2)).mean()
    at_modes = on_ring[::90].mean()                       # the 8 mode angles 0, 45°, ...
    between = on_ring[45::90].mean()                      # halfway between two modes
print(f"WGAN-GP critic: rises by {rise:.3f} from the centre to radius 2; around the circle of "
      f"radius 2 it varies by {on_ring.max() - on_ring.min():.3f} (max - min), "
      f"{at_modes - between:+.3f} at the modes vs between them")
if (on_ring.max() - on_ring.min()) < 0.25 * rise:
    print("=> nearly a function of the radius alone: the critic does not single out the 8 modes")
else:
    print("=> the critic varies around the ring as well: the modes shape it")

# %% [markdown]
# Weight clipping's pathologies, as Gulrajani et al. (2017) describe them, are all here:
# the weights pile up at the clip value (the share is printed above: the critic spends its
# capacity fighting the constraint); its gradient norm is tiny, so the "Wasserstein estimate"
# $\mathbb{E}D(x) - \mathbb{E}D(G(z))$ is a scaled-down number with little resolution; and
# the only functions it can express well are very simple ones. The gradient penalty leaves
# the weights free and holds $\lVert\nabla D\rVert$ near 1 where real and fake meet.
#
# Read the contour plot with the printed numbers: the critic rises from the blob at the
# centre towards the ring; the last printed line compares that rise with how much it varies
# around the circle through the 8 modes. When the variation is small the critic is close to
# a function of the radius alone and does **not** single out the modes. Why can it ignore
# them? The critic is pinned down only where the objective looks: on the data, on the blob,
# and (through the penalty) on the segments between real and fake samples, which run from
# the centre out to the modes. Between two modes at radius 2 there is neither data nor
# generator mass, and few segments pass, so nothing forces the critic to dip there; a smooth
# network fills those gaps with the simplest function that rises outward.

# %% [markdown]
# ## 4. A fair comparison on MNIST
#
# Same generator and critic architecture for every variant (DCGAN, with the critic's batch
# norm off, since WGAN-GP's per-example penalty is wrong under batch norm), same seed, same
# data order, and the same **wall-clock budget** each, because the Wasserstein variants take
# 5 critic steps per generator step: per second of compute they get fewer generator steps,
# and that is part of the comparison. Each variant uses its paper's optimizer settings
# (the trainer's per-loss defaults). Quality is measured as in notebook 05 (evaluation):
# FID and KID in the feature space of the course's classifier, beside the real-data floor,
# with the same number of images as there ($n$ = 5,000 in full mode), since FID depends on
# the sample size and only numbers at equal $n$ can be compared.

# %%
# Full mode: the DCGANs' convolutions use every core. Short mode keeps one thread: it runs on
# shared test machines, where threads compete for the cores.
torch.set_num_threads(settings.pick(full=default_threads, quick=1))
data = gan_lab.load_course_data(settings)
budget = settings.pick(full=95.0, quick=0.2)
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
fig, axes = plt.subplots(2, len(runs), figsize=(17, 5.4), squeeze=False)
for column, (name, run) in enumerate(runs.items()):
    window = max(1, min(50, run.step // 10))
    top, bottom = axes[0, column], axes[1, column]
    plot_history(run.history, window=window, axes=[top, bottom])
    readout = "mean σ(D)" if get_loss(name).output == "probability" else "mean critic score"
    top.set(title=name, xlabel="", ylabel="loss" if column == 0 else "")
    bottom.set(title="", ylabel=readout)
    if column > 0:
        top.get_legend().remove()
        bottom.get_legend().remove()
fig.suptitle("top: the two losses; bottom: D on real data and on generated data (moving averages)",
             fontsize=10)
plt.tight_layout()

# %% [markdown]
# Each column is one variant (same colours throughout: blue $L_D$ or $D(x)$, orange $L_G$ or
# $D(G(z))$). The bottom row reads $D$ as a probability for the BCE variants and as a raw
# score for the others: the units differ between variants, which is why a loss value says
# nothing across objectives; the metrics below do.

# %%
classifier = load_classifier(data.name)
n = settings.pick(full=5_000, quick=300)   # the sizes of notebook 05 (evaluation)
order = torch.randperm(len(data), generator=torch.Generator().manual_seed(settings.seed))
feats_a, _ = extract(classifier, data.images[order[:n]])
kid_subsets, kid_size = settings.pick(full=(100, 1000), quick=(10, 150))
kid_args = dict(kid_subsets=kid_subsets, kid_subset_size=kid_size, seed=settings.seed)

table = {"real data (floor)": metrics.evaluate(feats_a, *extract(classifier, data.images[order[n:2 * n]]), **kid_args)}
for name, run in runs.items():
    table[name] = metrics.evaluate(feats_a, *extract(classifier, generate(run.generator, n, settings.seed)), **kid_args)

columns = ("FID", "KID", "KID std", "precision", "recall", "class KL")
print(f"n = {n:,} images per set")
print(f"{'':>18}{'G steps':>9}{'ms/step':>9}" + "".join(f"{c:>10}" for c in columns))
for name, row in table.items():
    run = runs.get(name)
    steps_text = f"{run.step:>9d}{1000 * run.elapsed / run.step:>9.1f}" if run else " " * 18
    print(f"{name:>18}{steps_text}" + "".join(f"{row[c]:>10.3f}" for c in columns))
ranking = sorted(runs, key=lambda name: table[name]["KID"])
print("\nranked by KID (lower is better), this seed and budget:", " < ".join(ranking))
assert all(table[name]["KID"] > table["real data (floor)"]["KID"] for name in runs), "no generator beats the data"
for name in runs:
    if table[name]["precision"] > 0.9 and table[name]["recall"] < 0.1:
        print(f"{name}: precision {table[name]['precision']:.3f} with recall {table[name]['recall']:.3f}: "
              "its samples sit inside the real data but cover almost none of it (see below)")

# %% [markdown]
# **A weakness of k-NN precision.** Precision counts the generated samples that fall inside
# the real data's k-nearest-neighbour balls; it says nothing about how *varied* they are. A
# generator whose samples crowd into one tight cluster inside the real manifold scores a
# perfect precision. The extreme case: a "generator" that returns copies of 10 real images.

# %%
copies = feats_a[:10].repeat_interleave(n // 10, 0)      # 10 real images, n // 10 copies each
memorized_precision, memorized_recall = metrics.precision_recall(feats_a, copies, k=3)
print(f"10 real images, copied: precision {memorized_precision:.3f}, recall {memorized_recall:.4f} "
      f"(10 / n = {10 / n:.4f}), FID {metrics.fid(feats_a, copies):.1f}")
assert memorized_precision == 1.0 and memorized_recall <= 10 / n + 1e-12

# %% [markdown]
# Every copy is a real feature, so it lies inside its own ball: precision is exactly 1. The
# balls around the copies have radius 0 (each copy's nearest neighbours are its own copies),
# so only the 10 originals are "covered": recall is $10/n$. So read precision only together
# with recall, FID and the class histogram: a row with precision near 1 and recall near 0,
# as the table's remark flags when it happens, is a collapsed generator, not a perfect one
# (notebook 07 is about that failure).
# %% [markdown]
# **How to read the table.** Look at the step counts first: on an equal clock the
# Wasserstein variants got three to six times fewer generator updates (5 critic steps each,
# and for WGAN-GP a second backward pass for the penalty: compare the ms/step column). In
# this render that budget did not get them past noise: the clipped WGAN's samples above are
# a flat grey texture (precision 0, class KL at its maximum $\log 10 \approx 2.303$: every
# sample classified as one digit), and WGAN-GP's show the first blocky strokes but no
# digits yet (recall 0, class KL near the maximum). Published WGAN-GP results train for far
# longer, so this says "not within this budget", not "worse loss". The four variants with
# one critic step per generator step draw digit-like strokes and reach recall of about 0.2:
# they cover part of the data, none of it well (the floor's recall is 0.88). Among those
# four, KID and FID give the same order, hinge, non-saturating, minimax, LSGAN, but only
# LSGAN is clearly behind (about three KID standard deviations); the first three are within
# one and a half. With one seed a gap of a few standard deviations is a hint, not a
# verdict (run the notebook with `GAN_LAB_SEED=1, 2, ...` to see the spread).
#
# **Which to choose.** The published large-scale comparison (Lucic et al., 2018) found no
# loss consistently better than the non-saturating one once each was tuned, so:
#
# - start with **non-saturating** BCE (or **hinge**, the default of SAGAN and BigGAN): one
#   critic step per generator step, cheap and robust with a sound architecture;
# - reach for **WGAN-GP** when training is unstable or the supports are far apart (section
#   2), or when you want a loss curve that tracks sample quality (the WGAN papers' claim;
#   the few generator steps it got here cannot show it); budget for the extra critic steps
#   and keep batch norm out of the critic;
# - avoid the **saturating** minimax loss (section 4 of notebook 01 and section 2 above:
#   its push vanishes when the discriminator wins), even though a short run like this one,
#   where $D$ never gets far ahead, cannot show it: here it lands in the middle of the
#   four one-step rows; and avoid
#   **weight clipping** (section 3); **LSGAN** is a reasonable alternative with smooth
#   gradients.

# %% [markdown]
# ## Exercises
#
# Each check compares your answer with its own computation and ends in
# `self_check(answer, passes, hint)`, which prints "Correct!" or stops with a hint; exercise
# 4's check is in `gan_lab/exercises/losses.py`. An answer left as `...` is reported as not
# attempted.
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
                      "each expectation is the mean over its two examples; a term is 0 once a real "
                      "scores above 1 or a fake below -1.")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above): real terms
# max(0, 1-2) = 0 and max(0, 1-0) = 1; fake terms max(0, 1-1) = 0 and max(0, 1+3) = 4.
solution_1 = (0 + 1) / 2 + (0 + 4) / 2
check_1(solution_1);

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
                      "draw the factor with the full shape of an image batch, not one per example.")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: a factor per pixel mixes every pixel differently, so x̂ leaves the segment
# between x and x̃ and the penalty constrains the critic at the wrong points.
eps = torch.rand_like(real)
solution_2 = eps * real + (1 - eps) * fake
check_2(solution_2);

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
solution_3 = 3.0
check_3(solution_3);

# %% [markdown]
# **4. Write the gradient penalty.** Without `gan_lab.losses`, write
# `gradient_penalty_mine(D, real, fake, rng)`: draw one $\epsilon \sim U[0, 1]$ per example
# from `rng`, form $\hat x = \epsilon x + (1 - \epsilon)\tilde x$, and return
# $\mathbb{E}\bigl(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1\bigr)^2$, the norm taken over
# all of an example's entries, as a scalar tensor through which the critic can be trained
# (the optimizer must be able to differentiate it with respect to $D$'s weights). The check
# calls it on batches of two shapes with a critic whose input gradient it knows exactly.

# %%
def gradient_penalty_mine(D, real, fake, rng):
    ...  # your code here


# %%
from gan_lab.exercises import losses as loss_exercises

loss_exercises.check_gradient_penalty(gradient_penalty_mine);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: create_graph=True keeps the input gradient in the graph, so that backward() on
# the penalty reaches the critic's weights (a second-order derivative).
def solution_gradient_penalty(D, real, fake, rng):
    eps = torch.rand(len(real), *[1] * (real.ndim - 1), generator=rng, dtype=real.dtype)
    x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
    return (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()


loss_exercises.check_gradient_penalty(solution_gradient_penalty);

# %% [markdown]
# ## Summary
#
# - Six objectives, one interface: each is a pair of few-line formulas (plus a penalty or a
#   clip), selected by name, with its options and optimizer settings attached.
# - What each generator minimizes at the optimal $D$: minimax $2\,\mathrm{JSD} - \log 4$;
#   non-saturating follows the gradient of $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$;
#   LSGAN half a Pearson $\chi^2$ with targets $-1, 1, 0$, and $\Delta/8 + 1/4$ (the same
#   $\Delta$) with $0, 1, 1$; hinge $\int|p_{data} - p_g|$. All are minimized at $p_g = p_{data}$.
# - BCE-based losses measure a divergence (JSD) that is flat when supports are disjoint;
#   the saturating generator loss then gets no push. A Lipschitz critic estimates $W_1$ and
#   pushes with slope about 1 at any distance; with a soft penalty the slope, and the
#   estimate, run above 1 and $W_1$ when the distributions are far apart.
# - Precision near 1 with recall near 0 is a collapsed generator, not a perfect one.
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
