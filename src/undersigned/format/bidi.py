"""Writing direction inside a note: runs of the other direction isolated, whole fields at a time.

A note in a right-to-left translation often cites an English source: the author, an
untranslated title, a document symbol, a pinpoint, an address. Left to the Unicode bidi
algorithm, the neutral characters at the edges of such a run take the note's direction and
move: "https://example.org/reports/" prints its final slash on the far side of the address,
"Example Aid Group Inc." its full stop before the name. The note is built of atoms (each field
of a citation, each free text, wrapped in an `ATOM` span while the note is assembled) and the
style's literal punctuation; `isolate_runs` wraps each stretch of atoms written in the other
direction, with the punctuation between them, in a `Span("ltr")` or `Span("rtl")`, which the
renderers write as `<bdi dir>`, LRI/RLI … PDI and DOCX runs of that direction. The punctuation
around a stretch (the delimiters, brackets and quotation marks of the style, the note's final
full stop) keeps the note's direction. A note with no letter of its own direction at all (an
English note left untranslated) is one isolate, its final full stop included.
"""

from __future__ import annotations

import unicodedata

from .inline import Span, Text, node_text

LTR, RTL = "ltr", "rtl"
#: the Span kinds of an isolate: its text is set in that direction
ISOLATES = (LTR, RTL)
#: a marker Span around one field or free text of a note while the note is assembled
ATOM = "atom"

# Brackets and quotation marks of the style's literal text: an isolate never holds one half
# of a pair (U+0022 and U+0027 open and close alike, and are left alone).
_OPENERS = "([{“‘«‹"
_CLOSERS = ")]}”’»›"
_PAIRS = dict(zip(_CLOSERS, _OPENERS, strict=True))
_MARKS = frozenset(_OPENERS + _CLOSERS)


def strong_direction(text: str) -> str | None:
    """'ltr' or 'rtl' after the first letter that has a direction (as `dir="auto"` decides),
    None for a text without one (digits, punctuation, spaces)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return LTR
        if kind in ("R", "AL"):
            return RTL
    return None


def atom(nodes: list) -> list:
    """Nodes marked as one atom of a note (a field's value, a free text): `[]` stays `[]`."""
    return [Span(ATOM, nodes)] if nodes else nodes


def unmark(nodes: list) -> list:
    """The nodes without their atom markers."""
    out: list = []
    for n in nodes:
        if isinstance(n, Span):
            children = unmark(n.children)
            if n.kind == ATOM:
                out += children
            else:
                out.append(Span(n.kind, children, n.href))
        else:
            out.append(n)
    return out


def isolate_runs(nodes: list, direction: str) -> list:
    """The nodes of a note written in `direction`, each run in the other direction isolated,
    atom markers removed. A note without a run of the other direction comes back as it was,
    only unmarked."""
    tokens = _tokens(nodes)
    other = RTL if direction == LTR else LTR
    if not any(t.dir == other for t in tokens):
        return unmark(nodes)
    runs = _runs(tokens, direction, other)
    nodes = unmark(nodes)
    for start, end in reversed(runs):
        before, rest = _split(nodes, start)
        inside, after = _split(rest, end - start)
        nodes = [*before, Span(other, inside), *after]
    return nodes


# --- the note as tokens ---------------------------------------------------------------------

class _Token:
    """An atom or a piece of literal text: its text range, direction, and the bracket or
    quotation mark it is (a piece of its own), if any."""

    __slots__ = ("start", "end", "dir", "bracket")

    def __init__(self, start: int, end: int, direction: str | None, bracket: str = "") -> None:
        self.start, self.end, self.dir, self.bracket = start, end, direction, bracket


def _tokens(nodes: list) -> list[_Token]:
    """The note's atoms and pieces of literal text (its spaces, brackets and quotation marks
    pieces of their own), in order."""
    tokens: list[_Token] = []
    pos = 0

    def add(text: str, bracket: str = "") -> None:
        nonlocal pos
        tokens.append(_Token(pos, pos + len(text), strong_direction(text), bracket))
        pos += len(text)

    def literal(text: str) -> None:
        piece = ""
        for ch in text:
            if piece and (ch.isspace() != piece[-1].isspace() or ch in _MARKS):
                add(piece)
                piece = ""
            if ch in _MARKS:
                add(ch, ch)
            else:
                piece += ch
        if piece:
            add(piece)

    def walk(items: list) -> None:
        for n in items:
            if isinstance(n, Span) and n.kind == ATOM:
                text = node_text(n)
                if text:
                    add(text)
            elif isinstance(n, Span):
                walk(n.children)
            elif isinstance(n, Text):
                literal(n.text)

    walk(nodes)
    return tokens


def _runs(tokens: list[_Token], direction: str, other: str) -> list[tuple[int, int]]:
    """The text ranges to isolate: stretches of tokens from one of the other direction to the
    last before a token of the note's own, never holding one half of a pair of brackets."""
    if not any(t.dir == direction for t in tokens) and _unmatched(tokens, 0, len(tokens)) is None:
        return [(tokens[0].start, tokens[-1].end)]  # nothing of the note's own: all of it
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].dir != other:
            i += 1
            continue
        j = last = i
        while j < len(tokens) and tokens[j].dir != direction:
            if tokens[j].dir == other:
                last = j
            j += 1
        runs += _balanced_runs(tokens, i, last + 1, other)
        i = j
    return runs


def _balanced_runs(tokens: list[_Token], lo: int, hi: int, other: str
                   ) -> list[tuple[int, int]]:
    """tokens[lo:hi] as runs that hold whole pairs of brackets: cut at a bracket whose partner
    lies outside, each side trimmed back to tokens of the other direction."""
    while lo < hi and tokens[lo].dir != other:
        lo += 1
    while hi > lo and tokens[hi - 1].dir != other:
        hi -= 1
    if lo >= hi:
        return []
    cut = _unmatched(tokens, lo, hi)
    if cut is None:
        return [(tokens[lo].start, tokens[hi - 1].end)]
    return _balanced_runs(tokens, lo, cut, other) + _balanced_runs(tokens, cut + 1, hi, other)


def _unmatched(tokens: list[_Token], lo: int, hi: int) -> int | None:
    """The index of the first bracket in tokens[lo:hi] whose partner is not there, if any."""
    opened: list[int] = []
    for k in range(lo, hi):
        mark = tokens[k].bracket
        if not mark:
            continue
        if mark in _OPENERS:
            opened.append(k)
        elif opened and tokens[opened[-1]].bracket == _PAIRS[mark]:
            opened.pop()
        else:
            return opened[0] if opened else k
    return opened[0] if opened else None


def _split(nodes: list, offset: int) -> tuple[list, list]:
    """The nodes cut at a text offset: (before, after); a span across it becomes two."""
    before: list = []
    after: list = []
    pos = 0
    for k, n in enumerate(nodes):
        if pos >= offset:
            after += nodes[k:]
            break
        size = len(node_text(n))
        if pos + size <= offset:
            before.append(n)
        elif isinstance(n, Text):
            before.append(Text(n.text[:offset - pos]))
            after.append(Text(n.text[offset - pos:]))
        else:
            left, right = _split(n.children, offset - pos)
            before.append(Span(n.kind, left, n.href))
            after.append(Span(n.kind, right, n.href))
        pos += size
    return before, after
