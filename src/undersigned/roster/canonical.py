"""The whole roster rewritten in the canonical layout and sort order, comments kept: what
`fmt` does to a roster."""

from __future__ import annotations

import re

from ..errors import RosterError
from ..format.model import Signatory
from ..format.rosterlayout import (
    FIELD_PREFIX,
    ITEM_PREFIX,
    ITEM_START,
    KEY_LINE,
    NOT_CANONICAL,
    PLAIN_LINE,
    NotCanonical,
    plain_value,
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

    A roster already in that layout and order (the usual case: `sign` commands keep it so) is
    recognised in one pass that holds one entry at a time (`already_canonical`) and returned
    as it is; any other is indexed and rewritten whole.
    """
    if already_canonical(roster_text, as_listed):
        return roster_text
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


# The lines above `signatories:`: top-level keys, comments and blank lines.
_HEAD = re.compile(r"(?:(?:[A-Za-z_][\w-]*:(?: [^\n]*)?| *(?:#[^\n]*)?)\n)*")
_HEAD_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.M)
_SIGNATORIES_LINE = re.compile(r"^signatories:\n", re.M)
_TOP_LEVEL = re.compile(r"\n[^ \n#]")
# Between `signatories:` and the first entry: comment and blank lines.
_ABOVE_FIRST = re.compile(r"(?: *(?:#[^\n]*)?\n)*")


def already_canonical(text: str, as_listed: frozenset[str] = frozenset()) -> bool:
    """True when `write_canonical_roster` would return `text` unchanged, found by reading the
    entries one at a time against the layout, each compared with the one before for order;
    nothing of the roster is built. False also when it cannot tell this way (Windows line
    ends, lines outside the layout, top-level keys below the list, no entry at all...): the
    caller then takes the full path, which decides.

    Every condition mirrors one of the writer's (tests hold the two to the same answer): each
    entry's lines are what `_canonical_body` writes (`key: value` lines whose value reads
    back as itself, comment lines), entries are one blank line apart with their comment lines
    directly above them, and the entries of a kind form one run sorted by collation key.
    """
    size = len(text)
    if not text.endswith("\n") or "\r" in text:
        return False
    sig = _SIGNATORIES_LINE.search(text)
    if sig is None or not _HEAD.fullmatch(text, 0, sig.start()):
        return False
    keys = _HEAD_KEY.findall(text, 0, sig.start())
    if len(set(keys)) != len(keys) or "signatories" in keys:
        return False
    below = sig.end() - 1  # the line break ending `signatories:`
    if NOT_CANONICAL.search(text, below) or _TOP_LEVEL.search(text, below):
        return False
    items = ITEM_START.finditer(text, below)
    first = next(items, None)
    if first is None or not _ABOVE_FIRST.fullmatch(text, sig.end(), first.start() + 1):
        return False
    kinds: dict[str, int] = {}
    before: tuple | None = None
    start = first.start() + 1
    while start < size:
        following = next(items, None)
        end = following.start() + 1 if following is not None else size
        lines = text[start:end].split("\n")
        lines.pop()  # the empty string after the entry's last line break
        values = _entry_values(lines, following is None)
        if values is None:
            return False
        kind, name, sort_as = values.get("kind"), values.get("name"), values.get("sort_as")
        group = kinds.setdefault(str(kind), len(kinds))
        key = sort_key(Signatory(name=str(name), kind=str(kind), signed_on=None,
                                 sort_as=sort_as if isinstance(sort_as, str) else None)) \
            if name is not None and str(kind) not in as_listed else ("", "")
        if before is not None and (group, key) < before:
            return False
        before = (group, key)
        start = end
    return True


def _entry_values(lines: list[str], last: bool) -> dict | None:
    """The fields of one entry in the canonical layout, or None when `write_canonical_roster`
    would change its lines. `lines`: its first line (`  - key: value`) up to the next entry's
    first line; the last entry's go to the end of the text."""
    values: dict = {}
    plain_line = PLAIN_LINE.match
    j = 0
    for line in lines:
        plain = plain_line(line)
        if plain is not None:  # most lines: `key: plain text`
            _, key, raw = plain.groups()
            if line[-1] == " " or key in values:
                return None  # a blank at the end (the writer drops it), a key given twice
            values[key] = plain_value(raw)
        elif not line:
            break
        elif line.lstrip(" ")[:1] != "#":
            m = KEY_LINE.match(line)
            if m is None or not m.group(2) or m.group(1) in values:
                return None
            key, raw = m.group(1), m.group(2)
            try:
                value = read_scalar(raw)
            except NotCanonical:
                return None
            if not _reads_as(raw, value) or \
                    line != f"{ITEM_PREFIX if j == 0 else FIELD_PREFIX}{key}: {raw}":
                return None
            values[key] = value
        j += 1
    n = len(lines)
    if not last:  # one blank line, then the comment lines above the next entry
        if j == n or any(line.lstrip(" ")[:1] != "#" for line in lines[j + 1:]):
            return None
        return values
    while j < n and not lines[j]:  # after the last entry: blank lines, then comment lines
        j += 1
    if any(line.lstrip(" ")[:1] != "#" for line in lines[j:]):
        return None
    return values


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
