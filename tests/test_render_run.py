"""The render pipeline: one prepared letter, the DOCX in a second process where that helps."""

from __future__ import annotations

import os
import sys

import pytest

from undersigned.errors import UndersignedError
from undersigned.render import run

from .conftest import EXAMPLE_SLUG, TODAY

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _render(workspace, out: str, parallel: bool, formats=run.DEFAULT_FORMATS):
    letter = workspace / "letters" / f"{EXAMPLE_SLUG}.yaml"
    return run.render_letter(letter, formats, workspace / out, workspace, TODAY,
                             parallel=parallel)


@needs_fork
def test_the_second_process_gives_the_same_bytes(workspace):
    together = _render(workspace, "parallel", parallel=True)
    alone = _render(workspace, "sequential", parallel=False)
    assert [p.name for p in together] == [p.name for p in alone] == [
        f"{EXAMPLE_SLUG}.docx", f"{EXAMPLE_SLUG}.html", f"{EXAMPLE_SLUG}.txt"]
    for a, b in zip(together, alone, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@needs_fork
def test_fork_call_returns_the_childs_bytes_or_none_when_it_fails():
    parent = os.getpid()
    ok = run.fork_call(lambda: str(os.getpid() != parent).encode() * 100_000)
    assert ok is not None and ok.result() == b"True" * 100_000  # more than a pipe buffer

    def fail() -> bytes:
        raise RuntimeError("boom")

    failed = run.fork_call(fail)
    assert failed is not None and failed.result() is None

    def exit_early() -> bytes:
        sys.exit(0)  # even a clean exit without bytes is a failure

    assert run.fork_call(exit_early).result() is None


@needs_fork
@pytest.mark.parametrize("parallel", [True, False])
def test_a_docx_error_is_reported_the_same_and_nothing_is_written(workspace, parallel):
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "reference.docx").write_bytes(b"not a zip")
    with pytest.raises(UndersignedError, match="cannot be read as a Word document"):
        _render(workspace, "out", parallel=parallel)
    assert not (workspace / "out").exists()


@needs_fork
def test_an_error_in_this_process_still_reaps_the_second_one(workspace, monkeypatch):
    started = []
    real_fork_call = run.fork_call

    def spy(work):
        child = real_fork_call(work)
        started.append(child)
        return child

    monkeypatch.setattr(run, "fork_call", spy)
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.txt.j2").write_text("{{ nope }}\n", encoding="utf-8")
    with pytest.raises(UndersignedError, match="undefined"):
        _render(workspace, "out", parallel=True)
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # already waited for: no zombie left behind
        os.waitpid(started[0].pid, os.WNOHANG)
    assert not (workspace / "out").exists()


def test_no_second_process_for_one_format_or_when_turned_off(workspace, monkeypatch):
    monkeypatch.setattr(run, "fork_call", lambda work: pytest.fail("forked"))
    _render(workspace, "one", parallel=None, formats=("docx",))
    _render(workspace, "off", parallel=False)
    monkeypatch.setenv("UNDERSIGNED_PARALLEL", "0")
    assert not run.can_fork()
    _render(workspace, "env", parallel=None)


def test_no_second_process_while_another_thread_runs(monkeypatch):
    import threading

    monkeypatch.setattr(run.sys, "platform", "linux")
    monkeypatch.setattr(run.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.delenv("UNDERSIGNED_PARALLEL", raising=False)
    assert run.can_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not run.can_fork()
    finally:
        stop.set()
        other.join()
    assert run.can_fork()
