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
# # 06 · Evaluating GANs
#
# **What you will learn:** what FID, KID, Inception Score, precision/recall and class
# coverage measure and what each misses; why every score needs the real-data floor beside
# it; how the scores respond to known damage; why FID depends on the sample size and KID
# does not; how to check for memorization; and how the course's generators score.
#
# **Prerequisites:** notebooks 03-04; means and covariances; k-nearest neighbours.
#
# **Time (full mode, laptop CPU):** about 2 minutes.

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/06_evaluation.ipynb)

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
import matplotlib.pyplot as plt
import torch

from gan_lab import corrupt, metrics, pretrained
from gan_lab.features import describe_classifier, extract, load_classifier
from gan_lab.plots import show_images

data = gan_lab.load_course_data(settings)

# %% [markdown]
# ## 1. A feature network that knows these images
#
# FID and its relatives compare images in the feature space of a network. The standard
# choice, Inception-v3 trained on ImageNet, has never seen a 28×28 grayscale digit (and
# cannot be downloaded offline); its features mean little here. The course instead ships a
# small CNN trained on this dataset (`scripts/train_classifier.py`). Its 128-dimensional
# penultimate layer is the feature space; its softmax gives class probabilities.

# %%
classifier = load_classifier(data.name)
record = describe_classifier(data.name)
print(f"classifier for {data.name}: trained on {record['data']}")
print(f"held-out accuracy {record['held_out_accuracy']:.2%} (seed {record['seed']}, {record['train_seconds']:.0f} s)")

# %% [markdown]
# | metric | compares | measures | misses |
# |---|---|---|---|
# | **FID** | Gaussians fitted to real and generated features | quality and diversity together, one number | anything non-Gaussian; biased upwards at small sample sizes |
# | **KID** | unbiased MMD² with a cubic kernel | the same, without the bias | more variance per sample |
# | **IS** | classifier confidence and class spread of the fakes only | recognisable and varied classes | the real data (a generator of one perfect digit per class scores the maximum); within-class variety |
# | **precision** | share of fakes inside the real data's $k$-NN balls | quality (fidelity) | diversity |
# | **recall** | share of reals inside the fakes' $k$-NN balls | coverage (diversity) | quality |
# | **class coverage** | histogram of predicted classes, KL to uniform | dropped classes (mode collapse) | variety within a class |
#
# ## 2. The real-data floor
#
# No generator should be expected to beat the data against itself. Split the real images
# into two disjoint halves and score one half as if it were generated.

# %%
n = settings.pick(full=5_000, quick=1_000)
g = torch.Generator().manual_seed(settings.seed)
order = torch.randperm(len(data), generator=g)
real_a, real_b = data.images[order[:n]], data.images[order[n:2 * n]]
labels_b = data.labels[order[n:2 * n]]
feats_a, probs_a = extract(classifier, real_a)
kid_subsets, kid_size = settings.pick(full=(100, 1000), quick=(10, 500))


def score(images):
    """All metrics of ``images`` against the real half A (gan_lab.metrics.evaluate)."""
    return metrics.evaluate(feats_a, *extract(classifier, images), kid_subsets, kid_size, seed=settings.seed)


def show_table(rows):
    names = list(next(iter(rows.values())))
    print(f"{'':>22}" + "".join(f"{c:>11}" for c in names))
    for label, row in rows.items():
        print(f"{label:>22}" + "".join(f"{row[c]:>11.4f}" for c in names))


floor = score(real_b)
show_table({"real B vs real A": floor})

# %% [markdown]
# FID is not 0 even for real images, because two finite samples differ; KID is near 0
# (it is unbiased: its expectation for identical distributions is exactly 0); IS of real
# data is close to 10 because the classifier is confident and the classes are balanced;
# precision and recall are high but not 1 (a real point can fall outside the other half's
# $k$-NN balls). Every score below is read against this row.
#
# ## 3. Known damage, known direction
#
# A metric worth using must get worse as images get worse. Damage half B three ways: add
# Gaussian noise, blur, and drop classes (replacing them with the others: a generator that
# lost some modes).

# %%
damages = {
    "noise σ": ([0.0, 0.1, 0.2, 0.4, 0.8], lambda x, s: corrupt.add_noise(x, s, seed=settings.seed)),
    "blur σ (pixels)": ([0.0, 0.5, 1.0, 1.5, 2.5], corrupt.blur),
    "classes dropped": ([0, 2, 4, 6, 8], lambda x, k: corrupt.drop_classes(x, labels_b, k)),
}
results = {name: [score(fn(real_b, level)) for level in levels] for name, (levels, fn) in damages.items()}

