"""The roster file as text: canonical entry layout, splicing edits, locked atomic writes."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path

from ..errors import RosterError
from ..fileio import WriteError, write_atomic
from ..format.model import Signatory
from ..format.yamlio import NotCanonical, RawList, RawMap, _scalar, parse_yaml, resolve_plain
from .collation import sort_key

# The order in which `format_entry` writes fields; an edit inserts a missing field at its place
# in this order, and leaves the order of fields already in the file alone.
FIELD_ORDER = (
    "name", "kind", "title", "sort_as", "country", "signed_on", "status", "withdrawn_on",
    "withdrawal_reason", "named", "via", "lang", "endorsed", "email", "consent",
)
ITEM_PREFIX = "  - "
FIELD_PREFIX = "    "

_PLAIN_BAD_START = set("[]{}>|*&!%@`\"'#,?:-~ ")
_SURROGATE = re.compile("[\ud800-\udfff]")


# --- scalars ----------------------------------------------------------------------------------

def _plain_is_safe(text: str) -> bool:
    """True when `text` written unquoted reads back as the same string in YAML and the scanner."""
    if not text or text[0] in _PLAIN_BAD_START or text != text.strip():
        return False
    if ": " in text or " #" in text or text.endswith(":") or not text.isprintable():
        return False
    return resolve_plain(text) == text and isinstance(resolve_plain(text), str)


def _quote(text: str) -> str:
    """A double-quoted scalar that YAML and JSON read alike: only JSON escapes, BMP only."""
    if _SURROGATE.search(text):
        raise RosterError(f"text {text!r} holds a lone surrogate; it cannot be saved")
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable() or ch == " " or ord(ch) > 0xFFFF:
            # Characters beyond the BMP are written as they are: JSON would need surrogate
            # pairs there, which YAML reads differently.
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}")
    out.append('"')
    return "".join(out)


def format_scalar(value) -> str:
    """One value as it appears after `key: ` in the canonical layout."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if not isinstance(value, str):
        raise RosterError(f"a roster field must be a single value, not {type(value).__name__}")
    return value if _plain_is_safe(value) else _quote(value)


def entry_fields(sig: Signatory) -> dict:
    """The fields of a signatory that the roster file records, in FIELD_ORDER."""
    out: dict = {}
    for name in FIELD_ORDER:
        value = getattr(sig, name, None)
        if name == "named":
            value = None if value is not False else False
        if value is not None:
            out[name] = value
    return out


def format_entry(sig: Signatory | dict) -> str:
    """The canonical block of one entry: `  - name: …` then one `    key: value` line each.

    No blank line is included; callers separate entries with one.
    """
    fields = sig if isinstance(sig, dict) else entry_fields(sig)
    lines = []
    for i, (key, value) in enumerate(fields.items()):
        prefix = ITEM_PREFIX if i == 0 else FIELD_PREFIX
        lines.append(f"{prefix}{key}: {format_scalar(value)}\n")
    return "".join(lines)


# --- the index of a roster text -----------------------------------------------------------------

# A line outside the canonical layout: not an entry line, a field line, a comment, a blank, or a
# top-level key.
# A line outside the canonical layout: not an entry line, a field line, a comment, a blank, or a
# top-level key. Patterns start with a newline rather than `^` under re.M: the engine then
# jumps from newline to newline, which is several times faster on a 10 MB roster.
_NOT_CANONICAL = re.compile(
    r"\n(?!  - [A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z)|    [A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z)"
    r"| *#| *\r?\n| *\Z|[A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z))")
_TOP_LINE = re.compile(r"^([A-Za-z_][\w-]*):(?: +(.*?))? *(?=\r?$)", re.M)
_ITEM_START = re.compile(r"\n  - ")
# The lines the index needs from each entry: its first line, and its name, kind and sort_as.
_ENTRY_LINE = re.compile(
    r"\n(?:(  - )([A-Za-z_][\w-]*)|    (name|kind|sort_as)):(?: (.*?))? *(?=\r?\n|\r?\Z)")
_PLAIN_WORDS = {"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"}
_KEY_LINE = re.compile(r" *(?:- )?([A-Za-z_][\w-]*):(?: (.*?))? *\Z")


