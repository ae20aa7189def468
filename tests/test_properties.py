"""Property-based tests (Hypothesis) for the metrics, the latent paths and the theory
functions: random shapes, scales, degenerate and extreme values. Each property is either
an identity the formula must satisfy or a comparison with an independent computation; a
bad input must end in a ValueError, never a crash or a silent NaN."""

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gan_lab import latent, metrics, theory, toy

FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

finite_floats = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def feature_sets(draw, min_rows=2, max_rows=30, max_dim=5, same_rows=False):
    """Two float64 feature sets of one width, each scaled by 10^k, k in [-6, 6]; sometimes
    with repeated rows or constant columns (singular covariances)."""
    d = draw(st.integers(1, max_dim))
    n = draw(st.integers(min_rows, max_rows))
    m = n if same_rows else draw(st.integers(min_rows, max_rows))
    x = draw(arrays(np.float64, (n, d), elements=finite_floats))
    y = draw(arrays(np.float64, (m, d), elements=finite_floats))
    if draw(st.booleans()):
        y[:, 0] = y[0, 0]                      # a constant column: singular covariance
    if draw(st.booleans()):
        x[len(x) // 2:] = x[0]                 # repeated rows
    scale = 10.0 ** draw(st.integers(-6, 6))
    return torch.from_numpy(x * scale), torch.from_numpy(y * scale), scale


def poisoned(x: torch.Tensor, data) -> torch.Tensor:
    """``x`` with one entry replaced by NaN, +inf, -inf or a value that overflows the metrics."""
    y = x.clone()
    i = data.draw(st.integers(0, len(x) - 1))
    j = data.draw(st.integers(0, x.shape[1] - 1))
    y[i, j] = data.draw(st.sampled_from([math.nan, math.inf, -math.inf, 1e200, -1e300]))
    return y


# -- metrics ------------------------------------------------------------------------------

@FAST
@given(feature_sets())
def test_fid_is_a_finite_symmetric_nonnegative_number(sets):
    x, y, scale = sets
    fid = metrics.fid(x, y)
    assert math.isfinite(fid)
    tol = 1e-7 * scale ** 2 * (1 + x.abs().max().item() ** 2 / scale ** 2 + y.abs().max().item() ** 2 / scale ** 2) * x.shape[1]
    assert fid >= -tol
    assert fid == pytest.approx(metrics.fid(y, x), rel=1e-6, abs=tol)
    assert abs(metrics.fid(x, x)) <= tol


@FAST
@given(feature_sets(max_dim=1))
def test_fid_in_one_dimension_is_the_closed_form(sets):
    # one feature: d² = (m₁ - m₂)² + (s₁ - s₂)² with s the (n - 1) standard deviations
    x, y, scale = sets
    expected = (x.mean() - y.mean()) ** 2 + (x.std() - y.std()) ** 2
    tol = 1e-9 * (x.abs().max() ** 2 + y.abs().max() ** 2).item() + 1e-300
    assert metrics.fid(x, y) == pytest.approx(expected.item(), rel=1e-7, abs=tol)


@FAST
@given(feature_sets(), st.data())
def test_fid_kid_precision_recall_refuse_poisoned_features(sets, data):
    x, y, _ = sets
    bad = poisoned(y, data)
    for metric in (metrics.fid, metrics.mmd2_unbiased, lambda a, b: metrics.kid(a, b, 2, 10)):
        with pytest.raises(ValueError, match="fake features"):
            metric(x, bad)
    if min(len(x), len(y)) > 3:
        with pytest.raises(ValueError, match="fake features"):
            metrics.precision_recall(x, bad)


@FAST
@given(feature_sets(same_rows=True))
def test_mmd_agrees_with_torch_fidelity(sets):
    from torch_fidelity.metric_kid import kernel_mmd

    x, y, scale = sets
    reference = float(kernel_mmd(x.numpy(), y.numpy(), kid_kernel="poly", kid_degree=3,
                                 kid_gamma=None, kid_coef0=1))
    k_scale = (1 + max(x.abs().max().item(), y.abs().max().item()) ** 2) ** 3
    assert metrics.mmd2_unbiased(x, y) == pytest.approx(reference, rel=1e-6, abs=1e-9 * k_scale)


@st.composite
def class_probabilities(draw):
    """``(splits · per_split, K)`` probabilities: softmax of logits at temperature 10^k
    (k in [-2, 3]: from uniform to one-hot), sometimes with exactly one-hot rows."""
    splits, per, k = draw(st.integers(1, 6)), draw(st.integers(1, 8)), draw(st.integers(2, 8))
    logits = torch.from_numpy(draw(arrays(np.float64, (splits * per, k), elements=finite_floats)))
    p = torch.softmax(logits * 10.0 ** draw(st.integers(-2, 3)), 1)
    if draw(st.booleans()):
        p = torch.nn.functional.one_hot(p.argmax(1), k).double()
    return p, splits


@FAST
@given(class_probabilities())
def test_inception_score_bounds_and_torch_fidelity(case):
    from torch_fidelity.metric_isc import isc_features_to_metric

    p, splits = case
    mean, std = metrics.inception_score(p, splits)
    assert 1 - 1e-9 <= mean <= p.shape[1] + 1e-9 and std >= 0
    # torch-fidelity takes logits; log p are logits of p (log 0 = -inf gives probability 0,
    # but torch-fidelity's p·log p is then 0·(-inf) = NaN, so keep to positive p there)
    if (p > 0).all():
        ref = isc_features_to_metric(p.log(), splits=splits, shuffle=False)
        assert mean == pytest.approx(ref["inception_score_mean"], rel=1e-9)
        assert std == pytest.approx(ref["inception_score_std"], rel=1e-6, abs=1e-9)


@FAST
@given(class_probabilities(), st.data())
def test_inception_score_refuses_what_is_not_probabilities(case, data):
    p, splits = case
    kind = data.draw(st.sampled_from(["logits", "scaled", "nan", "uneven"]))
    if kind == "logits":
        bad = torch.log(p.clamp_min(1e-12)) - 1.0          # every entry negative
        match = "not probabilities"
    elif kind == "scaled":
        bad = p * data.draw(st.sampled_from([0.5, 2.0, 100.0]))
        match = "not probabilities"
    elif kind == "nan":
        bad = p.clone()
        bad[0, 0] = math.nan
        match = "NaN"
    else:
        assume(len(p) > 1)
        bad, match = p[:-1], "cannot be split equally" if splits > 1 else None
        if match is None:
            return
    with pytest.raises(ValueError, match=match):
        metrics.inception_score(bad, splits)


@FAST
@given(feature_sets(min_rows=4), st.integers(1, 3))
def test_precision_recall_bounds_and_symmetry(sets, k):
    x, y, _ = sets
    p, r = metrics.precision_recall(x, y, k)
    assert 0 <= p <= 1 and 0 <= r <= 1
    assert metrics.precision_recall(y, x, k) == (r, p)       # swapping the sets swaps the two
    assert metrics.precision_recall(x, x, k) == (1.0, 1.0)


@FAST
@given(st.integers(1, 3), st.integers(1, 3))
def test_precision_recall_with_too_few_points_says_so(n, k):
    assume(n <= k)
    with pytest.raises(ValueError, match=rf"must be \(n >= {k + 1}, d\)"):
        metrics.precision_recall(torch.randn(n, 2), torch.randn(10, 2), k)


# -- latent paths -----------------------------------------------------------------------------

def _angle(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Angle between rows of ``a`` and the vector ``b`` by the two-argument arctangent."""
    u = b / b.norm()
    along = a @ u
    return torch.atan2((a - along[:, None] * u).norm(dim=1), along)


@st.composite
def endpoints(draw):
    """Two nonzero vectors of norms 10^[-3, 3]: independent, antipodal, nearly antipodal,
    nearly parallel or identical in direction."""
    d = draw(st.integers(2, 12))
    z0 = torch.from_numpy(draw(arrays(np.float64, d, elements=finite_floats)))
    assume(z0.norm() > 1e-3)
    z0 = z0 / z0.norm() * 10.0 ** draw(st.floats(-3, 3))
    kind = draw(st.sampled_from(["random", "antipodal", "near-antipodal", "parallel", "near-parallel"]))
    c = 10.0 ** draw(st.floats(-3, 3))
    if kind == "random":
        z1 = torch.from_numpy(draw(arrays(np.float64, d, elements=finite_floats)))
        assume(z1.norm() > 1e-3)
    elif kind == "antipodal":
        z1 = -c * z0
    elif kind == "parallel":
        z1 = c * z0
    else:
        e = torch.zeros(d, dtype=torch.float64)
        e[draw(st.integers(0, d - 1))] = 1e-4 * z0.norm()
        z1 = c * ((-z0 if kind == "near-antipodal" else z0) + e)
    return z0, z1, kind


@FAST
@given(endpoints(), st.integers(2, 12))
def test_slerp_turns_at_constant_speed_with_linear_norm(ends, steps):
    z0, z1, kind = ends
    z1 = z1 / z1.norm() * z0.norm()  # equal norms: the norm stays constant (linear, trivially)
    path = latent.slerp(z0, z1, steps)
    t = torch.linspace(0, 1, steps, dtype=torch.float64)
    assert torch.isfinite(path).all()
    assert torch.equal(path[0], z0) and torch.equal(path[-1], z1)
    norms = (1 - t) * z0.norm() + t * z1.norm()
    assert torch.allclose(path.norm(dim=1), norms, rtol=1e-9)
    omega = _angle(z1[None], z0)[0]
    assert torch.allclose(_angle(path, z0), t * omega, atol=1e-6)
    if math.pi - omega > 1e-6:  # not antipodal (within slerp's 1e-6): the great circle through both
        basis = torch.linalg.qr(torch.stack([z0, z1], 1))[0]
        inside = path @ basis @ basis.T
        assert torch.allclose(inside, path, atol=1e-6 * path.norm(dim=1).max().item())


@FAST
@given(st.integers(1, 12), st.data())
def test_slerp_and_lerp_refuse_bad_endpoints(d, data):
    z = torch.randn(d, dtype=torch.float64) + 0.1
    which = data.draw(st.sampled_from(["zero", "nan", "shape"]))
    if which == "zero":
        args, match = (z, torch.zeros(d)), "zero vector"
    elif which == "nan":
        args, match = (z, torch.full((d,), math.nan)), "NaN"
    else:
        args, match = (z, torch.ones(d + 1)), "differ in shape"
    with pytest.raises(ValueError, match=match):
        latent.slerp(*args, 3)


# -- theory ----------------------------------------------------------------------------------

positive_or_zero = st.one_of(st.just(0.0), st.floats(1e-300, 1e300))


@FAST
@given(st.lists(st.tuples(positive_or_zero, positive_or_zero), min_size=1, max_size=20),
       st.floats(1e-100, 1e100))
def test_optimal_discriminator_identities(pairs, c):
    p = torch.tensor([a for a, _ in pairs], dtype=torch.float64)
    q = torch.tensor([b for _, b in pairs], dtype=torch.float64)
    d = theory.optimal_discriminator(p, q)
    assert ((0 <= d) & (d <= 1)).all()
    assert torch.allclose(d + theory.optimal_discriminator(q, p), torch.ones_like(d), rtol=1e-14)
    # invariant to scaling both densities, as long as both stay representable
    cp, cq = p * c, q * c
    ok = ((cp > 1e-290) | (p == 0)) & ((cq > 1e-290) | (q == 0)) & torch.isfinite(cp) & torch.isfinite(cq)
    if ok.any():
        assert torch.allclose(theory.optimal_discriminator(cp[ok], cq[ok]), d[ok], rtol=1e-12)


def _logistic(r: float) -> float:
    """σ(r) = 1 / (1 + e^-r), computed without overflow (Python floats, not torch)."""
    return 1 / (1 + math.exp(-r)) if r >= 0 else math.exp(r) / (1 + math.exp(r))


@FAST
@given(st.floats(-5, 5), st.floats(0.2, 5), st.floats(-5, 5), st.floats(0.2, 5),
       st.lists(st.floats(-1000, 1000), min_size=1, max_size=10))
def test_optimal_discriminator_of_two_gaussians_in_far_tails(m1, s1, m2, s2, xs):
    # D*(x) = σ(log N(x; m1, s1²) - log N(x; m2, s2²)) with the log ratio written out by hand
    x = torch.tensor(xs, dtype=torch.float64)
    log_p = toy.gaussian_mixture_1d([m1], s1).log_prob(x)
    log_q = toy.gaussian_mixture_1d([m2], s2).log_prob(x)
    got = theory.optimal_discriminator(log_p, log_q, log=True)
    for xi, g in zip(xs, got.tolist()):
        r = -(xi - m1) ** 2 / (2 * s1 ** 2) + (xi - m2) ** 2 / (2 * s2 ** 2) + math.log(s2 / s1)
        assert g == pytest.approx(_logistic(r), rel=1e-9 * (1 + abs(r)), abs=1e-300)


@FAST
@given(st.integers(2, 30), st.data())
def test_jsd_is_symmetric_and_between_0_and_log2(n, data):
    x = torch.linspace(0, 1, n, dtype=torch.float64)
    weights = st.one_of(st.just(0.0), st.floats(1e-200, 1e200))
    p = torch.tensor(data.draw(st.lists(weights, min_size=n, max_size=n)), dtype=torch.float64)
    q = torch.tensor(data.draw(st.lists(weights, min_size=n, max_size=n)), dtype=torch.float64)
    assume(theory.integrate(p, x) > 0 and theory.integrate(q, x) > 0)
    p, q = p / theory.integrate(p, x), q / theory.integrate(q, x)
    assume(torch.isfinite(p).all() and torch.isfinite(q).all())
    jsd = theory.js_divergence(p, q, x).item()
    assert -1e-12 <= jsd <= math.log(2) + 1e-12
    assert jsd == pytest.approx(theory.js_divergence(q, p, x).item(), rel=1e-9, abs=1e-15)
    bad = p.clone()
    bad[0] = -1.0
    with pytest.raises(ValueError, match="negative values"):
        theory.js_divergence(bad, q, x)


@st.composite
def endpoints_at_angle(draw):
    """z0, z1 of norms 10^[-3, 3] at an angle Ω drawn from [0.1, π - 0.1], built from an
    orthonormal pair (u, v) so that no input has to be filtered out."""
    d = draw(st.integers(2, 12))
    a = torch.from_numpy(draw(arrays(np.float64, d, elements=st.floats(-1, 1))))
    b = torch.from_numpy(draw(arrays(np.float64, d, elements=st.floats(-1, 1))))
    u = a + torch.eye(d, dtype=torch.float64)[0]           # never zero: shift by e_0 if a ≈ -e_0
    u = u / u.norm() if u.norm() > 1e-3 else torch.eye(d, dtype=torch.float64)[0]
    v = b - (b @ u) * u
    if v.norm() < 1e-3:                                     # b parallel to u: take any other axis
        e = torch.eye(d, dtype=torch.float64)[1 if abs(u[0]) > 0.5 else 0]
        v = e - (e @ u) * u
    v = v / v.norm()
    omega = draw(st.floats(0.1, math.pi - 0.1))
    r0, r1 = 10.0 ** draw(st.floats(-3, 3)), 10.0 ** draw(st.floats(-3, 3))
    return r0 * u, r1 * (math.cos(omega) * u + math.sin(omega) * v)


@FAST
@given(endpoints_at_angle(), st.integers(2, 12))
def test_slerp_is_the_classic_formula_away_from_degenerate_angles(ends, steps):
    """sin((1-t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1 with Ω from arccos, for Ω in [0.1, π - 0.1]."""
    z0, z1 = ends
    cos = (z0 @ z1 / (z0.norm() * z1.norm())).clamp(-1, 1).item()
    omega = math.acos(cos)
    t = torch.linspace(0, 1, steps, dtype=torch.float64)[:, None]
    classic = (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / math.sin(omega)
    scale = max(z0.norm().item(), z1.norm().item())
    assert torch.allclose(latent.slerp(z0, z1, steps), classic, atol=1e-9 * scale, rtol=1e-9)
