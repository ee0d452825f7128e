"""A hostile pull request targets its reviewers: `undersigned diff` shows what a branch changed
without sending escape sequences to their terminal, reordering what they read, or turning a
signatory's name into markdown (links, images, mentions, HTML) in a pull-request comment."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import letter_yaml, roster_yaml, signatory_yaml, write_workspace

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HOSTILE_NAMES = [
    "Evil\x1b]0;pwned\x07\x1b[2J\x1b[31m Org",  # terminal title, clear screen, colour
    "Trojan \u202eorP nosaeR\u202c Org",  # right-to-left override
    "Hidden\u200b Org",
    "Line\rbreak # Heading Org",
    "![tracker](https://tracker.example/p.png) Image Org",
    "[click me](https://evil.example) Link Org",
    "<img src=x onerror=alert(1)> Html Org",
    "@everyone and @some-org/team Mention Org",
    "Code `` ``![t](https://tracker.example/c.png)`` Org",
]


def git(root, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "HOME": str(root), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def hostile_pull_request(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    git(hostile_root, "init", "-q")
    git(hostile_root, "add", "-A")
    git(hostile_root, "commit", "-q", "-m", "base")
    entries = [signatory_yaml("Amnesty", title="Changed ``title`` with `ticks`")]
    entries += [signatory_yaml(name, title=name) for name in HOSTILE_NAMES]
    write_workspace(hostile_root, letter_yaml(), roster_yaml(entries))
    git(hostile_root, "commit", "-q", "-am", "hostile")
    return hostile_root


def diff(fmt: str) -> str:
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_text_diff_sends_no_control_or_bidi_character(hostile_pull_request):
    out = diff("text")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]", out)
    assert "<U+001B>" in out and "<U+202E>" in out and "<U+200B>" in out
    assert "Evil<U+001B>]0;pwned<U+0007><U+001B>[2J<U+001B>[31m Org" in out


def test_the_markdown_diff_is_inert(hostile_pull_request):
    out = diff("markdown")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]", out)
    body = out.replace("<details><summary>", "").replace("</summary>", "")
    body = body.replace("</details>", "").replace("<!-- undersigned diff -->", "")
    body = body.replace("<sub>", "").replace("</sub>", "")
    assert "<" not in body.replace("\\<", "")  # no HTML: every < is escaped
    assert "](" not in body.replace("\\](", "")  # no link or image
    for mention in ("@everyone", "@some-org/team"):
        assert mention not in out  # GitHub would notify them
    # every code span closes where it should: the text between fences holds no fence
    for line in out.splitlines():
        if "→" in line and "`" in line:
            spans = re.findall(r"(`+)(.*?)\1", line)
            assert spans and all("``" not in text or len(fence) > 2 for fence, text in spans)
