"""Where a letter's translations live, their language tags, and the keys and labels of units."""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import TranslationError
from ..locales import known_language

TRANSLATIONS_DIR = "translations"
HEADER = "# yaml-language-server: $schema=../../schema/translation.schema.json\n"
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
SCALARS = ("title", "subject", "salutation", "closing", "place")
PARTIES = ("addressees", "cc")
PARTY_FIELDS = ("name", "title", "organization", "address")
#: joins the parts of a unit's key ('notes', note key, index): a character no key can hold
SEP = "\x1f"


def K(*parts) -> str:  # noqa: N802 - short: it is read in every place a key is made
    """A unit's key from its parts: K('notes', 'coi.2014', 0)."""
    return SEP.join(str(p) for p in parts)


def parts_of(key: str) -> list[str]:
    return key.split(SEP)


def unit_label(key: str) -> str:
    parts = parts_of(key)
    if parts[0] in PARTIES:
        who = "addressee" if parts[0] == "addressees" else "cc"
        return f"the {parts[2]} of {who} '{parts[1]}'"
    if parts[0] == "notes":
        return f"text {int(parts[2]) + 1} of note '{parts[1]}'"
    if parts[0] == "sources":
        return f"the title of source '{parts[1]}'"
    if parts[0] == "signatures":
        return ("the heading of the signatures" if parts[1] == "heading" else
                "the note of the signatures" if parts[1] == "note" else
                f"the heading of the '{parts[2]}' signatures")
    return f"the {key}"


# --- where translations live ------------------------------------------------------------------

def translations_dir(letter_path: Path) -> Path:
    """`letters/<slug>.yaml` → `translations/<slug>/` (beside `letters/`)."""
    return letter_path.parent.parent / TRANSLATIONS_DIR / file_slug(letter_path)


def translation_path(letter_path: Path, lang: str) -> Path:
    return translations_dir(letter_path) / f"{lang}.yaml"


def translation_files(letter_path: Path) -> list[Path]:
    """The translation files of a letter, sorted by language tag."""
    folder = translations_dir(letter_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def spelled_tag(letter_path: Path, lang: str) -> str:
    """The tag as the letter's translation files spell it (tags ignore case: `zh-hant` finds
    zh-Hant.yaml), or `lang` itself when there is no such file."""
    for path in translation_files(letter_path):
        if path.stem.lower() == lang.lower():
            return path.stem
    return lang


def file_slug(path: Path) -> str:
    return path.name.removesuffix(".yaml").removesuffix(".yml")


def check_lang_tag(lang: str) -> None:
    """Refuse anything but a BCP 47 tag CLDR knows: the tag names a file, so never a path."""
    if not _LANG_TAG.match(lang or "") or not known_language(lang):
        raise TranslationError(f"'{lang}' is not a language tag CLDR knows; use a BCP 47 tag "
                               "such as 'fr', 'ar', 'ko' or 'zh-Hant'")
