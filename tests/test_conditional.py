"""Class-conditional models: interface, formulas against hand computations, training through
the course's one Trainer, checkpoints, and the measurements."""

import pytest
import torch
import torch.nn.functional as F

from gan_lab import checkpoint
from gan_lab.conditional import (ConditionalDiscriminator, ConditionalGenerator, PixelNorm, agreement,
                                 fid_per_class, generate_per_class, is_conditional, spread_ratio)
from gan_lab.data import BatchSource
from gan_lab.metrics import fid
from gan_lab.models import MLPGenerator
from gan_lab.pretrained import available, describe, load_pretrained
from gan_lab.train import Trainer


def small():
    torch.manual_seed(0)
    return ConditionalGenerator(latent_dim=8, embed_dim=4, width=4), ConditionalDiscriminator(width=4)


def test_interface_shapes_and_attributes():
    G, D = small()
    z, y = torch.randn(5, 8), torch.tensor([0, 1, 2, 9, 9])
    x = G(z, y)
    assert x.shape == (5, 1, 28, 28) and x.abs().max() <= 1
    assert D(x, y).shape == (5,)
    assert (G.n_classes, G.latent_dim) == (10, 8) and is_conditional(G) and not is_conditional(MLPGenerator())


@pytest.mark.parametrize("bad, message", [
    (torch.tensor([0.0, 1.0]), "int64"), (torch.tensor([[0, 1]]), "shape"), (torch.tensor([0, 10]), "0..9"),
    (torch.tensor([0, 1, 2]), "shape")])
def test_bad_labels_are_refused_with_a_clear_message(bad, message):
    G, D = small()
    with pytest.raises(ValueError, match=message):
        G(torch.randn(2, 8), bad)
    with pytest.raises(ValueError, match=message):
        D(torch.zeros(2, 1, 28, 28), bad)


def test_forward_embedding_of_a_class_row_is_g_of_that_class_and_mixes_are_accepted():
    G, _ = small()
    G.eval()
    z, y = torch.randn(3, 8), torch.tensor([2, 5, 7])
    assert torch.equal(G.forward_embedding(z, G.embed(y)), G(z, y))
    assert torch.equal(G.embed(y), G.embedding.weight[y])
    mix = 0.3 * G.embed(torch.tensor([1, 1, 1])) + 0.7 * G.embed(torch.tensor([4, 4, 4]))
    assert G.forward_embedding(z, mix).shape == (3, 1, 28, 28)
    with pytest.raises(ValueError, match=rf"e of shape \(3, {G.embed_dim}\), got \(3, 2\)"):
        G.forward_embedding(z, mix[:, :2])


def test_projection_head_is_psi_plus_inner_product_with_the_class_vector():
    _, D = small()
    D.eval()
    x, y = torch.randn(4, 1, 28, 28), torch.tensor([3, 3, 0, 8])
    phi = D.body(x)
    by_hand = phi @ D.linear.weight[0] + D.linear.bias[0] + torch.stack(
        [phi[i] @ D.class_embedding.weight[y[i]] for i in range(4)])
    assert torch.allclose(D(x, y), by_hand, atol=1e-5)


def test_concat_head_sees_one_hot_label_planes():
    torch.manual_seed(0)
    D = ConditionalDiscriminator(width=4, head="concat").eval()
    x, y = torch.randn(2, 1, 28, 28), torch.tensor([1, 6])
    planes = torch.zeros(2, 10, 28, 28)
    planes[0, 1], planes[1, 6] = 1, 1
    by_hand = D.linear(D.body(torch.cat([x, planes], 1)))[:, 0]
    assert torch.allclose(D(x, y), by_hand, atol=1e-6)
    assert D.class_embedding is None


def test_a_record_written_before_an_option_existed_still_fits_its_model(tmp_path):
    """A checkpoint without an option (here ``film``, as if written before it existed) counts
    it as its default, and a run resumes; a model with another value is refused."""
    G, D = small()
    data = BatchSource(torch.rand(32, 1, 28, 28) * 2 - 1, 8, seed=0, labels=torch.arange(32) % 10)
    trainer = Trainer(G, D, data, seed=0)
    trainer.train(1, progress=False)
    path = trainer.save(tmp_path / "run.pt")
    obj = checkpoint.load(path)
    del obj["generator"]["config"]["film"]                  # as written before the option
    checkpoint.save(obj, path)
    resumed = Trainer.from_checkpoint(path, data)
    assert resumed.generator.config["film"] is False and resumed.step == 1
    old = checkpoint.model_record(G)
    del old["config"]["film"]
    with pytest.raises(checkpoint.CheckpointError, match="film': True"):
        checkpoint.check_architecture(ConditionalGenerator(latent_dim=8, embed_dim=4, width=4, film=True),
                                      old, "generator")


