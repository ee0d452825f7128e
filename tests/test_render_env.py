"""The shared template environment: templates compiled once per process, overrides still win."""

from __future__ import annotations

import jinja2

from undersigned.render.env import make_environment, render_template
from undersigned.render.html import render_html
from undersigned.render.text import render_text

from .test_render_html import make_doc


def count_compiles(monkeypatch) -> list[str]:
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return compiled


def test_built_in_templates_compile_once_per_process(monkeypatch, tmp_path):
    doc = make_doc()
    first_html, first_text = render_html(doc, tmp_path), render_text(doc, tmp_path)
    compiled = count_compiles(monkeypatch)
    assert render_html(doc, tmp_path) == first_html
    assert render_text(doc, tmp_path) == first_text
    assert compiled == []


def test_a_workspace_template_overrides_and_is_recompiled_when_edited(monkeypatch, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    render_html(make_doc(), templates)  # the built-in one, compiled and kept
    (templates / "letter.txt.j2").write_text("one {{ doc.title }}\n", encoding="utf-8")
    assert render_text(make_doc(), templates) == "one A title\n"
    compiled = count_compiles(monkeypatch)
    assert render_text(make_doc(), templates) == "one A title\n"
    assert compiled == []
    (templates / "letter.txt.j2").write_text("two {{ doc.title }}\n", encoding="utf-8")
    assert render_text(make_doc(), templates) == "two A title\n"
    assert compiled == ["letter.txt.j2"]


def test_the_same_source_under_other_options_is_compiled_for_them(tmp_path):
    (tmp_path / "both.j2").write_text("{{ '<b>' }}\n", encoding="utf-8")
    escaped = render_template(make_environment(tmp_path, autoescape=True), "both.j2")
    raw = render_template(make_environment(tmp_path, autoescape=False), "both.j2")
    assert (escaped, raw) == ("&lt;b&gt;\n", "<b>\n")
