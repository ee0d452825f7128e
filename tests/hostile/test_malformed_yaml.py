"""Malformed YAML of every kind: a located, human error and exit 1, fast — never a traceback."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from undersigned.cli import cli
from undersigned.errors import LoadError
from undersigned.format.load import load_letter, load_roster
from undersigned.format.yamlio import parse_yaml

from ..conftest import EXAMPLE_SLUG

LETTER = f"letters/{EXAMPLE_SLUG}.yaml"
ROSTER = f"signatories/{EXAMPLE_SLUG}.yaml"

CASES = {
    "syntax": (b"kind: letter\ntitle: [unclosed\nbody: []\n", 3, "yaml-syntax"),
    "tab": (b"kind: letter\nbody:\n\t- x\n", 3, "yaml-syntax"),
    "wrong-type": (b"kind: letter\ntitle: T\nbody: 42\n", 3, "wrong-type"),
    "duplicate-key": (b"kind: letter\ntitle: T\ntitle: U\nbody: [x]\n", 3, "duplicate-key"),
    "anchor-alias": (b"kind: letter\ntitle: &t T\nsubject: *t\nbody: [x]\n", 3, "yaml-alias"),
    "custom-tag": (b"kind: letter\ntitle: !!python/object:os.system x\nbody: [x]\n", 2,
                   "yaml-tag"),
    "billion-laughs": (
        b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + b"".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n".encode()
                   for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
        2, "yaml-alias"),
    "binary": (bytes(range(256)) * 4, 2, "yaml-encoding"),
    "non-utf8": (b"kind: letter\ntitle: Caf\xe9\nbody: [x]\n", 2, "yaml-encoding"),
    "utf16": ("kind: letter\n".encode("utf-16"), 1, "yaml-encoding"),
    "control-char": (b"kind: letter\ntitle: \"a\x07\"\nbody: [x]\n", 2, "yaml-syntax"),
    "deep-nesting": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", 1, "yaml-syntax"),
    "two-documents": (b"kind: letter\n---\nkind: letter\n", 2, "yaml-syntax"),
    "not-a-mapping": (b"- just\n- a list\n", 1, "wrong-type"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_letter_is_a_located_error(workspace, name):
    data, line, rule = CASES[name]
    (workspace / LETTER).write_bytes(data)
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["validate", LETTER, "--format", "json"])
    assert time.monotonic() - start < 10  # bounded: no hang (a generous bound, not a benchmark)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    import json

    problems = json.loads(result.stdout)["problems"]
    mine = [(p["rule"], p["line"]) for p in problems if p["file"] == LETTER]
    assert (rule, line) in mine, mine


def test_a_bom_is_accepted(workspace):
    path = workspace / LETTER
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = CliRunner().invoke(cli, ["validate", LETTER])
    assert result.exit_code == 0, result.output


def test_a_50_mb_file_is_refused_at_once(workspace):
    path = workspace / ROSTER
    with path.open("wb") as f:
        f.write(b"as_of: 2023-09-21\nsignatories:\n")
        f.write(b"  - {name: x, kind: organization}\n" * (50 * 1024 * 1024 // 34))
    start = time.monotonic()
    roster, problems = load_roster(path, ROSTER)
    assert time.monotonic() - start < 10
    assert roster is None
    assert problems[0].rule == "yaml-too-large"


def test_a_directory_in_place_of_a_letter(workspace):
    (workspace / "letters" / "dir.yaml").mkdir()
    letter, problems = load_letter(workspace / "letters" / "dir.yaml", "letters/dir.yaml")
    assert letter is None and problems[0].rule == "file-missing"


yaml_chars = st.sampled_from(list("abc: -[]{}&*!|>'\"#%@`,?\n\t ") + ["\u202e", "\x00", "é"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(yaml_chars, max_size=80))
def test_any_text_parses_or_fails_with_a_located_problem(text):
    try:
        parse_yaml(text, "fuzz.yaml")
    except LoadError as e:
        assert e.problems
        for p in e.problems:
            assert p.file == "fuzz.yaml" and p.line >= 1 and p.column >= 1
            assert p.rule.startswith(("yaml-", "duplicate-key"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_letter_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.yaml"
    path.write_bytes(b"kind: letter\ntitle: T\nbody:\n  - " + data)
    letter, problems = load_letter(path, "x.yaml")
    assert letter is not None or problems
