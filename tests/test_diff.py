"""diff: the semantic comparison of two states of a letter and roster, and its three formats."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from undersigned.review import changes as d
from undersigned.review import diffreport, difftexts
from undersigned.review.diff import diff_letter, word_diff
from undersigned.review.diffreport import format_markdown, format_text, md_escape, summary
from undersigned.review.difftexts import TextSide, diff_texts, load_letter_text, load_roster_text

LETTER = """\
# yaml-language-server: $schema=../schema/letter.schema.json
kind: statement
title: A test statement
body:
  - id: opening
    paragraph: We are writing about the detention of refugees.[^detained]
  - The commission found crimes against humanity.[^coi] It recommended an end to returns.[^coi-rec]
  - heading: Our requests
  - list:
      - End forcible repatriation.
      - Grant access to UNHCR.[^unhcr]
  - Thank you.
footnotes:
  detained:
    - cite: sr-2022
      pinpoint: para. 9
  coi:
    - cite: coi-2014
      pinpoint: paras. 380-434
  coi-rec:
    - cite: coi-2014
      pinpoint: para. 1221(a)
  unhcr:
    - cite: unhcr-2013
    - text: See also the 2004 statement.
sources:
  sr-2022:
    type: un-document
    title: Report of the Special Rapporteur
    number: A/77/522
    issued: 2022-10-13
  coi-2014:
    type: un-document
    title: Report of the commission of inquiry
    number: A/HRC/25/CRP.1
    URL: https://undocs.org/A/HRC/25/CRP.1
    accessed: 2023-09-05
  unhcr-2013:
    type: press-release
    author: UNHCR
    title: UNHCR chief calls on states to respect non-refoulement
    URL: https://www.unhcr.org/news/afternorth-koreans
    accessed: 2023-09-07
"""

ROSTER = """\
# yaml-language-server: $schema=../schema/roster.schema.json
as_of: 2023-09-21
signatories:
  - name: David Alton
    kind: individual
    title: Member of the House of Lords
    sort_as: Alton David
    signed_on: 2023-09-21
    status: confirmed

  - name: Lee Yanghee
    kind: individual
    title: Former Special Rapporteur
    sort_as: Lee Yanghee
    signed_on: 2023-09-21
    status: confirmed

  - name: ACAT UK (Action by Christians for the Abolition of Torture)
    kind: organization
    signed_on: 2023-09-21
    status: confirmed

  - name: HanVoice
    kind: organization
    signed_on: 2023-09-21
    status: confirmed

  - name: Human Rights Watch (HRW)
    kind: organization
    signed_on: 2023-09-20
    status: withdrawn
    withdrawn_on: 2023-09-21
    withdrawal_reason: asked to be removed
"""

ADD_ENTRY = """
  - name: Amnesty International
    kind: organization
    signed_on: 2023-09-22
    status: confirmed
"""


def compare(letter_a=LETTER, letter_b=LETTER, roster_a=ROSTER, roster_b=ROSTER):
    """Compare two texts both through the text path and through the model path."""
    fast = diff_texts("t", TextSide(letter_a, roster_a), TextSide(letter_b, roster_b))

    def models(letter, roster):
        return (load_letter_text(letter, "letters/t.yaml", "l") if letter else None,
                load_roster_text(roster, "signatories/t.yaml", "r") if roster else None)

    slow = diff_letter("t", models(letter_a, roster_a), models(letter_b, roster_b))
    assert diffreport.as_dict(d.Diff("a", "b", letters=[fast])) == diffreport.as_dict(
        d.Diff("a", "b", letters=[slow])), "the fast roster path disagrees with the models"
    return fast


# --- signatories ----------------------------------------------------------------------------


def test_nothing_changed():
    result = compare()
    assert result.status == "unchanged" and not result.changed
    assert summary(result) == "no changes"


def test_added_signatory():
    result = compare(roster_b=ROSTER + ADD_ENTRY)
    assert [c.name for c in result.roster.added] == ["Amnesty International"]
    assert summary(result) == "+1 signatory"


def test_withdrawn_signatory_with_reason():
    roster = ROSTER.replace("""  - name: HanVoice
    kind: organization
    signed_on: 2023-09-21
    status: confirmed""", """  - name: HanVoice
    kind: organization
    signed_on: 2023-09-21
    status: withdrawn
    withdrawn_on: 2023-09-22
    withdrawal_reason: board decision""")
    result = compare(roster_b=roster)
    assert [c.name for c in result.roster.withdrawn] == ["HanVoice"]
    assert {c.field for c in result.roster.withdrawn[0].changes} == {
        "status", "withdrawn_on", "withdrawal_reason"}
    assert summary(result) == "1 withdrawn"
    assert "reason: board decision" in format_text(d.Diff("a", "b", letters=[result]))


def test_removed_and_reinstated():
    roster = ROSTER.replace("""  - name: David Alton
    kind: individual
    title: Member of the House of Lords
    sort_as: Alton David
    signed_on: 2023-09-21
    status: confirmed

