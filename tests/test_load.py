"""load: YAML → the typed model, with every problem located and none fatal to the report."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from undersigned.format.load import load_letter, load_roster
from undersigned.format.model import Citation, TextPart

from .conftest import EXAMPLE_SLUG, REPO

LETTER = """\
kind: statement
title: A statement
body:
  - One paragraph.
"""


def write(tmp_path, text: str, name: str = "letter.yaml", encoding: str | None = "utf-8"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding=encoding)
    return path


def formatted(problems) -> list[str]:
    return [p.format() for p in problems]


def letter_problems(tmp_path, text) -> list[str]:
    return formatted(load_letter(write(tmp_path, text), "l.yaml")[1])


# --- the example ---------------------------------------------------------------------------------

def test_the_example_letter_loads_without_problems():
    letter, problems = load_letter(REPO / "letters" / f"{EXAMPLE_SLUG}.yaml")
    assert problems == []
    assert letter.kind == "letter" and letter.date == dt.date(2023, 9, 21)
    assert letter.addressees[0].name == "Xi Jinping"
    assert len(letter.footnotes) == 13
    coi = letter.sources["coi-2014"]
    assert coi.type == "un-document" and coi.number == "A/HRC/25/CRP.1"
    pinpoints = [p.pinpoint for n in letter.footnotes.values() for p in n.citations
                 if p.cite == "coi-2014"]
    assert pinpoints[:2] == ["para. 1098-1114", "paras. 380-434"]


def test_the_example_roster_loads_without_problems():
    roster, problems = load_roster(REPO / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    assert problems == []
    assert roster.as_of == dt.date(2023, 9, 21)
    assert roster.count("individual") == 7 and roster.count("organization") == 48
    lee = next(s for s in roster.signatories if s.name == "Lee Yanghee")
    assert lee.sort_as == "Lee Yanghee" and lee.signed_on == dt.date(2023, 9, 21)


# --- every loader problem ------------------------------------------------------------------------

def test_yaml_syntax_error_names_the_line(tmp_path):
    assert letter_problems(tmp_path, LETTER + "  - [unclosed\n") == [
        "l.yaml:6:1: error: yaml-syntax: did not find expected ',' or ']' while "
        "parsing a flow sequence (it started on line 5); check quoting and indentation"]


def test_tab_indentation(tmp_path):
    assert letter_problems(tmp_path, LETTER + "\t- Tabbed.\n") == [
        "l.yaml:5:1: error: yaml-syntax: a tab is used for indentation; YAML needs spaces"]


def test_duplicate_key(tmp_path):
    assert letter_problems(tmp_path, LETTER + "title: Again\n") == [
        "l.yaml:5:1: error: duplicate-key: key 'title' appears twice in this mapping (first on "
        "line 2); keep one"]


def test_alias(tmp_path):
    text = LETTER.replace("A statement", "&t A statement") + "subject: *t\n"
    assert letter_problems(tmp_path, text) == [
        "l.yaml:5:10: error: yaml-alias: alias *t is not allowed; write the value out in full"]


def test_tag(tmp_path):
    text = LETTER.replace("A statement", "!!python/object/apply:os.system ['true']")
    assert letter_problems(tmp_path, text) == [
        "l.yaml:2:8: error: yaml-tag: tag !!python/object/apply:os.system is not allowed; "
        "remove it"]


def test_wrong_type(tmp_path):
    assert letter_problems(tmp_path, LETTER + "closing: 42\n") == [
        "l.yaml:5:10: error: wrong-type: 'closing' of the letter must be text, not the number 42; "
        "put it in quotes"]
    assert letter_problems(tmp_path, "kind: statement\ntitle: T\nbody: Just text.\n") == [
        "l.yaml:3:7: error: wrong-type: 'body' must be a list ('- ' items), not 'Just text.'"]
    assert letter_problems(tmp_path, "- a list\n") == [
        "l.yaml:1:1: error: wrong-type: a letter file must be a mapping of 'key: value' lines, "
        "not a list"]


def test_missing_field(tmp_path):
    assert letter_problems(tmp_path, "kind: statement\nbody:\n  - Text.\n") == [
        "l.yaml:1:1: error: missing-field: the letter needs 'title:' (Document title (metadata, "
        "HTML title))"]
    assert letter_problems(tmp_path, "kind: statement\ntitle: T\n") == [
        "l.yaml:1:1: error: missing-field: the letter needs 'body:' (its paragraphs, as a list)"]


def test_unknown_key_is_a_warning_with_did_you_mean(tmp_path):
    assert letter_problems(tmp_path, LETTER + "salutaion: Dear friends,\n") == [
        "l.yaml:5:1: warning: unknown-key: unknown key 'salutaion' in the letter is ignored; did "
        "you mean 'salutation'?"]
    assert letter_problems(tmp_path, LETTER + "zzz: 1\n")[0].endswith(
        "unknown key 'zzz' in the letter is ignored; known keys: kind, title, lang, date, place, "
        "subject, salutation, closing, heading, delivery, cc_position, addressees, cc, body, "
        "signatures, annex, style, footnotes, sources")


def test_unknown_key_keeps_the_letter(tmp_path):
    letter, problems = load_letter(write(tmp_path, LETTER + "salutaion: Dear friends,\n"))
    assert letter is not None and letter.title == "A statement"


def test_bad_date(tmp_path):
    assert letter_problems(tmp_path, LETTER + "date: 2023-02-30\n") == [
        "l.yaml:5:7: error: bad-date: 'date' of the letter is '2023-02-30', not a real date; "
        "write YYYY-MM-DD"]
    assert letter_problems(tmp_path, LETTER + "date: 21 September 2023\n")[0].startswith(
        "l.yaml:5:7: error: bad-date:")


def test_bad_value(tmp_path):
    assert letter_problems(tmp_path, LETTER.replace("statement", "memo")) == [
        "l.yaml:1:7: error: bad-value: 'kind' of the letter is 'memo'; use one of: letter, "
        "statement, submission"]


def test_non_utf8_byte(tmp_path):
    data = LETTER.encode() + b"closing: Merci beaucoup, caf\xe9\n"
    assert formatted(load_letter(write(tmp_path, data), "l.yaml")[1]) == [
        "l.yaml:5:29: error: yaml-encoding: byte 0xe9 is not UTF-8; save the file as UTF-8"]


def test_bom_is_accepted_and_positions_unchanged(tmp_path):
    data = b"\xef\xbb\xbf" + (LETTER + "closing: 42\n").encode()
    assert formatted(load_letter(write(tmp_path, data), "l.yaml")[1]) == [
        "l.yaml:5:10: error: wrong-type: 'closing' of the letter must be text, not the number "
        "42; put it in quotes"]


def test_missing_file(tmp_path):
    letter, problems = load_letter(tmp_path / "nope.yaml", "letters/nope.yaml")
    assert letter is None
    assert formatted(problems) == [
        "letters/nope.yaml:1:1: error: file-missing: no such file; check the path or slug"]


def test_all_problems_are_reported_not_the_first(tmp_path):
    text = LETTER + "date: 2023-13-01\nclosing: 7\nsalutaion: x\n"
    rules = [p.split(": ")[2] for p in letter_problems(tmp_path, text)]
    assert sorted(rules) == ["bad-date", "unknown-key", "wrong-type"]


# --- body, footnotes and sources -----------------------------------------------------------------

def test_body_blocks(tmp_path):
    letter, problems = load_letter(write(tmp_path, """\
        kind: statement
        title: T
        body:
          - A paragraph.
          - heading: A heading
          - quote: A quotation.
            id: q1
          - list:
              - one
              - two
            ordered: true
          - paragraph: Explicit.
        """))
    assert problems == []
    assert [b.kind for b in letter.body] == ["paragraph", "heading", "quote", "list", "paragraph"]
    assert letter.body[2].id == "q1"
    assert letter.body[3].items == ["one", "two"] and letter.body[3].ordered
    assert [p.line for p in letter.body[3].item_pos] == [9, 10]


@pytest.mark.parametrize(("item", "expected"), [
    ("  -\n", "l.yaml:5:4: error: empty-paragraph: this body item is empty; delete the line or "
              "write text"),
    ("  - quote:\n", "l.yaml:5:5: error: empty-paragraph: this quote is empty; write text or "
                     "delete it"),
    ("  - heading: H\n    quote: Q\n", "l.yaml:5:5: error: bad-block: a body item needs exactly "
                                       "one of: paragraph, heading, quote, list"),
    ("  - list: [a]\n    ordered: yes\n", "l.yaml:6:14: error: wrong-type: 'ordered' must be true "
                                          "or false"),
    ("  - quote: Q\n    lang: fr\n", "l.yaml:6:5: warning: unknown-key: unknown key 'lang' in a "
                                     "body item is ignored; known keys: quote, id"),
])
def test_body_item_problems(tmp_path, item, expected):
    assert letter_problems(tmp_path, LETTER + item) == [expected]


def test_footnotes_and_sources(tmp_path):
    letter, problems = load_letter(write(tmp_path, """\
        kind: statement
        title: T
        body:
          - Text.[^a][^b]
        footnotes:
          a: Plain commentary.
          b:
            - cite: un
              pinpoint: para. 9
            - text: See also the follow-up.
        sources:
          un:
            type: un-document
            title: A report
            number: A/77/522
            author:
              - Special Rapporteur
              - name: A. Person
                affiliation: University
            issued: 2022-10-13
        """))
    assert problems == []
    (plain,) = letter.footnotes["a"].parts
    assert isinstance(plain, TextPart) and plain.text == "Plain commentary." and plain.pos.line == 6
    cite, text = letter.footnotes["b"].parts
    assert isinstance(cite, Citation) and cite.pinpoint == "para. 9" and cite.pos.line == 8
    assert isinstance(text, TextPart) and text.text == "See also the follow-up."
    un = letter.sources["un"]
    assert [a.name for a in un.author] == ["Special Rapporteur", "A. Person"]
    assert un.author[1].affiliation == "University"
    assert un.issued == dt.date(2022, 10, 13) and un.field_pos["number"].line == 15


def test_an_empty_footnote_is_left_to_the_validator(tmp_path):
    letter, problems = load_letter(write(tmp_path, LETTER + "footnotes:\n  a:\n"))
    assert problems == [] and letter.footnotes["a"].parts == []


# --- rosters -------------------------------------------------------------------------------------

ROSTER = """\
# a comment
as_of: 2023-09-21
signatories:
  - name: Sonja Biserko
    kind: individual
    signed_on: 2023-09-21
    status: confirmed

  - name: 'ACAT UK'
    kind: organization
    signed_on: 2023-09-20
    named: false
