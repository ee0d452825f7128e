"""`undersigned diff` and `fmt` end to end: throwaway git repositories, golden outputs.

Run pytest with --update-goldens to rewrite tests/golden/diff/ after a deliberate change of output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from undersigned.cli import cli
from undersigned.review import difftexts as diff_module

from .conftest import EXAMPLE_SLUG, REPO
from .test_diff import ADD_ENTRY, LETTER, ROSTER
from .test_gitio import commit_all, git, make_repo, write

FORMATS = {"text": "txt", "markdown": "md", "json": "json"}
SLUG = "test-statement"


def run(*args: str, color: bool = False):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, color=color)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A workspace in a fresh git repository with the test letter and roster committed."""
    root = make_repo(tmp_path / "ws")
    write(root, f"letters/{SLUG}.yaml", LETTER)
    write(root, f"signatories/{SLUG}.yaml", ROSTER)
    commit_all(root, "letter")
    monkeypatch.chdir(root)
    return root


def _entry(name: str, kind: str = "organization", signed_on: str = "2023-09-22",
           **fields: str) -> str:
    lines = [f"  - name: {name}", f"    kind: {kind}"]
    lines += [f"    {k}: {v}" for k, v in fields.items() if k in ("title", "sort_as")]
    lines += [f"    signed_on: {signed_on}", "    status: confirmed"]
    return "\n".join(lines) + "\n\n"


