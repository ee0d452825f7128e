"""roster: the core of `sign` — duplicates at the door, CSV import, withdraw, fingerprints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undersigned.errors import RosterError
from undersigned.format.load import load_letter, load_roster
from undersigned.format.model import Signatory
from undersigned.roster import csvimport as C
from undersigned.roster import fingerprint as F
from undersigned.roster import listing as L
from undersigned.roster import matching as M
from undersigned.roster import operations as R
from undersigned.roster.collation import identity_key, identity_keys
from undersigned.roster.rosterfile import RosterText

from .conftest import FIXTURES, TODAY

CSV = FIXTURES / "csv"

LETTER = """\
kind: statement
title: A small statement
body:
  - We call for an end to forced returns.[^first]
  - heading: What we ask
  - list:
      - Stop the returns.[^second]
      - Grant access to UNHCR.
footnotes:
  second: Commentary with a [link](https://example.org).
  first:
    - cite: report-2023
      pinpoint: para. 9
sources:
  report-2023:
    type: report
    title: A report
    issued: 2023-05-13
"""

ROSTER = """\
# yaml-language-server: $schema=../schema/roster.schema.json
as_of: 2023-09-21
signatories:
  - name: David Alton
    kind: individual
    sort_as: Alton David
    signed_on: 2023-09-21
    status: confirmed

  # Confirmed by phone.
  - name: Roberta Cohen
    kind: individual
    signed_on: 2023-09-21
    status: confirmed

  - name: ACAT UK (Action by Christians for the Abolition of Torture)
    kind: organization
    signed_on: 2023-09-21
    status: confirmed

  - name: Human Rights Watch (HRW)
    kind: organization
    signed_on: 2023-09-20
    status: confirmed
"""


def make_workspace(root: Path) -> Path:
    """A one-letter workspace `demo` under root; returns the letter's path."""
    (root / "letters").mkdir(parents=True)
    (root / "signatories").mkdir()
    (root / "letters" / "demo.yaml").write_text(LETTER, encoding="utf-8")
    (root / "signatories" / "demo.yaml").write_text(ROSTER, encoding="utf-8")
    return root / "letters" / "demo.yaml"


@pytest.fixture
def letter(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_workspace(tmp_path)


def roster_file(letter: Path) -> Path:
    return letter.parent.parent / "signatories" / letter.name


def names(letter: Path) -> list[str]:
    roster, problems = load_roster(roster_file(letter))
    assert roster is not None, problems
    return [s.name for s in roster.signatories]


def person(name, kind="individual", **kw) -> Signatory:
    return Signatory(name=name, kind=kind, signed_on=kw.pop("signed_on", None), **kw)


# --- fingerprint --------------------------------------------------------------------------------

def fp(text: str, tmp_path: Path) -> str:
    path = tmp_path / "l.yaml"
    path.write_text(text, encoding="utf-8")
    letter, problems = load_letter(path)
    assert letter is not None, problems
    return F.fingerprint(letter)


def test_fingerprint_is_stable_under_cosmetic_changes(tmp_path):
    base = fp(LETTER, tmp_path)
    assert base.startswith("sha256:") and len(base) == 7 + 64
    renamed = LETTER.replace("[^first]", "[^intro]").replace("  first:\n", "  intro:\n")
    reordered = LETTER.replace(
        "  second: Commentary with a [link](https://example.org).\n", "") + \
        "  second: Commentary with a [link](https://example.org).\n"
    reordered = reordered.replace("sources:\n  report-2023:\n    type: report\n    title: A report"
                                  "\n    issued: 2023-05-13\n  second:", "sources:\n  report-2023:"
                                  "\n    type: report\n    title: A report\n    issued: "
                                  "2023-05-13\nfootnotes2:\n  second:")
    spaced = LETTER.replace("end to forced", "end  to forced")
    assert fp(renamed, tmp_path) == base
    assert fp(spaced, tmp_path) == base


@pytest.mark.parametrize("change", [
    ("end to forced returns", "end to all forced returns"),
    ("pinpoint: para. 9", "pinpoint: para. 10"),
    ("title: A report", "title: Another report"),
    ("https://example.org", "https://example.com"),
    ("  - heading: What we ask\n", ""),
])
def test_fingerprint_changes_with_the_text(tmp_path, change):
    assert fp(LETTER.replace(*change), tmp_path) != fp(LETTER, tmp_path)


# --- add ----------------------------------------------------------------------------------------

def test_add_inserts_sorted_records_endorsement_and_moves_as_of(letter):
    before = roster_file(letter).read_text()
    result = R.add_signatory(letter, person("Sonja Biserko", signed_on=dt.date(2023, 9, 25)),
                             today=TODAY)
    assert names(letter)[:3] == ["David Alton", "Sonja Biserko", "Roberta Cohen"]
    text = roster_file(letter).read_text()
    assert "as_of: 2023-09-25\n" in text
    assert result.line == 10 and result.as_of == dt.date(2023, 9, 25)
    letter_model, _ = load_letter(letter)
    assert f"    endorsed: {F.fingerprint(letter_model)}\n" in text
    # Everything else is byte for byte the same, the comment included.
    assert text.replace("as_of: 2023-09-25", "as_of: 2023-09-21").replace(
        text[text.index("  - name: Sonja"):text.index("  # Confirmed")], "") == before


def test_add_defaults_to_today_and_keeps_a_later_as_of(letter):
    R.add_signatory(letter, person("Zed Zulu"), today=dt.date(2023, 9, 21))
    roster, _ = load_roster(roster_file(letter))
    zed = next(s for s in roster.signatories if s.name == "Zed Zulu")
    assert zed.signed_on == dt.date(2023, 9, 21) and roster.as_of == dt.date(2023, 9, 21)
    R.add_signatory(letter, person("Amy Early", signed_on=dt.date(2023, 9, 1)), today=TODAY)
    assert load_roster(roster_file(letter))[0].as_of == dt.date(2023, 9, 21)


# (name, kind, what the refusal says) for signatories the example roster already has
LIKELY_DUPLICATES = [
    ("ACAT - UK", "organization", "is the same signatory as 'ACAT UK (Action by Christians "
     "for the Abolition of Torture)' (line 16)"),
    ("roberta  COHEN", "individual", "is the same signatory as 'Roberta Cohen' (line 11)"),
    ("HRW", "organization", "may be the same as (acronym) 'Human Rights Watch (HRW)' (line 21)"),
    ("Roberta Cohan", "individual", "looks like (92% similar) 'Roberta Cohen' (line 11)"),
]


@pytest.mark.parametrize(("name", "kind", "expected"), LIKELY_DUPLICATES)
def test_add_refuses_a_likely_duplicate_and_names_it(letter, name, kind, expected):
    before = roster_file(letter).read_bytes()
    with pytest.raises(RosterError) as info:
        R.add_signatory(letter, person(name, kind), today=TODAY)
    assert expected in str(info.value)
    assert "--force" in str(info.value)
    assert roster_file(letter).read_bytes() == before
    R.add_signatory(letter, person(name, kind), today=TODAY, force=True)
    assert name in names(letter)


@pytest.mark.parametrize(("sig", "email", "message"), [
    (person("A B", signed_on=dt.date(2027, 1, 1)), None, "signed_on 2027-01-01 is in the future"),
    (person("A B"), "not-an-email", "e-mail 'not-an-email' is not valid"),
    (person("A B", "robot"), None, "kind 'robot' is not one of"),
    (person("  "), None, "name is empty"),
    (person("A B", title="two\nlines"), None, "title 'two…' spans several lines"),
])
def test_add_refuses_bad_input_and_writes_nothing(letter, sig, email, message):
    before = roster_file(letter).read_bytes()
    with pytest.raises(RosterError, match=message.replace("(", r"\(")):
        R.add_signatory(letter, sig, email=email, today=TODAY)
    assert roster_file(letter).read_bytes() == before
    assert not R.private_path(roster_file(letter)).exists()


def test_add_keeps_the_email_private_and_normalised(letter):
    R.add_signatory(letter, person("Jane Doe"), email="Jane.Doe@EXAMPLE.org", today=TODAY)
    assert "@" not in roster_file(letter).read_text()
    private = R.private_path(roster_file(letter))
    assert private.stat().st_mode & 0o777 == 0o600
    assert R.private_contacts(R.Paths.of(letter)) == {
        "Jane Doe": {"name": "Jane Doe", "email": "Jane.Doe@example.org"}}


def test_add_creates_a_missing_roster(letter):
    roster_file(letter).unlink()
    R.add_signatory(letter, person("Jane Doe", signed_on=dt.date(2023, 9, 2)), today=TODAY)
    text = roster_file(letter).read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/roster.schema.json\n"
                           "as_of: 2023-09-02\nsignatories:\n  - name: Jane Doe\n")
    assert load_roster(roster_file(letter))[1] == []


# --- withdraw, update, reconfirm ------------------------------------------------------------------

def test_withdraw_keeps_the_entry_with_date_and_reason(letter):
    R.withdraw_signatory(letter, "roberta cohen", on="2023-09-30", reason="board decision",
                         today=TODAY)
    roster, problems = load_roster(roster_file(letter))
    rc = next(s for s in roster.signatories if s.name == "Roberta Cohen")
    assert (rc.status, rc.withdrawn_on, rc.withdrawal_reason) == (
        "withdrawn", dt.date(2023, 9, 30), "board decision")
    assert not rc.is_printed
    assert "  # Confirmed by phone.\n  - name: Roberta Cohen\n" in roster_file(letter).read_text()
    with pytest.raises(RosterError, match="already withdrawn"):
        R.withdraw_signatory(letter, "Roberta Cohen", today=TODAY)


def test_withdraw_unknown_name_suggests_the_closest(letter):
    with pytest.raises(RosterError, match="no signatory 'Roberta Cohn'.*did you mean "
                                          "'Roberta Cohen' \\(line 11\\)"):
        R.withdraw_signatory(letter, "Roberta Cohn", today=TODAY)


def test_withdraw_before_signing_is_refused(letter):
    with pytest.raises(RosterError, match="after the withdrawal date"):
        R.withdraw_signatory(letter, "David Alton", on="2023-09-01", today=TODAY)


def test_erase_removes_the_entry_its_comment_and_its_private_contacts(letter):
    R.update_signatory(letter, "Roberta Cohen", {}, email="rc@example.org", today=TODAY)
    R.add_signatory(letter, person("Jane Roe"), email="jane@example.org", today=TODAY)
    before = roster_file(letter).read_text()
    done = R.erase_signatory(letter, "roberta cohen")
    assert (done.name, done.line, done.private, done.elsewhere) == ("Roberta Cohen", 11, True, [])
    after = roster_file(letter).read_text()
    assert "Roberta" not in after and "Confirmed by phone" not in after
    # nothing else moved: the text is the old one without that block
    block = "  # Confirmed by phone.\n  - name: Roberta Cohen\n    kind: individual\n" \
        "    signed_on: 2023-09-21\n    status: confirmed\n\n"
    assert after == before.replace(block, "")
    contacts = R.private_contacts(R.Paths.of(letter))
    assert "Roberta Cohen" not in contacts and contacts["Jane Roe"]["email"] == "jane@example.org"
    assert "rc@example.org" not in R.Paths.of(letter).private.read_text()
    assert names(letter) == ["David Alton", "Jane Roe",
                             "ACAT UK (Action by Christians for the Abolition of Torture)",
                             "Human Rights Watch (HRW)"]
    with pytest.raises(RosterError, match="no signatory 'Roberta Cohen'"):
        R.erase_signatory(letter, "Roberta Cohen")


def test_erase_the_last_and_the_only_entry(letter):
    for name in ("Human Rights Watch (HRW)", "David Alton", "Roberta Cohen"):
        assert not R.erase_signatory(letter, name).private
    assert names(letter) == ["ACAT UK (Action by Christians for the Abolition of Torture)"]
    R.erase_signatory(letter, "ACAT UK (Action by Christians for the Abolition of Torture)")
    text = roster_file(letter).read_text()
    assert "name:" not in text and text.startswith("# yaml-language-server")
    assert not R.Paths.of(letter).private.exists()  # never created for nobody


def test_erase_names_the_other_rosters_that_list_the_same_signatory(letter):
    other = roster_file(letter).with_name("other.yaml")
    other.write_text(ROSTER.replace("Roberta Cohen", "ROBERTA  COHEN"), encoding="utf-8")
    roster_file(letter).with_name("notes.yaml").write_text("- just: a list\n", encoding="utf-8")
    done = R.erase_signatory(letter, "Roberta Cohen")
    assert done.elsewhere == [(other, 11, "ROBERTA  COHEN")]
    assert "ROBERTA  COHEN" in other.read_text()  # only this letter's roster is touched


def test_update_changes_fields_and_moves_a_renamed_entry(letter):
    R.update_signatory(letter, "David Alton", {"title": "Lord Alton of Liverpool"},
                       today=TODAY)
    assert "    title: Lord Alton of Liverpool\n    sort_as: Alton David\n" in \
        roster_file(letter).read_text()
    R.update_signatory(letter, "Roberta Cohen", {"name": "Roberta Abbott", "sort_as": ""},
                       email="rc@example.org", today=TODAY)
    assert names(letter)[:2] == ["Roberta Abbott", "David Alton"]
    assert "  # Confirmed by phone.\n  - name: Roberta Abbott\n    kind: individual\n" \
        "    signed_on: 2023-09-21\n    status: confirmed\n\n  - name: David Alton" in \
        roster_file(letter).read_text()
    assert R.private_contacts(R.Paths.of(letter))["Roberta Abbott"]["email"] == "rc@example.org"


def test_update_refuses_a_rename_onto_another_entry(letter):
    with pytest.raises(RosterError, match="same signatory as 'David Alton'"):
        R.update_signatory(letter, "Roberta Cohen", {"name": "David  Alton"}, today=TODAY)


def test_stale_endorsements_and_reconfirm(letter):
    R.add_signatory(letter, person("Jane Doe"), today=TODAY)
    listing = L.list_signatories(letter, stale=True)
    assert listing.signatories == []
    letter.write_text(LETTER.replace("forced returns", "all forced returns"), encoding="utf-8")
    listing = L.list_signatories(letter, stale=True)
    assert [s.name for s in listing.signatories] == ["Jane Doe"]
    assert R.reconfirm(letter, [], all_stale=True, today=TODAY) == ["Jane Doe"]
    assert L.list_signatories(letter, stale=True).signatories == []


def test_list_filters_and_counts(letter):
    R.add_signatory(letter, person("Bob Lee", named=False), today=TODAY)
    R.withdraw_signatory(letter, "Roberta Cohen", today=TODAY)
    everyone = L.list_signatories(letter)
    assert everyone.counts == {"total": 5, "confirmed": 4, "pending": 0, "withdrawn": 1,
                               "individual": 3, "organization": 2, "named": 3, "unnamed": 1}
    orgs = L.list_signatories(letter, kind="organisation", status="confirmed")
    assert [s.name for s in orgs.signatories] == [
        "ACAT UK (Action by Christians for the Abolition of Torture)",
        "Human Rights Watch (HRW)"]


# --- CSV import -----------------------------------------------------------------------------------

def test_import_google_forms_export(letter):
    report = C.import_csv(letter, CSV / "google-forms.csv", today=TODAY)
    assert report.mapping == {
        "Timestamp": "signed_on", "Email Address": "email", "Your name": "name",
        "Title / affiliation": "title", "Organisation name": "organization",
        "Are you signing as an individual or on behalf of an organization?": "kind",
        "Country": "country", "May we publish your name on the letter?": "named"}
    assert [c.signatory.name for c in report.new] == ["Jane Doe", "Friends of Human Rights",
                                                      "Bob Lee"]
    assert [(c.line, m.name) for c, m in report.present] == [
        (5, "ACAT UK (Action by Christians for the Abolition of Torture)")]
    roster, problems = load_roster(roster_file(letter))
    assert [p for p in problems if p.severity.value == "error"] == []
    by_name = {s.name: s for s in roster.signatories}
    assert by_name["Jane Doe"].title == "Professor of Law, Example University"
    assert by_name["Jane Doe"].signed_on == dt.date(2023, 9, 22)
    assert by_name["Jane Doe"].via == "form:google-forms.csv:2"
    assert by_name["Friends of Human Rights"].kind == "organization"
    assert by_name["Bob Lee"].named is False
    assert roster.as_of == dt.date(2023, 9, 23)
    contacts = R.private_contacts(R.Paths.of(letter))
    assert contacts["Bob Lee"]["consent"] == ("May we publish your name on the letter?: No, "
                                              "count my signature only (form:google-forms.csv:4)")
    # Idempotent: a second import adds nothing and changes no byte.
    before = roster_file(letter).read_bytes()
    again = C.import_csv(letter, CSV / "google-forms.csv", today=TODAY)
    assert again.new == [] and len(again.present) == 4
    assert roster_file(letter).read_bytes() == before


def test_import_update_applies_changed_answers_of_present_rows(letter, tmp_path):
    C.import_csv(letter, CSV / "google-forms.csv", today=TODAY)
    header, *rows = (CSV / "google-forms.csv").read_text(encoding="utf-8").splitlines()
    resubmitted = tmp_path / "again.csv"
    resubmitted.write_text("\n".join([
        header,
        rows[0],  # Jane Doe, unchanged
        # Jane Doe again, later: a corrected title and a new address (the later row wins)
        rows[0].replace("Professor of Law, Example University", "Dean, Example Law School")
               .replace("jane.doe@", "dean.doe@"),
        rows[2].replace("No, count my signature only", "Yes"),  # Bob Lee may now be named
        rows[3].replace('"GB"', '""'),  # ACAT UK: an empty answer changes nothing
    ]) + "\n", encoding="utf-8")
    before = roster_file(letter).read_text()
    plain = C.import_csv(letter, resubmitted, today=TODAY)
    assert plain.updated == [] and len(plain.present) == 4
    assert roster_file(letter).read_text() == before  # without --update nothing changes

    dry = C.import_csv(letter, resubmitted, today=TODAY, update=True, dry_run=True)
    assert [(c.line, m.name, f) for c, m, f in dry.updated] == [
        (3, "Jane Doe", {"title": ("Professor of Law, Example University",
                                   "Dean, Example Law School"),
                         "email": ("jane.doe@example.org", "dean.doe@example.org")}),
        (4, "Bob Lee", {"named": (False, None)}),
        # the row's address is new to the private file; its empty country changed nothing
        (5, "ACAT UK (Action by Christians for the Abolition of Torture)",
         {"email": (None, "amnesty@example.org")})]
    assert [c.line for c, _ in dry.present] == [2]
    assert roster_file(letter).read_text() == before

    done = C.import_csv(letter, resubmitted, today=TODAY, update=True)
    assert done.written and len(done.updated) == 3
    roster, problems = load_roster(roster_file(letter))
    assert [p for p in problems if p.severity.value == "error"] == []
    by_name = {s.name: s for s in roster.signatories}
    assert by_name["Jane Doe"].title == "Dean, Example Law School"
    assert by_name["Bob Lee"].named is True and by_name["Bob Lee"].is_printed
    assert by_name["Jane Doe"].signed_on == dt.date(2023, 9, 22)  # the first signature stands
    acat = by_name["ACAT UK (Action by Christians for the Abolition of Torture)"]
    assert acat.country is None  # it had none; an empty answer did not add or remove one
    contacts = R.private_contacts(R.Paths.of(letter))
    assert contacts["Jane Doe"]["email"] == "dean.doe@example.org"
    assert contacts["Bob Lee"]["consent"].startswith(
        "May we publish your name on the letter?: Yes (form:again.csv:4)")
    # Only the changed lines moved: every other line of the roster is as it was.
    changed = set(before.splitlines()) ^ set(roster_file(letter).read_text().splitlines())
    assert changed == {"    title: Professor of Law, Example University",
                       "    title: Dean, Example Law School", "    named: false"}
    # and again: nothing left to change
    assert C.import_csv(letter, resubmitted, today=TODAY, update=True).updated == []


def test_update_and_erase_keep_a_hand_formatted_roster_valid(letter, tmp_path):
    path = roster_file(letter)
    wide = path.read_text().replace("\n  - ", "\n    - ").replace("\n    ", "\n      ")
    wide = wide.replace("\n      - ", "\n    - ").replace("\n      # ", "\n    # ")
    path.write_text(wide, encoding="utf-8")
    assert RosterText(wide, path.name).parsed  # outside the canonical layout
    form = tmp_path / "f.csv"
    form.write_text("Name,Title,Country\nDavid Alton,Lord Alton of Liverpool,\n"
                    "Human Rights Watch (HRW),,US\n", encoding="utf-8")
    report = C.import_csv(letter, form, today=TODAY, update=True)
    assert [m.name for _, m, _ in report.updated] == ["David Alton", "Human Rights Watch (HRW)"]
    R.erase_signatory(letter, "Roberta Cohen")
    roster, problems = load_roster(path)
    assert [p.format() for p in problems] == []
    by_name = {s.name: s for s in roster.signatories}
    assert by_name["David Alton"].title == "Lord Alton of Liverpool"
    assert by_name["Human Rights Watch (HRW)"].country == "US"
    assert "Roberta Cohen" not in by_name and "      kind: individual\n" in path.read_text()


def test_import_action_network_and_microsoft_forms(letter):
    an = C.import_csv(letter, CSV / "action-network.csv", today=TODAY)
    assert [(c.signatory.name, c.signatory.title, c.signatory.signed_on) for c in an.new] == [
        ("Maria Garcia", "Human rights lawyer", TODAY), ("Omar Haddad", "Coordinator", TODAY)]
    assert "zip_code" in an.ignored
    ms = C.import_csv(letter, CSV / "microsoft-forms.csv", today=TODAY)
    assert [(c.signatory.name, c.email, c.signatory.signed_on) for c in ms.new] == [
        ("Sarah Connor", None, dt.date(2023, 9, 22)),
        ("Phuong Nguyen", "p.nguyen@example.edu", dt.date(2023, 9, 22))]


def test_import_dry_run_reports_and_writes_nothing(letter, tmp_path):
    csv_path = tmp_path / "mixed.csv"
    csv_path.write_text(
        "Name,Type,Email,Date\n"
        "Jane Doe,individual,jane@example.org,2023-09-22\n"
        "HRW,organization,,2023-09-22\n"
        "Roberta Cohen,individual,,2023-09-22\n"
        "Bad Mail,individual,bad@,2023-09-22\n"
        "Future Person,individual,,2031-01-01\n"
        '"Multi\nLine",robot,,2023-09-22\n'
        "Jane  Doe,individual,,2023-09-22\n", encoding="utf-8")
    before = roster_file(letter).read_bytes()
    report = C.import_csv(letter, csv_path, dry_run=True, today=TODAY)
    assert [c.signatory.name for c in report.new] == ["Jane Doe"]
    assert [(c.line, m.how) for c, m in report.suspected] == [(3, "acronym")]
    assert [(c.line, m.name) for c, m in report.present] == [(4, "Roberta Cohen")]
    # a row that repeats an earlier row of the file is told apart from one already present
    assert [(c.line, m.line, m.in_csv) for c, m in report.repeated] == [(9, 2, True)]
    assert [p.format("mixed.csv") for p in report.invalid] == [
        "mixed.csv:5: column 'Email': e-mail 'bad@' is not valid: There must be something "
        "after the @-sign.",
        "mixed.csv:6: column 'Date': 2031-01-01 is in the future",
        "mixed.csv:7: column 'Type': 'robot' is neither an individual nor an organization",
    ]
    assert roster_file(letter).read_bytes() == before
    with pytest.raises(RosterError, match="nothing imported") as info:
        C.import_csv(letter, csv_path, today=TODAY)
    assert "mixed.csv:5: column 'Email'" in str(info.value)
    assert roster_file(letter).read_bytes() == before


def test_import_map_options_and_mapping_file(letter, tmp_path):
    csv_path = tmp_path / "custom.csv"
    csv_path.write_text("Signer,Group,When,Role\nJo Bloggs,Friends of X,21/09/2023,Chair\n",
                        encoding="utf-8")
    with pytest.raises(RosterError, match="no column holds the signatory's name"):
        C.import_csv(letter, csv_path, today=TODAY)
    with pytest.raises(RosterError, match="no column 'Nope'; the columns are: 'Signer'"):
        C.import_csv(letter, csv_path, maps=["Nope=name"], today=TODAY)
    with pytest.raises(RosterError, match="'nome' is not a field"):
        C.import_csv(letter, csv_path, maps=["Signer=nome"], today=TODAY)
    report = C.import_csv(letter, csv_path, maps=["Signer=name", "When=signed_on"],
                          dry_run=True, today=TODAY)
    assert report.new[0].signatory.signed_on == dt.date(2023, 9, 21)  # 21 > 12: day first
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Signer: name\nGroup: ignore\nWhen: signed_on\nRole: title\n"
                       "dayfirst: true\n", encoding="utf-8")
    report = C.import_csv(letter, csv_path, maps=["map.yaml"], today=TODAY, cwd=tmp_path)
    s = report.new[0].signatory
    assert (s.name, s.title, s.signed_on) == ("Jo Bloggs", "Chair", dt.date(2023, 9, 21))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_import_reads_excel_encodings(letter, tmp_path, encoding):
    csv_path = tmp_path / "excel.csv"
    sep = "\t" if encoding == "utf-16" else ","
    csv_path.write_text(f"Name{sep}Email\nJosé Núñez{sep}jose@example.org\n", encoding=encoding)
    report = C.import_csv(letter, csv_path, today=TODAY)
    assert [c.signatory.name for c in report.new] == ["José Núñez"]
    assert report.mapping == {"Name": "name", "Email": "email"}


