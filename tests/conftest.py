"""Shared fixtures: the example workspace copied into tmp_path, and a pinned 'today'."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SLUG = "china-forced-repatriation-2023"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Byte-for-byte copies of the seed letters the examples were built from, kept in the checkout
# so that no test depends on a folder beside it.
SEEDS = FIXTURES / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 24)
# The one switch for the slow tests (marked `slow`): they run only with UNDERSIGNED_SLOW=1, as
# .ci/run sets it; the default run stays under a minute on two cores.
SLOW = os.environ.get("UNDERSIGNED_SLOW") == "1"


def pytest_collection_modifyitems(config, items):
    if SLOW:
        return
    skip = pytest.mark.skip(reason="slow: set UNDERSIGNED_SLOW=1 to run it (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens", action="store_true", default=False,
        help="rewrite the golden files under tests/golden/ from this run's output (then review "
             "the git diff); the one switch every golden-file test obeys")


@pytest.fixture
def golden(request):
    """Compare an output with its golden file under tests/golden/; `--update-goldens` rewrites it.

    `golden("validate/every-rule.txt", actual)` - the one golden-file mechanism of the suite.
    """
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
        assert path.is_file(), f"no golden file tests/golden/{name}; run pytest --update-goldens"
        expected = path.read_bytes().decode("utf-8")
        assert actual == expected, (
            f"output differs from tests/golden/{name}; if the change is intended, rerun with "
            "`python -m pytest --update-goldens` and review the diff")

    return check


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
