"""Train the small pretrained generators shipped in gan_lab/weights/.

    GAN_LAB_DATA=/path/to/data GAN_LAB_SPLIT=test python scripts/train_pretrained.py mlp dcgan

Writes ``gan_lab/weights/{mlp,dcgan}-{dataset}.pt`` (generator only, loaded with
``weights_only=True``) and a ``.json`` beside each recording the data, steps, seed, loss,
wall time and machine, so the weights can be reproduced.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from gan_lab import load_course_data, load_settings, models, seed_everything
from gan_lab.checkpoint import save_generator
from gan_lab.data import BatchSource
from gan_lab.train import Trainer, recent_mean

RECIPES = {  # name: (generator, discriminator, steps); batch 64, non-saturating loss, Adam(2e-4, 0.5)
    "mlp": (models.MLPGenerator, models.MLPDiscriminator, 30_000),
    "dcgan": (models.DCGANGenerator, models.DCGANDiscriminator, 5_000),
}
OUT = Path(__file__).resolve().parent.parent / "gan_lab" / "weights"


def train(name: str, seed: int, steps: int | None) -> None:
    settings = load_settings()
    data = load_course_data(settings)
    make_g, make_d, default_steps = RECIPES[name]
    steps = steps or default_steps
    seed_everything(seed)
    trainer = Trainer(make_g(), make_d(), BatchSource(data.images, 64, seed=seed),
                      "non-saturating", seed=seed)
    start = time.perf_counter()
    trainer.train(steps)
    seconds = time.perf_counter() - start
    tail = recent_mean(trainer.history, 500)
    meta = {
        "model": name, "generator": type(trainer.generator).__name__,
        "generator_config": trainer.generator.config,
        "data": f"{data.name}/{data.split}", "images": len(data), "batch_size": 64,
        "loss": trainer.loss.name, "steps": steps, "seed": seed,
        "train_seconds": round(seconds, 1),
        "last_500_steps": {k: round(v, 4) for k, v in tail.items() if k not in ("step", "seconds")},
        "torch": str(torch.__version__), "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
        "command": f"GAN_LAB_DATASET={settings.dataset} GAN_LAB_SPLIT={settings.split} "
                   f"python scripts/train_pretrained.py {name} --seed {seed} --steps {steps}",
    }
    stem = OUT / f"{name}-{data.name}"
    save_generator(trainer.generator.eval(), stem.with_suffix(".pt"), meta)
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {stem}.pt in {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", choices=sorted(RECIPES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None, help="override the recipe's steps")
    args = parser.parse_args()
    for name in args.models:
        train(name, args.seed, args.steps)


if __name__ == "__main__":
    main()
