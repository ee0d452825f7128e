"""The roster file as text: the canonical entry layout, an index of the entries, splicing
edits. Writing it (the lock, atomic and paired writes) is in writes.py."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import RosterError
from ..format.model import Signatory
from ..format.rosterlayout import (
    FIELD_ORDER,
    FIELD_PREFIX,
    ITEM_PREFIX,
    ITEM_START,
    KEY_LINE,
    NOT_CANONICAL,
    ORDER_LINE,
    PLAIN_WORDS,
    TOP_LINE,
    NotCanonical,
    read_scalar,
    write_scalar,
)
from ..format.yamlio import RawList, RawMap, parse_yaml
from .collation import sort_key


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
        lines.append(f"{prefix}{key}: {write_scalar(value)}\n")
    return "".join(lines)


# --- the index of a roster text -----------------------------------------------------------------

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
        self.parsed = parse or NOT_CANONICAL.search("\n" + text) is not None
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
        for m in TOP_LINE.finditer(self.text):
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
        offsets = [m.start() + 1 for m in ITEM_START.finditer(text, begin - 1, end)]
        entries = self.entries
        values: dict | None = None
        scalar, words = read_scalar, PLAIN_WORDS
        for item, key, field_key, raw in ORDER_LINE.findall(text, begin - 1, end):
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
            m = KEY_LINE.match(line)
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
                m = KEY_LINE.match(self.text[s:e].rstrip("\r\n"))
                out[key] = read_scalar(m.group(2))
        return out

    def indent(self) -> int:
        """How far the entries' dashes are indented (2 in the canonical layout)."""
        if not self.entries:
            return 2
        line = self.text[self.entries[0].item: self._line_end(self.entries[0].item)]
        return len(line) - len(line.lstrip(" "))

    # -- ordering

    def position_for(self, sig: Signatory, as_listed: frozenset[str] = frozenset()) -> int:
        """The index in `entries` before which a new entry for `sig` belongs.

        Within its kind, after every entry that sorts before or equal to it (binary search, so
        only a few sort keys are computed), or after the last of its kind when the letter
        prints that kind as listed (order of signing); a kind not yet in the file goes after
        all entries.
        """
        if not hasattr(self, "_by_kind"):
            self._by_kind: dict[str, list[int]] = {}
            self._sort_keys: dict[int, tuple] = {}
            for i, e in enumerate(self.entries):
                self._by_kind.setdefault(e.kind, []).append(i)
        same = self._by_kind.get(sig.kind)
        if not same:
            return len(self.entries)
        if sig.kind in as_listed:
            return same[-1] + 1

        def key_of(i: int) -> tuple:
            if i not in self._sort_keys:
                self._sort_keys[i] = sort_key(self.entries[i].signatory())
            return self._sort_keys[i]

        j = bisect.bisect_right(same, sort_key(sig), key=key_of)
        return same[j] if j < len(same) else same[-1] + 1


# --- edits --------------------------------------------------------------------------------------

def with_newline(text: str, newline: str) -> str:
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


def kind_order(doc: RosterText, sigs: list[Signatory]) -> dict[str, int]:
    """The rank of each kind in the file: as the kinds first appear, new kinds after them
    (individuals before organisations, as the default sections print them)."""
    ranks: dict[str, int] = {}
    for e in doc.entries:
        ranks.setdefault(str(e.kind), len(ranks))
    for kind in ("individual", "organization", *(str(s.kind) for s in sigs)):
        ranks.setdefault(kind, len(ranks))
    return ranks


def insert_entries(doc: RosterText, sigs: list[Signatory],
                   blocks: list[str] | None = None,
                   as_listed: frozenset[str] = frozenset()) -> str:
    """The roster text with new entries spliced in at their sorted places; nothing else moves.

    Entries of a kind the letter prints `as-listed` go after the last of their kind, in the
    order given. `blocks`, when given, are the entries' texts (else `format_entry` of each
    signatory). Whatever the file held before, each kind stays in one run, as `fmt` keeps it.
    """
    placed: dict[int, list[tuple[tuple, str]]] = {}
    ranks = kind_order(doc, sigs)
    indent = doc.indent()
    for n, sig in enumerate(sigs):
        block = blocks[n] if blocks is not None else format_entry(sig)
        if indent != 2:  # a hand-formatted file: match its indentation
            block = "".join(" " * indent + "- " + line[4:] if line.startswith(ITEM_PREFIX)
                            else " " * (indent + 2) + line[4:]
                            for line in block.splitlines(keepends=True))
        key = (n, "") if sig.kind in as_listed else sort_key(sig)
        placed.setdefault(doc.position_for(sig, as_listed), []).append(
            ((ranks[str(sig.kind)], key), with_newline(block, doc.newline)))
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
    line = f"{key}: {write_scalar(value)}"
    m = re.search(rf"^{re.escape(key)}:(?: (.*?))? *(?=\r?$)", text, re.M)
    if m:
        return text[:m.start()] + line + comment_of(m.group(1)) + text[m.end():]
    m = re.search(r"^signatories:", text, re.M)
    if m:
        return text[:m.start()] + line + newline + text[m.start():]
    lead = "" if not text or text.endswith("\n") else newline
    return text + lead + line + newline


def comment_of(raw: str | None) -> str:
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
            m = KEY_LINE.match(old.rstrip("\r\n"))
            comment = comment_of(m.group(2)) if single and m else ""
            ending = nl if old.endswith("\n") else ""
            edits.append((s, e, f"{prefix}{key}: {write_scalar(value)}{comment}{ending}"))
    new_keys = [k for k in changes if k not in present and changes[k] is not None]
    rank = {k: n for n, k in enumerate(FIELD_ORDER)}
    inserts: dict[int, list[str]] = {}
    for key in sorted(new_keys, key=lambda k: rank.get(k, len(rank))):
        before = [o for o in owned if rank.get(o[0], -1) < rank.get(key, len(rank))]
        anchor = max(before, key=lambda o: rank.get(o[0], -1)) if before else owned[0]
        if rank.get(anchor[0], -1) < 0:
            anchor = owned[-1]
        inserts.setdefault(anchor[2], []).append(
            f"{field_prefix}{key}: {write_scalar(changes[key])}{nl}")
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
