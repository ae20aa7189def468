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
# # 05 · Evaluating GANs
#
# **What you will learn:** what FID, KID, Inception Score, precision/recall and class
# coverage measure and what each misses; why every score needs the real-data floor beside
# it; how the scores respond to known damage; why FID depends on the sample size and KID
# does not; how to check for memorization; and how the course's two shipped MNIST
# generators, an MLP GAN and a DCGAN-style generator, score. Notebook 06 (loss variants) and the ones after it use these metrics.
#
# **Prerequisites:** notebooks 03-04; means and covariances; k-nearest neighbours.
#
# **Time (full mode, CPU):** about 2-3 minutes on 2 cores, most of it in section 3's damage
# sweep (longer on a busy machine).

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gan-lab/gan-lab/blob/main/notebooks/05_evaluation.ipynb)

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
# FID fits a Gaussian $\mathcal{N}(\mu_r, \Sigma_r)$ to the real features and
# $\mathcal{N}(\mu_g, \Sigma_g)$ to the generated ones and reports the **squared** Fréchet
# (2-Wasserstein) distance between them,
#
# $$\mathrm{FID} = d^2 = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{tr}\Sigma_r + \operatorname{tr}\Sigma_g
#   - 2 \operatorname{tr}\big(\Sigma_r \Sigma_g\big)^{1/2},$$
#
# with the covariances estimated from $n$ samples (dividing by $n - 1$).
#
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
# No generator should be expected to beat the data against itself. Draw two disjoint
# **random** sets of $n$ real images, A and B, and score B as if it were generated. Every
# score in this notebook compares $n$ images with the $n$ of set A ($n = 5{,}000$ in full
# mode), because FID depends on the sample size (section 4).

# %%
n = settings.pick(full=5_000, quick=500)
g = torch.Generator().manual_seed(settings.seed)
order = torch.randperm(len(data), generator=g)
real_a, real_b = data.images[order[:n]], data.images[order[n:2 * n]]
labels_b = data.labels[order[n:2 * n]]
feats_a, probs_a = extract(classifier, real_a)
kid_subsets, kid_size = settings.pick(full=(100, 1000), quick=(10, 250))


def score(images):
    """All metrics of ``images`` against the real set A (gan_lab.metrics.evaluate)."""
    return metrics.evaluate(feats_a, *extract(classifier, images), kid_subsets, kid_size, seed=settings.seed)


def show_table(rows):
    names = list(next(iter(rows.values())))
    print(f"{'':>22}" + "".join(f"{c:>11}" for c in names))
    for label, row in rows.items():
        print(f"{label:>22}" + "".join(f"{row[c]:>11.4f}" for c in names))


floor = score(real_b)
show_table({"real B vs real A": floor})
print(f"n = {n:,} images per side")

# %% [markdown]
# Why random sets? Contiguous blocks of a dataset need not come from the same distribution:
# MNIST's test set, for one, holds 5,000 images from NIST's SD-3 writers (Census Bureau
# employees) followed by 5,000 from SD-1 (high-school students). Compare the first $n$ images
# of the split loaded here (printed by the setup cell; the train split in the committed
# render) with its last $n$:

# %%
first, last = data.images[:n], data.images[-n:]
fid_blocks = metrics.fid(extract(classifier, first)[0], extract(classifier, last)[0])
print(f"{data.name}/{data.split}: FID first {n:,} vs last {n:,} = {fid_blocks:.2f}; "
      f"two random sets: {floor['FID']:.2f} "
      f"({fid_blocks / floor['FID']:.1f} times the random floor)")

# %% [markdown]
# (A floor from contiguous blocks would be inflated by whatever separates them; the ratio
# printed above shows by how much on this split.)
#
# FID is not 0 even for real images, because two finite samples differ; KID is near 0
# (it is unbiased: its expectation for identical distributions is exactly 0); IS of real
# data is close to 10 (its maximum for 10 classes) because the classifier is confident and
# the classes are balanced;
# precision and recall are high but not 1 (a real point can fall outside the other set's
# $k$-NN balls). Every score below is read against this row.
#
# ## 3. Known damage, known direction
#
# A metric worth using must get worse as images get worse. Damage set B three ways: add
# Gaussian noise, blur, and drop classes (replacing them with the others: a generator that
# lost some modes).

