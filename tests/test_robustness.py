"""Wrong and extreme inputs: every public function is right or raises a clear error (issue #14).

One test per message; the end-to-end test runs a diverged generator through
``metrics.evaluate`` in a subprocess and checks that it ends with a Python exception, not a
dead process.
"""

import math
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import torch

from gan_lab import checkpoint, conditional, config, data, latent, metrics, models, theory, validate
from gan_lab.checkpoint import CheckpointError

g = torch.Generator().manual_seed(0)
REAL = torch.randn(60, 4, generator=g, dtype=torch.float64)
FAKE = torch.randn(60, 4, generator=g, dtype=torch.float64) + 0.5


def with_value(x, index, value):
    y = x.clone()
    y[index] = value
    return y


# -- metrics ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("metric", [
    metrics.fid,
    lambda r, f: metrics.kid(r, f, subsets=2, subset_size=20),
    metrics.precision_recall,
    metrics.mmd2_unbiased,
])
def test_non_finite_features_are_refused(metric, bad):
    with pytest.raises(ValueError, match=r"fake features has .* the generator diverged: its samples contain NaN"):
        metric(REAL, with_value(FAKE, (3, 1), bad))


def test_overflowing_features_are_refused_before_lapack():
    with pytest.raises(ValueError, match=r"fake features reach 2.94e\+200.*overflows float64 beyond about 1e\+50"):
        metrics.fid(REAL, FAKE * 1e200)
    # finite features whose covariance product overflows, given directly as statistics
    big = torch.eye(4, dtype=torch.float64) * 1e200
    with pytest.raises(ValueError, match="Σ₁Σ₂ has .* too large to multiply"):
        metrics.frechet_distance(torch.zeros(4), big, torch.zeros(4), big)
    with pytest.raises(ValueError, match="first Gaussian covariance has 1 NaN"):
        metrics.frechet_distance(torch.zeros(4), with_value(big, (0, 0), float("nan")), torch.zeros(4), big)


@pytest.mark.parametrize("metric", [metrics.fid, metrics.precision_recall,
                                    lambda r, f: metrics.kid(r, f, subsets=2, subset_size=20)])
def test_feature_widths_must_match(metric):
    with pytest.raises(ValueError, match=r"differ in width: 4 vs 5 .*same feature network"):
        metric(REAL, torch.randn(60, 5))


def test_frechet_distance_shapes():
    with pytest.raises(ValueError, match=r"need a mean \(d,\) and a covariance \(d, d\)"):
        metrics.frechet_distance(torch.zeros(3), torch.eye(4), torch.zeros(3), torch.eye(3))
    with pytest.raises(ValueError, match="differ in dimension: 3 vs 4"):
        metrics.frechet_distance(torch.zeros(3), torch.eye(3), torch.zeros(4), torch.eye(4))


def test_kid_needs_two_samples_per_subset():
    with pytest.raises(ValueError, match="subset_size must be ≥ 2, got 1"):
        metrics.kid(REAL, FAKE, subsets=2, subset_size=1)
    with pytest.raises(ValueError, match=r"real features must be \(n >= 2, d\)"):
        metrics.kid(REAL[:1], FAKE, subsets=2, subset_size=10)
    with pytest.raises(ValueError, match="subsets must be ≥ 1, got 0"):
        metrics.kid(REAL, FAKE, subsets=0)


def test_inception_score_refuses_logits():
    logits = torch.randn(100, 10, generator=g)
    with pytest.raises(ValueError, match=r"not probabilities.*Logits\? Apply torch.softmax"):
        metrics.inception_score(logits)
    with pytest.raises(ValueError, match="not probabilities"):
        metrics.inception_score(logits.exp())          # positive, but rows do not sum to 1
    with pytest.raises(ValueError, match="not probabilities"):
        metrics.class_coverage(logits)
    with pytest.raises(ValueError, match="probs has 1 NaN"):
        metrics.inception_score(with_value(torch.softmax(logits, 1), (0, 0), float("nan")))


@pytest.mark.parametrize("n,splits,message", [
    (5, 10, r"5 samples for 10 splits.*splits=5"),
    (25, 10, r"25 samples for 10 splits.*multiple of 10 samples \(e.g. 20\), or splits=5"),
    (20, 0, "splits must be ≥ 1, got 0"),
])
def test_inception_score_needs_equal_splits(n, splits, message):
    probs = torch.softmax(torch.randn(n, 10, generator=g), 1)
    with pytest.raises(ValueError, match=message):
        metrics.inception_score(probs, splits=splits)


def test_inception_score_std_agrees_with_torch_fidelity():
    from torch_fidelity.metric_isc import isc_features_to_metric

    logits = torch.randn(200, 10, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * 3
    for splits in (1, 4, 10):
        ref = isc_features_to_metric(logits, splits=splits, shuffle=False)
        mean, std = metrics.inception_score(torch.softmax(logits, 1), splits=splits)
        assert mean == pytest.approx(ref["inception_score_mean"], rel=1e-10)
        assert std == pytest.approx(ref["inception_score_std"], rel=1e-8, abs=1e-12)


def test_precision_recall_needs_more_points_than_k():
    with pytest.raises(ValueError, match=r"real features must be \(n >= 4, d\)"):
        metrics.precision_recall(REAL[:3], FAKE)
    with pytest.raises(ValueError, match=r"features must be \(n >= 6, d\)"):
        metrics.kth_neighbour_radii(REAL[:5], k=5)
    with pytest.raises(ValueError, match="k must be ≥ 1, got 0"):
        metrics.precision_recall(REAL, FAKE, k=0)


def test_mode_coverage_checks_its_inputs():
    means = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="samples are 3-dimensional but the means 2-dimensional"):
        metrics.mode_coverage(torch.zeros(5, 3), means, 0.1)
    with pytest.raises(ValueError, match="std must be a positive finite number"):
        metrics.mode_coverage(torch.zeros(5, 2), means, 0.0)


