"""`undersigned links`: check every address the letters cite; dead links fail the run."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .. import cli as _cli
from ..errors import InvalidLetterError
from ..format.load import load_letter
from ..problems import Severity
from ..sources.links import CACHE_FILE, DEAD, VERDICTS, check_urls, letter_links, link_problems
from ..workspace import display_path, find_root, letters_named


class _Progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Checking links", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command()
@click.argument("letters", nargs=-1)
@click.option("--refresh", is_flag=True, help="Check every link again, ignoring the cache.")
@click.option("--max-age", type=click.IntRange(min=0), default=7, show_default=True,
              help="Days a cached result stays good.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds allowed for checking each address, retries and redirects "
                   "included, however slowly the server answers.")
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human",
              show_default=True, help="How to print the results.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch addresses inside this network (loopback, private, link-local); "
                   "refused by default, since a letter's addresses come from its authors.")
def links(letters, refresh, max_age, timeout, fmt, allow_private):
    """Check every URL the letters cite: dead, moved, http with an https twin.

    LETTERS are letter files, slugs or directories (default: every letter in the workspace).
    Results are cached in .undersigned/links.json for --max-age days, so a re-run asks no
    server again. Offline, links are reported as not checked rather than dead.
    Exit status: 0 no dead link, 1 a dead link (or a letter that cannot be read), 2 usage.

    \b
    Example:
      undersigned links hk-consulate-defector-2016 --format json
    """
    cwd = Path.cwd()
    paths = letters_named(letters, cwd)
    found = []
    for path in paths:
        letter, problems = load_letter(path, display_path(path, cwd))
        if letter is None:
            raise InvalidLetterError(problems)
        found += letter_links(letter)
    root = find_root(paths[0].parent) if paths else find_root(cwd)
    cache = (root or cwd) / CACHE_FILE
    progress = _Progress()
    try:
        results = check_urls([link.url for link in found], cache, refresh=refresh,
                             max_age=dt.timedelta(days=max_age), timeout=timeout,
                             progress=progress, allow_private=allow_private)
    finally:
        progress.close()
    problems = link_problems(found, results)
    if fmt == "json":
        places: dict[str, list] = {}
        for link in found:
            places.setdefault(link.url, []).append(
                {"file": link.pos.file, "line": link.pos.line, "column": link.pos.column,
                 "what": link.what})
        click.echo(json.dumps({"links": [{**r.as_dict(), "places": places[url]}
                                         for url, r in results.items()]},
                              indent=2, ensure_ascii=False))
    else:
        _cli.print_problems(problems, "human")
        counts = {v: sum(r.verdict == v for r in results.values()) for v in VERDICTS}
        cached = sum(r.cached for r in results.values())
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "no links"
        click.echo(f"{len(results)} link(s) in {len(paths)} letter(s): {summary}"
                   f" ({cached} from the cache)", err=True)
    if any(p.severity is Severity.ERROR for p in problems) or any(
            r.verdict == DEAD for r in results.values()):
        raise SystemExit(1)
