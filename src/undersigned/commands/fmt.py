"""`undersigned fmt`: rewrite letters and rosters in the canonical layout, or check them."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UndersignedError
from ..review.fmt import reformat
from ..review.textdiff import unified_diff
from ..textsafety import no_control, visible
from ..workspace import display_path, files_named


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--check", is_flag=True,
              help="Change nothing: print a diff of what would change and exit 1 if anything "
                   "would.")
def fmt(paths, check):
    """Rewrite letters and rosters in the one canonical layout, keeping every comment.

    Keys in the documented order, two-space indentation, one line per value, the fewest
    quotes, roster entries sorted as the renderer prints them. Formatting never changes what a
    file says, and formatting twice changes nothing the second time.

    PATHS are files, directories or letter slugs (a slug formats the letter and its roster;
    default: the whole workspace). Exit status: 0 done (or, with --check, nothing to change),
    1 something to change under --check or a file that cannot be read, 2 usage.

    \b
    Example:
      undersigned fmt
      undersigned fmt --check letters/china-forced-repatriation-2023.yaml
    """
    cwd = Path.cwd()
    files = files_named(paths, cwd)
    changed = failed = 0
    for path in files:
        name = display_path(path, cwd)
        try:
            result = reformat(path, name, write=not check)
        except UndersignedError as e:
            click.echo(f"Error: {visible(str(e))}", err=True)
            failed += 1
            continue
        if result.changed:
            changed += 1
            if check:
                # shown, not applied: no escape sequence of the file reaches the terminal
                click.echo(no_control(unified_diff(result.before, result.after, name)),
                           nl=False)
                click.echo(f"would reformat {name}", err=True)
            else:
                click.echo(f"reformatted {name}", err=True)
    unchanged = len(files) - changed - failed
    verb = "would be reformatted" if check else "reformatted"
    summary = f"{changed} file(s) {verb}, {unchanged} unchanged"
    if failed:
        summary += f", {failed} could not be formatted"
    click.echo(summary, err=True)
    if failed or (check and changed):
        raise SystemExit(1)
