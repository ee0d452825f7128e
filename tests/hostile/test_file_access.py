"""A letter reads no file outside its own directory: a source's `snapshot:` that points at
`/proc/self/environ`, `../.git/config` or any other file beyond `letters/` would otherwise
have `validate` quote it ("the closest passage reads: …") in a CI log for anyone to read,
and `archive` copy it into the workspace."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import SLUG, roster_yaml, signatory_yaml, write_workspace

SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2VuLWZvci1jaQ== SECRET_TOKEN=ghp_exfiltrated123"


def letter_with_snapshot(path: str) -> str:
    return f"""\
kind: statement
title: A statement
body:
  - We write.[^n1]
footnotes:
  n1:
    - cite: s1
      quotation: "AUTHORIZATION: basic"
sources:
  s1:
    type: report
    title: A report
    snapshot: {json.dumps(path)}
"""


@pytest.fixture
def secret_outside(hostile_root):
    secret = hostile_root.parent / "secret.txt"
    secret.write_text(SECRET + "\n")
    (hostile_root / ".git").mkdir()
    (hostile_root / ".git" / "config").write_text(f"[http]\n\textraheader = {SECRET}\n")
    return secret


def paths(secret) -> list[str]:
    return [str(secret), "../../secret.txt", "../.git/config", "sources/../../.git/config"]


@pytest.mark.parametrize("which", range(4))
def test_validate_never_reads_a_snapshot_outside_the_letters_directory(secret_outside, which):
    path = paths(secret_outside)[which]
    write_workspace(secret_outside.parent / "ws", letter_with_snapshot(path),
                    roster_yaml([signatory_yaml("Amnesty")]))
    for fmt in ("human", "github", "json"):
        result = CliRunner().invoke(cli, ["validate", "--format", fmt])
        assert result.exit_code == 1, result.output
        assert "c2VjcmV0" not in result.output and "ghp_" not in result.output, result.output
        assert "outside" in result.output


def test_a_symlink_out_of_the_letters_directory_is_refused(secret_outside):
    root = secret_outside.parent / "ws"
    write_workspace(root, letter_with_snapshot("sources/link.txt"),
                    roster_yaml([signatory_yaml("Amnesty")]))
    (root / "letters" / "sources").mkdir()
    os.symlink(secret_outside, root / "letters" / "sources" / "link.txt")
    result = CliRunner().invoke(cli, ["validate"])
    assert "c2VjcmV0" not in result.output and "outside" in result.output


@pytest.mark.parametrize("which", range(4))
def test_archive_never_copies_a_file_from_outside(secret_outside, which):
    root = secret_outside.parent / "ws"
    write_workspace(root, letter_with_snapshot(paths(secret_outside)[which]),
                    roster_yaml([signatory_yaml("Amnesty")]))
    result = CliRunner().invoke(cli, ["archive", SLUG])
    assert "c2VjcmV0" not in result.output
    copies = list((root / "letters").rglob("*.txt"))
    assert all("c2VjcmV0" not in p.read_text() for p in copies), copies


def test_a_snapshot_inside_the_letters_directory_still_works(hostile_root):
    write_workspace(hostile_root, letter_with_snapshot("sources/s1.txt"),
                    roster_yaml([signatory_yaml("Amnesty")]))
    (hostile_root / "letters" / "sources").mkdir()
    (hostile_root / "letters" / "sources" / "s1.txt").write_text(
        "The report says: AUTHORIZATION: basic, as quoted.\n")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
