"""What changed in a translation (`undersigned diff`), and a word-by-word diff of two texts."""

from __future__ import annotations

import difflib
import re

from .layout import unit_label
from .reading import Translation, Unit
from .units import norm

#: a word: a run of letters and marks between spaces, but each Han, kana or Hangul character
#: on its own (those scripts write no spaces between words)
_WORD = re.compile(r"(\s*)([\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
                   r"\u3000-\u303f]|[^\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
                   r"\uff00-\uffef\u3000-\u303f]+)")


def word_diff(old: str, new: str, context: int = 6) -> str:
    """The change from `old` to `new` word by word, as `git diff --word-diff` writes it:
    `… our [-concern-]{+worry+} about …`, with a few words of context around each change.
    Chinese, Japanese and Korean text is compared character by character."""
    a = [(m.group(1), m.group(2)) for m in _WORD.finditer(norm(old))]
    b = [(m.group(1), m.group(2)) for m in _WORD.finditer(norm(new))]
    out: list[str] = []

    def text(tokens) -> str:
        return "".join(space + word for space, word in tokens)

    ops = difflib.SequenceMatcher(None, [w for _, w in a], [w for _, w in b],
                                  autojunk=False).get_opcodes()
    for n, (op, a1, a2, b1, b2) in enumerate(ops):
        if op == "equal":
            words = a[a1:a2]
            first, last = n == 0, n == len(ops) - 1
            if len(words) > 2 * context or (first and len(words) > context) or (
                    last and len(words) > context):
                head = "" if first else text(words[:context])
                tail = "" if last else text(words[-context:])
                out.append(head + (" …" if head or first else "…") + tail)
            else:
                out.append(text(words))
            continue
        lead = (a[a1][0] if a1 < a2 else b[b1][0]) if (a1 < a2 or b1 < b2) else ""
        change = lead and " "
        if a1 < a2:
            change += "[-" + text(a[a1:a2]).strip() + "-]"
        if b1 < b2:
            change += "{+" + text(b[b1:b2]).strip() + "+}"
        out.append(change)
    return "".join(out).strip()


def _units_by_label(tr: Translation | None) -> dict[str, Unit]:
    if tr is None:
        return {}
    out = {unit_label(key): u for key, u in tr.named.items()}
    out.update({f"block {i} of the body": u for i, u in enumerate(tr.body, 1)})
    return out


def compare_translations(old: Translation | None, new: Translation | None
                         ) -> list[tuple[str, str, str | None, str | None]]:
    """What changed between two states of one translation file, text by text:
    [(label, what, old text, new text)], `what` one of translated, edited, emptied, added
    (a text to translate), removed, marked outdated, updated (its outdated mark cleared)."""
    before, after = _units_by_label(old), _units_by_label(new)
    out = []

    def text(u: Unit | None) -> str | None:
        return "\n".join(u.texts) if u is not None and u.texts else None

    for label in [*before, *[k for k in after if k not in before]]:
        a, b = before.get(label), after.get(label)
        ta, tb = text(a), text(b)
        if a is None:
            out.append((label, "translated" if tb else "added", None, tb))
        elif b is None:
            out.append((label, "removed", ta, None))
        elif ta != tb:
            what = "translated" if ta is None else "emptied" if tb is None else "edited"
            out.append((label, what, ta, tb))
        elif a.outdated is None and b.outdated is not None:
            out.append((label, "marked outdated", b.outdated, b.recorded))
        elif a.outdated is not None and b.outdated is None:
            out.append((label, "updated", ta, tb))
    return out
