"""The benchmark scripts still run against the current package (tiny sizes, no timing asserts)."""

import importlib.util
from pathlib import Path

import pytest
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


def test_explorer_frame_timer_runs_and_sees_new_bytes():
    bench = _load("explorer_frame_time")
    from gan_lab import explorer

    widget = explorer.Interpolation(models.MLPGenerator(latent_dim=8, hidden=(16,)), steps=4, grid=2)
    values = bench.cycle(widget.frame, 5)
    assert values == [1, 2, 3, 2, 1]
    assert len(bench.frame_times(widget.frame, values, widget.image)) == 5
    assert set(bench.parts(widget.generator, 2, repeats=2)) == {"generator", "pixels", "upscale", "png"}


def test_time_to_quality_tiny_budget(capsys):
    from gan_lab.data import DatasetNotFoundError

    ttq = _load("time_to_quality")
    import pytest

    with pytest.raises(SystemExit):          # refused before any training: not a multiple of 10
        ttq.main(["--seconds", "100", "--n", "64"])
    assert ttq.first_time_at_or_below([(1.0, 5, 9.0), (2.0, 9, 4.0), (3.0, 12, 5.0)], 5.0) == 2.0
    assert ttq.first_time_at_or_below([(1.0, 5, 9.0)], 5.0) is None
    try:
        result = ttq.main(["--seconds", "0.5", "--points", "2", "--n", "60"])
    except DatasetNotFoundError:
        import pytest
        pytest.skip("MNIST train split not available")
    out = capsys.readouterr().out
    assert out.count("FID") >= 4 and "\r" not in out          # plain lines, no progress bars
    assert [len(c) for c in result["curves"].values()] == [2, 2, 2]
    assert set(result) >= {"speedup", "speedup_with_labels"}
    assert all(t > 0 for c in result["curves"].values() for t, _, _ in c)
    # the course's budget starts with its k-means, which may use all of a tiny budget
    assert all(steps >= 1 for label in ("seeds", "course+labels") for _, steps, _ in result["curves"][label])


def test_unconditional_vs_labels_pilot_runs_every_variant():
    from gan_lab.data import DatasetNotFoundError

    pilot = _load("unconditional_vs_labels")
    try:
        rows = pilot.main(["--steps", "2", "--n", "60", "--only", *pilot.VARIANTS])
    except DatasetNotFoundError:
        import pytest
        pytest.skip("MNIST train split not available")
    assert [r["variant"] for r in rows] == pilot.VARIANTS
    assert all(r["FID"] > 0 and 0 <= r["precision"] <= 1 for r in rows)


def test_unconditional_vs_labels_ema_decay_and_rate_decay_override_each_recipe():
    from gan_lab.recipes import get_recipe

    pilot = _load("unconditional_vs_labels")
    images = torch.rand(2000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    labels = torch.arange(2000) % 10
    for variant, recipe in [("strong-dcgan", "strong-dcgan"), ("self-conditioned-ms", "self-conditioned-ms"),
                            ("no-mode-seeking", "self-conditioned-ms"), ("pixel-norm-G", "strong-dcgan"),
                            ("cgan", "cgan")]:
        run = pilot.build(variant, images, labels, 0)
        assert run.trainer.ema_decay == get_recipe(recipe).ema_decay
        # the pilot's rates stay constant unless asked (self-conditioned-ms decays over 6,000 steps)
        assert run.recipe.decay_steps == 0
        run = pilot.build(variant, images, labels, 0, ema_decay=0.9, decay_steps=2, steps=3)
        assert run.trainer.ema_decay == 0.9
        for _ in range(3):      # the last of 3 steps at half of each rate, on the run's own trainer
            run.step()
        assert run.trainer.opt_g.param_groups[0]["lr"] == pytest.approx(run.recipe.lr_g / 2)
