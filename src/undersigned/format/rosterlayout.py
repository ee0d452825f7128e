"""The roster's canonical layout, in one place: its line patterns, how a value is read from a
line and the one way a value is written to one.

A roster in this layout (docs/format.md) is `as_of:` and `signatories:` at the top, then one
entry per block, `  - name: …` and one `    key: value` line per field. Everything that reads
or writes roster text without the YAML parser goes through this module:

- `scan_canonical_roster` reads a whole roster into the same raw nodes as the YAML parser
  (`format/load.py`, `review/diff.py`);
- `read_scalar` reads one value (`roster/rosterfile.py` indexes and edits entries with it);
- `write_scalar` writes one value (`sign` commands, `fmt` of a roster, the CSV import);
- `plain_ok` decides plain against quoted for every writer, and `quote` is the scalar writer
  of letters and translations (`fmt`, `translate`), so that no writer leaves a word plain
  that a YAML 1.1 reader would take for a boolean, a null or a number ("NO" is false to
  PyYAML; we write "NO").
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Iterator

from ..errors import RosterError
from ..problems import Pos
from .yamlio import _KEYWORDS, _NUMBER_START, RawList, RawMap, resolve_plain

# The order in which `format_entry` writes fields; an edit inserts a missing field at its place
# in this order, and leaves the order of fields already in the file alone.
FIELD_ORDER = (
    "name", "kind", "title", "sort_as", "country", "signed_on", "status", "withdrawn_on",
    "withdrawal_reason", "named", "via", "lang", "endorsed", "email", "consent",
)
ITEM_PREFIX = "  - "
FIELD_PREFIX = "    "


# --- recognising the layout ------------------------------------------------------------------

# A line outside the canonical layout: not an entry line, a field line, a comment, a blank, or a
# top-level key. Patterns start with a newline rather than `^` under re.M: the engine then
# jumps from newline to newline, which is several times faster on a 10 MB roster.
NOT_CANONICAL = re.compile(
    r"\n(?!  - [A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z)|    [A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z)"
    r"| *#| *\r?\n| *\Z|[A-Za-z_][\w-]*:(?: |\r?\n|\r?\Z))")
TOP_LINE = re.compile(r"^([A-Za-z_][\w-]*):(?: +(.*?))? *(?=\r?$)", re.M)
ITEM_START = re.compile(r"\n  - ")
# The lines the index needs from each entry: its first line, and its name, kind and sort_as.
ORDER_LINE = re.compile(
    r"\n(?:(  - )([A-Za-z_][\w-]*)|    (name|kind|sort_as)):(?: (.*?))? *(?=\r?\n|\r?\Z)")
PLAIN_WORDS = {"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"}
KEY_LINE = re.compile(r" *(?:- )?([A-Za-z_][\w-]*):(?: (.*?))? *\Z")


# A line outside the canonical roster layout: not blank, not a comment, and not a top-level
# key, an entry's first line or a field whose value (if any) stays on its line.
_LOOSE_LINE = re.compile(
    r"^(?!$| *#|(?:  - |    )?[A-Za-z_][\w-]*:(?:$|[ \t]*#|[ \t]+[^|>\[{&*!\s#]))", re.M)


def plainly_laid_out(text: str) -> bool:
    """True when every line is in the roster's canonical one-line-per-field layout (a quick
    look: the loader decides exactly, this only picks which files to double-check)."""
    return not _LOOSE_LINE.search(text)


_SIGNATORIES = re.compile(r"^signatories:[ \t]*(?:#.*)?$", re.M)
_TOP_LEVEL = re.compile(r"\n[^ \n\r#]")


def roster_blocks(text: str) -> tuple[str, list[str]] | None:
    """(header, entry blocks) of a roster in the canonical layout, or None for any other."""
    m = _SIGNATORIES.search(text)
    if m is None:
        return None
    rest = text[m.end():]
    if _TOP_LEVEL.search(rest):
        return None
    chunks = rest.split("\n  - ")
    if chunks[0].strip() and not all(
            not line.strip() or line.lstrip().startswith("#") for line in chunks[0].split("\n")):
        return None
    return text[:m.end()], ["  - " + c.rstrip() for c in chunks[1:]]


# --- reading -----------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_TOP = re.compile(r"([A-Za-z_][\w-]*):(?: +(.*?))?\s*\Z")
_ITEM = re.compile(r"  - ([A-Za-z_][\w-]*):(?: +(.*?))?\s*\Z")
_FIELD = re.compile(r"    ([A-Za-z_][\w-]*):(?: +(.*?))?\s*\Z")
# An entry's line, first or later: (lead, key, raw value or None).
FIELD_LINE = re.compile(r"(  - |    )([A-Za-z_][\w-]*):(?: +(.*?))?\s*\Z")
# The common line of a roster entry: a key and a plain scalar with nothing YAML could read
# specially ('#', ':', quotes, brackets…); every other line takes the careful path below.
PLAIN_LINE = re.compile(
    r"(  - |    )([A-Za-z_][\w-]*): ([^\s\"'\[\]{}>|*&!%@`#,?:\-][^#:\t]*?) *\Z")
_READ_BAD_START = set("[]{}>|*&!%@`\"'#,?:-")
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?:\s+#.*)?\Z")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"(?:\s+#.*)?\Z')


def plain_value(raw: str):
    """The value of the raw scalar of a PLAIN_LINE: `read_scalar`'s answer, found without the
    checks such a line needs none of (most values are text that is not a keyword)."""
    return raw if raw[0] not in _NUMBER_START and raw not in _KEYWORDS else resolve_plain(raw)


@functools.lru_cache(maxsize=16)
def field_lines(fields: tuple[str, ...]) -> re.Pattern:
    """A pattern for the entry lines of the given fields across a whole roster text (re.M):
    groups (lead, key, raw value or None)."""
    return re.compile(r"^(  - |    )(" + "|".join(map(re.escape, fields))
                      + r"):(?: (.*?))? *(?=\r?$)", re.M)


class NotCanonical(Exception):
    """Raised inside the fast reader when a line is outside the canonical layout."""


def read_scalar(raw: str | None):
    """The value of a `key: raw` line of the canonical layout (raw as written after `: `);
    NotCanonical when it needs the full YAML parser (a flow collection, an alias…)."""
    if raw is None or raw == "":
        return None
    first = raw[0]
    if first == '"':
        m = _DOUBLE.match(raw)
        if not m:
            raise NotCanonical
        try:
            value = json.loads(f'"{m.group(1)}"')
        except ValueError:
            raise NotCanonical from None
        if _SURROGATE.search(value):
            raise NotCanonical  # a lone half of a pair: the parser reports it
        return value
    if first == "'":
        m = _SINGLE.match(raw)
        if not m:
            raise NotCanonical
        return m.group(1).replace("''", "'")
    if first in _READ_BAD_START and not (first == "-" and raw[1:2].isdigit()):
        raise NotCanonical
    if " #" in raw:
        raw = raw[: raw.index(" #")].rstrip()
    if ": " in raw or raw.endswith(":") or "\t" in raw:
        raise NotCanonical
    return resolve_plain(raw)


def scan_canonical_roster(text: str, display: str) -> RawMap | None:
    """Read a roster in the canonical layout with one pass of regular expressions.

    Returns None when any line is outside the layout; the caller then parses with the full
    YAML parser. Both give the same RawMap for the same file (a property test holds us to it).
    """
    root = RawMap(Pos(display, 1, 1))
    try:
        for _ in iter_canonical_roster(text, display, root, keep=True):
            pass
    except NotCanonical:
        return None
    if root.get("signatories") == []:
        return None  # `signatories:` with no entry is null to YAML: let the parser say so
    return root


# Lines are split a slice of about this many characters at a time: splitting a 200,000-entry
# roster at once would hold its 1.8 million lines in memory.
_SLICE = 1 << 16


def iter_canonical_roster(text: str, display: str, root: RawMap,
                          keep: bool = False) -> Iterator[RawMap]:
    """The entries of a roster in the canonical layout, one at a time, each whole when it is
    yielded, with the top-level keys going into `root` as they come.

    Raises NotCanonical at the first line outside the layout (so a caller that must not stop
    half-way reads the whole text once first). Unless `keep`, the `signatories` list in `root`
    stays empty and nothing of an entry is held once the next is read: what `sign list`
    streams. `scan_canonical_roster` keeps them all.
    """
    new_pos = tuple.__new__
    entries: RawList | None = None
    entry: RawMap | None = None
    started = False  # the list's position is that of its first '-', past any comment lines
    n = 0
    start, size = 0, len(text)
    while start <= size:
        end = text.find("\n", start + _SLICE)
        if end < 0:
            end = size
        lines = text[start:end].split("\n")
        start = end + 1
        for line in lines:
            n += 1
            if not line:
                continue
            fast = PLAIN_LINE.match(line)
            if fast is not None and entries is not None:
                lead, key, raw = fast.groups()
                pos = new_pos(Pos, (display, n, 5))  # Pos(display, n, 5), minus a call frame
                if lead == "  - ":
                    if not started:
                        started = True
                        entries.pos = root.value_pos["signatories"] = Pos(display, n, 3)
                    if entry is not None:
                        yield entry
                    entry = RawMap(pos, derived_values=True)
                    if keep:
                        entries.append(entry)
                        entries.item_pos.append(pos)
                elif entry is None or key in entry:
                    raise NotCanonical
                # plain_value, inlined
                entry[key] = raw if raw[0] not in _NUMBER_START and raw not in _KEYWORDS \
                    else resolve_plain(raw)
                entry.key_pos[key] = pos
                continue
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#") or not stripped.strip():
                continue
            if line[0] != " ":
                m = _TOP.match(line)
                if not m:
                    raise NotCanonical
                key, raw = m.group(1), m.group(2)
                if key in root:
                    raise NotCanonical
                if not root:  # the parser places a mapping at its first key
                    root.pos = Pos(display, n, 1)
                root.key_pos[key] = Pos(display, n, 1)
                if entry is not None:
                    yield entry
                entries = entry = None
                if key == "signatories" and raw is None:
                    entries = RawList(Pos(display, n + 1, 3))
                    root[key] = entries
                    root.value_pos[key] = entries.pos
                    continue
                root[key] = read_scalar(raw)
                root.value_pos[key] = Pos(display, n, len(key) + 3) if raw else root.key_pos[key]
                continue
            if entries is None:
                raise NotCanonical
            m = _ITEM.match(line)
            if m:
                if not started:
                    started = True
                    entries.pos = root.value_pos["signatories"] = Pos(display, n, 3)
                if entry is not None:
                    yield entry
                entry = RawMap(Pos(display, n, 5), derived_values=True)
                if keep:
                    entries.append(entry)
                    entries.item_pos.append(Pos(display, n, 5))
                col = 5
            else:
                m = _FIELD.match(line)
                if not m or entry is None:
                    raise NotCanonical
                col = 5
            key, raw = m.group(1), m.group(2)
            if key in entry or raw is None:
                raise NotCanonical
            entry[key] = read_scalar(raw)
            entry.key_pos[key] = Pos(display, n, col)
            entry.value_pos[key] = Pos(display, n, col + len(key) + 2)
    if entry is not None:
        yield entry


# --- writing -----------------------------------------------------------------------------------

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
# Plain words that some YAML reader (1.1 or 1.2) would not read as text: keep them quoted.
_TYPED = re.compile(
    r"(?:y|n|yes|no|on|off|true|false|null|~|<<|=)"
    r"|[-+]?\.(?:inf|nan)"
    r"|[-+]?0[xob][0-9a-f_]+"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:e[-+]?[0-9]+)?",
    re.IGNORECASE,
)


# The characters a _TYPED word can start with: most text skips the regular expression.
_TYPED_START = frozenset("yYnNoOtTfFeE_~<=.+-0123456789")


def unsafe_char(c: str) -> bool:
    """Characters that cannot stand unescaped in a YAML scalar."""
    return unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in "\ufeff\ufffe\uffff"


def plain_ok(s: str) -> bool:
    """True when `s` can be written unquoted and reads back as the same text everywhere."""
    if not s or s != s.strip() or s[0] in _INDICATORS or s.startswith("..."):
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if not s.isprintable() and any(unsafe_char(c) for c in s):  # printable text has none
        return False
    if s[0] in _TYPED_START and _TYPED.fullmatch(s):
        return False
    return isinstance(resolve_plain(s), str)


def _double_quoted(s: str) -> str:
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif unsafe_char(c) or (not c.isprintable() and c != " "):
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def quote(s: str) -> str:
    """A one-line YAML scalar for `s`: plain if possible, else quoted with the fewest escapes."""
    if plain_ok(s):
        return s
    if not any(unsafe_char(c) for c in s) and "\t" not in s:
        if '"' not in s and "\\" not in s:
            return f'"{s}"'
        return "'" + s.replace("'", "''") + "'"
    return _double_quoted(s)


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


def write_scalar(value) -> str:
    """One value as it appears after `key: ` in the canonical layout: the one scalar writer.

    A string is written plain when every YAML reader, 1.1 or 1.2, reads it back as the same
    string and it shows every character (`plain_ok`, and printable); otherwise it is double-
    quoted with JSON's escapes only, which the line scanner reads with `json.loads`.
    """
    if type(value) is str:  # most values: first
        return value if value.isprintable() and plain_ok(value) else _quote(value)
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
    return value if plain_ok(value) and value.isprintable() else _quote(value)
