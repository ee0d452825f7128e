"""The command line through click's CliRunner: validate, schema and init, exit codes and errors."""

from __future__ import annotations

import json
import shutil

import click
import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.format.schema import letter_json_schema, roster_json_schema

from .conftest import EXAMPLE_SLUG, FIXTURES


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def example_only(workspace):
    """The workspace copy with the example as its only letter, whatever else the repo holds."""
    for path in (workspace / "letters").glob("*.yaml"):
        if path.stem != EXAMPLE_SLUG:
            path.unlink()
            (workspace / "signatories" / path.name).unlink(missing_ok=True)
    return workspace


# --- validate ------------------------------------------------------------------------------------

def test_validate_the_example_is_clean(workspace):
    result = invoke("validate", f"letters/{EXAMPLE_SLUG}.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "1 letter(s) checked: 0 error(s), 0 warning(s)\n"


@pytest.mark.parametrize("args", [(), (EXAMPLE_SLUG,), (".",), ("letters",),
                                  (f"signatories/{EXAMPLE_SLUG}.yaml",)])
def test_validate_finds_the_letter_by_slug_directory_or_roster(example_only, args):
    result = invoke("validate", "--strict", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("1 letter(s) checked")


def test_validate_json_of_a_clean_letter(example_only):
    result = invoke("validate", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"problems": []}


def test_seed_order_roster_warns_once_and_passes_unless_strict(workspace):
    shutil.copy(FIXTURES / "seed-order-roster.yaml",
                workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    result = invoke("validate", f"letters/{EXAMPLE_SLUG}.yaml")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"signatories/{EXAMPLE_SLUG}.yaml:")
    assert ": warning: roster-order: " in line
    assert "'Families of the Disappeared (FoD)' should come before 'Federal Association of " \
           "Vietnamese Refugees in the Federal Republic of Germany'" in line
    assert result.stderr == "1 letter(s) checked: 0 error(s), 1 warning(s)\n"
    assert invoke("validate", "--strict", EXAMPLE_SLUG).exit_code == 1


def test_validate_github_annotation(example_only):
    shutil.copy(FIXTURES / "seed-order-roster.yaml",
                example_only / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    result = invoke("validate", "--format", "github")
    assert result.stdout.startswith(f"::warning file=signatories/{EXAMPLE_SLUG}.yaml,line=")
    assert ",title=roster-order::'Families of the Disappeared (FoD)'" in result.stdout
    assert result.stderr == ""


def test_errors_exit_1_and_are_all_reported(example_only):
    path = example_only / "letters" / f"{EXAMPLE_SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2023-09-21", "date: 2023-02-30")
                    .replace("salutation:", "salutaion:"), encoding="utf-8")
    result = invoke("validate")
    assert result.exit_code == 1
    rules = [line.split(": ")[2] for line in result.stdout.splitlines()]
    assert sorted(rules) == ["bad-date", "letter-date", "letter-salutation", "unknown-key"]


def test_a_broken_file_is_a_located_problem_never_a_traceback(example_only):
    (example_only / "letters" / f"{EXAMPLE_SLUG}.yaml").write_bytes(b"kind: letter\ntitle: [x\n")
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout.startswith(f"letters/{EXAMPLE_SLUG}.yaml:3:1: error: yaml-syntax: ")


def test_two_letters_are_both_checked(example_only):
    letters = example_only / "letters"
    shutil.copy(letters / f"{EXAMPLE_SLUG}.yaml", letters / "copy.yaml")
    result = invoke("validate")
    assert result.exit_code == 0
    assert result.stdout == "letters/copy.yaml:2:1: warning: roster-missing: no roster at " \
                            "signatories/copy.yaml; add signatories with `undersigned sign add`\n"
    assert result.stderr.startswith("2 letter(s) checked")


def test_unknown_slug_is_an_error_naming_the_letters(example_only):
    result = invoke("validate", "no-such-letter")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no letter 'no-such-letter' in {example_only.resolve() / 'letters'}; "
        f"letters here: {EXAMPLE_SLUG}\n")


def test_usage_errors_exit_2(workspace, tmp_path, monkeypatch):
    result = invoke("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = invoke("validate")
    assert result.exit_code == 2
    assert "no workspace here (no letters/ directory in this directory or above)" in result.stderr


# --- schema ---------------------------------------------------------------------------------------

def test_schema_prints_the_letter_and_roster_schemas():
    letter = invoke("schema")
    assert letter.exit_code == 0 and json.loads(letter.stdout) == letter_json_schema()
    roster = invoke("schema", "--roster")
    assert roster.exit_code == 0 and json.loads(roster.stdout) == roster_json_schema()


# --- init -----------------------------------------------------------------------------------------

SCAFFOLDED = [".github/workflows/undersigned.yml", ".gitignore",
              "letters/example-statement.yaml", "schema/letter.schema.json",
              "schema/roster.schema.json", "schema/translation.schema.json",
              "signatories/example-statement.yaml", "templates/README.md",
              "translations/example-statement/ar.yaml"]


def tree(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_creates_a_workspace_that_validates_clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "coalition")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"created coalition/{name}" for name in SCAFFOLDED]
    assert "cd coalition && undersigned validate example-statement" in result.stderr
    assert tree(tmp_path / "coalition") == SCAFFOLDED
    monkeypatch.chdir(tmp_path / "coalition")
    result = invoke("validate", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_init_into_an_empty_directory(tmp_path):
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert tree(tmp_path) == SCAFFOLDED


def test_init_refuses_a_directory_that_is_not_empty_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me\n")
    result = invoke("init", "mine")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: mine is not empty; `undersigned init` only writes into a new or empty directory, "
        "so that nothing of yours is overwritten — choose another name\n")
    assert tree(tmp_path / "mine") == ["notes.txt"]
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me\n"