@dataclass
class Entry:
    """One signatory of the file: where its first line starts, and the fields that order it."""

    item: int  # offset of the start of the entry's first line ("  - name: …")
    values: dict = field(default_factory=dict)
    raw: RawMap | None = None  # the parsed mapping, when the file was read by the YAML parser

    @property
    def name(self):
        return self.values.get("name")

    @property
    def kind(self):
        return self.values.get("kind")

    def signatory(self) -> Signatory:
        """A stand-in with the fields collation needs."""
        sort_as = self.values.get("sort_as")
        return Signatory(name=str(self.name), kind=str(self.kind), signed_on=None,
                         sort_as=sort_as if isinstance(sort_as, str) else None)


class RosterText:
    """A roster's text with an index of its entries, for edits that touch only a few lines.

    The index holds each entry's start offset and the three fields that decide duplicates and
    order (name, kind, sort_as). On the canonical layout it is built by regular expressions
    over the whole text; any other layout is parsed with the YAML parser (slower), and
    `parsed` is then true so that callers check their edit by parsing the result.
    """

    def __init__(self, text: str, display: str = "<roster>", parse: bool = False):
        self.text = text
        self.display = display
        self.newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        self.top: dict[str, tuple[int, int, str | None]] = {}  # key → (start, end, raw value)
        self.entries: list[Entry] = []
        self.parsed = parse or _NOT_CANONICAL.search("\n" + text) is not None
        if not self.parsed:
            try:
                self._index_canonical()
            except NotCanonical:
                self.parsed = True
                self.top, self.entries = {}, []
        if self.parsed:
            self._index_parsed()

    # -- building the index

    def _index_canonical(self) -> None:
        for m in _TOP_LINE.finditer(self.text):
            if m.group(1) in self.top:
                raise NotCanonical
            self.top[m.group(1)] = (m.start(), m.end(), m.group(2))
        sig = self.top.get("signatories")
        if sig is not None and sig[2] not in (None, "[]"):
            raise NotCanonical
        begin, end = self._list_bounds()
        text = self.text
        # One C-level pass for the entries' offsets and one for the lines that order them;
        # positions are needed only for the few entries an edit touches.
        offsets = [m.start() + 1 for m in _ITEM_START.finditer(text, begin - 1, end)]
        entries = self.entries
        values: dict | None = None
        scalar, words = _scalar, _PLAIN_WORDS
        for item, key, field_key, raw in _ENTRY_LINE.findall(text, begin - 1, end):
            if item:
                values = {}
                entries.append(Entry(offsets[len(entries)] if len(entries) < len(offsets)
                                     else -1, values))
            elif values is None:
                raise NotCanonical
            else:
                key = field_key
            if key in ("name", "kind", "sort_as"):
                if key in values:
                    raise NotCanonical
                # Most values are plain words: the same answer as the scanner, without it.
                if raw and raw[0].isalpha() and " #" not in raw and ": " not in raw \
                        and raw[-1] != ":" and "\t" not in raw and raw not in words:
                    values[key] = raw
                else:
                    values[key] = scalar(raw)
        if len(entries) != len(offsets):
            raise NotCanonical
        if (sig is not None and sig[2] == "[]" and entries) or \
                (not entries and re.search(r"^    \S", text[begin:end], re.M)):
            raise NotCanonical

    def _index_parsed(self) -> None:
        from ..errors import LoadError

        try:
            root = parse_yaml(self.text, self.display)
        except LoadError as e:
            raise RosterError(str(e)) from None
        if root is None:
            return
        if not isinstance(root, RawMap):
            raise RosterError(f"{self.display}: a roster is a mapping with 'as_of:' and "
                              "'signatories:'; this file is something else")
        starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]
        for key in root:
            start = starts[root.key_pos[key].line - 1]
            end = self._line_end(start)
            value = root[key]
            shown = None if isinstance(value, RawMap) or value is None else str(value)
            if isinstance(value, RawList):
                shown = None if value else "[]"
            self.top[key] = (start, end, shown)
        items = root.get("signatories")
        if items is None:
            return
        if not isinstance(items, RawList):
            raise RosterError(f"{self.display}: 'signatories:' must be a list of entries")
        for item, pos in zip(items, items.item_pos, strict=True):
            if not isinstance(item, RawMap):
                raise RosterError(f"{pos.file}:{pos.line}:{pos.column}: a signatory must be a "
                                  "mapping of 'key: value' lines")
            line_start = self._dash_line(starts, pos.line, pos.column)
            if line_start is None:
                raise RosterError(
                    f"{pos.file}:{pos.line}: this roster is not written one '- ' entry per "
                    "block; run `undersigned fmt` to lay it out, then retry")
            values = {k: item[k] for k in ("name", "kind", "sort_as") if k in item}
            for k, v in values.items():
                if isinstance(v, RawMap | RawList):
                    at = item.value_pos.get(k, pos)
                    what = "a mapping" if isinstance(v, RawMap) else "a list"
                    raise RosterError(f"{at.file}:{at.line}:{at.column}: '{k}' is {what}; "
                                      "write a single value (`undersigned validate` lists "
                                      "every problem)")
            self.entries.append(Entry(line_start, values, raw=item))

    def _dash_line(self, starts: list[int], line: int, column: int) -> int | None:
        """The start of the line holding the `-` of a block-sequence entry whose mapping starts
        at (line, column): on the same line, or above it past blank and comment lines."""
        before = self.text[starts[line - 1]: starts[line - 1] + column - 1]
        if before.strip() == "-":
            return starts[line - 1]
        if before.strip():
            return None
        for n in range(line - 2, -1, -1):
            text = self.text[starts[n]: starts[n + 1]].strip()
            if text == "-" or (text.startswith("-") and text[1:].lstrip().startswith("#")
                               and text[1:2].isspace()):
                return starts[n]
            if text and not text.startswith("#"):
                return None
        return None

    # -- positions

    def _line_end(self, offset: int) -> int:
        """The offset of the end of the line `offset` is on, before its line break."""
        nl = self.text.find("\n", offset)
        nl = len(self.text) if nl < 0 else nl
        return nl - 1 if nl > offset and self.text[nl - 1] == "\r" else nl

    def _next_line(self, offset: int) -> int:
        """The offset of the line after the one `offset` is on (or the end of the text)."""
        nl = self.text.find("\n", offset)
        return len(self.text) if nl < 0 else nl + 1

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def _list_bounds(self) -> tuple[int, int]:
        """Offsets of the signatories list: after its `signatories:` line, up to the next key."""
        if "signatories" not in self.top:
            return len(self.text), len(self.text)
        start, line_end, _ = self.top["signatories"]
        begin = self._next_line(line_end)
        later = [s for s, _, _ in self.top.values() if s > start]
        return begin, min(later, default=len(self.text))

    def _lines_back(self, offset: int, stop: int) -> Iterator[tuple[int, str]]:
        """The lines before `offset` (which starts a line), nearest first, not before `stop`."""
        end = offset
        while end > stop:
            start = max(self.text.rfind("\n", stop, end - 1) + 1, stop)
            yield start, self.text[start:end]
            end = start

    def _memo(self, name: str) -> dict:
        """A per-text cache: offsets hold until the text changes (a whole-file rewrite asks
        for each entry's bounds several times; 50,000 entries make that matter)."""
        if getattr(self, "_memo_text", None) is not self.text:
            self._memo_text = self.text
            self._memos: dict[str, dict] = {}
        return self._memos.setdefault(name, {})

    def start_of(self, i: int) -> int:
        """Offset of entry i including the comment lines directly above it (no blank between)."""
        memo = self._memo("start")
        if i not in memo:
            memo[i] = self._start_of(i)
        return memo[i]

    def end_of(self, i: int) -> int:
        """Offset just after entry i's last line: its fields and the comments among them."""
        memo = self._memo("end")
        if i not in memo:
            memo[i] = self._end_of(i)
        return memo[i]

    def _start_of(self, i: int) -> int:
        floor = self._next_line(self.entries[i - 1].item) if i > 0 else 0
        start = self.entries[i].item
        for line_start, line in self._lines_back(start, floor):
            if not line.lstrip(" ").startswith("#"):
                break
            start = line_start
        return start

    def _end_of(self, i: int) -> int:
        body = self._next_line(self.entries[i].item)
        if i + 1 < len(self.entries):
            limit = self.start_of(i + 1)
        else:
            limit = self._list_bounds()[1]
            for line_start, line in self._lines_back(limit, body):  # comments above a key
                if not line.lstrip(" ").startswith("#"):
                    break
                limit = line_start
        for line_start, line in self._lines_back(limit, body):
            if line.strip():
                return line_start + len(line)
        return body

    def fields(self, i: int) -> list[tuple[str | None, int, int]]:
        """Entry i's lines as (key, start, end); key None for comments and continuation lines."""
        memo = self._memo("fields")
        if i not in memo:
            memo[i] = self._fields(i)
        return memo[i]

    def _fields(self, i: int) -> list[tuple[str | None, int, int]]:
        start, end = self.entries[i].item, self.end_of(i)
        raw = self.entries[i].raw
        first = self.line_of(start) if raw is not None else 0
        key_lines = {raw.key_pos[k].line - first for k in raw} if raw is not None else None
        out: list[tuple[str | None, int, int]] = []
        pos, n = start, 0
        while pos < end:
            line_end = min(self._next_line(pos), end)
            line = self.text[pos:line_end].rstrip("\r\n")
            m = _KEY_LINE.match(line)
            key = m.group(1) if m and not line.lstrip().startswith("#") else None
            if key_lines is not None and n not in key_lines:
                key = None
            out.append((key, pos, line_end))
            pos, n = line_end, n + 1
        return out

    def values_of(self, i: int) -> dict:
        """Every field of entry i, decoded."""
        if self.entries[i].raw is not None:
            return dict(self.entries[i].raw)
        out = {}
        for key, s, e in self.fields(i):
            if key is not None:
                m = _KEY_LINE.match(self.text[s:e].rstrip("\r\n"))
                out[key] = _scalar(m.group(2))
        return out

    def indent(self) -> int:
        """How far the entries' dashes are indented (2 in the canonical layout)."""
        if not self.entries:
            return 2
        line = self.text[self.entries[0].item: self._line_end(self.entries[0].item)]
        return len(line) - len(line.lstrip(" "))

    # -- ordering

    def position_for(self, sig: Signatory) -> int:
        """The index in `entries` before which a new entry for `sig` belongs.

        Within its kind, after every entry that sorts before or equal to it (binary search, so
        only a few sort keys are computed); a kind not yet in the file goes after all entries.
        """
        if not hasattr(self, "_by_kind"):
            self._by_kind: dict[str, list[int]] = {}
            self._sort_keys: dict[int, tuple] = {}
            for i, e in enumerate(self.entries):
                self._by_kind.setdefault(e.kind, []).append(i)
        same = self._by_kind.get(sig.kind)
        if not same:
            return len(self.entries)

        def key_of(i: int) -> tuple:
            if i not in self._sort_keys:
                self._sort_keys[i] = sort_key(self.entries[i].signatory())
            return self._sort_keys[i]

        j = bisect.bisect_right(same, sort_key(sig), key=key_of)
        return same[j] if j < len(same) else same[-1] + 1


