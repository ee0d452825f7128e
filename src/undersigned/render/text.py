"""Plain-text output for an e-mail: blank-line paragraphs, [1] calls, notes at the end."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..format.bidi import ISOLATES, LTR
from ..format.inline import Span, Text
from .env import make_environment, render_template
from .prepare import NoteCall, Prepared

#: LEFT-TO-RIGHT, RIGHT-TO-LEFT and FIRST STRONG ISOLATE; POP DIRECTIONAL ISOLATE
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def inline_text(nodes: list) -> str:
    """Inline nodes as plain text: footnote calls as [n], links as their visible text, a run
    in the other direction (format/bidi.py) between an isolate of its direction and PDI."""
    out: list[str] = []
    for n in nodes:
        if isinstance(n, Text):
            out.append(n.text)
        elif isinstance(n, NoteCall):
            out.append(f"[{n.number}]")
        elif isinstance(n, Span):
            if n.kind in ISOLATES:
                out.append((LRI if n.kind == LTR else RLI) + inline_text(n.children) + PDI)
            else:
                out.append(inline_text(n.children))
    return "".join(out)


def isolates_per_line(lines: list[str]) -> list[str]:
    """Lines in which an isolate that wrapping cut in two is closed at the end of its first
    line and opened again on the next: each line of a text is a paragraph of its own to the
    bidi algorithm, and an isolate left open would run to its end."""
    out: list[str] = []
    carried = ""
    for line in lines:
        if not line:  # a paragraph ends: nothing is carried past it
            carried = ""
            out.append(line)
            continue
        if not carried and LRI not in line and RLI not in line and FSI not in line:
            out.append(line)  # most lines, and every line of most letters
            continue
        indent = len(line) - len(line.lstrip(" "))
        line = line[:indent] + carried + line[indent:]  # the indent stays outside
        opened: list[str] = []
        for ch in line:
            if ch in (LRI, RLI, FSI):
                opened.append(ch)
            elif ch == PDI and opened:
                opened.pop()
        carried = "".join(opened)
        out.append(line + PDI * len(opened))
    return out


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
    lines = isolates_per_line([line.rstrip() for line in text.splitlines()])
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
