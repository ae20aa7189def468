"""Train the small pretrained generators shipped in gan_lab/weights/, on the train split.

    GAN_LAB_DATA=/path/to/data python scripts/train_pretrained.py dcgan mlp
    GAN_LAB_DATA=/path/to/data python scripts/train_pretrained.py dcgan --dataset fashion-mnist

Each shipped name is ``{model}-{dataset}`` and follows a recipe of :mod:`gan_lab.recipes`
(``dcgan``: the self-conditioned DCGAN, trained on k-means clusters of the images, with a
full-width generator, on 50 clusters on MNIST and on 60 with the mode-seeking term on
Fashion-MNIST (see ``PER_DATASET``);
``dcgan-strong``: the strong unconditional recipe; ``dcgan-classic``: the classic DCGAN
recipe; ``mlp``: notebook 03's MLP pair, self-conditioned on 25 clusters the same way). CPU
time includes the k-means. The script writes ``gan_lab/weights/{name}.pt``
(generator only, loaded with ``weights_only=True``) and a ``.json`` beside it with the
recipe, the data, steps, seed, wall and CPU time, the machine, and the generator's record
(:func:`gan_lab.records.generator_record`: FID, KID, precision, recall and class KL at
n = 5,000 against the test split, the real floor at the same n, the memorization check
against the training images, and which targets are met). ``--record-only`` recomputes
the records of shipped generators without training (after retraining a feature classifier).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from gan_lab import load_dataset, seed_everything
from gan_lab.checkpoint import load, load_generator, save, save_generator
from gan_lab.recipes import RecipeRun, get_recipe
from gan_lab.records import generator_record

MODELS = {"dcgan": "self-conditioned-wide", "dcgan-strong": "strong-dcgan", "dcgan-classic": "classic-dcgan",
          "mlp": "self-conditioned-mlp"}
# Where a dataset needs another recipe. On Fashion-MNIST the self-conditioned recipe collapsed
# within its clusters (Adam 2e-4, 17,000 steps, seed 0: recall 0.0 with 25 clusters, FID 84x
# the floor); with the mode-seeking term and 50 clusters it did not (FID 9.7x, recall 0.67;
# at the recipe's present rate, 1e-3, EMA decay 0.999, the rates lowered towards 0 over the last
# 6,000 of 28,000 steps: 4.91x and 0.74; after 18,500 steps, 5.28x and 0.73). On
# MNIST (at 2e-4) the term cost precision (gan_lab.recipes has the numbers), so dcgan-mnist
# trains without it (self-conditioned-wide). On Fashion-MNIST a full-width G and 60 clusters,
# each alone, bought recall and cost FID (28,000 steps: 5.27x, recall 0.743; 5.12x, 0.746);
# together over 32,000 steps (self-conditioned-ms-wide) they met every target: 4.62x, 0.774.
PER_DATASET = {("dcgan", "fashion-mnist"): "self-conditioned-ms-wide"}


def recipe_name(model: str, dataset: str) -> str:
    """The recipe that trains ``{model}-{dataset}``."""
    return PER_DATASET.get((model, dataset), MODELS[model])
OUT = Path(__file__).resolve().parent.parent / "gan_lab" / "weights"


def train(model: str, dataset: str, seed: int, steps: int | None, out: Path = OUT,
          threads: int | None = None) -> dict:
    """Train ``model``'s recipe on ``dataset``/train, then write the weights and the record."""
    if threads:
        torch.set_num_threads(threads)
    recipe = get_recipe(recipe_name(model, dataset), **({"steps": steps} if steps else {}))
    data = load_dataset(dataset, "train")
    seed_everything(seed)
    wall, cpu = time.perf_counter(), time.process_time()
    run = RecipeRun(recipe, data.images, seed=seed)     # a self-conditioned recipe clusters here
    for _ in range(recipe.steps):
        run.step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    G = run.result()
    print(f"{model}-{dataset}: {recipe.steps} steps in {wall:.0f} s wall, {cpu:.0f} CPU s", flush=True)
    record = generator_record(G, dataset, data.images, n=5000, seed=seed)
    meta = {
        "model": model, "recipe": recipe_name(model, dataset), "recipe_settings": recipe.describe(),
        "generator": type(G).__name__, "generator_config": G.config,
        "data": f"{data.name}/{data.split}", "images": len(data), "batch_size": recipe.batch_size,
        "loss": recipe.loss, "steps": recipe.steps, "seed": seed,
        "train_seconds": round(wall, 1), "train_cpu_seconds": round(cpu, 1),
        "last_step": {k: round(v, 4) for k, v in run.last.items() if k != "step"},
        "record": record, "meets_targets": all(record["targets"].values()),
        "torch": str(torch.__version__),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
        "command": f"python scripts/train_pretrained.py {model} --dataset {dataset} "
                   f"--seed {seed} --steps {recipe.steps}" + (f" --threads {threads}" if threads else ""),
    }
    stem = out / f"{model}-{dataset}"
    save_generator(G, stem.with_suffix(".pt"), meta)
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps({k: meta[k] for k in ("train_cpu_seconds", "record", "meets_targets")}, indent=2),
          flush=True)
    return meta


def rerecord(name: str, seed: int = 0, out: Path = OUT) -> dict:
    """Recompute the record of the shipped generator ``name`` (e.g. after the feature
    classifier was retrained) and rewrite it beside the weights; the weights stay as they are."""
    path = out / f"{name}.pt"
    obj = load(path)
    meta = obj["meta"]
    G = load_generator(path)
    dataset = meta["data"].split("/")[0]
    record = generator_record(G, dataset, load_dataset(dataset, "train").images, n=5000, seed=seed)
    meta.update(record=record, meets_targets=all(record["targets"].values()))
    save({**obj, "meta": meta}, path)
    (out / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps({k: meta[k] for k in ("record", "meets_targets")}, indent=2), flush=True)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help=f"one or more of {', '.join(sorted(MODELS))}; "
                        "with --record-only, shipped names such as dcgan-mnist")
    parser.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None, help="override the recipe's steps")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: all cores; 1 runs two trainings side by side)")
    parser.add_argument("--record-only", action="store_true",
                        help="recompute the records of shipped generators, no training")
    args = parser.parse_args()
    for model in args.models:
        if args.record_only:
            rerecord(model, args.seed)
        elif model not in MODELS:
            parser.error(f"unknown model {model!r}: choose from {', '.join(sorted(MODELS))}")
        else:
            train(model, args.dataset, args.seed, args.steps, threads=args.threads)


if __name__ == "__main__":
    main()
