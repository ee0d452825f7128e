"""The built-in templates ship compiled (render/compiled/); a fresh process does not compile them,
and what it renders is what compiling them from source renders."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from undersigned.render import compiled, env, precompile
from undersigned.render.html import render_html
from undersigned.render.text import render_text

from .test_render_env import count_compiles as no_compiling
from .test_render_html import make_doc

SHIPPED = Path(compiled.__file__).parent


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a new process: nothing compiled in memory yet."""
    monkeypatch.setattr(env._COMPILED, "_code", {})


def test_the_shipped_code_is_what_a_render_compiles_today():
    """Made by scripts/precompile_templates.py: run it when this fails (a built-in template,
    the filters a render registers or the Jinja version changed)."""
    fresh = precompile.files(make_doc())
    shipped = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED.glob("*.py")}
    if any(made[2] != jinja2.__version__ for made in compiled.MANIFEST.values()):
        pytest.skip(f"shipped for another Jinja version than {jinja2.__version__}: "
                    "the templates are compiled from source (tested below)")
    assert shipped == fresh


def test_a_fresh_process_renders_without_compiling(monkeypatch, fresh_process, tmp_path):
    compiled_now = no_compiling(monkeypatch)
    render_html(make_doc(), tmp_path)
    render_text(make_doc(), tmp_path)
    if all(made[2] == jinja2.__version__ for made in compiled.MANIFEST.values()):
        assert compiled_now == []
    else:
        assert sorted(compiled_now) == ["letter.html.j2", "letter.txt.j2"]


def test_the_shipped_code_renders_what_the_source_does(monkeypatch, fresh_process):
    doc = make_doc()
    shipped = render_html(doc), render_text(doc)
    monkeypatch.setattr(env, "_USE_SHIPPED", False)
    monkeypatch.setattr(env._COMPILED, "_code", {})
    compiled_now = no_compiling(monkeypatch)
    assert (render_html(doc), render_text(doc)) == shipped
    assert sorted(compiled_now) == ["letter.html.j2", "letter.txt.j2"]


def test_code_made_from_another_source_is_not_used(monkeypatch, fresh_process):
    """A built-in template edited after the code was made (a checkout between the edit and
    the script) is compiled from its source: its output follows the edit."""
    stale = {name: ("0" * 40, *made[1:]) for name, made in compiled.MANIFEST.items()}
    monkeypatch.setattr(compiled, "MANIFEST", stale)
    compiled_now = no_compiling(monkeypatch)
    render_text(make_doc())
    assert compiled_now == ["letter.txt.j2"]


def test_a_workspace_template_is_never_taken_for_a_built_in_one(monkeypatch, fresh_process,
                                                                tmp_path):
    """The same name, even the same text, in the workspace's templates/ is compiled from its
    own file."""
    templates = tmp_path / "templates"
    templates.mkdir()
    source = (env.BUILTIN / "letter.txt.j2").read_text(encoding="utf-8")
    (templates / "letter.txt.j2").write_text(source, encoding="utf-8")
    compiled_now = no_compiling(monkeypatch)
    assert render_text(make_doc(), templates) == render_text(make_doc())
    assert compiled_now == ["letter.txt.j2"]


def test_shipped_code_names_the_template_file(monkeypatch, fresh_process):
    """Tracebacks and template error messages point at the template, not at generated code."""
    environment = env.make_environment(None, autoescape=False)
    compiled_now = no_compiling(monkeypatch)
    template = environment.get_template("letter.txt.j2")
    if compiled.MANIFEST["letter.txt.j2"][2] == jinja2.__version__:
        assert compiled_now == []
    assert template.root_render_func.__code__.co_filename == str(env.BUILTIN / "letter.txt.j2")
