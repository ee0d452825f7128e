"""Inline markup of body text: footnote calls, emphasis, links, roster counts; parsed once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Text:
    text: str


@dataclass
class NoteRef:
    key: str


@dataclass
class Field:
    """A value filled in from the roster at render time: count:KIND or as_of."""

    name: str


@dataclass
class Span:
    """Emphasis (`em`), strong emphasis (`strong`) or a link (`link`, with `href`); in a
    formatted note also a run isolated in its writing direction (`ltr`, `rtl`: format/bidi.py)."""

    kind: str
    children: list = field(default_factory=list)
    href: str | None = None


FIELDS = ("count:organizations", "count:individuals", "count:all", "as_of")

_TOKEN = re.compile(
    r"""
    \\(?P<escape>[\\*\[\]{}_])              # \* \[ \{ \\ : a literal character
  | \[\^(?P<note>[^\]\s]+)\]                # [^key]
  | \{(?P<field>[a-z_]+(?::[a-z]+)?)\}      # {count:organizations} {as_of}
  | (?P<strong>\*\*)                        # **strong**
  | (?P<em>\*)                              # *em*
  | \[(?P<label>[^\]]*)\]\((?P<href>[^)\s]+)\)   # [text](url)
    """,
    re.VERBOSE,
)


def parse_inline(text: str) -> list:
    """Parse inline text into Text/NoteRef/Field/Span nodes.

    Unmatched `*` stays literal; an unknown `{name}` stays literal text (the validator warns).
    """
    root: list = []
    stack: list[tuple[str, list]] = [("root", root)]
    pos = 0
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1][1].append(Text("".join(buf)))
            buf.clear()

    for m in _TOKEN.finditer(text):
        buf.append(text[pos:m.start()])
        pos = m.end()
        if m.group("escape"):
            buf.append(m.group("escape"))
        elif m.group("note"):
            flush()
            stack[-1][1].append(NoteRef(m.group("note")))
        elif m.group("field"):
            name = m.group("field")
            if name in FIELDS:
                flush()
                stack[-1][1].append(Field(name))
            else:
                buf.append(m.group(0))
        elif m.group("label") is not None:
            flush()
            stack[-1][1].append(Span("link", parse_inline(m.group("label")), m.group("href")))
        else:
            marker = "strong" if m.group("strong") else "em"
            flush()
            if stack[-1][0] == marker:
                kind, children = stack.pop()
                stack[-1][1].append(Span(kind, children))
            else:
                stack.append((marker, []))
    buf.append(text[pos:])
    flush()
    # unclosed emphasis: give the markers back as literal text
    while len(stack) > 1:
        kind, children = stack.pop()
        stack[-1][1].append(Text("**" if kind == "strong" else "*"))
        stack[-1][1].extend(children)
    return _merge_text(root)


def _merge_text(nodes: list) -> list:
    out: list = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out


def note_refs(text: str) -> list[str]:
    """The footnote keys called in a text, in order (nested spans included)."""
    keys: list[str] = []

    def walk(nodes: list) -> None:
        for n in nodes:
            if isinstance(n, NoteRef):
                keys.append(n.key)
            elif isinstance(n, Span):
                walk(n.children)

    walk(parse_inline(text))
    return keys


def links(text: str) -> list[str]:
    """Every link target in a text."""
    out: list[str] = []

    def walk(nodes: list) -> None:
        for n in nodes:
            if isinstance(n, Span):
                if n.href:
                    out.append(n.href)
                walk(n.children)

    walk(parse_inline(text))
    return out


def node_text(n) -> str:
    """The text of one inline node: a span's is its children's; a call, a field or a break
    has none."""
    if isinstance(n, Text):
        return n.text
    if isinstance(n, Span):
        return "".join(node_text(c) for c in n.children)
    return ""


def plain_text(nodes: list, note_label=lambda key: "", field_value=lambda name: "") -> str:
    """Flatten parsed inline nodes to plain text; callers decide how notes and fields read."""
    parts: list[str] = []
    for n in nodes:
        if isinstance(n, Text):
            parts.append(n.text)
        elif isinstance(n, NoteRef):
            parts.append(note_label(n.key))
        elif isinstance(n, Field):
            parts.append(field_value(n.name))
        else:
            parts.append(plain_text(n.children, note_label, field_value))
    return "".join(parts)
