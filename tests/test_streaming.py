"""`fmt --check` and `sign list` read a canonical roster one entry at a time, with the same
results as the whole-file paths they fall back to (also as properties, on generated rosters in
and out of the canonical layout)."""

from __future__ import annotations

import contextlib
import json
import weakref
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from undersigned.cli import cli
from undersigned.errors import UndersignedError
from undersigned.format import load, rosterlayout
from undersigned.format.rosterlayout import iter_canonical_roster, scan_canonical_roster
from undersigned.format.yamlio import RawMap
from undersigned.problems import Pos
from undersigned.review import fmt
from undersigned.roster import canonical, listing, rosterfile

from .test_roster import LETTER

NAMES = st.one_of(
    st.sampled_from([
        "Zofia Wróblewska", "Tomás Ojea-Quintana", "Наталья Смирнова", "김민준", "王伟",
        "محمد الشريف", "佐藤 翔太", "Nguyễn Thị Minh", "Seán O'Brien", "ACAT UK (HRW)",
        "Human Rights Watch", "Prof: Ada", "NO", "1984", "#1 Fan", "- dash", "say \"hi\"",
        "Émile Zola", "émile zola", "Ø Bjørnstad", "Line\u2028Break", "Tab\tName", "null",
    ]),
    st.text(st.sampled_from("abcdeéxyzЖ中 -.'"), min_size=1, max_size=10),
)
KINDS = st.sampled_from(["individual", "organization", "individual", "group"])
OPTIONAL = {
    "title": st.sampled_from(["Professor", "Director, Foundation: Europe", "Avukat",
                              "'Quoted'", "1.5", "true"]),
    "sort_as": st.sampled_from(["Alton David", "Zulu", "ágata"]),
    "country": st.sampled_from(["KR", "NO", "ES"]),
    "status": st.sampled_from(["confirmed", "pending", "withdrawn"]),
    "via": st.sampled_from(["form:signon.csv:12", "email:<a@example.org>", "phone"]),
    "lang": st.sampled_from(["fr", "ko", "en"]),
    "endorsed": st.sampled_from(["sha256:0000", "sha256:1111"]),
    "named": st.just(False),
}


@st.composite
def entries(draw):
    entry = {"name": draw(NAMES), "kind": draw(KINDS)}
    if draw(st.booleans()):
        entry["signed_on"] = draw(st.sampled_from(["2023-09-21", "2023-10-01"]))
    for key, values in OPTIONAL.items():
        if draw(st.integers(0, 3)) == 0:
            entry[key] = draw(values)
    return entry


def field_line(draw, prefix: str, key: str, value, clean: bool) -> str:
    """One `key: value` line as the writer writes it, or (unless `clean`) sometimes not."""
    written = rosterlayout.write_scalar(value)
    how = 99 if clean else draw(st.integers(0, 24))
    if how == 0:
        written = "'" + str(value).replace("'", "''") + "'" if "\n" not in str(value) else written
    elif how == 1:
        written += "   "  # blanks at the end of the line
    elif how == 2 or (how == 3 and clean):
        written += "  # a note"
    elif how == 3 and key != "name":
        written = ""  # `key:` and nothing
    elif how == 4:
        written = f"[{written}]"  # a flow list: not a single value
    elif how == 5 and key not in ("name", "kind"):
        written = f'"{value}"'  # quotes the writer would not need
    elif how == 6:
        written = draw(st.sampled_from(["yes", "~", "1_000", "0x1F", ".nan", "'a''b'", "a: b"]))
    return f"{prefix}{key}:{' ' if written else ''}{written}"


