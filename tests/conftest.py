"""Shared fixtures: the example workspace copied into tmp_path, and a pinned 'today'."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
EXAMPLE_SLUG = "china-forced-repatriation-2023"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A copy of the repository's example workspace; the current directory is its root."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("letters", "signatories", "templates", "schema"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Commands see a fixed 'today' so date rules are deterministic."""
    import undersigned.cli

    monkeypatch.setattr(undersigned.cli, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def no_proxies(monkeypatch):
    """Requests go to the local test server or a mock transport, never through a proxy."""
    from .localserver import PROXY_VARIABLES

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that counts its hits (tests/localserver.py)."""
    from .localserver import LocalServer

    with LocalServer() as srv:
        yield srv
