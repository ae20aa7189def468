import math

import numpy as np
import pytest
import torch

from gan_lab import metrics


def spd(d, seed):
    """A random symmetric positive definite matrix."""
    a = torch.randn(d, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return a @ a.T / d + 0.1 * torch.eye(d, dtype=torch.float64)


def test_gaussian_stats_match_numpy():
    x = torch.randn(200, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mu, sigma = metrics.gaussian_stats(x)
    np.testing.assert_allclose(mu.numpy(), x.numpy().mean(0), rtol=1e-12)
    np.testing.assert_allclose(sigma.numpy(), np.cov(x.numpy(), rowvar=False), rtol=1e-12)


def test_fid_of_1d_gaussians_is_closed_form():
    for m1, s1, m2, s2 in [(0.0, 1.0, 1.0, 1.0), (0.5, 2.0, -1.0, 0.3), (3.0, 0.1, 3.0, 0.1)]:
        t = lambda v: torch.tensor(v, dtype=torch.float64)
        got = metrics.frechet_distance(t([m1]), t([[s1 ** 2]]), t([m2]), t([[s2 ** 2]]))
        assert got == pytest.approx((m1 - m2) ** 2 + (s1 - s2) ** 2, rel=1e-9, abs=1e-12)


def test_fid_with_diagonal_covariances_is_closed_form():
    g = torch.Generator().manual_seed(1)
    mu1, mu2 = torch.randn(20, generator=g, dtype=torch.float64), torch.randn(20, generator=g, dtype=torch.float64)
    sd1, sd2 = torch.rand(20, generator=g, dtype=torch.float64) + 0.1, torch.rand(20, generator=g, dtype=torch.float64) + 0.1
    expected = ((mu1 - mu2) ** 2).sum() + ((sd1 - sd2) ** 2).sum()
    got = metrics.frechet_distance(mu1, torch.diag(sd1 ** 2), mu2, torch.diag(sd2 ** 2))
    assert got == pytest.approx(expected.item(), rel=1e-9)


def test_fid_agrees_with_pytorch_fid():
    from pytorch_fid.fid_score import calculate_frechet_distance

    for d, seed in [(8, 0), (64, 1), (128, 2)]:
        mu1 = torch.randn(d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        mu2 = mu1 + 0.3
        s1, s2 = spd(d, seed), spd(d, seed + 100)
        assert not torch.allclose(s1 @ s2, (s1 @ s2).T)  # the product really is not symmetric
        reference = calculate_frechet_distance(mu1.numpy(), s1.numpy(), mu2.numpy(), s2.numpy())
        assert metrics.frechet_distance(mu1, s1, mu2, s2) == pytest.approx(reference, rel=1e-6)


def test_fid_from_features_is_zero_for_identical_sets_and_symmetric():
    x = torch.randn(500, 16, generator=torch.Generator().manual_seed(3))
    y = torch.randn(500, 16, generator=torch.Generator().manual_seed(4)) * 1.5 + 0.2
    assert abs(metrics.fid(x, x)) < 1e-8
    assert metrics.fid(x, y) == pytest.approx(metrics.fid(y, x), rel=1e-9)
    assert metrics.fid(x, y) > 1.0


def test_mmd_and_kid_agree_with_torch_fidelity():
    from torch_fidelity.metric_kid import kernel_mmd, kid_features_to_metric

    g = torch.Generator().manual_seed(5)
    x = torch.randn(300, 32, generator=g, dtype=torch.float64)
    y = torch.randn(300, 32, generator=g, dtype=torch.float64) * 1.2 + 0.1
    reference = kernel_mmd(x.numpy(), y.numpy(), kid_degree=3, kid_gamma=None, kid_coef0=1)
    assert metrics.mmd2_unbiased(x, y) == pytest.approx(float(reference), rel=1e-6)
    # With subsets as large as the sets, any subset choice is a permutation: same number.
    out = kid_features_to_metric(x, y, kid_subsets=3, kid_subset_size=300, verbose=False)
    mean, std = metrics.kid(x, y, subsets=3, subset_size=300)
    assert mean == pytest.approx(out["kernel_inception_distance_mean"], rel=1e-6)
    assert std == pytest.approx(out["kernel_inception_distance_std"], abs=1e-12)


def test_kid_is_unbiased_near_zero_for_same_distribution():
    g = torch.Generator().manual_seed(6)
    x, y = torch.randn(2000, 8, generator=g), torch.randn(2000, 8, generator=g)
    mean, std = metrics.kid(x, y, subsets=20, subset_size=500)
    assert abs(mean) < 3 * std + 1e-3
    far, _ = metrics.kid(x, y + 1.0, subsets=20, subset_size=500)
    assert far > 10 * std


def test_inception_score_bounds():
    k = 10
    confident_even = torch.eye(k).repeat(100, 1)              # each class equally, with certainty
    assert metrics.inception_score(confident_even, splits=5)[0] == pytest.approx(k, rel=1e-9)
    one_class = torch.zeros(1000, k)
    one_class[:, 3] = 1
    assert metrics.inception_score(one_class)[0] == pytest.approx(1.0)
    uncertain = torch.full((1000, k), 1 / k)
    assert metrics.inception_score(uncertain)[0] == pytest.approx(1.0)


def test_inception_score_matches_brute_force():
    p = torch.softmax(torch.randn(60, 4, generator=torch.Generator().manual_seed(7)) * 2, 1).double().numpy()
    splits = 3
    scores = []
    for part in np.array_split(p, splits):
        py = part.mean(0)
        scores.append(math.exp(np.mean([sum(pi * math.log(pi / qi) for pi, qi in zip(row, py)) for row in part])))
    mean, std = metrics.inception_score(torch.tensor(p), splits=splits)
    assert mean == pytest.approx(np.mean(scores), rel=1e-10)
    assert std == pytest.approx(np.std(scores), rel=1e-9)   # population std (ddof=0), as torch-fidelity


def brute_precision_recall(real, fake, k):
    def radius(points, i):
        d = sorted(float(np.linalg.norm(points[i] - points[j])) for j in range(len(points)) if j != i)
        return d[k - 1]

    def inside(points, centres):
        r = [radius(centres, i) for i in range(len(centres))]
        return np.mean([any(np.linalg.norm(p - c) <= ri for c, ri in zip(centres, r)) for p in points])

    return inside(fake, real), inside(real, fake)


def test_precision_recall_matches_brute_force():
    g = torch.Generator().manual_seed(8)
    real = torch.randn(40, 3, generator=g, dtype=torch.float64)
    fake = torch.randn(30, 3, generator=g, dtype=torch.float64) * 0.5 + 0.7
    expected = brute_precision_recall(real.numpy(), fake.numpy(), 3)
    assert metrics.precision_recall(real, fake, k=3) == pytest.approx(expected)


def test_precision_recall_extremes():
    x = torch.randn(100, 4, generator=torch.Generator().manual_seed(9))
    assert metrics.precision_recall(x, x) == (1.0, 1.0)
    assert metrics.precision_recall(x, x + 100) == (0.0, 0.0)
    # a generator that reproduces one real point: perfect precision, almost no recall
    p, r = metrics.precision_recall(x, x[:1].repeat(50, 1))
    assert p == 1.0 and r < 0.1


def test_mode_coverage_on_hand_made_samples():
    means = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    std = 0.1
    all_modes = means.repeat(25, 1) + 0.05
    out = metrics.mode_coverage(all_modes, means, std)
    assert out == {"modes": 4.0, "high_quality": 1.0, "reverse_kl": pytest.approx(0.0, abs=1e-12),
                   "histogram": [25, 25, 25, 25]}
    one_mode = means[:1].repeat(100, 1)
    out = metrics.mode_coverage(one_mode, means, std)
    assert out["modes"] == 1.0 and out["reverse_kl"] == pytest.approx(math.log(4))
    between = torch.tensor([[5.0, 5.0]] * 10)   # assigned somewhere, but far from every mode
    out = metrics.mode_coverage(between, means, std)
    assert out["modes"] == 0.0 and out["high_quality"] == 0.0
    edge = torch.tensor([[0.29, 0.0], [10.31, 0.0]])  # just inside / just outside 3 std
    assert metrics.mode_coverage(edge, means, std)["high_quality"] == 0.5
    assert metrics.mode_coverage(between, means, std)["reverse_kl"] == math.inf


def test_mode_coverage_matches_a_loop_over_samples():
    """The PacGAN protocol written out sample by sample: the histogram counts high-quality
    samples only, so off-mode samples change the high-quality share but not the reverse KL."""
    means = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    std = 0.05
    g = torch.Generator().manual_seed(3)
    samples = torch.cat([means[torch.tensor([0] * 60 + [1] * 30 + [2] * 10)]
                         + 0.06 * torch.randn(100, 2, generator=g),
                         torch.tensor([[1.0, 1.0]] * 20)])          # 20 samples between modes
    counts, good = [0, 0, 0], 0
    for x in samples.tolist():
        d = [math.dist(x, m) for m in means.tolist()]
        k = d.index(min(d))
        if min(d) <= 3 * std:
            counts[k] += 1
            good += 1
    q = [c / sum(counts) for c in counts]
    expected_kl = sum(p * math.log(p * 3) for p in q if p > 0)
    out = metrics.mode_coverage(samples, means, std)
    assert out["histogram"] == counts and out["modes"] == sum(c > 0 for c in counts)
    assert out["high_quality"] == pytest.approx(good / len(samples))
    assert out["reverse_kl"] == pytest.approx(expected_kl, rel=1e-12)


def test_class_coverage():
    k = 10
    even = torch.eye(k).repeat(10, 1)
    out = metrics.class_coverage(even)
    assert out["kl_to_uniform"] == pytest.approx(0.0, abs=1e-12) and out["classes_seen"] == 10
    single = torch.zeros(50, k)
    single[:, 7] = 1
    out = metrics.class_coverage(single)
    assert out["kl_to_uniform"] == pytest.approx(math.log(k)) and out["classes_seen"] == 1
    assert out["histogram"][7] == 1.0


def test_bad_feature_shapes():
    with pytest.raises(ValueError, match="features must be"):
        metrics.fid(torch.zeros(1, 3), torch.zeros(5, 3))


def test_corruptions():
    from gan_lab import corrupt

    x = torch.rand(6, 1, 28, 28) * 2 - 1
    assert torch.equal(corrupt.add_noise(x, 0.0), x)
    noisy = corrupt.add_noise(x, 0.5)
    assert noisy.min() >= -1 and noisy.max() <= 1 and not torch.equal(noisy, x)
    # blurring a constant image leaves it unchanged; blurring a point spreads it, keeping its mass
    assert torch.allclose(corrupt.blur(torch.full((1, 1, 9, 9), 0.3), 1.0), torch.full((1, 1, 9, 9), 0.3))
    point = torch.zeros(1, 1, 21, 21)
    point[0, 0, 10, 10] = 1
    spread = corrupt.blur(point, 1.5)
    assert spread.sum().item() == pytest.approx(1.0, rel=1e-5) and spread.max() < 0.1
    # the kernel is the outer product of two 1D Gaussians: compare one entry
    g1 = torch.exp(-0.5 * (torch.arange(-5, 6.0) / 1.5) ** 2)
    g1 = g1 / g1.sum()
    assert spread[0, 0, 11, 12].item() == pytest.approx((g1[6] * g1[7]).item(), rel=1e-5)
    labels = torch.arange(10).repeat(3)
    dropped = corrupt.drop_classes(torch.arange(30.0).view(30, 1, 1, 1), labels, 4)
    assert len(dropped) == 30 and all(int(v) % 10 >= 4 for v in dropped.flatten())


def test_evaluate_collects_every_metric():
    g = torch.Generator().manual_seed(11)
    real, fake = torch.randn(300, 6, generator=g), torch.randn(300, 6, generator=g) + 0.5
    probs = torch.softmax(torch.randn(300, 10, generator=g), 1)
    out = metrics.evaluate(real, fake, probs, kid_subsets=5, kid_subset_size=100)
    assert out["FID"] == pytest.approx(metrics.fid(real, fake))
    assert (out["KID"], out["KID std"]) == pytest.approx(metrics.kid(real, fake, 5, 100))
    assert (out["precision"], out["recall"]) == metrics.precision_recall(real, fake)
    assert out["IS"] == pytest.approx(metrics.inception_score(probs)[0])
