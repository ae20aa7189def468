"""Train the feature networks behind the course's metrics (gan_lab/weights/classifier-*.pt).

    GAN_LAB_DATA=/path/to/data python scripts/train_classifier.py mnist fashion-mnist

Trains on a train split and reports accuracy on images it never saw. With a dataset's
train split it holds out the test split; with only the MNIST test split (offline) it trains
on the first 8,000 test images and holds out the last 2,000. A ``.json`` beside the
weights records the data, the held-out accuracy, the seed and the time.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import torch

from gan_lab import load_dataset, seed_everything
from gan_lab.checkpoint import model_record, save
from gan_lab.data import DatasetNotFoundError
from gan_lab.features import accuracy, train_classifier
from gan_lab.models import Classifier

# dataset: (epochs with the 60k train split, max shift in pixels, mirror left-right?)
RECIPES = {"mnist": (6, 2, False),            # mirrored digits are not digits
           "fashion-mnist": (10, 0, True)}    # mirrored clothes are clothes
OUT = Path(__file__).resolve().parent.parent / "gan_lab" / "weights"


def splits(name: str):
    """(train images, train labels, held-out images, held-out labels, description)."""
    test = load_dataset(name, "test")
    try:
        train = load_dataset(name, "train")
        return train.images, train.labels, test.images, test.labels, \
            f"{name}/train (60,000), held out: {name}/test (10,000)"
    except DatasetNotFoundError:
        print(f"{name}/train not available: training on test[:8000], holding out test[8000:]")
        return test.images[:8000], test.labels[:8000], test.images[8000:], test.labels[8000:], \
            f"{name}/test[:8000], held out: {name}/test[8000:] (2,000)"


def cpu_seconds() -> float:
    """CPU seconds (user + system, all threads) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--epochs", type=int, default=None, help="default: 6 (MNIST) or 10 (Fashion-MNIST) with 60k images, else 12")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the weights (default: gan_lab/weights)")
    args = parser.parse_args()
    for name in args.datasets:
        x, y, x_held, y_held, description = splits(name)
        default_epochs, shift, flip = RECIPES[name]
        epochs = args.epochs or (default_epochs if len(x) >= 60_000 else 12)
        seed_everything(args.seed)
        model = Classifier(batch_norm=True)
        start, cpu_start = time.perf_counter(), cpu_seconds()
        train_classifier(model, x, y, epochs=epochs, seed=args.seed, max_shift=shift, flip=flip,
                         cosine=True, progress=False)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
        record = {"dataset": name, "data": description, "model": model.config, "epochs": epochs,
                  "training": "Adam(1e-3), cosine schedule, batch 128"
                              + (f", random shifts of up to {shift} px" if shift else "")
                              + (", random left-right mirroring" if flip else ""),
                  "seed": args.seed,
                  "held_out_accuracy": round(accuracy(model, x_held, y_held), 4),
                  "train_accuracy": round(accuracy(model, x, y), 4),
                  "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu, 1),
                  "torch": str(torch.__version__),
                  "command": f"python scripts/train_classifier.py {name} --epochs {epochs} --seed {args.seed}"}
        save({"model": model_record(model.eval()), "meta": record}, args.out / f"classifier-{name}.pt")
        (args.out / f"classifier-{name}.json").write_text(json.dumps(record, indent=2) + "\n")
        print(json.dumps(record, indent=2), flush=True)


if __name__ == "__main__":
    main()
