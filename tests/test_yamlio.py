"""yamlio: safe parsing with positions, decoding, and the fast reader of canonical rosters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undersigned import fileio
from undersigned.errors import LoadError
from undersigned.format.rosterlayout import scan_canonical_roster
from undersigned.format.yamlio import (
    RawList,
    RawMap,
    decode,
    parse_yaml,
    read_text,
)

from .conftest import EXAMPLE_SLUG, FIXTURES, REPO


def problem_of(call, *args) -> str:
    """The one problem a LoadError carries, formatted."""
    with pytest.raises(LoadError) as info:
        call(*args)
    assert len(info.value.problems) == 1
    return info.value.problems[0].format()


def shape(node):
    """A node with every position spelled out, so two parses can be compared exactly."""
    if isinstance(node, RawMap):
        return ("map", node.pos, {k: (node.key_pos[k], node.value_pos.get(k), shape(v))
                                  for k, v in node.items()})
    if isinstance(node, RawList):
        return ("list", node.pos, [(p, shape(v)) for p, v in zip(node.item_pos, node, strict=True)])
    return node


# --- decoding ---------------------------------------------------------------------------------

def test_utf8_with_bom_is_accepted():
    assert decode(b"\xef\xbb\xbfkind: letter\n", "f.yaml") == "kind: letter\n"


def test_non_utf8_byte_is_located_in_characters():
    data = "title: Tomás\nname: caf".encode() + b"\xe9\n"
    assert problem_of(decode, data, "f.yaml") == (
        "f.yaml:2:10: error: yaml-encoding: byte 0xe9 is not UTF-8; save the file as UTF-8")
    # The column counts characters, not bytes: 'á' before the bad byte is one column.
    assert problem_of(decode, "á: ".encode() + b"\xff", "f.yaml").startswith("f.yaml:1:4:")


def test_utf16_is_named():
    assert "the file is UTF-16" in problem_of(decode, "a: b".encode("utf-16"), "f.yaml")


# --- reading files -----------------------------------------------------------------------------

def test_missing_file_and_directory(tmp_path):
    assert problem_of(read_text, tmp_path / "nope.yaml", "nope.yaml") == (
        "nope.yaml:1:1: error: file-missing: no such file; check the path or slug")
    assert "file-missing: this is a directory" in problem_of(read_text, tmp_path, "d")


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.yaml"
    path.write_text("a: b\n")

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    from undersigned import fileio

    monkeypatch.setattr(fileio, "_open", refuse)
    assert problem_of(read_text, path, "locked.yaml") == (
        "locked.yaml:1:1: error: file-unreadable: cannot read the file: Permission denied")


def test_too_large(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: b\n" * 1000)
    monkeypatch.setattr(fileio, "MAX_BYTES", 100)  # the one limit of every read
    assert "yaml-too-large" in problem_of(read_text, path, "big.yaml")


# --- parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("a: b\nc: [1, 2\nd: e\n",
     "f.yaml:3:2: error: yaml-syntax: did not find expected ',' or ']' while parsing a flow "
     "sequence (it started on line 2); check quoting and indentation"),
    ("title: x\n  kind: y\n",
     "f.yaml:2:7: error: yaml-syntax: mapping values are not allowed in this context; check "
     "quoting and "
     "indentation"),
    ("a:\n\tb: c\n",
     "f.yaml:2:1: error: yaml-syntax: a tab is used for indentation; YAML needs spaces"),
    ("a: 1\nb: 2\na: 3\n",
     "f.yaml:3:1: error: duplicate-key: key 'a' appears twice in this mapping (first on line 1); "
     "keep one"),
    ("a: {b: 1, b: 2}\n",
     "f.yaml:1:11: error: duplicate-key: key 'b' appears twice in this mapping (first on line 1); "
     "keep one"),
    ("a: &x 1\nb: *x\n",
     "f.yaml:2:4: error: yaml-alias: alias *x is not allowed; write the value out in full"),
    ("a: !!python/object:os.system x\n",
     "f.yaml:1:4: error: yaml-tag: tag !!python/object:os.system is not allowed; remove it"),
    ("a: !custom x\n",
     "f.yaml:1:4: error: yaml-tag: tag !custom is not allowed; remove it"),
    ("a: 1\n---\nb: 2\n",
     "f.yaml:2:1: error: yaml-syntax: more than one YAML document ('---'); keep one per file"),
    ("? [a]\n: b\n",
     "f.yaml:1:3: error: yaml-syntax: a mapping key must be plain text"),
], ids=["flow", "indent", "tab", "duplicate", "duplicate-flow", "alias", "python-tag",
        "local-tag", "two-documents", "complex-key"])
def test_parse_problems(text, expected):
    assert problem_of(parse_yaml, text, "f.yaml") == expected


def test_tab_inside_a_quoted_value_is_fine():
    assert parse_yaml('a: "b\tc"\n', "f.yaml") == {"a": "b\tc"}


def test_scalars_follow_yaml_1_2_and_dates_stay_text():
    raw = parse_yaml(
        "d: 2023-09-21\nq: '42'\nn: 42\nf: 1.5\nt: true\nno: no\nnull1: ~\nempty:\n", "f.yaml")
    assert raw == {"d": "2023-09-21", "q": "42", "n": 42, "f": 1.5, "t": True, "no": "no",
                   "null1": None, "empty": None}


def test_positions_of_keys_values_and_items():
    raw = parse_yaml("# comment\ntitle: Letter\nbody:\n  - one\n  - heading: two\n", "f.yaml")
    assert (raw.pos.line, raw.pos.column) == (2, 1)
    assert (raw.key_pos["body"].line, raw.value_pos["title"].column) == (3, 8)
    body = raw["body"]
    assert [(p.line, p.column) for p in body.item_pos] == [(4, 5), (5, 5)]
    assert body[1].key_pos["heading"].line == 5


def test_empty_document_is_none():
    assert parse_yaml("# only a comment\n", "f.yaml") is None


# --- the canonical roster reader ---------------------------------------------------------------

def test_fast_reader_matches_parser_on_the_example():
    text = (REPO / "signatories" / f"{EXAMPLE_SLUG}.yaml").read_text(encoding="utf-8")
    fast = scan_canonical_roster(text, "r.yaml")
    assert fast is not None, "the example roster must be in the canonical layout"
    assert shape(fast) == shape(parse_yaml(text, "r.yaml"))


def test_fast_reader_matches_parser_on_the_every_rule_roster():
    text = (FIXTURES / "every-rule" / "signatories" / "every-rule.yaml").read_text()
    fast = scan_canonical_roster(text, "r.yaml")
    assert fast is not None
    assert shape(fast) == shape(parse_yaml(text, "r.yaml"))


@pytest.mark.parametrize("text", [
    "as_of: 2023-09-21\nsignatories: []\n",
    "as_of: 2023-09-21\nsignatories:\n  - {name: A, kind: individual}\n",
    "as_of: 2023-09-21\nsignatories:\n  - name: A\n    title: >\n      folded\n",
    "as_of: 2023-09-21\nsignatories:\n  - name: A\n    name: B\n",
    "as_of: 2023-09-21\nsignatories:\n  - name: 'unclosed\n",
    "---\nas_of: 2023-09-21\n",
    "as_of: 2023-09-21\nsignatories:\n  - name: a: b\n",
    "as_of: 2023-09-21\nsignatories:\n",
], ids=["flow-list", "flow-map", "folded", "duplicate", "unclosed-quote", "document-start",
        "colon-in-plain", "no-entries"])
def test_fast_reader_declines_what_it_cannot_read(text):
    assert scan_canonical_roster(text, "r.yaml") is None


NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1, max_size=30,
)
FIELDS = st.sampled_from(["title", "country", "via", "sort_as", "email", "status"])


def _quote(value: str, style: str) -> str:
    if style == "double":
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


@st.composite
def rosters(draw) -> str:
    lines = ["# yaml-language-server: $schema=../schema/roster.schema.json"]
    if draw(st.booleans()):
        lines.append("# a comment before the date")
    lines += ["as_of: 2023-09-21", "signatories:"]
    if draw(st.booleans()):
        lines.append("  # a comment before the first entry")
    for _ in range(draw(st.integers(1, 4))):
        name = draw(NAMES)
        lines.append(f"  - name: {_quote(name, draw(st.sampled_from(['double', 'single'])))}")
        lines.append("    kind: organization")
        for key in draw(st.lists(FIELDS, unique=True, max_size=3)):
            value = draw(NAMES)
            lines.append(f"    {key}: {_quote(value, draw(st.sampled_from(['double', 'single'])))}")
        if draw(st.booleans()):
            lines.append("    signed_on: 2023-09-21  # plain, with a comment")
        lines.append(draw(st.sampled_from(["", "", "  # a comment between entries"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_fast_reader_agrees_with_the_parser(text):
    fast = scan_canonical_roster(text, "r.yaml")
    assert fast is not None
    assert shape(fast) == shape(parse_yaml(text, "r.yaml"))


def test_folded_scalars_read_as_yaml_defines_them():
    from undersigned.format.yamlio import parse_yaml

    assert parse_yaml("a: >-\n  one two\n  three\n\n  four\n", "f") == {"a": "one two three\nfour"}
