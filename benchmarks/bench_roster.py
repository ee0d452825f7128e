"""Benchmark of roster commands on synthetic rosters, against a naive ruamel.yaml round-trip.

Run: python benchmarks/bench_roster.py [SIZE ...]   (default: 1000 10000 50000)

For each size it writes a workspace in a temporary directory, then times, as real processes
(start-up included, as a coordinator meets them): `sign add`, `validate`, and `sign import`
of a 1,000-row CSV; and in this process a ruamel.yaml round-trip (load and dump, comments
kept) of the same roster — the naive way to edit it. Targets on 50,000 entries: sign add
< 1 s, validate < 3 s, import of 1,000 rows < 5 s.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LETTER = """\
kind: statement
title: Benchmark statement
body:
  - We call for an end to forced returns.[^n1]
footnotes:
  n1:
    - cite: src
      pinpoint: para. 9
sources:
  src:
    type: report
    title: A report
    issued: 2023-05-13
"""
SYLLABLES = ["ka", "mo", "ri", "te", "su", "lan", "bo", "ne", "vi", "da", "go", "hu", "ji",
             "pe", "ro", "sa", "to", "wen", "yu", "zi", "mar", "el", "an", "or", "is", "ul"]
ORG_WORDS = ["Foundation", "Network", "Association", "Centre for Human Rights", "Coalition",
             "Watch", "Institute", "Alliance", "Society", "Council"]
TARGETS = {"sign add": 1.0, "validate": 3.0, "sign import": 5.0}


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def name(rng: random.Random) -> str:
    """A made-up name; random syllables keep names as far apart as real ones usually are."""
    return f"{word(rng)} {word(rng)}"


def roster_text(size: int, rng: random.Random) -> str:
    from undersigned.format.model import Signatory
    from undersigned.roster.collation import identity_key, sort_key

    entries, seen = [], set()
    while len(entries) < size:
        kind = "organization" if len(entries) % 5 == 0 else "individual"
        who = f"{word(rng)} {rng.choice(ORG_WORDS)}" if kind == "organization" else name(rng)
        if identity_key(who) not in seen:  # a real roster has no exact duplicates
            seen.add(identity_key(who))
            entries.append((kind, who))

    def key(e):
        return (e[0] != "individual", sort_key(Signatory(e[1], e[0], None)))
    lines = ["# yaml-language-server: $schema=../schema/roster.schema.json",
             "# Synthetic roster for the benchmark.", "as_of: 2023-09-21", "signatories:"]
    for n, (kind, who) in enumerate(sorted(entries, key=key)):
        if n % 1000 == 0:
            lines.append("  # a coordinator's comment")
        lines += [f"  - name: {who}", f"    kind: {kind}",
                  f"    title: Member of Example Network {n % 97}", "    country: KR",
                  "    signed_on: 2023-09-21", "    status: confirmed",
                  f"    via: form:signon.csv:{n + 2}", ""]
    return "\n".join(lines)


def csv_text(rows: int, rng: random.Random) -> str:
    out = ["Timestamp,Email Address,Your name,Title / affiliation,Country"]
    for n in range(rows):
        out.append(f"9/21/2023 10:{n % 60:02d}:00,signer{n}@example.org,"
                   f"{name(rng)},Volunteer,KR")
    return "\n".join(out) + "\n"


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from undersigned.cli import main; main()",
                           *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 and args[0] != "validate":
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return elapsed, proc.stdout + proc.stderr


def ruamel_round_trip(path: Path) -> tuple[float, float]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    start = time.perf_counter()
    data = yaml.load(path.read_text(encoding="utf-8"))
    loaded = time.perf_counter()
    yaml.dump(data, io.StringIO())
    return loaded - start, time.perf_counter() - loaded


def bench(size: int) -> dict[str, float]:
    rng = random.Random(size)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "letters").mkdir()
        (root / "signatories").mkdir()
        (root / "letters" / "bench.yaml").write_text(LETTER, encoding="utf-8")
        roster = root / "signatories" / "bench.yaml"
        roster.write_text(roster_text(size, rng), encoding="utf-8")
        (root / "responses.csv").write_text(csv_text(1000, rng), encoding="utf-8")
        results: dict = {}
        results["sign add"], _ = timed(["sign", "add", "bench", "--name", "Zelda Newcomer",
                                        "--kind", "individual", "--date", "2023-09-22"], root)
        results["validate"], out = timed(["validate", "bench"], root)
        results["validate says"] = out.strip().splitlines()[-1]
        results["sign import"], out = timed(["sign", "import", "bench", "responses.csv"], root)
        results["import says"] = out.strip().splitlines()[0]
        load, dump = ruamel_round_trip(roster)
        results["ruamel load"] = load
        results["ruamel dump"] = dump
        results["bytes"] = roster.stat().st_size
    return results


def main(sizes: list[int]) -> None:
    print(f"{'entries':>8}  {'sign add':>9}  {'validate':>9}  {'import 1k':>9}  "
          f"{'ruamel rt':>9}  {'add/rt':>7}  {'val/rt':>7}  {'imp/rt':>7}")
    for size in sizes:
        r = bench(size)
        rt = r["ruamel load"] + r["ruamel dump"]
        print(f"{size:>8}  {r['sign add']:>8.2f}s  {r['validate']:>8.2f}s  "
              f"{r['sign import']:>8.2f}s  {rt:>8.2f}s  {r['sign add'] / rt:>7.3f}  "
              f"{r['validate'] / rt:>7.3f}  {r['sign import'] / rt:>7.3f}", flush=True)
        print(f"          ({r['bytes'] // 1024} KiB; validate: {r['validate says']}; "
              f"import: {r['import says']})")
        if size == 50_000:
            for what, limit in TARGETS.items():
                verdict = "ok" if r[what] < limit else "MISSED"
                print(f"          target {what} < {limit:.0f} s: {r[what]:.2f} s {verdict}")
    print("(times are wall-clock for a fresh process; ruamel rt = load + dump in-process)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10_000, 50_000])
