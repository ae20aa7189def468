"""Shared fixtures.

Real data comes through ONE fixture, ``real_data``: it loads a split the way the course does
(``gan_lab.load_dataset``: ``$GAN_LAB_DATA``, the cache folder, Debian's Fashion-MNIST, and
then a download into the cache folder). Every other test keeps off the network: downloads
are switched off or faked.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from gan_lab.data import DatasetNotFoundError, ImageDataset, load_dataset


# Hypothesis explores new random examples on every local run; in CI it is derandomized so that
# a green commit stays green (a failure it found locally is fixed, not left to chance).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
    settings.load_profile("ci")


def unavailable(reason: str) -> None:
    """Skip a test whose prerequisite is missing; in CI (``CI=true``), where .ci/run
    provides every prerequisite, fail instead so that nothing is skipped silently."""
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(name="unavailable")
def unavailable_fixture():
    """:func:`unavailable` for test modules (which should not import conftest)."""
    return unavailable


@pytest.fixture(scope="session")
def real_data():
    """``real_data(name, split)`` -> the whole split as an ``ImageDataset``, found or downloaded.

    Call it before a test isolates the search path (``isolated_data``), e.g. from a
    module-scoped fixture. When the split can be neither found nor downloaded the test is
    skipped (failed in CI) with the loader's message: every folder searched and how to
    provide the files.
    """
    def load(name: str, split: str) -> ImageDataset:
        try:
            return load_dataset(name, split)
        except DatasetNotFoundError as err:
            unavailable(f"this test needs the real {name} {split} split, which could not be "
                        f"found or downloaded.\n{err}")
    return load


@pytest.fixture
def isolated_data(monkeypatch, tmp_path):
    """No GAN_LAB_DATA and an empty cache folder, so only explicit roots are searched."""
    monkeypatch.delenv("GAN_LAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path