fig, axes = plt.subplots(2, 3, figsize=(12, 5.5))
for col, (name, (levels, _)) in enumerate(damages.items()):
    for row, metric in enumerate(("FID", "KID")):
        axes[row, col].plot(levels, [r[metric] for r in results[name]], "o-")
        axes[row, col].axhline(floor[metric], color="gray", ls=":", label="real floor")
        axes[row, col].set(xlabel=name, ylabel=metric)
axes[0, 0].legend(fontsize=8)
plt.tight_layout()

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 1.6))
for ax, (name, (levels, fn)) in zip(axes, damages.items()):
    show_images(torch.cat([fn(real_b[:1], level) if name != "classes dropped" else
                           fn(real_b, level)[:1] for level in levels]), nrow=5, ax=ax, title=name)

for name, rows in results.items():
    for metric in ("FID", "KID"):
        values = [r[metric] for r in rows]
        assert all(b > a for a, b in zip(values, values[1:])), f"{metric} should rise with {name}: {values}"
print("FID and KID rise strictly with every kind of damage.")
print("IS with classes dropped:", [round(r["IS"], 2) for r in results["classes dropped"]])
print("recall with classes dropped:", [round(r["recall"], 3) for r in results["classes dropped"]])
print("precision with classes dropped:", [round(r["precision"], 3) for r in results["classes dropped"]])
dropped = results["classes dropped"]
assert dropped[-1]["recall"] < 0.5 * dropped[0]["recall"] and dropped[-1]["precision"] > 0.8 * dropped[0]["precision"]

# %% [markdown]
# Dropping classes is mode collapse in miniature: IS falls because fewer classes are
# produced, and *recall* falls while precision stays high, the signature of a generator
# that makes good images of too few kinds.
#
# ## 4. FID's sample-size bias
#
# FID plugs *estimated* means and covariances into a nonlinear formula, so it is biased:
# even for two samples of the same distribution, it shrinks as the samples grow. KID's MMD²
# estimator is unbiased. Score real against real at several sizes:

# %%
sizes = settings.pick(full=[250, 500, 1000, 2000], quick=[100, 250, 500])
feats_b, _ = extract(classifier, real_b)
fid_by_n, kid_by_n = [], []
for m in sizes:
    fid_by_n.append(metrics.fid(feats_a[:m], feats_b[:m]))
    # KID: 20 random subsets of size m from each half, so its spread is that of size-m samples
    kid_by_n.append(metrics.kid(feats_a, feats_b, subsets=20, subset_size=m, seed=settings.seed))
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(sizes, fid_by_n, "o-")
axes[0].set(xscale="log", xlabel="samples per side", ylabel="FID, real vs real")
axes[1].errorbar(sizes, [k[0] for k in kid_by_n], yerr=[k[1] for k in kid_by_n], fmt="o-")
axes[1].axhline(0, color="gray", ls=":")
axes[1].set(xscale="log", xlabel="samples per side", ylabel="KID, real vs real")
plt.tight_layout()
print("FID:", [round(v, 3) for v in fid_by_n])
print("KID:", [f"{k[0]:.5f}±{k[1]:.5f}" for k in kid_by_n])
assert all(b < a for a, b in zip(fid_by_n, fid_by_n[1:])), "FID of real vs real should shrink with n"
assert all(abs(k[0]) < 3 * k[1] + 1e-3 for k in kid_by_n), "KID of real vs real should be 0 within noise"

# %% [markdown]
# So **compare FIDs only at the same sample size**, and prefer KID when samples are few.
#
# ## 5. Scoring the course's generators
#
# The shipped pretrained generators (trained by `scripts/train_pretrained.py` with the
# recipes of notebooks 03 and 04, on MNIST) against the floor, and an untrained DCGAN as
# the other extreme:

# %%
from gan_lab.latent import generate
from gan_lab.models import DCGANGenerator

rows = {"real B (floor)": floor}
if data.name == "mnist":
    torch.manual_seed(settings.seed)
    rows["untrained DCGAN"] = score(generate(DCGANGenerator(), n, settings.seed))
    samples = {}
    for name in ("mlp-mnist", "dcgan-mnist"):
        samples[name] = generate(pretrained.load_pretrained(name), n, settings.seed)
        rows[name] = score(samples[name])
    show_table(rows)
    assert rows["untrained DCGAN"]["FID"] > rows["dcgan-mnist"]["FID"] > floor["FID"]
else:
    print(f"The pretrained generators are MNIST models; with {data.name} only the floor is shown.")
    show_table(rows)

