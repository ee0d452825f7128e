"""Scaffolding: create a new workspace with an example statement that validates clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .errors import WorkspaceError
from .format.schema import letter_json_schema, roster_json_schema, translation_json_schema

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "templates"
EXAMPLE_SLUG = "example-statement"


def schema_text(data: dict) -> str:
    """A JSON Schema as written to disk: the same bytes `undersigned schema` prints."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schema_files() -> dict[str, str]:
    """The workspace's schema/ files, by name, generated from the field specification."""
    return {
        "letter.schema.json": schema_text(letter_json_schema()),
        "roster.schema.json": schema_text(roster_json_schema()),
        "translation.schema.json": schema_text(translation_json_schema()),
    }


def _templates_readme() -> str:
    """The scaffold's templates/README.md, closed by the names it can override in this version."""
    text = (SCAFFOLD / "templates" / "README.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in BUILTIN_TEMPLATES.iterdir()
                   if p.is_file() and not p.name.startswith(("_", ".")))
    if names:
        text += "\nBuilt-in templates you can override here:\n\n"
        text += "".join(f"- `{name}`\n" for name in names)
    return text


WORKFLOW = ".github/workflows/undersigned.yml"
_NO_REQUIREMENT = "${{ vars.UNDERSIGNED_REQUIREMENT || '' }}"


def install_requirement() -> str | None:
    """The pip requirement that installs this copy of undersigned elsewhere (in CI), pinned:
    `git+URL@COMMIT` when it was installed from a git URL, `undersigned==VERSION` when it came
    from a package index; None when it was installed from a local directory or file, which
    CI cannot reach (PEP 610's direct_url.json says which)."""
    from importlib import metadata

    try:
        dist = metadata.distribution("undersigned")
    except metadata.PackageNotFoundError:
        return None
    raw = dist.read_text("direct_url.json")
    if not raw:
        return f"undersigned=={dist.version}"
    try:
        info = json.loads(raw)
    except ValueError:
        return None
    url, vcs = info.get("url", ""), info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and url.startswith("https://"):
        return f"git+{url}@{vcs['commit_id']}"
    return None


def _workflow(text: str, requirement: str | None) -> str:
    """The CI workflow with the pip requirement of undersigned filled in, when known."""
    if requirement is None or "'" in requirement or "\n" in requirement:
        return text
    return text.replace(_NO_REQUIREMENT,
                        "${{ vars.UNDERSIGNED_REQUIREMENT || '" + requirement + "' }}", 1)


def init_workspace(target: Path) -> list[Path]:
    """Create a workspace in `target` and return the files written, in order.

    `target` may be missing (it is created, with its parents) or an empty directory. Anything
    else is refused before a single file is written, so an existing project is never touched.
    If writing fails half-way, what was written is removed again.
    """
    if target.exists() and not target.is_dir():
        raise WorkspaceError(f"{target} is a file; give the name of a new or empty directory")
    if target.is_dir() and any(target.iterdir()):
        raise WorkspaceError(
            f"{target} is not empty; `undersigned init` only writes into a new or empty "
            "directory, so that nothing of yours is overwritten — choose another name"
        )
    created_dir = not target.exists()
    files: dict[str, str] = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(SCAFFOLD).as_posix()] = path.read_text(encoding="utf-8")
    files["templates/README.md"] = _templates_readme()
    files[WORKFLOW] = _workflow(files[WORKFLOW], install_requirement())
    for name, text in schema_files().items():
        files[f"schema/{name}"] = text
    written: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[name], encoding="utf-8", newline="\n")
            written.append(path)
    except OSError as e:
        if created_dir:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in list(target.iterdir()):
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise WorkspaceError(f"cannot create the workspace in {target}: {e.strerror or e}") from e
    return written
