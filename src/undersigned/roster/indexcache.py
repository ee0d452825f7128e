"""The index of a roster kept between runs, so that `sign add` reads no more of a large
roster than adding one entry needs.

What is kept, per roster, in the workspace's cache directory (`.undersigned/rosters/`, which
the workspace's .gitignore keeps out of git): the hash of the roster file's bytes, the top-level
lines, each entry's offset, name, kind and sort_as (what `RosterText` indexes), and each
name's identity and look-alike keys (what `NameIndex` compares). It is used only when the
hash matches the file as read now, so an index made before any other change to the file —
an edit by hand, a `git pull`, another command — is never trusted: the file is indexed again.
The keys of names it still knows are reused even then (they depend on the name alone).

A cache that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from itertools import pairwise
from pathlib import Path

from .rosterfile import Entry, RosterText

VERSION = 1
_TAG = (VERSION, sys.version_info[:2])


def cache_path(roster: Path) -> Path:
    """`<workspace>/.undersigned/rosters/<slug>.index` for `<workspace>/signatories/<slug>.yaml`."""
    return roster.parent.parent / ".undersigned" / "rosters" / (roster.stem + ".index")


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class RosterIndex:
    """A roster's index as kept between runs (see the module's docstring)."""

    def __init__(self, digest: str, top: dict, offsets: list[int], names: list, kinds: list,
                 sort_as: list, keys: list[str], looks: list[str]):
        self.digest, self.top, self.offsets = digest, top, offsets
        self.names, self.kinds, self.sort_as = names, kinds, sort_as
        self.keys, self.looks = keys, looks

    def known_keys(self) -> dict[str, tuple[str, str]]:
        """Name → (identity key, look key), for the names this index has seen."""
        return {n: (k, lk) for n, k, lk in zip(self.names, self.keys, self.looks, strict=True)
                if isinstance(n, str)}

    def doc(self, text: str, display: str) -> RosterText:
        """The `RosterText` of `text` (which hashes to this index's digest) without indexing
        the text again."""
        doc = RosterText.__new__(RosterText)
        doc.text, doc.display = text, display
        doc.newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        doc.parsed = False
        doc.top = dict(self.top)
        if None in self.names or None in self.kinds:
            values = [{k: v for k, v in (("name", n), ("kind", k_)) if v is not None}
                      for n, k_ in zip(self.names, self.kinds, strict=True)]
        else:
            values = [{"name": n, "kind": k} for n, k in zip(self.names, self.kinds,
                                                             strict=True)]
        for i, sort_as in enumerate(self.sort_as):
            if sort_as is not None:
                values[i]["sort_as"] = sort_as
        entries = list(map(Entry, self.offsets, values))
        doc.entries = entries
        by_kind: dict = {}  # what position_for groups, made from the plain list
        for i, kind in enumerate(self.kinds):
            by_kind.setdefault(kind, []).append(i)
        doc._by_kind, doc._sort_keys = by_kind, {}
        return doc

    @classmethod
    def of(cls, doc: RosterText, digest: str, keys: list[str], looks: list[str]
           ) -> RosterIndex | None:
        """The index of a canonical roster's `RosterText`; None for a layout the YAML parser
        read (its entries carry parsed values that are not kept)."""
        if doc.parsed:
            return None
        entries = doc.entries
        return cls(digest, dict(doc.top), [e.item for e in entries],
                   [e.values.get("name") for e in entries],
                   [e.values.get("kind") for e in entries],
                   [e.values.get("sort_as") for e in entries], keys, looks)

    def _valid(self) -> bool:
        n = len(self.offsets)
        scalars = {str, int, float, bool, type(None)}
        return (isinstance(self.digest, str) and isinstance(self.top, dict)
                and all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 3
                        and type(v[0]) is int and type(v[1]) is int
                        and isinstance(v[2], str | None) for k, v in self.top.items())
                and all(type(x) is list and len(x) == n
                        for x in (self.offsets, self.names, self.kinds, self.sort_as,
                                  self.keys, self.looks))
                and set(map(type, self.offsets)) <= {int}
                and set(map(type, self.names)) | set(map(type, self.kinds))
                | set(map(type, self.sort_as)) <= scalars
                and set(map(type, self.keys)) | set(map(type, self.looks)) <= {str})

    # -- kept on disk

    @classmethod
    def open(cls, roster: Path, text: str
             ) -> tuple[str, RosterIndex | None, dict[str, tuple[str, str]]]:
        """For the roster file read as `text`: its digest, the index kept for it when it was
        made from this very text, and else the keys of the names a stale index knew."""
        digest = text_hash(text)
        kept = cls.read(roster)
        if kept is not None and kept.digest == digest:
            return digest, kept, {}
        return digest, None, kept.known_keys() if kept is not None else {}

    @classmethod
    def read(cls, roster: Path) -> RosterIndex | None:
        """The index kept for `roster`, whatever its digest; None when there is none or it
        cannot be read."""
        try:
            data = marshal.loads(cache_path(roster).read_bytes())
            if not isinstance(data, tuple) or len(data) != 2 or data[0] != _TAG:
                return None
            index = cls(*data[1])
            return index if index._valid() else None
        except Exception:  # a cache that cannot be read only costs time
            return None

    def write(self, roster: Path) -> None:
        """Keep this index for `roster` (atomically; a failure is ignored)."""
        path = cache_path(roster)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps((_TAG, (
                self.digest, self.top, self.offsets, self.names, self.kinds, self.sort_as,
                self.keys, self.looks))))
            os.replace(tmp, path)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                tmp.unlink()

    @staticmethod
    def forget(roster: Path) -> None:
        with contextlib.suppress(OSError):
            cache_path(roster).unlink()

    def inserted(self, text: str, digest: str, grown: int, at: int, name, kind, sort_as,
                 key: str, look: str) -> RosterIndex | None:
        """This index after one entry was inserted before index `at` and the file became
        `text`, `grown` characters longer.

        The other entries moved by the length of the inserted block and of a changed top-level
        line above them; every offset is checked against the new text (None if any is wrong:
        the file is indexed again next time).
        """
        from ..format.rosterlayout import TOP_LINE, write_scalar

        if not self.offsets or "signatories" not in self.top \
                or any(v[0] > self.offsets[0] for v in self.top.values()):
            return None  # empty, or a top-level key after the list
        top: dict = {}
        for m in TOP_LINE.finditer(text):
            top[m.group(1)] = (m.start(), m.end(), m.group(2))
            if m.group(1) == "signatories":
                break
        if set(top) - {"as_of"} != set(self.top) - {"as_of"} or "signatories" not in top:
            return None
        head = top["signatories"][0] - self.top["signatories"][0]
        offsets = [o + head for o in self.offsets[:at]]
        start = offsets[-1] if offsets else top["signatories"][1]
        needle = f"\n  - name: {write_scalar(name)}"
        found = text.find(needle, start)
        if found < 0 or text[found + len(needle): found + len(needle) + 1] not in ("\n", "\r"):
            return None
        offsets.append(found + 1)
        offsets += [o + grown for o in self.offsets[at:]]
        if any(text[o - 1: o + 4] != "\n  - " for o in offsets) \
                or any(a >= b for a, b in pairwise(offsets)):
            return None
        return RosterIndex(digest, top, offsets,
                           self.names[:at] + [name] + self.names[at:],
                           self.kinds[:at] + [kind] + self.kinds[at:],
                           self.sort_as[:at] + [sort_as] + self.sort_as[at:],
                           self.keys[:at] + [key] + self.keys[at:],
                           self.looks[:at] + [look] + self.looks[at:])


def keys_reusing(names: list[str], known: dict[str, tuple[str, str]]
                 ) -> tuple[list[str], list[str]] | tuple[None, None]:
    """The identity and look keys of `names`, taken from `known` (name → both keys, from an
    index made before the file changed) where it has them and made for the others; (None,
    None) when nothing is known (`NameIndex` makes them all)."""
    from .collation import identity_keys
    from .matching import look_keys

    if not known:
        return None, None
    pairs = [known.get(n) for n in names]
    missing = [i for i, p in enumerate(pairs) if p is None]
    new_keys = identity_keys([names[i] for i in missing])
    new_looks = look_keys([names[i] for i in missing], new_keys)
    for i, k, lk in zip(missing, new_keys, new_looks, strict=True):
        pairs[i] = (k, lk)
    return [p[0] for p in pairs], [p[1] for p in pairs]


def keep_inserted(kept: RosterIndex | None, roster: Path, old_text: str, text: str,
                  position: int, sig) -> None:
    """Keep the index of the roster just written as `text`: `kept` (the index of `old_text`)
    with `sig` inserted before entry `position`; forget it when that cannot be done exactly."""
    from .collation import identity_key
    from .matching import look_key

    new = None
    if kept is not None:
        key = identity_key(sig.name)
        new = kept.inserted(text, text_hash(text), len(text) - len(old_text), position,
                            sig.name, sig.kind, sig.sort_as or None, key,
                            key if sig.name.isascii() else look_key(sig.name))
    if new is None:
        RosterIndex.forget(roster)
    else:
        new.write(roster)