def test_import_refuses_another_encoding_naming_the_line(letter, tmp_path):
    csv_path = tmp_path / "latin1.csv"
    csv_path.write_bytes("Name\nJane Doe\nJosé Núñez\n".encode("latin-1"))
    before = roster_file(letter).read_bytes()
    with pytest.raises(RosterError, match=r"latin1.csv:3: byte 0xe9 is not UTF-8; export the "
                                          r"sheet as 'CSV UTF-8'"):
        C.import_csv(letter, csv_path, today=TODAY)
    assert roster_file(letter).read_bytes() == before


def test_import_row_cut_short_names_the_missing_column(letter, tmp_path):
    csv_path = tmp_path / "short.csv"
    csv_path.write_text("Name,Email,Country\nJane Doe,jane@example.org\n", encoding="utf-8")
    with pytest.raises(RosterError, match="short.csv:2: column 'Country': the row has 2 cells"):
        C.import_csv(letter, csv_path, today=TODAY)


def test_import_dry_run_on_the_example(workspace):
    letter = workspace / "letters" / "china-forced-repatriation-2023.yaml"
    if not letter.exists():
        pytest.skip("the example letter is not in this checkout")
    report = C.import_csv(letter, CSV / "google-forms.csv", dry_run=True, today=TODAY)
    assert [c.signatory.name for c, _ in report.present] == ["ACAT UK"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20), max_size=8))
