"""`undersigned sign`: add, import, withdraw, erase, update, reconfirm and list signatories."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from pathlib import Path

import click

from .. import cli as _cli
from ..format.model import Signatory
from ..format.schema import SIGNATORY_KINDS, STATUSES
from ..roster import csvimport as _csv
from ..roster import listing as _listing
from ..roster import operations as _roster
from ..textsafety import json_safe, no_control, spreadsheet_safe, visible
from ..workspace import display_path, resolve_letter

KINDS = click.Choice([*SIGNATORY_KINDS, "organisation"], case_sensitive=False)
DATE = click.DateTime(formats=["%Y-%m-%d"])


def _letter(arg: str) -> Path:
    return resolve_letter(arg, Path.cwd())


def _day(value):
    return value.date() if value is not None else None


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@click.group()
def sign():
    """Add, import, withdraw, erase, update and list a letter's signatories.

    LETTER is the letter's path or its slug. Every command that writes keeps the roster
    sorted, its comments intact and `as_of` true, and refuses bad input without writing.

    \b
    Example:
      undersigned sign add china-forced-repatriation-2023 --name "Jane Doe" --kind individual
    """


@sign.command()
@click.argument("letter")
@click.option("--name", help="The name as it should be printed.")
@click.option("--kind", type=KINDS, help="individual or organization.")
@click.option("--title", help="Display title or affiliation, printed under the name.")
@click.option("--sort-as", help="Collation key when the name does not sort as written "
              "(family name first: 'Lee Yanghee').")
@click.option("--country", help="Country (ISO code or name).")
@click.option("--email", help="Contact e-mail; kept in the git-ignored private contacts file.")
@click.option("--date", "date", type=DATE, help="Signing date, YYYY-MM-DD [default: today].")
@click.option("--via", help="Provenance, e.g. email:<message-id>.")
@click.option("--lang", help="The language of the text the signatory read, when a translation "
              "(its fingerprint is recorded) [default: the letter's].")
@click.option("--unnamed", is_flag=True, help="Count the signature but never print the name.")
@click.option("--pending", is_flag=True, help="Record the signature as pending confirmation.")
@click.option("--force", is_flag=True, help="Add even if the name looks like an existing entry.")
@click.option("--check-deliverability", is_flag=True,
              help="Also check that the e-mail's domain accepts mail (needs the network).")
def add(letter, name, kind, title, sort_as, country, email, date, via, lang, unnamed, pending,
        force, check_deliverability):
    """Add one signatory at its sorted place and update "as of".

    A letter section with `order: as-listed` takes new signatories last, in order of
    signing. Missing --name and --kind are asked for on a terminal. A likely duplicate (same name
    after normalisation, an acronym, or a near spelling) is refused with the existing entry's
    line; --force adds it anyway.

    \b
    Example:
      undersigned sign add china-forced-repatriation-2023 --name "Jane Doe" \\
          --kind individual --title "Professor, Example University" --via email:<id@host>
      undersigned sign add hk-consulate-defector-2016 --name "Chan Tai-man" \\
          --kind individual --lang zh-Hant     # who read the Chinese translation
    """
    path = _letter(letter)
    if name is None or kind is None:
        if not _interactive():
            missing = " and ".join(o for o, v in (("--name", name), ("--kind", kind)) if v is None)
            raise click.UsageError(f"Missing option {missing}.")
        name = name or click.prompt("Name")
        kind = kind or click.prompt("Kind", type=KINDS)
        title = title or click.prompt("Title or affiliation", default="", show_default=False)
        country = country or click.prompt("Country", default="", show_default=False)
        email = email or click.prompt("E-mail", default="", show_default=False)
    sig = Signatory(name=name.strip(), kind=kind.lower(), signed_on=_day(date),
                    title=title or None, sort_as=sort_as or None, country=country or None,
                    via=via or None, named=not unnamed, lang=lang or None,
                    status="pending" if pending else "confirmed")
    result = _roster.add_signatory(path, sig, email=email or None, force=force,
                                   today=_cli.today(),
                                   check_deliverability=check_deliverability)
    for warning in result.warnings:
        click.echo(f"Warning: {visible(warning)}", err=True)
    where = display_path(result.roster, Path.cwd())
    click.echo(f"Added '{visible(sig.name)}' ({sig.kind}) at {where}:{result.line}; as of "
               f"{result.as_of}.")


@sign.command("import")
@click.argument("letter")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--map", "maps", multiple=True, metavar="SPEC",
              help="'Column=field' (repeatable), or a mapping file of 'Column: field' lines. "
              "Fields: " + ", ".join(_csv.TARGETS) + ".")
@click.option("--dry-run", is_flag=True, help="Report what would happen; write nothing.")
@click.option("--force", is_flag=True, help="Import suspected duplicates too.")
@click.option("--update", is_flag=True,
              help="Apply changed answers of rows already in the roster (title, country, "
                   "consent to be named, e-mail); empty answers change nothing.")
@click.option("--check-deliverability", is_flag=True,
              help="Also check that each e-mail's domain accepts mail (needs the network).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and list the invalid ones with their line and "
                   "reason (exit status 1, so scripts notice).")
@click.option("--dates", type=click.Choice(_csv.DATE_ORDERS),
              help="How to read dates such as 03/04/2024: dmy (day first) or mdy (month "
                   "first). Without it each date column is read as its unambiguous rows say; "
                   "a column that does not say is refused.")
def import_(letter, file, maps, dry_run, force, update, check_deliverability, skip_invalid,
            dates):
    """Import a sign-on form's CSV export (Google Forms, Microsoft Forms, Action Network).

    Columns are recognised by their headers; --map fixes the rest. Rows already in the roster
    are skipped, so importing the same file twice adds nothing (--update applies their changed
    answers: someone corrected a title, or withdrew consent to be named); suspected duplicates are
    reported and skipped (--force imports them). Any invalid row stops the import with its CSV
    line number, and nothing is written — or, with --skip-invalid, the valid rows are imported
    and the invalid ones listed. A "may we publish your name" column is read as consent: "no"
    records the signature as counted but never printed. The report names every row's fate:
    new, present (and as whom), repeated within the file, suspected duplicate, invalid, empty,
    not published.

    \b
    Example:
      undersigned sign import china-forced-repatriation-2023 responses.csv --dry-run
      undersigned sign import china-forced-repatriation-2023 responses.csv \\
          --map "Organisation name=organization" --map "Your role=title"
    """
    path = _letter(letter)
    csv_path = Path(file)
    bar = None
    progress = None
    if sys.stderr.isatty():
        rows = 0
        if csv_path.is_file():
            with csv_path.open("rb") as f:
                rows = max(sum(1 for _ in f) - 1, 0)
        bar = click.progressbar(length=rows, label="Reading rows", file=sys.stderr)
        bar.__enter__()
        done = [0]

        def progress(n):
            bar.update(n - done[0])
            done[0] = n
    try:
        report = _csv.import_csv(path, csv_path, maps=maps, dry_run=dry_run, force=force,
                                 today=_cli.today(), cwd=Path.cwd(),
                                 check_deliverability=check_deliverability,
                                 progress=progress, update=update,
                                 skip_invalid=skip_invalid, dates=dates)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _print_report(report, dry_run, update)
    if report.invalid:  # with --skip-invalid too: a script must notice the rows left out
        raise SystemExit(1)


def _print_report(report, dry_run: bool, update: bool = False) -> None:
    verb = "would add" if dry_run else "added"
    updated = (f"{len(report.updated)} {'would be updated' if dry_run else 'updated'}, "
               if update else "")
    invalid = len({p.line for p in report.invalid})
    more = "".join(f", {n} {what}" for n, what in (
        (len(report.repeated), "repeated within the file"),
        (len(report.empty), "empty row(s)")) if n)
    unpublished = (f"; {len(report.unpublished)} of the new not published (counted, never "
                   "printed)" if report.unpublished else "")
    click.echo(f"{report.csv}: {len(report.new)} new ({verb}), {updated}{len(report.present)} "
               f"already present, {len(report.suspected)} suspected duplicate(s), "
               f"{invalid} invalid row(s){more}{unpublished}")
    if dry_run:
        columns = ", ".join(f"'{c}' → {t}" for c, t in report.mapping.items())
        click.echo(visible(f"columns: {columns}"))
        if report.ignored:
            click.echo(visible("ignored columns: " + ", ".join(f"'{c}'" for c in report.ignored)))
        if report.dates:
            said = {"dmy": "day first", "mdy": "month first"}
            click.echo(visible("dates: " + ", ".join(f"'{c}' {said[o]}"
                                                     for c, o in report.dates.items())))
    for cand, match, found in report.updated:
        said = "; ".join(_change(k, old, new) for k, (old, new) in found.items())
        click.echo(f"  update    line {cand.line}: {visible(match.name)} — {visible(said)}")
    if dry_run:
        for cand in report.new:
            s = cand.signatory
            unnamed = ", unnamed" if not s.named else ""
            click.echo(f"  new       line {cand.line}: {visible(s.name)} ({s.kind}{unnamed})")
    # every row that is not simply new is named, with its line (new ones too in a dry run)
    for cand, match in report.present:
        click.echo(f"  present   line {cand.line}: {visible(cand.signatory.name)} — "
                   f"{visible(match.describe())}")
    for cand, match in report.repeated:
        click.echo(f"  repeated  line {cand.line}: {visible(cand.signatory.name)} — "
                   f"{visible(match.describe())}; only the first is imported")
    for line in report.empty:
        click.echo(f"  empty     line {line}: every cell is empty")
    for cand in ([] if dry_run else report.unpublished):
        click.echo(f"  unnamed   line {cand.line}: {visible(cand.signatory.name)} — added, "
                   "not published (no consent to be named)")
    for cand, match in report.suspected:
        click.echo(f"  suspected line {cand.line}: {visible(cand.signatory.name)} "
                   f"{visible(match.describe())}"
                   + ("" if dry_run else "; skipped (add it with `sign add --force`)"))
    for problem in report.invalid:
        click.echo(f"  invalid   {visible(problem.format(report.csv))}", err=True)


@sign.command()
@click.argument("letter")
@click.argument("name")
@click.option("--date", "date", type=DATE, help="Date of the withdrawal [default: today].")
@click.option("--reason", help="Why the signatory withdrew (kept in the roster, never printed).")
def withdraw(letter, name, date, reason):
    """Record that a signatory withdrew: kept in the roster for the record, never printed.

    \b
    Example:
      undersigned sign withdraw china-forced-repatriation-2023 "ACAT UK" --reason "board decision"
    """
    sig = _roster.withdraw_signatory(_letter(letter), name, on=_day(date), reason=reason,
                                     today=_cli.today())
    click.echo(f"Withdrew '{visible(sig.name)}' on {sig.withdrawn_on}.")


@sign.command()
@click.argument("letter")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(letter, name, yes):
    """Remove a signatory completely: entry, comments above it and private contacts.

    For a data-protection request or a person at risk. Use `withdraw` for "take my name off":
    it keeps the record. Erasing cannot be undone from the current files, and git history
    still holds the entry: see "Erasing a person completely" in docs/privacy.md.

    \b
    Example:
      undersigned sign erase china-forced-repatriation-2023 "Jane Doe" --yes
    """
    path = _letter(letter)
    if not yes:
        if not _interactive():
            raise click.UsageError("erasing cannot be undone; add --yes to confirm")
        click.confirm(f"Erase '{visible(name)}' from {path.stem}'s roster and private "
                      "contacts?", abort=True)
    done = _roster.erase_signatory(path, name)
    cwd = Path.cwd()
    what = ", with their private contacts" if done.private else ""
    if not done.line:  # only private contacts, which no roster entry had
        click.echo(f"Erased the private contacts of '{visible(done.name)}' from "
                   f"{display_path(done.roster, cwd)} (no roster entry had them).")
    else:
        click.echo(f"Erased '{visible(done.name)}' (line {done.line}) from "
                   f"{display_path(done.roster, cwd)}{what}.")
    for other, line, other_name in done.elsewhere:
        click.echo(f"Also named in {display_path(other, cwd)}:{line} as '{visible(other_name)}'"
                   " — erase it there too if the request covers every letter.", err=True)
    click.echo("Git history still holds the entry: see 'Erasing a person completely' in "
               "docs/privacy.md.", err=True)


@sign.command()
@click.argument("letter")
@click.argument("name")
@click.option("--name", "new_name", help="A corrected name.")
@click.option("--kind", type=KINDS)
@click.option("--title", help="New title or affiliation ('' removes it).")
@click.option("--sort-as", help="New collation key ('' removes it).")
@click.option("--country", help="New country ('' removes it).")
@click.option("--email", help="New contact e-mail (private contacts file).")
@click.option("--date", "date", type=DATE, help="Corrected signing date.")
@click.option("--via", help="New provenance.")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--named/--unnamed", default=None, help="Consent to be named given or not.")
@click.option("--force", is_flag=True, help="Rename even if the new name looks like another.")
def update(letter, name, new_name, kind, title, sort_as, country, email, date, via, status,
           named, force):
    """Change fields of one signatory; the entry moves if its sort position changes.

    \b
    Example:
      undersigned sign update china-forced-repatriation-2023 "Jane Doe" --title "Director, X"
    """
    changes = {"name": new_name, "kind": kind, "title": title, "sort_as": sort_as,
               "country": country, "signed_on": _day(date), "via": via, "status": status,
               "named": None if named is None else (None if named else False)}
    changes = {k: v for k, v in changes.items() if v is not None}
    if named is True:
        changes["named"] = ""  # named is the default: remove `named: false`
    if not changes and not email:
        raise click.UsageError("nothing to change; give at least one option such as --title")
    sig = _roster.update_signatory(_letter(letter), name, changes, email=email or None,
                                   force=force, today=_cli.today())
    click.echo(f"Updated '{visible(sig.name)}'.")


@sign.command()
@click.argument("letter")
@click.argument("names", nargs=-1)
@click.option("--all-stale", is_flag=True,
              help="Every signatory who endorsed an earlier text (after they all confirmed).")
def reconfirm(letter, names, all_stale):
    """Record that signatories endorsed the current text of the letter.

    Use it after they confirmed the changed text; `sign list --stale` shows who to ask.

    \b
    Example:
      undersigned sign reconfirm china-forced-repatriation-2023 "Jane Doe" "ACAT UK"
    """
    if not names and not all_stale:
        raise click.UsageError("name the signatories to reconfirm, or give --all-stale")
    done = _roster.reconfirm(_letter(letter), list(names), all_stale=all_stale,
                             today=_cli.today())
    click.echo(f"Reconfirmed {len(done)} signator{'y' if len(done) == 1 else 'ies'}.")


@sign.command("list")
@click.argument("letter")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--kind", type=KINDS, help="Only this kind.")
@click.option("--stale", is_flag=True, help="Only those who endorsed an earlier text.")
def list_(letter, fmt, status, kind, stale):
    """List signatories: a table for people, CSV or JSON for machines, with counts.

    E-mail addresses are never listed.

    \b
    Example:
      undersigned sign list china-forced-repatriation-2023 --status confirmed --format csv
    """
    listing = _listing.stream_signatories(_letter(letter), status=status, kind=kind,
                                          stale=stale)
    # JSON and CSV are written a thousand records at a time, as the entries are read: the
    # roster is never held whole (200,000 entries make some 100 MB of JSON)
    records = (_listing.signatory_record(s, is_stale) for s, is_stale in listing)
    if fmt == "json":  # JSON escapes control characters; json_safe the C1 ones too
        for chunk in _json_list(records):
            click.echo(json_safe(chunk), nl=False)
        return
    if fmt == "csv":
        out = io.StringIO()
        first = next(records, None)
        # CRLF, as RFC 4180 has it: the writer then also quotes a value holding a lone \r,
        # which a spreadsheet would otherwise take for the end of the row.
        writer = csv.DictWriter(out, fieldnames=list(first) if first else ["name"],
                                lineterminator="\r\n")
        writer.writeheader()
        # A name such as "=HYPERLINK(…)" must stay text in a spreadsheet (OWASP CSV injection).
        # And no control character reaches a terminal, piped or not (an escape sequence can
        # retitle a terminal or hide a line): they are shown as <U+XXXX>.
        for n, r in enumerate(itertools.chain([first] if first else [], records), 1):
            writer.writerow({k: spreadsheet_safe(no_control(v)) if isinstance(v, str) else v
                             for k, v in r.items()})
            if n % 1000 == 0:
                click.echo(out.getvalue(), nl=False)
                out.seek(0)
                out.truncate()
        click.echo(out.getvalue(), nl=False)
        return
    # A table lines its columns up over every row: its cells are gathered (not the records),
    # then printed. The language is the row's fifth cell until it is known whether any has one.
    rows = [(_clip(visible(r["name"]), 50) + ("" if r["named"] else " [unnamed]")
             + (" [stale]" if r["stale"] else ""),
             r["kind"], r["status"], r["signed_on"] or "", r["lang"], visible(r["title"] or ""))
            for r in records]
    # A LANG column only where someone read a translation: other rosters list as before.
    langs = any(r[4] for r in rows)
    if stale and langs:  # the stale signatories of each language together
        rows.sort(key=lambda r: r[4] or "")
    rows = [(*r[:4], visible(r[4] or listing.lang), r[5]) if langs else (*r[:4], r[5])
            for r in rows]
    head = ("NAME", "KIND", "STATUS", "SIGNED", *(("LANG",) if langs else ()), "TITLE")
    n = len(head) - 1
    widths = [max([len(head[c])] + [len(r[c]) for r in rows]) for c in range(n)]
    for row in [head, *rows]:
        cells = [row[c].ljust(widths[c]) for c in range(n)] + [_clip(row[n], 60)]
        click.echo("  ".join(cells).rstrip())
    c = listing.counts
    click.echo(f"{c['total']} listed: {c['individual']} individual(s), {c['organization']} "
               f"organization(s); {c['confirmed']} confirmed ({c['named']} named, "
               f"{c['unnamed']} unnamed), {c['pending']} pending, {c['withdrawn']} withdrawn"
               + (f"; {listing.stale_count} endorsed an earlier text" if listing.stale_count
                  else "")
               + (" (" + ", ".join(f"{lang}: {n}" for lang, n in listing.stale_by_lang.items())
                  + ")" if listing.stale_count and langs else ""))


def _json_list(records, batch: int = 1000):
    """`json.dumps(list(records), indent=2, ensure_ascii=False)` and a line break, the same
    text, in pieces of `batch` records (each record's lines indented as the list would)."""
    parts: list[str] = []
    written = False
    for r in records:
        parts.append((",\n  " if written else "[\n  ") + _json_record(r))
        written = True
        if len(parts) == batch:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n" if written else "[]\n")
    yield "".join(parts)


_JSON_TEXT = json.encoder.encode_basestring  # json.dumps's own, ensure_ascii=False
_JSON_WORDS = {True: "true", False: "false", None: "null"}


def _json_record(r: dict) -> str:
    """`json.dumps(r, indent=2, ensure_ascii=False)` with its lines indented two more, for a
    record of text, booleans, null and whole numbers: each value goes through json's own C
    encoder (json.dumps itself encodes an indented dump in Python, most of the time of
    listing 50,000 entries); any other record is dumped by json.dumps."""
    lines = []
    for key, value in r.items():
        kind = type(value)
        if kind is str:
            text = _JSON_TEXT(value)
        elif kind is bool or value is None:
            text = _JSON_WORDS[value]
        elif kind is int:
            text = int.__repr__(value)
        else:
            return json.dumps(r, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        lines.append(f"{_JSON_TEXT(key)}: {text}")
    if not lines:
        return "{}"
    return "{\n    " + ",\n    ".join(lines) + "\n  }"


def _change(key: str, old, new) -> str:
    if key == "email":  # addresses stay out of terminals and CI logs
        return "e-mail changed" if old else "e-mail added"
    if key == "named":
        return "now named" if new is None else "no longer named"
    before = f"'{old}'" if old else "none"
    return f"{key}: {before} → '{new}'"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