# %%
damages = {
    "noise σ": (settings.pick(full=[0.0, 0.1, 0.2, 0.4, 0.8], quick=[0.0, 0.2, 0.8]),
                lambda x, s: corrupt.add_noise(x, s, seed=settings.seed)),
    "blur σ (pixels)": (settings.pick(full=[0.0, 0.5, 1.0, 1.5, 2.5], quick=[0.0, 1.0, 2.5]), corrupt.blur),
    "classes dropped": (settings.pick(full=[0, 2, 4, 6, 8], quick=[0, 4, 8]),
                        lambda x, k: corrupt.drop_classes(x, labels_b, k)),
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
                           fn(real_b, level)[:1] for level in levels]), nrow=len(levels), ax=ax, title=name)

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
# Dropping classes is mode collapse (notebook 07) in miniature: IS falls because fewer classes are
# produced, and *recall* falls while precision stays high, the signature of a generator
# that makes good images of too few kinds.
#
# ## 4. FID's sample-size bias
#
# FID plugs *estimated* means and covariances into a nonlinear formula, so it is biased:
# even for two samples of the same distribution, it shrinks as the samples grow. KID's MMD²
# estimator is unbiased. Score real against real at several sizes:

# %%
sizes = settings.pick(full=[250, 500, 1000, 2000, 5000], quick=[100, 250, 500])
assert sizes[-1] == n
feats_b, _ = extract(classifier, real_b)
fid_by_n = [metrics.fid(feats_a[:m], feats_b[:m]) for m in sizes]
assert abs(fid_by_n[-1] - floor["FID"]) < 1e-9 * floor["FID"], "the last size is the floor's n"
# KID: 20 random subsets of size m from each set, so its spread is that of size-m samples
# (m < n only: at m = n every subset would be the whole set, with no spread to show)
kid_sizes = sizes[:-1]
kid_by_n = [metrics.kid(feats_a, feats_b, subsets=20, subset_size=m, seed=settings.seed) for m in kid_sizes]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(sizes, fid_by_n, "o-")
axes[0].set_title("FID: shrinks as n grows (biased)", fontsize=10)
axes[1].errorbar(kid_sizes, [k[0] for k in kid_by_n], yerr=[k[1] for k in kid_by_n], fmt="o-", capsize=3,
                 label="mean ± std over 20 subsets")
axes[1].axhline(0, color="gray", ls=":", label="0 (same distribution)")
axes[1].set_title("KID: 0 within its spread at every n (unbiased)", fontsize=10)
axes[1].legend(fontsize=8)
for ax, name in zip(axes, ("FID", "KID")):
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{m:,}" for m in sizes])   # one label per size, no overlapping minor labels
    ax.minorticks_off()
    ax.set(xlabel="samples per side n (log scale)", ylabel=f"{name}, real vs real")
plt.tight_layout()
print("FID:", ", ".join(f"n={m}: {v:.3f}" for m, v in zip(sizes, fid_by_n)))
print("KID:", ", ".join(f"n={m}: {k[0]:.5f}±{k[1]:.5f}" for m, k in zip(kid_sizes, kid_by_n)))
assert all(b < a for a, b in zip(fid_by_n, fid_by_n[1:])), "FID of real vs real should shrink with n"
assert all(abs(k[0]) < 3 * k[1] + 1e-3 for k in kid_by_n), "KID of real vs real should be 0 within noise"

# %% [markdown]
# So **compare FIDs only at the same sample size** (every FID outside this curve uses the $n$
# printed in section 2, and the curve's last point is exactly that floor), and prefer KID when
# samples are few.
#
# ## 5. Scoring the course's generators
#
# Notebook 04 compared its MLP GAN and DCGAN by eye and by one count, and left the verdict
# to metrics. Here are the metrics for the shipped pretrained generators, which are not
# those two (trained by `scripts/train_pretrained.py` on MNIST: `mlp-mnist` has notebook 03's
# fully connected layers, `dcgan-mnist` is a DCGAN generator, and they were trained on 25 and
# 50 clusters of the images, a recipe notebook 08 explains, with their weights averaged,
# notebook 07; neither saw a label) against the floor, and an untrained DCGAN as the other
# extreme:

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
    assert all(rows[name]["FID"] > floor["FID"] for name in samples), "trained FIDs above the floor"
    for name in samples:
        record = pretrained.describe(name)
        print(f"{name}: {record['generator']}, {record['steps']:,} steps on {record['data']}, "
              f"{record['train_seconds']:.0f} s of training; its record: FID "
              f"{record['record']['fid_over_floor']}x the floor against the test split")
else:
    print(f"The pretrained generators are MNIST models; with {data.name} only the floor is shown.")
    show_table(rows)

# %% [markdown]
# Read each row against the floor: both trained generators sit above it on FID, `mlp-mnist`
# nearly six times and `dcgan-mnist` about 4.4 times (its KID is
# about one of its standard deviations above the floor's). These ratios are against this notebook's floor (sets
# B and A, both from the train split); the shipped records, which notebook 08 and the README
# quote, measure against the test split, so their ratios differ (printed above). Precision and
# recall show whether a gap is quality or coverage.
#
# Which of the two is better? Each metric gives its own verdict (lower is better for FID,
# KID and the class KL, higher for IS, precision and recall); count them:

