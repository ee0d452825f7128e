"""`undersigned validate`: check letters and rosters and report every problem."""

from __future__ import annotations

from pathlib import Path

import click

from .. import cli as _cli
from ..checks.validate import check_letter_file
from ..problems import Severity, has_errors
from ..workspace import find_root, letter_files, present, resolve_letter


def collect_letters(paths: tuple[str, ...], cwd: Path) -> list[Path]:
    """Letters named by paths, slugs or directories; all of the workspace's when none."""
    if not paths:
        root = find_root(cwd)
        if root is None:
            raise click.UsageError("no workspace here (no letters/ directory in this directory "
                                   "or above); give a letter path or run `undersigned init DIR`")
        return letter_files(root)
    out: list[Path] = []
    for arg in paths:
        path = (cwd / arg) if not Path(arg).is_absolute() else Path(arg)
        if path.is_dir():
            letters = path / "letters" if (path / "letters").is_dir() else path
            out += letter_files(letters.parent) if letters.name == "letters" else sorted(
                letters.glob("*.yaml"))
        elif present(path) and path.parent.name == "signatories":
            out.append(path.parent.parent / "letters" / path.name)
        elif path.is_file() and path.parent.parent.name == "translations":
            # translations/<slug>/<lang>.yaml is checked with its letter
            out.append(path.parent.parent.parent / "letters" / f"{path.parent.name}.yaml")
        else:
            out.append(resolve_letter(arg, cwd))
    return out


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["human", "github", "json"]), default="human",
              show_default=True, help="How to print problems.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(paths, fmt, strict):
    """Check letters and their rosters; report every problem with file:line:col.

    PATHS are letter files, slugs or directories (default: every letter in the workspace).
    Exit status: 0 clean (warnings allowed unless --strict), 1 problems, 2 usage.

    \b
    Example:
      undersigned validate china-forced-repatriation-2023 --format github
    """
    cwd = Path.cwd()
    problems = []
    letters = collect_letters(paths, cwd)
    for path in letters:
        problems += check_letter_file(path, cwd, _cli.today())[2]
    _cli.print_problems(problems, fmt)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if fmt == "human":
        summary = (f"{len(letters)} letter(s) checked: {errors} error(s), "
                   f"{len(problems) - errors} warning(s)")
        click.echo(summary, err=True)
    if has_errors(problems, strict):
        raise SystemExit(1)
