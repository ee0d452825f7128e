"""The PDF's second process: WeasyPrint made ready while the letter is read, the same bytes."""

from __future__ import annotations

import os

import pytest

from undersigned.errors import InvalidLetterError
from undersigned.render import pdfworker, run
from undersigned.render.html import render_pdf

from .conftest import EXAMPLE_SLUG, TODAY

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
pytest.importorskip("weasyprint")


def _render(workspace, out: str, parallel: bool, formats=("pdf",)):
    letter = workspace / "letters" / f"{EXAMPLE_SLUG}.yaml"
    return run.render_letter(letter, formats, workspace / out, workspace, TODAY,
                             parallel=parallel)


@pytest.fixture
def workers(monkeypatch):
    """Every worker started, to look at afterwards, with what each printed."""
    started = []
    start, pdf = pdfworker.PdfWorker.start.__func__, pdfworker.PdfWorker.pdf

    def spy(cls):
        worker = start(cls)
        started.append(worker)
        return worker

    def printed(self, html):
        self.printed = pdf(self, html)
        return self.printed

    monkeypatch.setattr(pdfworker.PdfWorker, "start", classmethod(spy))
    monkeypatch.setattr(pdfworker.PdfWorker, "pdf", printed)
    return started


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("formats", [("pdf",), ("docx", "html", "txt", "pdf")])
def test_the_worker_prints_the_same_bytes(workspace, workers, formats):
    together = _render(workspace, "parallel", parallel=True, formats=formats)
    assert len(workers) == 1 and workers[0].done and gone(workers[0].pid)
    alone = _render(workspace, "sequential", parallel=False, formats=formats)
    assert len(workers) == 1  # none without parallel
    assert [p.name for p in together] == [p.name for p in alone]
    for a, b in zip(together, alone, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert together[-1].read_bytes().startswith(b"%PDF")
    assert workers[0].printed == together[-1].read_bytes()  # the worker's, not redone here


def test_a_worker_that_fails_leaves_the_work_to_this_process(workspace, workers, monkeypatch):
    def fail(html_fd, pdf_fd):
        os._exit(3)

    monkeypatch.setattr(pdfworker, "_child", fail)
    [pdf] = _render(workspace, "out", parallel=True)
    assert len(workers) == 1 and gone(workers[0].pid) and workers[0].printed is None
    [again] = _render(workspace, "again", parallel=False)
    assert pdf.read_bytes() == again.read_bytes()


def test_the_worker_is_ended_when_the_letter_does_not_validate(workspace, workers):
    letter = workspace / "letters" / f"{EXAMPLE_SLUG}.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1),
                      encoding="utf-8")
    with pytest.raises(InvalidLetterError):
        _render(workspace, "out", parallel=True)
    assert len(workers) == 1 and workers[0].done and gone(workers[0].pid)
    assert not hasattr(workers[0], "printed")  # ended without being asked to print
    assert not (workspace / "out").exists()


def test_the_worker_prints_what_render_pdf_prints():
    html = "<!DOCTYPE html><html lang='en'><title>t</title><p>Hello, 세계</p>"
    worker = pdfworker.PdfWorker.start()
    assert worker is not None
    assert worker.pdf(html) == render_pdf(html)
    assert worker.done and gone(worker.pid)
    assert worker.pdf(html) is None  # one letter each
