"""Shared fixtures. Tests never touch the network: downloads are switched off or faked."""

from __future__ import annotations

import pytest


@pytest.fixture
def isolated_data(monkeypatch, tmp_path):
    """No GAN_LAB_DATA and an empty cache folder, so only explicit roots are searched."""
    monkeypatch.delenv("GAN_LAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path
