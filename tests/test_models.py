import pytest
import torch

from gan_lab import models


@pytest.mark.parametrize("G,D", [
    (models.MLPGenerator(), models.MLPDiscriminator()),
    (models.DCGANGenerator(), models.DCGANDiscriminator()),
    (models.DCGANGenerator(latent_dim=16, width=8), models.DCGANDiscriminator(width=8, batch_norm=False)),
])
def test_image_model_shapes(G, D):
    z = torch.randn(6, G.latent_dim)
    x = G(z)
    assert x.shape == (6, 1, 28, 28)
    assert x.min() >= -1 and x.max() <= 1          # tanh output
    assert D(x).shape == (6,)                        # one logit per image


def test_toy_mlp_shapes():
    G = models.MLPGenerator(latent_dim=2, hidden=(8,), out_shape=(2,), out_activation=None)
    D = models.MLPDiscriminator(in_shape=(2,), hidden=(8,))
    assert G(torch.randn(5, 2)).shape == (5, 2) and D(torch.randn(5, 2)).shape == (5,)


def test_transposed_convolution_shape_arithmetic():
    # out = (in - 1) * stride - 2 * padding + kernel
    for size in (7, 14):
        conv = torch.nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
        assert conv(torch.zeros(1, 1, size, size)).shape[-1] == (size - 1) * 2 - 2 + 4 == 2 * size


def test_dcgan_weights_follow_radford_init():
    torch.manual_seed(0)
    G = models.DCGANGenerator()
    w = torch.cat([m.weight.flatten() for m in G.modules()
                   if isinstance(m, (torch.nn.Linear, torch.nn.ConvTranspose2d))])
    assert abs(w.mean().item()) < 1e-3 and w.std().item() == pytest.approx(0.02, rel=0.02)
    bn = [m for m in G.modules() if isinstance(m, torch.nn.BatchNorm2d)][0]
    assert bn.weight.mean().item() == pytest.approx(1.0, abs=0.01)


def test_build_from_config_round_trips():
    G = models.DCGANGenerator(latent_dim=10, width=8)
    G2 = models.build("DCGANGenerator", G.config)
    assert G2.config == G.config and models.count_parameters(G2) == models.count_parameters(G)
    with pytest.raises(ValueError, match="Unknown model 'ResNet'"):
        models.build("ResNet", {})
    with pytest.raises(ValueError, match="out_activation"):
        models.MLPGenerator(out_activation="relu")


def test_batch_norm_detection():
    assert models.has_batch_norm(models.DCGANDiscriminator())
    assert not models.has_batch_norm(models.DCGANDiscriminator(batch_norm=False))
    assert not models.has_batch_norm(models.MLPDiscriminator())


def test_dropout_keeps_each_unit_with_probability_one_minus_p():
    p, n = 0.3, 200_000
    drop = models.Dropout(p).train()
    x = torch.full((n,), 2.0)
    y = drop(x)
    # every output is 0 or x / (1 - p), as in inverted dropout
    assert torch.all((y == 0) | torch.isclose(y, torch.tensor(2.0 / (1 - p))))
    kept = (y != 0).double().mean().item()
    sd = (p * (1 - p) / n) ** 0.5                       # binomial standard error
    assert abs(kept - (1 - p)) < 5 * sd, f"kept {kept}, expected {1 - p} ± {5 * sd:.4f}"
    assert abs(y.double().mean().item() - 2.0) < 5 * 2 / (1 - p) * sd   # E[y] = x


def test_dropout_gradient_is_the_mask_and_eval_is_identity():
    drop = models.Dropout(0.5).train()
    x = torch.randn(1000, requires_grad=True)
    y = drop(x)
    y.sum().backward()
    assert torch.equal(x.grad, torch.where(y != 0, 2.0, 0.0))   # dy/dx = m / (1 - p)
    drop.eval()
    assert drop(x) is x
    assert models.Dropout(0.0).train()(x) is x
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        models.Dropout(1.0)


def test_dropout_matches_nn_dropout_in_distribution():
    """Same keep rate as torch's own nn.Dropout at several p (both measured, 100k units)."""
    torch.manual_seed(0)
    x = torch.ones(100_000)
    for p in (0.1, 0.3, 0.7):
        ours = (models.Dropout(p).train()(x) != 0).double().mean().item()
        theirs = (torch.nn.Dropout(p).train()(x) != 0).double().mean().item()
        assert abs(ours - theirs) < 5 * (2 * p * (1 - p) / 1e5) ** 0.5
