"""gan_lab.sweep: mean ± standard error, seeded runs that do not depend on the pool."""

import math
import statistics

import pytest
import torch

from gan_lab import sweep


def test_mean_se_matches_statistics():
    values = [0.3, 1.7, 2.2, 0.9, 1.1]
    mean, se = sweep.mean_se(values)
    assert mean == pytest.approx(statistics.fmean(values))
    assert se == pytest.approx(statistics.stdev(values) / math.sqrt(len(values)))
    assert sweep.mean_se([4.0]) == (4.0, 0.0)
    with pytest.raises(ValueError):
        sweep.mean_se([])


def test_linear_decay_reaches_the_schedule():
    from gan_lab import models, toy
    from gan_lab.train import Trainer

    G, D = models.toy_pair(2, 2, (8,))
    trainer = Trainer(G, D, toy.SampleSource(toy.ring(), 16), lr=1e-3)
    sweep.decay_learning_rates(trainer, 0.25)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(2.5e-4)
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(2.5e-4)
    sweep.train_with_decay(trainer, 6, chunk=4)
    assert trainer.step == 6 and trainer.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_toy_run_is_seeded_by_its_arguments():
    a = sweep.toy_run("ring", {"minibatch": "stddev"}, seed=3, steps=5, hidden=(16,), n_eval=200)
    b = sweep.toy_run("ring", {"minibatch": "stddev"}, seed=3, steps=5, hidden=(16,), n_eval=200)
    assert torch.equal(a["samples"], b["samples"]) and a["histogram"] == b["histogram"]
    assert len(a["samples"]) == 200 and set(a) >= {"modes", "high_quality", "reverse_kl", "seconds"}


def test_run_jobs_keeps_job_order():
    jobs = [((x,), {}) for x in (3, 1, 2)]
    assert sweep.run_jobs(math.factorial, jobs, workers=1) == [6, 1, 2]
