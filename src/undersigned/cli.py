"""The command line: a thin click layer over the library; library errors become click errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys

import click

from ._version import __version__
from .errors import NoWorkspaceError, UndersignedError
from .problems import Problem, Severity
from .textsafety import visible


class Group(click.Group):
    """Turns the library's one exception hierarchy into `Error: …` and exit 1 (2 when there is
    no workspace: a usage error), in one place."""

    def invoke(self, ctx):
        from .roster.writes import NOTICES

        try:
            return super().invoke(ctx)
        except NoWorkspaceError as e:  # the one "no workspace" error: a usage error, exit 2
            name = ctx.invoked_subcommand
            command = self.get_command(ctx, name) if name else None
            where = click.Context(command, info_name=name, parent=ctx) if command else ctx
            raise click.UsageError(visible(str(e)), where) from e
        except UndersignedError as e:
            raise click.ClickException(visible(str(e))) from e
        finally:
            for note in NOTICES:  # e.g. an interrupted write finished by this command
                click.echo(f"Note: {visible(note)}", err=True)
            NOTICES.clear()

    def resolve_command(self, ctx, args):
        # The commands load lazily, so click cannot see them to suggest one: do it here, in
        # the words click uses for a subcommand ("No such command 'valdate'. Did you mean …").
        name = click.utils.make_str(args[0])
        if (not ctx.resilient_parsing and not name.startswith("-")
                and self.get_command(ctx, name) is None):
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            if close:
                ctx.fail(f"No such command '{name}'. Did you mean '{close[0]}'?")
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx):
        from .commands import command_names

        return command_names()  # in the order users meet them, not alphabetical

    def get_command(self, ctx, name):
        # Import a command's module only when it runs: `validate` must not pay for the
        # HTTP client of `links` or the git plumbing of `diff`.
        from .commands import load_command

        return load_command(name)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="undersigned")
@click.pass_context
def cli(ctx):
    """Joint advocacy letters as YAML in git: validate, keep the roster, render.

    \b
    Example:
      undersigned validate
      undersigned render china-forced-repatriation-2023
    """
    if ctx.color is None and os.environ.get("NO_COLOR"):
        ctx.color = False  # https://no-color.org: no colour even on a terminal


def today() -> dt.date:
    """Today's date; one place so tests can pin it."""
    return dt.date.today()


def _gh_data(text: str) -> str:
    """Escape a GitHub Actions workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a workflow-command property value (file=, title=): also ':' and ','."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def print_problems(problems: list[Problem], fmt: str) -> None:
    """Print problems in the requested format: human (stderr-friendly lines), github, json."""
    if fmt == "json":
        import json

        click.echo(json.dumps({"problems": [p.as_dict() for p in problems]}, indent=2,
                              ensure_ascii=False))
        return
    # Messages quote names and titles from the files: their invisible and control characters
    # are shown as <U+XXXX>, never sent to a terminal (escape sequences, bidi reordering).
    problems = [dataclasses.replace(p, message=visible(p.message)) for p in problems]
    for p in problems:
        if fmt == "github":
            kind = "error" if p.severity is Severity.ERROR else "warning"
            click.echo(f"::{kind} file={_gh_property(p.file)},line={p.line},col={p.column},"
                       f"title={_gh_property(p.rule)}::{_gh_data(p.message)}")
        else:
            color = "red" if p.severity is Severity.ERROR else "yellow"
            click.echo(f"{p.file}:{p.line}:{p.column}: "
                       + click.style(p.severity.value, fg=color) + f": {p.rule}: {p.message}")



def main() -> None:
    """Entry point: a bug never shows a user a traceback unless they ask for it."""
    try:
        cli(prog_name="undersigned", standalone_mode=True)
    except OSError as e:  # the machine said no (permissions, a full disk): not a bug
        if os.environ.get("UNDERSIGNED_DEBUG"):
            raise
        where = f"{e.filename}: " if e.filename else ""
        click.echo(f"Error: {visible(where)}{e.strerror or e}; check the file's permissions "
                   "and the free disk space, then retry.", err=True)
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if os.environ.get("UNDERSIGNED_DEBUG"):
            raise
        click.echo(
            f"Error: internal error ({type(e).__name__}: {e}). Nothing was changed. This is a "
            "bug in undersigned; please report it with the command you ran "
            "(set UNDERSIGNED_DEBUG=1 to see the traceback).",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
