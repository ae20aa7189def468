"""The generator record (gan_lab.records) and the records shipped beside the weights."""

import json

import pytest
import torch
from torch import nn

from gan_lab import metrics, pretrained, records
from gan_lab.features import load_classifier


class Replay(nn.Module):
    """A 'generator' that returns training images: z picks one (a perfect copy machine)."""

    def __init__(self, images):
        super().__init__()
        self.register_buffer("images", images)
        self.latent_dim = 4

    def forward(self, z):
        idx = (z[:, 0].abs() * 1e6).long() % len(self.images)
        return self.images[idx]


class Noise(nn.Module):
    """A 'generator' of uniform noise images in [-1, 1]."""

    def __init__(self):
        super().__init__()
        self.latent_dim = 784
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, z):
        return torch.tanh(self.scale * z).view(len(z), 1, 28, 28)


def fake_dataset(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=g) * 2 - 1


def test_nearest_distance_matches_brute_force():
    q, p = fake_dataset(7, 0), fake_dataset(30, 1)
    expected = torch.tensor([min((a - b).norm() for b in p) for a in q])
    torch.testing.assert_close(records.nearest_distance(q, p, chunk=3), expected, rtol=1e-4, atol=1e-4)
    pool = torch.cat([q, p])
    expected_other = torch.tensor([min((q[i] - b).norm() for j, b in enumerate(pool) if j != i)
                                   for i in range(len(q))])
    torch.testing.assert_close(records.nearest_distance(q, pool, exclude_self=True, chunk=4),
                               expected_other, rtol=1e-4, atol=1e-4)


def test_memorization_flags_a_copy_machine_and_not_fresh_samples():
    train = fake_dataset(400, 0)
    copies = records.memorization(train[:100], train, n_reference=200)
    assert copies["median_nearest_train_distance"] == pytest.approx(0, abs=1e-3)
    assert copies["share_closer_than_closest_1pct"] == 1.0
    fresh = records.memorization(fake_dataset(100, 5), train, n_reference=200)
    assert 0.8 < fresh["median_ratio"] < 1.2          # same distribution, no copying
    assert fresh["share_closer_than_closest_1pct"] < 0.1


def test_random_subset_is_seeded_and_not_contiguous():
    x = torch.arange(1000)
    a, b = records.random_subset(x, 100, 0), records.random_subset(x, 100, 0)
    assert torch.equal(a, b) and not torch.equal(a, x[:100]) and len(set(a.tolist())) == 100
    with pytest.raises(ValueError, match="Asked for 2000"):
        records.random_subset(x, 2000, 0)


def test_generator_record_small_n():
    from gan_lab import load_dataset
    from gan_lab.data import DatasetNotFoundError

    try:
        test = load_dataset("mnist", "test").images
    except DatasetNotFoundError:
        pytest.skip("MNIST test split not available")
    train = records.random_subset(test, 2000, 99)        # stand-in training set, small and fast
    clf = load_classifier("mnist")
    copy = records.generator_record(Replay(train), "mnist", train, n=300, classifier=clf,
                                    test_images=test, kid_subsets=5)
    noise = records.generator_record(Noise(), "mnist", train, n=300, classifier=clf,
                                     test_images=test, kid_subsets=5)
    for rec in (copy, noise):
        assert set(rec["metrics"]) == set(records.METRICS) == set(rec["real_floor"])
    assert copy["real_floor"] == noise["real_floor"]      # the floor does not depend on G
    # the copy machine scores like real data, far better than noise, and is caught copying
    assert copy["metrics"]["FID"] < 3 * copy["real_floor"]["FID"] < noise["metrics"]["FID"]
    assert noise["fid_over_floor"] > 10 and not any(noise["targets"].values())
    assert copy["memorization"]["share_closer_than_closest_1pct"] > 0.9
    # FID computed independently from the same features
    ref = records.random_subset(test, 300, 0)
    fake = records.generate(Noise(), 300, seed=2)
    from gan_lab.features import extract
    expected = metrics.fid(extract(clf, ref)[0], extract(clf, fake)[0])
    assert noise["metrics"]["FID"] == pytest.approx(expected, rel=1e-4)


def test_check_targets():
    floor = {"FID": 1.0, "precision": 0.8, "recall": 0.8, "class KL": 0.001}
    good = {"FID": 4.9, "precision": 0.75, "recall": 0.71, "class KL": 0.019}
    bad = {"FID": 5.1, "precision": 0.65, "recall": 0.95, "class KL": 0.03}
    assert all(records.check_targets(good, floor).values())
    assert not any(records.check_targets(bad, floor).values())


SHIPPED = ["dcgan-mnist", "dcgan-fashion-mnist", "mlp-mnist"]