def _withdraw(roster: str, name: str, reason: str) -> str:
    block = f"  - name: {name}\n    kind: organization\n    signed_on: 2023-09-21\n" \
            "    status: confirmed\n"
    assert block in roster
    return roster.replace(block, f"  - name: {name}\n    kind: organization\n"
                          "    signed_on: 2023-09-21\n    status: withdrawn\n"
                          f"    withdrawn_on: 2023-09-22\n    withdrawal_reason: {reason}\n")


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# Each case turns (letter, roster) into the working tree's version.
CASES = {
    "signatories-added": lambda letter, roster: (letter, _replace(
        _replace(roster, "  - name: ACAT UK",
                 _entry("Asian Federation Against Involuntary Disappearances (AFAD)")
                 + "  - name: ACAT UK"),
        "  - name: Lee Yanghee", _entry("Tomás Ojea Quintana", "individual",
                                        title="Former Special Rapporteur on the DPRK",
                                        sort_as="Ojea Quintana Tomás") + "  - name: Lee Yanghee",
    ).replace("as_of: 2023-09-21", "as_of: 2023-09-22") + ADD_ENTRY),
    "signatory-withdrawn": lambda letter, roster: (
        letter, _withdraw(roster, "HanVoice", "the board decided not to sign")),
    "signatory-removed": lambda letter, roster: (letter, _replace(
        roster, "  - name: HanVoice\n    kind: organization\n    signed_on: 2023-09-21\n"
                "    status: confirmed\n\n", "")),
    "signatory-reinstated": lambda letter, roster: (letter, _replace(
        roster, "    status: withdrawn\n    withdrawn_on: 2023-09-21\n"
                "    withdrawal_reason: asked to be removed\n", "    status: confirmed\n")),
    "signatory-changed": lambda letter, roster: (letter, roster.replace(
        "title: Member of the House of Lords", "title: Independent Crossbench Member of the "
        "House of Lords").replace("name: HanVoice", "name: Han Voice").replace(
        "sort_as: Lee Yanghee", "sort_as: Yanghee Lee")),
    "as-of": lambda letter, roster: (letter, roster.replace("as_of: 2023-09-21",
                                                            "as_of: 2023-09-25")),
    "footnote-added": lambda letter, roster: (_replace(_replace(
        letter, "It recommended an end to returns.[^coi-rec]",
        "It recommended an end to returns.[^coi-rec][^hrw]"),
        "sources:\n", "  hrw:\n    - text: Human Rights Watch documented 2023 returns.\n"
                      "sources:\n"), roster),
    "footnote-removed": lambda letter, roster: (_replace(_replace(
        letter, "It recommended an end to returns.[^coi-rec]", "It recommended an end to "
        "returns."), "  coi-rec:\n    - cite: coi-2014\n      pinpoint: para. 1221(a)\n", ""),
        roster),
    "citation-changed": lambda letter, roster: (_replace(
        letter, "pinpoint: paras. 380-434", "pinpoint: paras. 380-435"), roster),
    "source-url-changed": lambda letter, roster: (_replace(
        letter, "afternorth-koreans", "after-north-koreans"), roster),
    "paragraph-added": lambda letter, roster: (_replace(
        letter, "  - Thank you.\n", "  - We urge you to act before the Asian Games.\n"
                                    "  - Thank you.\n"), roster),
    "paragraph-removed": lambda letter, roster: (_replace(
        letter, "  - heading: Our requests\n", ""), roster),
    "paragraph-moved": lambda letter, roster: (_replace(_replace(
        letter, "  - The commission found crimes against humanity.[^coi] It recommended an end "
                "to returns.[^coi-rec]\n", ""),
        "  - Thank you.\n", "  - The commission found crimes against humanity.[^coi] It "
                            "recommended an end to returns.[^coi-rec]\n  - Thank you.\n"),
        roster),
    "paragraph-edited": lambda letter, roster: (_replace(
        letter, "The commission found crimes against humanity.",
        "In 2014 the commission of inquiry found crimes against humanity."), roster),
    "list-edited": lambda letter, roster: (_replace(
        letter, "      - End forcible repatriation.\n",
        "      - End forcible repatriation now.\n      - Release those detained.\n"), roster),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_change_in_every_format(repo, golden, case):
    letter, roster = CASES[case](LETTER, ROSTER)
    write(repo, f"letters/{SLUG}.yaml", letter)
    write(repo, f"signatories/{SLUG}.yaml", roster)
    for fmt, ext in FORMATS.items():
        result = run("diff", "--format", fmt)
        assert result.exit_code == 0, result.output
        golden(f"diff/{case}.{ext}", result.stdout)


def test_no_change(repo):
    assert run("diff").output == "No letter or roster changed (HEAD → working tree).\n"
    data = json.loads(run("diff", "--format", "json").output)
    assert data == {"base": "HEAD", "head": "working tree", "range": "HEAD", "letters": []}


def test_a_new_letter_and_committed_revisions(repo, golden):
    write(repo, "letters/second.yaml", "kind: statement\ntitle: Second\nbody:\n  - Hello.\n")
    write(repo, "signatories/second.yaml", "as_of: 2023-09-21\nsignatories:\n" + ADD_ENTRY)
    commit_all(repo, "second letter")
    result = run("diff", "HEAD~1", "HEAD", "--format", "markdown")
    golden("diff/letter-added.md", result.output)
    assert run("diff", "HEAD~1..HEAD", "--format", "markdown").output.replace(
        "HEAD~1..HEAD", "HEAD~1 HEAD") == result.output


def test_endorsements_of_the_earlier_text(repo, golden):
    from undersigned.roster.fingerprint import fingerprint

    old = diff_module.load_letter_text(LETTER, "letters/x.yaml", "x")
    roster = ROSTER.replace("    status: confirmed\n",
                            f"    status: confirmed\n    endorsed: {fingerprint(old)}\n")
    write(repo, f"signatories/{SLUG}.yaml", roster)
    commit_all(repo, "endorsements")
    write(repo, f"letters/{SLUG}.yaml", LETTER.replace("Thank you.", "Thank you all."))
    for fmt, ext in FORMATS.items():
        golden(f"diff/endorsements.{ext}", run("diff", "--format", fmt).output)


def test_pull_request_range_and_letter_selection(repo):
    git(repo, "checkout", "-q", "-b", "topic")
    write(repo, f"signatories/{SLUG}.yaml", ROSTER + ADD_ENTRY)
    commit_all(repo, "sign")
    git(repo, "checkout", "-q", "main")
    write(repo, "letters/other.yaml", "kind: statement\ntitle: Other\nbody: [x]\n")
    commit_all(repo, "main moves on")
    text = run("diff", "main...topic").output
    assert text.startswith(f"{SLUG} (merge base of main and topic → topic)\n  +1 signatory\n")
    assert "other" not in text
    # a letter given by slug or path limits the comparison
    both = run("diff", "topic", "main", "--format", "json").output
    assert [x["slug"] for x in json.loads(both)["letters"]] == ["other", SLUG]
    only = run("diff", "topic", "main", f"letters/{SLUG}.yaml", "--format", "json").output
    assert [x["slug"] for x in json.loads(only)["letters"]] == [SLUG]
    assert json.loads(run("diff", "topic", "main", SLUG, "--format", "json").output) == \
        json.loads(only)


def test_a_letter_that_exists_only_in_a_revision(repo):
    git(repo, "rm", "-q", f"letters/{SLUG}.yaml", f"signatories/{SLUG}.yaml")
    data = json.loads(run("diff", "HEAD", SLUG, "--format", "json").output)
    assert data["letters"][0]["status"] == "removed"


def test_colour_on_a_terminal_only(repo):
    write(repo, f"letters/{SLUG}.yaml", LETTER.replace("Thank you.", "Thanks."))
    assert "\x1b[" not in run("diff").output
    coloured = run("diff", color=True).output
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured
    assert "[-" not in coloured  # colour replaces the [-…-]{+…+} markers


def test_outside_a_repository(tmp_path, monkeypatch):
    write(tmp_path, "letters/a.yaml", "kind: statement\ntitle: A\nbody: [x]\n")
    monkeypatch.chdir(tmp_path)
    result = run("diff")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not inside a git repository" in result.output


def test_outside_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("diff")
    assert result.exit_code == 2 and "no workspace here" in result.output


def test_unknown_revision_and_unknown_argument(repo):
    result = run("diff", "v9..HEAD")
    assert result.exit_code == 1
    assert "Error: unknown revision 'v9'" in result.output
    result = run("diff", "nonsense")
    assert result.exit_code == 2
    assert "'nonsense' is neither a revision nor a letter" in result.output


def test_a_broken_letter_at_a_revision_is_located(repo):
    write(repo, f"letters/{SLUG}.yaml", "kind: statement\ntitle: [broken\n")
    commit_all(repo, "broken")
    result = run("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 1
    assert f"Error: HEAD:letters/{SLUG}.yaml:3:1: error: yaml-syntax" in result.output


# --- the example: what a reviewer sees on a typical pull request ------------------------------


def example_pull_request(letter: str, roster: str) -> tuple[str, str]:
    """3 signatories added, 1 withdrawn, one footnote URL fixed, one sentence reworded."""
    roster = _replace(roster, "  - name: Sonja Biserko", _entry(
        "Elizabeth Salmón", "individual", "2023-09-27",
        title="UN Special Rapporteur on the situation of human rights in the DPRK",
        sort_as="Salmón Elizabeth") + "  - name: Sonja Biserko")
    roster = _replace(roster, "  - name: Asian Federation", _entry(
        "Amnesty International", signed_on="2023-09-26") + "  - name: Asian Federation")
    roster = _replace(roster, "  - name: Human Rights Hub", _entry(
        "Human Rights Foundation", signed_on="2023-09-28") + "  - name: Human Rights Hub")
    roster = re.sub(r"(  - name: HanVoice\n(?:    .*\n)*?    status: )confirmed\n",
                    r"\1withdrawn\n    withdrawn_on: 2023-09-27\n"
                    r"    withdrawal_reason: asked to be removed by its board\n", roster)
    roster = re.sub(r"^as_of: .*$", "as_of: 2023-09-28", roster, count=1, flags=re.M)
    letter = _replace(letter, "respect-non-refoulement-afternorth-koreans-deported",
                      "respect-non-refoulement-after-north-koreans-deported")
    letter = _replace(letter, "There has been no documentation of such improvement of treatment "
                      "in North Korea.", "No such improvement has been documented since.")
    return letter, roster


def test_example_pull_request_summary(tmp_path, monkeypatch, golden):
    root = make_repo(tmp_path / "ws")
    letter = (REPO / "letters" / f"{EXAMPLE_SLUG}.yaml").read_text(encoding="utf-8")
    roster = (REPO / "signatories" / f"{EXAMPLE_SLUG}.yaml").read_text(encoding="utf-8")
    write(root, f"letters/{EXAMPLE_SLUG}.yaml", letter)
    write(root, f"signatories/{EXAMPLE_SLUG}.yaml", roster)
    commit_all(root, "example")
    git(root, "checkout", "-q", "-b", "more-signatures")
    letter, roster = example_pull_request(letter, roster)
    write(root, f"letters/{EXAMPLE_SLUG}.yaml", letter)
    write(root, f"signatories/{EXAMPLE_SLUG}.yaml", roster)
    commit_all(root, "three more signatures, a withdrawal, a URL fix and a clearer sentence")
    monkeypatch.chdir(root)
    markdown = run("diff", "main...HEAD", "--format", "markdown").output
    golden("diff/example-pull-request.md", markdown)
    first = markdown.split("\n")[2]
    assert first.startswith(f"**{EXAMPLE_SLUG}**: +3 signatories, 1 withdrawn")
    assert "footnote 13 URL changed, paragraph 3 edited" in first
    # docs/review.md shows this very output
    review = (REPO / "docs" / "review.md").read_text(encoding="utf-8")
    assert markdown in review


# --- fmt ------------------------------------------------------------------------------------------

UNFORMATTED = "title: T\nkind: statement  # kind first\nbody: ['One.']\n"
FORMATTED = "kind: statement  # kind first\ntitle: T\nbody:\n  - One.\n"


def test_fmt_check_prints_a_diff_and_changes_nothing(repo):
    write(repo, "letters/u.yaml", UNFORMATTED)
    result = CliRunner().invoke(cli, ["fmt", "--check"])
    assert result.exit_code == 1
    assert result.stdout == """\
--- a/letters/u.yaml
+++ b/letters/u.yaml
@@ -1,3 +1,4 @@
+kind: statement  # kind first
 title: T
-kind: statement  # kind first
-body: ['One.']
+body:
+  - One.
"""
    assert result.stderr == ("would reformat letters/u.yaml\n"
                             "1 file(s) would be reformatted, 2 unchanged\n")
    assert (repo / "letters" / "u.yaml").read_text(encoding="utf-8") == UNFORMATTED


def test_fmt_writes_then_check_passes(repo):
    write(repo, "letters/u.yaml", UNFORMATTED)
    result = CliRunner().invoke(cli, ["fmt", "letters/u.yaml"])
    assert result.exit_code == 0
    assert result.stderr == "reformatted letters/u.yaml\n1 file(s) reformatted, 0 unchanged\n"
    assert (repo / "letters" / "u.yaml").read_text(encoding="utf-8") == FORMATTED
    result = CliRunner().invoke(cli, ["fmt", "--check"])
    assert result.exit_code == 0 and result.stdout == ""


def test_fmt_by_slug_formats_letter_and_roster(repo):
    result = CliRunner().invoke(cli, ["fmt", "--check", SLUG])
    assert result.stderr.endswith("0 file(s) would be reformatted, 2 unchanged\n")


def test_fmt_reports_a_broken_file_and_goes_on(repo):
    write(repo, "letters/broken.yaml", "kind: statement\ntitle: [oops\n")
    write(repo, "letters/u.yaml", UNFORMATTED)
    result = CliRunner().invoke(cli, ["fmt"])
    assert result.exit_code == 1
    assert "Error: letters/broken.yaml:3:1: error: yaml-syntax" in result.stderr
    assert "reformatted letters/u.yaml" in result.stderr
    assert result.stderr.endswith("1 file(s) reformatted, 2 unchanged, 1 could not be "
                                  "formatted\n")


def test_fmt_outside_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fmt"])
    assert result.exit_code == 2 and "no workspace here" in result.output


def test_fmt_keeps_the_example_workspace_valid(workspace):
    before = CliRunner().invoke(cli, ["validate", "--format", "json"]).output
    assert CliRunner().invoke(cli, ["fmt"]).exit_code == 0
    assert CliRunner().invoke(cli, ["fmt", "--check"]).exit_code == 0
    after = CliRunner().invoke(cli, ["validate", "--format", "json"]).output
    rules = sorted((p["file"], p["rule"], p["message"]) for p in json.loads(before)["problems"])
    assert rules == sorted((p["file"], p["rule"], p["message"])
                           for p in json.loads(after)["problems"])


# --- the integration kit ------------------------------------------------------------------------


def _yaml(text: str):
    return YAML(typ="safe", pure=True).load(text)


def test_pre_commit_hooks_run_our_commands():
    hooks = {h["id"]: h for h in _yaml((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"undersigned-validate", "undersigned-fmt"}
    for hook in hooks.values():
        command = hook["entry"].split()
        assert command[0] == "undersigned" and command[1] in cli.list_commands(None)
        assert hook["language"] == "python"
        assert re.search(hook["files"], "letters/a.yaml")
        assert re.search(hook["files"], "signatories/a.yaml")
        assert not re.search(hook["files"], "signatories/a.private.yaml")


def test_ci_workflow_is_valid_and_the_scaffold_carries_the_documented_copy():
    workflow = REPO / "src" / "undersigned" / "scaffold" / ".github" / "workflows" / \
        "undersigned.yml"
    text = workflow.read_text(encoding="utf-8")
    data = _yaml(text)
    steps = data["jobs"]["undersigned"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "undersigned validate --format github" in runs
    assert "--format markdown" in runs and "undersigned diff" in runs
    assert data[True if True in data else "on"]["pull_request"] is not None
    doc = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    assert text in blocks, "docs/ci.md must show the scaffold's workflow verbatim"
