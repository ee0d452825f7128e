"""`undersigned schema`: print the JSON Schema of letters (or rosters) for editors and tools."""

from __future__ import annotations

import json

import click

from ..format.schema import letter_json_schema, roster_json_schema, translation_json_schema


@click.command()
@click.option("--roster", is_flag=True, help="The schema of roster files instead of letters.")
@click.option("--translation", is_flag=True,
              help="The schema of translation files instead of letters.")
def schema(roster, translation):
    """Print the JSON Schema of letter files (or, with --roster, of roster files).

    \b
    Example:
      undersigned schema > schema/letter.schema.json
    """
    if roster and translation:
        raise click.UsageError("choose one of --roster and --translation")
    data = (roster_json_schema() if roster else translation_json_schema() if translation
            else letter_json_schema())
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
