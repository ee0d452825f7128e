"""The roster index kept between runs (roster/indexcache.py): what `sign add` reads instead of
indexing the whole roster, trusted only for the very bytes it was made from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from undersigned.errors import RosterError
from undersigned.roster import operations as R
from undersigned.roster.indexcache import RosterIndex, cache_path, text_hash
from undersigned.roster.matching import NameIndex
from undersigned.roster.rosterfile import RosterText

from .conftest import TODAY
from .test_roster import (  # noqa: F401  (letter: a fixture)
    LIKELY_DUPLICATES,
    letter,
    names,
    person,
    roster_file,
)


def fresh_index(roster: Path) -> RosterIndex:
    """The index made from the file as it is now, by the full reader."""
    text = roster.read_bytes().decode("utf-8")  # as written: line breaks untranslated
    doc = RosterText(text, roster.name)
    keys = NameIndex([str(e.name) for e in doc.entries], lambda i: 0)
    made = RosterIndex.of(doc, text_hash(text), keys.keys, keys.look_list)
    assert made is not None
    return made


def assert_kept_is_fresh(roster: Path) -> None:
    kept = RosterIndex.read(roster)
    assert kept is not None
    fresh = fresh_index(roster)
    for part in ("digest", "top", "offsets", "names", "kinds", "sort_as", "keys", "looks"):
        assert getattr(kept, part) == getattr(fresh, part), part


ADDS = [
    person("Aaron Abbott", signed_on=dt.date(2023, 9, 25)),  # first, and as_of moves
    person("Zoë Zürcher"),  # last of the individuals
    person("Ивáн Петров", sort_as="Petrov Ivan"),
    person("Zulu Union", "organization"),  # after every entry
    person("Amnesty International", "organization", signed_on=dt.date(2023, 9, 1)),
    person("Nguyễn Thị Hồng", title="Lawyer", country="VN"),
]


def test_the_kept_index_is_the_index_of_the_file_as_written(letter):  # noqa: F811
    roster = roster_file(letter)
    for sig in ADDS:
        R.add_signatory(letter, sig, today=TODAY)
        assert_kept_is_fresh(roster)
        opened = R.OpenRoster(R.Paths.of(letter), cached=True)
        assert opened.kept is not None  # the next add reads it instead of the text
        assert [e.item for e in opened.doc.entries] == \
            [e.item for e in RosterText(roster.read_bytes().decode()).entries]
    assert sorted(names(letter)) == sorted(["David Alton", "Roberta Cohen",
                                            "ACAT UK (Action by Christians for the Abolition "
                                            "of Torture)", "Human Rights Watch (HRW)",
                                            *(s.name for s in ADDS)])


def test_a_roster_with_windows_line_breaks(letter):  # noqa: F811
    roster = roster_file(letter)
    roster.write_bytes(roster.read_bytes().replace(b"\n", b"\r\n"))
    for sig in ADDS[:3]:
        R.add_signatory(letter, sig, today=TODAY)
        assert_kept_is_fresh(roster)
    assert b"\r\n" in roster.read_bytes() and b"\n" not in roster.read_bytes().replace(
        b"\r\n", b"")


@pytest.mark.parametrize(("name", "kind", "expected"), [
    *LIKELY_DUPLICATES,
    ("Rоberta Cohen", "individual", "looks the same, but for invisible or look-alike letters, "
     "as 'Roberta Cohen' (line 11)"),  # a Cyrillic о
])
def test_the_door_refuses_the_same_with_a_kept_index(letter, name, kind, expected):  # noqa: F811
    R.add_signatory(letter, person("Zulu Union", "organization"), today=TODAY)  # after all
    assert RosterIndex.read(roster_file(letter)) is not None
    before = roster_file(letter).read_bytes()
    with pytest.raises(RosterError) as info:
        R.add_signatory(letter, person(name, kind), today=TODAY)
    assert expected in str(info.value)
    assert roster_file(letter).read_bytes() == before


def test_an_index_of_an_older_text_is_not_trusted(letter):  # noqa: F811
    roster = roster_file(letter)
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)
    kept = RosterIndex.read(roster)
    # Edited by hand (or by git) after: a name changed and an entry added above the others.
    text = roster.read_text().replace("Zed Zulu", "Xavier Quinn").replace(
        "signatories:\n", "signatories:\n  - name: Aaron Abbott\n    kind: individual\n"
        "    signed_on: 2023-09-21\n    status: confirmed\n\n", 1)
    roster.write_text(text)
    assert RosterIndex.read(roster).digest == kept.digest != text_hash(text)
    with pytest.raises(RosterError, match="same signatory as 'Xavier Quinn' \\(line "):
        R.add_signatory(letter, person("xavier QUINN"), today=TODAY)
    with pytest.raises(RosterError, match="same signatory as 'Aaron Abbott' \\(line 4\\)"):
        R.add_signatory(letter, person("Aaron Abbott"), today=TODAY)
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)  # no longer in the roster
    assert "Zed Zulu" in names(letter)
    assert_kept_is_fresh(roster)


@pytest.mark.parametrize("junk", [b"", b"not an index", b"\xe9\x00\xff" * 50])
def test_an_unreadable_index_is_ignored_and_made_again(letter, junk):  # noqa: F811
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)
    path = cache_path(roster_file(letter))
    path.write_bytes(junk)
    with pytest.raises(RosterError, match="same signatory as 'Zed Zulu'"):
        R.add_signatory(letter, person("zed zulu"), today=TODAY)
    assert_kept_is_fresh(roster_file(letter))  # made again by the refused add, for the next
    R.add_signatory(letter, person("Amy Early"), today=TODAY)
    assert_kept_is_fresh(roster_file(letter))


def test_a_truncated_index_is_ignored(letter):  # noqa: F811
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)
    path = cache_path(roster_file(letter))
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert RosterIndex.read(roster_file(letter)) is None
    R.add_signatory(letter, person("Amy Early"), today=TODAY)
    assert_kept_is_fresh(roster_file(letter))


def test_the_index_lives_in_the_workspace_cache_that_git_ignores(letter):  # noqa: F811
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)
    root = letter.parent.parent
    assert cache_path(roster_file(letter)) == root / ".undersigned" / "rosters" / "demo.index"
    assert cache_path(roster_file(letter)).exists()
    gitignore = Path(R.__file__).parent.parent / "scaffold" / ".gitignore"
    assert ".undersigned/" in gitignore.read_text().splitlines()


def test_a_hand_formatted_roster_gets_no_index(letter):  # noqa: F811
    roster = roster_file(letter)
    roster.write_text("as_of: 2023-09-21\nsignatories:\n- {name: David Alton, kind: individual,"
                      " signed_on: 2023-09-21, status: confirmed}\n")
    R.add_signatory(letter, person("Zed Zulu"), today=TODAY)
    assert not cache_path(roster).exists()
    with pytest.raises(RosterError, match="same signatory as 'Zed Zulu'"):
        R.add_signatory(letter, person("zed zulu"), today=TODAY)


def test_the_kept_index_follows_an_as_listed_kind(letter):  # noqa: F811
    letter.write_text(letter.read_text() + "signatures:\n  sections:\n    - kind: individual\n"
                      "      order: as-listed\n    - kind: organization\n")
    roster = roster_file(letter)
    for sig in ADDS:
        R.add_signatory(letter, sig, today=TODAY)
        assert_kept_is_fresh(roster)
    individuals = [n for n in names(letter) if n in {s.name for s in ADDS if
                                                     s.kind == "individual"}]
    assert individuals == [s.name for s in ADDS if s.kind == "individual"]  # as added
