"""Each stabilization trick against an independent computation, and all of them together
through the one training loop, resuming bit for bit."""

import math

import pytest
import torch
from torch import nn

from gan_lab import models, stabilize, toy
from gan_lab.losses import get_loss
from gan_lab.train import Trainer


class LinearD(nn.Module):
    """D(x) = w·x + b, features(x) = x: every gradient is known by hand."""

    def __init__(self, w):
        super().__init__()
        self.w, self.b = nn.Parameter(w.clone()), nn.Parameter(torch.zeros(()))

    def features(self, x):
        return x.flatten(1)

    def forward(self, x):
        return x.flatten(1) @ self.w + self.b


# -- R1 -----------------------------------------------------------------------------------------
def test_r1_of_a_linear_D_is_gamma_half_the_squared_weight_norm():
    w = torch.tensor([3.0, -4.0, 1.0, 2.0])
    real = torch.randn(10, 1, 2, 2)
    got = stabilize.r1_penalty(LinearD(w), real, gamma=10.0)
    assert got.item() == pytest.approx(10.0 / 2 * 30.0, rel=1e-6)      # γ/2 ‖w‖², ‖w‖² = 30
    assert get_loss("hinge", r1_gamma=10.0).penalty(LinearD(w), real, real).item() == pytest.approx(150.0)
    assert get_loss("hinge").penalty(LinearD(w), real, real) is None


def test_r1_matches_finite_differences_for_a_nonlinear_D():
    torch.manual_seed(0)
    D = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    x = torch.randn(5, 3, dtype=torch.float64)
    h = 1e-6
    total = 0.0
    for i in range(5):
        for j in range(3):
            e = torch.zeros(3, dtype=torch.float64)
            e[j] = h
            g = (D(x[i] + e) - D(x[i] - e)).item() / (2 * h)
            total += g * g
    expected = 0.5 * 2.0 * total / 5                                  # γ/2 · mean over examples
    assert stabilize.r1_penalty(lambda v: D(v).squeeze(1), x, gamma=2.0).item() == pytest.approx(expected, rel=1e-6)


def test_r1_gradient_reaches_D_weights():
    D = LinearD(torch.tensor([1.0, 2.0]))
    stabilize.r1_penalty(D, torch.randn(4, 2), gamma=1.0).backward()
    assert torch.allclose(D.w.grad, torch.tensor([1.0, 2.0]))          # d/dw ½‖w‖² = w


# -- feature matching -----------------------------------------------------------------------------
def test_feature_matching_is_the_squared_distance_of_feature_means():
    D = LinearD(torch.ones(3))
    real, fake = torch.randn(8, 3), torch.randn(6, 3, requires_grad=True)
    hand = sum((real[:, j].mean().item() - fake[:, j].mean().item()) ** 2 for j in range(3))
    fm = stabilize.feature_matching_loss(D, real, fake)
    assert fm.item() == pytest.approx(hand, rel=1e-5)
    fm.backward()                                                    # ∂/∂fake_i = 2 (m_f − m_r) / n
    assert torch.allclose(fake.grad, (2 * (fake.mean(0) - real.mean(0)) / 6).expand(6, 3).detach(), atol=1e-6)
    loss = get_loss("non-saturating", feature_matching=0.5)
    assert loss.generator_penalty(D, real, fake).item() == pytest.approx(0.5 * hand, rel=1e-5)


# -- mode seeking ---------------------------------------------------------------------------------
def test_mode_seeking_term_against_a_loop_over_same_class_pairs():
    fake = torch.randn(6, 1, 2, 2, requires_grad=True)
    y = torch.tensor([0, 1, 0, 2, 0, 1])
    pairs = [(i, j) for i in range(6) for j in range(i + 1, 6) if y[i] == y[j]]      # 4 pairs
    d_image = sum((fake[i] - fake[j]).abs().mean().item() for i, j in pairs) / len(pairs)
    d_noise = 2 / math.sqrt(math.pi)                                   # E|a − b|, a, b ~ N(0, 1)
    term = stabilize.mode_seeking_loss(fake, y, eps=0.0)
    assert term.item() == pytest.approx(d_noise / d_image, rel=1e-5)
    term.backward()
    assert fake.grad[3].abs().sum() == 0 and fake.grad[0].abs().sum() > 0   # class 2 has no pair
    everyone = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    d_all = sum((fake[i] - fake[j]).abs().mean().item() for i, j in everyone) / len(everyone)
    assert stabilize.mode_seeking_loss(fake, eps=0.0).item() == pytest.approx(d_noise / d_all, rel=1e-5)
    loss = get_loss("non-saturating", mode_seeking=2.0)
    assert loss.generator_penalty(None, None, fake, y).item() == pytest.approx(
        2 * stabilize.mode_seeking_loss(fake, y).item(), rel=1e-6)


