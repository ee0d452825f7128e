"""Finding 1 of #12: a pull request that adds `letters/x.yaml -> ~/.config/gh/hosts.yml` (or a
roster linked to `~/.ssh/id_ed25519`) must not make `fmt --check`, `validate` or `diff` print
the target into a CI log. Workspace files that are symbolic links out of the workspace are
refused before they are opened; a link inside the workspace still works."""

from __future__ import annotations

import os
import subprocess

import pytest
from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

TOKEN = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
HOSTS = f"github.com:\n  oauth_token: {TOKEN}\n  user: someone\n  git_protocol: https\n"
KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAA"
       "AAABAAAAMwAAAAtzc2gtZWQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----\n")
FRAGMENTS = ("16C7e42F", "oauth_token", "b3BlbnNzaC1r", "PRIVATE KEY", "someone")


@pytest.fixture
def secrets(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "hosts.yml").write_text(HOSTS)
    (home / "id_ed25519").write_text(KEY)
    return home


def run(*args):
    return CliRunner().invoke(cli, list(args))


def leaked(text: str) -> list[str]:
    return [f for f in FRAGMENTS if f in text]


CASES = {
    "letter -> hosts.yml": (f"letters/{SLUG}.yaml", "hosts.yml"),
    "roster -> id_ed25519": (f"signatories/{SLUG}.yaml", "id_ed25519"),
    "roster -> hosts.yml": (f"signatories/{SLUG}.yaml", "hosts.yml"),
    "private -> hosts.yml": (f"signatories/{SLUG}.private.yaml", "hosts.yml"),
}


def linked_workspace(root, secrets, link: str, target: str):
    write_workspace(root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    path = root / link
    if path.exists():
        path.unlink()
    path.symlink_to(secrets / target)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_link_out_of_the_workspace_is_never_read_or_quoted(hostile_root, secrets, case):
    link, target = CASES[case]
    linked_workspace(hostile_root, secrets, link, target)
    commands = [["fmt", "--check"], ["fmt"], ["validate"], ["validate", "--format", "github"],
                ["validate", "--format", "json"], ["sign", "list", SLUG],
                ["sign", "add", SLUG, "--name", "Jane Doe", "--kind", "individual",
                 "--email", "jane@example.org"],
                ["render", SLUG, "--to", "txt", "--out", str(hostile_root / "out.txt")]]
    for args in commands:
        result = run(*args)
        out = result.output
        assert not leaked(out), (args, out)
        if args[0] in ("fmt", "validate") and not link.endswith(".private.yaml"):
            assert result.exit_code == 1, (args, out)
        if result.exit_code:
            assert "Traceback" not in out and "internal error" not in out, (args, out)
    # and the target is untouched
    assert (secrets / target).read_text() == (HOSTS if target == "hosts.yml" else KEY)


def test_validate_says_what_the_link_is_and_what_to_do(hostile_root, secrets):
    linked_workspace(hostile_root, secrets, f"letters/{SLUG}.yaml", "hosts.yml")
    result = run("validate", "--format", "github")
    assert result.exit_code == 1
    assert f"file=letters/{SLUG}.yaml,line=1,col=1,title=file-outside-workspace::" in result.output
    assert "replace the link with the file itself" in result.output


def test_fmt_check_names_the_file_and_prints_no_diff(hostile_root, secrets):
    linked_workspace(hostile_root, secrets, f"signatories/{SLUG}.yaml", "hosts.yml")
    result = run("fmt", "--check")
    assert result.exit_code == 1
    assert f"Error: signatories/{SLUG}.yaml: a symbolic link to a file outside the workspace" \
        in result.output
    assert f"a/signatories/{SLUG}.yaml" not in result.output and not leaked(result.output)


def test_the_target_is_never_opened(hostile_root, secrets, monkeypatch):
    """Not just "not quoted": the secret file is not opened at all."""
    from undersigned import fileio

    linked_workspace(hostile_root, secrets, f"signatories/{SLUG}.yaml", "id_ed25519")
    opened = []
    real = fileio._open

    def spy(path, flags):
        opened.append(str(path))
        return real(path, flags)

    monkeypatch.setattr(fileio, "_open", spy)
    run("validate")
    run("fmt", "--check")
    run("sign", "list", SLUG)
    assert not [p for p in opened if str(secrets) in p]


def test_diff_of_the_working_tree_does_not_read_the_link(hostile_root, secrets):
    linked_workspace(hostile_root, secrets, f"signatories/{SLUG}.yaml", "hosts.yml")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=hostile_root, check=True, env=env)
    (hostile_root / f"signatories/{SLUG}.yaml").unlink()
    (hostile_root / f"signatories/{SLUG}.yaml").write_text(
        roster_yaml([signatory_yaml("Amnesty International")]))
    subprocess.run(["git", "add", "-A"], cwd=hostile_root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=hostile_root, check=True, env=env)
    (hostile_root / f"signatories/{SLUG}.yaml").unlink()
    (hostile_root / f"signatories/{SLUG}.yaml").symlink_to(secrets / "hosts.yml")
    for fmt in ("text", "markdown", "json"):
        result = run("diff", "--format", fmt)
        assert not leaked(result.output), result.output
        assert "internal error" not in result.output


