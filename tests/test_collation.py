"""Folding and look-alike keys: the fast translate tables give what the definitions say."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from undersigned.roster.collation import fold, identity_key, identity_keys
from undersigned.textsafety import ZERO_WIDTH, latin_lookalike, skeleton

NAMES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def fold_by_definition(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(w for w in __import__("re").findall(r"[^\W_]+", text.casefold()))


def skeleton_by_definition(text: str) -> str:
    return "".join(latin_lookalike(ch) or ch for ch in unicodedata.normalize("NFKD", text)
                   if ch not in ZERO_WIDTH and unicodedata.category(ch) != "Cf")


@settings(max_examples=400, deadline=None)
@given(NAMES)
def test_fold_is_its_definition(text):
    assert fold(text) == fold_by_definition(text)


@settings(max_examples=400, deadline=None)
@given(NAMES)
def test_skeleton_is_its_definition(text):
    assert skeleton(text) == skeleton_by_definition(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(NAMES.filter(lambda n: "\n" not in n), max_size=8))
def test_identity_keys_at_once_are_each_key(names):
    assert identity_keys(names) == [identity_key(n) for n in names]


def test_real_names_in_many_scripts():
    assert fold("Wróblewski, Nájera & Ojea-Quintana") == "wroblewski najera ojea quintana"
    assert fold("Nguyễn Thị Minh") == "nguyen thi minh"
    assert fold("Øystein Þórður") == "øystein þorður"
    assert skeleton("Hum\u0430n\u200b Rights") == "Human Rights"  # Cyrillic а, zero width
    assert identity_keys(["ACAT - UK", "Ирина Шевчук", "김민준"]) == [
        identity_key("ACAT - UK"), identity_key("Ирина Шевчук"), identity_key("김민준")]
