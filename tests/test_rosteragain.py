"""Loading a roster again after an edit (format/rosteragain.py): only the changed entries are
read, and the result is the full load's, positions and problems included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from undersigned.checks.rosters import RosterCache
from undersigned.format.load import load_roster
from undersigned.format.model import Signatory
from undersigned.format.rosteragain import load_roster_again
from undersigned.roster.collation import sort_key

HEADER = "# yaml-language-server: $schema=../schema/roster.schema.json\nas_of: 2023-09-21\n" \
    "signatories:\n"


def entry(n: int, extra: str = "") -> str:
    kind = "organization" if n % 4 == 0 else "individual"
    return (f"  - name: Person Number{n} Ñandú\n    kind: {kind}\n"
            f"    title: Member {n % 7}\n    signed_on: 2023-09-{1 + n % 20:02d}\n"
            f"    status: confirmed\n{extra}")


def roster_text(count: int) -> str:
    return HEADER + "\n".join(entry(n, "  # a comment\n" if n % 5 == 2 else "")
                              for n in range(count))


EDITS = st.lists(st.tuples(
    st.sampled_from(["insert", "delete", "retitle", "break", "comment", "as_of", "rename",
                     "bad date", "unknown key"]),
    st.integers(0, 10_000)), min_size=1, max_size=4)


def apply_edit(text: str, what: str, at: int) -> str:
    starts = [i + 1 for i in range(len(text)) if text.startswith("\n  - name: ", i)]
    if not starts:
        return text + entry(at)
    i = starts[at % len(starts)]
    end = next((s for s in starts if s > i), len(text))
    if what == "insert":
        return text[:i] + entry(1000 + at) + "\n" + text[i:]
    if what == "delete" and len(starts) > 1:
        return text[:i] + text[end:]
    if what == "retitle":
        return text[:i] + text[i:end].replace("Member", "Chair", 1) + text[end:]
    if what == "break":  # kind missing: the entry makes a problem and no signatory
        return text[:i] + text[i:end].replace("    kind: individual\n", "", 1) + text[end:]
    if what == "comment":
        return text[:i] + "  # checked by phone\n" + text[i:]
    if what == "as_of":
        return text.replace("as_of: 2023-09-21", "as_of: 2023-09-22\nfoo: bar", 1)
    if what == "rename":
        return text[:i] + text[i:end].replace("Person", "Persön", 1) + text[end:]
    if what == "bad date":
        return text[:i] + text[i:end].replace("signed_on: 2023-09-", "signed_on: 2023-13-", 1) \
            + text[end:]
    if what == "unknown key":
        return text[:end].rstrip("\n") + "\n    colour: blue\n" + text[end:]
    return text


def assert_same_as_full_load(path: Path, got) -> None:
    roster, problems, _ = got
    want, want_problems = load_roster(path, "r.yaml")
    assert problems == want_problems
    assert (roster is None) == (want is None)
    if roster is not None:
        assert roster.signatories == want.signatories
        assert [s.pos for s in roster.signatories] == [s.pos for s in want.signatories]
        assert [s.field_pos for s in roster.signatories] == \
            [s.field_pos for s in want.signatories]
        assert (roster.as_of, roster.pos, roster.field_pos) == \
            (want.as_of, want.pos, want.field_pos)


@settings(max_examples=60, deadline=None)
@given(EDITS, st.booleans())
def test_loading_again_gives_the_full_load(tmp_path_factory, edits, crlf):
    path = tmp_path_factory.mktemp("again") / "r.yaml"
    text = roster_text(30)
    path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
    got = load_roster_again(path, "r.yaml", None)
    assert_same_as_full_load(path, got)
    for what, at in edits:
        text = apply_edit(text, what, at)
        path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
        got = load_roster_again(path, "r.yaml", got[2])
        assert_same_as_full_load(path, got)


def test_only_the_changed_entries_are_read(tmp_path):
    path = tmp_path / "r.yaml"
    text = roster_text(200)
    path.write_text(text)
    roster, _, memo = load_roster_again(path, "r.yaml", None)
    assert len(memo.blocks) == 200
    edited = apply_edit(apply_edit(text, "insert", 100), "retitle", 150)
    path.write_text(edited)
    again, problems, memo = load_roster_again(path, "r.yaml", memo)
    assert memo.reused == 198  # of 201: the first (always read), the new and the retitled
    assert_same_as_full_load(path, (again, problems, memo))
    before = {id(s) for s in roster.signatories}
    # the same objects above the insert (but the first, always read); copies below it
    assert sum(id(s) in before for s in again.signatories) == 99
    moved = again.signatories[101 + 1]
    assert moved.pos.line > roster.signatories[101].pos.line  # a copy, moved down


def test_a_file_outside_the_canonical_layout_is_read_in_full(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("as_of: 2023-09-21\nsignatories:\n- {name: A B, kind: individual}\n")
    roster, problems, memo = load_roster_again(path, "r.yaml", None)
    assert memo is None and [s.name for s in roster.signatories] == ["A B"]
    path.write_text("as_of: [\n")
    roster, problems, memo = load_roster_again(path, "r.yaml", None)
    assert roster is None and problems and memo is None


def cached(tmp_path, text: str) -> tuple[Path, RosterCache, dt.date]:
    """A roster of `text` loaded once through the preview's cache."""
    path = tmp_path / "signatories" / "r.yaml"
    path.parent.mkdir()
    path.write_text(text)
    cache, today = RosterCache(), dt.date(2023, 10, 1)
    assert not cache(path, tmp_path, today, False)[1]
    return path, cache, today


def test_the_preview_cache_checks_the_roster_loaded_again(tmp_path):
    text = roster_text(40)
    path, cache, today = cached(tmp_path, text)
    path.write_text(apply_edit(text, "bad date", 7).replace(
        "signed_on: 2023-09-09", "signed_on: 2023-11-09"))
    roster, problems = cache(path, tmp_path, today, False)
    assert {p.rule for p in problems} >= {"signed-future"}
    assert all(p.file == "signatories/r.yaml" for p in problems)
    assert cache._memo is not None and cache._memo.reused == 36  # 4 of 40 entries changed


def test_a_roster_read_half_written_does_not_cost_the_next_load_its_memo(tmp_path):
    """A roster cut in the middle of an entry (read while a program was still writing it, or
    broken for a moment) is reported; the save after it is read as a few changed entries,
    not as a new roster (#17: 1.5 s instead of 0.7 s at 50,000 entries)."""
    text = roster_text(40)
    path, cache, today = cached(tmp_path, text)
    path.write_text(text[: len(text) // 2 + 7])  # cut inside an entry
    roster, problems = cache(path, tmp_path, today, False)
    assert problems
    path.write_text(apply_edit(text, "retitle", 11))
    roster, problems = cache(path, tmp_path, today, False)
    assert not problems and len(roster.signatories) == 40
    assert cache._memo.reused == 38  # all but the retitled entry and the first (always read)
    full, _ = load_roster(path, "signatories/r.yaml")
    assert roster.signatories == full.signatories


def test_a_kept_sort_key_follows_the_fields():
    s = Signatory(name="Anna Zed", kind="individual", signed_on=None)
    assert sort_key(s) == ("zed anna", "Anna Zed")
    s.name = "Anna Abe"
    assert sort_key(s) == ("abe anna", "Anna Abe")
    s.sort_as = "Zulu"
    assert sort_key(s) == ("zulu", "Anna Abe")
    s.kind = "organization"
    s.sort_as = None
    assert sort_key(s) == ("anna abe", "Anna Abe")
