"""`undersigned translate`: create or update a letter's translation file for one language."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InvalidLetterError
from ..format.load import load_letter
from ..format.translations.writer import update_translation
from ..workspace import display_path, resolve_letter


@click.command()
@click.argument("letter")
@click.argument("lang")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
def translate(letter, lang, dry_run):
    """Create or update the LANG translation of LETTER (translations/<slug>/<LANG>.yaml).

    A text not translated yet is added with the source text as a comment above an empty
    translation; a text whose source changed keeps its translation, is marked `outdated:`
    (with the text it was made from) and gets the new fingerprint; everything else is left
    byte for byte, comments included. Running it again changes nothing. `undersigned
    validate` then lists what is stale or missing.

    \b
    Example:
      undersigned translate example-statement ar
    """
    cwd = Path.cwd()
    path = resolve_letter(letter, cwd)
    model, problems = load_letter(path, display_path(path, cwd))
    if model is None:
        raise InvalidLetterError(problems)
    result = update_translation(model, lang, dry_run=dry_run, cwd=cwd)
    where = display_path(result.path, cwd)
    verb = "would" if dry_run else "will"
    if result.created:
        click.echo(f"{'Would create' if dry_run else 'Created'} {where}: {len(result.added)} "
                   f"texts to translate.")
    elif not (result.added or result.marked or result.removed or result.changed):
        click.echo(f"{where} is up to date with the letter; nothing changed.")
    elif not (result.added or result.marked or result.removed):
        click.echo(f"{'Would update' if dry_run else 'Updated'} {where}: its texts follow the "
                   "letter's order again.")
    else:
        said = []
        if result.added:
            said.append(f"{len(result.added)} new to translate")
        if result.marked:
            said.append(f"{len(result.marked)} marked outdated")
        if result.removed:
            said.append(f"{len(result.removed)} removed (gone from the letter)")
        click.echo(f"{'Would update' if dry_run else 'Updated'} {where}: {', '.join(said)}.")
        for label in result.marked:
            click.echo(f"  outdated: {label}")
        for label in result.removed:
            click.echo(f"  removed: {label}")
    if result.added or result.marked:
        click.echo(f"Translate what is new or marked, then `undersigned validate {model.slug}` "
                   f"{verb} show what is left.")
