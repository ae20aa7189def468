"""Time to quality: FID against CPU seconds for the seeds' recipe and the course's best one.

In one process, on the same MNIST train images, each recipe trains for the same CPU budget
(``time.process_time``: CPU seconds of this process, all threads; evaluation excluded).
At regular points the script prints FID (the course's classifier features, ``--n``
generated images vs ``--n`` random test images). At the end it prints how many times
faster the course's recipe reaches the FID the seeds' recipe has at the end of its budget:

    speedup = (CPU s the seeds' recipe needs to first reach its final FID)
              / (CPU s the course's recipe needs to first reach that FID)

The seeds' recipe is the fully connected GAN of the tutorials (``classic-mlp``: BCE,
Adam 2e-4, batch 64); the course's is ``self-conditioned`` (see :mod:`gan_lab.recipes` and
:mod:`gan_lab.selfcond`: a conditional DCGAN trained on k-means clusters of the pixels; its
budget includes the clustering). Both learn p(x) from the images alone. A third run,
``cgan`` (notebook 08's conditional GAN), also reads the class labels, which the other two
never see; it is printed apart, as what labels buy: its FID is that of its marginal (the
same number of images of each class).

    python benchmarks/time_to_quality.py                 # 5 CPU-minutes per recipe
    python benchmarks/time_to_quality.py --seconds 120   # shorter
"""

from __future__ import annotations

import argparse
import time

import torch

from gan_lab import load_dataset, metrics
from gan_lab.features import extract, load_classifier
from gan_lab.recipes import RecipeRun, get_recipe
from gan_lab.records import random_subset, sample

# label: recipe (a conditional recipe also reads the class labels)
RUNS = {"seeds": "classic-mlp", "course": "self-conditioned", "course+labels": "cgan"}


def fid_curve(run: RecipeRun, seconds: float, points: int, classifier, reference_features,
              n: int, label: str) -> list[tuple[float, int, float]]:
    """Train ``run`` for ``seconds`` CPU seconds; at ``points`` evenly spaced moments (and at
    the end) print and record ``(cpu seconds, steps, FID)``."""
    marks = [seconds * (i + 1) / points for i in range(points)]
    curve, used = [], run.setup_cpu_seconds        # the clustering is part of the budget
    for mark in marks:
        start = time.process_time()
        while used + time.process_time() - start < mark:
            run.step()
        used += time.process_time() - start
        fake_features, _ = extract(classifier, sample(run.result(), n, seed=1))
        value = metrics.fid(reference_features, fake_features)
        curve.append((used, run.step_count, value))
        print(f"{label:14s} cpu_s {used:7.1f}  steps {run.step_count:6d}  FID {value:8.3f}", flush=True)
    return curve


def first_time_at_or_below(curve, target: float) -> float | None:
    """CPU seconds of the first point whose FID is at most ``target`` (None: never)."""
    return next((t for t, _, f in curve if f <= target), None)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="CPU seconds per recipe (default 300)")
    parser.add_argument("--points", type=int, default=10, help="FID measurements per recipe")
    parser.add_argument("--n", type=int, default=2000, help="images per FID (generated and test)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args(argv)
    if args.n % 10:   # the conditional run's marginal takes n / 10 images of each digit
        parser.error(f"--n must be a multiple of 10 (the label-reading run draws n / 10 images "
                     f"of each digit), got {args.n}")
    if args.threads:
        torch.set_num_threads(args.threads)
    train = load_dataset("mnist", "train")
    classifier = load_classifier("mnist")
    reference, _ = extract(classifier, random_subset(load_dataset("mnist", "test").images, args.n, args.seed))
    print(f"MNIST train ({len(train)} images); FID of {args.n} samples vs {args.n} random test images; "
          f"{args.seconds:g} CPU s per recipe, {torch.get_num_threads()} threads", flush=True)
    curves = {}
    for label, name in RUNS.items():
        recipe = get_recipe(name)
        print(f"{label}: {name}{' (reads the labels)' if recipe.needs_labels else ''}: "
              f"{recipe.describe()}", flush=True)
        run = RecipeRun(recipe, train.images, seed=args.seed,
                        labels=train.labels if recipe.needs_labels else None)
        curves[label] = fid_curve(run, args.seconds, args.points, classifier, reference, args.n,
                                  f"{label} ({name})")
    target = curves["seeds"][-1][2]
    t_seeds = first_time_at_or_below(curves["seeds"], target)
    print(f"seeds' final FID {target:.3f}: reached by the seeds' recipe after {t_seeds:.1f} CPU s", flush=True)
    speedups = {}
    for label in ("course", "course+labels"):
        t = first_time_at_or_below(curves[label], target)
        speedups[label] = t_seeds / t if t else None
        print(f"  {label} ({RUNS[label]}): " + (f"after {t:.1f} CPU s: {t_seeds / t:.1f}x faster"
              if t else "never within the budget"), flush=True)
    return {"curves": curves, "target": target, "speedup": speedups["course"],
            "speedup_with_labels": speedups["course+labels"]}


if __name__ == "__main__":
    main()
