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

# Letters of the Cyrillic and Greek alphabets that look like a Latin letter in common fonts,
# after decomposition (so "ё" is already "е" plus a mark). Written out by hand: the aim is the
# disguises a person can type or paste, not every glyph of every font.
CONFUSABLES = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y",
    "Ӏ": "I", "Ԁ": "D",
    # Cyrillic small letters
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l", "к": "k", "ѵ": "v",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Greek small letters
    "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x", "ϲ": "c",
    "ϳ": "j",
}
_LATIN_LOOKALIKES = frozenset(CONFUSABLES.values())
_FOREIGN = ("CYRILLIC", "GREEK")


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


def from_spreadsheet(cell: str) -> str:
    """Undo `spreadsheet_safe` on a cell read back from a CSV file."""
    if cell.startswith("'") and cell[1:].lstrip(" ").startswith(FORMULA_START):
        return cell[1:]
    return cell


# --- look-alikes -------------------------------------------------------------------------------

class _Skeleton(dict):
    """The `str.translate` table of `skeleton`, filled as characters are first met: invisible
    characters are dropped, look-alikes become the Latin letter, the rest stay (each character
    is looked at once in Python, then every name is translated at C speed)."""

    def __missing__(self, code: int) -> int | str | None:
        ch = chr(code)
        if ch in ZERO_WIDTH or unicodedata.category(ch) == "Cf":
            value = None
        else:
            value = CONFUSABLES.get(ch, code)
        self[code] = value
        return value


_SKELETON = _Skeleton()


def skeleton(text: str) -> str:
    """The text as it looks: decomposed, invisible characters dropped, Cyrillic and Greek
    look-alikes replaced by the Latin letter they imitate. 'Humаn' (Cyrillic а) → 'Human'."""
    return unicodedata.normalize("NFKD", text).translate(_SKELETON)


def mixed_script(name: str) -> str | None:
    """Why a name's letters look like a disguise, or None.

    Suspicious: a word that mixes Latin with Cyrillic or Greek letters ('Humаn'); or, in a
    name that has both, a word spelled only with letters that have a look-alike in the other
    script ('АСАТ UK' in Cyrillic capitals). A name in two scripts side by side, such as
    'Мемориал (Memorial)', is not.
    """
    scripts = {s for ch in set(name) if (s := script_of(ch))}
    if "LATIN" not in scripts or not scripts & set(_FOREIGN):
        return None
    for word in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", name)):
        letters = [(ch, script_of(ch)) for ch in word]
        word_scripts = {s for _, s in letters}
        foreign = [ch for ch, s in letters if s in _FOREIGN]
        if "LATIN" in word_scripts and foreign:
            return (f"the word '{word}' mixes Latin and {_script_names(foreign)} letters "
                    f"({_letters(foreign)})")
        decomposed = unicodedata.normalize("NFKD", word)
        base = [ch for ch in decomposed if not unicodedata.combining(ch)]
        if foreign and all(ch in CONFUSABLES for ch in base):
            return (f"the word '{word}' is written in {_script_names(foreign)} letters that "
                    f"look like Latin ones ({_letters(foreign)}) in a name that is otherwise "
                    "Latin")
        if not foreign and len(scripts) > 1 and all(ch in _LATIN_LOOKALIKES for ch in base) \
                and _mostly_foreign(name):
            return (f"the word '{word}' is written in Latin letters that look like "
                    f"{_script_names([c for c in name if script_of(c) in _FOREIGN])} ones "
                    "in a name that is otherwise not Latin")
    return None


def _mostly_foreign(name: str) -> bool:
    letters = [script_of(ch) for ch in name if ch.isalpha()]
    return sum(s in _FOREIGN for s in letters) > sum(s == "LATIN" for s in letters)


def _script_names(chars: list[str]) -> str:
    names = sorted({script_of(ch).title() for ch in chars if script_of(ch)})
    return " and ".join(names)


def _letters(chars: list[str], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(chars))
    shown = ", ".join(f"'{ch}' {codepoint(ch)}" for ch in distinct[:limit])
    return shown + (" …" if len(distinct) > limit else "")