def test_identity_keys_in_bulk_equal_one_by_one(names):
    assert identity_keys(names) == [identity_key(n) for n in names]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(max_codepoint=127, blacklist_characters="\n"),
                        max_size=20), max_size=8))
def test_identity_keys_of_ascii_names_equal_one_by_one(names):  # the ASCII fast path
    assert identity_keys(names) == [identity_key(n) for n in names]


def test_identity_keys_examples():
    names = ["ACAT - Belgique (Action des Chrétiens)", "Ngô Đình Diệm", "(HRW)", "Straße",
             "Human Rights Watch (HRW)", "a(b", "c)d", "ⅰⅱ ⑴"]
    assert identity_keys(names) == [identity_key(n) for n in names]


def test_similar_pairs_finds_typos_at_either_end():
    keys = ["amnesty international", "human rights watch", "humen rights watch", "zeta",
            "amnesty internationl"]
    found = M.similar_pairs(keys, [2, 4], 90, 6)
    assert found[2][0] == 1 and found[4][0] == 0


def test_numbered_names_are_not_suspected_duplicates_at_the_door():
    """'Local 12' and 'Local 13' are two signatories, as the validator also holds."""
    from undersigned.roster.matching import NameIndex

    index = NameIndex(["Teachers Union Local 12"], lambda i: i + 1)
    assert index.similar("Teachers Union Local 13") == []
    assert index.similar("Teachers Union Locall 12")  # a typo is still caught


def test_the_one_neighbour_scan_pairs_names_near_in_either_order():
    keys = ["anna smith", "anna smyth", "bob jones", "zed annasmith", "carl smith"]
    pairs = {tuple(sorted(p)) for p in M.neighbour_pairs(keys, 1)}
    assert (0, 1) in pairs  # neighbours as written
    assert (0, 4) in pairs  # "htims anna" and "htims lrac": neighbours reversed
    around = set(M.neighbour_pairs(keys, 1, only=[2]))
    assert around and all(2 in p for p in around)


def test_validate_and_sign_share_the_scan_and_its_thresholds():
    from undersigned.checks import rosterrules

    assert rosterrules.neighbour_pairs is M.neighbour_pairs
    assert (rosterrules.FUZZY_THRESHOLD, rosterrules.FUZZY_WINDOW) == (M.FUZZY_THRESHOLD,
                                                                        M.FUZZY_WINDOW)
