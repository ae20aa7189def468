"""A generator's record: how it scores against real data, and the real data's own floor.

:func:`generator_record` measures ``n`` generated images (default 5,000) against ``n``
random (seeded) images of the **test** split, in the feature space of the shipped
classifier (:mod:`gan_lab.features`): FID, KID, precision, recall, and the KL of the
predicted-class histogram to uniform. Beside each number stands the **real floor**: the same
metric for ``n`` random images of the **train** split against the same test images, i.e. what
a generator that reproduced the training distribution exactly would score at this ``n``
(FID in particular is biased upward at finite ``n``; only a floor at the same ``n`` says
what "good" is). The memorization check compares the generated images with the images the
generator was *trained* on, in pixel space (:func:`memorization`).
"""

from __future__ import annotations

import torch
from torch import nn

from . import metrics, validate
from .conditional import generate_per_class, is_conditional
from .data import load_dataset
from .features import extract, load_classifier
from .latent import generate   # records sample a generator as the notebooks do

# What a shipped generator should reach (issue 11): FID within 5x the real floor, precision
# and recall within 0.1 of the floor's, class-histogram KL to uniform at most 0.02.
TARGETS = {"fid_over_floor": 5.0, "precision_gap": 0.1, "recall_gap": 0.1, "class_kl": 0.02}
METRICS = ("FID", "KID", "precision", "recall", "class KL")


def random_subset(images: torch.Tensor, n: int, seed: int) -> torch.Tensor:
    """``n`` images drawn without replacement by a seeded permutation (not the first ``n``:
    contiguous blocks of MNIST come from different writers)."""
    n, seed = validate.positive_int(n, "n"), validate.seed(seed)
    if n > len(images):
        raise ValueError(f"Asked for {n} images from a set of {len(images)}.")
    return images[torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))[:n]]


