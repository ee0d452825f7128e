"""Directory order and name matching: the collation keys the renderer and the validator use."""

from __future__ import annotations

import re
import unicodedata

from ..format.model import Signatory

_WORD = re.compile(r"[^\W_]+")
_PARENS = re.compile(r"\([^()]*\)")


class _WithoutMarks(dict):
    """A `str.translate` table that drops combining marks, filled as characters are first met.

    Accented names (Wróblewski, Nájera, Nguyễn) decompose into letters and marks; asking
    `unicodedata.combining` of every character from Python doubled the time of every roster
    command on international names. The table answers each character once; after that the
    whole name is translated at C speed.
    """

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_WITHOUT_MARKS = _WithoutMarks()


def without_marks(text: str) -> str:
    """The text decomposed (NFKD), without its combining marks: 'Nájera' → 'Najera'."""
    return unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS)


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free form of a text: 'ACAT - Belgique' → 'acat belgique'."""
    if not text.isascii():  # most names are ASCII: skip decomposing them
        text = without_marks(text)
    return " ".join(_WORD.findall(text.casefold()))


def sort_key(s: Signatory) -> tuple[str, str]:
    """Where a signatory stands in its section.

    Individuals sort by family name: `sort_as` when given ("Lee Yanghee"), else the last word
    of the name and then the rest ("David Alton" → "alton david"). Organisations sort by name.
    Ties are broken by the exact name so the order is total and stable.

    The key is kept on the signatory with the fields it was made from, and made again when
    any of them changed: the live preview sorts the same 50,000 signatories after each save.
    """
    memo = s.__dict__.get("_sort_key")
    if memo is not None and memo[0] == s.name and memo[1] == s.kind and memo[2] == s.sort_as:
        return memo[3]
    key = _sort_key(s)
    s.__dict__["_sort_key"] = (s.name, s.kind, s.sort_as, key)
    return key


def _sort_key(s: Signatory) -> tuple[str, str]:
    if s.sort_as:
        key = fold(s.sort_as)
    elif s.kind == "individual":
        # Split on spaces before folding: a hyphenated family name is one word ("Ojea-Quintana").
        words = s.name.split() or [""]  # a blank name (an error) must not crash sorting
        key = fold(" ".join([words[-1], *words[:-1]]))
    else:
        key = fold(s.name)
    return key, s.name


def identity_key(name: str) -> str:
    """The form under which two names count as the same signatory.

    Folds case, accents, punctuation and spacing, and drops parenthesised parts such as an
    acronym ("Human Rights Watch (HRW)" ≡ "Human Rights Watch") — "ACAT UK" ≡ "ACAT - UK".
    """
    return fold(_PARENS.sub(" ", name)) or fold(name)


def acronym_of(name: str) -> str | None:
    """The acronym given in parentheses, if any: 'Human Rights Watch (HRW)' → 'hrw'."""
    for inner in re.findall(r"\(([^()]*)\)", name):
        word = inner.strip()
        if 2 <= len(word) <= 12 and " " not in word and word.upper() == word and word.isalpha():
            return word.casefold()
    return None


_BULK_PARENS = re.compile(r"\([^()\n]*\)")
_BULK_GAPS = re.compile(r"(?:[^\w\n]|_)+")
_ASCII_GAPS = re.compile(r"[^0-9a-z\n]+")  # the same as _BULK_GAPS on casefolded ASCII


def identity_keys(names: list[str]) -> list[str]:
    """`[identity_key(n) for n in names]`, computed on all names at once (a 50,000-name roster
    in a fraction of the time): the same steps applied to the names joined by newlines."""
    if not names:
        return []
    if any("\n" in n for n in names):
        return [identity_key(n) for n in names]
    text = _BULK_PARENS.sub(" ", "\n".join(names))
    if text.isascii():  # most rosters: no accents to drop, and an ASCII class is twice as fast
        text = _ASCII_GAPS.sub(" ", text.casefold())
    else:
        text = without_marks(text)
        text = _BULK_GAPS.sub(" ", text.casefold())
    # gaps are single spaces now: drop those at the start and end of each line
    text = text.replace("\n ", "\n").replace(" \n", "\n").strip(" ")
    return [key or identity_key(name) for key, name in zip(text.split("\n"), names, strict=True)]


_DIGITS = re.compile(r"\d+")


def numbers_differ(a: str, b: str) -> bool:
    """True when two names carry different numbers ("Local 12" / "Local 13"): not a typo.

    Numbered chapters, branches and unions are distinct signatories however alike their
    names, so fuzzy matching never pairs names whose numbers differ.
    """
    return _DIGITS.findall(a) != _DIGITS.findall(b)
