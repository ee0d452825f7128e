"""The render pipeline: validate, prepare once, write each requested format atomically."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.validate import check_letter_file
from ..errors import InvalidLetterError
from ..fileio import WriteError, write_atomic
from ..gcpause import paused_gc
from ..problems import Severity
from ..workspace import find_root
from .prepare import Prepared

if TYPE_CHECKING:
    from .pdfworker import PdfWorker

FORMATS = ("docx", "html", "txt", "pdf")
DEFAULT_FORMATS = ("docx", "html", "txt")
PDF_ENGINES = ("weasyprint", "chromium")


def prepare_letter(path: Path, cwd: Path, today: dt.date) -> Prepared:
    """Validate a letter and its roster; refuse with every error if they do not validate."""
    return prepare_letters(path, cwd, today, None)[0][1]


def prepare_letters(path: Path, cwd: Path, today: dt.date, langs: tuple[str, ...] | None = None
                    ) -> list[tuple[str | None, Prepared]]:
    """Validate a letter, its roster and its translations once, and prepare it in each of
    `langs`: None its own language only, () every language it has (see `render.languages`)."""
    from ..format.translations.reading import load_translations
    from .languages import prepare_languages

    letter, roster, problems = check_letter_file(path, cwd, today, warnings=False)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or letter is None:
        raise InvalidLetterError(errors or problems)
    if langs is None:
        return prepare_languages(letter, roster, [], (letter.lang,))
    translations, _ = load_translations(letter, cwd)
    return prepare_languages(letter, roster, translations, langs or None)


def render_bytes(doc: Prepared, fmt: str, templates: Path | None, width: int | None = None,
                 pdf_engine: str = "weasyprint") -> bytes:
    """One output format as bytes; heavy libraries are imported only for their format.

    The PDF is laid out by WeasyPrint (notes at the foot of their page) or, with `pdf_engine`
    "chromium", printed by headless Chromium (faster; notes at the end, see render.chromium).
    """
    if fmt == "txt":
        from .text import render_text

        text = render_text(doc, templates, width)
        if doc.dir == "rtl":
            from .languages import mark_rtl_lines

            text = mark_rtl_lines(text)
        return text.encode("utf-8")
    if fmt == "html":
        from .html import render_html

        return render_html(doc, templates).encode("utf-8")
    if fmt == "pdf" and pdf_engine == "chromium":
        from .chromium import render_pdf_chromium
        from .html import render_html

        return render_pdf_chromium(render_html(doc, templates))
    if fmt == "pdf":
        from .html import render_pdf

        return render_pdf(doc, templates)
    if fmt == "docx":
        from .docx import render_docx
        from .docxpackage import CACHE_SUBDIR

        reference = templates / "reference.docx" if templates else None
        if reference is None or not reference.is_file():
            return render_docx(doc, None)
        # what is taken from the reference is kept in the workspace's cache, by its hash
        return render_docx(doc, reference, cache_dir=templates.parent / CACHE_SUBDIR)
    raise ValueError(f"unknown format {fmt}")


def render_letter(path: Path, formats: tuple[str, ...], out_dir: Path, cwd: Path,
                  today: dt.date, width: int | None = None, parallel: bool | None = None,
                  langs: tuple[str, ...] = (), pdf_engine: str = "weasyprint") -> list[Path]:
    """Render a letter to `out_dir/<slug>.<ext>` for each format, and each translation to
    `out_dir/<slug>.<lang>.<ext>`; returns the files written.

    `langs` chooses languages (default: the letter's and every translation's). The letter,
    its roster and translations are read and checked once for all of them. Nothing is written
    unless every format of every language renders. `parallel` (default: where it helps)
    renders the DOCX in a second process while this one writes the others, and has a third
    get WeasyPrint ready while the letter is read (render.pdfworker); the bytes are the same
    either way. `pdf_engine` chooses who prints the PDF (see `render_bytes`).
    """
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {pdf_engine}")
    formats = tuple(dict.fromkeys(formats))
    worker = None
    if "pdf" in formats and pdf_engine == "weasyprint" and (
            can_fork() if parallel is None else parallel):
        from .pdfworker import PdfWorker

        worker = PdfWorker.start()
    try:
        with paused_gc():
            docs = prepare_letters(path, cwd, today, tuple(langs))
        root = find_root(path.parent) or path.parent.parent
        templates = root / "templates"
        outputs: dict[str, bytes] = {}
        for lang, doc in docs:
            stem = doc.slug if lang is None else f"{doc.slug}.{lang}"
            for fmt, data in _render_formats(doc, formats, templates, width, parallel,
                                             pdf_engine, worker).items():
                outputs[f"{stem}.{fmt}"] = data
    finally:
        if worker is not None:
            worker.stop()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(out_dir, e) from None
    written = []
    for name, data in outputs.items():
        target = out_dir / name
        write_atomic(target, data)
        written.append(target)
    return written


def _render_formats(doc: Prepared, formats: tuple[str, ...], templates: Path, width: int | None,
                    parallel: bool | None, pdf_engine: str = "weasyprint",
                    worker: PdfWorker | None = None) -> dict[str, bytes]:
    """Every format of one prepared letter, as bytes, in the order asked; the PDF from
    `worker` if one is ready (it prints one letter), else here."""
    outputs: dict[str, bytes] = {}
    side = None
    try:
        # Tens of thousands of entries are built at once and then only read: the cycle
        # collector is paused meanwhile (see gcpause) — but not for the PDF, whose layout
        # engine makes cyclic garbage of its own.
        with paused_gc():
            if "docx" in formats and len(formats) > 1 and (
                    can_fork() if parallel is None else parallel):
                side = fork_call(lambda: render_bytes(doc, "docx", templates, width))
            for fmt in formats:
                if fmt != "pdf" and (fmt != "docx" or side is None):
                    outputs[fmt] = render_bytes(doc, fmt, templates, width)
        if "pdf" in formats:
            printed = None
            if worker is not None and not worker.done:
                html = outputs.get("html") or render_bytes(doc, "html", templates, width)
                printed = worker.pdf(html.decode("utf-8"))
            # what the worker printed, or (if it failed) the same work here, so that an
            # error is raised, and reported, exactly as without it
            outputs["pdf"] = printed if printed is not None else render_bytes(
                doc, "pdf", templates, width, pdf_engine)
    finally:
        data = side.result() if side is not None else None
    if "docx" in formats and "docx" not in outputs:
        # what the second process made, or (if it failed) the same work here, so that an
        # error is raised, and reported, exactly as without it
        outputs["docx"] = data if data is not None else render_bytes(doc, "docx", templates,
                                                                      width)
    return {fmt: outputs[fmt] for fmt in formats}


# --- a second process for the slowest format -------------------------------------------------
#
# The DOCX writer and the template engine each cost tens of milliseconds just to import, and
# on a large roster each takes a third of the run: on a machine with a second core they can
# run side by side. A forked child inherits the prepared letter as it is (nothing is pickled),
# sends back bytes through a pipe and leaves with os._exit (no atexit handler, no buffered
# output of the parent is written twice). If anything goes wrong in the child, the parent
# simply does the work itself.

def can_fork() -> bool:
    """Whether a forked second process is safe and useful here: Linux, a second core, and no
    other thread (a thread's locks would be copied into the child as they were)."""
    if not sys.platform.startswith("linux") or os.environ.get("UNDERSIGNED_PARALLEL") == "0":
        return False
    threading = sys.modules.get("threading")  # never imported: no thread was ever started
    if threading is not None and threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) > 1


class _Forked:
    """A running child process computing bytes; `result()` waits for them."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd

    def result(self) -> bytes | None:
        """The child's bytes, or None if it failed in any way."""
        try:
            with os.fdopen(self.fd, "rb") as pipe:
                data = pipe.read()
        except OSError:
            data = b""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        if os.waitstatus_to_exitcode(status) != 0 or not data.startswith(b"ok\n"):
            return None
        return data[3:]


def fork_call(work: Callable[[], bytes]) -> _Forked | None:
    """Start `work()` in a forked child process; None if no process could be started."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns into the caller's code
        code = 1
        try:
            os.close(read_fd)
            data = work()
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(b"ok\n")
                pipe.write(data)
            code = 0
        except BaseException:  # noqa: BLE001 - the parent redoes the work and reports it
            pass
        finally:
            os._exit(code)
    os.close(write_fd)
    return _Forked(pid, read_fd)
