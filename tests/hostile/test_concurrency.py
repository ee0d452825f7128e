"""Concurrency: many processes adding, importing, withdrawing and formatting one roster at
once lose no entry, no withdrawal and no private contact."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest

from undersigned.format.load import load_roster
from undersigned.roster.operations import Paths, private_contacts

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

ROUNDS = 5
ADDS, WITHDRAWALS, FORMATS, IMPORTS, ERASURES = 8, 4, 4, 2, 2
DEBUG = {**os.environ, "UNDERSIGNED_DEBUG": "1"}  # a failure shows its traceback


FIRST = ["Amber", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Indigo",
         "Juniper", "Kestrel", "Lantern", "Meadow", "Nimbus", "Orchid", "Pebble", "Quartz",
         "Raven", "Saffron", "Tundra", "Umber", "Violet", "Willow"]
SECOND = ["Alliance", "Bureau", "Circle", "Council", "Forum", "Guild", "Initiative", "League",
          "Network", "Project", "Society", "Union", "Watch"]
THIRD = ["Aberdeen", "Bergen", "Cusco", "Dakar", "Esbjerg", "Fukuoka", "Gdansk", "Hobart",
         "Izmir", "Jaffna", "Kisumu", "Lusaka", "Mombasa", "Nantes", "Oaxaca", "Perth", "Quito",
         "Recife", "Sapporo"]


def distinct_names():
    """Names that no duplicate check takes for one another: any two differ in two words."""
    for n in range(len(FIRST) * len(SECOND)):
        yield f"{FIRST[n % len(FIRST)]} {SECOND[n % len(SECOND)]} {THIRD[n % len(THIRD)]}"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "undersigned", *args]


def scramble(path) -> None:
    """Rewrite the roster outside the canonical layout, so that every `fmt` has work to do."""
    roster, _ = load_roster(path, path.name)
    entries = []
    for s in reversed(roster.signatories):
        fields = {"signed_on": s.signed_on.isoformat()}
        if s.status == "withdrawn":
            fields.update(status="withdrawn", withdrawn_on=s.withdrawn_on.isoformat())
        entries.append(signatory_yaml(s.name, s.kind, **fields))
    path.write_text(roster_yaml(entries), encoding="utf-8")


@pytest.mark.slow
def test_concurrent_commands_lose_nothing(tmp_path):
    root = write_workspace(tmp_path / "ws", letter_yaml(), roster_yaml([
        signatory_yaml(f"Original Organisation {n:04d}") for n in range(1500)]))
    roster = root / "signatories" / f"{SLUG}.yaml"
    added: set[str] = set()
    withdrawn: set[str] = set()
    erased: set[str] = set()
    to_withdraw = iter(f"Original Organisation {n:04d}" for n in range(0, 1500, 7))
    to_erase = iter(f"Original Organisation {n:04d}" for n in range(3, 1500, 7))
    fresh = distinct_names()
    chance = random.Random(6)
    for round_ in range(ROUNDS):
        scramble(roster)
        jobs = []
        for n in range(ADDS):
            name = next(fresh)
            added.add(name)
            jobs.append(command("sign", "add", SLUG, "--name", name, "--kind", "individual",
                                "--date", "2023-09-21", "--email",
                                f"person.{round_}.{n}@example.org"))
        for n in range(IMPORTS):
            csv = root / f"import-{round_}-{n}.csv"
            names = [next(fresh) for _ in range(3)]
            added.update(names)
            csv.write_text("Organisation,Email\n" + "".join(
                f"{name},{name.replace(' ', '.').lower()}@example.net\n" for name in names))
            jobs.append(command("sign", "import", SLUG, csv.name))
        for _ in range(WITHDRAWALS):
            name = next(to_withdraw)
            withdrawn.add(name)
            jobs.append(command("sign", "withdraw", SLUG, name, "--date", "2023-09-22"))
        for _ in range(ERASURES):
            name = next(to_erase)
            erased.add(name)
            jobs.append(command("sign", "erase", SLUG, name, "--yes"))
        jobs += [command("fmt", f"signatories/{SLUG}.yaml")] * FORMATS
        # Started in a random order, a little apart, so that writes land while others are
        # between reading the roster and writing it.
        chance.shuffle(jobs)
        processes = []
        for job in jobs:
            processes.append(subprocess.Popen(job, cwd=root, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True, env=DEBUG))
            time.sleep(chance.uniform(0, 0.08))
        for job, process in zip(jobs, processes, strict=True):
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, (job, out, err)

    loaded, problems = load_roster(roster, roster.name)
    assert [p.format() for p in problems if p.severity.value == "error"] == []
    status = {s.name: s.status for s in loaded.signatories}
    originals = {f"Original Organisation {n:04d}" for n in range(1500)}
    assert originals - erased <= set(status), originals - erased - set(status)
    assert not erased & set(status)
    assert added <= set(status), added - set(status)
    assert len(status) == len(originals) - len(erased) + len(added)
    assert {n for n, st in status.items() if st == "withdrawn"} == withdrawn
    contacts = private_contacts(Paths.of(root / "letters" / f"{SLUG}.yaml"))
    assert added <= set(contacts), added - set(contacts)
    assert all(contacts[name].get("email") for name in added)
    result = subprocess.run(command("validate"), cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run(command("fmt", "--check", f"signatories/{SLUG}.yaml"), cwd=root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fmt_waits_for_a_roster_edit_in_progress(tmp_path):
    """`fmt` takes the roster's lock from reading to writing: a `sign` command that is
    editing the roster meanwhile keeps its entry (without the lock, fmt would write back the
    roster it read before the entry was added)."""
    from undersigned.roster.writes import locked

    root = write_workspace(tmp_path / "ws", letter_yaml(), roster_yaml([
        signatory_yaml(f"Original Organisation {n:04d}") for n in range(50)]))
    roster = root / "signatories" / f"{SLUG}.yaml"
    scramble(roster)  # so that fmt has something to write
    with locked(roster):  # as `sign add` holds it while it edits
        process = subprocess.Popen(command("fmt", f"signatories/{SLUG}.yaml"), cwd=root,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert process.poll() is None, "fmt wrote the roster while another command held it"
        with roster.open("a", encoding="utf-8") as f:
            f.write("\n" + signatory_yaml("Added While Formatting"))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    names = {s.name for s in load_roster(roster, roster.name)[0].signatories}
    assert "Added While Formatting" in names and len(names) == 51