# --- edits --------------------------------------------------------------------------------------

def _nl(text: str, newline: str) -> str:
    return text.replace("\n", newline) if newline != "\n" else text


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) edits to text."""
    out, cursor = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def insert_entries(doc: RosterText, sigs: list[Signatory],
                   blocks: list[str] | None = None) -> str:
    """The roster text with new entries spliced in at their sorted places; nothing else moves.

    `blocks`, when given, are the entries' texts (else `format_entry` of each signatory).
    """
    placed: dict[int, list[tuple[tuple, str]]] = {}
    indent = doc.indent()
    for n, sig in enumerate(sigs):
        block = blocks[n] if blocks is not None else format_entry(sig)
        if indent != 2:  # a hand-formatted file: match its indentation
            block = "".join(" " * indent + "- " + line[4:] if line.startswith(ITEM_PREFIX)
                            else " " * (indent + 2) + line[4:]
                            for line in block.splitlines(keepends=True))
        placed.setdefault(doc.position_for(sig), []).append(
            (sort_key(sig), _nl(block, doc.newline)))
    text, nl = doc.text, doc.newline
    edits: list[tuple[int, int, str]] = []
    for index, group in placed.items():
        blocks = [b for _, b in sorted(group, key=lambda x: x[0])]
        if index < len(doc.entries):
            at = doc.start_of(index)
            edits.append((at, at, nl.join(blocks) + nl))
        elif doc.entries:
            at = doc.end_of(len(doc.entries) - 1)
            lead = nl if text[:at].endswith("\n") else nl + nl
            edits.append((at, at, lead + nl.join(blocks)))
        elif "signatories" in doc.top:
            start, end, value = doc.top["signatories"]
            after = doc._next_line(end)
            lead = "signatories:" + nl if value == "[]" or after == len(text) and \
                not text.endswith("\n") else text[start:after]
            edits.append((start, after, lead + nl.join(blocks)))
        else:
            lead = "" if not text or text.endswith("\n") else nl
            edits.append((len(text), len(text), f"{lead}signatories:{nl}" + nl.join(blocks)))
    return _apply(text, edits)


def set_top(text: str, key: str, value, newline: str = "\n") -> str:
    """`text` with the top-level line `key: value` replaced (keeping a trailing comment) or,
    when missing, inserted before `signatories:`."""
    line = f"{key}: {format_scalar(value)}"
    m = re.search(rf"^{re.escape(key)}:(?: (.*?))? *(?=\r?$)", text, re.M)
    if m:
        return text[:m.start()] + line + _comment_of(m.group(1)) + text[m.end():]
    m = re.search(r"^signatories:", text, re.M)
    if m:
        return text[:m.start()] + line + newline + text[m.start():]
    lead = "" if not text or text.endswith("\n") else newline
    return text + lead + line + newline


def _comment_of(raw: str | None) -> str:
    """The ` # …` comment after a one-line scalar, or ''."""
    if not raw:
        return ""
    if raw.startswith(('"', "'")):
        q = re.match(r'(?:"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\')(\s+#.*)?\Z', raw)
        return (q.group(1) or "") if q else ""
    m = re.search(r"\s+#", raw)
    return raw[m.start():] if m else ""


def update_entry(doc: RosterText, i: int, changes: dict) -> str:
    """The text with entry i's fields changed (a None value deletes the field).

    A changed field keeps its line and a trailing comment; a new field goes after the present
    field that precedes it in FIELD_ORDER. Every other line is kept byte for byte.
    """
    return _apply(doc.text, _entry_edits(doc, i, changes))


def update_entries(doc: RosterText, changes: dict[int, dict]) -> str:
    """`update_entry` for several entries at once, in one pass over the text."""
    return _apply(doc.text, [edit for i, c in changes.items() for edit in _entry_edits(doc, i, c)])


def _entry_edits(doc: RosterText, i: int, changes: dict) -> list[tuple[int, int, str]]:
    text, nl = doc.text, doc.newline
    lines = doc.fields(i)
    # Each field owns its key line and the continuation lines under it (multi-line values).
    owned: list[list] = []  # [key, start, end]
    for key, s, e in lines:
        if key is not None:
            owned.append([key, s, e])
        elif owned and text[s:e].strip() and not text[s:e].lstrip().startswith("#"):
            owned[-1][2] = e
    first_line = text[owned[0][1]:owned[0][2]]
    item_prefix = first_line[: len(first_line) - len(first_line.lstrip(" -"))]
    field_prefix = " " * len(item_prefix)
    edits: list[tuple[int, int, str]] = []
    present = {k: (s, e) for k, s, e in owned}
    for key, value in changes.items():
        if key in present:
            s, e = present[key]
            if value is None:
                if s == owned[0][1]:
                    raise RosterError(f"cannot remove '{key}', the first field of an entry")
                edits.append((s, e, ""))
                continue
            old = text[s:e]
            single = old.count("\n") <= 1
            prefix = item_prefix if s == owned[0][1] else field_prefix
            m = _KEY_LINE.match(old.rstrip("\r\n"))
            comment = _comment_of(m.group(2)) if single and m else ""
            ending = nl if old.endswith("\n") else ""
            edits.append((s, e, f"{prefix}{key}: {format_scalar(value)}{comment}{ending}"))
    new_keys = [k for k in changes if k not in present and changes[k] is not None]
    rank = {k: n for n, k in enumerate(FIELD_ORDER)}
    inserts: dict[int, list[str]] = {}
    for key in sorted(new_keys, key=lambda k: rank.get(k, len(rank))):
        before = [o for o in owned if rank.get(o[0], -1) < rank.get(key, len(rank))]
        anchor = max(before, key=lambda o: rank.get(o[0], -1)) if before else owned[0]
        if rank.get(anchor[0], -1) < 0:
            anchor = owned[-1]
        inserts.setdefault(anchor[2], []).append(
            f"{field_prefix}{key}: {format_scalar(changes[key])}{nl}")
    for at, new in inserts.items():
        lead = "" if text[:at].endswith("\n") else nl
        edits.append((at, at, lead + "".join(new)))
    return edits


def remove_entry(doc: RosterText, i: int) -> str:
    """The text without entry i, its comments above it, and the blank line that set it off."""
    text = doc.text
    if i + 1 < len(doc.entries):
        start, end = doc.start_of(i), doc.start_of(i + 1)
        tail = text[doc.end_of(i):end]
        keep = "".join(ln for ln in tail.splitlines(keepends=True) if ln.strip())
        return text[:start] + keep + text[end:]
    if i > 0:
        return text[:doc.end_of(i - 1)] + text[doc.end_of(i):]
    return text[:doc.start_of(i)] + text[doc.end_of(i):].lstrip("\r\n")


def check_parses(text: str, display: str) -> RawMap:
    """Parse an edited hand-laid-out roster, to be sure the edit kept it valid YAML."""
    from ..errors import LoadError

    try:
        return parse_yaml(text, display)
    except LoadError as e:
        raise RosterError(f"{display}: an edit of this hand-formatted roster would break it "
                          f"({e}); run `undersigned fmt` first, then retry") from None


# --- whole-file canonical layout ---------------------------------------------------------------

def write_canonical_roster(roster_text: str, display: str = "<roster>") -> str:
    """The roster rewritten in the canonical layout and sort order, comments kept.

    Each entry's fields keep their order and values; every field becomes one `key: value` line
    with a canonical scalar, a trailing comment stays on its field's line, and comment lines
    stay with the entry they are in or directly above. Entries are grouped by kind (in the
    order kinds first appear) and sorted by collation key within each kind, one blank line
    apart. Lines before the first entry and after the last are copied unchanged.
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
        key = sort_key(entry.signatory()) if entry.name is not None else ("", "")
        blocks.append((group, key, i, _unix(lead) + body + _unix(trail)))
    blocks.sort(key=lambda b: b[:3])
    head = text[:doc.start_of(0)]
    sig = doc.top.get("signatories")
    if sig is not None and sig[2] == "[]":
        head = head[:sig[0]] + "signatories:" + head[sig[1]:]
    tail = text[doc.end_of(len(doc.entries) - 1):]
    out = _unix(head) + "\n".join(b[3] for b in blocks) + _unix(tail)
    return _nl(out, doc.newline)


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
        got = _scalar(raw)
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
        m = _KEY_LINE.match(line)
        raw = m.group(2) if m else None
        if raw and _reads_as(raw, value):  # already one canonical line: keep its quoting
            out.append(f"{prefix}{key}: {raw}\n")
            continue
        comment = _comment_of(raw) if raw else ""
        out.append(f"{prefix}{key}: {format_scalar(value)}{comment}\n")
    return "".join(out)

