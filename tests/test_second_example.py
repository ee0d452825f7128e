"""The second example: a 2016 letter whose quotations are verified against its archived sources."""

from __future__ import annotations

import hashlib
import re

import pytest
from click.testing import CliRunner

from undersigned.checks.validate import check_letter_file
from undersigned.cli import cli
from undersigned.sources.archive import read_snapshot, source_text
from undersigned.sources.quotes import body_quotations, verify_quotation

from .conftest import REPO, SEEDS, TODAY

SLUG = "hk-consulate-defector-2016"
LETTER = REPO / "letters" / f"{SLUG}.yaml"
SEED_FILES = {"hkfp-defector-2016": SEEDS / "000_bd4bd74d0d466ee7.txt",
              "ejinsight-defector-2016": SEEDS / "001_ab797e4d3b320fc0.txt"}
SAFEST = "As far as I know, the consulate is the safest place for [the defector]"


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def letter_model():
    letter, _, problems = check_letter_file(LETTER, REPO, TODAY)
    return letter, problems


def test_validates_with_no_problems_at_all():
    _, problems = letter_model()
    assert [p.format() for p in problems] == []


def test_validate_command_exit_0(workspace):
    result = invoke("validate", f"letters/{SLUG}.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_at_least_three_quotations_are_verified_including_the_bracketed_one():
    letter, _ = letter_model()
    checked = []
    for note in letter.footnotes.values():
        for c in note.citations:
            if c.quotation:
                checked.append((c.quotation, [c.cite]))
    for block in letter.body:
        for passage, calls in body_quotations(block.text):
            keys = [c.cite for k in calls for c in letter.footnotes[k].citations]
            checked.append((passage, keys))
    verified = []
    for quotation, keys in checked:
        texts = [source_text(letter, letter.sources[k]) for k in keys]
        assert all(texts), quotation  # every source cited for a quotation is archived
        assert any(verify_quotation(quotation, t[1]).found for t in texts), quotation
        verified.append(quotation)
    assert len(verified) >= 3
    assert SAFEST in verified


def test_the_bracketed_quotation_is_the_seed_wording():
    text = read_snapshot(REPO / "letters" / "sources" / "hkfp-defector-2016.txt").text
    assert f"“{SAFEST},” said Fang." in text


@pytest.mark.parametrize("key", list(SEED_FILES))
def test_snapshots_are_the_seed_texts_without_a_guessed_url(key):
    snap = read_snapshot(REPO / "letters" / "sources" / f"{key}.txt")
    assert snap.meta["url"] == ""
    assert snap.meta["source"] == key
    letter, _ = letter_model()
    assert letter.sources[key].URL is None
    data = SEED_FILES[key].read_bytes()
    assert snap.meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert snap.text.rstrip("\n") == data.decode("utf-8").rstrip("\n")


def test_renders_to_text(workspace):
    result = invoke("render", SLUG, "--to", "txt", "--out", "out")
    assert result.exit_code == 0, result.output
    text = (workspace / "out" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert text.startswith("August 3, 2016\n")
    assert f"told Hong Kong Free Press that “{SAFEST}”.[4]" in text
    notes = re.findall(r"^\[(\d+)\] ", text, re.MULTILINE)
    assert notes == [str(n) for n in range(1, 8)]
    assert "[5] Id." in text
    assert "Signatories (as of August 3, 2016):" in text


def test_the_roster_is_marked_illustrative():
    roster = (REPO / "signatories" / f"{SLUG}.yaml").read_text(encoding="utf-8")
    assert "# Illustrative roster: every signatory below is fictional" in roster


# One word changed in one quotation: (the text as written, the change, the source's true words)
ALTERED = [
    ("“As far as I know, the consulate is the safest place for \\[the defector]”",
     ("the safest place", "the best place"),
     "“As far as I know, the consulate is the safest place for [the defector],”"),
    ("“should not deport this person", ("should not deport", "should deport"),
     "“should not deport this person back to North Korea, as both governments are parties in "
     "the 1951 refugee convention.”"),
    ("It’s rumored that he is", ("It’s rumored", "It’s said"),
     "“It's rumored that he is an 18-year-old student who came to the city two weeks ago as a "
     "member of a North Korean delegation to the International Mathematical Olympiad”"),
]


@pytest.mark.parametrize(("where", "change", "true_words"), ALTERED,
                         ids=["body-word", "body-negation", "citation-word"])
def test_altering_one_word_of_a_quotation_fails_showing_the_true_words(
        workspace, where, change, true_words):
    path = workspace / "letters" / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    assert where in text
    old, new = change
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = invoke("validate", SLUG)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert ": error: quote-mismatch: " in line
    altered = where.replace(old, new).strip("“”")
    assert altered[:40] in line  # the quotation is named …
    assert f"reads: {true_words};" in line  # … and the source's own words are shown
