import pickle

import pytest
import torch

from gan_lab import models, toy
from gan_lab.checkpoint import CheckpointError, load_generator, save_generator
from gan_lab.data import BatchSource
from gan_lab.train import HISTORY_KEYS, NonFiniteLossError, Trainer, grad_norm


def image_source(n=256, batch=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return BatchSource(torch.rand(n, 1, 28, 28, generator=g) * 2 - 1, batch, seed=seed)


def small_mlp():
    return (models.MLPGenerator(latent_dim=8, hidden=(32,)),
            models.MLPDiscriminator(hidden=(32,)))


def small_dcgan(batch_norm=True):
    return (models.DCGANGenerator(latent_dim=8, width=4),
            models.DCGANDiscriminator(width=4, batch_norm=batch_norm))


def make_trainer(kind="mlp", loss="non-saturating", seed=0, **kw):
    torch.manual_seed(seed)
    G, D = small_mlp() if kind == "mlp" else small_dcgan(kind != "dcgan-nobn")
    return Trainer(G, D, image_source(seed=seed), loss, seed=seed, **kw)


def params(t):
    return torch.cat([p.detach().flatten() for m in (t.generator, t.discriminator)
                      for p in m.parameters()])


def test_a_discriminator_step_lowers_its_loss_on_fixed_data():
    t = make_trainer(lr=1e-3)
    real = t.data.batch(0)
    with torch.no_grad():
        fake = t.generator(t.noise(len(real)))

    def d_loss():
        with torch.no_grad():
            return t.loss.discriminator_loss(*t._scores(real, fake)).item()

    before = d_loss()
    for _ in range(3):
        loss = t.loss.discriminator_loss(*t._scores(real, fake))
        t.opt_d.zero_grad()
        loss.backward()
        t.opt_d.step()
    assert d_loss() < before


def test_history_has_one_entry_per_step():
    t = make_trainer()
    h = t.train(7, progress=False)
    assert set(h) == set(HISTORY_KEYS) and all(len(v) == 7 for v in h.values())
    assert h["step"] == list(range(1, 8))
    assert all(0 < p < 1 for p in h["d_real"] + h["d_fake"])   # BCE reads out probabilities
    assert all(n > 0 for n in h["grad_norm_d"] + h["grad_norm_g"])
    assert h["seconds"] == sorted(h["seconds"])


def test_joint_pass_equals_separate_passes():
    t = make_trainer()
    t.discriminator.eval()  # dropout off, so both ways see the same network
    real = t.data.batch(0)
    fake = torch.rand_like(real)
    joint = t._scores(real, fake)
    separate = (t.discriminator(real), t.discriminator(fake))
    assert t.joint_pass and all(torch.allclose(a, b, atol=1e-6) for a, b in zip(joint, separate))
    assert not make_trainer("dcgan").joint_pass  # batch norm: keep real and fake apart


def test_d_steps_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="d_steps must be ≥ 1, got 0"):
        make_trainer(loss="hinge", d_steps=0)
    with pytest.raises(ValueError, match="d_steps must be a whole number ≥ 1, got 2.5"):
        make_trainer(loss="hinge", d_steps=2.5)


def test_stop_conditions():
    t = make_trainer()
    t.train(epochs=2, progress=False)                        # 256 / 32 = 8 batches per epoch
    assert t.step == 16
    t2 = make_trainer(loss="wgan")                           # 5 critic steps per generator step
    t2.train(epochs=2, progress=False)
    assert t2.step == 4 and t2.data_step == 20
    t3 = make_trainer()
    t3.train(max_seconds=0.0, progress=False)                # stops after the first step
    assert t3.step == 1
    with pytest.raises(ValueError, match="Say how long to train"):
        t3.train()


def test_nan_loss_stops_with_a_clear_message():
    bad = torch.full((64, 1, 28, 28), float("nan"))
    torch.manual_seed(0)
    t = Trainer(*small_mlp(), BatchSource(bad, 16), "non-saturating")
    before = params(t).clone()
    with pytest.raises(NonFiniteLossError, match="discriminator loss became nan at step 1"):
        t.train(10, progress=False)
    assert t.step == 0
    assert torch.equal(params(t), before), "no NaN may reach the weights"


def test_snapshots_record_the_fixed_noise_samples():
    t = make_trainer(n_fixed=9)
    seen = []
    t.train(6, snapshot_every=2, callback=lambda tr: seen.append(tr.step), progress=False)
    assert [s for s, _ in t.snapshots] == [2, 4, 6] == seen
    assert t.snapshots[0][1].shape == (9, 1, 28, 28)


@pytest.mark.parametrize("kind,loss", [("mlp", "non-saturating"), ("dcgan", "non-saturating"),
                                       ("dcgan-nobn", "wgan-gp"), ("mlp", "wgan")])