def test_a_link_inside_the_workspace_still_works(hostile_root):
    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    shared = hostile_root / "shared"
    shared.mkdir()
    letter = hostile_root / "letters" / f"{SLUG}.yaml"
    (shared / "letter.yaml").write_text(letter.read_text())
    letter.unlink()
    letter.symlink_to(shared / "letter.yaml")
    result = run("validate")
    assert "file-outside-workspace" not in result.output


def test_a_wrong_type_message_quotes_only_a_short_excerpt(hostile_root):
    write_workspace(hostile_root, letter_yaml().replace("title: \"A statement\"",
                                                        f"title: [{TOKEN}]"), None)
    (hostile_root / "letters" / f"{SLUG}.yaml").write_text(
        letter_yaml() + f"lang_extra: {TOKEN}\naddressees: {TOKEN}\n")
    result = run("validate", "--format", "github")
    assert TOKEN not in result.output
    assert TOKEN[:24] not in result.output


@pytest.mark.parametrize("template", ["letter.txt.j2", "letter.html.j2", "letter.css"])
def test_a_workspace_template_linked_out_of_the_workspace_is_never_read(hostile_root, secrets,
                                                                        monkeypatch, template):
    """Templates are read as every workspace file is: a link out of the workspace is refused
    before it is opened, and the error names the template."""
    from undersigned import fileio

    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    (hostile_root / "templates").mkdir()
    (hostile_root / "templates" / template).symlink_to(secrets / "hosts.yml")
    opened = []
    real = fileio._open
    monkeypatch.setattr(fileio, "_open", lambda path, flags: opened.append(str(path))
                        or real(path, flags))
    fmt = "txt" if template.endswith(".txt.j2") else "html"
    result = run("render", SLUG, "--to", fmt, "--out", str(hostile_root / "out"))
    assert result.exit_code == 1, result.output
    assert f"Error: templates/{template}: a symbolic link to a file outside the workspace" \
        in result.output
    assert not leaked(result.output) and "Traceback" not in result.output
    assert not [p for p in opened if str(secrets) in p]
    assert not (hostile_root / "out").exists()


def test_a_workspace_template_linked_inside_the_workspace_is_used(hostile_root):
    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    (hostile_root / "shared").mkdir()
    (hostile_root / "shared" / "plain.j2").write_text("{{ doc.title }} (our own)\n")
    (hostile_root / "templates").mkdir()
    (hostile_root / "templates" / "letter.txt.j2").symlink_to(hostile_root / "shared/plain.j2")
    result = run("render", SLUG, "--to", "txt", "--out", str(hostile_root / "out"))
    assert result.exit_code == 0, result.output
    assert (hostile_root / "out" / f"{SLUG}.txt").read_text().endswith("(our own)\n")


def test_a_template_that_is_a_fifo_is_refused_not_waited_for(hostile_root):
    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    (hostile_root / "templates").mkdir()
    os.mkfifo(hostile_root / "templates" / "letter.txt.j2")
    result = run("render", SLUG, "--to", "txt", "--out", str(hostile_root / "out"))
    assert result.exit_code == 1
    assert "Error: templates/letter.txt.j2: " in result.output


def test_a_reference_document_linked_out_of_the_workspace_is_never_read(hostile_root, secrets,
                                                                        monkeypatch):
    from undersigned import fileio

    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    (hostile_root / "templates").mkdir()
    (hostile_root / "templates" / "reference.docx").symlink_to(secrets / "id_ed25519")
    opened = []
    real = fileio._open
    monkeypatch.setattr(fileio, "_open", lambda path, flags: opened.append(str(path))
                        or real(path, flags))
    result = run("render", SLUG, "--to", "docx", "--out", str(hostile_root / "out"))
    assert result.exit_code == 1, result.output
    assert "reference.docx: a symbolic link to a file outside the workspace" in result.output
    assert not leaked(result.output) and "Traceback" not in result.output
    assert not [p for p in opened if str(secrets) in p]


def test_the_preview_never_reads_a_roster_linked_out_or_waits_on_a_fifo(hostile_root, secrets):
    import datetime as dt

    from undersigned.checks.rosters import RosterCache

    write_workspace(hostile_root, letter_yaml(), None)
    roster = hostile_root / "signatories" / f"{SLUG}.yaml"
    roster.symlink_to(secrets / "hosts.yml")
    cache = RosterCache()
    _, problems = cache(roster, hostile_root, dt.date(2023, 10, 1), False)
    assert [p.rule for p in problems] == ["file-outside-workspace"]
    assert not leaked(" ".join(p.message for p in problems))
    roster.unlink()
    os.mkfifo(roster)
    _, problems = cache(roster, hostile_root, dt.date(2023, 10, 1), False)  # returns at once
    assert problems and problems[0].file == f"signatories/{SLUG}.yaml"
