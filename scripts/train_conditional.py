"""Train and measure the class-conditional generators shipped in gan_lab/weights/.

    GAN_LAB_DATA=/path/to/data python scripts/train_conditional.py mnist fashion-mnist

Trains ``ConditionalGenerator`` against a projection ``ConditionalDiscriminator`` with the
course's one ``Trainer`` (batches of ``(images, labels)`` from the TRAIN split; the fakes
get the real batch's labels), then measures on held-out data:

* agreement: the share of generated samples that the course classifier
  (``gan_lab/weights/classifier-*.pt``) assigns to the requested class, per class and
  overall, next to the classifier's own accuracy on the real test images;
* FID per class (classifier features, ``n`` generated vs ``n`` real test images of that
  class) next to the real floor (``n`` real train vs ``n`` real test images of that class);
* the spread ratio per class (:func:`gan_lab.conditional.spread_ratio`): how far apart a
  class's samples lie in those features, relative to real images of the class (near 0 when
  ``z`` does nothing once ``y`` is fixed);
* the record of its marginal, as for the unconditional generators
  (:func:`gan_lab.records.generator_record`: 500 images of each class, n = 5,000 against
  random test images, the real floor, and the memorization check against the train split).

The recipe is ``cgan`` in :mod:`gan_lab.recipes`; the EMA of G's weights is the shipped
generator, as for the unconditional generators.

Writes ``gan_lab/weights/cgan-{dataset}.pt`` (generator only) and a ``.json`` record beside it.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from gan_lab import load_dataset, seed_everything
from gan_lab.checkpoint import load, save, save_generator
from gan_lab.conditional import agreement, fid_per_class, generate_per_class, spread_ratio
from gan_lab.features import extract, load_classifier
from gan_lab.recipes import RecipeRun, get_recipe
from gan_lab.records import generator_record
from gan_lab.train import recent_mean

OUT = Path(__file__).resolve().parent.parent / "gan_lab" / "weights"
RECIPE = "cgan"   # the recipe in gan_lab.recipes


def measure(generator, dataset: str, n_per_class: int = 1000, seed: int = 1) -> dict:
    """Class agreement and per-class FID of ``generator`` (see the module docstring)."""
    classifier = load_classifier(dataset)
    test, train = load_dataset(dataset, "test"), load_dataset(dataset, "train")
    fake, fake_y = generate_per_class(generator.cpu(), n_per_class, seed=seed)
    fake_f, fake_p = extract(classifier, fake)
    test_f, test_p = extract(classifier, test.images)
    pick = torch.Generator().manual_seed(seed)
    real_idx = torch.cat([torch.nonzero(test.labels == c)[:, 0][:n_per_class] for c in range(10)])
    train_idx = torch.cat([(idx := torch.nonzero(train.labels == c)[:, 0])[
        torch.randperm(len(idx), generator=pick)[:n_per_class]] for c in range(10)])
    train_f, _ = extract(classifier, train.images[train_idx])
    real_f, real_y = test_f[real_idx], test.labels[real_idx]
    fid_fake = fid_per_class(real_f, real_y, fake_f, fake_y, 10)
    fid_floor = fid_per_class(real_f, real_y, train_f, train.labels[train_idx], 10)
    spread = spread_ratio(real_f, real_y, fake_f, fake_y, 10)
    gen = agreement(fake_p.argmax(1), fake_y, 10)
    real = agreement(test_p.argmax(1), test.labels, 10)
    r4 = lambda v: round(v, 4)  # noqa: E731
    return {
        # the same n, test images and floor (seed 0) as the unconditional generators' records
        "marginal": generator_record(generator, dataset, train.images, n=500 * len(test.classes), seed=0,
                                     classifier=classifier, test_images=test.images),
        "n_per_class": n_per_class, "classes": list(test.classes),
        "generated_agreement": r4(gen["overall"]), "generated_agreement_per_class": [r4(a) for a in gen["per_class"]],
        "classifier_test_accuracy": r4(real["overall"]), "classifier_test_accuracy_per_class": [r4(a) for a in real["per_class"]],
        "fid_per_class": [r4(f) for f in fid_fake], "fid_floor_per_class": [r4(f) for f in fid_floor],
        "fid_ratio_per_class": [r4(f / g) for f, g in zip(fid_fake, fid_floor)],
        "spread_ratio_per_class": [r4(s) for s in spread],
        "classifier": f"classifier-{dataset}: " + json.dumps(
            json.loads((OUT / f"classifier-{dataset}.json").read_text()).get("data")),
    }


def train(dataset: str, seed: int, steps: int, threads: int) -> None:
    torch.set_num_threads(threads)
    data = load_dataset(dataset, "train")
    seed_everything(seed)
    recipe = get_recipe(RECIPE, steps=steps)
    run = RecipeRun(recipe, data.images, seed=seed, labels=data.labels)
    trainer, G, D = run.trainer, run.trainer.generator, run.trainer.bare_discriminator
    wall, cpu = time.perf_counter(), time.process_time()
    trainer.train(steps, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tail = recent_mean(trainer.history, 500)
    meta = {
        "model": "cgan", "recipe": RECIPE, "recipe_settings": recipe.describe(),
        "generator": type(G).__name__, "generator_config": G.config,
        "discriminator": type(D).__name__, "discriminator_config": D.config,
        "data": f"{data.name}/{data.split}", "images": len(data), "batch_size": recipe.batch_size,
        "loss": trainer.loss.name, "steps": steps, "seed": seed, "ema_decay": recipe.ema_decay,
        "train_seconds": round(wall, 1), "train_cpu_seconds": round(cpu, 1),
        "last_500_steps": {k: round(v, 4) for k, v in tail.items() if k not in ("step", "seconds")},
        "torch": str(torch.__version__), "machine": f"{platform.machine()}, {threads} threads (shared CPU)",
        "command": f"python scripts/train_conditional.py {dataset} --seed {seed} --steps {steps} "
                   f"--threads {threads}",
    }
    generator = run.result()                               # the average of G's weights, eval mode
    meta["evaluation"] = measure(generator, dataset)
    stem = OUT / f"cgan-{data.name}"
    save_generator(generator, stem.with_suffix(".pt"), meta)
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    ev = meta["evaluation"]
    print(f"wrote {stem}.pt: {cpu:.0f} CPU-s, agreement {ev['generated_agreement']:.4f} "
          f"(classifier on real test: {ev['classifier_test_accuracy']:.4f}), "
          f"FID/floor per class {ev['fid_ratio_per_class']}, spread {ev['spread_ratio_per_class']}", flush=True)


def remeasure(dataset: str) -> None:
    """Measure the shipped ``cgan-{dataset}`` again (e.g. after the classifier changed) and
    update its record."""
    from gan_lab.pretrained import load_pretrained

    path = OUT / f"cgan-{dataset}.json"
    obj = load(path.with_suffix(".pt"))                   # weights and the meta stored with them
    meta = obj["meta"]
    meta["evaluation"] = measure(load_pretrained(f"cgan-{dataset}"), dataset)
    save({**obj, "meta": meta}, path.with_suffix(".pt"))
    path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{path.name}: {json.dumps({k: v for k, v in meta['evaluation'].items() if 'per_class' not in k})}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=get_recipe(RECIPE).steps)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 on a shared CPU)")
    parser.add_argument("--measure-only", action="store_true",
                        help="only measure the shipped generator again and update its record")
    args = parser.parse_args()
    for name in args.datasets:
        if args.measure_only:
            remeasure(name)
        else:
            train(name, args.seed, args.steps, args.threads)


if __name__ == "__main__":
    main()