# %%
better = {"FID": min, "KID": min, "class KL": min, "IS": max, "precision": max, "recall": max}
if data.name == "mnist":
    wins = {name: [] for name in samples}
    for metric, best in better.items():
        wins[best(samples, key=lambda name: rows[name][metric])].append(metric)
    for name, won in wins.items():
        print(f"{name} scores better on {len(won)} of {len(better)} metrics: {', '.join(won) or 'none'}")
    leader = max(wins, key=lambda name: len(wins[name]))
    counts = [len(won) for won in wins.values()]
    if counts.count(max(counts)) > 1:
        print("The count is a tie: by these metrics neither generator is the better one.")
    else:
        print(f"By these metrics the better generator is {leader}"
              + (" on every one of them." if len(wins[leader]) == len(better) else "; the metrics disagree."))

# %% [markdown]
# Here the count is a tie, three to three: `mlp-mnist` leads on precision (by about 0.03), the
# class KL and recall, `dcgan-mnist` on IS, and FID and KID (about 1.35 and 3.7 times lower).
# The recall lead is 0.001, far less than these numbers move from one draw of samples to the
# next, so read recall as even: more of the MLP's samples lie near real digits and its
# classes are closer to uniform, the two cover about as much of the real digits' variety,
# and the DCGAN's samples, taken together, match the mean and covariance of the real
# features better.
#
# Whatever the lines above say, read them with two caveats. First, they score two
# *trained generators*, not two architectures: the printed training records show how many
# steps and seconds each got (wall-clock seconds; notebook 04 lists their CPU seconds),
# the two recipes differ in more than the architecture (`gan_lab.recipes` lists every
# setting: the MLP's average, for one, spans more steps), and another recipe or budget could
# change the count. Second, these
# metrics live in a classifier's feature space: they reward digits the classifier recognises,
# spread over the ten classes as in the data, which is not the same thing as clean strokes
# without stray dots, the symptom notebook 04 looked at and counted. Here FID, KID and IS side
# with notebook 04's count of isolated pixels, which favoured the convolutional generator (it
# scored different models), while precision and the class KL lean the other way; where numbers
# and eye disagree, one tells you what the other missed: look at the samples and the numbers
# together.
#
# ## 6. Did it memorize?
#
# A generator that copies training images would score well on everything above. Check:
# for each generated image find its nearest training image, and compare that distance
# with how close training images are to *each other* (nearest other training image).
# Copies would sit far below the training set's own spacing.

# %%
if data.name == "mnist":
    trained_on = pretrained.describe("dcgan-mnist")["data"]
    print(f"dcgan-mnist was trained on {trained_on}; compared here with {data.name}/{data.split}"
          + ("" if trained_on == f"{data.name}/{data.split}" else
             " (another split: this run cannot see copies of its training images)"))
    train_pixels = data.images.flatten(1)
    probe = settings.pick(full=1000, quick=100)
    fake = samples["dcgan-mnist"][:probe].flatten(1)
    d_fake, nearest = torch.cdist(fake, train_pixels).min(dim=1)
    picked = torch.randperm(len(train_pixels), generator=g)[:probe]   # a random set of training images
    own = torch.cdist(train_pixels[picked], train_pixels)
    own[torch.arange(probe), picked] = float("inf")   # not itself
    d_real = own.min(dim=1).values
    print(f"nearest-training-image distance: generated median {d_fake.median():.2f}, "
          f"training images to each other median {d_real.median():.2f}")
    print(f"generated images closer to a training image than 1% of training pairs: "
          f"{(d_fake < d_real.quantile(0.01)).float().mean():.1%}")
    closest = d_fake.argsort()[:8]
    show_images(torch.cat([samples["dcgan-mnist"][closest], data.images[nearest[closest]]]), nrow=8,
                title="the 8 generated images closest to training data (top) and their neighbours");

# %% [markdown]
# Read the two printed lines together: the generated images sit no closer to the training
# set (median) than training images sit to each other, and the share that falls below the
# closest 1% of training pairs is under 1%: no sign of copying. The closest ones, in the
# figure, are simple strokes such as a plain 1, which lie close to many training images anyway.

# %% [markdown]
# ## Exercises
#
# Each check below is a function in `gan_lab/exercises/evaluation.py`: it compares your
# answer with its own computation and ends in `self_check(answer, passes, hint)`.
#
# **1.** Two 1D Gaussian "feature sets" have means 0 and 3 and standard deviations 1 and 2.
# What FID would they get, i.e. what is their **squared** Fréchet distance $d^2$? (Use the
# formula of section 1 in one dimension; `metrics.frechet_distance` computes the same $d^2$.)

# %%
answer_1 = ...  # your code here

# %%
from gan_lab.exercises import evaluation