@st.composite
def roster_texts(draw):
    """A roster text with comments: half of them as the writer lays rosters out (in any
    order), the others also with a few things out of the layout (spacing, quoting, a
    hand-formatted entry, a key given twice, Windows line ends...)."""
    clean = draw(st.booleans())
    people = draw(st.lists(entries(), max_size=6))
    lines = ["# yaml-language-server: $schema=../schema/roster.schema.json"]
    if draw(st.booleans()):
        lines.append("# A coordinator's note.")
    lines.append("as_of: 2023-09-21" + draw(st.sampled_from(["", "  # printed above"])))
    lines.append("signatories:" if clean or draw(st.integers(0, 9)) else "signatories:  # all")
    if draw(st.booleans()):
        lines.append("  # the list")
    for n, entry in enumerate(people):
        if n:
            lines += [""] * (1 if clean else draw(st.sampled_from([1, 1, 1, 1, 0, 2])))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["  # confirmed by phone", "# late", "    # x"])))
        hand = not clean and draw(st.integers(0, 9)) == 0
        for k, (key, value) in enumerate(entry.items()):
            prefix = ("- " if hand else "  - ") if k == 0 else ("  " if hand else "    ")
            lines.append(field_line(draw, prefix, key, value, clean))
            if k == 0 and len(entry) > 2 and draw(st.integers(0, 5)) == 0:
                lines.append("    # inside the entry")
        if not clean and draw(st.integers(0, 14)) == 0:
            lines.append(f"    {next(iter(entry))}: again")  # a key given twice
    tail = draw(st.sampled_from(["", "", "", "\n  # the end", "\n\n# signed off"]
                                + ([] if clean else ["\nnote: x", "   ", "\n\n  # a\n\n"])))
    ending = "\n" if clean else draw(st.sampled_from(["\n"] * 8 + ["", "\n\n"]))
    text = "\n".join(lines) + tail + ending
    if not clean and draw(st.integers(0, 15)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def full_path(text: str, as_listed: frozenset[str]):
    """What `write_canonical_roster` writes without recognising a canonical roster first
    (its output, or its error)."""
    with mock.patch.object(canonical, "already_canonical", lambda *a: False):
        return outcome(canonical.write_canonical_roster, text, "r.yaml", as_listed)


def outcome(function, *args):
    try:
        return function(*args)
    except UndersignedError as e:
        return ("error", type(e).__name__, str(e))


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
AS_LISTED = st.sampled_from([frozenset(), frozenset({"organization"})])


# --- fmt --------------------------------------------------------------------------------------

@SETTINGS
@given(roster_texts(), AS_LISTED)
def test_a_roster_is_taken_as_canonical_only_when_the_writer_would_leave_it(text, as_listed):
    for candidate in (text, full_path(text, as_listed)):
        if isinstance(candidate, str) and canonical.already_canonical(candidate, as_listed):
            assert full_path(candidate, as_listed) == candidate


@SETTINGS
@given(roster_texts(), AS_LISTED)
def test_fmt_gives_the_same_text_or_error_with_and_without_the_one_pass_check(text, as_listed):
    with_check = outcome(fmt.format_roster_text, text, "r.yaml", as_listed)
    with mock.patch.object(canonical, "already_canonical", lambda *a: False):
        without = outcome(fmt.format_roster_text, text, "r.yaml", as_listed)
    assert with_check == without


@SETTINGS
@given(st.lists(entries(), min_size=1, max_size=8), AS_LISTED)
def test_what_the_writer_writes_is_recognised_in_one_pass(people, as_listed):
    """Not only sound but useful: the writer's own output (the roster `sign` commands and
    `fmt` leave) is recognised, so `fmt --check` never indexes it."""
    text = "as_of: 2023-09-21\nsignatories:\n" + "\n".join(
        rosterfile.format_entry(e) for e in people)
    out = full_path(text, as_listed)
    assert isinstance(out, str)
    assert canonical.already_canonical(out, as_listed)


def test_a_canonical_roster_is_recognised_with_its_comments():
    from .test_rosterfile import ROSTER

    assert canonical.already_canonical(ROSTER)
    swapped = ROSTER.replace("David Alton", "Zed Alton").replace("Alton David", "Zulu")
    assert not canonical.already_canonical(swapped)  # out of order now
    assert canonical.write_canonical_roster(swapped) != swapped


ROSTER_FILE = "signatories/demo.yaml"


@pytest.fixture
def ws(tmp_path, monkeypatch):
    (tmp_path / "letters").mkdir()
    (tmp_path / "signatories").mkdir()
    (tmp_path / "letters" / "demo.yaml").write_text(LETTER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def canonical_roster(count: int) -> str:
    people = [{"name": f"Person {chr(0x4e00 + n)} Wróbel{n:04d}", "kind": "individual",
               "signed_on": "2023-09-21", "status": "confirmed"} for n in range(count)]
    return "as_of: 2023-09-21\nsignatories:\n  # a comment\n" + "\n".join(
        rosterfile.format_entry(p) for p in people)


def test_fmt_check_of_a_canonical_roster_builds_no_whole_model(ws, monkeypatch):
    """Nothing that holds every entry at once is made: not the index of the entries, nor the
    scanner's raw roster, nor a parse tree; a roster out of order does take that path (so
    this test would see it)."""
    built = []

    def spy(name, real):
        def called(*args, **kwargs):
            built.append(name)
            return real(*args, **kwargs)
        return called

    monkeypatch.setattr(canonical, "RosterText", spy("RosterText", rosterfile.RosterText))
    monkeypatch.setattr(fmt, "parse_document", spy("parse_document", fmt.parse_document))
    monkeypatch.setattr(load, "scan_canonical_roster",
                        spy("scan", load.scan_canonical_roster))
    monkeypatch.setattr(rosterlayout, "scan_canonical_roster",
                        spy("scan", rosterlayout.scan_canonical_roster))
    text = canonical_roster(300)
    (ws / ROSTER_FILE).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--check", ROSTER_FILE])
    assert (result.exit_code, result.output) == (0, "0 file(s) would be reformatted, "
                                                    "1 unchanged\n")
    assert built == []
    # the same roster with two entries swapped is indexed whole, and the diff is shown
    blocks = text.split("\n\n")
    blocks[3], blocks[4] = blocks[4], blocks[3]
    (ws / ROSTER_FILE).write_text("\n\n".join(blocks), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--check", ROSTER_FILE])
    assert result.exit_code == 1 and "would reformat signatories/demo.yaml" in result.output
    assert built == ["RosterText"]


PRIVATE = st.sampled_from([
    None,
    "# Private contacts.\nsignatories:\n  - name: Zofia Wróblewska\n"
    "    email: zofia@example.org\n",
    "signatories:\n  - name: Zofia Wróblewska\n    email: zofia@example.org\n\n"
    "  - name: Ada Lovelace\n    email: ada@example.org\n    consent: form 2023-09-21\n",
    "signatories:\n- name: Ada\n  email: ada@example.org\n",
])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(text=roster_texts(), private=PRIVATE)
def test_fmt_prints_writes_and_exits_the_same_with_and_without_the_one_pass_check(
        ws, text, private):
    contacts = ws / "signatories" / "demo.private.yaml"

    def run(*args):
        (ws / ROSTER_FILE).write_bytes(text.encode("utf-8"))
        if private is None:
            contacts.unlink(missing_ok=True)
        else:
            contacts.write_text(private, encoding="utf-8")
        result = CliRunner().invoke(cli, ["fmt", *args, "signatories"])
        files = {p.name: p.read_bytes() for p in (ws / "signatories").iterdir()}
        return result.exit_code, result.output, files

    for args in (("--check",), ()):
        streamed = run(*args)
        with mock.patch.object(canonical, "already_canonical", lambda *a: False):
            assert run(*args) == streamed


# --- the scanner, one entry at a time ------------------------------------------------------------

def plain(node):
    """A raw node as data with its positions, for comparing two readings."""
    if isinstance(node, dict):
        return {k: (plain(v), getattr(node, "key_pos", {}).get(k),
                    node.value_pos.get(k) if hasattr(node, "value_pos") else None)
                for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


@SETTINGS
@given(roster_texts())
def test_the_scanner_yields_one_at_a_time_what_it_keeps(text):
    kept = scan_canonical_roster(text, "r.yaml")
    root = RawMap(Pos("r.yaml", 1, 1))
    try:
        streamed = list(iter_canonical_roster(text, "r.yaml", root))
    except rosterlayout.NotCanonical:
        assert kept is None
        return
    if kept is None:  # only `signatories:` with no entry, which the parser reads as null
        assert streamed == [] and root.get("signatories") == []
        return
    assert [plain(e) for e in streamed] == plain(kept.get("signatories") or [])
    assert [e.pos for e in streamed] == getattr(kept.get("signatories"), "item_pos", [])
    rest = {k: v for k, v in plain(kept).items() if k != "signatories"}
    assert {k: v for k, v in plain(root).items() if k != "signatories"} == rest
    assert root.pos == kept.pos


# --- sign list -----------------------------------------------------------------------------------

def listed(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["sign", "list", "demo", *args])
    return result.exit_code, result.output


@contextlib.contextmanager
def whole_file_path():
    """`sign list` as it was: the roster loaded whole."""
    with mock.patch.object(listing, "_canonical_with_entries", lambda *a: False):
        yield


LIST_ARGS = st.sampled_from([
    ("--format", "json"), ("--format", "csv"), (), ("--stale",), ("--stale", "--format", "json"),
    ("--kind", "organisation", "--format", "json"), ("--status", "pending"),
    ("--kind", "individual", "--status", "confirmed", "--format", "csv"),
])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(text=roster_texts(), args=LIST_ARGS, private=st.booleans())
def test_sign_list_streams_the_same_output_as_the_whole_file_path(ws, text, args, private):
    (ws / ROSTER_FILE).write_bytes(text.encode("utf-8"))
    contacts = ws / "signatories" / "demo.private.yaml"
    if private:  # never listed, streamed or not
        contacts.write_text("signatories:\n  - name: Zofia Wróblewska\n"
                            "    email: zofia@example.org\n", encoding="utf-8")
    elif contacts.exists():
        contacts.unlink()
    streamed = listed(*args)
    with whole_file_path():
        assert listed(*args) == streamed
    assert "@example.org\n" not in streamed[1] and "zofia@" not in streamed[1]


def test_sign_list_reads_a_canonical_roster_without_loading_it_whole(ws, monkeypatch):
    (ws / ROSTER_FILE).write_text(canonical_roster(50), encoding="utf-8")
    monkeypatch.setattr(listing, "load_roster", mock.Mock(side_effect=AssertionError))
    code, out = listed("--format", "json")
    assert code == 0 and len(json.loads(out)) == 50


@pytest.mark.parametrize("layout", ["canonical", "hand-formatted"])
def test_sign_list_holds_one_entry_at_a_time(ws, layout):
    """Each signatory is let go once the next is read; a roster outside the canonical layout
    is loaded whole, as before (which shows the test can tell the two apart)."""
    text = canonical_roster(20)
    if layout == "hand-formatted":
        text = text.replace("\n  - name:", "\n-   name:")
    (ws / ROSTER_FILE).write_text(text, encoding="utf-8")
    alive, held = [], []
    for s, _ in listing.stream_signatories(ws / "letters" / "demo.yaml"):
        held.append(sum(r() is not None for r in alive))  # of those handed on before
        alive.append(weakref.ref(s))
        del s
    assert len(held) == 20
    assert max(held) == (0 if layout == "canonical" else 19)
