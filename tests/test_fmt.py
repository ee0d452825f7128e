"""fmt: one canonical layout, idempotent, keeping meaning and comments (also as properties)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from undersigned.errors import LoadError
from undersigned.fileio import write_atomic
from undersigned.format import rosterlayout, schema
from undersigned.format.yamlio import parse_yaml
from undersigned.review import fmt
from undersigned.review.difftexts import load_letter_text, load_roster_text
from undersigned.review.fmt import (
    FormatError,
    format_file,
    format_letter_text,
    format_roster_text,
    parse_document,
    quote,
)

from .conftest import REPO


def meaning(obj):
    """A model as plain data without source positions, for comparing before and after."""
    if dataclasses.is_dataclass(obj):
        return {f.name: meaning(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.name not in ("pos", "field_pos", "item_pos", "path")}
    if isinstance(obj, list):
        return [meaning(x) for x in obj]
    if isinstance(obj, dict):
        return {k: meaning(v) for k, v in obj.items()}
    return obj


def letter_meaning(text: str):
    try:
        return meaning(load_letter_text(text, "letters/x.yaml", "x"))
    except LoadError as e:
        return ("unusable", [(p.rule, p.message) for p in e.problems])


def roster_meaning(text: str):
    data = meaning(load_roster_text(text, "signatories/x.yaml", "x"))
    data["signatories"] = sorted(data["signatories"], key=lambda s: json.dumps(s, default=str))
    return data


def comments(text: str) -> list[str]:
    return sorted(parse_document(text, "x").comments)


def assert_canonical(before: str, formatter=format_letter_text, meaning_of=letter_meaning):
    after = formatter(before)
    assert formatter(after) == after, "formatting twice changed the text again"
    assert meaning_of(after) == meaning_of(before)
    assert comments(after) == comments(before)
    return after


# --- the layout ---------------------------------------------------------------------------------


def test_key_order_follows_the_format_and_comments_move_with_their_key():
    before = """\
# yaml-language-server: $schema=../schema/letter.schema.json
body:
  - First.[^a]
# the title as the coalition agreed it
title: T   # short
kind: statement
footnotes:
  a:
  - pinpoint: p. 2  # checked
    cite: s
sources:
  s:
    URL: https://example.org
    # the publisher's own title
    title: Report
    type: report
"""
    assert assert_canonical(before) == """\
# yaml-language-server: $schema=../schema/letter.schema.json
kind: statement
# the title as the coalition agreed it
title: T  # short
body:
  - First.[^a]
footnotes:
  a:
    - cite: s
      pinpoint: p. 2  # checked
sources:
  s:
    type: report
    # the publisher's own title
    title: Report
    URL: https://example.org
"""


def test_every_letter_key_has_a_place():
    nested = {"addressees", "cc", "body", "signatures", "annex", "style", "footnotes",
              "sources"}
    assert set(fmt.LETTER_ORDER) == set(schema.LETTER) | nested
    assert set(fmt.BLOCK_ORDER) == {"paragraph", "heading", "quote", "list", "ordered", "id"}
    assert set(fmt.SIGNATURES_ORDER) == set(schema.SIGNATURES) | {"sections"}


def test_unknown_keys_keep_their_order_after_known_ones():
    before = "zeta: 1\ntitle: T\nalpha: 2\nkind: statement\nbody: [x]\n"
    assert format_letter_text(before) == (
        "kind: statement\ntitle: T\nbody:\n  - x\nzeta: 1\nalpha: 2\n")


def test_quoting_is_the_least_that_keeps_the_value():
    assert quote("plain words, with commas") == "plain words, with commas"
    assert quote("Re: a subject") == '"Re: a subject"'
    assert quote('say "hi": now') == "'say \"hi\": now'"
    assert quote("yes") == '"yes"'
    assert quote("1.5") == '"1.5"'
    assert quote("- dash") == '"- dash"'
    assert quote("a #b") == '"a #b"'
    assert quote("bell\x07") == '"bell\\x07"'
    assert quote("2023-09-21") == "2023-09-21"


def test_indentation_flow_style_and_quotes_are_normalised():
    before = """\
kind: 'statement'
title: "Plain title"
addressees: [{name: Xi Jinping, title: "President"}]
body:
    -   "One."
    -   list: [a, b]
        ordered: True
"""
    assert assert_canonical(before) == """\
