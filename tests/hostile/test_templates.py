"""Workspace templates are sandboxed and strict; data is never evaluated as a template."""

from __future__ import annotations

from click.testing import CliRunner

from undersigned.cli import cli

from ..conftest import EXAMPLE_SLUG


def render(workspace, fmt="txt"):
    return CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", fmt, "--out", "out"])


def test_a_template_reaching_for_python_internals_fails_cleanly(workspace):
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.txt.j2").write_text(
        "{{ doc.__class__.__init__.__globals__['os'].system('echo pwned') }}\n")
    result = render(workspace)
    assert result.exit_code == 1
    assert "unsafe" in result.output and "letter.txt.j2" in result.output
    assert "Traceback" not in result.output
    assert not (workspace / "out" / f"{EXAMPLE_SLUG}.txt").exists()


def test_a_template_syntax_error_names_file_and_line(workspace):
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.txt.j2").write_text("line one\n{% if %}\n")
    result = render(workspace)
    assert result.exit_code == 1
    assert "letter.txt.j2:2" in result.output


def test_an_undefined_name_is_an_error_not_silence(workspace):
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.txt.j2").write_text("{{ doc.no_such_field }}\n")
    result = render(workspace)
    assert result.exit_code == 1
    assert "undefined" in result.output and "letter.txt.j2" in result.output


def test_a_workspace_template_overrides_the_builtin(workspace):
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.txt.j2").write_text("{{ doc.title }}\n")
    result = render(workspace)
    assert result.exit_code == 0, result.output
    text = (workspace / "out" / f"{EXAMPLE_SLUG}.txt").read_text()
    assert text == "China’s Forcible Repatriation of North Korean Refugees\n"


def test_jinja_syntax_in_data_is_printed_not_evaluated(workspace):
    roster = workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml"
    text = roster.read_text().replace(
        "title: Co-Chair Emeritus of the Committee for Human Rights in North Korea (HRNK)",
        "title: \"{{ 7*7 }} {% if true %}x{% endif %}\"")
    roster.write_text(text)
    result = render(workspace)
    assert result.exit_code == 0, result.output
    out = (workspace / "out" / f"{EXAMPLE_SLUG}.txt").read_text()
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in out
    assert "\n49" not in out
