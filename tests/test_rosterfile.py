"""rosterfile: canonical entries, edits that keep every other byte, locked atomic writes."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from undersigned.errors import RosterError
from undersigned.fileio import write_atomic
from undersigned.format.model import Signatory
from undersigned.format.rosterlayout import scan_canonical_roster, write_scalar
from undersigned.format.yamlio import parse_yaml
from undersigned.roster import rosterfile, writes
from undersigned.roster.canonical import write_canonical_roster
from undersigned.roster.rosterfile import (
    RosterText,
    format_entry,
    insert_entries,
    set_top,
    update_entry,
)

ROSTER = """\
# yaml-language-server: $schema=../schema/roster.schema.json
# Coordinator's note: keep this list in sync with the sign-on form.
as_of: 2023-09-21  # the date printed above the list
signatories:
  - name: David Alton
    kind: individual
    sort_as: Alton David
    signed_on: 2023-09-21
    status: confirmed

  # Confirmed by phone, see ticket 12.
  - name: Roberta Cohen
    kind: individual
    signed_on: 2023-09-21   # the day of the call
    status: confirmed

  - name: ACAT UK (Action by Christians for the Abolition of Torture)
    kind: organization
    signed_on: 2023-09-21
    status: confirmed

  - name: Viet Tan
    kind: organization
    signed_on: 2023-09-21
    status: confirmed
"""


def sig(name, kind="individual", **kw) -> Signatory:
    return Signatory(name=name, kind=kind, signed_on=kw.pop("signed_on", dt.date(2023, 9, 22)),
                     **kw)


def data(text: str):
    """A parsed roster as plain data (dicts and lists, no positions)."""
    def plain(node):
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node
    return plain(parse_yaml(text, "r.yaml"))


def added_lines(old: str, new: str) -> list[str]:
    """The lines of `new` that are not in `old`, given that `old`'s lines all survive in order."""
    old_lines, out, i = old.splitlines(keepends=True), [], 0
    for line in new.splitlines(keepends=True):
        if i < len(old_lines) and line == old_lines[i]:
            i += 1
        else:
            out.append(line)
    assert i == len(old_lines), "a line of the old text was lost or changed"
    return out


# --- scalars and entries ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "written"), [
    ("David Alton", "David Alton"),
    ("2023-09-21", "2023-09-21"),
    ("Prof: yes", '"Prof: yes"'),
    ("Number #1", '"Number #1"'),
    ("- dash first", '"- dash first"'),
    ("true", '"true"'),
    # YAML 1.1 readers (PyYAML, many editors and CI tools) take these for booleans, numbers
    ("NO", '"NO"'),
    ("Yes", '"Yes"'),
    ("on", '"on"'),
    ("y", '"y"'),
    ("1:20", '"1:20"'),
    (".inf", '".inf"'),
    ("0x1F", '"0x1F"'),
    ("1984", '"1984"'),
    ("null", '"null"'),
    (" padded", '" padded"'),
    ('say "hi"', 'say "hi"'),
    ("'quoted'", '"\'quoted\'"'),
    ("Tomás Ojea-Quintana", "Tomás Ojea-Quintana"),
    ("line\u2028break", '"line\\u2028break"'),
    ("", '""'),
    (False, "false"),
    (dt.date(2023, 9, 21), "2023-09-21"),
])
def test_write_scalar_is_plain_only_when_safe(value, written):
    assert write_scalar(value) == written


def test_format_entry_is_the_documented_block():
    s = sig("Lee Yanghee", title="Former UN Special Rapporteur: Myanmar", sort_as="Lee Yanghee",
            named=False, via="email:<abc@example.org>", endorsed="sha256:00ff")
    assert format_entry(s) == (
        "  - name: Lee Yanghee\n"
        "    kind: individual\n"
        '    title: "Former UN Special Rapporteur: Myanmar"\n'
        "    sort_as: Lee Yanghee\n"
        "    signed_on: 2023-09-22\n"
        "    status: confirmed\n"
        "    named: false\n"
        "    via: email:<abc@example.org>\n"
        "    endorsed: sha256:00ff\n"
    )


def test_a_lone_surrogate_is_refused():
    with pytest.raises(RosterError, match="surrogate"):
        write_scalar("bad\ud800")


text_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
date_st = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
signatory_st = st.builds(
    Signatory,
    name=text_st.filter(lambda t: t.strip() != ""),
    kind=st.sampled_from(["individual", "organization"]),
    signed_on=date_st,
    title=st.none() | text_st,
    sort_as=st.none() | text_st,
    country=st.none() | text_st,
    status=st.sampled_from(["confirmed", "pending", "withdrawn"]),
    withdrawn_on=st.none() | date_st,
    withdrawal_reason=st.none() | text_st,
    named=st.booleans(),
    via=st.none() | text_st,
    endorsed=st.none() | st.just("sha256:" + "ab" * 32),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(signatory_st, min_size=1, max_size=6))
