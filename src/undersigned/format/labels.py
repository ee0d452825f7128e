"""The fixed words of the page (the notes' heading, "cc:", …) in the letter's language.

One table ships with the package (`labels.yaml`); a tag is looked up along its parts
(zh-Hant-TW, zh-Hant, zh) and then in English, and a translation's own `labels:` win.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .schema import LABEL_KEYS  # the keys a page uses; a translation's `labels:` may set them

if TYPE_CHECKING:
    from .load import Reader
    from .yamlio import RawMap

TABLE = Path(__file__).resolve().parent.parent / "labels.yaml"


#: Chinese regions written in Traditional characters, for a tag that names no script
_TRADITIONAL_REGIONS = frozenset({"tw", "hk", "mo"})


@cache
def _table() -> dict[str, dict[str, str]]:
    # the package's own file: the C loader when PyYAML has it (the pure-Python one took a
    # tenth of a cold render)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(TABLE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return {tag.lower(): dict(words) for tag, words in data.items()}


def fallback_tags(lang: str) -> list[str]:
    """'zh-Hant-TW' → ['zh-hant-tw', 'zh-hant', 'zh', 'en']; 'zh-TW' tries 'zh-hant' first."""
    parts = (lang or "en").replace("_", "-").lower().split("-")
    tags = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    if parts[0] == "zh" and len(parts) > 1 and parts[1] in _TRADITIONAL_REGIONS:
        tags.insert(tags.index("zh"), "zh-hant")
    return [*tags, "en"] if tags[-1] != "en" else tags


def page_labels(lang: str, own: dict[str, str] | None = None) -> dict[str, str]:
    """The page's words in `lang`: the translation's `own` first, then the built-in table."""
    table = _table()
    out: dict[str, str] = {}
    for tag in reversed(fallback_tags(lang)):
        out.update(table.get(tag, {}))
    out.update({k: v for k, v in (own or {}).items() if k in LABEL_KEYS and v})
    return out


def read_labels(r: Reader, top: RawMap) -> dict[str, str]:
    """A translation file's own words for the page (its `labels:` mapping), checked: an
    unknown word is a warning (`unknown-key`), a word that is not text an error."""
    node = top.get("labels")
    if node is None or not (m := r.expect_map(node, top.value_pos["labels"], "'labels'")):
        return {}
    out: dict[str, str] = {}
    for key, value in m.items():
        if key not in LABEL_KEYS:
            import difflib  # only for an unknown word

            close = difflib.get_close_matches(str(key), LABEL_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"its words: {', '.join(LABEL_KEYS)}"
            r.warning(m.key_pos[key], "unknown-key",
                      f"'labels' has no word '{key}', so it is ignored; {hint}")
        elif value is not None and (text := r.text(value, m.value_pos[key], f"labels.{key}")):
            out[key] = text
    return out
