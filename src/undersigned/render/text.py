"""Plain-text output for an e-mail: blank-line paragraphs, [1] calls, notes at the end."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..format.inline import Span, Text
from .env import make_environment, render_template
from .prepare import NoteCall, Prepared


def inline_text(nodes: list) -> str:
    """Inline nodes as plain text: footnote calls as [n], links as their visible text."""
    out: list[str] = []
    for n in nodes:
        if isinstance(n, Text):
            out.append(n.text)
        elif isinstance(n, NoteCall):
            out.append(f"[{n.number}]")
        elif isinstance(n, Span):
            out.append(inline_text(n.children))
    return "".join(out)


#: a name column wider than this is not aligned: each entry reads "name — title" instead
ALIGN_LIMIT = 40


def table_lines(entries: list, width: int | None = None) -> list[str]:
    """A table of signatories as text: one entry per line, titles aligned in a column when
    the names are short enough (and the line fits `width`), else "name — title"."""
    widest = max((len(e.name) for e in entries if e.title), default=0)
    longest = max((widest + 2 + len(e.title) for e in entries if e.title), default=0)
    aligned = widest <= ALIGN_LIMIT and (not width or longest <= width)
    out = []
    for e in entries:
        if not e.title:
            out.append(e.name)
        elif aligned:
            out.append(f"{e.name.ljust(widest)}  {e.title}")
        else:
            out.append(f"{e.name} — {e.title}")
    return out


def render_text(doc: Prepared, templates: Path | None = None, width: int | None = None) -> str:
    """Render the letter as text; `width` wraps paragraphs (default: one line per paragraph)."""

    def wrap(text: str, indent: str = "", hanging: str = "") -> str:
        if not width:
            return indent + text
        return textwrap.fill(text, width=width, initial_indent=indent,
                             subsequent_indent=hanging or indent,
                             break_long_words=False, break_on_hyphens=False)

    env = make_environment(templates, autoescape=False)
    env.filters["inline"] = inline_text
    env.filters["wrap"] = wrap
    env.globals["table_lines"] = lambda entries: table_lines(entries, width)
    text = render_template(env, "letter.txt.j2", doc=doc)
    # exactly one blank line between blocks, one newline at the end
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
