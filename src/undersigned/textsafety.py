"""Hostile text: invisible, control and bidi characters, mixed scripts and look-alike letters.

Names, titles and citations arrive pasted from Word, PDFs and web forms that anyone can fill.
This module says what in a text is suspicious (for `validate`), folds look-alikes so that a
disguised duplicate is found, makes text safe to print in a terminal, and scrubs text for
rendering so that no character can break an output's structure.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata

#: Embeddings, overrides and isolates: they reorder what follows them ("Trojan Source").
#: The marks LRM, RLM and ALM are not here: right-to-left text uses them legitimately and
#: they cannot reverse a run of text on their own.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Characters that take no space: a name with one looks like a name without it.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: Joiners that Persian, Indic scripts and emoji need; flagged only between Latin, Greek or
#: Cyrillic letters, where they have no use but to disguise.
JOINERS = frozenset("\u200c\u200d")
#: Invisible format characters that right-to-left text and hyphenation use legitimately.
ALLOWED_FORMAT = frozenset("\u200e\u200f\u061c\u00ad")
#: Line breaks other than \n and \r: a renderer or a terminal may break the line there,
#: so one name could print as two lines (a signatory that is not on the list).
HIDDEN_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

_CONTROL_RE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_CONTROL = re.compile(f"[{_CONTROL_RE}]")
# Everything `scrub` may have to touch; text without any of these is returned as it is.
_SCRUB = re.compile(f"[{_CONTROL_RE}\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Everything `visible` shows as <U+XXXX>; \n and \t stay as they are (a lone \r does not: in
# a terminal it sends the cursor back to overwrite what was printed).
_INVISIBLE = re.compile(
    f"[{_CONTROL_RE}\r\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u061c"
    "\ufff9-\ufffb\U000e0000-\U000e007f]")

_OPENERS = {"\u202a": "e", "\u202b": "e", "\u202d": "e", "\u202e": "e",
            "\u2066": "i", "\u2067": "i", "\u2068": "i"}
_CLOSER = {"e": "\u202c", "i": "\u2069"}

# Look-alike letters come from the Unicode confusables data (UTS #39) as the
# confusable-homoglyphs package ships it, not from a hand-made table: Cherokee "ᎪᏞᎬX" imitates
# "ALEX" as well as Cyrillic "АСАТ" imitates "ACAT". Cyrillic and Greek letters count as
# foreign in a Latin word even without a look-alike of their own.
_FOREIGN = ("CYRILLIC", "GREEK")


@functools.cache
def _confusables() -> dict[str, list[dict]]:
    """The confusables data: character → the characters it can be confused with."""
    import json
    import os
    from importlib.util import find_spec

    # the package's own data file, read directly: `import confusable_homoglyphs.confusables`
    # would also import urllib.request, which every `validate` would then pay for
    spec = find_spec("confusable_homoglyphs")
    folder = next(iter(spec.submodule_search_locations))
    with open(os.path.join(folder, "confusables.json"), encoding="utf-8") as f:
        return json.load(f)


@functools.cache
def latin_lookalike(ch: str) -> str | None:
    """The ASCII letter (or digit) that `ch` looks like, per the Unicode confusables data (a
    letter before a digit; the first in the data). Worked out per character, when asked."""
    if ch.isascii():
        return None
    found = [h["c"] for h in _confusables().get(ch, ())
             if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
    letters = [c for c in found if c.isalpha()]
    return (letters or found or [None])[0]


def _latin_lookalikes() -> dict[str, str]:
    """Every non-ASCII character with a Latin look-alike → that letter (for whole scripts)."""
    return {ch: t for ch in _confusables() if len(ch) == 1 and (t := latin_lookalike(ch))}


@functools.lru_cache(maxsize=65536)  # asked of every letter of every name: once per letter
def script_of(ch: str) -> str | None:
    """The script of a letter from its Unicode name ('LATIN', 'CYRILLIC', 'GREEK', …)."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else None


