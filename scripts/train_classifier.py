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
import time
from pathlib import Path

import torch

from gan_lab import load_dataset, seed_everything
from gan_lab.checkpoint import model_record, save
from gan_lab.data import DatasetNotFoundError
from gan_lab.features import accuracy, train_classifier
from gan_lab.models import Classifier

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--epochs", type=int, default=None, help="default: 3 with 60k images, else 8")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name in args.datasets:
        x, y, x_held, y_held, description = splits(name)
        epochs = args.epochs or (3 if len(x) >= 60_000 else 8)
        seed_everything(args.seed)
        model = Classifier()
        start = time.perf_counter()
        train_classifier(model, x, y, epochs=epochs, seed=args.seed)
        seconds = time.perf_counter() - start
        record = {"dataset": name, "data": description, "epochs": epochs, "seed": args.seed,
                  "held_out_accuracy": round(accuracy(model, x_held, y_held), 4),
                  "train_accuracy": round(accuracy(model, x, y), 4),
                  "train_seconds": round(seconds, 1), "torch": str(torch.__version__),
                  "command": f"python scripts/train_classifier.py {name} --epochs {epochs} --seed {args.seed}"}
        save({"model": model_record(model.eval()), "meta": record}, OUT / f"classifier-{name}.pt")
        (OUT / f"classifier-{name}.json").write_text(json.dumps(record, indent=2) + "\n")
        print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