# Shipped generators trained beyond issue #11's budget of 30 CPU-minutes, and why.
OVER_BUDGET: dict[str, str] = {}   # name -> why a shipped generator is over the 30-CPU-min budget


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_generator_has_its_record(name):
    record = pretrained.describe(name)
    assert record["data"].endswith("/train") and record["images"] == 60_000
    rec = record["record"]
    assert rec["n"] == 5000
    assert set(rec["metrics"]) >= set(records.METRICS) and set(rec["real_floor"]) >= set(records.METRICS)
    assert rec["fid_over_floor"] == pytest.approx(rec["metrics"]["FID"] / rec["real_floor"]["FID"], rel=0.01)
    # every target is either met or honestly flagged as missed: the flags agree with the numbers
    assert rec["targets"] == records.check_targets(rec["metrics"], rec["real_floor"])
    assert record["meets_targets"] == all(rec["targets"].values())
    mem = rec["memorization"]
    assert mem["median_ratio"] > 0.7 and mem["share_closer_than_closest_1pct"] < 0.1   # no copying
    if name in OVER_BUDGET:   # a known miss, said in the closing note
        assert record["train_cpu_seconds"] > 30 * 60, f"{name} now fits the budget: remove it from OVER_BUDGET"
        pytest.xfail(OVER_BUDGET[name])
    assert record["train_cpu_seconds"] <= 30 * 60


@pytest.mark.parametrize("name", SHIPPED + ["cgan-mnist", "cgan-fashion-mnist"])
def test_shipped_generator_was_trained_by_the_recipe_of_today(name):
    """The training script, run as the record's command says, trains the recipe as it is now:
    a recipe changed without retraining its shipped generator fails here."""
    import dataclasses

    from gan_lab.recipes import Recipe, get_recipe

    record = pretrained.describe(name)
    today = get_recipe(record["recipe"], steps=record["steps"]).describe()
    # a field added to Recipe after the record was written must hold its default today
    defaults = {f.name: (f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
                for f in dataclasses.fields(Recipe)}
    assert {**today, **record["recipe_settings"]} == today
    assert all(today[k] == defaults[k] for k in today.keys() - record["recipe_settings"].keys())
    assert record["steps"] == get_recipe(record["recipe"]).steps     # the recipe's own step count
    words = record["command"].split()
    assert words[words.index("--steps") + 1] == str(record["steps"])


@pytest.mark.parametrize("name", ["cgan-mnist", "cgan-fashion-mnist"])
def test_conditional_generator_has_the_record_of_its_marginal(name):
    record = pretrained.describe(name)
    rec = record["evaluation"]["marginal"]
    assert rec["n"] == 5000 and record["data"].endswith("/train")
    assert rec["targets"] == records.check_targets(rec["metrics"], rec["real_floor"])
    mem = rec["memorization"]
    assert mem["median_ratio"] > 0.7 and mem["share_closer_than_closest_1pct"] < 0.1   # no copying
    assert record["train_cpu_seconds"] <= 30 * 60


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_classifier_record_is_true(dataset):
    """The held-out accuracy in the record is what the shipped weights score on the test split."""
    from gan_lab import load_dataset
    from gan_lab.data import DatasetNotFoundError
    from gan_lab.features import accuracy

    record = json.loads((pretrained.WEIGHTS / f"classifier-{dataset}.json").read_text())
    assert "/train (60,000), held out: " in record["data"]
    try:
        test = load_dataset(dataset, "test")
    except DatasetNotFoundError:
        pytest.skip(f"{dataset} test split not available")
    assert accuracy(load_classifier(dataset), test.images, test.labels) == pytest.approx(
        record["held_out_accuracy"], abs=1e-4)


@pytest.mark.parametrize("dataset, target", [("mnist", 0.992), ("fashion-mnist", 0.92)])
def test_classifier_reaches_its_target(dataset, target):
    record = json.loads((pretrained.WEIGHTS / f"classifier-{dataset}.json").read_text())
    assert record["held_out_accuracy"] >= target


class ClassPainter(nn.Module):
    """A 'conditional generator' whose image is its class label, painted everywhere."""

    def __init__(self, n_classes):
        super().__init__()
        self.n_classes, self.latent_dim = n_classes, 3
        self.unused = nn.Parameter(torch.zeros(()))

    def forward(self, z, y):
        return y.float()[:, None, None, None].expand(len(z), 1, 28, 28) + 0 * z[:, :1, None, None]


def test_sample_of_a_conditional_generator_is_its_balanced_marginal():
    images = records.sample(ClassPainter(5), 10, seed=3)
    painted = images[:, 0, 0, 0].long()
    assert images.shape == (10, 1, 28, 28) and painted.bincount(minlength=5).tolist() == [2] * 5
    with pytest.raises(ValueError, match="multiple of 5"):
        records.sample(ClassPainter(5), 12)
    from gan_lab.models import MLPGenerator

    plain = MLPGenerator(latent_dim=8, hidden=(8,))
    assert torch.equal(records.sample(plain, 4, seed=1), records.generate(plain, 4, seed=1))