def test_checkpoints_rebuild_both_models():
    G, D = small()
    for model in (G, D):
        rebuilt = checkpoint.rebuild(checkpoint.model_record(model))
        assert type(rebuilt) is type(model) and rebuilt.config == model.config
        for a, b in zip(rebuilt.state_dict().values(), model.state_dict().values()):
            assert torch.equal(a, b)


def test_the_courses_trainer_trains_a_conditional_pair_on_labelled_batches():
    G, D = small()
    images, labels = torch.rand(64, 1, 28, 28) * 2 - 1, torch.arange(64) % 10
    before = [p.detach().clone() for p in (*G.parameters(), *D.parameters())]
    trainer = Trainer(G, D, BatchSource(images, 16, seed=0, labels=labels), "non-saturating", seed=0)
    trainer.train(2, progress=False)
    after = list((*G.parameters(), *D.parameters()))
    assert not torch.equal(before[0], G.embedding.weight)         # the label embedding learns
    assert sum(not torch.equal(a, b) for a, b in zip(before, after)) > len(before) // 2


def test_generate_per_class_and_agreement_and_per_class_fid():
    G, _ = small()
    images, labels = generate_per_class(G, 3, seed=1)
    assert images.shape == (30, 1, 28, 28) and labels.tolist() == [c for c in range(10) for _ in range(3)]
    z = torch.randn(30, 8, generator=torch.Generator().manual_seed(1))
    G.eval()
    assert torch.allclose(images, G(z, labels), atol=1e-6)
    predicted = labels.clone()
    predicted[:3] = 5                                               # class 0 all wrong
    predicted[3] = 0                                                # one of class 1 wrong
    result = agreement(predicted, labels, 10)
    assert result["overall"] == pytest.approx(26 / 30)
    assert result["per_class"][0] == 0 and result["per_class"][1] == pytest.approx(2 / 3)
    g = torch.Generator().manual_seed(0)
    real, fake = torch.randn(40, 3, generator=g, dtype=torch.float64), torch.randn(40, 3, generator=g, dtype=torch.float64)
    y = torch.arange(40) % 2
    assert fid_per_class(real, y, fake, y, 2) == [fid(real[y == c], fake[y == c]) for c in range(2)]


def test_pixel_norm_gives_unit_rms_per_example_and_pixel_and_ignores_the_batch():
    x = torch.randn(6, 5, 3, 3, dtype=torch.float64) * torch.arange(1, 7, dtype=torch.float64).view(6, 1, 1, 1)
    out = PixelNorm(5)(x)
    for b in range(6):                       # by hand, one pixel at a time
        for i in range(3):
            for j in range(3):
                v = x[b, :, i, j]
                assert torch.allclose(out[b, :, i, j], v / (v.pow(2).mean() + 1e-8).sqrt())
    assert torch.equal(PixelNorm(5)(x[:1]), out[:1])            # one example alone: the same
    film = PixelNorm(5, embed_dim=3, film=True)
    e = torch.randn(6, 3, dtype=torch.float64)
    film.double()
    expected = out * (1 + film.gain(e)[:, :, None, None]) + film.bias(e)[:, :, None, None]
    assert torch.allclose(film(x, e), expected)


def test_generator_sample_does_not_depend_on_its_batch():
    G, _ = small()
    G.train()                                  # per-example normalization: no batch statistics
    z, y = torch.randn(4, 8), torch.tensor([1, 2, 3, 4])
    assert torch.allclose(G(z, y)[:1], G(z[:1], y[:1]), atol=1e-6)


def test_spread_ratio_is_one_for_the_same_spread_and_zero_for_a_collapsed_class():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(200, 4, generator=g, dtype=torch.float64)
    y = torch.arange(200) % 2
    assert spread_ratio(real, y, 3 * real, y, 2) == pytest.approx([3.0, 3.0])
    collapsed = real.clone()
    collapsed[y == 0] = real[0]                                  # class 0: one point
    by_hand = torch.cdist(real[y == 1], real[y == 1]).sum() / (100 * 99)
    assert spread_ratio(real, y, collapsed, y, 2)[0] == 0.0
    assert spread_ratio(real, y, collapsed, y, 2)[1] == pytest.approx(1.0)
    assert torch.pdist(real[y == 1]).mean().item() == pytest.approx(by_hand.item())
    with pytest.raises(ValueError, match="at least 2"):
        spread_ratio(real, y, real[:3], y[:3], 2)


AGREEMENT_TARGET = {"cgan-mnist": 0.97, "cgan-fashion-mnist": 0.90}
# A known miss, said in the closing note: the shipped Fashion-MNIST generator draws
# one image for sandals (5) and bags (8) whatever z. The test fails when that changes.
KNOWN_COLLAPSED = {"cgan-fashion-mnist": [5, 8]}


