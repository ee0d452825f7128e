"""The diff's one-line summary and its text, markdown and JSON forms."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable

from .changes import (
    BlockChange,
    Diff,
    Endorsements,
    FieldChange,
    LetterDiff,
    NoteChange,
    SignatoryChange,
    WordOp,
)

CONTEXT_WORDS = 8  # unchanged words shown on each side of an edit
LIST_LIMIT = 3  # numbers named in the one-line summary before it just counts


# --- the one-line summary -----------------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _numbers(things: list, noun: str, verb: str, attr: str = "number") -> str:
    numbers = [getattr(t, attr) for t in things]
    named = [n for n in numbers if n is not None]
    if len(numbers) <= LIST_LIMIT and len(named) == len(numbers):
        words = noun if len(named) == 1 else noun + "s"
        return f"{words} {', '.join(map(str, named))} {verb}"
    return f"{_plural(len(numbers), noun)} {verb}"


def summary(d: LetterDiff) -> str:
    """The counts in one line: "+3 signatories, 1 withdrawn, footnote 9 changed, …"."""
    parts: list[str] = []
    r = d.roster
    if d.status in ("added", "removed"):
        parts.append(f"letter {d.status}")
    if r.added:
        parts.append("+" + _plural(len(r.added), "signatory", "signatories"))
    for name, group in (("withdrawn", r.withdrawn), ("removed", r.removed),
                        ("reinstated", r.reinstated)):
        if group:
            parts.append(f"{len(group)} {name}")
    if r.changed:
        parts.append(_plural(len(r.changed), "signatory", "signatories") + " changed")
    if r.as_of:
        parts.append(f"as of {r.as_of.old or '(none)'} → {r.as_of.new or '(none)'}")
    if d.fields:
        names = [f.field for f in d.fields]
        parts.append(", ".join(names) + " changed" if len(names) <= LIST_LIMIT
                     else f"{len(names)} letter fields changed")
    f = d.footnotes
    if f.changed:
        fields = {ch.field for n in f.changed for ch in n.changes}
        verb = f"{fields.pop()} changed" if len(fields) == 1 else "changed"
        parts.append(_numbers(f.changed, "footnote", verb))
    for group, verb in ((f.added, "added"), (f.removed, "removed")):
        if group:
            parts.append(_numbers(group, "footnote", verb))
    if f.renumbered:
        parts.append(_numbers(f.renumbered, "footnote", "renumbered", "new_number"))
    s = d.sources
    shown = {c.key for n in f.changed for c in s.changed for ch in n.changes
             if ch.where == f"source {c.key}"}
    quiet = [c for c in s.changed if c.key not in shown]
    if quiet:
        parts.append(_plural(len(quiet), "unused source") + " changed")
    b = d.body
    for group, verb in ((b.edited, "edited"), (b.added, "added"), (b.removed, "removed"),
                        (b.moved, "moved")):
        if group:
            parts.append(_numbers(group, "paragraph", verb))
    if d.endorsements.invalidated:
        parts.append(_plural(d.endorsements.endorsed_earlier, "endorsement") + " of the "
                     "earlier text")
    for t in d.translations:
        if t.status != "modified":
            parts.append(f"{t.lang} translation {t.status}")
        else:
            parts.append(f"{t.lang} translation: " + _plural(len(t.changes), "text") + " changed")
    return ", ".join(parts) if parts else "no changes"


# --- plain text ---------------------------------------------------------------------------------

Style = Callable[..., str]


def _plain(text: str, **_) -> str:
    return text


def _words(ops: list[WordOp], deleted: Callable[[str], str], inserted: Callable[[str], str],
           equal: Callable[[str], str] = lambda t: t, context: int = CONTEXT_WORDS,
           separator: str = "") -> str:
    """Render a word diff, keeping `context` unchanged words around each change."""
    out: list[str] = []
    last = len(ops) - 1
    for k, op in enumerate(ops):
        if op.op == "delete":
            out.append(deleted(op.text))
        elif op.op == "insert":
            if k and ops[k - 1].op == "delete" and separator:
                out.append(separator)
            out.append(inserted(op.text))
        else:
            out.append(equal(_elide(op.text, context, k > 0, k < last)))
    return "".join(out)


_TOKENS = re.compile(r"\S+\s*")


def _elide(text: str, context: int, before: bool, after: bool) -> str:
    """Shorten an unchanged run: keep `context` words next to the changes on either side."""
    lead = text[: len(text) - len(text.lstrip())]
    words = _TOKENS.findall(text.lstrip())
    keep_head = context if before else 0
    keep_tail = context if after else 0
    if len(words) <= keep_head + keep_tail + 2:
        return text
    head = "".join(words[:keep_head])
    tail = "".join(words[len(words) - keep_tail:]) if keep_tail else ""
    if before and after:
        return lead + head.rstrip() + " … " + tail
    if before:
        return lead + head.rstrip() + " …"
    return "… " + tail


def _change_line(c: FieldChange) -> str:
    where = f"{c.where}: " if c.where else ""
    return f"{where}{c.field}: {c.old if c.old is not None else '(none)'} → " \
           f"{c.new if c.new is not None else '(none)'}"


def _note_label(n: NoteChange) -> str:
    if n.number is None:
        return f"footnote '{n.key}' (not called)"
    return f"footnote {n.number} ({n.key})"


def _block_label(c: BlockChange) -> str:
    extra = [c.kind] if c.kind != "paragraph" else []
    if c.id:
        extra.append(f"id {c.id}")
    label = f"paragraph {c.number}"
    return label + (f" ({', '.join(extra)})" if extra else "")


def _signatory_line(c: SignatoryChange) -> str:
    text = f"{c.name} ({c.kind})"
    if c.title:
        text += f" — {c.title}"
    if c.status != "confirmed" and not any(ch.field == "status" for ch in c.changes):
        text += f" [{c.status}]"
    return text


def format_text(result: Diff, style: Style | None = None) -> str:
    """A readable report; pass `click.style` (or any compatible function) for colour."""
    st = style or _plain
    lines: list[str] = []
    if not result.letters:
        return f"No letter or roster changed ({result.base} → {result.head}).\n"
    for d in result.letters:
        if lines:
            lines.append("")
        lines.append(st(f"{d.slug}", bold=True) + f" ({result.base} → {result.head})")
        lines.append(f"  {summary(d)}")
        r = d.roster
        if r:
            lines.append(st("Signatories", bold=True))
            for c in r.added:
                lines.append(st(f"  + {_signatory_line(c)}", fg="green"))
            for c in r.withdrawn:
                reason = next((ch.new for ch in c.changes if ch.field == "withdrawal_reason"),
                              None)
                suffix = f" — reason: {reason}" if reason else ""
                lines.append(st(f"  withdrawn: {_signatory_line(c)}{suffix}", fg="yellow"))
            for c in r.removed:
                lines.append(st(f"  - removed: {_signatory_line(c)}", fg="red"))
            for c in r.reinstated:
                lines.append(st(f"  reinstated: {_signatory_line(c)}", fg="cyan"))
            for c in r.changed:
                was = f" (was {c.old_name})" if c.old_name else ""
                lines.append(f"  changed: {c.name}{was}")
                for ch in c.changes:
                    lines.append(f"      {_change_line(ch)}")
            if r.as_of:
                lines.append(f"  as of: {r.as_of.old or '(none)'} → {r.as_of.new or '(none)'}")
        if d.fields:
            lines.append(st("Letter", bold=True))
            lines += [f"  {_change_line(c)}" for c in d.fields]
        f = d.footnotes
        if f:
            lines.append(st("Footnotes", bold=True))
            for n in f.changed:
                lines.append(f"  {_note_label(n)} changed")
                for ch in n.changes:
                    lines.append("      " + _change_line(ch))
            for n in f.added:
                lines.append(st(f"  {_note_label(n)} added", fg="green"))
            for n in f.removed:
                lines.append(st(f"  {_note_label(n)} removed", fg="red"))
            for n in f.renumbered:
                lines.append(f"  footnote {n.old_number or '-'} → {n.new_number or '-'} "
                             f"({n.key}) renumbered")
        s = d.sources
        if s.added or s.removed:
            lines.append(st("Sources", bold=True))
            lines += [st(f"  + {k}", fg="green") for k in s.added]
            lines += [st(f"  - {k}", fg="red") for k in s.removed]
        b = d.body
        if b:
            lines.append(st("Paragraphs", bold=True))
            for c in b.edited:
                was = f" (was {c.old_number})" if c.moved else ""
                lines.append(f"  {_block_label(c)} edited{was}")
                for ch in c.changes:
                    lines.append(f"      {_change_line(ch)}")
                if c.words:
                    if style is None:
                        text = _words(c.words, lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}")
                    else:
                        text = _words(c.words, lambda t: st(t, fg="red", strikethrough=True),
                                      lambda t: st(t, fg="green", underline=True))
                    lines += ["      " + line for line in text.split("\n")]
            for c in b.added:
                lines.append(st(f"  {_block_label(c)} added", fg="green"))
                lines += ["      " + line for line in (c.new_text or "").split("\n")]
            for c in b.removed:
                lines.append(st(f"  {_block_label(c)} removed", fg="red"))
                lines += ["      " + line for line in (c.old_text or "").split("\n")]
            for c in b.moved:
                lines.append(f"  {_block_label(c)} moved from {c.old_number}")
        e = d.endorsements
        if e.text_changed:
            lines.append(st("Endorsements", bold=True))
            lines.append("  " + _endorsement_sentence(e))
        if d.translations:
            lines.append(st("Translations", bold=True))
            for t in d.translations:
                lines.append(f"  {t.lang}: {t.status}")
                lines += [f"      {line}" for c in t.changes for line in _translation_lines(c)]
    return "\n".join(lines) + "\n"


def _translation_lines(c: FieldChange) -> list[str]:
    from ..format.translations.diff import word_diff as words

    if c.where == "edited" and c.old and c.new:
        return [f"{c.field} edited: {words(c.old, c.new)}"]
    if c.where == "marked outdated":
        return [f"{c.field} marked outdated (its source changed)"]
    shown = c.new if c.new is not None else c.old
    return [f"{c.field} {c.where}" + (f": {shown}" if shown else "")]


def _short(fingerprint: str | None) -> str:
    return (fingerprint or "")[:19] + "…"


def _endorsement_sentence(e: Endorsements) -> str:
    if e.method != "fingerprint":
        return "the endorsed text (body, footnotes or sources) changed"
    change = f"the endorsed text changed ({_short(e.old_fingerprint)} → " \
             f"{_short(e.new_fingerprint)})"
    if e.endorsed_earlier:
        return (f"{change}: {_plural(e.endorsed_earlier, 'signatory', 'signatories')} "
                "endorsed the earlier text; ask them to confirm")
    return f"{change}; no signatory has recorded an endorsement of the earlier text"


# --- markdown -----------------------------------------------------------------------------------

MARKER = "<!-- undersigned diff -->"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


# "@name" and "@org/team" notify people on GitHub; a zero-width space after the "@" (as an
# entity, so the comment's text holds no invisible character) keeps them from being pinged.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def md_escape(text: str) -> str:
    """Text that GitHub shows as written: markdown punctuation escaped, one line, no mention."""
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    return _MENTION.sub("@&#8203;", text)


def md_code(text: str | None) -> str:
    if text is None:
        return "*(none)*"
    text = text.replace("\r", " ").replace("\n", " ")
    # the fence is longer than any run of backticks inside, so the span cannot end early
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _wrap(text: str, marker: str) -> str:
    """`marker`-delimited emphasis with the surrounding spaces kept outside (markdown needs it)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{marker}{md_escape(core)}{marker}{trail}"


