"""The text render of the example reproduces the seed letter itself (not a copy tuned to us)."""

from __future__ import annotations

import hashlib
import re

from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import EXAMPLE_SLUG, SEEDS, TODAY

SEED_NAME = "002_3fcf8699a50eea63.txt"
SEED = SEEDS / SEED_NAME
# The original seed's digest: the copy in tests/fixtures is held to it byte for byte.
SEED_SHA256 = "63354442711f7734bacedca1480a649c04fb44fcf8bee57054c4fcc445647567"


def seed_letter() -> list[str]:
    """The seed's letter lines, from the subject line through footnote [13]."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Re: China"))
    end = next(i for i, line in enumerate(lines) if line.startswith("[13] "))
    # The seed is a copy of a web page: its URLs carry markdown escapes ("laws\_regulations").
    return [line.replace("\\_", "_") for line in lines[start: end + 1]]


def split_letter(lines: list[str]):
    """(body paragraphs, signatory lines, notes) of a letter in the seed's text layout."""
    lines = [" ".join(line.split()) for line in lines if line.strip()]
    salutation = next(i for i, line in enumerate(lines) if line.startswith("Dear "))
    closing = lines.index("Sincerely,")
    heading = next(i for i, line in enumerate(lines) if line.startswith("Signature organizations"))
    first_note = next(i for i, line in enumerate(lines) if line.startswith("[1] "))
    notes = {}
    for line in lines[first_note:]:
        m = re.match(r"\[(\d+)\] (.*)", line)
        notes[int(m.group(1))] = m.group(2)
    return lines[salutation + 1: closing], lines[heading: first_note], notes


def render_txt(workspace, *extra) -> str:
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "txt", "--out", "out",
                                      *extra])
    assert result.exit_code == 0, result.output
    return (workspace / "out" / f"{EXAMPLE_SLUG}.txt").read_text(encoding="utf-8")


def test_the_fixture_copy_of_the_seed_is_byte_for_byte_the_original():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_text_reproduces_the_seed(workspace):
    ours = split_letter(render_txt(workspace).splitlines())
    seed = split_letter(seed_letter())
    body, signatories, notes = ours
    seed_body, seed_signatories, seed_notes = seed
    assert body == seed_body
    assert notes == seed_notes
    assert len(notes) == 13
    # Same people and titles, in the corrected order: the seed lists "Federal Association…"
    # before "Families of the Disappeared (FoD)".
    federal = "Federal Association of Vietnamese Refugees in the Federal Republic of Germany"
    families = "Families of the Disappeared (FoD)"
    corrected = list(seed_signatories)
    i, j = corrected.index(federal), corrected.index(families)
    corrected[i], corrected[j] = corrected[j], corrected[i]
    assert signatories == corrected
    assert signatories[0] == "Signature organizations and individuals (as of September 21, 2023):"


def test_seed_subject_line_is_rendered(workspace):
    text = render_txt(workspace)
    assert "Re: China’s Forcible Repatriation of North Korean Refugees" in text.splitlines()


def test_text_golden(workspace, golden):
    golden(f"{EXAMPLE_SLUG}.txt", render_txt(workspace))


def test_width_wraps_paragraphs_and_keeps_unicode(workspace):
    text = render_txt(workspace, "--width", "72")
    # Widths count characters; only an unbreakable word (a long URL) may overflow.
    for line in text.splitlines():
        assert len(line) <= 72 or " " not in line.strip(), line
    assert "유엔인권사무소장" in text


def test_render_is_deterministic(workspace):
    assert render_txt(workspace) == render_txt(workspace)


def edit_organization(workspace, name: str, status: str = "confirmed", extra: str = "") -> None:
    """Give one organisation of the example roster a status and extra field lines."""
    roster = workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml"
    text = roster.read_text(encoding="utf-8")
    entry = (f"  - name: {name}\n    kind: organization\n    signed_on: 2023-09-21\n"
             "    status: confirmed\n")
    assert entry in text, name
    roster.write_text(text.replace(entry, entry.replace("status: confirmed\n",
                                                        f"status: {status}\n{extra}")),
                      encoding="utf-8")


def test_withdrawn_pending_and_unnamed_never_appear(workspace):
    edit_organization(workspace, "Viet Tan", extra="    named: false\n")
    edit_organization(workspace, "THINK", "withdrawn", "    withdrawn_on: 2023-09-22\n")
    edit_organization(workspace, "HanVoice", "pending")
    out = render_txt(workspace)
    for name in ("Viet Tan", "THINK", "HanVoice"):
        assert name not in out.split("Signature organizations")[1].split("[1]")[0]
    assert TODAY.year == 2026


def edit_letter(workspace, old: str, new: str) -> None:
    """Replace a passage of the example letter (which must be there)."""
    letter = workspace / "letters" / f"{EXAMPLE_SLUG}.yaml"
    text = letter.read_text(encoding="utf-8")
    assert old in text, old
    letter.write_text(text.replace(old, new), encoding="utf-8")


def test_an_archived_copy_is_cited_after_the_address(workspace):
    edit_letter(workspace, "    issued: 2023-05-13\n",
                "    issued: 2023-05-13\n    archived_url: https://web.archive.org/web/2023/kyodo\n")
    out = render_txt(workspace)
    assert ("Asian Games in China, archived at https://web.archive.org/web/2023/kyodo "
            "(accessed September 5, 2023).") in out


def test_counts_in_the_text_come_from_the_roster(workspace):
    """"83 organisations have signed" never drifts: the number is the roster's."""
    edit_letter(workspace, "  - Thank you.\n",
                "  - \"{count:organizations} organizations and {count:individuals} individuals, "
                "{count:all} in all, as of {as_of}.\"\n  - Thank you.\n")
    edit_organization(workspace, "Viet Tan", extra="    named: false\n")
    edit_organization(workspace, "THINK", "pending")
    out = render_txt(workspace)
    # 48 organisations: one pending (not counted), one unnamed (counted, never printed)
    assert "47 organizations and 7 individuals, 54 in all, as of September 21, 2023." in out
