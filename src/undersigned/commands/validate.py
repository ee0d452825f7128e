"""`undersigned validate`: check letters and rosters and report every problem."""

from __future__ import annotations

from pathlib import Path

import click

from .. import cli as _cli
from ..checks.validate import check_letter_file
from ..problems import Severity, has_errors
from ..workspace import letters_named


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
    letters = letters_named(paths, cwd)
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