# --- locked, atomic writes -----------------------------------------------------------------------

def lock_path(roster: Path) -> Path:
    """`signatories/<slug>.yaml` → `signatories/.<slug>.lock`."""
    return roster.parent / f".{roster.name.removesuffix('.yaml')}.lock"


@contextlib.contextmanager
def locked(roster: Path, timeout: float | None = None):
    """Hold the roster's exclusive lock: writers are serialised, readers are not blocked.

    flock is released by the kernel when the holder exits, however it dies, so a stale lock
    file is harmless and never needs deleting.
    """
    fd = _open_lock(roster)
    try:
        _lock(fd)
        try:
            _remove_stale_temporaries(roster)
            finish_interrupted_write(roster)
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _open_lock(roster: Path) -> int:
    """The lock file's descriptor; a lock file another user owns is locked read-only."""
    from ..errors import RosterError

    try:
        roster.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RosterError(f"{roster.parent}: cannot create the directory: {e.strerror}; "
                          "check its permissions") from None
    path = lock_path(roster)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as first:
        try:  # flock needs no write access: a lock file someone else created still serves
            return os.open(path, os.O_RDONLY)
        except OSError:
            raise RosterError(
                f"{path}: cannot open the roster's lock file: {first.strerror}; check the "
                f"permissions of {roster.parent} (or delete the lock file: it holds "
                "nothing)") from None


