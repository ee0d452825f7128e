"""`undersigned fmt`: rewrite letters and rosters in the canonical layout, or check them."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import click

from ..errors import UndersignedError
from ..fileio import write_atomic
from ..review.fmt import format_file
from ..textsafety import no_control, visible
from ..workspace import display_path, find_root, present, resolve_letter, roster_path


def _workspace_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder in ("letters", "signatories"):
        for path in sorted((root / folder).glob("*.yaml")):
            # signatories/<slug>.private.yaml holds contacts, not a roster
            if present(path) and "." not in path.name.removesuffix(".yaml"):
                out.append(path)
    return out


def collect_files(paths: tuple[str, ...], cwd: Path) -> list[Path]:
    """Files named by paths, directories or slugs; the whole workspace when none is given."""
    if not paths:
        root = find_root(cwd)
        if root is None:
            raise click.UsageError("no workspace here (no letters/ directory in this directory "
                                   "or above); give files to format or run inside a workspace")
        return _workspace_files(root)
    out: list[Path] = []
    for arg in paths:
        path = Path(arg) if Path(arg).is_absolute() else cwd / arg
        if path.is_dir():
            if (path / "letters").is_dir():
                out += _workspace_files(path)
            else:
                out += sorted(p for p in path.glob("*.yaml") if present(p))
        elif present(path):
            out.append(path)
        else:
            letter = resolve_letter(arg, cwd)
            out.append(letter)
            if present(roster_path(letter)):
                out.append(roster_path(letter))
    seen: set[Path] = set()
    unique = []
    for path in out:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _writing(path: Path, check: bool):
    """The roster's lock, held from reading to writing: `sign` commands edit rosters under it,
    and an entry they add while the roster is being formatted would otherwise be lost."""
    import contextlib

    from ..roster.rosterfile import locked

    if check or path.parent.name != "signatories":
        return contextlib.nullcontext()
    return locked(path.with_name(path.name.replace(".private.yaml", ".yaml")))


_HUNK = re.compile(r"@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified_diff(before: str, after: str, name: str, context: int = 3) -> str:
    """A unified diff like `git diff` prints, `a/` and `b/` prefixes included.

    Lines the two texts share at the start and the end are set aside first, so a 50,000-entry
    roster with one entry out of place costs a comparison of a few lines, not of all of them.
    """
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    skip = max(start - context, 0)
    keep = max(end - context, 0)
    lines = list(difflib.unified_diff(a[skip:len(a) - keep], b[skip:len(b) - keep],
                                      fromfile=f"a/{name}", tofile=f"b/{name}", n=context))

    def shift(m: re.Match) -> str:
        return f"@@ -{int(m.group(1)) + skip}{m.group(2)} +{int(m.group(3)) + skip}{m.group(4)} @@"

    out = []
    for line in lines:
        if line.startswith("@@"):
            line = _HUNK.sub(shift, line, count=1)
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


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
    files = collect_files(paths, cwd)
    changed = failed = 0
    for path in files:
        name = display_path(path, cwd)
        try:
            with _writing(path, check):
                result = format_file(path, name)
                if result.changed and not check:
                    write_atomic(path, result.after)
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