def test_scanner_reads_what_we_write_as_the_yaml_parser_does(sigs):
    text = "as_of: 2023-09-21\nsignatories:\n" + "\n".join(format_entry(s) for s in sigs)
    scanned = scan_canonical_roster(text, "r.yaml")
    assert scanned is not None, text
    assert scanned == parse_yaml(text, "r.yaml")
    first = scanned["signatories"][0]
    assert first["name"] == sigs[0].name
    assert first["signed_on"] == sigs[0].signed_on.isoformat()


@settings(max_examples=60, deadline=None)
@given(st.lists(signatory_st, min_size=1, max_size=5))
def test_inserting_keeps_every_old_line_and_the_file_readable(sigs):
    new = insert_entries(RosterText(ROSTER), sigs)
    added = added_lines(ROSTER, new)
    assert "".join(added).count("  - ") >= len(sigs)
    assert scan_canonical_roster(new, "r.yaml") == parse_yaml(new, "r.yaml")
    assert len(data(new)["signatories"]) == 4 + len(sigs)


# --- splicing ----------------------------------------------------------------------------------

def test_insert_goes_to_its_sorted_place_and_keeps_comments():
    new = insert_entries(RosterText(ROSTER), [sig("Sonja Biserko")])
    names = [e["name"] for e in data(new)["signatories"]]
    assert names[:3] == ["David Alton", "Sonja Biserko", "Roberta Cohen"]
    # The comment above Roberta Cohen stays directly above her entry.
    assert "\n  - name: Sonja Biserko\n" in new
    assert "status: confirmed\n\n  # Confirmed by phone, see ticket 12.\n  - name: Roberta" in new
    assert "".join(added_lines(ROSTER, new)).startswith("  - name: Sonja Biserko\n")


def test_insert_at_the_end_of_a_kind_and_of_the_file():
    new = insert_entries(RosterText(ROSTER), [sig("Zhang Wei", sort_as="Zhang Wei"),
                                              sig("Zeta Network", "organization")])
    names = [e["name"] for e in data(new)["signatories"]]
    assert names == ["David Alton", "Roberta Cohen", "Zhang Wei",
                     "ACAT UK (Action by Christians for the Abolition of Torture)", "Viet Tan",
                     "Zeta Network"]
    assert new.endswith("    status: confirmed\n\n  - name: Zeta Network\n    kind: organization"
                        "\n    signed_on: 2023-09-22\n    status: confirmed\n")


def test_insert_into_an_empty_or_missing_list():
    for text in ("as_of: 2023-09-21\nsignatories:\n", "as_of: 2023-09-21\nsignatories: []\n",
                 "as_of: 2023-09-21\n", "# only a comment\nas_of: 2023-09-21\nsignatories:"):
        new = insert_entries(RosterText(text), [sig("A B")])
        assert [e["name"] for e in data(new)["signatories"]] == ["A B"], text
        assert scan_canonical_roster(new, "r.yaml") is not None


def test_insert_into_a_hand_formatted_roster_falls_back_to_the_parser():
    text = ("as_of: 2023-09-21\nsignatories:\n- name: Bea Adams\n  kind: individual\n"
            "  title: A long\n    folded title\n  signed_on: 2023-09-21\n"
            "# about Zed\n- {name: Zed Zulu, kind: individual, signed_on: 2023-09-21}\n")
    doc = RosterText(text)
    assert doc.parsed
    new = insert_entries(doc, [sig("Carl Carlsson")])
    got = data(new)["signatories"]
    assert [e["name"] for e in got] == ["Bea Adams", "Carl Carlsson", "Zed Zulu"]
    assert got[0]["title"] == "A long folded title"
    assert "# about Zed\n- {name: Zed Zulu" in new


def test_crlf_files_stay_crlf():
    text = ROSTER.replace("\n", "\r\n")
    new = insert_entries(RosterText(text), [sig("Sonja Biserko")])
    assert "\n" not in new.replace("\r\n", "")
    assert [e["name"] for e in data(new)["signatories"]][1] == "Sonja Biserko"


def test_set_top_keeps_the_comment_and_inserts_when_missing():
    assert "as_of: 2023-10-01  # the date printed above the list\n" in set_top(
        ROSTER, "as_of", dt.date(2023, 10, 1))
    assert set_top("signatories:\n", "as_of", dt.date(2023, 10, 1)) == \
        "as_of: 2023-10-01\nsignatories:\n"


def test_update_changes_adds_and_removes_fields_in_place():
    doc = RosterText(ROSTER)
    new = update_entry(doc, 1, {"status": "withdrawn", "withdrawn_on": dt.date(2023, 9, 30),
                                "withdrawal_reason": "asked by e-mail",
                                "signed_on": dt.date(2023, 9, 20)})
    assert ("  # Confirmed by phone, see ticket 12.\n  - name: Roberta Cohen\n"
            "    kind: individual\n    signed_on: 2023-09-20   # the day of the call\n"
            "    status: withdrawn\n    withdrawn_on: 2023-09-30\n"
            "    withdrawal_reason: asked by e-mail\n\n  - name: ACAT") in new
    back = update_entry(RosterText(new), 1, {"withdrawn_on": None, "withdrawal_reason": None,
                                             "status": "confirmed",
                                             "signed_on": dt.date(2023, 9, 21)})
    assert back == ROSTER.replace("2023-09-21   # the day", "2023-09-21   # the day")


