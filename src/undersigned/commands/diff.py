"""`undersigned diff`: what changed between two git revisions, by meaning rather than by line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import NoWorkspaceError
from ..review.diffreport import format_json, format_markdown, format_text
from ..review.difftexts import diff_revisions
from ..review.gitio import NotARepositoryError, Repository
from ..textsafety import visible_tree
from ..workspace import find_root


def _slug_of(arg: str) -> str:
    name = Path(arg).name
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _names_letter(arg: str, root: Path, cwd: Path) -> bool:
    """Whether an argument names a letter (a path, or a slug) rather than a revision."""
    if arg.endswith((".yaml", ".yml")):
        return True
    path = Path(arg) if Path(arg).is_absolute() else cwd / arg
    if "/" in arg and path.is_file():
        return True
    return "/" not in arg and ((root / "letters" / f"{arg}.yaml").is_file()
                               or (root / "signatories" / f"{arg}.yaml").is_file())


def split_arguments(args: tuple[str, ...], repo: Repository, root: Path, cwd: Path
                    ) -> tuple[list[str], list[str], list[str]]:
    """([REV_A [REV_B]], [LETTER…], [arguments that named neither]): revisions come first."""
    revisions: list[str] = []
    letters: list[str] = []
    unknown: list[str] = []
    for arg in args:
        if letters or len(revisions) == 2 or (revisions and ".." in revisions[0]):
            letters.append(arg)
            continue
        is_letter = _names_letter(arg, root, cwd)
        is_revision = repo.is_revision(arg)
        if is_letter and is_revision:
            raise click.UsageError(
                f"'{arg}' is both a revision and a letter; write the letter as "
                f"letters/{_slug_of(arg)}.yaml or the revision as {arg}^0")
        if is_revision or (not is_letter and ".." in arg):
            revisions.append(arg)
        else:
            letters.append(arg)
            if not is_letter:
                unknown.append(arg)
    return revisions, [_slug_of(a) for a in letters], unknown


@click.command()
@click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [LETTER]...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="text (coloured in a terminal), markdown (a pull-request comment) or json.")
def diff(args, fmt):
    """Show what changed in letters and rosters between two git revisions, by meaning.

    Signatories added, withdrawn, removed, reinstated or changed; the "as of" date; footnotes
    added, removed, renumbered or changed (down to a source's URL); paragraphs added, removed,
    moved or edited (word by word); and whether earlier endorsements are affected.

    With no revision, HEAD is compared with the working tree; with one, that revision with the
    working tree; with two, the first with the second. `A...B` compares B with the point where
    it left A (what a pull request changes); `A..B` compares A with B. LETTER is a slug or a
    letter or roster path (default: every letter whose files changed).

    \b
    Example:
      undersigned diff
      undersigned diff origin/main...HEAD --format markdown
      undersigned diff v1.0 HEAD china-forced-repatriation-2023
    """
    cwd = Path.cwd()
    root = find_root(cwd)
    try:
        # with every letter deleted there is no letters/ left: compare from here
        repo = Repository(root or cwd)
    except NotARepositoryError:
        if root is None:
            raise NoWorkspaceError() from None
        raise
    root = repo.root
    revisions, slugs, unknown = split_arguments(args, repo, root, cwd)
    changes = repo.resolve_range(*revisions)
    for arg in unknown:  # perhaps a letter deleted since, which only the revisions hold
        slug = _slug_of(arg)
        if not any(repo.read(rev, f"{d}/{slug}.yaml") is not None
                   for rev in (changes.base, changes.head) for d in ("letters", "signatories")):
            raise click.UsageError(f"'{arg}' is neither a revision nor a letter (no "
                                   f"letters/{slug}.yaml at {changes.base.label} or "
                                   f"{changes.head.label})")
    result = diff_revisions(repo, changes, slugs or None)
    if fmt != "json":
        # The revisions may come from anyone's pull request: their invisible and control
        # characters are shown as <U+XXXX>, never sent to a terminal or a comment as they are.
        result = visible_tree(result)
    if fmt == "json":
        click.echo(format_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(format_markdown(result), nl=False)
    else:
        click.echo(format_text(result, click.style if _colour() else None), nl=False)


def _colour() -> bool:
    """Colour on a terminal, as click decides it (and not under NO_COLOR unless forced)."""
    forced = click.get_current_context().color
    if forced is None and os.environ.get("NO_COLOR"):
        return False
    return not click.utils.should_strip_ansi(sys.stdout, forced)
