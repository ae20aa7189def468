"""What closes the gap between an unconditional DCGAN and a conditional one? A pilot.

Trains, one after another in this process, on the train split of MNIST (or ``--dataset
fashion-mnist``) with one seed, for the same number of generator steps (default 3,000): the
course's ``strong-dcgan`` (half-width DCGAN pair, batch norm in both, EMA 0.995 of G), three
unconditional variants of it, the ``self-conditioned`` recipe (the conditional GAN trained
on k-means clusters of the pixels instead of the labels; it trained ``dcgan-mnist`` until
``self-conditioned-wide`` replaced it), ``self-conditioned-ms`` (50 clusters and the
mode-seeking term; it trained ``dcgan-fashion-mnist`` until ``self-conditioned-ms-wide``
replaced it) and the same without the term (``no-mode-seeking``), and the conditional
``cgan`` recipe of notebook 08 (which also reads the labels). Each prints
the FID, precision, recall and class KL of the EMA generator (n = 5,000 against random
test images, the course classifier's features; for ``cgan`` its marginal, 500 per class;
for the self-conditioned recipes their marginal over the clusters) and the CPU seconds it
trained (for the self-conditioned recipes, with the clustering). Every run keeps its
learning rates constant unless ``--decay-steps`` says otherwise.

    python benchmarks/unconditional_vs_labels.py                  # ~40 CPU-minutes
    python benchmarks/unconditional_vs_labels.py --only self-conditioned   # FID 25.5 in 233 CPU-s
    python benchmarks/unconditional_vs_labels.py --steps 200 --only strong-dcgan cgan
    # Fashion-MNIST, 50 clusters, with and without the mode-seeking term: recall 0.473 vs 0.207
    # (EMA decay 0.995: the recipe's 0.999, a half-life of about 700 steps, is too long for 1,500)
    python benchmarks/unconditional_vs_labels.py --dataset fashion-mnist --steps 1500 \
        --ema-decay 0.995 --only self-conditioned-ms no-mode-seeking

Variants: ``+minibatch-stddev`` (D sees the batch's spread, Karras et al., 2018),
``+r1`` (no batch norm in D, the R1 penalty γ = 1, Mescheder et al., 2018), and
``pixel-norm-G`` (G normalizes each example as the conditional G does, instead of batch norm).
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from gan_lab import load_dataset, metrics, seed_everything
from gan_lab.conditional import ConditionalGenerator
from gan_lab.features import extract, load_classifier
from gan_lab.models import DCGANDiscriminator
from gan_lab.recipes import RECIPES, RecipeRun, get_recipe
from gan_lab.records import TARGETS, random_subset, sample
from gan_lab.train import Trainer


class PixelNormG(torch.nn.Module):
    """The conditional generator with one class: an unconditional G with pixel norm."""

    def __init__(self):
        super().__init__()
        self.G = ConditionalGenerator(n_classes=1, width=32)
        self.latent_dim = self.G.latent_dim

    def forward(self, z):
        return self.G(z, torch.zeros(len(z), dtype=torch.long, device=z.device))


# each variant: a recipe with one change
CHANGES = {"+minibatch-stddev": ("strong-dcgan", {"trainer_options": {"minibatch": "stddev"}}),
           "+r1": ("strong-dcgan", {"discriminator_config": {"width": 32, "batch_norm": False},
                                    "trainer_options": {"r1_gamma": 1.0}}),
           "no-mode-seeking": ("self-conditioned-ms", {"trainer_options": {}})}


def build(variant: str, images, labels, seed: int, ema_decay: float | None = None,
          decay_steps: int = 0, steps: int | None = None) -> RecipeRun:
    """A run of ``variant``: a named recipe, or a recipe with one change; ``ema_decay``, when
    given, replaces the recipe's (a run of a few thousand steps needs a short average).
    ``decay_steps`` replaces every recipe's: by default the rates stay constant, since a
    recipe's rate decay is a schedule for its own length (``self-conditioned-ms``: the last
    6,000 of 28,000 steps), not for a pilot's. ``steps``, the pilot's length, ends that decay."""
    extra = ({"decay_steps": decay_steps} | ({} if ema_decay is None else {"ema_decay": ema_decay})
             | ({} if steps is None else {"steps": steps}))
    if variant in RECIPES:
        recipe = get_recipe(variant, **extra)
        return RecipeRun(recipe, images, seed=seed, labels=labels if recipe.needs_labels else None)
    if variant in CHANGES:
        name, change = CHANGES[variant]
        return RecipeRun(get_recipe(name, **change, **extra), images, seed=seed)
    # G is not a recipe's model class: build strong-dcgan's run, then train PixelNormG in it
    recipe = get_recipe("strong-dcgan", **extra)
    run = RecipeRun(recipe, images, seed=seed)
    torch.manual_seed(seed)
    D = DCGANDiscriminator(**recipe.discriminator_config)
    run.trainer = Trainer(PixelNormG(), D, run.trainer.data, recipe.loss, lr_d=recipe.lr_d,
                          lr_g=recipe.lr_g, betas=recipe.betas, ema_decay=recipe.ema_decay, seed=seed)
    return run


VARIANTS = ["strong-dcgan", "+minibatch-stddev", "+r1", "pixel-norm-G", "self-conditioned",
            "self-conditioned-ms", "no-mode-seeking", "cgan"]


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=VARIANTS, default=VARIANTS)
    parser.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--ema-decay", type=float, default=None,
                        help="replace every recipe's EMA decay (e.g. 0.995 for a short run)")
    parser.add_argument("--decay-steps", type=int, default=0,
                        help="lower every recipe's rates linearly towards 0 over the last N steps "
                             "(default 0: constant rates, whatever the recipe's own schedule)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    train, test = load_dataset(args.dataset, "train"), load_dataset(args.dataset, "test")
    classifier = load_classifier(args.dataset)
    reference, _ = extract(classifier, random_subset(test.images, args.n, args.seed))
    floor_f, _ = extract(classifier, random_subset(train.images, args.n, args.seed + 1))
    floor = metrics.fid(reference, floor_f)
    floor_precision, floor_recall = metrics.precision_recall(reference, floor_f, k=3)
    print(f"{args.dataset}, {args.steps} steps each, seed {args.seed}, {args.threads} thread(s); "
          f"FID at n = {args.n} vs test (real floor {floor:.2f}, precision {floor_precision:.3f}, "
          f"recall {floor_recall:.3f}; target <= {TARGETS['fid_over_floor']:g}x)"
          + ("" if args.ema_decay is None else f"; EMA decay {args.ema_decay:g} for every recipe")
          + (f"; rates lowered towards 0 over the last {args.decay_steps} steps" if args.decay_steps else
             "; constant rates"),
          flush=True)
    rows = []
    for variant in args.only:
        seed_everything(args.seed)
        run = build(variant, train.images, train.labels, args.seed, args.ema_decay, args.decay_steps,
                    args.steps)
        start = time.process_time()
        for _ in range(args.steps):
            run.step()
        cpu = time.process_time() - start + run.setup_cpu_seconds
        features, probs = extract(classifier, sample(run.result(), args.n, args.seed + 2))
        precision, recall = metrics.precision_recall(reference, features, k=3)
        fid = metrics.fid(reference, features)
        row = {"variant": variant, "cpu_s": round(cpu), "FID": round(fid, 1), "x_floor": round(fid / floor, 1),
               "precision": round(precision, 3), "recall": round(recall, 3),
               "class_KL": round(metrics.class_coverage(probs)["kl_to_uniform"], 4)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