def test_resume_continues_exactly_like_the_uninterrupted_run(tmp_path, kind, loss):
    full = make_trainer(kind, loss)
    full.train(9, snapshot_every=3, progress=False)

    first = make_trainer(kind, loss)
    first.train(4, snapshot_every=3, progress=False)
    first.save(tmp_path / "run.pt")
    resumed = Trainer.from_checkpoint(tmp_path / "run.pt", image_source())
    resumed.train(5, snapshot_every=3, progress=False)

    assert torch.equal(params(full), params(resumed))
    for key in HISTORY_KEYS:
        if key != "seconds":
            assert full.history[key] == resumed.history[key], key
    assert [s for s, _ in full.snapshots] == [s for s, _ in resumed.snapshots]
    assert all(torch.equal(a, b) for (_, a), (_, b) in zip(full.snapshots, resumed.snapshots))


def test_toy_data_resumes_too(tmp_path):
    def trainer():
        torch.manual_seed(0)
        G = models.MLPGenerator(latent_dim=2, hidden=(8,), out_shape=(2,), out_activation=None)
        return Trainer(G, models.MLPDiscriminator((2,), (8,)), toy.SampleSource(toy.ring(), 16))
    a = trainer()
    a.train(10, progress=False)
    b = trainer()
    b.train(3, progress=False)
    b.save(tmp_path / "t.pt")
    c = trainer().load(tmp_path / "t.pt")
    c.train(7, progress=False)
    assert torch.equal(params(a), params(c))


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    t = make_trainer()
    path = t.save(tmp_path / "ckpt.pt")
    good = path.read_bytes()

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        t.save(path)
    assert path.read_bytes() == good                      # the old checkpoint survives
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_checkpoint_errors_are_clear(tmp_path):
    t = make_trainer()
    with pytest.raises(CheckpointError, match="No checkpoint at"):
        t.load(tmp_path / "missing.pt")

    good = t.save(tmp_path / "good.pt")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        t.load(truncated)

    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"definitely not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        t.load(junk)

    class Evil:
        def __reduce__(self):
            return (print, ("this would run on load",))

    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        pickle.dump({"format": "gan_lab-checkpoint-1", "x": Evil()}, f)
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        t.load(evil)

    plain = tmp_path / "plain.pt"
    torch.save({"weights": torch.zeros(3)}, plain)
    with pytest.raises(CheckpointError, match="not written by gan_lab"):
        t.load(plain)

    with pytest.raises(CheckpointError, match="generator is MLPGenerator.*but this one is DCGANGenerator"):
        make_trainer("dcgan").load(good)

    with pytest.raises(CheckpointError, match="trained with loss 'non-saturating'"):
        make_trainer(loss="hinge").load(good)


def test_save_refuses_what_would_not_load_safely(tmp_path):
    from gan_lab.checkpoint import save

    with pytest.raises(CheckpointError, match="would not load safely"):
        save({"meta": {"version": torch.__version__}}, tmp_path / "x.pt")   # a TorchVersion object
    assert list(tmp_path.iterdir()) == []


def test_generator_only_checkpoints(tmp_path):
    G, _ = small_dcgan()
    path = save_generator(G.eval(), tmp_path / "g.pt", {"data": "random", "steps": 0})
    G2 = load_generator(path)
    z = torch.randn(4, 8)
    assert torch.equal(G(z), G2(z)) and not G2.training


def test_recent_mean():
    from gan_lab.train import recent_mean

    h = {"loss_d": [1.0, 2.0, 3.0, 5.0], "step": [1, 2, 3, 4], "empty": []}
    assert recent_mean(h, 2) == {"loss_d": 4.0, "step": 3.5}
    assert recent_mean(h, 10)["loss_d"] == pytest.approx(2.75)


def test_fit_discriminator_stops_on_nan_before_the_weights_change():
    from gan_lab.train import fit_discriminator

    class Bad:
        batch_size = 8

        def batch(self, step):
            return torch.full((8, 2), float("nan"))

    _, D = models.toy_pair(dim=2, hidden=(8,))
    before = torch.cat([p.detach().flatten() for p in D.parameters()]).clone()
    with pytest.raises(NonFiniteLossError, match="discriminator loss became nan at step 1"):
        fit_discriminator(D, Bad(), toy.SampleSource(toy.ring(), 8), steps=5, progress=False)
    assert torch.equal(torch.cat([p.detach().flatten() for p in D.parameters()]), before)


def test_grad_norm_is_the_norm_of_all_gradients_together():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 3))
    net(torch.randn(11, 5)).pow(2).sum().backward()
    flat = torch.cat([p.grad.double().flatten() for p in net.parameters()])
    expected = flat.pow(2).sum().sqrt().item()            # sqrt of the sum of all squares, float64
    assert grad_norm(net) == pytest.approx(expected, rel=1e-6)
    assert grad_norm(torch.nn.Linear(2, 2)) == 0.0        # no gradients yet


