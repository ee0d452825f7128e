"""`undersigned init`: scaffold a new workspace with an example statement."""

from __future__ import annotations

from pathlib import Path

import click

from ..scaffold import EXAMPLE_SLUG, init_workspace
from ..workspace import display_path


@click.command()
@click.argument("directory", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
def init(directory):
    """Create a workspace in DIRECTORY (new or empty) with an example statement.

    It holds letters/, signatories/, templates/, schema/ (JSON Schema for editors) and a
    .gitignore that keeps private contact files and build output out of git. A directory
    that is not empty is refused and left as it was.

    \b
    Example:
      undersigned init my-coalition && cd my-coalition && undersigned validate
    """
    cwd = Path.cwd()
    for path in init_workspace(directory):
        click.echo(f"created {display_path(path, cwd)}")
    click.echo(f"\nNext: cd {display_path(directory, cwd)} && undersigned validate "
               f"{EXAMPLE_SLUG}", err=True)