kind: statement
title: Plain title
addressees:
  - name: Xi Jinping
    title: President
body:
  - One.
  - list:
      - a
      - b
    ordered: true
"""


def test_multi_line_text_becomes_a_literal_block():
    before = ('kind: letter\ntitle: T\naddressees:\n  - name: X\n'
              '    address: "Line 1\\nLine 2\\n"\nbody: [x]\n')
    after = assert_canonical(before)
    assert "    address: |\n      Line 1\n      Line 2\n" in after


def test_folded_and_multi_line_plain_text_join_into_one_line():
    before = "kind: statement\ntitle: T\nbody:\n  - A long\n    paragraph\n    folded.\n"
    assert assert_canonical(before).endswith("body:\n  - A long paragraph folded.\n")
    before = "kind: statement\ntitle: T\nbody:\n  - >-\n    A folded\n    paragraph.\n"
    assert assert_canonical(before).endswith("body:\n  - A folded paragraph.\n")
    before = "kind: statement\ntitle: T\nbody:\n  - >\n    One\n    two.\n\n    Three.\n"
    assert assert_canonical(before).endswith("body:\n  - |\n    One two.\n    Three.\n")


def test_comments_everywhere_are_kept():
    before = """\
# header

kind: statement  # what it is

# a comment above the title, after a blank line
title: T
body:
  # before the first paragraph
  - One.   # end of one


  - Two.
  # trailing the list, indented like its items
# the end
"""
    after = assert_canonical(before)
    assert after == """\
# header

kind: statement  # what it is

# a comment above the title, after a blank line
title: T
body:
  # before the first paragraph
  - One.  # end of one

  - Two.
  # trailing the list, indented like its items
# the end
"""


def test_hash_inside_quotes_is_not_a_comment():
    before = 'kind: statement\ntitle: "Item #3 # not a comment"\nbody: [x]\n'
    assert comments(before) == []
    assert assert_canonical(before) == (
        'kind: statement\ntitle: "Item #3 # not a comment"\nbody:\n  - x\n')


def test_unparseable_letter_is_a_located_error():
    with pytest.raises(LoadError, match=r"x:\d+:\d+: error: yaml-syntax"):
        format_letter_text("kind: statement\ntitle: [unclosed\n", "x")


def test_a_scalar_document_is_refused():
    with pytest.raises(FormatError, match="nothing to format"):
        format_letter_text("just text\n", "x")


def test_the_example_letters_are_formatted_without_loss():
    for path in sorted((REPO / "letters").glob("*.yaml")):
        assert_canonical(path.read_text(encoding="utf-8"))


def test_the_example_rosters_are_formatted_without_loss():
    for path in sorted((REPO / "signatories").glob("*.yaml")):
        if "." in path.name.removesuffix(".yaml"):
            continue
        assert_canonical(path.read_text(encoding="utf-8"), format_roster_text, roster_meaning)


def test_roster_fallback_writer_sorts_within_kinds_and_spaces_entries(monkeypatch):
    monkeypatch.setattr(fmt, "_roster_writer", lambda: None)
    before = """\
as_of: 2023-09-21
signatories:
- {name: Roberta Cohen, kind: individual, signed_on: 2023-09-21}
- name: Viet Tan
  kind: organization
  signed_on: 2023-09-21
# phoned in
- name: David Alton
  sort_as: Alton David
  kind: individual
  signed_on: 2023-09-21
- name: ACAT UK
  kind: organization
  signed_on: 2023-09-21
"""
    assert assert_canonical(before, format_roster_text, roster_meaning) == """\
as_of: 2023-09-21
signatories:
  # phoned in
  - name: David Alton
    kind: individual
    sort_as: Alton David
    signed_on: 2023-09-21

  - name: ACAT UK
    kind: organization
    signed_on: 2023-09-21

  - name: Roberta Cohen
    kind: individual
    signed_on: 2023-09-21

  - name: Viet Tan
    kind: organization
    signed_on: 2023-09-21