# -- the training step in plain sight -------------------------------------------------------
def toy_models(seed=0, dim=2):
    torch.manual_seed(seed)
    return models.toy_pair(dim=dim, latent_dim=2, hidden=(16,))


def test_update_D_changes_only_D_and_returns_the_loss_it_stepped_on():
    from gan_lab.losses import get_loss
    from gan_lab.train import update_D, update_G

    G, D = toy_models()
    loss = get_loss("non-saturating")
    x, z = toy.ring().sample(32, torch.Generator().manual_seed(1)), torch.randn(32, 2)
    with torch.no_grad():
        expected = loss.discriminator_loss(D(x), D(G(z)))
    g_before = [p.clone() for p in G.parameters()]
    d_before = [p.clone() for p in D.parameters()]
    value, real_scores, fake_scores = update_D(x, z, D, G, loss, torch.optim.SGD(D.parameters(), lr=0.1))
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)
    assert not value.requires_grad and real_scores.shape == fake_scores.shape == (32,)
    assert all(torch.equal(a, b) for a, b in zip(g_before, G.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, D.parameters()))

    d_before = [p.clone() for p in D.parameters()]
    with torch.no_grad():
        expected = loss.generator_loss(D(G(z)))
    value = update_G(x, z, D, G, loss, torch.optim.SGD(G.parameters(), lr=0.1))
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)
    assert all(torch.equal(a, b) for a, b in zip(d_before, D.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(g_before, G.parameters()))


@pytest.mark.parametrize("loss", ["non-saturating", "wgan-gp"])
def test_fast_path_and_readable_path_give_the_same_parameters(loss):
    # Not bit-identical: the fast path's one D pass over 2B examples sums in another order
    # than two passes over B, and fused Adam rounds differently from the default Adam.
    def run(fast):
        G, D = toy_models()
        t = Trainer(G, D, toy.SampleSource(toy.ring(), 32), loss, fast=fast, lr=1e-3)
        t.train(12, progress=False)
        return t

    fast, readable = run(True), run(False)
    assert fast.joint_pass and not readable.fast
    a, b = params(fast), params(readable)
    if loss == "non-saturating":
        assert torch.allclose(a, b, atol=1e-5, rtol=1e-4)
    else:
        # Adam divides each gradient by its own running RMS: where a gradient component is
        # near 0 (|g| ~ eps), float rounding of g is magnified up to the step size lr = 1e-3.
        # Here 3 of 147 coordinates differ (by < lr / 3); all the others agree to 1e-6.
        diff = (a - b).abs()
        assert diff.max() < 1e-3 and (diff > 1e-6).float().mean() < 0.05
    assert fast.history["loss_d"] == pytest.approx(readable.history["loss_d"], rel=1e-3, abs=1e-4)


class CondG(torch.nn.Module):
    """A tiny conditional generator G(z, y) for the labelled-data path."""

    def __init__(self, n_classes=3):
        super().__init__()
        self.latent_dim, self.n_classes = 2, n_classes
        self.config = {"n_classes": n_classes}
        self.net = torch.nn.Linear(2 + n_classes, 2)

    def forward(self, z, y):
        return self.net(torch.cat([z, torch.nn.functional.one_hot(y, self.n_classes).float()], 1))


class CondD(torch.nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.n_classes, self.config, self.seen = n_classes, {"n_classes": n_classes}, []
        self.net = torch.nn.Linear(2 + n_classes, 1)

    def forward(self, x, y):
        self.seen.append(y.clone())
        return self.net(torch.cat([x, torch.nn.functional.one_hot(y, self.n_classes).float()], 1)).squeeze(1)


@pytest.mark.parametrize("fast", [True, False])
def test_labelled_batches_reach_G_and_D(fast):
    x = torch.randn(60, 2)
    y = torch.arange(60) % 3
    source = BatchSource(x, 12, labels=y)
    torch.manual_seed(0)
    G, D = CondG(), CondD()
    t = Trainer(G, D, source, "non-saturating", fast=fast)
    t.train(2, progress=False)
    batch_x, batch_y = source.batch(1)
    assert all(torch.equal(s, batch_y) or torch.equal(s, torch.cat([batch_y, batch_y])) for s in D.seen[-2:])
    assert t.sample(6).shape == (6, 2)             # labels 0, 1, 2, 0, 1, 2 for a conditional G


def test_from_checkpoint_of_a_generator_only_file_says_what_it_is(tmp_path):
    G, _ = small_mlp()
    path = save_generator(G, tmp_path / "g.pt")
    with pytest.raises(CheckpointError, match="holds only a generator.*load_generator"):
        Trainer.from_checkpoint(path, image_source())
    with pytest.raises(CheckpointError, match="holds only a generator"):
        make_trainer().load(path)


def test_progress_ends_with_one_summary_line(capsys):
    t = make_trainer()
    t.train(3)
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("non-saturating GAN: 3 steps in") and "loss_D" in out[-1]
