"""validate: every rule with a failing fixture, the every-rule golden files, and the example."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from undersigned import fileio
from undersigned.checks.citations import UN_SYMBOL
from undersigned.checks.validate import RULES, check_letter_file
from undersigned.cli import cli

from .conftest import EXAMPLE_SLUG, FIXTURES, REPO, TODAY

LETTER = """\
kind: letter
title: T
date: 2023-09-21
addressees:
  - name: Xi Jinping
salutation: Dear President,
body:
  - We write.[^n1]
footnotes:
  n1:
    - cite: src
      pinpoint: para. 9
sources:
  src:
    type: report
    title: A report
    URL: https://example.org/report
    issued: 2023-09-01
    accessed: 2023-09-05
"""

ROSTER = """\
as_of: 2023-09-21
signatories:
  - name: David Alton
    kind: individual
    signed_on: 2023-09-21

  - name: Amnesty International
    kind: organization
    signed_on: 2023-09-20
    email: office@example.org
"""


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def check(tmp_path, letter: str | bytes, roster: str | None):
    """Validate a one-letter workspace; returns [(rule, line)] of every problem."""
    (tmp_path / "letters").mkdir(exist_ok=True)
    (tmp_path / "signatories").mkdir(exist_ok=True)
    path = tmp_path / "letters" / "l.yaml"
    if isinstance(letter, bytes):
        path.write_bytes(letter)
    else:
        path.write_text(letter, encoding="utf-8")
    if roster is not None:
        (tmp_path / "signatories" / "l.yaml").write_text(roster, encoding="utf-8")
    return check_letter_file(path, tmp_path, TODAY)[2]


def test_the_base_fixture_is_clean(tmp_path):
    assert check(tmp_path, LETTER, ROSTER) == []


# rule → (letter, roster, expected [(rule, line)]); each case is the clean base with one mistake.
L, R = LETTER, ROSTER
CASES = {
    "yaml-syntax": (edit(L, ("title: T", "title: [T")), R, [("yaml-syntax", 3)]),
    "yaml-encoding": (edit(L, ("title: T", "title: caf\udce9")).encode("utf-8", "surrogateescape"),
                      R, [("yaml-encoding", 2)]),
    "yaml-alias": (edit(L, ("title: T", "title: &t T")) + "closing: *t\n", R,
                   [("yaml-alias", 20)]),
    "yaml-tag": (edit(L, ("title: T", "title: !!binary VA==")), R, [("yaml-tag", 2)]),
    "duplicate-key": (L + "title: Again\n", R, [("duplicate-key", 20)]),
    "wrong-type": (L + "closing: 42\n", R, [("wrong-type", 20)]),
    "missing-field": (edit(L, ("title: T\n", "")), R, [("missing-field", 1)]),
    "unknown-key": (L + "salutaion: Hi\n", R, [("unknown-key", 20)]),
    "bad-date": (edit(L, ("issued: 2023-09-01", "issued: 2023-02-30")), R, [("bad-date", 18)]),
    "bad-value": (edit(L, ("type: report", "type: blog")), R,
                  [("bad-value", 15)]),
    "bad-block": (edit(L, ("[^n1]\n", "[^n1]\n  - {quote: a, list: [b]}\n")), R,
                  [("bad-block", 9)]),
    "empty-paragraph": (edit(L, ("  - We write.[^n1]\n", "  - We write.[^n1]\n  - ''\n")), R,
                        [("empty-paragraph", 9)]),
    "note-undefined": (edit(L, ("We write.[^n1]", "We write.[^n1][^n2]")), R,
                       [("note-undefined", 8)]),
    "note-unused": (edit(L, ("sources:\n", "  n2: Commentary.\nsources:\n")), R,
                    [("note-unused", 13)]),
    "note-empty": (edit(L, ("[^n1]", "[^n1][^n2]"), ("sources:\n", "  n2:\nsources:\n")), R,
                   [("note-empty", 13)]),
    "source-undefined": (edit(L, ("- cite: src", "- cite: scr")), R,
                         [("source-undefined", 11), ("source-unused", 14)]),
    "source-unused": (L + "  other:\n    type: report\n    title: Other\n", R,
                      [("source-unused", 20)]),
    "source-required": (edit(L, ("    title: A report\n", "")), R, [("source-required", 14)]),
    "date-future": (edit(L, ("accessed: 2023-09-05", "accessed: 2027-01-01")), R,
                    [("date-future", 19)]),
    "accessed-before-issued": (edit(L, ("accessed: 2023-09-05", "accessed: 2023-08-01")), R,
                               [("accessed-before-issued", 19)]),
    "url-invalid": (edit(L, ("https://example.org/report", "ftp://example.org/report")), R,
                    [("url-invalid", 17)]),
    "un-symbol": (edit(L, ("type: report", "type: un-document"),
                       ("title: A report", "title: A report\n    number: A-77-522")), R,
                  [("un-symbol", 17)]),
    "date-format": (L + "style:\n  date_format: MMMM D\n", R, [("date-format", 21)]),
    "inline-field": (edit(L, ("We write.", "We {count:everyone} write.")), R,
                     [("inline-field", 8)]),
    "citation-style": (L + "style:\n  citations: chicago\n", R, [("citation-style", 21)]),
    "style-field-unprinted": (edit(L, ("    title: A report\n",
                                       "    title: A report\n    handle: '@watch'\n")), R,
                              [("style-field-unprinted", 17)]),
    "markup-unrendered": (edit(L, ("pinpoint: para. 9", "pinpoint: para. 9 <i>et seq.</i>")), R,
                          [("markup-unrendered", 12)]),
    "letter-addressee": (edit(L, ("addressees:\n  - name: Xi Jinping\n", "")), R,
                         [("letter-addressee", 1)]),
    "letter-date": (edit(L, ("date: 2023-09-21\n", "")), R, [("letter-date", 1)]),
    "letter-salutation": (edit(L, ("salutation: Dear President,\n", "")), R,
                          [("letter-salutation", 1)]),
    "roster-missing": (L, None, [("roster-missing", 1)]),
    "roster-duplicate": (L, R + "\n  - name: Amnesty internationál!\n    kind: organization\n"
                         "    signed_on: 2023-09-20\n", [("roster-duplicate", 12)]),
    "roster-near-duplicate": (L, R + "\n  - name: Amnesty Internationl\n    kind: organization\n"
                              "    signed_on: 2023-09-20\n", [("roster-near-duplicate", 12)]),
    "roster-order": (L, R + "\n  - name: Aegis Trust\n    kind: organization\n"
                     "    signed_on: 2023-09-20\n", [("roster-order", 12)]),
    "email-invalid": (L, edit(R, ("office@example.org", "office at example.org")),
                      [("email-invalid", 10)]),
    "signed-future": (L, edit(R, ("signed_on: 2023-09-20", "signed_on: 2027-01-01\n"
                                  "    status: pending")), [("signed-future", 9)]),
    "signed-after-as-of": (L, edit(R, ("signed_on: 2023-09-20", "signed_on: 2023-09-22\n"
                                       "    status: pending")), [("signed-after-as-of", 9)]),
    # A confirmed signature after as_of makes as_of stale: both rules speak, on their own lines.
    "as-of-stale": (L, edit(R, ("signed_on: 2023-09-20", "signed_on: 2023-09-22")),
                    [("as-of-stale", 1), ("signed-after-as-of", 9)]),
    "as-of-future": (L, edit(R, ("as_of: 2023-09-21", "as_of: 2027-01-01")),
                     [("as-of-future", 1)]),
    "withdrawn-date": (L, edit(R, ("signed_on: 2023-09-20", "signed_on: 2023-09-20\n"
                                   "    status: withdrawn\n    withdrawn_on: 2023-09-01")),
                       [("withdrawn-date", 11)]),
    "endorsement-stale": (L, edit(R, ("signed_on: 2023-09-21\n", "signed_on: 2023-09-21\n"
                                      "    endorsed: sha256:" + "0" * 64 + "\n")),
                          [("endorsement-stale", 6)]),
    "suspicious-text": (L, edit(R, ("name: David Alton", 'name: "David\\u202e Alton"')),
                        [("suspicious-text", 3)]),
    "mixed-script": (L, edit(R, ("name: Amnesty", "name: \u0410mnesty")), [("mixed-script", 7)]),
    "signatories-unprinted": (edit(L, ("footnotes:\n", "signatures:\n  sections:\n"
                                       "    - kind: individual\nfootnotes:\n")), R,
                              [("signatories-unprinted", 9)]),
    "count-mismatch": (edit(L, ("  - We write.[^n1]",
                                "  - We write.[^n1] Five organizations have signed.")), R,
                       [("count-mismatch", 8)]),
    "name-unprintable": (L, edit(R, ("name: David Alton", 'name: "David\\tAlton"')),
                         [("name-unprintable", 3)]),
    "name-formula": (L, edit(R, ("name: Amnesty", "name: =SUM(A1) Amnesty")),
                     [("name-formula", 7)]),
    "snapshot-missing": (edit(L, ("    accessed: 2023-09-05",
                                  "    accessed: 2023-09-05\n    snapshot: sources/none.pdf")), R,
                         [("snapshot-missing", 20)]),
}


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_fails_its_fixture(tmp_path, rule):
    letter, roster, expected = CASES[rule]
    problems = check(tmp_path, letter, roster)
    assert [(p.rule, p.line) for p in problems] == expected
    assert all(p.file in ("letters/l.yaml", "signatories/l.yaml") for p in problems)
    assert all(p.message and p.column >= 1 for p in problems)


def test_yaml_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_BYTES", len(ROSTER) + 1)  # the letter is larger
    assert [(p.file, p.rule) for p in check(tmp_path, LETTER, ROSTER)] == [
        ("letters/l.yaml", "yaml-too-large")]


def test_file_missing(tmp_path):
    problems = check_letter_file(tmp_path / "letters" / "gone.yaml", tmp_path, TODAY)[2]
    assert [p.format() for p in problems] == [
        "letters/gone.yaml:1:1: error: file-missing: no such file; check the path or slug"]


def test_file_unreadable(tmp_path, monkeypatch):
    import os

    from undersigned import fileio

    def refuse(path, flags):
        if path.endswith(os.path.join("signatories", "l.yaml")):
            raise PermissionError(13, "Permission denied")
        return os.open(path, flags)

    monkeypatch.setattr(fileio, "_open", refuse)
    assert [(p.file, p.rule) for p in check(tmp_path, LETTER, ROSTER)] == [
        ("signatories/l.yaml", "file-unreadable")]


# quote-mismatch needs an archived snapshot: tests/test_quotes.py, test_archive.py and
# test_second_example.py make it fail.
SEPARATE = {"yaml-too-large", "file-missing", "file-unreadable", "quote-mismatch",
            # a translation file beside the letter: tests/test_translations.py
            "translation-stale", "translation-missing", "translation-notes",
            "file-outside-workspace",  # tests/hostile/test_symlinks.py
            "slug-reserved"}  # tests/hostile/test_text_at_the_door.py


def test_every_rule_has_a_failing_fixture():
    assert set(CASES) | SEPARATE == set(RULES)


# --- rule details ---------------------------------------------------------------------------------

@pytest.mark.parametrize("symbol", ["A/77/522", "A/HRC/25/CRP.1", "CAT/C/CHN/CO/5",
                                    "CEDAW/C/CHN/CO/9", "A/HRC/25/5", "E/CN.4/2005/L.10/Add.1",
                                    "S/RES/2231(2015)", "A/RES/217(III)", "A/HRC/RES/52/28"])
def test_un_symbols_accepted(symbol):
    assert UN_SYMBOL.match(symbol)


@pytest.mark.parametrize("symbol", ["A 77 522", "a/77/522", "A//77", "A/77/", "JAL CHN 8/2021",
                                    "https://undocs.org/A/77/522"])
def test_un_symbols_rejected(symbol):
    assert not UN_SYMBOL.match(symbol)


def test_near_duplicate_by_acronym(tmp_path):
    roster = edit(ROSTER, ("Amnesty International", "HRW")) + (
        "\n  - name: Human Rights Watch (HRW)\n    kind: organization\n    signed_on: 2023-09-20\n")
    problems = check(tmp_path, LETTER, roster)
    assert [p.format() for p in problems] == [
        "signatories/l.yaml:7:5: warning: roster-near-duplicate: 'HRW' may be the same as "
        "'Human Rights Watch (HRW)' (line 12), whose acronym it is; delete one or keep both if "
        "they differ"]


def test_withdrawn_without_a_date(tmp_path):
    roster = edit(ROSTER, ("signed_on: 2023-09-20", "signed_on: 2023-09-20\n    status: withdrawn"))
    assert [(p.rule, p.line) for p in check(tmp_path, LETTER, roster)] == [("withdrawn-date", 10)]


def test_withdrawn_entries_are_not_duplicates(tmp_path):
    roster = ROSTER + ("\n  - name: Amnesty International.\n    kind: organization\n"
                       "    signed_on: 2023-09-01\n    status: withdrawn\n"
                       "    withdrawn_on: 2023-09-02\n")
    assert check(tmp_path, LETTER, roster) == []


def test_a_statement_needs_no_addressee_date_or_salutation(tmp_path):
    letter = edit(LETTER, ("kind: letter", "kind: statement"),
                  ("addressees:\n  - name: Xi Jinping\n", ""), ("date: 2023-09-21\n", ""),
                  ("salutation: Dear President,\n", ""))
    assert check(tmp_path, letter, ROSTER) == []


def test_note_calls_inside_a_footnote(tmp_path):
    letter = edit(LETTER, ("sources:\n", "  n2: See [^n1].\nsources:\n"), ("[^n1]", "[^n1][^n2]"))
    assert [(p.rule, p.line) for p in check(tmp_path, letter, ROSTER)] == [("note-undefined", 13)]


def test_problems_are_sorted_by_file_and_line(tmp_path):
    letter = edit(LETTER, ("accessed: 2023-09-05", "accessed: 2027-01-01"),
                  ("title: T", "title: T\nclosing: 5"))
    roster = edit(ROSTER, ("as_of: 2023-09-21", "as_of: 2027-01-01"))
    problems = check(tmp_path, letter, roster)
    assert [(p.file, p.line) for p in problems] == sorted((p.file, p.line) for p in problems)
    assert [p.rule for p in problems] == ["wrong-type", "date-future", "as-of-future"]


# --- the working example -------------------------------------------------------------------------

def test_the_example_validates_with_no_problems_at_all():
    problems = check_letter_file(REPO / "letters" / f"{EXAMPLE_SLUG}.yaml", REPO, TODAY)[2]
    assert [p.format() for p in problems] == []


def test_the_seed_order_roster_gives_exactly_one_warning(workspace):
    shutil.copy(FIXTURES / "seed-order-roster.yaml",
                workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    problems = check_letter_file(workspace / "letters" / f"{EXAMPLE_SLUG}.yaml", workspace,
                                 TODAY)[2]
    assert len(problems) == 1, [p.format() for p in problems]
    (p,) = problems
    assert (p.rule, p.severity.value) == ("roster-order", "warning")
    federal = "Federal Association of Vietnamese Refugees in the Federal Republic of Germany"
    assert federal in p.message
    assert "Families of the Disappeared (FoD)" in p.message


# --- the every-rule fixture and its golden files -------------------------------------------------

EVERY_RULE = FIXTURES / "every-rule"
FORMATS = {"human": "every-rule.human.txt", "github": "every-rule.github.txt",
           "json": "every-rule.json"}
# Rules that cannot share one workspace with the others: each stops loading the file
# (yaml-*, duplicate-key, file-*), needs a letter without a roster (roster-missing), or
# contradicts another rule of the fixture (as-of-future: an 'as of' in the future rules out a
# signature after it that is not itself in the future, i.e. signed-after-as-of).
NOT_IN_EVERY_RULE = {"yaml-syntax", "yaml-encoding", "yaml-alias", "yaml-tag", "yaml-too-large",
                     "duplicate-key", "file-missing", "file-unreadable", "file-outside-workspace",
                     "slug-reserved", "roster-missing",
                     "as-of-future", "quote-mismatch", "snapshot-missing",
                     "translation-stale", "translation-missing", "translation-notes",
                     # a style that cannot be loaded leaves no style to check the fields by
                     "citation-style"}


def run_every_rule(monkeypatch, fmt: str):
    monkeypatch.chdir(EVERY_RULE)
    return CliRunner().invoke(cli, ["validate", "--format", fmt])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_rule_golden(monkeypatch, golden, fmt):
    result = run_every_rule(monkeypatch, fmt)
    assert result.exit_code == 1, result.output
    golden(f"validate/{FORMATS[fmt]}", result.output)


def test_every_rule_fixture_has_one_problem_of_each_rule(monkeypatch):
    data = json.loads(run_every_rule(monkeypatch, "json").stdout)
    rules = [p["rule"] for p in data["problems"]]
    assert sorted(rules) == sorted(set(RULES) - NOT_IN_EVERY_RULE)


def test_every_rule_fixture_comments_name_the_lines(monkeypatch):
    """Each `# rule` comment in the fixture letter sits on the line that rule reports."""
    data = json.loads(run_every_rule(monkeypatch, "json").stdout)
    text = (EVERY_RULE / "letters" / "every-rule.yaml").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        m = re.search(r"#\s+([a-z]+(?:-[a-z]+)+)\s*$", line)
        if m and m.group(1) in RULES and n > 3:
            assert any(p["rule"] == m.group(1) and p["line"] == n for p in data["problems"]), (
                m.group(1), n)