def _md_change(c: FieldChange) -> str:
    where = f"{md_escape(c.where)}: " if c.where else ""
    return f"{where}{md_escape(c.field)}: {md_code(c.old)} → {md_code(c.new)}"


def _md_signatory(c: SignatoryChange) -> str:
    text = f"**{md_escape(c.name)}** ({c.kind})"
    if c.title:
        text += f" — {md_escape(c.title)}"
    if c.status != "confirmed" and not any(ch.field == "status" for ch in c.changes):
        text += f" *{c.status}*"
    return text


def _details(summary_line: str, body: list[str]) -> list[str]:
    return ["<details><summary>" + summary_line + "</summary>", "", *body, "", "</details>", ""]


def format_markdown(result: Diff) -> str:
    """A pull-request comment: one line of counts per letter, details folded below."""
    lines = [MARKER]
    if not result.letters:
        lines.append(f"No letter or roster changed ({md_escape(result.base)} → "
                     f"{md_escape(result.head)}).")
    for d in result.letters:
        lines += ["", f"**{md_escape(d.slug)}**: {md_escape(summary(d))}", ""]
        r = d.roster
        if r:
            counts = []
            if r.added:
                counts.append(f"+{len(r.added)}")
            for name, group in (("withdrawn", r.withdrawn), ("removed", r.removed),
                                ("reinstated", r.reinstated), ("changed", r.changed)):
                if group:
                    counts.append(f"{len(group)} {name}")
            if r.as_of:
                counts.append("as of " + (r.as_of.new or "(none)"))
            body = []
            body += [f"- ➕ added: {_md_signatory(c)}" for c in r.added]
            for c in r.withdrawn:
                reason = next((ch.new for ch in c.changes if ch.field == "withdrawal_reason"),
                              None)
                body.append(f"- ⏸ withdrawn: {_md_signatory(c)}"
                            + (f" — reason: {md_escape(reason)}" if reason else ""))
            body += [f"- ➖ removed: {_md_signatory(c)}" for c in r.removed]
            body += [f"- ↩ reinstated: {_md_signatory(c)}" for c in r.reinstated]
            for c in r.changed:
                was = f" (was {md_escape(c.old_name)})" if c.old_name else ""
                body.append(f"- ✎ changed: **{md_escape(c.name)}**{was}")
                body += [f"  - {_md_change(ch)}" for ch in c.changes]
            if r.as_of:
                body.append(f"- as of: {md_code(r.as_of.old)} → {md_code(r.as_of.new)}")
            lines += _details("Signatories: " + ", ".join(counts), body)
        if d.fields:
            lines += _details(_plural(len(d.fields), "letter field") + " changed",
                              [f"- {_md_change(c)}" for c in d.fields])
        f, s = d.footnotes, d.sources
        if f or s.added or s.removed:
            body = []
            for n in f.changed:
                body.append(f"- **{md_escape(_note_label(n))}** changed")
                body += [f"  - {_md_change(ch)}" for ch in n.changes]
            body += [f"- **{md_escape(_note_label(n))}** added" for n in f.added]
            body += [f"- **{md_escape(_note_label(n))}** removed" for n in f.removed]
            if f.renumbered:
                moved = ", ".join(f"{n.old_number or '–'} → {n.new_number or '–'} "
                                  f"({md_escape(n.key)})" for n in f.renumbered)
                body.append(f"- renumbered: {moved}")
            body += [f"- source {md_code(k)} added" for k in s.added]
            body += [f"- source {md_code(k)} removed" for k in s.removed]
            heads = []
            for group, verb in ((f.changed, "changed"), (f.added, "added"),
                                (f.removed, "removed"), (f.renumbered, "renumbered")):
                if group:
                    heads.append(f"{len(group)} {verb}")
            if s.added or s.removed:
                heads.append(f"sources +{len(s.added)} −{len(s.removed)}")
            lines += _details("Footnotes: " + ", ".join(heads), body)
        b = d.body
        if b:
            body = []
            for c in b.edited:
                was = f" (was {c.old_number})" if c.moved else ""
                body.append(f"- **{md_escape(_block_label(c))}** edited{was}")
                body += [f"  - {_md_change(ch)}" for ch in c.changes]
                if c.words:
                    text = _words(c.words, lambda t: _wrap(t, "~~"), lambda t: _wrap(t, "**"),
                                  md_escape, separator=" ")
                    body += ["", f"  > {text}", ""]
            for c in b.added:
                body += [f"- **{md_escape(_block_label(c))}** added", "",
                         f"  > {md_escape(c.new_text or '')}", ""]
            for c in b.removed:
                body += [f"- **{md_escape(_block_label(c))}** removed", "",
                         f"  > {md_escape(c.old_text or '')}", ""]
            for c in b.moved:
                body.append(f"- **{md_escape(_block_label(c))}** moved from {c.old_number}")
            heads = [f"{len(g)} {v}" for g, v in ((b.edited, "edited"), (b.added, "added"),
                                                  (b.removed, "removed"), (b.moved, "moved"))
                     if g]
            while body and body[-1] == "":
                body.pop()
            lines += _details("Paragraphs: " + ", ".join(heads), body)
        e = d.endorsements
        if e.text_changed:
            sentence = _endorsement_sentence(e)
            mark = "⚠️" if e.invalidated else "ℹ️"
            lines.append(f"{mark} {md_escape(sentence[0].upper() + sentence[1:])}")
            lines.append("")
        if d.translations:
            body = []
            for t in d.translations:
                body.append(f"- **{md_escape(t.lang)}** ({t.status})")
                body += [f"  - {md_escape(line)}" for c in t.changes
                         for line in _translation_lines(c)]
            lines += _details("Translations: " + ", ".join(t.lang for t in d.translations),
                              body)
    spec = result.spec or f"{result.base} {result.head}"
    while lines and lines[-1] == "":
        lines.pop()
    lines += ["", f"<sub>undersigned diff {md_code(spec)}: {md_escape(result.base)} → "
              f"{md_escape(result.head)}</sub>"]
    return "\n".join(lines) + "\n"


