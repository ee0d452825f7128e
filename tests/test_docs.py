"""Documentation stays in step with the code: every rule documented, every command helped."""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

from undersigned.checks.validate import RULES
from undersigned.cli import cli

from .conftest import GOLDEN, REPO
from .test_validate import CASES, check

DOC = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^### `([a-z0-9-]+)` — (error|warning)$", re.MULTILINE)
DOCUMENTED = {m.group(1): m.group(2) for m in HEADING.finditer(DOC)}


def _sections() -> dict[str, str]:
    parts = HEADING.split(DOC)
    return {parts[i]: parts[i + 2] for i in range(1, len(parts), 3)}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_is_documented(rule):
    assert rule in DOCUMENTED, f"{rule} has no '### `{rule}` — error|warning' in validation.md"
    body = _sections()[rule]
    assert "**Checks:**" in body and "**Fix:**" in body
    assert f": {DOCUMENTED[rule]}: {rule}: " in body, f"{rule}: no example message in its section"


def test_no_rule_is_documented_that_does_not_exist():
    assert set(DOCUMENTED) <= set(RULES)


def test_documented_severities_match_what_the_validator_reports():
    reported = json.loads((GOLDEN / "validate" / "every-rule.json").read_text(encoding="utf-8"))
    for problem in reported["problems"]:
        assert DOCUMENTED[problem["rule"]] == problem["severity"], problem["rule"]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_documented_severity_matches_the_rule_fixture(tmp_path, rule):
    letter, roster, _ = CASES[rule]
    for problem in check(tmp_path, letter, roster):
        assert DOCUMENTED[problem.rule] == problem.severity.value, problem.format()


def _commands(group: click.Group, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


@pytest.mark.parametrize(("path", "command"), list(_commands(cli)),
                         ids=[" ".join(p) for p, _ in _commands(cli)])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and command.help.strip(), f"{' '.join(path)} has no docstring"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    summary = result.stdout.split("\n\n")[1].strip()
    assert summary, f"{' '.join(path)} --help has no summary line"
    assert "Example" in result.stdout, f"{' '.join(path)} --help shows no example"


def test_every_letter_field_is_documented_in_the_format():
    """A field the schema has and docs/format.md does not is a bug (#14 found three)."""
    from undersigned.format import schema

    doc = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    specs = {"letter": schema.LETTER, "party": schema.PARTY, "section": schema.SECTION,
             "signatures": schema.SIGNATURES, "style": schema.STYLE, "annex": schema.ANNEX,
             "source": schema.SOURCE, "signatory": schema.SIGNATORY}
    for where, spec in specs.items():
        for name in spec:
            assert re.search(rf"(^|\s|`){re.escape(name)}(:|`)", doc, re.M), (where, name)
    assert "kind: all" in doc or "`kind: all`" in doc


def test_the_layout_images_are_there_and_made_by_the_script():
    doc = (REPO / "docs" / "layouts.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((layouts/[a-z-]+\.png)\)", doc)
    assert len(images) >= 5
    script = (REPO / "scripts" / "make_layout_images.py").read_text(encoding="utf-8")
    for image in images:
        assert (REPO / "docs" / image).is_file(), image
        assert f'"{image.removeprefix("layouts/").removesuffix(".png")}"' in script, image
