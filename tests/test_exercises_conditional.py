"""The exercise checks of notebooks 08 and 09 accept the right answers and reject wrong ones."""

import pytest
import torch

from gan_lab.exercises import conditional as ex8
from gan_lab.exercises import explorer as ex9
from gan_lab.explorer import latent


def test_notebook_08_checks():
    assert ex8.check_1(10 * 2 * 32 * 7 * 7)
    with pytest.raises(AssertionError, match="Hint"):
        ex8.check_1(10 * 32 * 7 * 7)
    assert ex8.check_2(torch.arange(10).repeat_interleave(6))
    for wrong in (torch.arange(10).repeat(6), torch.arange(10).repeat_interleave(6).float()):
        with pytest.raises(AssertionError):
            ex8.check_2(wrong)
    predicted, requested = torch.tensor([0, 1, 2, 2]), torch.tensor([0, 1, 1, 2])
    assert ex8.check_3(0.75, predicted, requested)
    with pytest.raises(AssertionError):
        ex8.check_3(0.5, predicted, requested)
    assert ex8.check_1(...) is False                                 # not attempted: no error


def test_notebook_09_checks():
    assert ex9.check_1(191)
    with pytest.raises(AssertionError):
        ex9.check_1(192)
    u = torch.nn.functional.normalize(torch.randn(4, 10), dim=1)
    assert ex9.check_2(latent(3, 10) + u[0] - 2 * u[2], u)
    with pytest.raises(AssertionError):
        ex9.check_2(latent(3, 10) + u[0] + 2 * u[2], u)
    assert ex9.check_3(0.4)
    with pytest.raises(AssertionError):
        ex9.check_3(6 / 16)
