"""The whole roster rewritten in the canonical layout and sort order, comments kept: what
`fmt` does to a roster."""

from __future__ import annotations

from ..errors import RosterError
from ..format.rosterlayout import (
    FIELD_PREFIX,
    ITEM_PREFIX,
    KEY_LINE,
    NotCanonical,
    read_scalar,
    write_scalar,
)
from ..format.yamlio import RawList, RawMap
from .collation import sort_key
from .rosterfile import RosterText, comment_of, format_entry, with_newline


def write_canonical_roster(roster_text: str, display: str = "<roster>",
                           as_listed: frozenset[str] = frozenset()) -> str:
    """The roster rewritten in the canonical layout and sort order, comments kept.

    Each entry's fields keep their order and values; every field becomes one `key: value` line
    with a canonical scalar, a trailing comment stays on its field's line, and comment lines
    stay with the entry they are in or directly above. Entries are grouped by kind (in the
    order kinds first appear) and sorted by collation key within each kind — except the kinds
    in `as_listed` (the letter prints them in the roster's order), which keep their order —
    one blank line apart. Lines before the first entry and after the last are copied unchanged.
    """
    doc = RosterText(roster_text, display)
    try:
        values = [doc.values_of(i) for i in range(len(doc.entries))]
    except NotCanonical:
        doc = RosterText(roster_text, display, parse=True)
        values = [doc.values_of(i) for i in range(len(doc.entries))]
    if not doc.entries:
        return roster_text
    text = doc.text
    kinds: dict[str, int] = {}
    blocks: list[tuple[int, tuple, int, str]] = []
    for i, entry in enumerate(doc.entries):
        end = doc.end_of(i)
        lead = text[doc.start_of(i):entry.item]
        following = doc.start_of(i + 1) if i + 1 < len(doc.entries) else end
        trail = "".join(ln for ln in _lines(text[end:following]) if ln.strip())
        body = _canonical_body(doc, i, values[i])
        group = kinds.setdefault(str(values[i].get("kind")), len(kinds))
        # the kinds the letter prints as listed keep the roster's order
        key = sort_key(entry.signatory()) if entry.name is not None and \
            str(values[i].get("kind")) not in as_listed else ("", "")
        blocks.append((group, key, i, _unix(lead) + body + _unix(trail)))
    blocks.sort(key=lambda b: b[:3])
    head = text[:doc.start_of(0)]
    sig = doc.top.get("signatories")
    if sig is not None and sig[2] == "[]":
        head = head[:sig[0]] + "signatories:" + head[sig[1]:]
    tail = text[doc.end_of(len(doc.entries) - 1):]
    out = _unix(head) + "\n".join(b[3] for b in blocks) + _unix(tail)
    return with_newline(out, doc.newline)


def _single(doc: RosterText, i: int, key: str, value):
    if isinstance(value, RawMap | RawList):
        raise RosterError(f"{doc.display}:{doc.line_of(doc.entries[i].item)}: '{key}' holds a "
                          "nested value; a signatory's fields are single values")
    return value


def _flow_comment(line: str) -> int | None:
    """Where the comment of a one-line flow collection starts (a `#` after a space, outside
    quotes), or None."""
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == '"':
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = None
        elif quote == "'":
            if ch == "'":
                quote = None  # a doubled '' reopens on the next character
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def _reads_as(raw: str, value) -> bool:
    """True when `raw` (a value with any trailing comment) is a one-line scalar that the fast
    reader and the YAML parser both read as `value`."""
    try:
        got = read_scalar(raw)
    except NotCanonical:
        return False
    return type(got) is type(value) and got == value


def _unix(s: str) -> str:
    return s.replace("\r\n", "\n")


def _lines(s: str) -> list[str]:
    return s.splitlines(keepends=True)


def _canonical_body(doc: RosterText, i: int, values: dict) -> str:
    """Entry i's lines in canonical form: fields in their own order, comments where they were."""
    out: list[str] = []
    first = True
    lines = doc.fields(i)
    if [k for k, _, _ in lines if k is not None] != list(values):
        # Several keys on a line (a flow mapping): write the fields, then the comments, those
        # at the end of a line included.
        body = format_entry({k: _single(doc, i, k, v) for k, v in values.items()})
        comments = []
        for _, s, e in lines:
            line = _unix(doc.text[s:e]).rstrip("\n")
            if line.lstrip(" ").startswith("#"):
                comments.append(line + "\n")
            elif (at := _flow_comment(line)) is not None:
                comments.append(FIELD_PREFIX + line[at:] + "\n")
        return body + "".join(comments)
    for n, (key, s, e) in enumerate(lines):
        line = _unix(doc.text[s:e]).rstrip("\n")
        if key is None:
            if line.lstrip(" ").startswith("#"):
                out.append(line + "\n")
            elif n == 0 and line.strip().startswith("-") and "#" in line:
                out.append(FIELD_PREFIX + line[line.index("#"):] + "\n")  # `-  # note`
            continue
        value = _single(doc, i, key, values.get(key))
        prefix = ITEM_PREFIX if first else FIELD_PREFIX
        first = False
        m = KEY_LINE.match(line)
        raw = m.group(2) if m else None
        if raw and _reads_as(raw, value):  # already one canonical line: keep its quoting
            out.append(f"{prefix}{key}: {raw}\n")
            continue
        comment = comment_of(raw) if raw else ""
        out.append(f"{prefix}{key}: {write_scalar(value)}{comment}\n")
    return "".join(out)