def sample(generator: nn.Module, n: int, seed: int = 0) -> torch.Tensor:
    """``n`` images from the generator's distribution: ``G(z)`` for an unconditional G; for a
    conditional ``G(z, y)`` its marginal ``p_g(x) = Σ_y p(y) p_g(x | y)`` with uniform classes,
    ``n / K`` images of each of the K classes (so the record of a conditional G compares with
    the same test images as an unconditional one)."""
    if not is_conditional(generator):
        return generate(generator, n, seed)
    n = validate.positive_int(n, "n")
    if n % generator.n_classes:
        raise ValueError(f"The marginal of a conditional generator takes the same number of images "
                         f"of each of its {generator.n_classes} classes: n must be a multiple of "
                         f"{generator.n_classes}, got {n}.")
    return generate_per_class(generator, n // generator.n_classes, seed)[0]


def nearest_distance(queries: torch.Tensor, pool: torch.Tensor, exclude_self: bool = False,
                     chunk: int = 1000) -> torch.Tensor:
    """Euclidean distance from each query image to its nearest image in ``pool`` (pixels
    flattened), ``min_j ‖q_i - p_j‖₂``. With ``exclude_self`` the queries must be the first
    rows of ``pool`` and a query's own row is skipped (its nearest *other* image)."""
    q = validate.examples(queries, "queries")
    p = validate.examples(pool, "pool", 2 if exclude_self else 1)
    if q.shape[1:] != p.shape[1:]:
        raise ValueError(f"queries and pool differ in image shape: {tuple(queries.shape[1:])} vs "
                         f"{tuple(pool.shape[1:])}; compare images of one size.")
    q, p = q.flatten(1).float(), p.flatten(1).float()
    out = []
    for start in range(0, len(q), chunk):
        d = torch.cdist(q[start:start + chunk], p)                     # (chunk, len(pool))
        if exclude_self:
            rows = torch.arange(len(d))
            d[rows, rows + start] = float("inf")
        out.append(d.min(dim=1).values)
    return torch.cat(out)


def memorization(samples: torch.Tensor, train_images: torch.Tensor, n_reference: int = 5000,
                 seed: int = 0) -> dict[str, float]:
    """Do the samples sit closer to the training images than training images sit to each other?

    For each sample, the distance to its nearest training image; for ``n_reference`` random
    training images, the distance to their nearest *other* training image. Reports both
    medians, their ratio (about 1 or more: no sign of copying; well below 1: copies), and
    the share of samples closer to the training set than the closest 1% of training pairs
    (about 0.01 for a generator that does not copy; near 1 for one that does).
    """
    n_reference, seed = validate.positive_int(n_reference, "n_reference"), validate.seed(seed)
    validate.examples(samples, "samples", advice=validate.DIVERGED)
    validate.examples(train_images, "train_images", 2)  # a nearest *other* training image
    perm = torch.randperm(len(train_images), generator=torch.Generator().manual_seed(seed))
    shuffled = train_images[perm]
    d_train = nearest_distance(shuffled[:min(n_reference, len(shuffled))], shuffled, exclude_self=True)
    d_fake = nearest_distance(samples, train_images)
    threshold = torch.quantile(d_train.double(), 0.01).item()
    return {"median_nearest_train_distance": d_fake.median().item(),
            "median_train_to_train_distance": d_train.median().item(),
            "median_ratio": (d_fake.median() / d_train.median()).item(),
            "closest_1pct_train_pair_distance": threshold,
            "share_closer_than_closest_1pct": (d_fake < threshold).double().mean().item()}


def _scores(reference_features, features, probs, kid_subsets: int, seed: int) -> dict[str, float]:
    kid_mean, _ = metrics.kid(reference_features, features, subsets=kid_subsets,
                              subset_size=min(1000, len(features)), seed=seed)
    precision, recall = metrics.precision_recall(reference_features, features, k=3)
    return {"FID": metrics.fid(reference_features, features), "KID": kid_mean,
            "precision": precision, "recall": recall,
            "class KL": metrics.class_coverage(probs)["kl_to_uniform"]}


def check_targets(scores: dict, floor: dict) -> dict[str, bool]:
    """Each of :data:`TARGETS` as ``name -> met?``."""
    t = TARGETS
    return {f"FID <= {t['fid_over_floor']:g} x floor": scores["FID"] <= t["fid_over_floor"] * floor["FID"],
            f"precision within {t['precision_gap']:g} of floor":
                abs(scores["precision"] - floor["precision"]) <= t["precision_gap"],
            f"recall within {t['recall_gap']:g} of floor": abs(scores["recall"] - floor["recall"]) <= t["recall_gap"],
            f"class KL <= {t['class_kl']:g}": scores["class KL"] <= t["class_kl"]}


def generator_record(generator: nn.Module, dataset: str, train_images: torch.Tensor,
                     n: int = 5000, seed: int = 0, classifier: nn.Module | None = None,
                     test_images: torch.Tensor | None = None, kid_subsets: int = 100) -> dict:
    """The record of ``generator`` trained on ``train_images`` of ``dataset``.

    ``n`` samples (:func:`sample`: for a conditional G its marginal, ``n / K`` of each class)
    vs ``n`` random test images: FID, KID, precision, recall (k = 3), class KL;
    the floor: ``n`` random train images vs the same test images; the ratio FID / floor FID;
    the memorization check against ``train_images``; and which targets are met.
    """
    classifier = classifier if classifier is not None else load_classifier(dataset)
    test_images = test_images if test_images is not None else load_dataset(dataset, "test").images
    reference = random_subset(test_images, n, seed)
    real = random_subset(train_images, n, seed + 1)
    samples = sample(generator, n, seed + 2)
    ref_f, _ = extract(classifier, reference)
    real_f, real_p = extract(classifier, real)
    fake_f, fake_p = extract(classifier, samples)
    scores = _scores(ref_f, fake_f, fake_p, kid_subsets, seed)
    floor = _scores(ref_f, real_f, real_p, kid_subsets, seed)
    return {"n": n, "seed": seed,
            "reference": f"{n} random {dataset}/test images (seed {seed})",
            "floor": f"{n} random images of the training set (seed {seed + 1}) vs the same test images",
            "metrics": {k: round(v, 5) for k, v in scores.items()},
            "real_floor": {k: round(v, 5) for k, v in floor.items()},
            "fid_over_floor": round(scores["FID"] / floor["FID"], 2),
            "memorization": {k: round(v, 4) for k, v in
                             memorization(samples, train_images, n_reference=n, seed=seed).items()},
            "targets": check_targets(scores, floor)}