def test_init_refuses_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x")
    result = invoke("init", "a-file")
    assert result.exit_code == 1
    assert result.stderr == "Error: a-file is a file; give the name of a new or empty directory\n"


def test_init_needs_a_directory_argument():
    result = invoke("init")
    assert result.exit_code == 2
    assert "Missing argument 'DIRECTORY'" in result.stderr


# --- the group ------------------------------------------------------------------------------------

def test_help_lists_the_commands_in_the_order_users_meet_them():
    result = invoke("--help")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:\n")[1].splitlines()
              if line.startswith("  ") and not line.startswith("   ")]
    assert listed[:2] == ["init", "validate"]
    assert "schema" in listed


def test_version():
    from importlib.metadata import version

    from undersigned import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and f"version {__version__}" in result.stdout
    assert version("undersigned") == __version__  # pyproject reads the one definition


def test_a_mistyped_command_suggests_the_command():
    result = invoke("valdate")
    assert result.exit_code == 2
    assert "Error: No such command 'valdate'. Did you mean 'validate'?" in result.stderr
    result = invoke("rendr", EXAMPLE_SLUG)
    assert "Did you mean 'render'?" in result.stderr
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'." in result.stderr and "Did you mean" not in \
        result.stderr


def test_no_color_turns_colour_off_even_when_forced_by_a_terminal(example_only, monkeypatch):
    shutil.copy(FIXTURES / "seed-order-roster.yaml",
                example_only / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    coloured = CliRunner().invoke(cli, ["validate"], color=True)
    assert "\x1b[" in coloured.stdout and "warning" in coloured.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(cli, ["validate"], color=True)
    assert "\x1b[" not in plain.stdout
    assert plain.stdout == click.unstyle(coloured.stdout)


def test_a_letter_and_its_roster_are_checked_once(example_only):
    """What pre-commit passes when a commit touches both files: one letter, each problem once."""
    shutil.copy(FIXTURES / "seed-order-roster.yaml",
                example_only / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    result = invoke("validate", f"letters/{EXAMPLE_SLUG}.yaml",
                    f"signatories/{EXAMPLE_SLUG}.yaml", EXAMPLE_SLUG)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1  # the one roster-order warning, not three
    assert result.stderr == "1 letter(s) checked: 0 error(s), 1 warning(s)\n"


@pytest.mark.parametrize("args", [("validate",), ("fmt",), ("links",), ("diff",),
                                  ("render", "x"), ("sign", "list", "x"), ("archive", "x")])
def test_every_command_says_no_workspace_the_same_way(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert "no workspace here (no letters/ directory in this directory or above); run inside " \
           "a workspace or `undersigned init DIR`" in error
    assert result.exception is None or isinstance(result.exception, SystemExit)


class _Dist:
    """A stand-in for importlib.metadata's distribution of undersigned."""

    def __init__(self, direct_url: str | None, version: str = "0.1.0"):
        self.direct_url, self.version = direct_url, version

    def read_text(self, name):
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize(("direct_url", "expected"), [
    (json.dumps({"url": "https://github.com/example/undersigned",
                 "vcs_info": {"vcs": "git", "commit_id": "0123abcd" * 5}}),
     "git+https://github.com/example/undersigned@" + "0123abcd" * 5),
    (None, "undersigned==0.1.0"),  # from a package index
    (json.dumps({"url": "file:///home/someone/undersigned", "dir_info": {"editable": True}}),
     None),  # a local checkout: CI cannot fetch it
])
def test_init_pins_the_ci_install_to_where_this_copy_came_from(tmp_path, monkeypatch,
                                                                 direct_url, expected):
    from importlib import metadata

    from ruamel.yaml import YAML

    monkeypatch.setattr(metadata, "distribution", lambda name: _Dist(direct_url))
    assert invoke("init", str(tmp_path / "ws")).exit_code == 0
    text = (tmp_path / "ws" / ".github" / "workflows" / "undersigned.yml").read_text()
    steps = YAML(typ="safe").load(text)["jobs"]["undersigned"]["steps"]
    (install,) = [s for s in steps if s.get("name") == "Install undersigned"]
    assert install["env"]["REQUIREMENT"] == (
        "${{ vars.UNDERSIGNED_REQUIREMENT || '%s' }}" % (expected or ""))
    assert install["run"].startswith('pip install "${REQUIREMENT:?set the repository variable')


def test_shell_completion_as_the_readme_documents_it(monkeypatch):
    """`eval "$(_UNDERSIGNED_COMPLETE=bash_source undersigned)"` works with the lazily loaded
    commands: completing "va" offers validate, "sign w" offers withdraw."""
    for words, cword, expected in (("undersigned va", "1", "validate"),
                                   ("undersigned sign w", "2", "withdraw")):
        monkeypatch.setenv("COMP_WORDS", words)
        monkeypatch.setenv("COMP_CWORD", cword)
        result = CliRunner().invoke(cli, [], prog_name="undersigned",
                                    env={"_UNDERSIGNED_COMPLETE": "bash_complete"})
        assert f"plain,{expected}" in result.output.splitlines()
