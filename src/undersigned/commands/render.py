"""`undersigned render`: write DOCX, HTML, text (and PDF) from one letter."""

from __future__ import annotations

from pathlib import Path

import click

from .. import cli as _cli
from ..render.run import DEFAULT_FORMATS, FORMATS, PDF_ENGINES, render_letter
from ..workspace import display_path, resolve_letter


@click.command()
@click.argument("letter")
@click.option("--to", "formats", type=click.Choice(FORMATS), multiple=True,
              help="Output format; repeat for several (default: docx, html and txt).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Directory to write into.")
@click.option("--lang", "langs", multiple=True, metavar="LANG",
              help="A language to render (the letter's or a translation's tag); repeat for "
              "several (default: every language). Translations are written as "
              "<slug>.<lang>.<ext>.")
@click.option("--width", type=click.IntRange(min=20), default=None,
              help="Wrap the text output at this many columns (default: unwrapped).")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default="weasyprint",
              show_default=True,
              help="Who prints --to pdf: WeasyPrint sets each note at the foot of its page; "
              "chromium (headless Chromium, installed separately) is faster on long rosters "
              "but prints the notes as a list at the end.")
def render(letter, formats, out_dir, langs, width, pdf_engine):
    """Render LETTER (a path or slug) to DOCX, HTML and plain text.

    Only confirmed signatories who agreed to be named are printed. The letter must validate
    (warnings are fine); errors are listed and nothing is written. Each translation (see
    `undersigned translate`) is rendered too, as <slug>.<lang>.<ext>, unless --lang chooses.

    \b
    Example:
      undersigned render china-forced-repatriation-2023 --to docx --to txt --out build
      undersigned render hk-consulate-defector-2016 --lang zh-Hant --to html
      undersigned render china-forced-repatriation-2023 --to pdf --pdf-engine chromium
    """
    cwd = Path.cwd()
    path = resolve_letter(letter, cwd)
    written = render_letter(path, formats or DEFAULT_FORMATS, out_dir, cwd, _cli.today(), width,
                            langs=langs, pdf_engine=pdf_engine)
    for target in written:
        click.echo(display_path(target, cwd))