def test_evaluate_of_a_nan_generator_fails_in_python_not_in_lapack():
    """End to end in a fresh process: a generator whose output is NaN, through the shipped
    classifier and metrics.evaluate. Before the fix the process died of SIGSEGV (rc -11)."""
    code = textwrap.dedent("""
        import torch
        from gan_lab import metrics, models
        from gan_lab.features import extract, load_classifier
        from gan_lab.latent import generate

        G = models.MLPGenerator(latent_dim=8, hidden=(16,))
        with torch.no_grad():
            G.net[-2].bias.fill_(float("nan"))      # a diverged generator: every pixel NaN
        classifier = load_classifier("mnist")
        real_feats, _ = extract(classifier, torch.rand(100, 1, 28, 28) * 2 - 1)
        fake_feats, fake_probs = extract(classifier, generate(G, 100))
        metrics.evaluate(real_feats, fake_feats, fake_probs, kid_subsets=2, kid_subset_size=50)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, (out.returncode, out.stderr[-2000:])
    assert "ValueError: fake features has" in out.stderr
    assert "the generator diverged: its samples contain NaN" in out.stderr


# -- models ------------------------------------------------------------------------------

@pytest.mark.parametrize("model,x,message", [
    (models.MLPGenerator(), torch.randn(2, 50), r"MLPGenerator expects noise z of shape \(B, 100\), got \(2, 50\)"),
    (models.MLPGenerator(), torch.randn(100), r"got \(100,\)"),
    (models.DCGANGenerator(width=8), torch.randn(2, 64), r"DCGANGenerator expects noise z of shape \(B, 100\), got \(2, 64\)"),
    (models.MLPDiscriminator(), torch.randn(2, 3, 32, 32),
     r"MLPDiscriminator expects a batch of shape \(B, 1, 28, 28\), got \(2, 3, 32, 32\).*3 channels"),
    (models.DCGANDiscriminator(width=8), torch.randn(2, 3, 28, 28),
     r"DCGANDiscriminator expects a batch of shape \(B, 1, 28, 28\), got \(2, 3, 28, 28\).*channels=3"),
    (models.DCGANDiscriminator(width=8), torch.randn(2, 1, 32, 32), r"got \(2, 1, 32, 32\)"),
    (models.DCGANDiscriminator(width=8), torch.randn(1, 28, 28), r"A single image\? Add the batch dimension"),
    (models.Classifier(width=4), torch.randn(2, 3, 28, 28), r"Classifier expects a batch of shape \(B, 1, 28, 28\)"),
])
def test_models_name_expected_and_given_shapes(model, x, message):
    with pytest.raises(ValueError, match=message):
        model(x)


def test_classifier_features_check_the_shape_too():
    with pytest.raises(ValueError, match=r"got \(2, 1, 32, 32\)"):
        models.Classifier(width=4).features(torch.randn(2, 1, 32, 32))


# -- checkpoints ---------------------------------------------------------------------------

def test_empty_checkpoint_file(tmp_path):
    (tmp_path / "empty.pt").touch()
    with pytest.raises(CheckpointError, match=r"not a readable checkpoint: the file is empty \(0 bytes\)"):
        checkpoint.load(tmp_path / "empty.pt")


def test_weights_that_do_not_fit_the_architecture(tmp_path):
    G = models.MLPGenerator(latent_dim=4, hidden=(8,))
    record = checkpoint.model_record(G)
    record["state"]["net.0.weight"] = torch.zeros(8, 5)
    del record["state"]["net.2.bias"]
    checkpoint.save({"generator": record}, tmp_path / "g.pt")
    message = (r"generator weights do not fit MLPGenerator\(.*\): missing: net.2.bias; "
               r"wrong shape: net.0.weight: file \(8, 5\) vs model \(8, 4\)")
    with pytest.raises(CheckpointError, match=message):
        checkpoint.load_generator(tmp_path / "g.pt")
    with pytest.raises(CheckpointError, match=message):
        checkpoint.load_model_state(models.MLPGenerator(latent_dim=4, hidden=(8,)), record, "generator")
    record = checkpoint.model_record(G)
    record["config"]["depth"] = 3
    checkpoint.save({"generator": record}, tmp_path / "g2.pt")
    with pytest.raises(CheckpointError, match="cannot be rebuilt as MLPGenerator.*depth"):
        checkpoint.load_generator(tmp_path / "g2.pt")
    checkpoint.save({"generator": {"class": "MLPGenerator"}}, tmp_path / "g3.pt")
    with pytest.raises(CheckpointError, match="generator is not a model record"):
        checkpoint.load_generator(tmp_path / "g3.pt")


def test_file_with_code_is_refused_for_safety(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("this would run on load",))

    path = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "x": Evil()}, path)
    with pytest.raises(CheckpointError) as err:
        checkpoint.load(path)
    message = str(err.value)
    assert "refused for safety" in message and "it asks to run print" in message
    assert "weights_only" not in message and "trusted source" not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__


# -- settings ------------------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch):
    for name in ("GAN_LAB_QUICK", "GAN_LAB_DATASET", "GAN_LAB_SPLIT", "GAN_LAB_DEVICE",
                 "GAN_LAB_SEED", "GAN_LAB_DATA"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("value", [str(2 ** 32), "-1", str(2 ** 40)])
def test_seed_out_of_range(clean_env, value):
    clean_env.setenv("GAN_LAB_SEED", value)
    with pytest.raises(ValueError, match=rf"GAN_LAB_SEED={value} is out of range.*between 0 and 2\*\*32 - 1"):
        config.load_settings()
    with pytest.raises(ValueError, match=rf"seed={value} is out of range"):
        config.seed_everything(int(value))


def test_seed_at_the_ends_of_the_range(clean_env):
    clean_env.setenv("GAN_LAB_SEED", str(2 ** 32 - 1))
    assert config.load_settings().seed == 2 ** 32 - 1


@pytest.mark.parametrize("value,message", [
    ("gpu", r"GAN_LAB_DEVICE='gpu' is not a PyTorch device name: an NVIDIA GPU is 'cuda'"),
    ("GPU", r"is not a PyTorch device name"),
    ("tpu", r"GAN_LAB_DEVICE='tpu' is not a device: use 'cpu'"),
    ("meta", r"the course runs on cpu, cuda, mps or xpu"),
])
def test_bad_device_names(clean_env, value, message):
    clean_env.setenv("GAN_LAB_DEVICE", value)
    with pytest.raises(ValueError, match=message):
        config.load_settings()


def test_device_names_ignore_case(clean_env):
    clean_env.setenv("GAN_LAB_DEVICE", "CPU")
    assert config.load_settings().device == torch.device("cpu")
    assert config.pick_device(" Cpu ") == torch.device("cpu")


def test_backend_the_machine_lacks(clean_env):
    if torch.backends.mps.is_available():
        pytest.skip("this machine has MPS")
    clean_env.setenv("GAN_LAB_DEVICE", "mps")
    with pytest.raises(ValueError, match=r"'mps' \(GAN_LAB_DEVICE\) was asked for but MPS .* is not available"):
        config.load_settings()


@pytest.mark.parametrize("spelling", ["fashion-mnist", "fashion_mnist", "FashionMNIST",
                                      "Fashion-MNIST", "fashion mnist", " FASHION_MNIST "])
def test_dataset_spellings_are_the_same_everywhere(clean_env, spelling):
    clean_env.setenv("GAN_LAB_DATASET", spelling)
    assert config.load_settings().dataset == "fashion-mnist"
    assert data._check_name(spelling, "Test") == ("fashion-mnist", "test")


def test_unknown_dataset_names_where_it_came_from(clean_env):
    clean_env.setenv("GAN_LAB_DATASET", "cifar-10")
    with pytest.raises(ValueError, match=r"Unknown dataset 'cifar-10' \(from GAN_LAB_DATASET\): "
                                         "it is not one of mnist, fashion-mnist"):
        config.load_settings()


# -- network -------------------------------------------------------------------------------

@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_download_from_a_silent_server_is_bounded(isolated_data, monkeypatch, silent_server):
    from torchvision import datasets

    monkeypatch.setattr(datasets.MNIST, "mirrors", [silent_server])
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT", 0.5)
    previous = socket.getdefaulttimeout()
    start = time.perf_counter()
    with pytest.raises(data.DatasetNotFoundError,
                       match=r"(?s)did not answer within 0.5 s.*connect to the internet"):
        data.load_dataset("mnist", "test", root=isolated_data / "none")
    assert time.perf_counter() - start < 10
    assert socket.getdefaulttimeout() == previous            # the process-wide default is restored
    raw = isolated_data / "cache" / "gan_lab" / "MNIST" / "raw"
    assert not raw.exists() or not any(p.is_file() for p in raw.iterdir())  # no half-written files


# -- latent paths and theory ------------------------------------------------------------------

def test_slerp_of_antipodal_endpoints_stays_on_the_sphere():
    z = torch.randn(16, generator=g, dtype=torch.float64)
    path = latent.slerp(z, -z, 9)
    assert torch.allclose(path.norm(dim=1), z.norm().expand(9), rtol=1e-12)
    assert torch.allclose(path[0], z) and torch.allclose(path[-1], -z)
    assert torch.allclose(path[4] @ z, torch.zeros((), dtype=torch.float64), atol=1e-10)  # halfway: orthogonal
    assert torch.equal(path, latent.slerp(z, -z, 9))            # deterministic


def test_slerp_zero_endpoint_and_bad_shapes():
    z = torch.randn(8, generator=g)
    with pytest.raises(ValueError, match="z1 is the zero vector.*Use lerp"):
        latent.slerp(z, torch.zeros(8), 3)
    with pytest.raises(ValueError, match=r"z0 and z1 differ in shape: \(8,\) vs \(9,\)"):
        latent.slerp(z, torch.randn(9), 3)
    with pytest.raises(ValueError, match=r"z0 must be one vector of shape \(d,\)"):
        latent.slerp(z[None], z[None], 3)
    with pytest.raises(ValueError, match="steps must be ≥ 2, got 1"):
        latent.lerp(z, z, 1)


def test_generate_checks_n_and_seed():
    G = models.MLPGenerator(latent_dim=4, hidden=(8,))
    with pytest.raises(ValueError, match="n must be ≥ 1, got 0"):
        latent.generate(G, 0)
    with pytest.raises(ValueError, match="seed=-1 is out of range"):
        latent.generate(G, 3, seed=-1)


def test_optimal_discriminator_in_far_tails_matches_the_logistic_closed_form():
    # p = N(0, 1), q = N(1, 1): log p - log q = 1/2 - x, so D* = σ(1/2 - x) exactly.
    x = torch.tensor([-60.0, -40.0, 0.0, 40.0, 60.0], dtype=torch.float64)
    log_p, log_q = -0.5 * x ** 2, -0.5 * (x - 1) ** 2       # the common constant cancels
    expected = torch.sigmoid(0.5 - x)
    got = theory.optimal_discriminator(log_p, log_q, log=True)
    assert torch.allclose(got, expected, rtol=1e-12, atol=0)
    assert got[-1].item() > 0                                  # 1.2e-26, not 0 or 1/2
    # densities given directly: right while they are representable (here down to 1e-300),
    # 1/2 only where both have rounded to 0
    x = torch.tensor([-36.0, 0.0, 36.0], dtype=torch.float64)
    p, q = torch.exp(-0.5 * x ** 2), torch.exp(-0.5 * (x - 1) ** 2)
    assert torch.allclose(theory.optimal_discriminator(p, q), torch.sigmoid(0.5 - x), rtol=1e-12)
    assert theory.optimal_discriminator(torch.zeros(1), torch.zeros(1)).item() == 0.5


def test_theory_functions_refuse_bad_densities():
    with pytest.raises(ValueError, match="p_data has negative values"):
        theory.optimal_discriminator(torch.tensor([-0.1, 1.0]), torch.tensor([1.0, 1.0]))
    with pytest.raises(ValueError, match="p_g has 1 NaN"):
        theory.optimal_discriminator(torch.tensor([0.1, 1.0]), torch.tensor([float("nan"), 1.0]))
    with pytest.raises(ValueError, match=r"p_data and p_g differ in shape: \(2,\) vs \(3,\)"):
        theory.optimal_discriminator(torch.ones(2), torch.ones(3))


# -- the validation helpers themselves ------------------------------------------------------------

def test_positive_int_refuses_bools_and_floats():
    assert validate.positive_int(3, "n") == 3
    with pytest.raises(ValueError, match="n must be a whole number ≥ 1, got 2.5"):
        validate.positive_int(2.5, "n")
    with pytest.raises(ValueError, match="got True"):
        validate.positive_int(True, "n")


# -- the rest of each class: corruptions, toy distributions, theory, batches -----------------------

def test_corruptions_check_their_inputs():
    from gan_lab import corrupt

    x = torch.zeros(10, 1, 4, 4)
    with pytest.raises(ValueError, match="No image has a label ≥ 10 .*leaves nothing to draw from"):
        corrupt.drop_classes(x, torch.arange(10), 10)
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        corrupt.drop_classes(x, torch.arange(9), 2)
    with pytest.raises(ValueError, match=r"blur expects a batch of shape \(B, C, H, W\), got \(1, 4, 4\)"):
        corrupt.blur(x[0], 1.0)
    with pytest.raises(ValueError, match="sigma must be a finite number ≥ 0"):
        corrupt.add_noise(x, -1.0)
    with pytest.raises(ValueError, match="sigma must be a finite number ≥ 0"):
        corrupt.blur(x, math.nan)


def test_toy_distributions_check_their_parameters():
    from gan_lab import toy

    with pytest.raises(ValueError, match="stds has 1 NaN and 0 infinite values among 1"):
        toy.gaussian_mixture_1d([0.0], math.nan)
    with pytest.raises(ValueError, match=r"means has 1 NaN .*index \(0, 0\)"):
        toy.gaussian_mixture_1d([math.nan], 1.0)
    with pytest.raises(ValueError, match="weights has 1 NaN"):
        toy.gaussian_mixture_1d([0.0, 1.0], 1.0, [math.nan, 1.0])
    with pytest.raises(ValueError, match=r"one std for all modes or one per mean \(2\), got 3"):
        toy.GaussianMixture([[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="n must be ≥ 1, got -1"):
        toy.ring().sample(-1)
    with pytest.raises(ValueError, match="batch_size must be a whole number ≥ 1, got 2.5"):
        toy.SampleSource(toy.ring(), 2.5)


def test_theory_checks_samples_grids_and_discriminator_outputs():
    with pytest.raises(ValueError, match="Scott's rule needs samples that are not all equal"):
        theory.gaussian_kde(torch.ones(5), torch.linspace(-1, 1, 3))
    with pytest.raises(ValueError, match="bandwidth must be a positive finite number, got 0.0"):
        theory.gaussian_kde(torch.randn(5), torch.linspace(-1, 1, 3), bandwidth=0.0)
    with pytest.raises(ValueError, match="Both samples need at least one value, got 0 and 3"):
        theory.wasserstein_1d(torch.tensor([]), torch.randn(3))
    with pytest.raises(ValueError, match="a has 1 NaN"):
        theory.wasserstein_1d(torch.tensor([math.nan, 1.0]), torch.randn(3))
    with pytest.raises(ValueError, match=r"the values and the grid x differ in shape: \(3,\) vs \(4,\)"):
        theory.integrate(torch.ones(3), torch.arange(4.0))
    with pytest.raises(ValueError, match=r"q and the grid x differ in shape"):
        theory.wasserstein_grid(torch.ones(3), torch.ones(4), torch.arange(3.0))
    with pytest.raises(ValueError, match=r"d must be probabilities D\(x\) in \[0, 1\] \(apply torch.sigmoid"):
        theory.value_function(torch.tensor([2.0, 0.5]), torch.ones(2), torch.ones(2), torch.arange(2.0))
    with pytest.raises(ValueError, match="d_real has 1 NaN"):
        theory.value_monte_carlo(torch.tensor([math.nan]), torch.tensor([0.5]))


def test_batches_and_names_elsewhere():
    from gan_lab import features, pretrained
    from gan_lab.data import BatchSource

    with pytest.raises(ValueError, match="batch_size must be a whole number ≥ 1, got 2.5"):
        BatchSource(torch.zeros(10, 2), 2.5)
    with pytest.raises(ValueError, match="batch_size must be ≥ 1, got 0"):
        features.extract(models.Classifier(width=4), torch.zeros(3, 1, 28, 28), batch_size=0)
    with pytest.raises(ValueError, match="generate needs a generator with a latent_dim"):
        latent.generate(models.DCGANDiscriminator(width=4), 3)
    assert pretrained.load_pretrained("DCGAN_MNIST").config == pretrained.load_pretrained("dcgan-mnist").config
    assert features.load_classifier("Fashion_MNIST").config == features.load_classifier("fashion-mnist").config


def test_python_floats_are_read_as_float64():
    assert validate.tensor([0.1], "x").item() == 0.1           # not rounded through float32 first
    assert validate.finite_features([[0.1, 0.2], [0.3, 0.4]])[0, 0].item() == 0.1


# -- metrics: what is not a covariance, counts that do not match ------------------------------

def test_frechet_distance_refuses_what_is_not_a_covariance():
    mu = torch.zeros(2)
    with pytest.raises(ValueError, match=r"first Gaussian covariance is not a covariance matrix.*"
                                         r"smallest eigenvalue -1 .*gaussian_stats"):
        metrics.frechet_distance(mu, -torch.eye(2), mu, torch.eye(2))     # was 0.0
    with pytest.raises(ValueError, match=r"second Gaussian covariance .*asymmetry is 1"):
        metrics.frechet_distance(mu, torch.eye(2), mu, torch.tensor([[1.0, 1.0], [0.0, 1.0]]))
    # a covariance of fewer samples than dimensions is singular, and still accepted
    x = torch.randn(3, 8, generator=g, dtype=torch.float64)
    assert metrics.frechet_distance(*metrics.gaussian_stats(x), *metrics.gaussian_stats(x)) == pytest.approx(0, abs=1e-6)


def test_evaluate_checks_that_probs_and_features_describe_the_same_images():
    probs = torch.softmax(torch.randn(60, 10, generator=g), 1)
    with pytest.raises(ValueError, match="fake_probs has 40 rows but fake_features 60"):
        metrics.evaluate(REAL, FAKE, probs[:40], kid_subsets=2, kid_subset_size=20)
    with pytest.raises(ValueError, match=r"55 samples for 10 is_splits cannot be split equally.*is_splits=11"):
        metrics.evaluate(REAL[:55], FAKE[:55], probs[:55], kid_subsets=2, kid_subset_size=20)
    scores = metrics.evaluate(REAL[:55], FAKE[:55], probs[:55], kid_subsets=2, kid_subset_size=20, is_splits=11)
    assert scores["IS"] == pytest.approx(metrics.inception_score(probs[:55], 11)[0])


def test_polynomial_kernel_checks_its_features():
    with pytest.raises(ValueError, match=r"x features must be \(n >= 1, d\).*got shape \(5,\)"):
        metrics.polynomial_kernel(torch.randn(5), torch.randn(5))              # was IndexError
    with pytest.raises(ValueError, match="x and y features differ in width: 4 vs 5"):
        metrics.polynomial_kernel(REAL, torch.randn(3, 5))
    assert metrics.polynomial_kernel(REAL[:1], FAKE[:2]).shape == (1, 2)


def test_complex_features_are_refused():
    z = torch.randn(20, 3, dtype=torch.complex64)
    with pytest.raises(ValueError, match="real features must be real numbers, got a complex tensor"):
        metrics.fid(z, z)                                                       # was a number


# -- models: dtypes, sizes, feature methods, conditional models -----------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: models.MLPGenerator(latent_dim=4, hidden=(8,))(torch.randn(2, 4, dtype=torch.float64)),
     r"MLPGenerator expects noise z of dtype torch.float32 .* got torch.float64: convert them with x.to\(torch.float32\)"),
    (lambda: models.DCGANDiscriminator(width=4)(torch.zeros(2, 1, 28, 28, dtype=torch.float64)),
     r"DCGANDiscriminator expects images of dtype torch.float32 .*got torch.float64"),
    (lambda: models.Classifier(width=4)(torch.zeros(2, 1, 28, 28, dtype=torch.uint8)),
     r"got torch.uint8: convert them with x.float\(\) / 127.5 - 1"),
])
def test_models_refuse_inputs_of_another_dtype(call, message):
    with pytest.raises(ValueError, match=message):                          # was mat1/mat2 RuntimeError
        call()


def test_a_double_model_takes_double_inputs():
    G = models.MLPGenerator(latent_dim=4, hidden=(8,)).double()
    assert G(torch.randn(3, 4, dtype=torch.float64)).dtype == torch.float64


@pytest.mark.parametrize("model", [models.MLPDiscriminator(hidden=(8,)), models.DCGANDiscriminator(width=4)])
def test_discriminator_features_check_the_shape(model):
    with pytest.raises(ValueError, match=r"expects a batch of shape \(B, 1, 28, 28\), got \(2, 1, 32, 32\)"):
        model.features(torch.zeros(2, 1, 32, 32))                           # was a matmul error, or silent


@pytest.mark.parametrize("build,message", [
    (lambda: models.MLPGenerator(latent_dim=0), "latent_dim must be ≥ 1, got 0"),
    (lambda: models.MLPGenerator(latent_dim=2.5), "latent_dim must be a whole number ≥ 1, got 2.5"),
    (lambda: models.MLPGenerator(hidden=(-3,)), "every entry of hidden must be ≥ 1, got -3"),
    (lambda: models.MLPGenerator(out_shape=(0,)), "every entry of out_shape must be ≥ 1, got 0"),
    (lambda: models.MLPDiscriminator(in_shape=()), r"in_shape must hold at least one size"),
    (lambda: models.DCGANGenerator(width=0), "width must be ≥ 1, got 0"),
    (lambda: models.DCGANDiscriminator(channels=0), "channels must be ≥ 1, got 0"),
    (lambda: models.Classifier(n_classes=1), "n_classes must be ≥ 2, got 1"),
    (lambda: models.toy_pair(dim=0), "every entry of out_shape must be ≥ 1, got 0"),
    (lambda: conditional.ConditionalGenerator(embed_dim=-1), "embed_dim must be ≥ 1, got -1"),
    (lambda: conditional.ConditionalDiscriminator(n_classes=0), "n_classes must be ≥ 1, got 0"),
])
def test_model_sizes_must_be_whole_numbers_of_at_least_one(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_batch_norm_generator_in_training_needs_two_examples():
    G = models.DCGANGenerator(latent_dim=4, width=4)
    with pytest.raises(ValueError, match=r"DCGANGenerator is in training mode, where batch norm needs "
                                         r"at least 2 examples, got a batch of 1.*model.eval\(\)"):
        G(torch.randn(1, 4))
    assert G.eval()(torch.randn(1, 4)).shape == (1, 1, 28, 28)


@pytest.mark.parametrize("call,message", [
    (lambda G, D: G(torch.randn(2, 50), torch.tensor([0, 1])),
     r"ConditionalGenerator expects noise z of shape \(B, 8\), got \(2, 50\)"),
    (lambda G, D: G(torch.randn(8), torch.tensor([0])), r"ConditionalGenerator expects noise z of shape \(B, 8\), got \(8,\)"),
    (lambda G, D: G.forward_embedding(torch.randn(2, 8), torch.randn(2, 5)),
     r"e of shape \(2, 6\), got \(2, 5\): use G.embed\(y\)"),
    (lambda G, D: D(torch.randn(2, 3, 28, 28), torch.tensor([0, 1])),
     r"ConditionalDiscriminator expects a batch of shape \(B, 1, 28, 28\), got \(2, 3, 28, 28\).*3 channels"),
    (lambda G, D: D(torch.randn(2, 1, 32, 32), torch.tensor([0, 1])), r"got \(2, 1, 32, 32\)"),
    (lambda G, D: D(torch.randn(1, 28, 28), torch.tensor([0])), r"A single image\? Add the batch dimension"),
    (lambda G, D: G.embed(torch.tensor(3)), r"Expected class labels as int64 of shape \(B,\), got torch.int64 of shape \(\)"),
])
def test_conditional_models_name_expected_and_given_shapes(call, message):
    G = conditional.ConditionalGenerator(latent_dim=8, n_classes=3, embed_dim=6, width=4)
    D = conditional.ConditionalDiscriminator(n_classes=3, width=4, head="concat")
    with pytest.raises(ValueError, match=message):                  # were conv/matmul RuntimeErrors
        call(G, D)


def test_conditional_helpers_check_their_inputs():
    G = conditional.ConditionalGenerator(latent_dim=4, n_classes=3, width=4)
    with pytest.raises(ValueError, match="n_per_class must be ≥ 1, got 0"):
        conditional.generate_per_class(G, 0)
    with pytest.raises(ValueError, match="seed=-1 is out of range"):
        conditional.generate_per_class(G, 2, seed=-1)
    with pytest.raises(ValueError, match="generate_per_class needs a conditional generator.*latent.generate"):
        conditional.generate_per_class(models.DCGANGenerator(latent_dim=4, width=4), 2)
    with pytest.raises(ValueError, match="generate needs an unconditional generator.*generate_per_class"):
        latent.generate(G, 3)                                              # was a TypeError
    with pytest.raises(ValueError, match=r"predicted labels \(one per requested\) as int64 of shape \(2,\)"):
        conditional.agreement(torch.tensor([0, 1, 2]), torch.tensor([0, 1]), 2)
    with pytest.raises(ValueError, match=r"Requested labels must lie in 0..2, got 0..3"):
        conditional.agreement(torch.tensor([0, 1]), torch.tensor([0, 3]), 3)
    partial = conditional.agreement(torch.tensor([0, 1]), torch.tensor([0, 1]), 3)
    assert partial["overall"] == 1.0 and math.isnan(partial["per_class"][2])   # never requested: 0/0
    labels = torch.zeros(60, dtype=torch.long)
    with pytest.raises(ValueError, match="Class 1 has 0 real and 0 generated images"):
        conditional.fid_per_class(REAL, labels, FAKE, labels, 2)


# -- checkpoints: the discriminator and the rest of a training checkpoint -----------------------------

def _training_state(tmp_path):
    from gan_lab.data import BatchSource
    from gan_lab.train import Trainer

    source = BatchSource(torch.rand(16, 1, 28, 28) * 2 - 1, 4)
    t = Trainer(models.MLPGenerator(latent_dim=4, hidden=(8,)), models.MLPDiscriminator(hidden=(8,)), source)
    t.train(1, progress=False)
    return t.state_dict(), source


@pytest.mark.parametrize("damage,message", [
    (lambda s: s["discriminator"]["state"].__setitem__("net.1.weight", torch.zeros(8, 5)),
     r"discriminator weights do not fit MLPDiscriminator\(.*\): wrong shape: net.1.weight: file \(8, 5\) vs model \(8, 784\)"),
    (lambda s: s["discriminator"]["state"].pop("net.1.bias"), r"discriminator weights do not fit .*missing: net.1.bias"),
    (lambda s: s["discriminator"]["config"].__setitem__("depth", 3), "discriminator cannot be rebuilt as MLPDiscriminator"),
    (lambda s: s.pop("rng"), "is a damaged training checkpoint: it lacks rng"),
    (lambda s: s.__setitem__("opt_g", {"foo": 1}),
     r"the models loaded, but the rest of the training state .* is damaged: KeyError: 'param_groups'"),
])
def test_damaged_training_checkpoints_raise_checkpoint_errors(tmp_path, damage, message):
    from gan_lab.train import Trainer

    state, source = _training_state(tmp_path)
    damage(state)
    path = checkpoint.save(state, tmp_path / "t.pt")
    with pytest.raises(CheckpointError, match=message) as err:     # were raw RuntimeError, TypeError, KeyError
        Trainer.from_checkpoint(path, source)
    assert "Error(s) in loading state_dict" not in str(err.value)


def test_save_refusal_does_not_pass_on_pytorch_advice(tmp_path):
    with pytest.raises(CheckpointError) as err:
        checkpoint.save({"x": object()}, tmp_path / "u.pt")
    message = str(err.value)
    assert "would not load safely" in message and "it asks to run object" in message
    assert "weights_only" not in message and "trust" not in message


def test_bytes_that_are_not_a_pickle_are_corrupt_not_code(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"\x80\x02\xdc" + bytes(100))         # a pickle header, then no valid opcode
    with pytest.raises(CheckpointError, match=r"not a readable checkpoint \(truncated, corrupt.*Unsupported operand") as err:
        checkpoint.load(path)
    assert "refused for safety" not in str(err.value) and "weights_only" not in str(err.value)


# -- settings: devices given to the Trainer, the data folder ------------------------------------------

def test_devices_given_in_code_are_checked_like_the_environment_variable(clean_env):
    from gan_lab.data import BatchSource
    from gan_lab.train import Trainer

    assert config.pick_device(torch.device("cpu")) == torch.device("cpu")   # was AttributeError
    source = BatchSource(torch.zeros(8, 1, 28, 28), 4)
    make = lambda device: Trainer(models.MLPGenerator(latent_dim=4, hidden=(8,)),  # noqa: E731
                                  models.MLPDiscriminator(hidden=(8,)), source, device=device)
    with pytest.raises(ValueError, match=r"device='gpu' is not a PyTorch device name: an NVIDIA GPU is 'cuda'"):
        make("gpu")                                                          # was torch's RuntimeError
    if not torch.backends.mps.is_available():
        with pytest.raises(ValueError, match=r"'mps' \(device\) was asked for but MPS .* is not available"):
            make("mps")


def test_gan_lab_data_must_name_a_folder(clean_env, tmp_path):
    clean_env.setenv("GAN_LAB_DATA", str(tmp_path / "typo"))
    with pytest.raises(ValueError, match=r"GAN_LAB_DATA='.*typo' is not a folder on this machine"):
        config.load_settings()                                              # was accepted silently
    clean_env.setenv("GAN_LAB_DATA", str(tmp_path))
    assert config.load_settings().data_root == str(tmp_path)


# -- latent paths: endpoints whose norm underflows, plain lists ------------------------------------------

def test_slerp_of_a_tiny_endpoint_is_finite_and_keeps_the_norms():
    z0 = torch.randn(8, generator=g, dtype=torch.float64) * 1e-200      # |z0|² underflows to 0
    z1 = torch.randn(8, generator=g, dtype=torch.float64)
    path = latent.slerp(z0, z1, 5)                                        # was NaN
    assert torch.isfinite(path).all()
    norms = path.norm(dim=1)
    assert norms[-1] == pytest.approx(z1.norm().item()) and norms[1] < norms[2] < norms[3]


def test_lerp_and_slerp_accept_lists():
    assert latent.lerp([1.0, 0.0], [0.0, 1.0], 3)[1].tolist() == [0.5, 0.5]    # was AttributeError
    mid = latent.slerp([1.0, 0.0], [0.0, 1.0], 3)[1]
    assert mid.dtype == torch.float64 and torch.allclose(mid, torch.tensor([0.5, 0.5], dtype=torch.float64).sqrt())


# -- theory: NaN, logits and mismatched grids elsewhere ------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: theory.integrate(torch.tensor([1.0, math.nan, 1.0]), torch.arange(3.0)), "the values has 1 NaN"),
    (lambda: theory.value_function(torch.full((3,), 0.5), torch.tensor([1.0, math.nan, 1.0]), torch.ones(3), torch.arange(3.0)),
     "p_data has 1 NaN"),
    (lambda: theory.value_function(torch.full((2,), 0.5), torch.ones(3), torch.ones(3), torch.arange(3.0)),
     r"d and p_data differ in shape: \(2,\) vs \(3,\)"),
    (lambda: theory.value_monte_carlo(torch.tensor([3.0, -2.0]), torch.tensor([0.5])),
     r"d_real must be probabilities D\(x\) in \[0, 1\] \(apply torch.sigmoid"),
    (lambda: theory.wasserstein_grid(-torch.ones(3), torch.ones(3), torch.arange(3.0)), "p has negative values"),
    (lambda: theory.gaussian_kde(torch.randn(5), torch.tensor([0.0, math.nan])), "the grid x has 1 NaN"),
    (lambda: theory.bilinear_game(1.0, 1.0, 0.1, -1), "steps must be ≥ 0, got -1"),
    (lambda: theory.bilinear_game(1.0, 1.0, math.nan, 3), "lr must be a finite number, got nan"),
])
def test_theory_refuses_nan_logits_and_mismatched_grids(call, message):
    with pytest.raises(ValueError, match=message):     # were NaN, a plausible number, or RuntimeError
        call()


# -- the sweep: Trainer arguments, data sources, records, features, plots, explorer, tricks ------------

def _trainer(source=None, G=None, D=None, **kw):
    from gan_lab.data import BatchSource
    from gan_lab.train import Trainer

    source = source if source is not None else BatchSource(torch.rand(16, 1, 28, 28) * 2 - 1, 4)
    return Trainer(G or models.MLPGenerator(latent_dim=4, hidden=(8,)),
                   D or models.MLPDiscriminator(hidden=(8,)), source, **kw)


@pytest.mark.parametrize("options,message", [
    ({"lr": 0}, "lr must be a positive finite number, got 0"),           # was replaced by 2e-4 silently
    ({"lr_d": math.nan}, "lr_d must be a finite number, got nan"),
    ({"lr": "1e-3"}, "lr must be a number, got '1e-3'"),                   # was TypeError
    ({"betas": (0.5,)}, r"betas must be two numbers \(β1, β2\) in \[0, 1\), got \(0.5,\)"),  # was IndexError
    ({"betas": (1.5, 0.9)}, r"betas must be two numbers .*DCGAN uses \(0.5, 0.999\)"),
    ({"seed": -1}, "seed=-1 is out of range"),                                # was accepted
    ({"seed": 1.5}, "seed=1.5 is not an integer seed"),                       # was RuntimeError
    ({"n_fixed": -1}, "n_fixed must be ≥ 1, got -1"),                         # was RuntimeError
    ({"instance_noise": math.nan}, "instance_noise must be a finite number, got nan"),   # was accepted
    ({"historical_averaging": math.nan}, "historical_averaging must be a finite number, got nan"),
    ({"pack": 1.5}, "pack must be a whole number ≥ 1, got 1.5"),
])
def test_trainer_options_are_checked(options, message):
    with pytest.raises(ValueError, match=message):
        _trainer(**options)


def test_trainer_checks_what_it_trains_and_on_what():
    from gan_lab.data import BatchSource

    with pytest.raises(ValueError, match="Trainer needs a generator with a latent_dim attribute; MLPDiscriminator"):
        _trainer(G=models.MLPDiscriminator(hidden=(8,)))                      # was AttributeError
    with pytest.raises(ValueError, match=r"Trainer needs data with batch\(step\) .*got list: wrap .*BatchSource"):
        _trainer(source=[torch.zeros(4, 1, 28, 28)])                          # was AttributeError
    labelled = BatchSource(torch.zeros(16, 1, 28, 28), 4, labels=torch.zeros(16, dtype=torch.long))
    with pytest.raises(ValueError, match="The data has labels but the generator is unconditional"):
        _trainer(source=labelled).train(1, progress=False)                   # was TypeError
    G = conditional.ConditionalGenerator(latent_dim=4, n_classes=2, width=4)
    D = conditional.ConditionalDiscriminator(n_classes=2, width=4)
    with pytest.raises(ValueError, match="A conditional generator G.* needs data with labels"):
        _trainer(G=G, D=D).train(1, progress=False)                           # was TypeError


@pytest.mark.parametrize("fast", [True, False])
def test_data_of_another_shape_than_the_generator_makes(fast):
    from gan_lab.data import BatchSource

    t = _trainer(source=BatchSource(torch.zeros(16, 1, 32, 32), 4), fast=fast)
    with pytest.raises(ValueError, match=r"The real examples have shape \(1, 32, 32\) but the generator "
                                         r"makes \(1, 28, 28\).*out_shape"):
        t.train(1, progress=False)                                           # was torch.cat's RuntimeError


@pytest.mark.parametrize("call,message", [
    (lambda t: t.train(2.5, progress=False), "steps must be a whole number ≥ 0, got 2.5"),   # ran 3 steps
    (lambda t: t.train(epochs=math.nan, progress=False), "epochs must be a finite number, got nan"),
    (lambda t: t.train(max_seconds=-1, progress=False), "max_seconds must be a finite number ≥ 0, got -1"),
    (lambda t: t.train(3, snapshot_every=-1, progress=False), "snapshot_every must be ≥ 1, got -1"),  # ignored
    (lambda t: t.sample(-1), "n must be ≥ 1, got -1"),
])
def test_trainer_train_and_sample_arguments(call, message):
    t = _trainer()
    with pytest.raises(ValueError, match=message):
        call(t)
    assert t.step == 0                                                       # refused before any step


def test_fit_discriminator_and_recent_mean_arguments():
    from gan_lab import toy
    from gan_lab.train import fit_discriminator, recent_mean

    source = toy.SampleSource(toy.gaussian_mixture_1d([0.0], 1.0), 8)
    with pytest.raises(ValueError, match="steps must be ≥ 1, got -1"):     # was [] silently
        fit_discriminator(models.MLPDiscriminator((1,), (8,), 0), source, source, steps=-1, progress=False)
    with pytest.raises(ValueError, match="n must be ≥ 1, got 0"):           # was the mean of everything
        recent_mean({"a": [1.0, 2.0]}, 0)


def test_batch_source_arguments():
    from gan_lab.data import BatchSource

    with pytest.raises(ValueError, match=r"images must be a tensor \(N, ...\) with N ≥ 1 examples, got list"):
        BatchSource([[0.0, 1.0]] * 4, 2)                                   # was AttributeError
    with pytest.raises(ValueError, match=r"with N ≥ 1 examples, got \(0, 2\)"):
        BatchSource(torch.zeros(0, 2), 1)
    with pytest.raises(ValueError, match="seed=-1 is out of range"):
        BatchSource(torch.zeros(4, 2), 2, seed=-1)                          # was accepted
    with pytest.raises(ValueError, match="step must be ≥ 0, got -1"):
        BatchSource(torch.zeros(4, 2), 2).batch(-1)                         # was a batch of epoch -1


def test_records_check_their_inputs():
    from gan_lab import records

    with pytest.raises(ValueError, match="n must be ≥ 1, got -1"):
        records.random_subset(torch.zeros(10, 2), -1, 0)                    # was 9 images
    with pytest.raises(ValueError, match=r"queries and pool differ in image shape: \(4,\) vs \(5,\)"):
        records.nearest_distance(torch.zeros(3, 4), torch.zeros(5, 5))     # was cdist's RuntimeError
    with pytest.raises(ValueError, match=r"pool must be a batch \(N, ...\) of at least 1 example"):
        records.nearest_distance(torch.zeros(3, 4), torch.zeros(0, 4))     # was IndexError
    samples = torch.zeros(3, 1, 4, 4)
    samples[0, 0, 0, 0] = math.nan
    with pytest.raises(ValueError, match="samples hold NaN or infinite values: the generator diverged"):
        records.memorization(samples, torch.randn(20, 1, 4, 4), n_reference=10)   # was NaN medians
    with pytest.raises(ValueError, match=r"train_images must be a batch \(N, ...\) of at least 2"):
        records.memorization(torch.zeros(3, 1, 4, 4), torch.randn(1, 1, 4, 4))    # was inf and nan


def test_features_check_their_inputs():
    from gan_lab import features

    c = models.Classifier(width=4)
    with pytest.raises(ValueError, match=r"images must have pixels in \[-1, 1\].*from 255 to 255.*x / 127.5 - 1"):
        features.extract(c, torch.full((2, 1, 28, 28), 255.0))             # was plausible features
    with pytest.raises(ValueError, match=r"Classifier expects a batch of shape \(B, 1, 28, 28\)"):
        features.extract(c, torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        features.accuracy(c, torch.zeros(4, 1, 28, 28), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="epochs must be ≥ 1, got 0"):      # was IndexError
        features.train_classifier(c, torch.zeros(8, 1, 28, 28), torch.zeros(8, dtype=torch.long), epochs=0)
    with pytest.raises(ValueError, match=r"labels must lie in 0..9 \(the model's n_classes\), got 10..10"):
        features.train_classifier(c, torch.zeros(8, 1, 28, 28), torch.full((8,), 10), progress=False)


def test_plots_check_their_inputs():
    import matplotlib

    matplotlib.use("Agg")
    from gan_lab import plots

    with pytest.raises(ValueError, match="nrow must be ≥ 1, got 0"):        # was ZeroDivisionError
        plots.image_grid(torch.zeros(4, 1, 28, 28), nrow=0)
    with pytest.raises(ValueError, match=r"Expected images of shape \(N, C, H, W\) with N ≥ 1, got \(0, 1, 28, 28\)"):
        plots.show_images(torch.zeros(0, 1, 28, 28))
    with pytest.raises(ValueError, match="window must be ≥ 1, got 0"):      # was a window of 1
        plots.moving_average([1.0, 2.0, 3.0], 0)
    with pytest.raises(ValueError, match="moving_average needs a non-empty list.*train for a few steps"):
        plots.plot_history({key: [] for key in ("step", "loss_d", "loss_g", "d_real", "d_fake")})
    with pytest.raises(ValueError, match="No snapshots to show"):
        plots.plot_snapshots([])


def test_explorer_checks_its_inputs():
    from gan_lab import explorer

    G = models.MLPGenerator(latent_dim=4, hidden=(8,))
    with pytest.raises(ValueError, match="Unknown path 'spherial'.*linear, spherical"):
        explorer.interpolation_images(G, 0, 1, mode="spherial")              # was KeyError
    with pytest.raises(ValueError, match="k must be ≥ 1, got 0"):            # k=0 gave every direction
        explorer.principal_directions(G, k=0)
    with pytest.raises(ValueError, match=r"k=5 directions cannot be independent in a 4-dimensional latent space"):
        explorer.principal_directions(G, k=5)
    with pytest.raises(ValueError, match="n must be ≥ 3, got 1"):            # was NaN directions
        explorer.principal_directions(G, k=2, n=1)
    with torch.no_grad():
        G.net[0].bias.fill_(math.nan)
    with pytest.raises(ValueError, match="the generator's early features has .* NaN.*the generator diverged"):
        explorer.principal_directions(G, k=2, n=50)                          # was LinAlgError from eigh


def test_stabilization_tricks_check_their_inputs():
    from gan_lab import losses, stabilize
    from gan_lab.stabilize import HistoricalAverage, MinibatchDiscrimination

    D = models.MLPDiscriminator(hidden=(8,))
    with pytest.raises(ValueError, match="r1_gamma must be a finite number, got nan"):   # was a NaN penalty
        stabilize.r1_penalty(D, torch.zeros(2, 1, 28, 28), math.nan)
    with pytest.raises(ValueError, match="historical_averaging must be a finite number, got nan"):
        HistoricalAverage(torch.optim.Adam(D.parameters()), math.nan)
    with pytest.raises(ValueError, match="n_kernels must be ≥ 1, got 0"):    # was a layer adding nothing
        MinibatchDiscrimination(8, 0)
    with pytest.raises(ValueError, match=r"pair each real example with one fake: got 4 real and 3 fake"):
        losses.gradient_penalty(D, torch.zeros(4, 1, 28, 28), torch.zeros(3, 1, 28, 28))   # was RuntimeError


def test_every_route_to_lapack_fails_in_python_not_in_the_process():
    """In a fresh process, so that a crash in LAPACK shows as a dead process, not a dead test
    run: huge and infinite features into fid, a NaN covariance into frechet_distance, a NaN
    generator into explorer.principal_directions (eigh) and records.generator_record."""
    code = textwrap.dedent("""
        import torch
        from gan_lab import explorer, metrics, models, records

        x = torch.randn(50, 8, dtype=torch.float64)
        nan_cov = torch.eye(8, dtype=torch.float64)
        nan_cov[0, 0] = float("nan")
        G = models.MLPGenerator(latent_dim=4, hidden=(8,))
        with torch.no_grad():
            G.net[0].bias.fill_(float("nan"))
        images = torch.rand(400, 1, 28, 28) * 2 - 1
        calls = {
            "fid huge": lambda: metrics.fid(x, x * 1e200),
            "fid inf": lambda: metrics.fid(x, x / 0.0),
            "frechet NaN": lambda: metrics.frechet_distance(x[0], nan_cov, x[0], nan_cov),
            "principal_directions NaN": lambda: explorer.principal_directions(G, k=2, n=50),
            "generator_record NaN": lambda: records.generator_record(
                G, "mnist", images[:200], n=100, test_images=images[200:400], kid_subsets=2),
        }
        for name, call in calls.items():
            try:
                call()
                print(name, "returned")
            except ValueError as err:
                print(name, "ValueError:", str(err)[:60])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    lines = out.stdout.splitlines()
    assert len(lines) == 5 and all("ValueError:" in line for line in lines), out.stdout
