"""Training recipes: which models, loss and optimizer settings train a GAN, and how fast.

A :class:`Recipe` names every choice; :class:`RecipeRun` trains it with
:class:`gan_lab.train.Trainer` (which keeps the exponential moving average, EMA, of the
generator's weights when asked: ``θ_EMA ← β θ_EMA + (1 - β) θ_G`` after every step, an
average over the oscillation of the adversarial game at no training cost; Yazıcı et al.,
2019; Karras et al., 2018). The families:

- the **classic** recipes of the tutorials: non-saturating BCE loss, Adam(2e-4, β₁ = 0.5)
  for both networks, batch 64, the last generator as the result;
- ``strong-dcgan``, the course's recipe for a CPU budget of a few minutes: a half-width
  DCGAN pair (about 3x cheaper per step) and the EMA of G;
- ``sn-hinge-dcgan``: spectral norm on every layer of D and no batch norm there (Miyato
  et al., 2018), the hinge loss, D's learning rate twice G's (TTUR, Heusel et al., 2017),
  and the EMA. In a pilot at equal CPU time (75 s, about 1,000 steps) it trailed
  ``strong-dcgan`` (FID 367 vs 309 at n = 1,000): spectral norm pays off over longer runs
  than a CPU budget of minutes allows;
- ``cgan``, the conditional GAN of notebook 08, which also reads the class labels (pass
  ``labels=`` to :class:`RecipeRun`). On MNIST labels are worth more than any unconditional
  trick the course measured (``benchmarks/unconditional_vs_labels.py``: MNIST, 3,000 steps, one
  thread, seed 0, FID at n = 5,000 against the test split, real floor 3.13): its marginal
  (500 images per class) scored FID 21.3 where ``strong-dcgan`` scored 210; minibatch
  stddev in D (197), R1 without batch norm in D (225) and pixel norm instead of batch norm
  in G (1,436: collapse) did not close that gap. Not on Fashion-MNIST: there the shipped
  ``cgan-fashion-mnist`` collapsed two classes, and its marginal scores worse than the
  unconditional ``strong-dcgan`` did there (FID 56x against 36x the floor);
- ``self-conditioned`` (:mod:`gan_lab.selfcond`, Liu et al., 2020): the ``cgan`` recipe
  trained on 25 k-means clusters of the pixels instead of the labels, shipped as an
  ordinary ``G(z)`` that samples the clusters' marginal, with Adam at 5e-4 where ``cgan``
  uses 2e-4. It needs no labels and trained the shipped ``dcgan-mnist`` until
  ``self-conditioned-wide`` replaced it: FID 3.7x the floor after 17,000 steps (precision
  0.750, recall 0.801), against 4.5x (0.755, 0.758) at 2e-4 and 41x for ``strong-dcgan``.
  ``benchmarks/unconditional_vs_labels.py`` (MNIST, 3,000 steps, one thread, seed 0, FID
  at n = 5,000): 25.5 (recall 0.725; at 2e-4: 41.9 and
  0.58) against 210 for ``strong-dcgan`` and 21 for ``cgan``. The numbers that follow were
  measured at 2e-4, before the rate changed. A first pilot (k-means on all 60,000 images)
  compared cluster counts: 22.8 with 100 clusters, 40 with 50, 58 with 25, 61 with 10. But
  recall fell as clusters grew (0.65 with 10, 0.36 with 100), and over the full 17,000
  steps 100 clusters collapsed: one image per cluster whatever z (MNIST FID 10x the floor,
  recall 0.02). 25 clusters did not (recall 0.76). On Fashion-MNIST both collapsed (recall
  0.0; FID 84x the floor with 25 clusters, 28x with 100): G drew one image per cluster
  whatever z;
- ``self-conditioned-wide``: the same at 5e-4 on 50 clusters, with a full-width generator
  (width 64; D keeps 32), over 25,000 steps. It trains ``dcgan-mnist``: FID 2.98x the floor
  (precision 0.773, recall 0.807, all four targets met, precision by 0.003). After 17,000
  steps it scored 3.18x (0.767, 0.805; seed 1, training and record: 3.46x, 0.773 and 0.802
  against a floor of 0.879 and 0.885): the extra 8,000 steps gained on all three. A step
  costs about 1.5x the half-width pair's CPU time. Each change alone traded one of precision
  and recall for the other (17,000 steps, seed 0; half-width G unless noted): 50 clusters
  3.19x (0.786, 0.764), 35 clusters 4.45x (0.763, 0.782), the wide G on 25 clusters 3.42x
  (0.738, 0.835). Also measured: the wide G on 60 clusters, 3.40x (0.791, 0.767). Not kept:
  D at width 64 too, 2.90x (0.768, 0.780) in 1.7x the CPU time; EMA decay 0.999, 3.05x
  (0.763, 0.804); the rates lowered towards 0 over the last 6,000 steps (half width, 25
  clusters), 4.67x (0.756, 0.771);
- ``self-conditioned-mlp``: notebook 03's fully connected pair trained the same way, on 25
  clusters (:class:`~gan_lab.conditional.ConditionalMLPGenerator`, ``G([z; E[c]])``, and
  :class:`~gan_lab.conditional.ConditionalMLPDiscriminator`, the projection head on the MLP
  discriminator), with ``mlp-ema``'s Adam 5e-4, an EMA decay of 0.9995 and the rates falling
  linearly to 0 over the last 20,000 steps. It trains ``mlp-mnist``: FID 4.29x the floor
  after 160,000 steps (precision 0.797, recall 0.800; trained with seed 1: 5.23x, 0.786,
  0.810, so FID sits near the 5x target), against 11.8x (0.760, 0.806) for
  ``mlp-ema`` after 85,000. With EMA decay 0.999 and constant rates (so a run's state after
  N steps is that of an N-step run), recall stayed short of its target on 25 clusters: 4.42x
  (0.824, 0.780), 4.25x (0.828, 0.769) and 3.94x (0.828, 0.775) after 120,000, 140,000 and
  160,000 steps. Other cluster counts did not order FID or recall in step: 15 clusters met
  recall and cost FID, 5.92x (0.806, 0.790) after 100,000 steps, 5.40x (0.805, 0.789) after
  120,000, 4.97x (0.812, 0.789) after 160,000 (seed 1: 5.96x, 0.814, 0.780); 20 clusters
  5.23x (0.809, 0.775) after 120,000; 50 clusters 4.96x (0.834, 0.764; 5.30x, 0.840, 0.756
  after 80,000 steps). The slower average and the final decay moved precision into recall
  (160,000 steps: 15 clusters 5.05x, 0.771, 0.814; 20 clusters 4.75x, 0.793, 0.820; 12
  clusters 5.61x, 0.777, 0.820). After 20,000 steps: 50 clusters 8.40x (0.756, 0.705), 25
  clusters 8.78x (0.723, 0.721). Not kept (50 clusters, 80,000 steps unless noted): MSGAN's
  mode-seeking term, which bought recall and cost FID, at weight 0.25 10.2x (0.778, 0.817)
  and at 0.5 14.8x (0.758, 0.803); a generator twice as wide (512, 1024), 6.77x (0.848,
  0.713) after 60,000 steps;
- ``self-conditioned-ms``: ``self-conditioned`` on 50 clusters, plus MSGAN's mode-seeking
  term in G's loss (Mao et al., 2019; ``mode_seeking=1``,
  :func:`gan_lab.stabilize.mode_seeking_loss`), which grows as fakes of one cluster become alike, Adam at 1e-3, an EMA decay of 0.999,
  and both learning rates lowered linearly towards 0 over the last 6,000 steps
  (``decay_steps``; Gulrajani et al., 2017, decayed over all steps in their CIFAR-10
  ResNet). It trained
  ``dcgan-fashion-mnist`` until ``self-conditioned-ms-wide`` replaced it: FID 4.91x the floor
  after 28,000 steps (precision 0.789, recall 0.737, 0.010 short of its target); with a
  generator of full width (64), 5.27x (0.789, 0.743) in 1.5x the CPU time. The number of
  clusters moved recall, but not in step (28,000 steps): 40 clusters 6.55x (0.814, 0.686),
  60 5.12x (0.800, 0.746; after 34,000 steps 4.66x, 0.801, 0.728), 80 4.77x (0.820, 0.702);
- ``self-conditioned-ms-wide``: ``self-conditioned-ms`` with the full-width generator on 60
  clusters over 32,000 steps. It trains ``dcgan-fashion-mnist``: FID 4.62x the floor
  (precision 0.799, recall 0.774), all four targets met; after 28,000 steps (the rates
  falling over the last 6,000 of those) 5.07x (0.799, 0.776). The numbers below, for
  ``self-conditioned-ms``, were measured over 18,500 steps, that recipe's length until
  then: 5.28x (0.789, 0.734). Without the rate decay it scored 5.54x
  (0.799, 0.726); decaying over the last 3,000 steps 5.56x, over all 18,500 6.15x, and over
  the last 6,000 of 19,500 steps 5.49x: the neighbouring settings score 4-5% worse than
  that run, so part of its gain may be this seed's luck. With seed 1 (training and record)
  the recipe scored 5.62x, and 5.68x without the rate decay: a gain of 1%, and about 5.6x is
  typical. Without the rate decay: with EMA decay 0.995 it scored 5.74x (0.798,
  0.717); at 5e-4 (and 0.995), 6.25x (0.809, 0.702). Several EMAs of the run without rate
  decay side by side (seed 0, n = 5,000): EMA decay 0.998 gave 5.62x, 0.9995 5.54x; on
  MNIST the same comparison moved
  ``self-conditioned`` only from 3.73x (0.995) to 3.60x (0.999), at equal precision, so
  that recipe keeps 0.995. Tried and not kept (each a full 18,500-step run with EMA decay
  0.999, no rate decay): Adam 2e-3, 5.74x (precision 0.808, recall 0.735); the hinge loss,
  6.85x; mode-seeking weight 2, 6.78x; Adam's β₁ = 0 (β₂ = 0.99), 6.17x; D's rate twice
  G's (TTUR, 2e-3), 6.37x. At 2e-4
  (17,000 steps, seed 0, n = 5,000 against the test split, one thread): 11.3x with 25
  clusters (precision 0.77, recall 0.69), 9.7x with 50 (0.79, 0.67), and 10.3x with 100
  over 20,000 steps (0.82, 0.63: more clusters, more precision, less recall), against 84x
  and recall 0.0 without the term, and 36x (recall 0.65) for ``strong-dcgan``. A pilot at
  n = 2,000 after 4,500 steps at 5e-4 already had recall 0.66. The collapse shows early: after 1,500 steps
  with 50 clusters and an EMA decay of 0.995 (``benchmarks/unconditional_vs_labels.py
  --dataset fashion-mnist --steps 1500 --ema-decay 0.995 --only self-conditioned-ms
  no-mode-seeking``), recall 0.207 and precision
  0.922 without the term, 0.473 and 0.838 with it (floor 0.847 and 0.854); at 5e-4, 0.035
  and 0.973 without, 0.371 and 0.817 with; at 2e-4, 0.012 and 0.956 without, 0.176 and
  0.831 with. With the recipe's own EMA decay, 0.999, the average at step 1,500 still holds
  22% of the first step's G (0.999^1500; the EMA starts as a copy of G), and recall was
  0.205 even with the term. On MNIST at 2e-4
  it traded precision for recall: with 25 clusters, over 17,000 steps, FID 8.3x, precision
  0.640, recall 0.847 at weight 1 (over 20,000 steps at weight 0.2: 5.0x, 0.717, 0.802),
  against 4.5x, 0.755, 0.758 without it, so ``dcgan-mnist`` trains without it.

Measured records of the shipped generators: ``gan_lab.pretrained.describe(name)["record"]``
(for the conditional ``cgan-*``: ``["evaluation"]``, its marginal in ``["evaluation"]["marginal"]``).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from . import models
from .conditional import is_conditional
from .data import BatchSource
from .selfcond import SelfConditionedGenerator, cluster_labels
from .sweep import decay_learning_rates
from .train import Trainer


@dataclass(frozen=True)
class Recipe:
    """Everything that defines a training run except the data and the seed."""

    generator: str                                   # a class name in gan_lab.models
    discriminator: str
    loss: str = "non-saturating"
    generator_config: dict = field(default_factory=dict)
    discriminator_config: dict = field(default_factory=dict)
    spectral_norm: bool = False                      # on every layer of D
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    ema_decay: float | None = None                   # None: ship the last G, not an average
    steps: int = 5000                                # generator steps
    trainer_options: dict = field(default_factory=dict)   # more Trainer tricks, e.g. {"r1_gamma": 1.0}
    clusters: int = 0                                # > 0: condition on k-means clusters, not labels
    decay_steps: int = 0                             # > 0: rates fall linearly over the last steps

    @property
    def needs_labels(self) -> bool:
        """True when training needs the class labels: a conditional G that is not
        self-conditioned on clusters."""
        return self.conditional and not self.clusters

    @property
    def conditional(self) -> bool:
        """True when the generator is ``G(z, y)``: training then needs the class labels."""
        return self.generator.startswith("Conditional")

    def describe(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


RECIPES: dict[str, Recipe] = {
    # the fully connected GAN of the tutorials (Goodfellow et al., 2014, as every tutorial writes it)
    "classic-mlp": Recipe("MLPGenerator", "MLPDiscriminator", steps=30_000),
    # Radford et al. (2016) as the PyTorch DCGAN tutorial trains it
    "classic-dcgan": Recipe("DCGANGenerator", "DCGANDiscriminator", steps=5000),
    # the same MLP pair, its generator averaged (decay 0.999: a half-life of about 700 steps,
    # 44,000 images), and Adam at
    # 5e-4, 2.5x the tutorials' rate (the EMA averages over its larger steps). It trained mlp-mnist
    # until self-conditioned-mlp replaced it: 85,000 steps, about 1,590 CPU-s, FID 11.8x the floor (at 2e-4: 19.7x after 60,000 steps,
    # 85x after 12,000). Pilot, 10,000 steps, n = 2,000: FID 370 at 2e-4, 103 at 5e-4, 89 at
    # 1e-3 (but precision 0.70 against 0.77 at 5e-4). Twice the steps (170,000, seed 0) did not
    # pay: 12.2x, precision 0.768, recall 0.820, class KL 0.016
    "mlp-ema": Recipe("MLPGenerator", "MLPDiscriminator", lr_g=5e-4, lr_d=5e-4, ema_decay=0.999,
                      steps=85_000),
    # the course's strong recipe for a CPU: a half-width DCGAN pair (a CPU second buys about
    # 3x more steps than the full width), the classic loss and Adam(2e-4, 0.5), and the EMA
    # of G (half-life of about 10,000 images, Karras et al., 2018). In a measured pilot at
    # equal CPU time (75 s, about 1,000 steps) batch norm in D beat spectral norm there
    # (FID 309 vs 367 at n = 1,000), so the recipe keeps D's batch norm.
    "strong-dcgan": Recipe("DCGANGenerator", "DCGANDiscriminator",
                           generator_config={"width": 32}, discriminator_config={"width": 32},
                           ema_decay=0.995, steps=17_000),   # 17,000 steps, ~25 CPU-min
    # the same with spectral norm in D, the hinge loss and TTUR (Miyato et al., 2018)
    "sn-hinge-dcgan": Recipe("DCGANGenerator", "DCGANDiscriminator", loss="hinge",
                             generator_config={"width": 32},
                             discriminator_config={"width": 32, "batch_norm": False},
                             spectral_norm=True, lr_g=2e-4, lr_d=4e-4, ema_decay=0.995, steps=2000),
    # the conditional GAN of notebook 08 (needs labels): a generator with the class embedding
    # at its input and pixel norm, a projection D (Miyato & Koyama, 2018), both of the strong
    # recipe's half width; it trains the shipped cgan-* (scripts/train_conditional.py)
    "cgan": Recipe("ConditionalGenerator", "ConditionalDiscriminator",
                   generator_config={"width": 32}, discriminator_config={"width": 32, "head": "projection"},
                   ema_decay=0.995, steps=18_000),
    # the same, trained on 25 k-means clusters of the pixels instead of the labels
    # (gan_lab.selfcond); it ships as an ordinary G(z) that samples the clusters' marginal.
    # 25, not more: with 100 clusters each one collapsed to a single image by 17,000 steps (at 2e-4).
    # Adam at 5e-4, 2.5x cgan's rate (the EMA averages over its larger steps): over 17,000
    # steps on MNIST FID 3.7x the floor against 4.5x at 2e-4 (see the module docstring)
    "self-conditioned": Recipe("ConditionalGenerator", "ConditionalDiscriminator",
                               generator_config={"width": 32},
                               discriminator_config={"width": 32, "head": "projection"},
                               lr_g=5e-4, lr_d=5e-4, ema_decay=0.995, steps=17_000, clusters=25),
    # the same with a full-width generator (64, D stays at 32) on 50 clusters: it trains
    # dcgan-mnist. More clusters bought precision and cost recall (half-width G, 17,000
    # steps, seed 0: 25 clusters 3.73x the floor, precision 0.750, recall 0.801; 50
    # clusters 3.19x, 0.786, 0.764); the wider G bought recall and cost some precision
    # (25 clusters: 3.42x, 0.738, 0.835). Together, after 17,000 steps: 3.18x, 0.767, 0.805
    # (seed 1: 3.46x, 0.773, 0.802), at about 1.5x the CPU time of the half-width pair per
    # step; after 25,000 steps 2.98x, 0.773, 0.807: every target met
    "self-conditioned-wide": Recipe("ConditionalGenerator", "ConditionalDiscriminator",
                                    generator_config={"width": 64},
                                    discriminator_config={"width": 32, "head": "projection"},
                                    lr_g=5e-4, lr_d=5e-4, ema_decay=0.995, steps=25_000, clusters=50),
    # notebook 03's MLP pair trained the self-conditioned way, G([z; E[c]]) and a projection
    # D(x, c) on 25 k-means clusters, with mlp-ema's rate, a slower average (EMA 0.9995) and
    # the rates falling to 0 over the last 20,000 steps: it trains mlp-mnist, FID 4.29x the
    # floor after 160,000 steps (precision 0.797, recall 0.800). With EMA 0.999 and constant
    # rates recall fell short (4.42x, 0.824, 0.780 after 120,000 steps); the slower average and
    # the decay moved precision into recall (see the docstring). mlp-ema after 85,000: 11.8x,
    # 0.760, 0.806. The mode-seeking term bought recall and cost FID (see the docstring)
    "self-conditioned-mlp": Recipe("ConditionalMLPGenerator", "ConditionalMLPDiscriminator",
                                   lr_g=5e-4, lr_d=5e-4, ema_decay=0.9995, steps=160_000,
                                   clusters=25, decay_steps=20_000),
    # self-conditioned (half width) on 50 clusters with MSGAN's mode-seeking term in G's loss
    # (weight 1, Mao et al., 2019), which keeps z useful within each cluster: on Fashion-MNIST
    # the plain recipe drew one image per cluster whatever z (at 2e-4). Adam at 1e-3, EMA decay 0.999, and
    # both rates lowered linearly towards 0 over the last 6,000 steps: FID 4.91x the floor
    # after 28,000 steps, 5.28x after 18,500 (5.54x without the rate decay, 5.74x without it
    # and with EMA decay 0.995), against 6.25x at 5e-4 and 9.7x at 2e-4 (17,000 steps; both
    # with EMA decay 0.995 and no rate decay). It trained dcgan-fashion-mnist until
    # self-conditioned-ms-wide (below) replaced it; on MNIST (at 2e-4) the term cost more
    # precision than it gave recall (see the module docstring)
    "self-conditioned-ms": Recipe("ConditionalGenerator", "ConditionalDiscriminator",
                                  generator_config={"width": 32},
                                  discriminator_config={"width": 32, "head": "projection"},
                                  lr_g=1e-3, lr_d=1e-3, ema_decay=0.999, steps=28_000, clusters=50,
                                  decay_steps=6000,
                                  trainer_options={"mode_seeking": 1.0}),
}
# self-conditioned-ms with a full-width G (64; D keeps 32) on 60 clusters, over 32,000 steps
# (the rates still fall over the last 6,000): it trains dcgan-fashion-mnist, FID 4.62x the
# floor (precision 0.799, recall 0.774), every target met. Each change alone bought recall
# (28,000 steps: the wide G 5.27x, recall 0.743; 60 clusters 5.12x, 0.746); together 5.07x and
# 0.776 after 28,000 steps, and the 4,000 steps more took FID under 5x. Written as its base
# with three fields changed, so that the difference is the whole definition.
RECIPES["self-conditioned-ms-wide"] = dataclasses.replace(
    RECIPES["self-conditioned-ms"], generator_config={"width": 64}, clusters=60, steps=32_000)


def get_recipe(name: str, **changes) -> Recipe:
    """A recipe by name, with any fields changed (``get_recipe("strong-dcgan", steps=100)``)."""
    if name not in RECIPES:
        raise ValueError(f"Unknown recipe {name!r}: choose one of {', '.join(RECIPES)}.")
    return dataclasses.replace(RECIPES[name], **changes)


class RecipeRun:
    """A recipe being trained on ``images``: a :class:`~gan_lab.train.Trainer` with the
    recipe's loss, TTUR learning rates, spectral norm and EMA. A conditional recipe needs the
    class ``labels`` of the images, except a self-conditioned one (``recipe.clusters > 0``),
    which clusters the images here and trains on the cluster numbers (``self.labels``).

    ``step()`` does one generator step (``Trainer.train_step``, which also updates the
    average), at rates lowered by :meth:`learning_rate_scale` over the last
    ``recipe.decay_steps`` steps; ``result()`` is the generator the recipe delivers (the
    average, or G itself).
    """

    def __init__(self, recipe: Recipe, images: torch.Tensor, seed: int = 0,
                 labels: torch.Tensor | None = None):
        self.recipe = recipe
        if recipe.decay_steps < 0:
            raise ValueError(f"decay_steps = {recipe.decay_steps}: give the number of final "
                             "steps over which the rates fall (0 for constant rates).")
        if (labels is None) == recipe.needs_labels:
            raise ValueError(f"The recipe {recipe.generator} is "
                             + ("conditional: pass the class labels, RecipeRun(recipe, images, labels=labels)."
                                if recipe.needs_labels else
                                f"self-conditioned: it makes its own labels, {recipe.clusters} k-means clusters "
                                "of the images; leave out labels=." if recipe.clusters else
                                "unconditional: it learns p(x) from the images alone; leave out labels=."))
        self.setup_cpu_seconds = 0.0      # k-means of a self-conditioned recipe, before step 1
        generator_config, discriminator_config = dict(recipe.generator_config), dict(recipe.discriminator_config)
        if recipe.clusters:
            start = time.process_time()
            labels = cluster_labels(images, recipe.clusters, seed=seed)
            self.setup_cpu_seconds = time.process_time() - start
            # at most recipe.clusters: cluster_labels drops clusters too small to learn
            generator_config["n_classes"] = discriminator_config["n_classes"] = int(labels.max()) + 1
        self.labels = labels
        torch.manual_seed(seed)
        G = models.build(recipe.generator, generator_config)
        D = models.build(recipe.discriminator, discriminator_config)
        source = BatchSource(images, recipe.batch_size, seed=seed, labels=labels)
        self.trainer = Trainer(G, D, source, recipe.loss,
                               lr_d=recipe.lr_d, lr_g=recipe.lr_g, betas=recipe.betas,
                               spectral_norm=recipe.spectral_norm, ema_decay=recipe.ema_decay,
                               seed=seed, **recipe.trainer_options)
        self.last: dict[str, float] = {}

    @property
    def step_count(self) -> int:
        return self.trainer.step

    def learning_rate_scale(self) -> float:
        """The factor on both learning rates for the next step: 1, except over the last
        ``d = recipe.decay_steps`` steps, where it falls linearly, ``(T - t) / d`` before step
        ``t + 1`` of ``T`` (``1/d`` on the last step, 0 never). Computed from the step count
        alone, so a resumed run takes the same rates."""
        d = self.recipe.decay_steps
        return 1.0 if d <= 0 else min(1.0, max(self.recipe.steps - self.trainer.step, 1) / d)

    def step(self) -> dict[str, float]:
        """One generator step (after the recipe's critic steps) and the EMA update."""
        if self.recipe.decay_steps:      # torch's LambdaLR would keep a step count of its own
            decay_learning_rates(self.trainer, self.learning_rate_scale())
        self.last = self.trainer.train_step()
        return self.last

    def result(self) -> nn.Module:
        """A copy of the generator this recipe delivers, in eval mode. An averaged G gets
        fresh batch-norm statistics (:func:`refresh_batch_norm`): running statistics
        copied from the last G belong to other weights."""
        if self.recipe.ema_decay is None:
            G = copy.deepcopy(self.trainer.generator)
        else:
            G = self.trainer.ema_generator()
        if self.recipe.clusters:    # the marginal over clusters, an ordinary G(z)
            G = SelfConditionedGenerator.wrap(G, self.labels)
        if self.recipe.ema_decay is not None and models.has_batch_norm(G):
            refresh_batch_norm(G, seed=self.trainer.step)
        return G.eval()


@torch.no_grad()
def refresh_batch_norm(generator: nn.Module, batches: int = 20, batch_size: int = 256,
                       seed: int = 0) -> nn.Module:
    """Recompute every batch-norm layer's running mean and variance as the plain average
    over ``batches`` batches of ``G(z)``, ``z ~ N(0, I)`` (what ``swa_utils.update_bn``
    does for a data loader; here the inputs are noise)."""
    if is_conditional(generator):
        raise ValueError("refresh_batch_norm draws z alone, but this generator is G(z, y): "
                         "wrap it as G(z) first (e.g. SelfConditionedGenerator.wrap).")
    g = torch.Generator().manual_seed(seed)
    noise = [torch.randn(batch_size, generator.latent_dim, generator=g) for _ in range(batches)]
    device = next(generator.parameters()).device
    torch.optim.swa_utils.update_bn([z.to(device) for z in noise], generator)
    return generator
