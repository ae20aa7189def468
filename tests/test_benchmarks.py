"""The benchmark scripts still run against the current package (tiny sizes, no timing asserts)."""

import importlib.util
from pathlib import Path

import torch
from torch import nn

from gan_lab import models

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_typical_loop_gets_stock_dropout_and_trains():
    speed = _load("training_speed")
    D = speed.with_torch_dropout(models.MLPDiscriminator(dropout=0.3))
    kinds = [type(m) for m in D.modules()]
    assert models.Dropout not in kinds and kinds.count(nn.Dropout) == 2
    assert all(m.p == 0.3 for m in D.modules() if isinstance(m, nn.Dropout))
    torch.manual_seed(0)
    G = models.MLPGenerator()
    before = [p.detach().clone() for p in D.parameters()]
    pixels = torch.randint(0, 256, (256, 28, 28), dtype=torch.uint8)
    seconds = speed.typical_loop(G, D, pixels, batch_size=32, steps=2, latent_dim=G.latent_dim)
    assert seconds > 0
    assert any(not torch.equal(a, p) for a, p in zip(before, D.parameters()))


def test_gan_lab_loop_and_dropout_timer_run():
    speed, drop = _load("training_speed"), _load("dropout_speed")
    images = torch.rand(256, 1, 28, 28) * 2 - 1
    assert speed.gan_lab_loop(models.MLPGenerator(), models.MLPDiscriminator(), images, 32, 2) > 0
    assert drop.seconds_per_call(models.Dropout(0.3).train(), torch.randn(8, 4, requires_grad=True),
                                 calls=3) > 0


def test_gan_lab_readable_path_runs():
    speed = _load("training_speed")
    images = torch.rand(64, 1, 28, 28) * 2 - 1
    G, D = models.MLPGenerator(hidden=(16,)), models.MLPDiscriminator(hidden=(16,))
    assert speed.gan_lab_loop(G, D, images, 16, 2, fast=False) > 0
