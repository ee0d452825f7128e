"""Runs of the other writing direction in a note are isolated, whole fields at a time."""

from __future__ import annotations

from undersigned.format.bidi import ATOM, atom, isolate_runs, strong_direction, unmark
from undersigned.format.inline import Span, Text


def field(text: str) -> list:
    return atom([Text(text)])


def shown(nodes: list) -> str:
    """Nodes as text with each span's kind as a tag: <ltr>…</ltr>."""
    out = ""
    for n in nodes:
        if isinstance(n, Text):
            out += n.text
        else:
            assert n.kind != ATOM, "an atom marker left in the note"
            out += f"<{n.kind}>{shown(n.children)}</{n.kind}>"
    return out


def test_strong_direction_is_that_of_the_first_letter_with_one():
    assert strong_direction("A/RES/217(III)") == "ltr"
    assert strong_direction("10 ديسمبر 1948") == "rtl"
    assert strong_direction("2024, (12)") is None
    assert strong_direction("שלום world") == "rtl"


def test_english_fields_in_an_arabic_note_are_isolated_with_their_own_punctuation():
    link = Span("link", [Text("https://example.org/reports/")], "https://example.org/reports/")
    note = [*field("Example Aid Group Inc."), Text(", “"), *field("Who Decides?"),
            Text("”, "), *field("The Example Times"), Text(", "), *field("5 يناير 2024"),
            Text(", "), *field("p. 4"), Text(", "), *atom([link])]
    assert shown(isolate_runs(note, "rtl")) == (
        "<ltr>Example Aid Group Inc., “Who Decides?”, The Example Times</ltr>, 5 يناير 2024, "
        "<ltr>p. 4, <link>https://example.org/reports/</link></ltr>")


def test_a_run_stops_at_the_first_word_of_the_notes_own_direction():
    note = [*field("United Nations General Assembly"), Text(", "), *field("الإعلان"),
            Text(" ("), *field("10 ديسمبر 1948"), Text("), "), *field("A/RES/217(III)"),
            Text(", "), *field("art. 19"), Text(" (تاريخ الاطلاع "), *field("1 مارس 2024"),
            Text(").")]
    assert shown(isolate_runs(note, "rtl")) == (
        "<ltr>United Nations General Assembly</ltr>, الإعلان (10 ديسمبر 1948), "
        "<ltr>A/RES/217(III), art. 19</ltr> (تاريخ الاطلاع 1 مارس 2024).")


def test_an_isolate_never_holds_half_of_a_pair_of_brackets():
    note = [*field("Title"), Text(" (Adopted at "), *field("NPC"), Text(" on "),
            *field("10 ديسمبر 1948"), Text("), "), *field("ملاحظة")]
    assert shown(isolate_runs(note, "rtl")) == (
        "<ltr>Title</ltr> (<ltr>Adopted at NPC on</ltr> 10 ديسمبر 1948), ملاحظة")


def test_a_note_with_nothing_in_its_own_direction_is_one_isolate_with_its_full_stop():
    note = [*field("Id."), Text(", "), *field("art. 19"), Text(".")]
    assert shown(isolate_runs(note, "rtl")) == "<ltr>Id., art. 19.</ltr>"


def test_an_arabic_title_in_an_english_note_is_isolated_right_to_left():
    note = [*field("Report"), Text(" ["), *field("تقرير."), Text("], "), *field("2024"),
            Text(".")]
    assert shown(isolate_runs(note, "ltr")) == "Report [<rtl>تقرير.</rtl>], 2024."


def test_a_note_in_one_direction_is_only_unmarked():
    note = [Span("em", [*field("Title")]), Text(", "), *field("p. 4"), Text(".")]
    assert isolate_runs(note, "ltr") == unmark(note) == [
        Span("em", [Text("Title")]), Text(", "), Text("p. 4"), Text(".")]
    digits = [*field("2024"), Text(", "), *field("١٢")]  # no letter at all: nothing to isolate
    assert isolate_runs(digits, "rtl") == unmark(digits)


def test_an_isolate_across_emphasis_splits_the_emphasis():
    note = [Span("em", [*field("Title"), Text(", ")]), *field("عربي")]
    out = isolate_runs(note, "rtl")
    assert shown(out) == "<ltr><em>Title</em></ltr><em>, </em>عربي"