# %% [markdown]
# Read each row against the floor: the trained generators sit far above it on FID and KID
# (these small CPU-trained models are recognisable, not indistinguishable), and their
# precision and recall show whether that gap is quality or coverage.
#
# ## 6. Did it memorize?
#
# A generator that copies training images would score well on everything above. Check:
# for each generated image find its nearest training image, and compare that distance
# with how close training images are to *each other* (nearest other training image).
# Copies would sit far below the training set's own spacing.

# %%
if data.name == "mnist":
    train_pixels = data.images.flatten(1)
    probe = settings.pick(full=1000, quick=200)
    fake = samples["dcgan-mnist"][:probe].flatten(1)
    d_fake, nearest = torch.cdist(fake, train_pixels).min(dim=1)
    own = torch.cdist(train_pixels[:probe], train_pixels)
    own[torch.arange(probe), torch.arange(probe)] = float("inf")   # not itself
    d_real = own.min(dim=1).values
    print(f"nearest-training-image distance: generated median {d_fake.median():.2f}, "
          f"training images to each other median {d_real.median():.2f}")
    print(f"generated images closer to a training image than 1% of training pairs: "
          f"{(d_fake < d_real.quantile(0.01)).float().mean():.1%}")
    closest = d_fake.argsort()[:8]
    show_images(torch.cat([samples["dcgan-mnist"][closest], data.images[nearest[closest]]]), nrow=8,
                title="the 8 generated images closest to training data (top) and their neighbours");

# %% [markdown]
# ## Exercises
#
# **1.** Two 1D Gaussian "feature sets" have means 0 and 3 and standard deviations 1 and 2.
# What is their Fréchet distance? (Use the closed form for 1D; check with
# `metrics.frechet_distance`.)

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercise import self_check


def check_1(answer):
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    exact = metrics.frechet_distance(t([0.0]), t([[1.0]]), t([3.0]), t([[4.0]]))
    return self_check(answer, lambda v: abs(v - exact) < 1e-9,
                      "in 1D, d² = (μ₁ - μ₂)² + (σ₁ - σ₂)².")


check_1(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
answer_1 = (0 - 3) ** 2 + (1 - 2) ** 2
check_1(answer_1);

# %% [markdown]
# **2.** A generator produces each of the 10 classes equally often, always with a
# confident classifier (one-hot predictions). What Inception Score does it get?

# %%
answer_2 = ...  # your code here

# %%
def check_2(answer):
    exact = metrics.inception_score(torch.eye(10).repeat(50, 1), splits=1)[0]
    return self_check(answer, lambda v: abs(v - exact) < 1e-6,
                      "p(y|x) is one-hot and p(y) uniform: KL = log 10 for every x.")


check_2(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: exp(log 10) = 10, the maximum for 10 classes
answer_2 = 10.0
check_2(answer_2);

# %% [markdown]
# **3.** Score a "generator" that returns 5 copies of each of 200 real images from half A
# (1000 images). Which of precision and recall is lower? Answer `"precision"` or `"recall"`.

# %%
answer_3 = ...  # your code here

# %%
def check_3(answer):
    copies = real_a[:200].repeat(5, 1, 1, 1)
    p, r = metrics.precision_recall(feats_a, extract(classifier, copies)[0])
    return self_check(answer, lambda a: a == ("recall" if r < p else "precision"),
                      "copies of real images are perfect in quality but cover few of the real points.")


check_3(answer_3);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: the copies lie on real points (precision 1) but only 200 of them (low recall).
answer_3 = "recall"
check_3(answer_3);

# %% [markdown]
# ## Summary
#
# - Measure GANs in a feature space that knows the data: here a small classifier, not
#   ImageNet's Inception.
# - Always show the real-vs-real floor; FID is biased by sample size, KID is not.
# - FID and KID rise with every kind of damage; IS and recall expose dropped classes;
#   precision vs recall separates quality from coverage.
# - Check nearest neighbours before celebrating: a copy machine scores well too.
#
# **Further reading:** Heusel et al., *GANs Trained by a Two Time-Scale Update Rule
# Converge to a Local Nash Equilibrium* (FID, 2017), [arXiv:1706.08500](https://arxiv.org/abs/1706.08500);
# Bińkowski et al., *Demystifying MMD GANs* (KID, 2018), [arXiv:1801.01401](https://arxiv.org/abs/1801.01401);
# Salimans et al. (IS, 2016), [arXiv:1606.03498](https://arxiv.org/abs/1606.03498);
# Kynkäänniemi et al., *Improved Precision and Recall Metric for Assessing Generative
# Models* (2019), [arXiv:1904.06991](https://arxiv.org/abs/1904.06991); Borji, *Pros and
# Cons of GAN Evaluation Measures* (2018), [arXiv:1802.03446](https://arxiv.org/abs/1802.03446).
