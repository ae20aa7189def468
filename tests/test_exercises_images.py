"""The exercise checks of notebooks 00, 03, 04 and 05 (evaluation): each accepts a right
answer and rejects plausible wrong ones (gan_lab/exercises/)."""

import pytest
import torch

from gan_lab.exercises import start


def _rejects(check, answer, *args):
    with pytest.raises(AssertionError, match="Hint"):
        check(answer, *args)


# -- notebook 00 ------------------------------------------------------------------------------
def _scaled(pixels, index):
    return (pixels[index].float() / 127.5 - 1).unsqueeze(1)


def real_batch(pixels, batch_size, rng):
    return _scaled(pixels, torch.randperm(len(pixels), generator=rng)[:batch_size])


def test_start_pixels():
    image = torch.randint(0, 256, (1, 28, 28)).float() / 127.5 - 1
    right = ((image[0] + 1) * 127.5).round().to(torch.uint8)
    assert start.check_pixels(right, image)
    _rejects(start.check_pixels, right.float(), image)                          # not uint8
    _rejects(start.check_pixels, ((image + 1) * 127.5).round().to(torch.uint8), image)  # channel kept
    _rejects(start.check_pixels, ((image[0] + 1) * 127).round().to(torch.uint8), image)    # scale


@pytest.mark.parametrize("wrong", [
    lambda p, b, rng: _scaled(p, torch.arange(b)),                                   # not random
    lambda p, b, rng: _scaled(p, torch.randint(len(p), (b,), generator=rng)),        # repeats
    lambda p, b, rng: _scaled(p, torch.randperm(len(p))[:b]),                        # ignores rng
    lambda p, b, rng: real_batch(p, b, rng) * 0.5 + 0.5,                             # [0, 1]
    lambda p, b, rng: real_batch(p, b, rng)[:, 0],                                   # no channel
], ids=["first", "with-replacement", "no-rng", "zero-one", "no-channel"])
def test_start_real_batch(wrong):
    assert start.check_real_batch(real_batch)
    _rejects(start.check_real_batch, wrong)


def test_start_stub_is_not_attempted(capsys):
    def stub(pixels, batch_size, rng):
        ...
    assert start.check_real_batch(stub) is False
    assert "Not attempted" in capsys.readouterr().out


# -- the evaluation notebook --------------------------------------------------------------------
from gan_lab import metrics  # noqa: E402
from gan_lab.exercises import evaluation  # noqa: E402


def test_evaluation_frechet_1d():
    assert evaluation.check_frechet_1d(10)
    _rejects(evaluation.check_frechet_1d, 10 ** 0.5)     # d instead of d²
    _rejects(evaluation.check_frechet_1d, 9 + 1 + 4)     # (μ₁-μ₂)² + σ₁² + σ₂², cross term forgotten


def _fid(real, fake, cov=torch.cov, root=True, square=False):
    s1, s2 = cov(real.T), cov(fake.T)
    if root:
        tr = torch.linalg.eigvals(s1 @ s2).sqrt().real.sum()
    else:
        tr = (s1 @ s2).clamp(min=0).sqrt().trace()        # elementwise square root
    d2 = (real.mean(0) - fake.mean(0)).pow(2).sum() + s1.trace() + s2.trace() - 2 * tr
    return (d2.sqrt() if square else d2).item()


def _biased_cov(x):
    return torch.cov(x, correction=0)


def _sqrt_each(real, fake):
    s1, s2 = torch.cov(real.T), torch.cov(fake.T)
    r1 = torch.linalg.eigh(s1)
    r2 = torch.linalg.eigh(s2)
    root1 = r1.eigenvectors @ torch.diag(r1.eigenvalues.clamp(min=0).sqrt()) @ r1.eigenvectors.T
    root2 = r2.eigenvectors @ torch.diag(r2.eigenvalues.clamp(min=0).sqrt()) @ r2.eigenvectors.T
    return ((real.mean(0) - fake.mean(0)).pow(2).sum() + s1.trace() + s2.trace()
            - 2 * (root1 @ root2).trace()).item()                 # tr Σ₁^½ Σ₂^½, not tr (Σ₁Σ₂)^½


def test_evaluation_fid():
    assert evaluation.check_fid(_fid)
    assert evaluation.check_fid(metrics.fid)
    for wrong in (lambda r, f: _fid(r, f, square=True),          # d, not d²
                  lambda r, f: _fid(r, f, cov=_biased_cov),     # covariance over n
                  lambda r, f: _fid(r, f, root=False),          # elementwise square root
                  _sqrt_each):
        _rejects(evaluation.check_fid, wrong)


def test_evaluation_inception_score_and_precision_recall():
    assert evaluation.check_inception_score(10.0)
    _rejects(evaluation.check_inception_score, 2.302585)          # log 10: forgot the exp
    assert evaluation.check_lower_of_precision_recall("recall", 1.0, 0.4)
    _rejects(evaluation.check_lower_of_precision_recall, "precision", 1.0, 0.4)


