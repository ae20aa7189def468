import json

import pytest
import torch

from gan_lab import pretrained
from gan_lab.checkpoint import load


def test_shipped_generators_are_listed():
    assert {"mlp-mnist", "dcgan-mnist", "dcgan-fashion-mnist"} <= set(pretrained.available())


@pytest.mark.parametrize("name", ["mlp-mnist", "dcgan-mnist", "dcgan-fashion-mnist"])
def test_pretrained_generator_loads_safely_and_samples(name):
    G = pretrained.load_pretrained(name)
    assert not G.training
    with torch.no_grad():
        x = G(torch.randn(8, G.latent_dim, generator=torch.Generator().manual_seed(0)))
    assert x.shape == (8, 1, 28, 28) and x.min() >= -1 and x.max() <= 1
    assert x.std() > 0.2                      # not a blank image
    assert (x[0] - x[1]).abs().mean() > 0.05  # different noise, different digit


@pytest.mark.parametrize("name", ["mlp-mnist", "dcgan-mnist", "dcgan-fashion-mnist",
                                  "cgan-mnist", "cgan-fashion-mnist"])
def test_training_record_is_beside_the_weights(name):
    record = pretrained.describe(name)
    for key in ("data", "steps", "seed", "train_seconds", "command", "loss"):
        assert key in record, key
    stored = load(pretrained.WEIGHTS / f"{name}.pt")["meta"]
    assert json.loads(json.dumps(stored)) == record


def test_unknown_pretrained_name():
    with pytest.raises(ValueError, match="No pretrained generator 'stylegan'.*available: "):
        pretrained.load_pretrained("stylegan")
