import pytest
import torch

from gan_lab import config
from gan_lab.config import load_settings, seed_everything


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("GAN_LAB_QUICK", "GAN_LAB_DATASET", "GAN_LAB_SPLIT", "GAN_LAB_DEVICE",
                 "GAN_LAB_SEED", "GAN_LAB_DATA"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(clean_env):
    s = load_settings()
    assert (s.seed, s.quick, s.dataset, s.split, s.data_root) == (0, False, "mnist", "train", None)
    assert s.pick(full=100, quick=2) == 100


def test_environment_switches(clean_env):
    clean_env.setenv("GAN_LAB_QUICK", "1")
    clean_env.setenv("GAN_LAB_DATASET", "Fashion-MNIST")
    clean_env.setenv("GAN_LAB_SPLIT", "test")
    clean_env.setenv("GAN_LAB_SEED", "7")
    clean_env.setenv("GAN_LAB_DEVICE", "cpu")
    s = load_settings()
    assert (s.seed, s.quick, s.dataset, s.split) == (7, True, "fashion-mnist", "test")
    assert s.device == torch.device("cpu") and s.pick(full=100, quick=2) == 2
    assert "short" in s.describe() and "fashion-mnist/test" in s.describe()


def test_describe_names_the_data_variable_not_its_path(clean_env, tmp_path):
    clean_env.setenv("GAN_LAB_DATA", str(tmp_path))
    line = load_settings().describe()
    assert "from $GAN_LAB_DATA" in line and str(tmp_path) not in line


@pytest.mark.parametrize("name,value,message", [
    ("GAN_LAB_QUICK", "maybe", "is not a switch"),
    ("GAN_LAB_DATASET", "cifar10", "is not one of mnist, fashion-mnist"),
    ("GAN_LAB_SPLIT", "val", "is not one of train, test"),
    ("GAN_LAB_SEED", "abc", "is not an integer"),
])
def test_bad_settings_fail_early(clean_env, name, value, message):
    clean_env.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        load_settings()


def test_cuda_asked_without_cuda(clean_env):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match="CUDA is not available"):
        config.pick_device("cuda")


def _tiny_training_run(seed):
    """A few SGD steps of a small network on random data: every RNG the course uses."""
    seed_everything(seed)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                              torch.nn.Linear(16, 1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(20):
        x = torch.randn(32, 8)
        loss = net(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def test_seeded_run_repeats_bit_for_bit():
    a, b = _tiny_training_run(123), _tiny_training_run(123)
    assert torch.equal(a, b)
    assert not torch.equal(a, _tiny_training_run(124))