def test_mode_seeking_expectation_of_the_noise_distance_and_its_edge_cases():
    a, b = torch.randn(2, 400_000, generator=torch.Generator().manual_seed(0))    # Monte Carlo
    assert (a - b).abs().mean().item() == pytest.approx(stabilize.MEAN_NOISE_DISTANCE, rel=0.01)
    fake = torch.randn(3, 4, requires_grad=True)
    none = stabilize.mode_seeking_loss(fake, torch.tensor([0, 1, 2]))
    assert none.item() == 0                                            # no pair: nothing added
    loss_g = fake.sum() + none
    loss_g.backward()                                                  # and G's loss still trains
    assert torch.equal(fake.grad, torch.ones(3, 4))
    same = fake.detach()[:1].repeat(3, 1)
    assert stabilize.mode_seeking_loss(same, eps=1e-5).item() == pytest.approx(1e5)   # collapse: 1/ε


def test_course_discriminators_expose_their_last_hidden_features():
    D = models.MLPDiscriminator(hidden=(16, 8), dropout=0.0)
    x = torch.randn(4, 1, 28, 28)
    assert D.features(x).shape == (4, 8)
    assert torch.allclose(D.net[-1](D.features(x)).squeeze(1), D(x))
    C = models.DCGANDiscriminator(width=4, batch_norm=False)
    assert torch.allclose(C.net[-1](C.features(x)).squeeze(1), C(x))


