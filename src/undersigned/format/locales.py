"""What a language changes in the output: dates, numbers, collation, writing direction and fonts.

Dates and numbers come from CLDR through Babel. While a letter is prepared in a language the
renderer enters `localized(lang, translated)`; `dates.format_date` and `format_count` read it
from there, so that the date pattern does not have to be threaded through every citation
function (which other work on citation styles changes at the same time).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from ..errors import LanguageError

#: right-to-left scripts' languages (CLDR says the same; kept here so the check is cheap and
#: works without loading locale data)
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur",
                           "yi"})

#: fonts named in CSS and DOCX for scripts the default serif faces lack, each with fallbacks
#: (the first installed one wins in CSS; DOCX names the first, Word substitutes the rest)
ARABIC_FONTS = ("Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New",
                "Times New Roman")
HEBREW_FONTS = ("Noto Serif Hebrew", "Noto Sans Hebrew", "David", "Times New Roman")

_TOKEN = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D")
_CLDR = {"YYYY": "y", "YY": "yy", "MMMM": "MMMM", "MMM": "MMM", "MM": "MM", "M": "M",
         "DD": "dd", "D": "d"}


@dataclass(frozen=True)
class Localized:
    lang: str
    translated: bool  # a translation: the letter's date pattern is mapped to the locale's own


_CURRENT: ContextVar[Localized | None] = ContextVar("undersigned_locale", default=None)


@contextlib.contextmanager
def localized(lang: str, translated: bool) -> Iterator[None]:
    """Format dates and numbers in `lang` inside this block (see the module docstring)."""
    token = _CURRENT.set(Localized(lang, translated))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Localized | None:
    return _CURRENT.get()


def base_language(lang: str) -> str:
    """'zh-Hant-TW' → 'zh'."""
    return (lang or "").replace("_", "-").split("-")[0].lower()


def is_english(lang: str) -> bool:
    return base_language(lang) == "en"


def direction(lang: str) -> str:
    """'rtl' for a right-to-left language, else 'ltr'."""
    return "rtl" if base_language(lang) in RTL_LANGUAGES else "ltr"


@cache
def babel_locale(lang: str):
    """The Babel locale of a BCP 47 tag; LanguageError when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as e:
        raise LanguageError(f"'{lang}' is not a language CLDR knows; use a BCP 47 tag such as "
                            "'fr', 'ar', 'ko' or 'zh-Hant'") from e


def known_language(lang: str) -> bool:
    try:
        babel_locale(lang)
    except LanguageError:
        return False
    return True


def cldr_pattern(pattern: str) -> str:
    """Our token pattern as a CLDR pattern: 'MMMM D, YYYY' → "MMMM d',' y"."""
    out, last = [], 0
    for m in _TOKEN.finditer(pattern):
        out.append(_literal(pattern[last:m.start()]))
        out.append(_CLDR[m.group(0)])
        last = m.end()
    out.append(_literal(pattern[last:]))
    return "".join(out)


def _literal(text: str) -> str:
    if not text:
        return ""
    return "'" + text.replace("'", "''") + "'"


def cldr_skeleton(pattern: str) -> str:
    """The fields a token pattern shows, as a CLDR skeleton ('MMMM D, YYYY' → 'yMMMMd'):
    each locale then orders and spells them its own way."""
    tokens = set(_TOKEN.findall(pattern))
    year = "yy" if "YY" in tokens and "YYYY" not in tokens else "y"
    month = next((t for t in ("MMMM", "MMM", "MM", "M") if t in tokens), "")
    day = "dd" if "DD" in tokens else "d" if "D" in tokens else ""
    return year + month + day


def format_localized_date(day, pattern: str, loc: Localized) -> str:
    """A date in a language: the letter's own pattern with that language's month names, or, in
    a translation, the locale's own arrangement of the same fields."""
    from babel.dates import format_date, format_skeleton

    locale = babel_locale(loc.lang)
    if loc.translated:
        return format_skeleton(cldr_skeleton(pattern), day, locale=locale)
    return format_date(day, cldr_pattern(pattern), locale=locale)


def format_count(number: int) -> str:
    """A count of signatories as the current language writes numbers (English: as before)."""
    loc = current()
    if loc is None or is_english(loc.lang):
        return str(number)
    from babel.numbers import format_decimal

    return format_decimal(number, locale=babel_locale(loc.lang))


def collation_key(lang: str) -> Callable[[str], object] | None:
    """A sort key for texts in `lang` by its CLDR collation (PyICU), or None without PyICU.

    PyICU is optional (the `icu` extra) because it has no wheels: it builds against the
    system's ICU (see docs/dependencies.md).
    """
    try:
        import icu
    except ImportError:
        return None
    return _collator(icu, lang)


@cache
def _collator(icu, lang: str):
    collator = icu.Collator.createInstance(icu.Locale(lang.replace("-", "_")))
    return collator.getSortKey


def font_stack(lang: str) -> tuple[str, ...]:
    """Fonts a language's script needs beyond the default serif faces (empty when none)."""
    base = base_language(lang)
    if base in ("ar", "fa", "ur", "ps", "sd", "ckb", "ug"):
        return ARABIC_FONTS
    if base in ("he", "iw", "yi"):
        return HEBREW_FONTS
    return ()
