"""`undersigned sign …` through click's CliRunner, and 20 real processes adding at once."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.format.load import load_roster
from undersigned.format.rosterlayout import scan_canonical_roster

from .conftest import EXAMPLE_SLUG, FIXTURES
from .test_roster import make_workspace

ROSTER = "signatories/demo.yaml"


@pytest.fixture
def ws(tmp_path, monkeypatch):
    root = tmp_path / "ws"
    make_workspace(root)
    monkeypatch.chdir(root)
    return root


def run(*args, input=None):
    return CliRunner().invoke(cli, ["sign", *args], input=input, catch_exceptions=False)


def test_add_then_list_as_json(ws):
    result = run("add", "demo", "--name", "Jane Doe", "--kind", "individual", "--title",
                 "Professor", "--date", "2023-09-25", "--via", "email:<1@example.org>")
    assert result.exit_code == 0, result.output
    assert result.output == (f"Added 'Jane Doe' (individual) at {ROSTER}:16; as of "
                             "2023-09-25.\n")
    listed = json.loads(run("list", "demo", "--format", "json").output)
    jane = next(r for r in listed if r["name"] == "Jane Doe")
    assert {k: jane[k] for k in ("name", "kind", "status", "signed_on", "title", "via")} == {
        "name": "Jane Doe", "kind": "individual", "status": "confirmed",
        "signed_on": "2023-09-25", "title": "Professor", "via": "email:<1@example.org>"}
    assert "email" not in jane


def test_values_that_yaml_1_1_reads_as_booleans_are_written_quoted(ws):
    """`--country NO --title Yes`: PyYAML (YAML 1.1, as many editors and CI tools read) and
    ruamel.yaml (1.2) read back the strings that were given, not false and true."""
    import yaml
    from ruamel.yaml import YAML

    result = run("add", "demo", "--name", "Kari Nordmann", "--kind", "individual", "--title",
                 "Yes", "--country", "NO", "--date", "2023-09-25")
    assert result.exit_code == 0, result.output
    text = (ws / ROSTER).read_text(encoding="utf-8")
    assert '    title: "Yes"\n' in text and '    country: "NO"\n' in text
    for data in (yaml.safe_load(text), YAML(typ="safe", pure=True).load(text)):
        (entry,) = [e for e in data["signatories"] if e["name"] == "Kari Nordmann"]
        assert entry["title"] == "Yes" and entry["country"] == "NO"
    listed = json.loads(run("list", "demo", "--format", "json").output)
    kari = next(r for r in listed if r["name"] == "Kari Nordmann")
    assert (kari["title"], kari["country"]) == ("Yes", "NO")
    assert scan_canonical_roster(text, ROSTER) is not None  # still the fast layout


def test_add_duplicate_is_refused_with_exit_1_and_nothing_written(ws):
    before = (ws / ROSTER).read_bytes()
    result = run("add", "demo", "--name", "ACAT - UK", "--kind", "organisation")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'ACAT - UK' is the same signatory as 'ACAT UK (Action by Christians for the "
        "Abolition of Torture)' (line 16); nothing added (use --force to add it anyway)\n")
    assert (ws / ROSTER).read_bytes() == before
    forced = run("add", "demo", "--name", "ACAT - UK", "--kind", "organization", "--force")
    assert forced.exit_code == 0 and "Warning: added despite" in forced.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--email", "jane@"], 1, "Error: e-mail 'jane@' is not valid: There must be something "
     "after the @-sign."),
    (["--date", "2031-01-01"], 1, "Error: signed_on 2031-01-01 is in the future"),
    (["--date", "21/09/2023"], 2, "Invalid value for '--date'"),
    (["--kind", "robot"], 2, "Invalid value for '--kind'"),
])
def test_add_bad_input(ws, args, code, message):
    before = (ws / ROSTER).read_bytes()
    base = ["add", "demo", "--name", "Jane Doe", "--kind", "individual"]
    result = run(*base, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert (ws / ROSTER).read_bytes() == before


def test_unknown_letter_is_exit_1_naming_the_letters(ws):
    result = run("add", "nope", "--name", "Jane Doe", "--kind", "individual")
    assert result.exit_code == 1
    assert "Error: no letter 'nope' in" in result.output and "letters here: demo" in result.output


def test_add_without_name_when_not_a_terminal_is_a_usage_error(ws):
    result = run("add", "demo", "--kind", "individual")
    assert result.exit_code == 2
    assert "Missing option --name." in result.output


def test_add_prompts_on_a_terminal(ws, monkeypatch):
    from undersigned.commands import sign as sign_module

    monkeypatch.setattr(sign_module, "_interactive", lambda: True)
    result = run("add", "demo", input="Jane Doe\nindividual\nProfessor\nKR\njane@example.org\n")
    assert result.exit_code == 0, result.output
    assert "Added 'Jane Doe'" in result.output
    assert "jane@example.org" in (ws / "signatories" / "demo.private.yaml").read_text()


def test_erase_asks_first_and_says_what_is_left_to_do(ws, monkeypatch):
    before = (ws / ROSTER).read_text()
    refused = run("erase", "demo", "Roberta Cohen")  # not a terminal and no --yes
    assert refused.exit_code == 2 and "add --yes" in refused.output
    import undersigned.commands.sign as sign_cmd

    monkeypatch.setattr(sign_cmd, "_interactive", lambda: True)
    declined = run("erase", "demo", "Roberta Cohen", input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert (ws / ROSTER).read_text() == before
    (ws / "signatories" / "other.yaml").write_text(before, encoding="utf-8")
    done = run("erase", "demo", "Roberta Cohen", input="y\n")
    assert done.exit_code == 0, done.output
    assert "Erased 'Roberta Cohen' (line 11) from signatories/demo.yaml." in done.stdout
    assert "Also named in signatories/other.yaml:11 as 'Roberta Cohen'" in done.stderr
    assert "docs/privacy.md" in done.stderr
    assert "Roberta" not in (ws / ROSTER).read_text()
    gone = run("erase", "demo", "Roberta Cohen", "--yes")
    assert gone.exit_code == 1 and "no signatory 'Roberta Cohen'" in gone.output


def test_withdraw_update_reconfirm_and_stale(ws):
    assert run("withdraw", "demo", "Roberta Cohen", "--date", "2023-09-30", "--reason",
               "board decision").output == "Withdrew 'Roberta Cohen' on 2023-09-30.\n"
    text = (ws / ROSTER).read_text()
    assert ("    status: withdrawn\n    withdrawn_on: 2023-09-30\n"
            "    withdrawal_reason: board decision\n") in text
    assert run("update", "demo", "David Alton", "--country", "GB").exit_code == 0
    assert "    country: GB\n" in (ws / ROSTER).read_text()
    assert run("update", "demo", "David Alton").exit_code == 2
    run("add", "demo", "--name", "Jane Doe", "--kind", "individual")
    letter = ws / "letters" / "demo.yaml"
    letter.write_text(letter.read_text().replace("forced returns", "all forced returns"))
    stale = run("list", "demo", "--stale")
    assert "Jane Doe [stale]" in stale.output
    assert "1 endorsed an earlier text" in stale.output
    assert run("reconfirm", "demo").exit_code == 2
    assert run("reconfirm", "demo", "Jane Doe").output == "Reconfirmed 1 signatory.\n"
    assert "Jane Doe" not in run("list", "demo", "--stale").output


def test_list_table_csv_and_filters(ws):
    run("add", "demo", "--name", "Bob Lee", "--kind", "individual", "--unnamed")
    table = run("list", "demo").output.splitlines()
    assert table[0].split() == ["NAME", "KIND", "STATUS", "SIGNED", "TITLE"]
    assert any(line.startswith("Bob Lee [unnamed]") for line in table)
    assert table[-1] == ("5 listed: 3 individual(s), 2 organization(s); 5 confirmed (4 named, "
                         "1 unnamed), 0 pending, 0 withdrawn")
    rows = list(csv.DictReader(io.StringIO(run("list", "demo", "--format", "csv", "--kind",
                                               "organization").output)))
    assert [r["name"] for r in rows] == [
        "ACAT UK (Action by Christians for the Abolition of Torture)",
        "Human Rights Watch (HRW)"]
    assert json.loads(run("list", "demo", "--format", "json", "--status", "pending").output) == []


def test_import_dry_run_then_import_then_again(ws):
    path = str(FIXTURES / "csv" / "google-forms.csv")
    before = (ws / ROSTER).read_bytes()
    dry = run("import", "demo", path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[0] == (
        "google-forms.csv: 3 new (would add), 1 already present, 0 suspected duplicate(s), "
        "0 invalid row(s); 1 of the new not published (counted, never printed)")
    assert "  new       line 4: Bob Lee (individual, unnamed)" in dry.output
    assert "  present   line 5: ACAT UK — is the same signatory as" in dry.output
    assert (ws / ROSTER).read_bytes() == before
    assert run("import", "demo", path).output.startswith("google-forms.csv: 3 new (added)")
    after = (ws / ROSTER).read_bytes()
    again = run("import", "demo", path)
    assert again.output.startswith("google-forms.csv: 0 new (added), 4 already present")
    assert (ws / ROSTER).read_bytes() == after


def test_import_update_lists_the_changes_without_showing_addresses(ws, tmp_path):
    path = FIXTURES / "csv" / "google-forms.csv"
    run("import", "demo", str(path))
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    again = tmp_path / "again.csv"
    again.write_text("\n".join([header, rows[0].replace("Professor of Law", "Dean of Law")
                                .replace("jane.doe@", "dean@"),
                                rows[2].replace("No, count my signature only", "Yes")]) + "\n",
                     encoding="utf-8")
    dry = run("import", "demo", str(again), "--update", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[0] == (
        "again.csv: 0 new (would add), 2 would be updated, 0 already present, "
        "0 suspected duplicate(s), 0 invalid row(s)")
    assert ("  update    line 2: Jane Doe — title: 'Professor of Law, Example University' → "
            "'Dean of Law, Example University'; e-mail changed") in dry.output
    assert "  update    line 3: Bob Lee — now named" in dry.output
    assert "@" not in dry.output
    done = run("import", "demo", str(again), "--update")
    assert done.output.startswith("again.csv: 0 new (added), 2 updated, 0 already present")
    assert "    title: Dean of Law, Example University\n" in (ws / ROSTER).read_text()


def test_import_missing_column_and_bad_rows_exit_1_unchanged(ws, tmp_path):
    before = (ws / ROSTER).read_bytes()
    no_name = tmp_path / "no-name.csv"
    no_name.write_text("Email,Country\njane@example.org,KR\n", encoding="utf-8")
    result = run("import", "demo", str(no_name))
    assert result.exit_code == 1
    assert result.output == ("Error: no-name.csv: no column holds the signatory's name "
                             "(columns: 'Email', 'Country'); map one with --map "
                             "'Column=name'\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Email\nJane Doe,jane@\n", encoding="utf-8")
    result = run("import", "demo", str(bad))
    assert result.exit_code == 1
    assert "bad.csv:2: column 'Email': e-mail 'jane@' is not valid" in result.output
    dry = run("import", "demo", str(bad), "--dry-run")
    assert dry.exit_code == 1 and "invalid   bad.csv:2: column 'Email'" in dry.output
    assert (ws / ROSTER).read_bytes() == before


def test_validate_passes_after_every_command(ws):
    run("add", "demo", "--name", "Jane Doe", "--kind", "individual", "--date", "2023-09-25")
    run("import", "demo", str(FIXTURES / "csv" / "action-network.csv"))
    run("withdraw", "demo", "Jane Doe")
    result = CliRunner().invoke(cli, ["validate", "demo", "--format", "json"])
    problems = json.loads(result.output)["problems"]
    assert [p for p in problems if p["file"].startswith("signatories")] == []


def test_every_sign_command_has_help_with_an_example():
    for name in ("add", "import", "withdraw", "update", "reconfirm", "list"):
        result = CliRunner().invoke(cli, ["sign", name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name


def test_works_on_the_example_workspace(workspace):
    if not (workspace / "letters" / f"{EXAMPLE_SLUG}.yaml").exists():
        pytest.skip("the example letter is not in this checkout")
    roster = workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml"
    before = roster.read_text()
    result = run("add", EXAMPLE_SLUG, "--name", "Jane Doe", "--kind", "individual",
                 "--sort-as", "Doe Jane", "--date", "2023-09-22")
    assert result.exit_code == 0, result.output
    after = roster.read_text()
    assert len(after.splitlines()) == len(before.splitlines()) + 7
    result = run("list", EXAMPLE_SLUG, "--format", "json")
    assert len(json.loads(result.output)) == before.count("  - name:") + 1
    assert run("withdraw", EXAMPLE_SLUG, "Jane Doe").exit_code == 0


# --- 20 processes at once ----------------------------------------------------------------------

@pytest.mark.slow
def test_twenty_concurrent_adds_leave_twenty_entries_and_a_valid_file(ws):
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", "from undersigned.cli import main; main()", "sign", "add",
             "demo", "--name",
             f"Signer {chr(65 + n)}{chr(65 + n)}{n:02d}", "--kind", "individual",
             "--date", "2023-09-22", "--force"],
            cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(20)
    ]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    roster, problems = load_roster(ws / ROSTER)
    assert [p for p in problems if p.severity.value == "error"] == []
    assert len(roster.signatories) == 4 + 20
    text = (ws / ROSTER).read_text()
    assert scan_canonical_roster(text, ROSTER) is not None
    assert "# Confirmed by phone.\n  - name: Roberta Cohen" in text
    assert not [p for p in (ws / "signatories").iterdir() if p.name.endswith(".tmp")]


MIXED_CSV = """Name,Kind,Title
Zeta Group,organization,
Anna Adams,individual,Prof
Alpha Org,organization,
Bob Young,individual,
"""


@pytest.mark.parametrize("start", [
    "as_of: 2023-09-01\nsignatories: []\n",  # a new, empty roster
    "as_of: 2023-09-01\nsignatories:\n  - name: Middle Org\n    kind: organization\n"
    "    signed_on: 2023-09-01\n",  # organisations only: individuals are a new kind
])
def test_import_into_any_roster_leaves_it_fmt_clean(ws, tmp_path, start):
    """#14: importing a mixed CSV into a new roster wrote individuals and organisations
    interleaved, which `fmt --check` (and so the CI workflow) rejected straight away."""
    (ws / ROSTER).write_text(start, encoding="utf-8")
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED_CSV, encoding="utf-8")
    result = run("import", "demo", str(path), "--map", "Kind=kind")
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(cli, ["fmt", "--check", ROSTER])
    assert check.exit_code == 0, check.output + (ws / ROSTER).read_text(encoding="utf-8")
    roster, _ = load_roster(ws / ROSTER)
    kinds = [s.kind for s in roster.signatories]
    assert kinds == sorted(kinds, key=kinds.index)  # each kind in one run


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 2501])
def test_list_json_and_csv_are_written_in_pieces_as_one_dump_would(ws, count):
    """JSON and CSV go out a thousand records at a time: the text is the one dump's."""
    from undersigned.roster import listing as L
    from undersigned.textsafety import json_safe, no_control, spreadsheet_safe

    names = [f"Person {n} \u00e9\u009b\"q\" =x" for n in range(count)]
    text = "as_of: 2023-09-21\nsignatories:\n" + "".join(
        f"  - name: '{n}'\n    kind: individual\n    signed_on: 2023-09-21\n"
        "    status: confirmed\n\n" for n in names)
    (ws / ROSTER).write_text(text, encoding="utf-8")
    roster, _ = load_roster(ws / ROSTER, "demo.yaml")
    records = [L.signatory_record(s) for s in roster.signatories]
    listed = run("list", "demo", "--format", "json").output
    assert listed == json_safe(json.dumps(records, indent=2, ensure_ascii=False)) + "\n"
    assert len(json.loads(listed)) == count
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["name"],
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(no_control(v)) if isinstance(v, str) else v
                      for k, v in r.items()} for r in records)
    assert run("list", "demo", "--format", "csv").stdout_bytes.decode() == out.getvalue()
