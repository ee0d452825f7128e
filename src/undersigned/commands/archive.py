"""`undersigned archive`: keep the text of each cited source in letters/sources/ for review."""

from __future__ import annotations

from pathlib import Path

import click

from .. import cli as _cli
from ..errors import InvalidLetterError
from ..format.load import load_letter
from ..sources.archive import FETCH_TIMEOUT, archive_letter
from ..workspace import display_path, resolve_letter


@click.command()
@click.argument("letter")
@click.option("--refresh", is_flag=True, help="Fetch again the sources already archived.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch addresses inside this network (loopback, private, link-local); "
                   "refused by default, since a letter's addresses come from its authors.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=FETCH_TIMEOUT,
              show_default=True,
              help="Seconds allowed for each source's whole download, however slowly the "
                   "server sends it.")
def archive(letter, refresh, allow_private, timeout):
    """Store the text of every source LETTER cites, to check its quotations against.

    Each source's text goes to letters/sources/<key>.txt under a short header (URL, retrieval
    date, sha256, content type); commit it so reviewers see what was cited. A source with
    `snapshot: sources/<key>.pdf` (a file saved by hand) is read from that file, with no
    network. HTML is reduced to its text; PDFs need `pip install 'undersigned[archive]'`.
    Exit status: 0 every source archived or skipped, 1 a source could not be archived.

    \b
    Example:
      undersigned archive china-forced-repatriation-2023
    """
    cwd = Path.cwd()
    path = resolve_letter(letter, cwd)
    model, problems = load_letter(path, display_path(path, cwd))
    if model is None:
        raise InvalidLetterError(problems)
    failed = 0
    for result in archive_letter(model, refresh=refresh, today=_cli.today(),
                                 allow_private=allow_private, timeout=timeout):
        where = display_path(result.path, cwd) if result.path else ""
        line = f"{result.status:9} {result.key}" + (f" → {where}" if where else "")
        if result.detail:
            line += f" ({result.detail})"
        if result.status == "failed":
            failed += 1
        click.echo(line, err=result.status in ("failed", "skipped"))
    if failed:
        raise SystemExit(1)
