"""quotes: each change honest quoting makes is tolerated; every other change is caught."""

from __future__ import annotations

import pytest

from undersigned.sources.quotes import (
    MAX_OMISSION,
    block_quotation,
    body_quotations,
    closest_passage,
    normalise,
    verify_quotation,
)

SOURCE = """\
The Committee is concerned that the State party does not grant asylum seekers access to
a fair procedure. It recommends that the State party should “respect the principle of
non-refoulement” and refrain from returning any person to a country where there are
substantial grounds for believing that he or she would be in danger of being sub-
jected to torture. Illegal border crossers will be returned to the other side with
information on their identity. The Committee’s view is unchanged.
Arnold Fang said: “As far as I know, the consulate is the safest place for [the defector],”
"""


def found(quotation: str, source: str = SOURCE) -> bool:
    return verify_quotation(quotation, source).found


# --- tolerated --------------------------------------------------------------------------------

@pytest.mark.parametrize("quotation", [
    # the exact words
    "does not grant asylum seekers access to a fair procedure",
    # curly and straight quotation marks, either way round, single for double when nested
    'should "respect the principle of non-refoulement"',
    "should ‘respect the principle of non-refoulement’",
    "The Committee's view is unchanged",
    # whitespace and line breaks: the source breaks lines anywhere; the quotation may too
    "does not grant asylum seekers access to a fair procedure",
    "does not   grant asylum\nseekers access to a\tfair procedure",
    "does\u00a0not grant asylum seekers",
    # a word hyphenated across the source's lines, quoted whole
    "in danger of being subjected to torture",
    # a real compound that happens to end a line keeps its hyphen
    "the principle of non-refoulement",
    # an omission, marked by an ellipsis in every usual spelling
    "does not grant asylum seekers … a fair procedure",
    "does not grant asylum seekers ... a fair procedure",
    "does not grant asylum seekers . . . a fair procedure",
    "does not grant asylum seekers […] a fair procedure",
    "does not grant asylum seekers [...] a fair procedure",
    "does not grant asylum seekers…a fair procedure",
    "the State party should […] refrain from returning any person",
    # several omissions, in order
    "The Committee is concerned … access to … procedure",
    # a leading or trailing ellipsis: the sentence goes on
    "… refrain from returning any person …",
    # a bracketed insertion that stands for the source's words
    "[i]llegal border crossers will be returned",
    "[The State] does not grant asylum seekers access",
    "would be in danger of being subjected to [ill-treatment]",
    "the consulate is the safest place for [the defector]",  # the source's own brackets
    "the consulate is the safest place for [him]",
    # a bracketed insertion of words the source does not have at all
    "the State party [, it says,] does not grant asylum seekers access",
    # the first letter may change case to fit the writer's sentence
    "respect the principle of non-refoulement",
    "Respect the principle of non-refoulement",
    "illegal border crossers will be returned",
    # punctuation that closes the writer's sentence inside the quotation marks
    "the Committee’s view is unchanged.",
    "does not grant asylum seekers access to a fair procedure,",
    "As far as I know, the consulate is the safest place for [the defector].",
    # typographic equivalents: ligatures, non-breaking hyphens, soft hyphens
    "a ﬁair procedure".replace("ﬁair", "fair"),
    "the principle of non\u2011refoulement",
    "asy\u00adlum seekers",
])
def test_tolerated(quotation):
    assert found(quotation), quotation


def test_ligature_in_a_pdf_source():
    assert found("the first and final word", "the ﬁrst and ﬁnal word")


def test_hyphenation_in_a_pdf_source_with_spaces_around_the_break():
    assert found("protection from persecution", "enjoy protec- \n  tion from persecution")


def test_a_soft_hyphen_at_a_line_end_joins_the_word():
    assert found("Protection", "Protec\u00ad\ntion")


def test_a_line_end_hyphen_before_a_capital_is_a_real_hyphen():
    assert found("Franco-German", "the Franco-\nGerman border")
    assert not found("FrancoGerman", "the Franco-\nGerman border")


# --- rejected ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("quotation", "why"), [
    ("does not grant refugees access to a fair procedure", "a changed word"),
    ("does not grant asylum seekers access to a just procedure", "a changed word"),
    ("the State party does grant asylum seekers access", "a dropped negation"),
    ("It recommends that the State party should not respect", "an added negation"),
    ("does not grant asylum seekers access to torture", "stitched from two places"),
    ("a fair procedure. Illegal border crossers", "stitched without an ellipsis"),
    ("Illegal border crossers … does not grant asylum seekers", "omission out of order"),
    ("does not grant Asylum seekers", "a capital inside the quotation"),
    ("does not grant asylum seekers access to a fair procedure!", "added punctuation"),
    ("does not grant asylum–seekers", "a dash for a space"),
    ("non–refoulement", "an en dash is not a hyphen"),
    ("does not grant asylum seekers access to a fair procedure. It recommends that the State"
     " party must", "a changed word after a true start"),
    ("The Committee is concerned [that] refrain from returning any person",
     "an insertion may not stand for a whole sentence"),
])
def test_rejected(quotation, why):
    assert not found(quotation), why


def test_an_omission_is_bounded():
    far = "The start of it. " + "Filler words here. " * (MAX_OMISSION // 10) + "The end of it."
    assert found("The start of it … The end of it", "The start of it. Short. The end of it.")
    assert not found("The start of it … The end of it", far)


def test_an_empty_quotation_is_trivially_found():
    assert found("…")


# --- the closest passage ----------------------------------------------------------------------

def test_a_changed_word_shows_the_true_words():
    verdict = verify_quotation("the consulate is the best place for [the defector]", SOURCE)
    assert not verdict.found
    assert verdict.passage == "the consulate is the safest place for [the defector],"
    assert 85 < verdict.score < 100


def test_a_dropped_negation_shows_the_true_words():
    verdict = verify_quotation("the State party does grant asylum seekers access", SOURCE)
    assert "does not grant asylum seekers access" in verdict.passage


def test_the_passage_is_the_original_text_with_its_own_marks_and_hyphens():
    verdict = verify_quotation("in danger of being subjected to torment", SOURCE)
    assert "in danger of being sub- jected to torture." in verdict.passage


def test_closest_passage_of_an_empty_source():
    assert closest_passage("words", normalise("")) == ("", 0.0)


def test_normalise_maps_back_to_the_original():
    n = normalise("a  “b”\n c-\nd")
    assert n.text == 'a "b" c\x00d'
    assert n.excerpt(2, len(n.text)) == "“b” c-\nd".replace("\n", " ")


# --- quoted passages of the body ----------------------------------------------------------------

def test_body_quotations_need_a_footnote_call_right_after():
    text = ("They said “one”[^a] and “two” and “three”,[^b][^c] then “four” [^d] and "
            "“five”.[^e]")
    assert body_quotations(text) == [("one", ["a"]), ("three", ["b", "c"]), ("five", ["e"])]


def test_body_quotations_nested_marks_and_markup():
    text = ("It urged States to “abstain from *forcibly* repatriating “persons of concern” "
            "\\[and others]”.[^n]")
    assert body_quotations(text) == [
        ("abstain from forcibly repatriating “persons of concern” [and others]", ["n"])]


def test_body_quotations_ignore_unbalanced_marks():
    assert body_quotations("a stray ”[^b] and an open “quote[^a]") == []


def test_a_block_quotation_ending_in_a_footnote_call():
    assert block_quotation("The State party should […] refrain.[^a][^b]") == [
        ("The State party should […] refrain.", ["a", "b"])]
    assert block_quotation("Words with a call[^a] inside and none at the end.") == []