# -- notebook 03 --------------------------------------------------------------------------------
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from gan_lab.exercises import mlp_gan  # noqa: E402


def d_step(x, z, D, G, opt_D):
    with torch.no_grad():
        fake = G(z)
    loss = F.softplus(-D(x)).mean() + F.softplus(D(fake)).mean()
    opt_D.zero_grad()
    loss.backward()
    opt_D.step()
    return loss.item()


def _d_step_variant(kind):
    def step(x, z, D, G, opt_D):
        fake = G(z) if kind == "no-detach" else G(z).detach()
        r, f = D(x), D(fake)
        if kind == "sigmoid-bce":
            loss = nn.BCELoss()(torch.sigmoid(r), torch.ones_like(r)) + \
                nn.BCELoss()(torch.sigmoid(f), torch.zeros_like(f))
        elif kind == "swapped":
            loss = F.softplus(r).mean() + F.softplus(-f).mean()
        elif kind == "sum":
            loss = F.softplus(-r).sum() + F.softplus(f).sum()
        elif kind == "ascent":
            loss = -(F.softplus(-r).mean() + F.softplus(f).mean())
        elif kind == "saturating-fake":
            loss = F.softplus(-r).mean() - F.softplus(-f).mean()
        else:
            loss = F.softplus(-r).mean() + F.softplus(f).mean()
        if kind != "no-zero-grad":
            opt_D.zero_grad()
        loss.backward()
        opt_D.step()
        return abs(loss.item()) if kind == "ascent" else loss.item()
    return step


def test_mlp_gan_d_step():
    assert mlp_gan.check_d_step(d_step)
    assert mlp_gan.check_d_step(_d_step_variant("right"))


@pytest.mark.parametrize("kind", ["sigmoid-bce", "swapped", "sum", "ascent", "saturating-fake",
                                  "no-detach", "no-zero-grad"])
def test_mlp_gan_d_step_rejects(kind):
    _rejects(mlp_gan.check_d_step, _d_step_variant(kind))


def test_mlp_gan_small_checks(capsys):
    assert mlp_gan.check_parameter_count(559_632)
    _rejects(mlp_gan.check_parameter_count, 100 * 256 + 256 * 512 + 512 * 784)   # no biases
    assert mlp_gan.check_minus_log_sigmoid(F.softplus(torch.tensor(200.0)).item())
    _rejects(mlp_gan.check_minus_log_sigmoid, float(-torch.log(torch.sigmoid(torch.tensor(-200.0)))))
    _rejects(mlp_gan.check_minus_log_sigmoid, 100.0)                              # BCELoss's clamp
    from gan_lab.models import MLPGenerator
    with torch.no_grad():
        assert mlp_gan.check_samples(MLPGenerator().eval()(torch.randn(16, 100)))
    _rejects(mlp_gan.check_samples, MLPGenerator()(torch.randn(16, 100)))           # still has a graph
    _rejects(mlp_gan.check_samples, torch.zeros(16, 1, 28, 28))                     # all alike

    def stub(x, z, D, G, opt_D):
        ...
    assert mlp_gan.check_d_step(stub) is False
    assert "Not attempted" in capsys.readouterr().out


# -- notebook 04 --------------------------------------------------------------------------------
import math  # noqa: E402

from gan_lab.exercises import dcgan  # noqa: E402
from gan_lab.latent import slerp  # noqa: E402


def my_slerp(z0, z1, t):
    omega = torch.arccos(z0 @ z1 / (z0.norm() * z1.norm()))
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


def _nlerp(z0, z1, t):
    v = (1 - t) * z0 + t * z1
    return v / v.norm() * ((1 - t) * z0.norm() + t * z1.norm())


def test_dcgan_slerp():
    assert dcgan.check_slerp(my_slerp)
    assert dcgan.check_slerp(lambda z0, z1, t: slerp(z0, z1, 5)[round(t * 4)] if t in (0, .25, .5, 1)
                             else my_slerp(z0, z1, t))
    for wrong in (lambda z0, z1, t: (1 - t) * z0 + t * z1,                       # lerp
                  _nlerp,                                                        # normalized lerp
                  lambda z0, z1, t: my_slerp(z0, z1, 1 - t),                     # t reversed
                  lambda z0, z1, t: (math.sin((1 - t) * 1.0) * z0 + math.sin(t) * z1) / math.sin(1.0)):
        _rejects(dcgan.check_slerp, wrong)


def test_dcgan_small_checks():
    assert dcgan.check_conv_transpose_size(14)
    _rejects(dcgan.check_conv_transpose_size, 13)                                 # output_padding forgotten
    assert dcgan.check_orthogonal_midpoint(50 ** 0.5)
    _rejects(dcgan.check_orthogonal_midpoint, 10.0)
    from gan_lab.models import DCGANDiscriminator, count_parameters
    assert dcgan.check_parameter_count(count_parameters(DCGANDiscriminator(batch_norm=False)))
    _rejects(dcgan.check_parameter_count, count_parameters(DCGANDiscriminator()))
