"""The render pipeline: validate, prepare once, write each requested format atomically."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import InvalidLetterError
from ..fileio import write_atomic
from ..problems import Severity
from ..validate import check_letter_file
from ..workspace import find_root
from .prepare import Prepared, prepare

FORMATS = ("docx", "html", "txt", "pdf")
DEFAULT_FORMATS = ("docx", "html", "txt")


def prepare_letter(path: Path, cwd: Path, today: dt.date) -> Prepared:
    """Validate a letter and its roster; refuse with every error if they do not validate."""
    letter, roster, problems = check_letter_file(path, cwd, today, warnings=False)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or letter is None:
        raise InvalidLetterError(errors or problems)
    return prepare(letter, roster)


def render_bytes(doc: Prepared, fmt: str, templates: Path | None, width: int | None = None
                 ) -> bytes:
    """One output format as bytes; heavy libraries are imported only for their format."""
    if fmt == "txt":
        from .text import render_text

        return render_text(doc, templates, width).encode("utf-8")
    if fmt == "html":
        from .html import render_html

        return render_html(doc, templates).encode("utf-8")
    if fmt == "pdf":
        from .html import render_pdf

        return render_pdf(doc, templates)
    if fmt == "docx":
        from .docx import render_docx

        reference = templates / "reference.docx" if templates else None
        return render_docx(doc, reference if reference and reference.is_file() else None)
    raise ValueError(f"unknown format {fmt}")


def render_letter(path: Path, formats: tuple[str, ...], out_dir: Path, cwd: Path,
                  today: dt.date, width: int | None = None) -> list[Path]:
    """Render a letter to `out_dir/<slug>.<ext>` for each format; returns the files written."""
    doc = prepare_letter(path, cwd, today)
    root = find_root(path.parent) or path.parent.parent
    templates = root / "templates"
    written = []
    outputs = {fmt: render_bytes(doc, fmt, templates, width) for fmt in dict.fromkeys(formats)}
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt, data in outputs.items():
        target = out_dir / f"{doc.slug}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    return written