def test_remove_entry_takes_its_comment_and_one_blank_line():
    doc = RosterText(ROSTER)
    new = rosterfile.remove_entry(doc, 1)
    assert "Roberta" not in new and "ticket 12" not in new
    assert "status: confirmed\n\n  - name: ACAT" in new
    last = rosterfile.remove_entry(RosterText(ROSTER), 3)
    assert last.endswith("status: confirmed\n") and "Viet Tan" not in last
    assert "\n\n\n" not in last


# --- the whole-file canonical layout -----------------------------------------------------------

def test_canonical_roster_is_a_fixed_point_of_itself():
    assert write_canonical_roster(ROSTER) == ROSTER


def test_canonical_roster_sorts_and_keeps_comments_with_their_entries():
    shuffled = ROSTER.replace(
        "  - name: David Alton\n    kind: individual\n    sort_as: Alton David\n"
        "    signed_on: 2023-09-21\n    status: confirmed\n\n", "")
    shuffled += ("\n# Late addition\n  - name: David Alton\n    kind: individual\n"
                 "    sort_as: 'Alton David'\n    signed_on: 2023-09-21\n    status: confirmed\n")
    out = write_canonical_roster(shuffled)
    names = [e["name"] for e in data(out)["signatories"]]
    assert names[:2] == ["David Alton", "Roberta Cohen"]
    assert "# Late addition\n  - name: David Alton\n" in out
    assert "  # Confirmed by phone, see ticket 12.\n  - name: Roberta Cohen\n" in out
    assert "signed_on: 2023-09-21   # the day of the call" in out
    assert "sort_as: 'Alton David'" in out  # a valid one-line scalar keeps its quoting
    assert data(out) == {**data(shuffled), "signatories": sorted(
        data(shuffled)["signatories"], key=lambda e: (e["kind"] != "individual",
                                                      names.index(e["name"])))}
    assert write_canonical_roster(out) == out


def test_canonical_roster_from_a_hand_formatted_file():
    text = ("as_of: 2023-09-21   # keep\nsignatories:\n- name: Zed Zulu\n  kind: individual\n"
            "  # a note inside\n  title: A long\n    folded title\n"
            "  signed_on: 2023-09-21\n- {name: Bea Adams, kind: individual, "
            "signed_on: 2023-09-21}\n")
    out = write_canonical_roster(text)
    assert scan_canonical_roster(out, "r.yaml") is not None
    assert out == (
        "as_of: 2023-09-21   # keep\nsignatories:\n"
        "  - name: Bea Adams\n    kind: individual\n    signed_on: 2023-09-21\n\n"
        "  - name: Zed Zulu\n    kind: individual\n  # a note inside\n"
        "    title: A long folded title\n    signed_on: 2023-09-21\n")


def test_canonical_roster_refuses_nested_values():
    with pytest.raises(RosterError, match="nested value"):
        write_canonical_roster("signatories:\n- name: A\n  kind: individual\n  title:\n"
                               "    x: y\n")


# --- writing -----------------------------------------------------------------------------------

def test_atomic_write_replaces_and_keeps_the_mode(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text("old\n")

    def broken(fd):
        raise OSError("disk full")
    monkeypatch.setattr(writes.os, "fsync", broken)
    from undersigned.fileio import WriteError

    with pytest.raises(WriteError, match="r.yaml: cannot write the file: disk full"):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]


def test_lock_file_sits_beside_the_roster(tmp_path):
    roster = tmp_path / "signatories" / "x.yaml"
    with writes.locked(roster):
        assert (tmp_path / "signatories" / ".x.lock").exists()


def test_the_lock_is_exclusive_and_released_even_after_an_error(tmp_path):
    fcntl = pytest.importorskip("fcntl")  # POSIX; Windows takes the msvcrt branch

    roster = tmp_path / "signatories" / "x.yaml"

    def free() -> bool:  # could another process take the lock right now?
        fd = os.open(writes.lock_path(roster), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    with pytest.raises(RuntimeError), writes.locked(roster):
        assert not free()
        raise RuntimeError
    assert free()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
       | st.sampled_from(["NO", "Yes", "off", "Y", "~", "1:20", "0o17", "-.inf", "e5", "_",
                          "2023-09-21x", "null", "Norway", "it's", "#1", "a: b"]))
def test_what_write_scalar_writes_every_reader_reads_back(value):
    """PyYAML (YAML 1.1), ruamel.yaml (1.2) and our line scanner read the written value back as
    the same string. (An ISO date is written plain on purpose: in a roster it is a date.)"""
    import yaml
    from ruamel.yaml import YAML

    from undersigned.format.rosterlayout import read_scalar

    written = write_scalar(value)
    text = f"as_of: 2023-09-21\nsignatories:\n  - name: {written}\n    kind: individual\n"
    assert yaml.safe_load(text)["signatories"][0]["name"] == value
    assert YAML(typ="safe", pure=True).load(text)["signatories"][0]["name"] == value
    assert read_scalar(written) == value