"""


def test_format_file_and_atomic_write(tmp_path):
    path = tmp_path / "letters" / "x.yaml"
    path.parent.mkdir()
    path.write_text("title: T\nkind: statement\nbody: [x]\n", encoding="utf-8")
    path.chmod(0o640)
    result = format_file(path)
    assert result.changed and path.read_text(encoding="utf-8") == result.before
    write_atomic(path, result.after)
    assert path.read_text(encoding="utf-8") == result.after
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["x.yaml"]  # no temporary file left
    assert not format_file(path).changed


def test_file_kind_by_folder_or_content():
    assert fmt.file_kind(Path("signatories/a.yaml")) == "roster"
    assert fmt.file_kind(Path("letters/a.yaml"), "signatories:\n") == "letter"
    assert fmt.file_kind(Path("a.yaml"), "as_of: 2023-01-01\nsignatories: []\n") == "roster"


# --- property: any layout of any letter or roster -------------------------------------------------

TRICKY = ["yes", "No", "on", "1.0", "42", "2023-09-21", "null", "~", "- item", "a: b", "#hash",
          "a #b", "'quoted'", '"double"', "x\ny", "trailing ", " leading", "multi\nline\n",
          "*star", "[br]", "{x}", "@at", "`tick`", "%pct", "café", "中文 텍스트", "a\\b",
          "tab\there",
          "bell\x07", "x\n\n\ny\n\n", "\n starts with newline", "ends:", "? q", ".inf", "0x1F",
          "It’s “quoted” […] text[^a]", "Id., paras. 380-434"]
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                          blacklist_characters="\ufeff\ufffe\uffff"), min_size=1, max_size=20),
    st.text("ab: #'\"\n-", min_size=1, max_size=12),
)
KEY = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
COMMENT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                blacklist_characters="\ufeff\ufffe\uffff"), max_size=15).map(
    lambda t: "#" + t.rstrip())
DATE = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(lambda d: ("date", d.isoformat()))


@st.composite
def scalars(draw, value, indent: int | None = None):
    """A YAML scalar for a Python string, in a style drawn at random among those that fit."""
    if isinstance(value, tuple):  # a date, written plain
        return value[1]
    if isinstance(value, bool):
        return draw(st.sampled_from(["true", "True"] if value else ["false", "FALSE"]))
    styles = ["double"]
    if "\n" not in value and not any(ord(c) < 32 for c in value):
        styles.append("single")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.()’-]*", value) and value.strip() == value and \
            not rosterlayout._TYPED.fullmatch(value):
        styles.append("plain")
    if indent is not None and "  " not in value and re.fullmatch(
            r"[A-Za-z][A-Za-z0-9 ,.()’-]*[A-Za-z0-9.)]", value):
        styles.append("folded")
    lines = value.rstrip("\n").split("\n")
    if indent is not None and "\n" in value and not value.endswith("\n\n") and lines[0] \
            and not lines[0][0].isspace() and all(
            line == line.rstrip() and line.isprintable() for line in lines):
        styles.append("literal")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return value
    if style == "literal":
        pad = " " * (indent + 2)
        return ("|" if value.endswith("\n") else "|-") + "".join(
            "\n" + (pad + line if line else "") for line in lines)
    if style == "folded":  # one paragraph, folded over lines at its spaces
        pad = " " * (indent + 2)
        return ">-\n" + "\n".join(pad + w for w in value.split(" "))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


@st.composite
def layout(draw, node, indent: int = 0, step: int = 2, blocks: bool = True) -> list[str]:
    """YAML lines for a dict or list, in a layout drawn at random: key order as given, block or
    flow style, comments above and after entries, blank lines."""
    pad = " " * indent
    lines: list[str] = []

    def decorate(line: str) -> list[str]:
        out = []
        if draw(st.integers(0, 5)) == 0:
            out.append("")
        if draw(st.integers(0, 4)) == 0:
            out.append(pad + draw(COMMENT))
        if draw(st.integers(0, 4)) == 0 and "\n" not in line:
            line += "  " + draw(COMMENT)
        return [*out, line]

    if isinstance(node, dict):
        if not node or draw(st.integers(0, 9)) == 0 and all(
                not isinstance(v, dict | list) and not (isinstance(v, str) and "\n" in v)
                for v in node.values()):
            inner = ", ".join(f"{k}: {draw(scalars(v))}" for k, v in node.items())
            return [pad + "{" + inner + "}"] if indent == 0 else ["{" + inner + "}"]
        for k, v in node.items():
            if isinstance(v, dict | list) and v:
                sub = draw(layout(v, indent + step, step, blocks))
                if sub[0].startswith("{"):
                    lines += decorate(f"{pad}{k}: {sub[0]}")
                else:
                    lines += decorate(f"{pad}{k}:")
                    lines += sub
            elif isinstance(v, dict | list):
                lines += decorate(f"{pad}{k}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines += decorate(f"{pad}{k}: {draw(scalars(v, indent if blocks else None))}")
        return lines
    for v in node:
        if isinstance(v, dict | list) and v:
            sub = draw(layout(v, indent + step, step, blocks))
            if sub[0].startswith("{"):
                lines += decorate(f"{pad}- {sub[0]}")
            else:
                lines += decorate(f"{pad}-")
                lines += sub
        else:
            text = draw(scalars(v, indent if blocks else None)) if not isinstance(v, list) else "[]"
            lines += decorate(f"{pad}- {text}")
    return lines


@st.composite
def letters(draw):
    notes = draw(st.lists(KEY, min_size=0, max_size=3, unique=True))
    sources = draw(st.lists(KEY, min_size=1, max_size=3, unique=True))
    body = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(TEXT) + "".join(f"[^{k}]" for k in draw(st.lists(st.sampled_from(notes)))
                                    ) if notes else draw(TEXT)
        body.append(draw(st.sampled_from([
            text, {"paragraph": text, "id": draw(KEY)}, {"heading": text},
            {"list": [text, draw(TEXT)], "ordered": draw(st.booleans())}, {"quote": text}])))
    letter = {
        "kind": draw(st.sampled_from(schema.LETTER_KINDS)),
        "title": draw(TEXT),
        "date": draw(DATE),
        "subject": draw(TEXT),
        "addressees": [{"name": draw(TEXT), "title": draw(TEXT), "address": draw(TEXT)}],
        "body": body,
        "footnotes": {k: draw(st.one_of(
            TEXT, st.just([{"cite": draw(st.sampled_from(sources)), "pinpoint": draw(TEXT)},
                           {"text": draw(TEXT)}]))) for k in notes},
        "sources": {k: {"type": "report", "title": draw(TEXT), "URL": draw(TEXT),
                        "issued": draw(DATE), "author": [draw(TEXT), {"name": draw(TEXT)}]}
                    for k in sources},
    }
    return shuffled(draw, letter)


def shuffled(draw, node):
    if isinstance(node, dict):
        keys = draw(st.permutations(list(node)))
        return {k: shuffled(draw, node[k]) for k in keys}
    if isinstance(node, list):
        return [shuffled(draw, v) for v in node]
    return node


@st.composite
def rosters(draw):
    entries = []
    for _ in range(draw(st.integers(0, 5))):
        entry = {"name": draw(TEXT), "kind": draw(st.sampled_from(schema.SIGNATORY_KINDS)),
                 "signed_on": draw(DATE)}
        if draw(st.booleans()):
            entry["title"] = draw(TEXT)
        if draw(st.booleans()):
            entry["sort_as"] = draw(TEXT)
        entry["status"] = draw(st.sampled_from(schema.STATUSES))
        entries.append(shuffled(draw, entry))
    return {"as_of": draw(DATE), "signatories": entries}


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.data())
def test_property_letters(data):
    step = data.draw(st.sampled_from([2, 4]))
    text = "\n".join(data.draw(layout(data.draw(letters()), 0, step))) + "\n"
    parse_yaml(text, "x")  # the generator writes valid YAML
    assert_canonical(text)


@SETTINGS
@given(st.data())
def test_property_rosters(data):
    step = data.draw(st.sampled_from([2, 4]))
    # rosterfile's writer leaves a block scalar's text behind as a stray comment line when
    # it rewrites `name: |-` on one line (reported; fmt refuses such a result): one-line values
    # only here until it is fixed
    text = "\n".join(data.draw(layout(data.draw(rosters()), 0, step, False))) + "\n"
    parse_yaml(text, "x")
    assert_canonical(text, format_roster_text, roster_meaning)


@SETTINGS
@given(st.data())
def test_property_rosters_with_the_fallback_writer(data):
    text = "\n".join(data.draw(layout(data.draw(rosters()), 0, 2))) + "\n"
    original = fmt._roster_writer
    fmt._roster_writer = lambda: None
    try:
        assert_canonical(text, format_roster_text, roster_meaning)
    finally:
        fmt._roster_writer = original


def test_the_repository_passes_its_own_fmt_check(workspace):
    from click.testing import CliRunner

    from undersigned.cli import cli

    result = CliRunner().invoke(cli, ["fmt", "--check"])
    assert result.exit_code == 0, result.output
