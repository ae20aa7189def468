import gzip
import shutil

import pytest
import torch

from gan_lab import data
from gan_lab.data import (BatchSource, CorruptDatasetError, DatasetNotFoundError,
                          find_files, load_dataset)

# Published class counts of the two test splits (MNIST: LeCun et al.; Fashion-MNIST: 1000 each).
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _check_images(ds, n):
    assert ds.images.shape == (n, 1, 28, 28)
    assert ds.images.dtype == torch.float32
    assert ds.images.min() == -1.0 and ds.images.max() == 1.0
    assert ds.labels.shape == (n,) and ds.labels.dtype == torch.int64
    # pixel values are k/127.5 - 1 for integer k: check the scaling round-trips
    k = (ds.images[:50] + 1) * 127.5
    assert torch.allclose(k, k.round(), atol=1e-4)


def test_mnist_test_split(real_data):
    ds = real_data("mnist", "test")
    _check_images(ds, 10_000)
    assert ds.labels.bincount().tolist() == MNIST_TEST_COUNTS
    # Digits are dark background with bright strokes: most pixels are background (-1).
    assert (ds.images == -1).float().mean() > 0.7


@pytest.mark.parametrize("split,n", [("train", 60_000), ("test", 10_000)])
def test_fashion_mnist(split, n, real_data):
    ds = real_data("fashion-mnist", split)
    _check_images(ds, n)
    assert ds.labels.bincount().tolist() == [n // 10] * 10
    assert ds.classes[9] == "Ankle boot"


def test_name_aliases_and_errors():
    assert data._check_name("Fashion_MNIST", "test") == ("fashion-mnist", "test")
    with pytest.raises(ValueError, match="Unknown dataset 'cifar10'.*mnist, fashion-mnist"):
        load_dataset("cifar10", "test")
    with pytest.raises(ValueError, match="Unknown split 'valid'"):
        load_dataset("mnist", "valid")


def test_missing_dataset_lists_every_place_searched(isolated_data):
    root = isolated_data / "nothing-here"
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("mnist", "train", root=root, download=False)
    msg = str(err.value)
    assert str(root.resolve() / "MNIST" / "raw") in msg
    assert str(isolated_data / "cache" / "gan_lab") in msg
    assert "GAN_LAB_DATA" in msg and "download=False" in msg


def test_failed_download_is_reported_not_raised_raw(isolated_data, monkeypatch):
    def no_network(name, split):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: no network")

    monkeypatch.setattr(data, "_download", no_network)
    with pytest.raises(DatasetNotFoundError, match="download failed: Error downloading"):
        load_dataset("mnist", "train", root=isolated_data)


@pytest.fixture(scope="module")
def mnist_test_files(real_data):
    """The real MNIST test files, located before a test isolates the search path."""
    return find_files("mnist", "test", root=real_data("mnist", "test").folder)


def _copy_mnist_test(dst, files):
    src_images, src_labels = files
    folder = dst / "MNIST" / "raw"
    folder.mkdir(parents=True)
    shutil.copy(src_images, folder / src_images.name)
    shutil.copy(src_labels, folder / src_labels.name)
    return folder


def test_root_argument_comes_before_gan_lab_data(mnist_test_files, isolated_data, monkeypatch):
    folder = _copy_mnist_test(isolated_data / "mine", mnist_test_files)
    monkeypatch.setenv("GAN_LAB_DATA", str(isolated_data / "elsewhere"))
    assert load_dataset("mnist", "test", root=isolated_data / "mine", download=False).folder == folder
    monkeypatch.setenv("GAN_LAB_DATA", str(isolated_data / "mine"))
    assert load_dataset("mnist", "test", download=False).folder == folder


def test_uncompressed_files_are_read_too(mnist_test_files, isolated_data):
    folder = _copy_mnist_test(isolated_data, mnist_test_files)
    for gz in folder.glob("*.gz"):
        gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    ds = load_dataset("mnist", "test", root=isolated_data, download=False)
    assert ds.labels.bincount().tolist() == MNIST_TEST_COUNTS


def _corrupt(isolated_data, files, fn):
    folder = _copy_mnist_test(isolated_data, files)
    images = folder / "t10k-images-idx3-ubyte.gz"
    raw = gzip.decompress(images.read_bytes())
    images.write_bytes(fn(raw))
    return folder


@pytest.mark.parametrize("damage,message", [
    (lambda raw: gzip.compress(raw)[:-5000], "Cannot read"),            # truncated download
    (lambda raw: b"<html>404 Not Found</html>", "Cannot read"),         # not gzip at all
    (lambda raw: gzip.compress(raw[:-784]), "truncated or padded"),     # one image missing
    (lambda raw: gzip.compress(b"\x00\x00\x08\x01" + raw[4:]), "not an IDX file"),  # labels magic
    (lambda raw: gzip.compress(raw[:4] + (9999).to_bytes(4, "big") + raw[8:]), "shape"),
])
def test_corrupt_files_raise_clear_errors(mnist_test_files, isolated_data, damage, message):
    _corrupt(isolated_data, mnist_test_files, damage)
    with pytest.raises(CorruptDatasetError, match=message):
        load_dataset("mnist", "test", root=isolated_data, download=False)


def test_batch_source_visits_each_image_once_per_epoch():
    x = torch.arange(100.0).reshape(100, 1)
    src = BatchSource(x, batch_size=10, seed=3)
    epoch0 = torch.cat([src.batch(t) for t in range(10)]).flatten()
    epoch1 = torch.cat([src.batch(t) for t in range(10, 20)]).flatten()
    assert sorted(epoch0.tolist()) == list(range(100))
    assert sorted(epoch1.tolist()) == list(range(100))
    assert not torch.equal(epoch0, epoch1)  # reshuffled


def test_batch_source_is_seeded_and_resumable():
    x = torch.randn(50, 3)
    a, b = BatchSource(x, 8, seed=1), BatchSource(x, 8, seed=1)
    stream = a.stream()
    first = [next(stream) for _ in range(20)]
    resumed = b.stream(start=13)
    for t in range(13, 20):
        assert torch.equal(first[t], next(resumed))
    assert not torch.equal(BatchSource(x, 8, seed=2).batch(0), first[0])


def test_batch_source_rejects_bad_sizes():
    with pytest.raises(ValueError, match="batch_size must be ≥ 1, got 0"):
        BatchSource(torch.zeros(5, 1), 0)
    with pytest.raises(ValueError, match="between 1 and 5"):
        BatchSource(torch.zeros(5, 1), 6)


def test_folders_are_printed_relative_to_what_the_reader_has(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_LAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data.describe_folder(tmp_path / "data" / "MNIST" / "raw") == "$GAN_LAB_DATA/MNIST/raw"
    assert data.describe_folder(tmp_path / "data") == "$GAN_LAB_DATA"
    assert data.describe_folder(data.cache_dir() / "MNIST") == "$XDG_CACHE_HOME/gan_lab/MNIST"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data.describe_folder(data.cache_dir()) == "~/.cache/gan_lab"
    assert data.describe_folder(data.DEBIAN_FASHION_MNIST) == str(data.DEBIAN_FASHION_MNIST)