"""


def test_roster_fast_and_slow_paths_give_the_same_model(tmp_path):
    fast, p1 = load_roster(write(tmp_path, ROSTER, "r.yaml"), "r.yaml")
    # A flow-style entry is outside the canonical layout: the full parser reads the file.
    slow_text = ROSTER.replace("  - name: 'ACAT UK'\n    kind: organization\n",
                               "  - {name: 'ACAT UK', kind: organization,\n")
    slow_text = slow_text.replace("    signed_on: 2023-09-20\n    named: false\n",
                                  "     signed_on: 2023-09-20, named: false}\n")
    slow, p2 = load_roster(write(tmp_path, slow_text, "s.yaml"), "r.yaml")
    assert p1 == p2 == []
    assert fast.signatories == slow.signatories and fast.as_of == slow.as_of
    assert [s.pos.line for s in fast.signatories] == [4, 9]
    assert fast.signatories[1].named is False and fast.count() == 1


@pytest.mark.parametrize(("text", "expected"), [
    (ROSTER.replace("status: confirmed", "status: maybe"),
     "r.yaml:7:13: error: bad-value: 'status' of a signatory is 'maybe'; use one of: confirmed, "
     "pending, withdrawn"),
    (ROSTER.replace("    signed_on: 2023-09-21\n", ""),
     "r.yaml:4:5: error: missing-field: a signatory needs 'signed_on:' (Date the signature "
     "arrived)"),
    (ROSTER.replace("named: false", "named: no"),
     "r.yaml:12:12: error: wrong-type: 'named' of a signatory must be true or false, not 'no'"),
    (ROSTER.replace("as_of: 2023-09-21", "as_of: 2023-09-31"),
     "r.yaml:2:8: error: bad-date: 'as_of' of the roster is '2023-09-31', not a real date; write "
     "YYYY-MM-DD"),
    (ROSTER.replace("    kind: individual\n", "    knid: individual\n    kind: individual\n"),
     "r.yaml:5:5: warning: unknown-key: unknown key 'knid' in a signatory is ignored; did you "
     "mean 'kind'?"),
    ("as_of: 2023-09-21\n",
     "r.yaml:1:1: error: missing-field: the roster needs 'signatories:' (a list)"),
], ids=["status", "signed_on", "named", "as_of", "unknown", "no-list"])
def test_roster_problems(tmp_path, text, expected):
    assert formatted(load_roster(write(tmp_path, text, "r.yaml"), "r.yaml")[1]) == [expected]


def test_paused_gc_restores_the_collector_as_it_was():
    import gc

    from undersigned.gcpause import paused_gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left off by whoever turned it off
    finally:
        gc.enable()


def _in_turn(manager, probe) -> list:
    """Two threads enter `manager()` blocks and leave them in turn (a in, b in, a out, b
    out); what `probe()` returns after each step. Deterministic: each waits for its turn."""
    import threading

    turns = {name: threading.Semaphore(0) for name in "ab"}
    done = threading.Semaphore(0)

    def thread(name: str) -> None:
        turns[name].acquire()
        with manager():
            done.release()
            turns[name].acquire()
        done.release()

    threads = [threading.Thread(target=thread, args=(name,)) for name in "ab"]
    for t in threads:
        t.start()
    seen = []
    for name in "abab":
        turns[name].release()
        done.acquire()
        seen.append(probe())
    for t in threads:
        t.join(5)
        assert not t.is_alive()
    return seen


def test_paused_gc_in_two_threads_holds_until_the_last_block_ends():
    """The live preview pauses the collector in its main thread while a request prints the
    PDF in another: the first block to end must not turn the collector back on under the
    block still running, nor may the last leave it off."""
    import gc

    from undersigned.gcpause import paused_gc

    assert gc.isenabled()
    assert _in_turn(paused_gc, gc.isenabled) == [False, False, False, True]


def test_sparse_gc_in_two_threads_puts_the_thresholds_back():
    """Two PDFs printed at once (the preview's print view and a second request): the
    thresholds are sparse while either prints and the default's again after both."""
    import gc

    from undersigned.gcpause import SPARSE_THRESHOLDS, sparse_gc

    before = gc.get_threshold()
    assert before != SPARSE_THRESHOLDS
    assert _in_turn(sparse_gc, gc.get_threshold) == [SPARSE_THRESHOLDS] * 3 + [before]


def test_a_pause_begun_while_another_ends_does_not_leave_the_collector_off(monkeypatch):
    """The race that can leave the collector off for the rest of a test run (then
    test_paused_gc_restores_the_collector_as_it_was, the next test to look, fails): the slow
    hostile tests load rosters in four threads at once; one thread finds the collector off
    (another's pause), that pause ends, and only then does the first thread turn it off, for
    good, since it found it off. Played here step by step: thread b is held just before it
    turns the collector off until thread a's pause has ended."""
    import gc
    import threading

    from undersigned import gcpause

    a_in, a_may_leave, a_out, b_at_disable = (threading.Event() for _ in range(4))

    class HeldGc:
        """The gc module, except that thread b waits before turning the collector off."""

        def __getattr__(self, name):
            return getattr(gc, name)

        def disable(self):
            if threading.current_thread().name == "b":
                b_at_disable.set()
                a_out.wait(2)
            gc.disable()

    monkeypatch.setattr(gcpause, "gc", HeldGc())

    def a():
        with gcpause.paused_gc():
            a_in.set()
            a_may_leave.wait(5)
        a_out.set()

    def b():
        with gcpause.paused_gc():
            pass

    assert gc.isenabled()
    try:
        ta = threading.Thread(target=a, name="a")
        ta.start()
        assert a_in.wait(5)
        tb = threading.Thread(target=b, name="b")
        tb.start()
        b_at_disable.wait(0.5)  # b is in its block's start (held there, or already past it)
        a_may_leave.set()
        for t in (ta, tb):
            t.join(5)
            assert not t.is_alive()
        assert gc.isenabled()
    finally:
        gc.enable()
