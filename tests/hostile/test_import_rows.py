"""Finding 8 of #12: imports a coordinator can finish. One invalid row (a bad e-mail) refused
the whole import, and the only way through was to drop the e-mail column for everyone; dates
like 13/03/2024 and 03/04/2024 in one column were read day-first and month-first row by row,
silently; the empty row and the rows already present were not mentioned in the summary."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from undersigned.format.load import load_roster

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace
from .conftest import run_cli as run

HEADER = ["Timestamp", "Your name", "Email Address", "Signing as", "May we publish your name?"]


@pytest.fixture
def ws(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml("Amnesty International"),
        signatory_yaml("Roberta Cohen", "individual")]))
    return hostile_root


def form(root, rows, header=HEADER):
    path = root / "form.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def roster(root) -> dict:
    r, _ = load_roster(root / "signatories" / f"{SLUG}.yaml")
    return {s.name: s for s in r.signatories}


ROWS = [
    ["2023-09-20", "Jane Doe", "jane@example.org", "individual", "yes"],  # line 2: new
    ["2023-09-20", "Bad Mail", "bad@", "individual", "yes"],  # 3: invalid e-mail
    ["", "", "", "", ""],  # 4: empty
    ["2023-09-20", "Roberta  Cohen", "", "individual", "yes"],  # 5: present
    ["2023-09-20", "Jane Doe", "jane2@example.org", "individual", "yes"],  # 6: repeated
    ["2023-09-20", "Quiet Person", "quiet@example.org", "individual", "no"],  # 7: unnamed
    ["2023-09-20", "Robot", "", "a robot", "yes"],  # 8: invalid kind
]


def test_without_skip_invalid_nothing_is_imported(ws):
    before = (ws / "signatories" / f"{SLUG}.yaml").read_bytes()
    result = run("sign", "import", SLUG, str(form(ws, ROWS)))
    assert result.exit_code == 1
    assert "form.csv:3: column 'Email Address'" in result.output
    assert "--skip-invalid" in result.output
    assert (ws / "signatories" / f"{SLUG}.yaml").read_bytes() == before


def test_skip_invalid_imports_the_valid_rows_and_names_every_fate(ws):
    result = run("sign", "import", SLUG, str(form(ws, ROWS)), "--skip-invalid")
    assert result.exit_code == 1, result.output  # scripts notice the rows left out
    out = result.output
    assert out.splitlines()[0] == (
        "form.csv: 2 new (added), 1 already present, 0 suspected duplicate(s), 2 invalid "
        "row(s), 1 repeated within the file, 1 empty row(s); 1 of the new not published "
        "(counted, never printed)")
    fates = {line.split("line ")[1].split(":")[0]: line.split()[0]
             for line in out.splitlines()[1:] if " line " in line}
    assert fates == {"5": "present", "6": "repeated", "4": "empty", "7": "unnamed"}, out
    assert "Roberta Cohen" in out.split("line 5:")[1].splitlines()[0]  # present as whom
    assert "invalid   form.csv:3: column 'Email Address'" in out
    assert "invalid   form.csv:8: column 'Signing as'" in out
    entries = roster(ws)
    assert {"Jane Doe", "Quiet Person"} <= set(entries)
    assert "Bad Mail" not in entries and "Robot" not in entries
    assert entries["Quiet Person"].named is False
    contacts = (ws / "signatories" / f"{SLUG}.private.yaml").read_text()
    assert "jane@example.org" in contacts and "jane2@example.org" not in contacts


DAY_FIRST = [["13/03/2024", "Ann Day", "", "individual", "yes"],
             ["03/04/2024", "Bea Day", "", "individual", "yes"]]


def test_the_date_order_is_decided_once_per_column(ws):
    result = run("sign", "import", SLUG, str(form(ws, DAY_FIRST)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dates: 'Timestamp' day first" in result.output
    run("sign", "import", SLUG, str(form(ws, DAY_FIRST)))
    entries = roster(ws)
    assert entries["Ann Day"].signed_on == dt.date(2024, 3, 13)
    assert entries["Bea Day"].signed_on == dt.date(2024, 4, 3)  # day first, like its column


def test_a_column_that_does_not_say_is_refused_naming_dates(ws):
    rows = [["03/04/2024", "Ann Day", "", "individual", "yes"],
            ["05/06/2024", "Bea Day", "", "individual", "yes"]]
    before = (ws / "signatories" / f"{SLUG}.yaml").read_bytes()
    result = run("sign", "import", SLUG, str(form(ws, rows)))
    assert result.exit_code == 1
    assert "column 'Timestamp'" in result.output and "--dates dmy" in result.output \
        and "--dates mdy" in result.output
    assert (ws / "signatories" / f"{SLUG}.yaml").read_bytes() == before
    result = run("sign", "import", SLUG, str(form(ws, rows)), "--dates", "mdy")
    assert result.exit_code == 0, result.output
    assert roster(ws)["Ann Day"].signed_on == dt.date(2024, 3, 4)


def test_a_column_with_both_orders_is_refused_with_both_lines(ws):
    rows = [["13/03/2024", "Ann Day", "", "individual", "yes"],
            ["03/14/2024", "Bea Day", "", "individual", "yes"]]
    result = run("sign", "import", SLUG, str(form(ws, rows)))
    assert result.exit_code == 1
    assert "13/03/2024, line 2" in result.output and "03/14/2024, line 3" in result.output
    assert "--dates" in result.output
    # told how to read it, the row that does not fit is an invalid row with its line
    result = run("sign", "import", SLUG, str(form(ws, rows)), "--dates", "dmy",
                 "--skip-invalid")
    assert result.exit_code == 1
    assert "form.csv:3: column 'Timestamp'" in result.output
    assert "Ann Day" in roster(ws) and "Bea Day" not in roster(ws)


def test_dates_option_is_checked_by_the_command_line(ws):
    result = run("sign", "import", SLUG, str(form(ws, DAY_FIRST)), "--dates", "ymd")
    assert result.exit_code == 2
