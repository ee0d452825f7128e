"""A fresh `pip install .` into a new venv works; slow, so it runs only with UNDERSIGNED_SLOW=1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import EXAMPLE_SLUG, REPO

pytestmark = pytest.mark.slow  # builds and installs the package into a new venv

COMMANDS = ("init", "validate", "render", "schema")


def run(args, cwd, timeout=600):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package installed from a copy of the source tree into a brand-new venv."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"  # a copy, so the build writes nothing into the repository
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    python = shutil.which("python3.11") or sys.executable
    venv = root / "venv"
    run([python, "-m", "venv", str(venv)], cwd=root)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(source)], cwd=root)
    return bindir


def test_help_lists_the_commands(installed, tmp_path):
    out = run([str(installed / "undersigned"), "--help"], cwd=tmp_path).stdout
    for command in COMMANDS:
        assert f"\n  {command} " in out, f"{command} missing from --help:\n{out}"


def test_the_installed_package_validates_the_example(installed, tmp_path):
    for name in ("letters", "signatories"):
        shutil.copytree(REPO / name, tmp_path / name)
    result = run([str(installed / "undersigned"), "validate", EXAMPLE_SLUG], cwd=tmp_path)
    assert result.stdout == ""


def test_the_installed_scaffold_is_complete(installed, tmp_path):
    """Package data (scaffold files, the dot-file included) made it into the wheel."""
    run([str(installed / "undersigned"), "init", "ws"], cwd=tmp_path)
    ws = tmp_path / "ws"
    for name in (".gitignore", ".github/workflows/undersigned.yml",
                 "letters/example-statement.yaml", "templates/README.md",
                 "schema/letter.schema.json"):
        assert (ws / name).is_file(), name
    assert run([str(installed / "undersigned"), "validate", "--strict"], cwd=ws).stdout == ""


def test_the_installed_package_has_its_citation_styles(installed, tmp_path):
    """The built-in citation styles are package data, read from the installed package."""
    code = ("from undersigned.format.citations.styles import BUILTIN_STYLES, load_style\n"
            "print(' '.join(load_style(n).name for n in BUILTIN_STYLES))")
    out = run([str(installed / "python"), "-c", code], cwd=tmp_path).stdout
    assert out.split() == ["house", "bluebook", "oscola"]
