"""Many small seeded runs, for tables of mean ± standard error (notebook 07).

A *job* is ``(name, options, seed)``; :func:`run_jobs` runs each job's function in a small
pool of worker processes (one thread each) and returns the results in job order. Every run
is seeded by its own ``(options, seed)`` alone, so the table does not depend on the number
of workers or on which worker ran which job.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import torch

from . import metrics, models, toy
from .config import seed_everything

TOY_DATA = {"ring": toy.ring, "grid": toy.grid}


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error ``s / √n`` (``s`` with Bessel's correction; 0 for one value)."""
    t = torch.as_tensor(list(values), dtype=torch.float64)
    if len(t) == 0:
        raise ValueError("mean_se needs at least one value.")
    se = (t.std() / math.sqrt(len(t))).item() if len(t) > 1 else 0.0
    return t.mean().item(), se


def toy_run(data: str, options: dict, seed: int, steps: int, *, hidden: tuple[int, ...] = (128, 128, 128),
            latent_dim: int = 2, batch_size: int = 128, n_eval: int = 2500, lr: float = 1e-3,
            betas: tuple[float, float] = (0.5, 0.999), lr_decay: bool = True) -> dict:
    """Train one MLP GAN on the 2D ``data`` (``"ring"`` or ``"grid"``) with the trainer
    ``options`` (stabilization tricks, see :class:`gan_lab.train.Trainer`) for ``steps``
    generator steps, then score ``n_eval`` samples with :func:`gan_lab.metrics.mode_coverage`
    (from the EMA generator when ``ema_decay`` is set). ``lr``/``betas`` are the defaults that
    ``options`` may override (TTUR sets ``lr_d``, ``lr_g``); with ``lr_decay`` both decay
    linearly towards 0 over the run (:func:`train_with_decay`)."""
    from .train import Trainer  # imported here: workers import only what they run

    seed_everything(seed)
    distribution = TOY_DATA[data]()
    pack = int(options.get("pack", 1))
    G = models.MLPGenerator(latent_dim, hidden, (2,), out_activation=None)
    D = models.MLPDiscriminator((2 * pack,), hidden, dropout=0.0)
    trainer = Trainer(G, D, toy.SampleSource(distribution, batch_size, seed), seed=seed,
                      **{"lr": lr, "betas": betas, **options})
    start = time.perf_counter()
    if lr_decay:
        train_with_decay(trainer, steps)
    else:
        trainer.train(steps, progress=False)
    seconds = time.perf_counter() - start
    z = torch.randn(n_eval, latent_dim, generator=torch.Generator().manual_seed(seed + 20_000))
    samples = trainer.sample(z)
    out = metrics.mode_coverage(samples, distribution.means, float(distribution.stds[0]))
    return {**out, "seconds": seconds, "samples": samples}


def _call(job):
    fn, args, kwargs = job
    torch.set_num_threads(1)
    return fn(*args, **kwargs)


def run_jobs(fn: Callable, jobs: Sequence[tuple[tuple, dict]], workers: int = 2) -> list:
    """``[fn(*args, **kwargs) for args, kwargs in jobs]``, computed by ``workers`` processes
    (started with ``spawn``, one torch thread each); ``workers=1`` runs them here, in order.
    ``fn`` must be importable (a module-level function), as every worker imports it."""
    calls = [(fn, tuple(args), dict(kwargs)) for args, kwargs in jobs]
    if workers <= 1:
        threads = torch.get_num_threads()
        try:
            return [_call(c) for c in calls]
        finally:
            torch.set_num_threads(threads)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_call, calls))


def decay_learning_rates(trainer, fraction: float) -> None:
    """Set both optimizers' learning rates to ``fraction`` of their initial values."""
    for opt, lr in ((trainer.opt_d, trainer.lr_d), (trainer.opt_g, trainer.lr_g)):
        for group in opt.param_groups:
            group["lr"] = lr * fraction


def train_with_decay(trainer, steps: int, chunk: int = 50) -> None:
    """Train ``steps`` generator steps with both learning rates decayed linearly towards 0,
    ``lr(t) = lr₀ · (1 - t / steps)``, held constant within chunks of ``chunk`` steps."""
    done = 0
    while done < steps:
        decay_learning_rates(trainer, 1 - done / steps)
        n = min(chunk, steps - done)
        trainer.train(n, progress=False)
        done += n
    decay_learning_rates(trainer, 1.0)


def mnist_run(options: dict, seed: int, steps: int, dataset: str = "mnist", split: str = "train",
              root: str | None = None, n_eval: int = 2000, batch_size: int = 64) -> dict:
    """Train the classic MLP GAN (notebook 03) on MNIST with the trainer ``options``
    (``"loss"`` among them picks the loss) for ``steps`` steps, then score ``n_eval`` samples
    against as many real images with :func:`gan_lab.metrics.evaluate` in the course
    classifier's feature space (notebook 06)."""
    from .data import BatchSource, load_dataset
    from .features import extract, load_classifier
    from .latent import generate
    from .train import Trainer

    seed_everything(seed)
    options = dict(options)
    loss = options.pop("loss", "non-saturating")
    pack = int(options.get("pack", 1))
    data = load_dataset(dataset, split, root)
    G = models.MLPGenerator()
    D = models.MLPDiscriminator(in_shape=(pack, 28, 28))
    trainer = Trainer(G, D, BatchSource(data.images, batch_size, seed=seed), loss, seed=seed, **options)
    start = time.perf_counter()
    trainer.train(steps, progress=False)
    seconds = time.perf_counter() - start
    sampler = trainer.ema_generator() if trainer.ema is not None else trainer.generator
    fake = generate(sampler, n_eval, seed=seed + 20_000)
    real = data.images[torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:n_eval]]
    classifier = load_classifier(dataset)
    real_features, _ = extract(classifier, real)
    fake_features, fake_probs = extract(classifier, fake)
    scores = metrics.evaluate(real_features, fake_features, fake_probs, kid_subsets=10,
                              kid_subset_size=min(1000, n_eval), seed=seed)
    coverage = metrics.class_coverage(fake_probs)
    return {**scores, "classes": coverage["classes_seen"], "histogram": coverage["histogram"],
            "seconds": seconds, "images": fake[:16]}