# The lock itself: flock where there is one; on Windows, a byte-range lock on the lock file's
# first byte, which Windows also releases when the holder dies. (filelock would do both, but
# it costs a sign command some 40 ms of imports, asyncio among them, and polls while it waits.)
if sys.platform == "win32":  # pragma: no cover - not run on this project's CI
    import errno
    import msvcrt

    def _lock(fd: int) -> None:
        while True:  # LK_LOCK gives up after ten one-second tries: wait as flock does
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError as e:
                if e.errno not in (errno.EDEADLOCK, errno.EACCES):
                    raise

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _remove_stale_temporaries(roster: Path) -> None:
    """Delete the temporary files of writes that a killed process left behind.

    The roster and its private file are only written under the roster's lock, which the
    caller holds: any temporary file of theirs that exists now belongs to a dead writer.
    """
    private = roster.name.removesuffix(".yaml") + ".private.yaml"
    journal = journal_path(roster).name
    for name in (roster.name, private, journal):
        for stale in roster.parent.glob(f".{glob_escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()




# --- the roster and its private contacts file, written together -----------------------------

#: Notes about interrupted writes that a command finished (the CLI prints them).
NOTICES: list[str] = []


def journal_path(roster: Path) -> Path:
    """`signatories/<slug>.yaml` → `signatories/.<slug>.journal` (git-ignored, mode 0600)."""
    return roster.parent / f".{roster.name.removesuffix('.yaml')}.journal"


def _digest(data: str | bytes | None) -> str | None:
    import hashlib

    if data is None:
        return None
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_together(roster: Path, writes: list[tuple[Path, str, int | None]]) -> None:
    """Write several files of one roster (the roster and its private contacts file) so that
    all change or none does: the caller holds the roster's lock.

    A journal holding the old and new texts' digests and the new texts is written first
    (atomically); then each file; then the journal is deleted. A failure on the way puts back
    the files already written and deletes the journal; a kill leaves the journal, and the next
    command that takes the lock finishes the write (`finish_interrupted_write`).
    """
    import json

    if len(writes) == 1:
        path, text, mode = writes[0]
        write_atomic(path, text, mode)
        return
    journal = journal_path(roster)
    before = {path: _current(path) for path, _, _ in writes}  # under the lock: as they are
    entries = [{"file": path.name, "mode": mode, "old": _digest(before[path]),
                "new": _digest(text), "text": text} for path, text, mode in writes]
    try:
        write_atomic(journal, json.dumps({"journal": 1, "files": entries}), mode=0o600)
    except WriteError as e:  # name the file the person knows, not the journal
        raise WriteError(roster, e.error) from None
    done: list[Path] = []
    try:
        for path, text, mode in writes:
            write_atomic(path, text, mode)
            done.append(path)
    except Exception:
        try:
            for path in reversed(done):
                old = before[path]
                if old is None:
                    path.unlink()
                else:
                    write_atomic(path, old)
            journal.unlink()
        except (OSError, WriteError):
            pass  # the journal stays: the next command finishes the write and says so
        raise
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()


def finish_interrupted_write(roster: Path) -> str | None:
    """Finish a write of the roster and its private file that a killed command left half
    done (see `write_together`); the caller holds the lock. Returns (and keeps in NOTICES)
    what was done, or None when there was nothing to do."""
    import json

    journal = journal_path(roster)
    try:
        data = json.loads(journal.read_bytes())
        entries = data["files"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # a journal is written atomically, so it is whole or absent; anything else is not ours
        note = (f"{journal.name} is not a journal undersigned can read; it was left alone — "
                f"check {roster.name} and its private contacts file, then delete it")
        NOTICES.append(note)
        return note
    names = ", ".join(e["file"] for e in entries)
    plan = []
    for e in entries:
        path = roster.parent / e["file"]
        current = _digest(_current(path))
        if current not in (e["old"], e["new"]):
            journal.unlink()
            note = (f"an interrupted write of {names} was not finished: {e['file']} changed "
                    "since; check that the two files agree (`undersigned validate`)")
            NOTICES.append(note)
            return note
        if current != e["new"]:
            plan.append((path, e["text"], e["mode"]))
    for path, text, mode in plan:
        write_atomic(path, text, mode)
    journal.unlink()
    if not plan:
        return None
    note = f"finished an interrupted write of {names} (a command was stopped while writing)"
    NOTICES.append(note)
    return note