# --- JSON ---------------------------------------------------------------------------------------


def as_dict(result: Diff) -> dict:
    """Plain data for `--format json`: every added, withdrawn and removed signatory by name,
    every changed footnote and paragraph."""

    def plain(obj):
        if dataclasses.is_dataclass(obj):
            return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, list):
            return [plain(x) for x in obj]
        return obj

    letters = []
    for d in result.letters:
        item = {
            "slug": d.slug,
            "letter": d.letter_path,
            "roster": d.roster_path,
            "status": d.status,
            "summary": summary(d),
            "as_of": ({"old": d.roster.as_of.old, "new": d.roster.as_of.new}
                      if d.roster.as_of else None),
            "fields": plain(d.fields),
            "signatories": {k: plain(getattr(d.roster, k)) for k in
                            ("added", "withdrawn", "removed", "reinstated", "changed")},
            "footnotes": plain(d.footnotes),
            "sources": plain(d.sources),
            "paragraphs": plain(d.body),
            "endorsements": {**plain(d.endorsements),
                             "invalidated": d.endorsements.invalidated},
        }
        if d.translations:  # only where a translation changed: other reports stay as they were
            item["translations"] = plain(d.translations)
        letters.append(item)
    return {"base": result.base, "head": result.head, "range": result.spec,
            "letters": letters}


def format_json(result: Diff) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"


__all__ = ["as_dict", "format_json", "format_markdown", "format_text", "md_escape", "summary"]