@pytest.mark.parametrize("name", [n for n in ("cgan-mnist", "cgan-fashion-mnist") if n in available()])
def test_shipped_conditional_generators_load_and_carry_their_measurements(name):
    G = load_pretrained(name)
    assert isinstance(G, ConditionalGenerator) and not G.training
    ev = describe(name)["evaluation"]
    assert len(ev["generated_agreement_per_class"]) == len(ev["fid_per_class"]) == 10
    assert describe(name)["data"].endswith("/train")
    collapsed = [c for c, s in enumerate(ev["spread_ratio_per_class"]) if s < 0.5]   # z does nothing there
    assert collapsed == KNOWN_COLLAPSED.get(name, []), f"{name}: classes collapsed within: {collapsed}"
    assert ev["generated_agreement"] >= AGREEMENT_TARGET[name]
    with torch.no_grad():
        x = G(torch.randn(2, G.latent_dim), torch.tensor([0, 9]))
    assert x.shape == (2, 1, 28, 28)


# -- the fully connected conditional pair -----------------------------------------------------
def small_mlp():
    from gan_lab.conditional import ConditionalMLPDiscriminator, ConditionalMLPGenerator
    torch.manual_seed(0)
    return (ConditionalMLPGenerator(latent_dim=6, n_classes=3, embed_dim=4, hidden=(16, 8)),
            ConditionalMLPDiscriminator(n_classes=3, hidden=(12, 5)))


def test_mlp_generator_is_the_mlp_on_noise_and_embedding_side_by_side():
    """G(z, y) = tanh(W₃ a(W₂ a(W₁ [z; E[y]] + b₁) + b₂) + b₃), a = LeakyReLU(0.2), written out."""
    G, _ = small_mlp()
    z, y = torch.randn(5, 6), torch.tensor([0, 1, 2, 2, 0])
    h = torch.cat([z, G.embedding.weight[y]], 1)
    linears = [m for m in G.modules() if isinstance(m, torch.nn.Linear)]
    for i, layer in enumerate(linears):
        h = h @ layer.weight.T + layer.bias
        h = torch.tanh(h) if i == len(linears) - 1 else F.leaky_relu(h, 0.2)
    with torch.no_grad():
        assert torch.allclose(G(z, y), h.view(5, 1, 28, 28), atol=1e-6)
        assert torch.equal(G.forward_embedding(z, G.embed(y)), G(z, y))
    assert is_conditional(G) and G.get_submodule(G.early_features).__class__ is torch.nn.LeakyReLU
    with pytest.raises(ValueError, match="ConditionalMLPGenerator expects noise z"):
        G(torch.randn(2, 5), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="0..2"):
        G(z, torch.tensor([0, 1, 2, 3, 0]))


def test_mlp_projection_discriminator_against_its_formula():
    """D(x, y) = ψ(φ(x)) + ⟨V[y], φ(x)⟩ with φ the hidden layers (eval mode: no dropout)."""
    _, D = small_mlp()
    D.eval()
    x, y = torch.rand(4, 1, 28, 28) * 2 - 1, torch.tensor([2, 0, 1, 2])
    W1, W2, psi = [m for m in D.modules() if isinstance(m, torch.nn.Linear)]
    phi = F.leaky_relu(F.leaky_relu(x.flatten(1) @ W1.weight.T + W1.bias, 0.2) @ W2.weight.T + W2.bias, 0.2)
    expected = (phi @ psi.weight.T).squeeze(1) + psi.bias + (D.class_embedding.weight[y] * phi).sum(1)
    with torch.no_grad():
        assert torch.allclose(D(x, y), expected, atol=1e-6)
    with pytest.raises(ValueError, match="ConditionalMLPDiscriminator expects"):
        D(torch.rand(4, 1, 14, 14), y)


def test_mlp_pair_trains_through_the_trainer_and_round_trips_a_checkpoint(tmp_path):
    G, D = small_mlp()
    x, y = torch.rand(32, 1, 28, 28) * 2 - 1, torch.arange(32) % 3
    trainer = Trainer(G, D, BatchSource(x, 8, seed=0, labels=y), "non-saturating", seed=0)
    before = [p.detach().clone() for p in G.parameters()]
    trainer.train_step()
    assert all(not torch.equal(a, b) for a, b in zip(before, G.parameters()))
    checkpoint.save_generator(G, tmp_path / "g.pt", {})
    loaded = checkpoint.load_generator(tmp_path / "g.pt")
    z = torch.randn(3, 6)
    with torch.no_grad():
        assert torch.equal(loaded(z, y[:3]), G(z, y[:3]))
