import math

import pytest
import torch
from torch import nn

from gan_lab import losses
from gan_lab.losses import get_loss, gradient_penalty, interpolate

R = torch.tensor([2.0, -1.0, 0.5])   # scores on real data
F_ = torch.tensor([-3.0, 0.0, 1.0])  # scores on fakes


def sig(t):
    return 1 / (1 + math.exp(-t))


def mean(xs):
    return sum(xs) / len(xs)


# Hand computations straight from the papers' formulas, in plain Python floats.
D_BCE = -mean([math.log(sig(r)) for r in R.tolist()]) - mean([math.log(1 - sig(f)) for f in F_.tolist()])
EXPECTED = {
    "minimax": (D_BCE, mean([math.log(1 - sig(f)) for f in F_.tolist()])),
    "non-saturating": (D_BCE, -mean([math.log(sig(f)) for f in F_.tolist()])),
    "lsgan": (0.5 * mean([(r - 1) ** 2 for r in R.tolist()]) + 0.5 * mean([f ** 2 for f in F_.tolist()]),
              0.5 * mean([(f - 1) ** 2 for f in F_.tolist()])),
    "wgan": (mean(F_.tolist()) - mean(R.tolist()), -mean(F_.tolist())),
    "wgan-gp": (mean(F_.tolist()) - mean(R.tolist()), -mean(F_.tolist())),
    "hinge": (mean([max(0, 1 - r) for r in R.tolist()]) + mean([max(0, 1 + f) for f in F_.tolist()]),
              -mean(F_.tolist())),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_loss_matches_hand_computation(name):
    loss = get_loss(name)
    d, g = EXPECTED[name]
    assert loss.discriminator_loss(R, F_).item() == pytest.approx(d, rel=1e-6)
    assert loss.generator_loss(F_).item() == pytest.approx(g, rel=1e-6)


def test_bce_losses_stay_finite_for_extreme_logits():
    big = torch.tensor([200.0, -200.0])
    for name in ("minimax", "non-saturating"):
        loss = get_loss(name)
        assert torch.isfinite(loss.discriminator_loss(big, -big))
        assert torch.isfinite(loss.generator_loss(big))
    # Sigmoid + BCELoss, the common tutorial pairing, saturates: σ(-200) = 0 in float32
    assert torch.sigmoid(torch.tensor(-200.0)).item() == 0.0


def test_saturating_gradient_vanishes_where_non_saturating_does_not():
    f = torch.tensor([-8.0], requires_grad=True)  # D confidently rejects the fake: σ(f) ≈ 3e-4
    (g_sat,) = torch.autograd.grad(get_loss("minimax").generator_loss(f), f)
    (g_ns,) = torch.autograd.grad(get_loss("non-saturating").generator_loss(f), f)
    # d/df log(1 - σ(f)) = -σ(f);  d/df -log σ(f) = σ(f) - 1
    assert g_sat.item() == pytest.approx(-sig(-8.0), rel=1e-5)
    assert g_ns.item() == pytest.approx(sig(-8.0) - 1, rel=1e-5)
    assert abs(g_sat.item()) < 1e-3 < 0.99 < abs(g_ns.item())


class Linear(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(w)

    def forward(self, x):
        return x.flatten(1) @ self.w


def test_gradient_penalty_of_linear_critic_is_exact():
    torch.manual_seed(0)
    w = torch.randn(12)
    critic = Linear(w.clone())
    real, fake = torch.randn(5, 3, 2, 2), torch.randn(5, 3, 2, 2)
    expected = 10.0 * (w.norm() - 1) ** 2  # ∇_x (w·x) = w everywhere
    got = get_loss("wgan-gp", lambda_gp=10.0).penalty(critic, real, fake)
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)


def test_interpolates_use_one_factor_per_example():
    real, fake = torch.ones(64, 1, 4, 4), torch.zeros(64, 1, 4, 4)
    x_hat = interpolate(real, fake, torch.Generator().manual_seed(0))
    per_example = x_hat.flatten(1)
    # x̂ = ε·1 + (1 - ε)·0 = ε: constant inside each example, different across examples
    assert torch.all(per_example.max(1).values == per_example.min(1).values)
    assert per_example[:, 0].unique().numel() == 64
    assert per_example.min() >= 0 and per_example.max() <= 1


def test_gradient_penalty_norm_runs_over_all_non_batch_dims():
    # critic(x) = sum of squares: ∇ = 2x, so ‖∇‖ = 2‖x̂‖ over (C, H, W) together
    class Square(nn.Module):
        def forward(self, x):
            return x.pow(2).flatten(1).sum(1)

    real = torch.full((3, 2, 2, 2), 0.5)
    fake = real.clone()  # x̂ = real whatever ε is
    expected = ((2 * real.flatten(1).norm(dim=1) - 1) ** 2).mean()
    assert gradient_penalty(Square(), real, fake).item() == pytest.approx(expected.item(), rel=1e-6)


def test_penalty_gradient_reaches_the_critic_weights():
    critic = Linear(torch.full((4,), 2.0))
    gp = gradient_penalty(critic, torch.randn(8, 4), torch.randn(8, 4))
    gp.backward()
    # d/dw (‖w‖ - 1)^2 = 2 (‖w‖ - 1) w / ‖w‖ ; ‖w‖ = 4
    assert torch.allclose(critic.w.grad, torch.full((4,), 2 * 3 * 2 / 4.0))


def test_weight_clipping_clamps_every_parameter():
    critic = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    with torch.no_grad():
        for p in critic.parameters():
            p.mul_(100)
    get_loss("wgan", clip=0.05).after_critic_step(critic)
    assert all(p.abs().max() <= 0.05 for p in critic.parameters())
    assert any((p.abs() == 0.05).any() for p in critic.parameters())


def test_variant_options_travel_with_the_loss():
    from gan_lab.train import RECOMMENDED, recommended

    assert RECOMMENDED["wgan"]["d_steps"] == 5 and get_loss("wgan").clip == 0.01
    gp = get_loss("WGAN_GP", lambda_gp=5)
    assert (gp.lambda_gp, recommended(gp)["d_steps"], recommended(gp)["betas"]) == (5, 5, (0.0, 0.9))
    assert recommended("hinge")["d_steps"] == 1
    assert get_loss("non-saturating").readout(torch.tensor([0.0])).item() == 0.5
    assert get_loss("wgan").readout(torch.tensor([3.0])).item() == 3.0


@pytest.mark.parametrize("name,options,message", [
    ("wgan-gb", {}, "Unknown loss 'wgan-gb': choose one of minimax, non-saturating"),
    ("wgan-gp", {"lamda": 10}, "unknown option.*lamda.*lambda_gp"),
    ("wgan", {"clip": -1}, "clip must be positive"),
    ("wgan-gp", {"lambda_gp": -1}, "lambda_gp must be a finite number ≥ 0"),
    ("wgan-gp", {"lambda_gp": float("nan")}, "wgan-gp: lambda_gp must be a finite number, got nan"),
    ("wgan", {"clip": float("nan")}, "wgan: clip must be a finite number, got nan"),
    ("minimax", {"r1_gamma": "1"}, "minimax: r1_gamma must be a number, got '1'"),
    ("lsgan", {"a": float("inf")}, "lsgan: a must be a finite number, got inf"),
    ("hinge", {"d_steps": 1}, "unknown option.*d_steps.*Trainer options"),
    ("lsgan", {"clip": 0.01}, "unknown option.*clip"),
])
def test_bad_names_and_options_fail_clearly(name, options, message):
    with pytest.raises(ValueError, match=message):
        get_loss(name, **options)


def test_registry_has_the_six_variants():
    assert set(losses.LOSSES) == {"minimax", "non-saturating", "lsgan", "wgan", "wgan-gp", "hinge"}


# -- what the generator minimizes, checked by quadrature ---------------------------------------
def _gauss(x, mu, s):
    return torch.exp(-0.5 * ((x - mu) / s) ** 2) / (s * math.sqrt(2 * math.pi))


X = torch.linspace(-30, 30, 600_001, dtype=torch.float64)
DX = (X[1] - X[0]).item()


def _integral(f):
    return (f.sum() * DX).item()


@pytest.mark.parametrize("mu,s", [(1.0, 1.0), (3.0, 0.5), (-0.5, 2.0)])
def test_lsgan_objective_at_the_optimal_D_by_quadrature(mu, s):
    p_d, p_g = _gauss(X, 0.0, 1.0), _gauss(X, mu, s)
    delta = _integral((p_d - p_g) ** 2 / (p_d + p_g + 1e-300))      # χ²_Pearson(p_d + p_g ‖ 2 p_g)

    def C(a, b, c):
        D_star = (b * p_d + a * p_g) / (p_d + p_g + 1e-300)
        # G's loss at D* plus the G-independent term E_{p_d}[(D* - c)^2] / 2
        return 0.5 * _integral(p_g * (D_star - c) ** 2) + 0.5 * _integral(p_d * (D_star - c) ** 2)

    loss = get_loss("lsgan")
    assert (loss.a, loss.b, loss.c) == (0.0, 1.0, 1.0)
    assert C(0.0, 1.0, 1.0) == pytest.approx(delta / 8 + 0.25, rel=1e-6)   # 0-1-1: affine in Δ
    assert C(-1.0, 1.0, 0.0) == pytest.approx(delta / 2, rel=1e-6)        # Mao et al.: Δ / 2
    # D* itself: the minimizer of L_D pointwise, checked on a few points with the loss object
    coded = get_loss("lsgan", a=-1.0, b=1.0, c=0.0)
    r, f = torch.tensor([0.3]), torch.tensor([-0.2])
    assert coded.discriminator_loss(r, f).item() == pytest.approx(0.5 * 0.7 ** 2 + 0.5 * 0.8 ** 2)
    assert coded.generator_loss(f).item() == pytest.approx(0.5 * 0.2 ** 2)


def test_lsgan_targets_must_differ():
    with pytest.raises(ValueError, match="must differ"):
        get_loss("lsgan", a=1.0, b=1.0)


def test_non_saturating_gradient_at_D_star_is_that_of_KL_minus_2JSD():
    """Arjovsky & Bottou (2017), Thm 2.5: with D* = p_d/(p_d + p_g0) held fixed,
    d/dθ E_{p_gθ}[-log D*(x)] at θ0 = d/dθ [KL(p_gθ ‖ p_d) - 2 JSD(p_d, p_gθ)] at θ0."""
    p_d = _gauss(X, 0.0, 1.0)

    def kl_minus_2jsd(theta):
        p_g = _gauss(X, theta, 1.3)
        m = 0.5 * (p_d + p_g)
        kl = _integral(p_g * torch.log(p_g / p_d))
        jsd = 0.5 * _integral(p_d * torch.log(p_d / m)) + 0.5 * _integral(p_g * torch.log(p_g / m))
        return kl - 2 * jsd

    theta0, h = 0.8, 1e-4
    D_star = p_d / (p_d + _gauss(X, theta0, 1.3))
    # the non-saturating generator loss is E[softplus(-logit)] = E[-log D]; logit of D*:
    logit = torch.log(D_star) - torch.log1p(-D_star)
    ns = get_loss("non-saturating")

    def expected_loss(theta):   # E_{p_gθ}[softplus(-logit*)] by quadrature, D* fixed
        return _integral(_gauss(X, theta, 1.3) * torch.nn.functional.softplus(-logit))

    assert ns.generator_loss(logit[:3]).item() == pytest.approx(
        (-torch.log(D_star[:3])).mean().item(), rel=1e-6)
    grad_ns = (expected_loss(theta0 + h) - expected_loss(theta0 - h)) / (2 * h)
    grad_div = (kl_minus_2jsd(theta0 + h) - kl_minus_2jsd(theta0 - h)) / (2 * h)
    assert grad_ns == pytest.approx(grad_div, rel=1e-5)
    assert abs(grad_ns) > 0.1   # a real gradient, not 0 = 0


def test_one_sided_label_smoothing_matches_hand_computation():
    a = 0.1
    loss = get_loss("non-saturating", label_smoothing=a)
    hand = (mean([-(1 - a) * math.log(sig(r)) - a * math.log(1 - sig(r)) for r in R.tolist()])
            - mean([math.log(1 - sig(f)) for f in F_.tolist()]))
    assert loss.discriminator_loss(R, F_).item() == pytest.approx(hand, rel=1e-6)
    # PyTorch's own reference: BCE with targets 1 - α on real, 0 on fake
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ref = bce(R, torch.full_like(R, 1 - a)) + bce(F_, torch.zeros_like(F_))
    assert loss.discriminator_loss(R, F_).item() == pytest.approx(ref.item(), rel=1e-6)
    assert loss.generator_loss(F_).item() == get_loss("non-saturating").generator_loss(F_).item()
    with pytest.raises(ValueError, match="label_smoothing"):
        get_loss("minimax", label_smoothing=0.7)