def _in_alphabet_context(text: str, i: int) -> bool:
    """True when neither neighbour of text[i] is of a script (or an emoji) that needs joiners."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(text):
            ch = text[j]
            category = unicodedata.category(ch)
            if category in ("So", "Sk", "Mn", "Mc") or (
                    ch.isalpha() and script_of(ch) not in ("LATIN", *_FOREIGN)):
                return False
    return True


def _kind(text: str, i: int) -> str | None:
    """What is suspicious about text[i], or None."""
    ch = text[i]
    if ch in "\t\n\r":
        return None
    if ch in BIDI_CONTROLS:
        return "bidi control"
    if ch in HIDDEN_BREAKS:
        return "hidden line break"
    if _CONTROL.match(ch):
        return "control character"
    if ch in ZERO_WIDTH:
        if ch in JOINERS and not _in_alphabet_context(text, i):
            return None
        return "zero-width character"
    if unicodedata.category(ch) == "Cf" and ch not in ALLOWED_FORMAT:
        return "invisible format character"
    return None


def suspicious_characters(text: str, one_line: bool = False) -> list[tuple[str, str]]:
    """(character, what it is) for each distinct suspicious character of `text`, in order.

    `one_line` also flags \\n and \\r (a field that is printed on one line, like a name).
    """
    found: dict[str, str] = {}
    if not _INVISIBLE.search(text) and not (one_line and ("\n" in text or "\r" in text)):
        return []
    for i, ch in enumerate(text):
        if ch in found:
            continue
        if one_line and ch in "\n\r":
            found[ch] = "line break"
        elif kind := _kind(text, i):
            found[ch] = kind
    return list(found.items())


def codepoint(ch: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE' (or just 'U+0001' for a character without a name)."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def describe(found: list[tuple[str, str]], limit: int = 3) -> str:
    """A short list of what `suspicious_characters` found: 'U+202E RIGHT-TO-LEFT … (bidi …)'."""
    shown = [f"{codepoint(ch)} ({kind})" for ch, kind in found[:limit]]
    more = len(found) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def visible(text: str) -> str:
    """The text with every invisible or control character shown as <U+XXXX>: safe for a
    terminal (no escape sequences, nothing reordered) and honest about what is there."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def excerpt(value, limit: int = 20) -> str:
    """A short, scrubbed excerpt of a value for a message: on one line, its invisible and
    control characters shown as <U+XXXX>, cut to `limit` characters. A message about a
    value of the wrong type must not print a whole file (a key, a token) into a CI log."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return visible(text)


def no_control(text: str) -> str:
    """The text with its control characters (C0 but tab and line breaks, DEL, C1: the
    makings of a terminal escape sequence) shown as <U+XXXX>; everything else kept. For
    machine output (CSV) that may be printed to a terminal."""
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text) if _CONTROL.search(text) \
        else text


_C1 = re.compile("[\x7f-\x9f]")


def json_safe(dumped: str) -> str:
    """JSON text (from json.dumps(..., ensure_ascii=False)) with DEL and the C1 controls
    escaped as \\u00XX too: json escapes only U+0000–U+001F, and U+009B is a terminal's CSI.
    The values a program reads are unchanged."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def close_bidi(text: str) -> str:
    """Close the embeddings, overrides and isolates that `text` leaves open, so that they end
    with the text instead of reordering whatever is printed after it."""
    stack: list[str] = []
    for ch in text:
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch == "\u202c":
            if stack and stack[-1] == "e":
                stack.pop()
        elif ch == "\u2069" and "i" in stack:
            while stack.pop() != "i":
                pass
    return text + "".join(_CLOSER[k] for k in reversed(stack))


def scrub(text: str) -> str:
    """Text made safe to render: control characters dropped (tab and line breaks kept),
    hidden line breaks turned into spaces, unclosed bidi controls closed."""
    if not _SCRUB.search(text):
        return text
    text = "".join(" " if ch in HIDDEN_BREAKS else ch for ch in text)
    text = _CONTROL.sub("", text)
    return close_bidi(text)