""", "").replace("    status: withdrawn\n    withdrawn_on: 2023-09-21\n"
                 "    withdrawal_reason: asked to be removed\n", "    status: confirmed\n")
    result = compare(roster_b=roster)
    assert [c.name for c in result.roster.removed] == ["David Alton"]
    assert [c.name for c in result.roster.reinstated] == ["Human Rights Watch (HRW)"]
    assert summary(result) == "1 removed, 1 reinstated"


def test_field_changes_and_a_rename_are_matched_by_identity_then_fuzzily():
    roster = (ROSTER.replace("title: Member of the House of Lords", "title: Peer")
              .replace("ACAT UK (Action", "ACAT - UK (Action")      # same identity key
              .replace("name: HanVoice", "name: Han Voice")            # a fuzzy rename
              .replace("sort_as: Lee Yanghee", "sort_as: Yanghee Lee"))
    result = compare(roster_b=roster)
    assert not result.roster.added and not result.roster.removed
    changed = {c.name: c for c in result.roster.changed}
    assert set(changed) == {"David Alton", "Lee Yanghee", "ACAT - UK (Action by Christians for "
                            "the Abolition of Torture)", "Han Voice"}
    assert changed["David Alton"].changes == [
        d.FieldChange("title", "Member of the House of Lords", "Peer")]
    assert changed["Han Voice"].old_name == "HanVoice"
    assert changed["Lee Yanghee"].changes[0].field == "sort_as"
    assert summary(result) == "4 signatories changed"


def test_private_fields_are_never_shown():
    roster = ROSTER.replace("    sort_as: Alton David\n",
                            "    sort_as: Alton David\n    email: alton@example.org\n")
    result = compare(roster_b=roster)
    (change,) = result.roster.changed[0].changes
    assert (change.field, change.old, change.new) == ("email", None, "(private)")
    assert "alton@example.org" not in diffreport.format_json(d.Diff("a", "b", letters=[result]))


def test_as_of_date():
    result = compare(roster_b=ROSTER.replace("as_of: 2023-09-21", "as_of: 2023-09-22"))
    assert result.roster.as_of == d.FieldChange("as_of", "2023-09-21", "2023-09-22")
    assert summary(result) == "as of 2023-09-21 → 2023-09-22"


def test_a_hand_formatted_roster_is_loaded_in_full():
    flow = ("as_of: 2023-09-21\nsignatories:\n- {name: David Alton, kind: individual, "
            "signed_on: 2023-09-21}\n")
    result = compare(roster_a=flow, roster_b=flow.replace("}", ", title: Peer}"))
    assert result.roster.changed[0].changes == [d.FieldChange("title", None, "Peer")]


def test_a_comment_or_a_moved_entry_is_no_change():
    roster = ROSTER.replace("  - name: HanVoice", "  # joined by e-mail\n  - name: HanVoice")
    assert not compare(roster_b=roster).changed


# --- footnotes and sources ------------------------------------------------------------------


def test_source_url_changed_shows_in_every_footnote_citing_it():
    letter = LETTER.replace("afternorth-koreans", "after-north-koreans")
    result = compare(letter_b=letter)
    (note,) = result.footnotes.changed
    assert (note.key, note.new_number) == ("unhcr", 4)
    assert note.changes == [d.FieldChange(
        "URL", "https://www.unhcr.org/news/afternorth-koreans",
        "https://www.unhcr.org/news/after-north-koreans", "source unhcr-2013")]
    assert summary(result) == "footnote 4 URL changed"


def test_citation_pinpoint_and_text_part():
    letter = (LETTER.replace("pinpoint: para. 1221(a)", "pinpoint: para. 1221(b)")
              .replace("See also the 2004 statement.", "See also the 2004 proposal."))
    result = compare(letter_b=letter)
    changes = {n.key: n.changes for n in result.footnotes.changed}
    assert changes == {
        "coi-rec": [d.FieldChange("pinpoint", "para. 1221(a)", "para. 1221(b)",
                                  "citation of coi-2014")],
        "unhcr": [d.FieldChange("text", "See also the 2004 statement.",
                                "See also the 2004 proposal.", "text 2")],
    }
    assert summary(result).startswith("footnotes 3, 4 changed")


def test_a_source_change_counts_once_per_footnote():
    letter = LETTER.replace("accessed: 2023-09-05", "accessed: 2023-09-06")
    result = compare(letter_b=letter)
    assert [n.key for n in result.footnotes.changed] == ["coi", "coi-rec"]
    assert summary(result) == "footnotes 2, 3 accessed changed"


def test_footnotes_added_removed_and_renumbered():
    letter = (LETTER.replace("of refugees.[^detained]", "of refugees.[^new][^detained]")
              .replace("It recommended an end to returns.[^coi-rec]", "")
              .replace("  coi-rec:\n    - cite: coi-2014\n      pinpoint: para. 1221(a)\n",
                       "  new:\n    - text: A new note.\n"))
    result = compare(letter_b=letter)
    f = result.footnotes
    assert [(n.key, n.new_number) for n in f.added] == [("new", 1)]
    assert [(n.key, n.old_number) for n in f.removed] == [("coi-rec", 3)]
    assert [(n.key, n.old_number, n.new_number) for n in f.renumbered] == [
        ("detained", 1, 2), ("coi", 2, 3)]
    assert "footnote 1 added, footnote 3 removed, footnotes 2, 3 renumbered" in summary(result)


def test_unused_source_change_is_counted():
    letter = LETTER + "  spare:\n    type: report\n    title: Spare\n"
    result = compare(letter_a=letter, letter_b=letter.replace("title: Spare", "title: Other"))
    assert summary(result) == "1 unused source changed"


# --- paragraphs -----------------------------------------------------------------------------


def test_paragraph_edited_word_by_word():
    letter = LETTER.replace("It recommended an end to returns.",
                            "It recommended an immediate end to all returns.")
    result = compare(letter_b=letter)
    (edit,) = result.body.edited
    assert (edit.old_number, edit.new_number, edit.moved) == (2, 2, False)
    assert [(w.op, w.text) for w in edit.words if w.op != "equal"] == [
        ("insert", "immediate "), ("insert", "all ")]
    assert summary(result) == "paragraph 2 edited"


def test_paragraph_added_removed_and_moved():
    letter = (LETTER.replace("  - Thank you.\n", "")
              .replace("  - heading: Our requests\n",
                       "  - Thank you.\n  - A new paragraph.\n  - heading: Our requests\n"))
    result = compare(letter_b=letter)
    b = result.body
    assert [(c.new_number, c.new_text) for c in b.added] == [(4, "A new paragraph.")]
    assert [(c.old_number, c.new_number) for c in b.moved] == [(5, 3)]
    assert not b.removed and not b.edited
    result = compare(letter_b=LETTER.replace("  - Thank you.\n", ""))
    assert [(c.old_number, c.old_text) for c in result.body.removed] == [(5, "Thank you.")]


def test_paragraph_matched_by_id_even_when_rewritten():
    letter = LETTER.replace("We are writing about the detention of refugees.",
                            "Completely different words here.")
    (edit,) = compare(letter_b=letter).body.edited
    assert (edit.id, edit.new_number) == ("opening", 1)


def test_list_item_edit_and_ordered_flag():
    letter = LETTER.replace("  - list:\n", "  - ordered: true\n    list:\n").replace(
        "Grant access", "Grant full access")
    (edit,) = compare(letter_b=letter).body.edited
    assert edit.kind == "list"
    assert edit.changes == [d.FieldChange("ordered", "false", "true")]
    assert [w.text for w in edit.words if w.op == "insert"] == ["full "]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .\n", max_size=40), st.text(alphabet="ab .\n", max_size=40))
def test_word_diff_rebuilds_both_texts(old, new):
    ops = word_diff(old, new)
    assert "".join(o.text for o in ops if o.op != "insert") == old
    assert "".join(o.text for o in ops if o.op != "delete") == new


def test_a_reworded_sentence_is_one_replacement():
    ops = word_diff("Yes. There has been no documentation of it. End.",
                    "Yes. No improvement has been documented since. End.")
    assert [(o.op, o.text) for o in ops] == [
        ("equal", "Yes. "),
        ("delete", "There has been no documentation of it."),
        ("insert", "No improvement has been documented since."),
        ("equal", " End."),
    ]


# --- endorsements, whole letters, formats ---------------------------------------------------


def test_text_change_affects_recorded_endorsements():
    from undersigned.roster.fingerprint import fingerprint

    old = load_letter_text(LETTER, "letters/t.yaml", "l")
    roster = ROSTER.replace("    status: confirmed\n",
                            f"    status: confirmed\n    endorsed: {fingerprint(old)}\n")
    letter = LETTER.replace("Thank you.", "Thank you all.")
    result = compare(letter_b=letter, roster_a=roster, roster_b=roster)
    e = result.endorsements
    assert e.text_changed and e.invalidated and e.endorsed_earlier == 4
    assert summary(result).endswith("4 endorsements of the earlier text")
    assert not compare(roster_a=roster, roster_b=roster).endorsements.text_changed


def test_letter_added_and_removed():
    result = compare(letter_a=None, roster_a=None)
    assert result.status == "added" and len(result.roster.added) == 5
    assert summary(result).startswith("letter added, +5 signatories")
    result = compare(letter_b=None, roster_b=None)
    assert result.status == "removed" and len(result.body.removed) == 5


def test_letter_metadata_fields():
    result = compare(letter_b=LETTER.replace("title: A test statement", "title: Renamed"))
    assert result.fields == [d.FieldChange("title", "A test statement", "Renamed")]
    assert summary(result) == "title changed"


def test_markdown_escapes_what_github_would_interpret():
    assert md_escape("*a* [^b] <c> |d| _e_ `f`") == (
        r"\*a\* \[^b\] \<c\> \|d\| \_e\_ \`f\`")
    letter = LETTER.replace("Thank you.", "Thank *you* <b>all</b>.")
    md = format_markdown(d.Diff("a", "b", "a b", [compare(letter_b=letter)]))
    assert "\\<b\\>" in md and "<b>" not in md.replace("<details>", "")


def test_json_is_plain_data():
    result = compare(roster_b=ROSTER + ADD_ENTRY)
    data = json.loads(diffreport.format_json(d.Diff("a", "b", "a b", [result])))
    assert data["letters"][0]["signatories"]["added"][0]["name"] == "Amnesty International"
    assert data["letters"][0]["summary"] == "+1 signatory"


def test_colour_is_only_added_through_the_style_function():
    letter = LETTER.replace("Thank you.", "Thanks.")
    result = d.Diff("a", "b", "a b", [compare(letter_b=letter)])
    plain = format_text(result)
    assert "\x1b[" not in plain and "[-Thank you.-]{+Thanks.+}" in plain
    import click

    coloured = format_text(result, click.style)
    assert "\x1b[" in coloured and click.unstyle(coloured) != plain  # no markers in colour


# --- property: the fast roster comparison agrees with the models --------------------------------

NAMES = st.sampled_from(["David Alton", "Lee Yanghee", "HanVoice", "Han Voice", "ACAT UK",
                         "ACAT - UK", "Human Rights Watch (HRW)", "Viet Tan", "THINK",
                         "Amnesty International", "Amnesty Internationale"])


def _roster(entries: list[tuple[str, str, str, str]], as_of: str) -> str:
    blocks = []
    for name, kind, status, title in entries:
        lines = [f"  - name: {name}", f"    kind: {kind}"]
        if title:
            lines.append(f"    title: {title}")
        lines += ["    signed_on: 2023-09-20", f"    status: {status}"]
        blocks.append("\n".join(lines) + "\n")
    return f"as_of: {as_of}\nsignatories:\n" + "\n".join(blocks)


ENTRY = st.tuples(NAMES, st.sampled_from(["individual", "organization"]),
                  st.sampled_from(["confirmed", "pending", "withdrawn"]),
                  st.sampled_from(["", "Director", "Chair"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRY, max_size=6), st.lists(ENTRY, max_size=6), st.booleans())
def test_property_fast_roster_diff_equals_the_model_diff(a, b, moved):
    """Whatever the two rosters hold (duplicates, renames, withdrawals), both paths agree."""
    old = _roster(a, "2023-09-21")
    new = _roster(list(reversed(b)) if moved else b, "2023-09-22" if moved else "2023-09-21")
    compare(letter_a=None, letter_b=None, roster_a=old, roster_b=new)


def test_a_roster_read_from_git_has_the_size_guard_of_a_roster_read_from_disk(monkeypatch):
    """diff reads rosters as load_roster does: a large file outside the canonical layout is
    refused (yaml-too-large) rather than handed to the slow parser."""
    import pytest

    from undersigned.errors import LoadError
    from undersigned.format import load

    text = "as_of: 2023-09-21\nsignatories: [" + ", ".join(
        f"{{name: Org {n}, kind: organization, signed_on: 2023-09-21}}" for n in range(50)) + "]\n"
    assert difftexts.load_roster_text(text, "signatories/x.yaml", "x.yaml").signatories
    monkeypatch.setattr(load, "MAX_SLOW_BYTES", 1000)
    with pytest.raises(LoadError, match="yaml-too-large"):
        difftexts.load_roster_text(text, "signatories/x.yaml", "x.yaml")


def test_a_withdrawal_is_read_as_a_value_not_found_as_a_substring():
    assert difftexts._block_value("  - name: A\n    status: withdrawn  # asked by email\n",
                          "status") == "withdrawn"
    assert difftexts._block_value('  - name: A\n    status: "withdrawn"\n', "status") == "withdrawn"
    assert difftexts._block_value("  - name: A\n    via: 'status: withdrawn'\n", "status") is None