# -- spectral normalization -------------------------------------------------------------------------
def test_spectral_norm_all_makes_every_layer_1_lipschitz():
    torch.manual_seed(0)
    D = models.DCGANDiscriminator(width=4, batch_norm=False)
    with torch.no_grad():
        for p in D.parameters():
            p.mul_(30)
    stabilize.spectral_norm_all(D)
    layers = [m for m in D.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    assert len(layers) == 3 and stabilize.has_spectral_norm(D)
    x = torch.randn(2, 1, 28, 28)
    for _ in range(200):                                             # power iteration converges
        D(x)
    D.eval()
    for m in layers:
        W = m.weight.flatten(1)                                      # what torch reshapes to (out, -1)
        assert torch.linalg.svdvals(W)[0].item() == pytest.approx(1.0, rel=1e-3)


# -- minibatch layers ---------------------------------------------------------------------------------
def test_minibatch_stddev_matches_a_loop_over_groups():
    torch.manual_seed(0)
    h = torch.randn(8, 3, 2, 2)
    out = stabilize.MinibatchStdDev(group_size=4)(h)
    assert out.shape == (8, 4, 2, 2) and torch.equal(out[:, :3], h)
    for i in range(8):
        group = h[[i % 2 + 2 * k for k in range(4)]]                 # members i mod 2, + 2, + 4, + 6
        expected = group.std(0, unbiased=False).mean()
        assert torch.allclose(out[i, 3], expected.expand(2, 2), atol=1e-5)
    flat = stabilize.MinibatchStdDev(group_size=2)(torch.tensor([[0.0, 2.0], [2.0, 2.0]]))
    # stds sqrt(1 + ε) and sqrt(0 + ε) (ε = 1e-8 keeps the sqrt differentiable), mean ≈ 0.5
    assert flat[:, 2].tolist() == pytest.approx([(1 + 1e-4) / 2] * 2, rel=1e-6)


def test_minibatch_discrimination_matches_the_papers_sum():
    torch.manual_seed(0)
    layer = stabilize.MinibatchDiscrimination(4, n_kernels=3, kernel_dim=2)
    h = torch.randn(5, 4)
    out = layer(h)
    assert out.shape == (5, 7) and torch.equal(out[:, :4], h)
    T = layer.T.detach().view(4, 3, 2)
    for i in range(5):
        for k in range(3):
            o = sum(math.exp(-sum(abs((h[i] @ T[:, k, c] - h[j] @ T[:, k, c]).item()) for c in range(2)))
                    for j in range(5))
            assert out[i, 4 + k].item() == pytest.approx(o, rel=1e-5)
    # its gradient matches the readable broadcast form (B, B, K, C)
    h.requires_grad_(True)
    M = (h @ layer.T).view(5, 3, 2)
    readable = torch.exp(-(M[:, None] - M[None]).abs().sum(-1)).sum(1)
    g_fast = torch.autograd.grad(layer(h)[:, 4:].pow(2).sum(), (h, layer.T))
    g_readable = torch.autograd.grad(readable.pow(2).sum(), (h, layer.T))
    for a, b in zip(g_fast, g_readable):
        assert torch.allclose(a, b, atol=1e-6)


def test_minibatch_head_puts_the_layer_before_the_last_linear():
    D = models.MLPDiscriminator((2,), (8,), dropout=0.0)
    wrapped = stabilize.wrap_discriminator(D, minibatch="stddev")
    x = torch.randn(8, 2)
    f = stabilize.MinibatchStdDev()(D.features(x))
    assert torch.allclose(wrapped(x), wrapped.head(f).squeeze(1))
    assert not stabilize.independent_examples(wrapped)


# -- PacGAN ----------------------------------------------------------------------------------------------
def test_packing_concatenates_consecutive_samples():
    torch.manual_seed(0)
    inner = models.MLPDiscriminator((2 * 3,), (8,), dropout=0.0)
    D = stabilize.Packed(inner, 3)
    x = torch.randn(6, 2)
    expected = inner(torch.stack([torch.cat([x[0], x[1], x[2]]), torch.cat([x[3], x[4], x[5]])]))
    assert torch.allclose(D(x), expected)
    images = torch.randn(4, 1, 5, 5)
    assert torch.equal(D.__class__(nn.Identity(), 2).pack(images)[1], torch.cat([images[2], images[3]]))
    with pytest.raises(ValueError, match="not divisible by pack=3"):
        D(torch.randn(4, 2))


# -- instance noise ---------------------------------------------------------------------------------------
def test_instance_noise_anneals_and_applies_in_training_only():
    D = stabilize.InstanceNoise(nn.Identity(), sigma=0.5, anneal_steps=100)
    assert [D.sigma(t) for t in (0, 50, 100, 200)] == [0.5, 0.25, 0.0, 0.0]
    x = torch.zeros(20_000, 2)
    stabilize.set_step(D, 50)
    assert D(x).std().item() == pytest.approx(0.25, rel=0.02)
    D.eval()
    assert torch.equal(D(x), x)
    stabilize.set_step(D.train(), 100)
    assert torch.equal(D(x), x)


# -- historical averaging -----------------------------------------------------------------------------------
def test_historical_averaging_adds_the_gradient_of_its_penalty():
    w = nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    avg = stabilize.HistoricalAverage(opt, weight=0.5)
    history = [w.detach().clone()]
    for target in (torch.tensor([3.0, 0.0]), torch.tensor([0.0, 1.0]), torch.tensor([2.0, 2.0])):
        mean = torch.stack(history).mean(0)
        opt.zero_grad()
        (w - target).pow(2).sum().backward()
        # by hand: θ ← θ − lr (∇f + 2λ(θ − θ̄)), θ̄ the mean of all past θ
        expected = w.detach() - 0.1 * (2 * (w.detach() - target) + 2 * 0.5 * (w.detach() - mean))
        # and by autograd on the penalty itself
        pen = w.detach().clone().requires_grad_(True)
        (0.5 * (pen - mean).pow(2).sum()).backward()                # λ‖θ − θ̄‖², λ = 0.5
        assert torch.allclose(pen.grad, 2 * 0.5 * (w.detach() - mean))
        assert torch.allclose(avg.penalty(), 0.5 * (w - mean).pow(2).sum())
        opt.step()
        assert torch.allclose(w.detach(), expected)
        history.append(w.detach().clone())
    assert torch.allclose(avg.mean[0], torch.stack(history).mean(0)) and avg.count == 4


# -- TTUR and EMA ----------------------------------------------------------------------------------------------
def toy_trainer(**kw):
    torch.manual_seed(0)
    G, D = models.toy_pair(dim=2, latent_dim=2, hidden=(8,))
    return Trainer(G, D, toy.SampleSource(toy.ring(), 16), "non-saturating", **kw)


def test_two_learning_rates():
    t = toy_trainer(lr_d=4e-4, lr_g=1e-4)
    assert t.opt_d.param_groups[0]["lr"] == 4e-4 and t.opt_g.param_groups[0]["lr"] == 1e-4


def test_ema_follows_the_recursion_and_is_used_for_sampling():
    t = toy_trainer(ema_decay=0.9)
    expected = [p.detach().clone() for p in t.generator.parameters()]
    for step in range(3):
        t.train(1, progress=False)
        current = [p.detach().clone() for p in t.generator.parameters()]
        expected = current if step == 0 else [0.9 * e + 0.1 * c for e, c in zip(expected, current)]
    for e, p in zip(expected, t.ema.module.parameters()):
        assert torch.allclose(e, p, atol=1e-6)
    z = torch.randn(5, 2)
    assert torch.allclose(t.sample(z), t.ema.module(z))
    assert not torch.allclose(t.sample(z), t.generator(z))
    G = t.ema_generator()
    assert type(G) is type(t.generator) and torch.allclose(G(z), t.ema.module(z))


# -- all together ---------------------------------------------------------------------------------------------------
ALL_TRICKS = dict(spectral_norm=True, minibatch="discrimination", pack=2, instance_noise=0.2,
                  instance_noise_steps=20, historical_averaging=1e-3, ema_decay=0.9,
                  lr_d=4e-4, lr_g=1e-4, label_smoothing=0.1, r1_gamma=1.0, feature_matching=0.5,
                  mode_seeking=1.0)


def packed_trainer(fast=True, **tricks):
    torch.manual_seed(0)
    G = models.MLPGenerator(latent_dim=2, hidden=(8,), out_shape=(2,), out_activation=None)
    D = models.MLPDiscriminator((4,), (8,), dropout=0.1)          # pack=2: 2 samples of 2D
    return Trainer(G, D, toy.SampleSource(toy.ring(), 16), "non-saturating", fast=fast, **tricks)


def all_params(t):
    parts = [t.generator, t.discriminator, t.ema]
    return torch.cat([p.detach().flatten() for m in parts for p in m.parameters()] +
                     [b.detach().flatten().float() for m in parts for b in m.buffers()])


@pytest.mark.parametrize("fast", [True, False])
def test_all_tricks_at_once_resume_bit_for_bit(tmp_path, fast):
    full = packed_trainer(fast, **ALL_TRICKS)
    full.train(8, snapshot_every=4, progress=False)

    first = packed_trainer(fast, **ALL_TRICKS)
    first.train(3, snapshot_every=4, progress=False)
    first.save(tmp_path / "run.pt")
    resumed = Trainer.from_checkpoint(tmp_path / "run.pt", toy.SampleSource(toy.ring(), 16))
    assert resumed.options() == full.options()
    resumed.train(5, snapshot_every=4, progress=False)

    assert torch.equal(all_params(full), all_params(resumed))
    assert full.history["loss_d"] == resumed.history["loss_d"]
    assert all(torch.equal(a.mean[0], b.mean[0]) for a, b in zip(full.averages, resumed.averages))
    assert torch.equal(full.snapshots[-1][1], resumed.snapshots[-1][1])


def test_each_trick_can_be_switched_on_alone():
    for name, value in ALL_TRICKS.items():
        t = packed_trainer(**{name: value}) if name == "pack" else toy_trainer(**{name: value})
        t.train(2, progress=False)
        assert all(math.isfinite(v) for v in t.history["loss_d"] + t.history["loss_g"]), name


def test_a_trainer_with_other_tricks_refuses_the_checkpoint(tmp_path):
    path = toy_trainer(spectral_norm=True).save(tmp_path / "sn.pt")
    from gan_lab.checkpoint import CheckpointError
    with pytest.raises(CheckpointError, match="other stabilization options"):
        toy_trainer().load(path)