def one_line(text: str) -> str:
    """A field that prints on one line (a name, a title): scrubbed, its line breaks spaces."""
    text = scrub(text)
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


_SKIP = ("pos", "field_pos", "item_pos", "path")


def scrub_tree(obj):
    """A copy of a model object (dataclasses, lists, dicts) with every string scrubbed; the
    object itself when nothing needed scrubbing (the common case costs no copy)."""
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, list):
        new = [scrub_tree(x) for x in obj]
        return obj if all(a is b for a, b in zip(new, obj, strict=True)) else new
    if isinstance(obj, dict):
        new_items = {k: scrub_tree(v) for k, v in obj.items()}
        return obj if all(new_items[k] is v for k, v in obj.items()) else new_items
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if f.name in _SKIP or not f.init:
                continue
            value = getattr(obj, f.name)
            new = scrub_tree(value)
            if new is not value:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


def visible_tree(obj):
    """A copy of a report object (dataclasses, lists, tuples, dicts) with `visible` applied to
    every string: for reports whose every string may come from someone else's file."""
    if isinstance(obj, str):
        return visible(obj)
    if isinstance(obj, list | tuple):
        return type(obj)(visible_tree(x) for x in obj)
    if isinstance(obj, dict):
        return {k: visible_tree(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(obj, **{f.name: visible_tree(getattr(obj, f.name))
                                           for f in dataclasses.fields(obj) if f.init})
    return obj


# --- spreadsheets ------------------------------------------------------------------------------

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"), and the
#: full-width forms that some spreadsheet locales read the same way.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that no spreadsheet evaluates: a cell that starts (after spaces) like a
    formula gets a leading single quote, which spreadsheets show as text and do not print."""
    if cell.lstrip(" ").startswith(FORMULA_START):
        return "'" + cell
    return cell


_FORMULA = re.compile(
    r"[=+\-@\uff1d\uff0b\uff0d\uff20]\s*(?:"
    r"[A-Za-z_][\w.]*\s*\("  # a function call: =HYPERLINK(…), @SUM(…)
    r"|[^|]*\|"  # a DDE call: +cmd|' /C calc'!A0
    r"|[\d.]+\s*[-+*/^&<>=]"  # arithmetic: =1+1, -2+3
    r"|\$?[A-Za-z]{1,3}\$?\d+\b"  # a cell reference: =A1, =$B$2
    r")")


def formula_like(text: str) -> bool:
    """Whether a name reads as a spreadsheet formula: '=HYPERLINK(…)', '+cmd|' /C calc'!A0',
    '=1+1', '=A1'. Not '+972 Magazine', '@Mention' or '=Equals Org': a sign before plain
    words is no formula (a spreadsheet shows an error, not a link or a command)."""
    return bool(_FORMULA.match(text.lstrip()))


def unprintable_name(name: str) -> str | None:
    """Why a name cannot be printed as a name, or None: it has no visible character (only
    spaces and invisible ones), or it holds a control character, a tab or a line break."""
    if name.isprintable() and name.strip():
        return None
    if any(ch == "\t" for ch in name):
        return "holds a tab"
    found = [(ch, kind) for ch, kind in suspicious_characters(name, one_line=True)
             if kind in ("control character", "hidden line break", "line break")]
    if found:
        return f"holds {describe(found)}"
    if not "".join(ch for ch in name if not ch.isspace() and ch.isprintable()
                   and unicodedata.category(ch) not in ("Cf", "Mn", "Me")):
        return "has no visible character (only spaces or invisible characters)"
    return None


def from_spreadsheet(cell: str) -> str:
    """Undo `spreadsheet_safe` on a cell read back from a CSV file."""
    if cell.startswith("'") and cell[1:].lstrip(" ").startswith(FORMULA_START):
        return cell[1:]
    return cell


# --- look-alikes -------------------------------------------------------------------------------

class _Skeleton(dict):
    """The `str.translate` table of `skeleton`, filled as characters are first met: invisible
    characters are dropped, look-alikes become the Latin letter, the rest stay. Each character
    is looked at once in Python; after that, names of any script translate at C speed."""

    def __missing__(self, code: int) -> int | str | None:
        ch = chr(code)
        if ch in ZERO_WIDTH or unicodedata.category(ch) == "Cf":
            value = None
        else:
            value = latin_lookalike(ch) or code
        self[code] = value
        return value


_SKELETON = _Skeleton()


def skeleton(text: str) -> str:
    """The text as it looks: decomposed, invisible characters dropped, look-alikes of Latin
    letters (Unicode confusables data) replaced by the letter they imitate. 'Humаn' (Cyrillic
    а) → 'Human'; 'ᎪᏞᎬX' (Cherokee) → 'ALEX'."""
    return unicodedata.normalize("NFKD", text).translate(_SKELETON)


def _foreign(ch: str) -> bool:
    """A letter of another script than Latin that can pass for Latin: Cyrillic and Greek, and
    any letter with a Latin look-alike in the confusables data (Cherokee, Armenian…)."""
    script = script_of(ch)
    return script not in (None, "LATIN") and (script in _FOREIGN or bool(latin_lookalike(ch)))


@functools.cache
def _targets(scripts: frozenset[str]) -> frozenset[str]:
    """The Latin letters that letters of `scripts` imitate (both cases)."""
    found = {t for ch, t in _latin_lookalikes().items() if script_of(ch) in scripts}
    return frozenset(found | {t.swapcase() for t in found if t.swapcase() in found})


def mixed_script(name: str) -> str | None:
    """Why a name's letters look like a disguise, or None.

    Suspicious: a word that mixes Latin with letters of a script that can pass for Latin
    ('Humаn' with a Cyrillic а, 'ᎪᏞᎬX' with Cherokee letters beside a Latin X); or, in a name
    that has both, a word spelled only with letters that have a look-alike in the other
    script ('АСАТ UK' in Cyrillic capitals). A name in two scripts side by side, such as
    'Мемориал (Memorial)', is not.
    """
    if name.isascii():
        return None
    scripts = {s for ch in name if (s := script_of(ch))}
    foreign_letters = [ch for ch in name if _foreign(ch)]
    if "LATIN" not in scripts or not foreign_letters:
        return None
    foreign_scripts = frozenset(script_of(ch) for ch in foreign_letters)
    for word in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", name)):
        letters = [(ch, script_of(ch)) for ch in word]
        word_scripts = {s for _, s in letters}
        foreign = [ch for ch, _ in letters if _foreign(ch)]
        if "LATIN" in word_scripts and foreign:
            return (f"the word '{word}' mixes Latin and {_script_names(foreign)} letters "
                    f"({_letters(foreign)})")
        decomposed = unicodedata.normalize("NFKD", word)
        base = [ch for ch in decomposed if not unicodedata.combining(ch)]
        if foreign and all(latin_lookalike(ch) for ch in base):
            return (f"the word '{word}' is written in {_script_names(foreign)} letters that "
                    f"look like Latin ones ({_letters(foreign)}) in a name that is otherwise "
                    "Latin")
        if not foreign and len(scripts) > 1 and all(ch in _targets(foreign_scripts)
                                                    for ch in base) \
                and _mostly_foreign(name):
            return (f"the word '{word}' is written in Latin letters that look like "
                    f"{_script_names(foreign_letters)} ones in a name that is otherwise not "
                    "Latin")
    return None


def _mostly_foreign(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return sum(_foreign(ch) for ch in letters) > sum(script_of(ch) == "LATIN" for ch in letters)


def _script_names(chars: list[str]) -> str:
    names = sorted({script_of(ch).title() for ch in chars if script_of(ch)})
    return " and ".join(names)


def _letters(chars: list[str], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(chars))
    shown = ", ".join(f"'{ch}' {codepoint(ch)}" for ch in distinct[:limit])
    return shown + (" …" if len(distinct) > limit else "")
