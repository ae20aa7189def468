"""Each check of notebook 07's exercises accepts a right answer and rejects wrong ones."""

import pytest
import torch

from gan_lab import metrics
from gan_lab.exercises import mode_collapse as ex


def count_modes_right(samples, means, std):
    return int(metrics.mode_coverage(samples, means, std)["modes"])


def count_modes_no_threshold(samples, means, std):      # every nearest mode counts
    return len(torch.cdist(samples, means).argmin(1).unique())


def count_modes_variance(samples, means, std):          # 3 σ² instead of 3 σ
    d, k = torch.cdist(samples, means).min(1)
    return len(k[d <= 3 * std ** 2].unique())


def stddev_right(h):
    s = h.std(0, unbiased=False).mean()
    return torch.cat([h, s.expand(len(h), 1)], 1)


def stddev_unbiased(h):
    s = h.std(0).mean()
    return torch.cat([h, s.expand(len(h), 1)], 1)


def stddev_wrong_axis(h):                                # std over features, per example
    return torch.cat([h, h.std(1, unbiased=False, keepdim=True)], 1)


def fm_right(f_real, f_fake):
    return (f_real.mean(0) - f_fake.mean(0)).pow(2).sum()


def fm_norm(f_real, f_fake):                             # the norm, not its square
    return (f_real.mean(0) - f_fake.mean(0)).norm()


def fm_per_example(f_real, f_fake):                      # mean of squared differences of pairs
    n = min(len(f_real), len(f_fake))
    return (f_real[:n] - f_fake[:n]).pow(2).sum(1).mean()


def stub(*args):
    ...


@pytest.mark.parametrize("check, right, wrongs", [
    (ex.check_count_modes, count_modes_right, [count_modes_no_threshold, count_modes_variance]),
    (ex.check_minibatch_stddev, stddev_right, [stddev_unbiased, stddev_wrong_axis]),
    (ex.check_feature_matching, fm_right, [fm_norm, fm_per_example]),
])
def test_checks_accept_right_and_reject_wrong(check, right, wrongs, capsys):
    assert check(right) is True
    for wrong in wrongs:
        with pytest.raises(AssertionError, match="Hint"):
            check(wrong)
    assert check(stub) is False
    assert "Not attempted" in capsys.readouterr().out
