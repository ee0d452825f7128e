"""The package is laid out by stage (docs/architecture.md): imports only go down the stages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "undersigned"

# Lowest first. A module may import from its own stage or a lower one, never a higher one.
STAGES = [
    {"_version", "errors", "problems", "fileio", "gcpause", "textsafety", "workspace"},
    {"format"},
    {"roster"},
    {"sources"},
    {"checks"},
    {"review"},
    {"render"},
    {"commands", "cli", "scaffold", "__main__", "__init__"},
]
STAGE = {name: n for n, names in enumerate(STAGES) for name in names}


def unit(path: Path) -> str:
    """The stage unit of a module: its subpackage, or its own name at the top level."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_units(path: Path) -> set[str]:
    """The units a module imports, at the top or inside a function (lazy imports count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE)
    here = list(rel.parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                out.add(target[0])
            else:  # `from . import x` at the top level
                out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("undersigned."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names
                       if a.name.startswith("undersigned."))
    return out


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_unit_has_a_stage():
    assert {unit(p) for p in MODULES} <= set(STAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down_the_stages(path):
    mine = STAGE[unit(path)]
    upward = sorted(u for u in imported_units(path) - {unit(path)}
                    if u in STAGE and STAGE[u] > mine)
    assert not upward, f"{path.relative_to(PACKAGE)} imports from a higher stage: {upward}"


def test_no_module_is_over_about_600_lines():
    """One concern per module: a module that grows past about 600 lines is split by concern
    (docs/architecture.md), with no exception left (issue #15)."""
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 650}
    assert not long, f"split these by concern (docs/architecture.md): {long}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The package's modules a module imports, at the top or inside a function."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            for alias in node.names:  # `from .pkg import module` names a module
                name = f"{module}.{alias.name}"
                out.add(name if name in known else module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return (out & known) - {module_name(path)}


def test_no_import_cycle():
    """No module imports, even lazily, a module that imports it back (directly or not)."""
    names = {module_name(p): p for p in MODULES}
    graph = {name: imported_modules(path, set(names)) for name, path in names.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(name):]
                                                                + [name]))
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