evaluation.check_frechet_1d(answer_1);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution (its own name, so "Run all" keeps your answer above): in 1D the trace term is
# σ₁² + σ₂² - 2σ₁σ₂ = (σ₁ - σ₂)², so d² = (μ₁ - μ₂)² + (σ₁ - σ₂)²; the distance d is its root.
solution_1 = (0 - 3) ** 2 + (1 - 2) ** 2
t = lambda v: torch.tensor(v, dtype=torch.float64)
print(f"d² = {solution_1}, metrics.frechet_distance: {metrics.frechet_distance(t([0.0]), t([[1.0]]), t([3.0]), t([[4.0]])):.6f}, "
      f"d = {solution_1 ** 0.5:.4f}")
evaluation.check_frechet_1d(solution_1);

# %% [markdown]
# **2.** A generator produces each of the 10 classes equally often, always with a
# confident classifier (one-hot predictions). What Inception Score does it get?

# %%
answer_2 = ...  # your code here

# %%
evaluation.check_inception_score(answer_2);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: KL(one-hot ‖ uniform) = log 10 for every x, so IS = exp(log 10) = 10, the maximum
solution_2 = 10.0
print("metrics.inception_score:", metrics.inception_score(torch.eye(10).repeat(50, 1), splits=1)[0])
evaluation.check_inception_score(solution_2);

# %% [markdown]
# **3.** Score a "generator" that returns 5 copies of each of 200 real images from set A
# (1,000 images) against set A. Which of precision and recall is lower? Answer
# `"precision"` or `"recall"`.

# %%
answer_3 = ...  # your code here

# %%
copies = feats_a[:200].repeat(5, 1)   # the features of 5 copies each of 200 images of set A
copies_precision, copies_recall = metrics.precision_recall(feats_a, copies)
evaluation.check_lower_of_precision_recall(answer_3, copies_precision, copies_recall);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution: the copies lie on real points (precision 1) but only 200 of them (low recall).
solution_3 = "recall"
print(f"precision {copies_precision:.3f}, recall {copies_recall:.3f}")
evaluation.check_lower_of_precision_recall(solution_3, copies_precision, copies_recall);

# %% [markdown]
# **4.** Write FID yourself, from two feature sets of shape `(n, d)` (without
# `gan_lab.metrics`): fit a mean and a covariance to each, then apply the formula of
# section 1. The check runs your function on random feature sets and compares with its own
# computation; then compare your function with `metrics.fid` on the floor above.

# %%
def my_fid(real_features, fake_features):
    ...  # your code here


evaluation.check_fid(my_fid);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Solution
def solution_fid(real_features, fake_features):
    mu_r, mu_g = real_features.mean(0), fake_features.mean(0)
    sigma_r, sigma_g = torch.cov(real_features.T), torch.cov(fake_features.T)
    # Σ_r Σ_g is not symmetric but has real eigenvalues >= 0; tr (Σ_r Σ_g)^½ = Σ √λ
    eigenvalues = torch.linalg.eigvals(sigma_r @ sigma_g)
    tr_sqrt = eigenvalues.sqrt().real.sum()
    return ((mu_r - mu_g).pow(2).sum() + sigma_r.trace() + sigma_g.trace() - 2 * tr_sqrt).item()


evaluation.check_fid(solution_fid)
print(f"on the floor: solution_fid {solution_fid(feats_a, feats_b):.6f}, metrics.fid {floor['FID']:.6f}")

# %% [markdown]
# ## Summary
#
# - Measure GANs in a feature space that knows the data: here a small classifier, not
#   ImageNet's Inception.
# - Always show the real-vs-real floor, from random sets of real images; FID (a squared
#   distance) is biased by sample size, so compare it only at one $n$; KID is not.
# - FID and KID rise with every kind of damage; IS and recall expose dropped classes;
#   precision vs recall separates quality from coverage.
# - Check nearest neighbours before celebrating: a copy machine scores well too.
# - Scores rank trained generators, budgets included, not architectures in the abstract.
#
# **Further reading:** Heusel et al., *GANs Trained by a Two Time-Scale Update Rule
# Converge to a Local Nash Equilibrium* (FID, 2017), [arXiv:1706.08500](https://arxiv.org/abs/1706.08500);
# Bińkowski et al., *Demystifying MMD GANs* (KID, 2018), [arXiv:1801.01401](https://arxiv.org/abs/1801.01401);
# Salimans et al. (IS, 2016), [arXiv:1606.03498](https://arxiv.org/abs/1606.03498);
# Kynkäänniemi et al., *Improved Precision and Recall Metric for Assessing Generative
# Models* (2019), [arXiv:1904.06991](https://arxiv.org/abs/1904.06991); Borji, *Pros and
# Cons of GAN Evaluation Measures* (2018), [arXiv:1802.03446](https://arxiv.org/abs/1802.03446).
