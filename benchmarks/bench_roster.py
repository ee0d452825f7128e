"""Benchmark of roster commands on rosters of realistic international names.

Run: python benchmarks/bench_roster.py [SIZE ...] [--ascii] [--no-ruamel]
     (default sizes: 1000 10000 50000)

For each size it writes a workspace in a temporary directory whose roster has names in many
scripts and languages (benchmarks/names.py: Latin with accents, Cyrillic, Hangul, Arabic,
Han and kana; `--ascii` uses made-up ASCII names instead, to compare), then times, as real
processes (start-up included, as a coordinator meets them), with each one's peak memory:
`sign add` (the first, which indexes the roster, and the next ones, which read the index kept:
the median of five), `validate`, `fmt --check`, `sign import` of a 1,000-row CSV and `sign
list --format json`; and, in a process of its own, a ruamel.yaml round-trip (load and dump,
comments kept) of the same roster — the naive way to edit it. Targets on 50,000 entries:
sign add < 0.5 s, validate < 3 s, fmt --check < 3 s, import of 1,000 rows < 5 s. Run it with
200000 to see the growth. To compare with another revision in the same run, alternate it with
`PYTHONPATH=<that revision's checkout>/src python benchmarks/bench_roster.py …`.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
TARGETS = {"sign add": 0.5, "validate": 3.0, "fmt --check": 3.0, "sign import": 5.0}
COMMANDS = ("sign add, first", "sign add", "validate", "fmt --check", "sign import",
            "sign list")
NO_RUAMEL = "--no-ruamel" in sys.argv[1:]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def name(rng: random.Random) -> str:
    """A made-up name; random syllables keep names as far apart as real ones usually are."""
    return f"{word(rng)} {word(rng)}"


def roster_text(size: int, rng: random.Random, ascii_names: bool = False) -> str:
    if not ascii_names:
        # made in a process of its own: a child forked from this one would otherwise count
        # this process's heap (the names it made) in its own peak memory
        names = Path(__file__).resolve().parent / "names.py"
        return subprocess.run([sys.executable, str(names), str(size),
                               str(rng.randrange(1 << 30))], check=True,
                              capture_output=True).stdout.decode("utf-8")
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


def csv_text(rows: int, rng: random.Random, ascii_names: bool = False) -> str:
    from names import person

    out = ["Timestamp,Email Address,Your name,Title / affiliation,Country"]
    for n in range(rows):
        if ascii_names:
            who, title, country = name(rng), "Volunteer", "KR"
        else:
            who, country, title, _ = person(rng)
        out.append(f'9/21/2023 10:{n % 60:02d}:00,signer{n}@example.org,"{who}","{title}",'
                   f"{country}")
    return "\n".join(out) + "\n"


def timed(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall-clock seconds, peak resident memory (bytes) and output of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from undersigned.cli import main; main()",
                             *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out = proc.stdout.read() + proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if code != 0 and not (code == 1 and args[0] in ("validate", "fmt")):
        raise SystemExit(f"{' '.join(args)} failed:\n{out}")
    CPU[" ".join(args)] = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss * 1024, out


CPU: dict[str, float] = {}  # CPU seconds (user + system) of each command line timed


def ruamel_round_trip(path: Path) -> tuple[float, float]:
    """Load and dump seconds of a ruamel.yaml round-trip, in a process of its own (its heap
    would otherwise stay in this one and count in the next commands' peak memory)."""
    code = ("import io, sys, time\nfrom ruamel.yaml import YAML\nyaml = YAML(typ='rt')\n"
            "start = time.perf_counter()\n"
            "data = yaml.load(open(sys.argv[1], encoding='utf-8').read())\n"
            "loaded = time.perf_counter()\nyaml.dump(data, io.StringIO())\n"
            "print(loaded - start, time.perf_counter() - loaded)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def bench(size: int, ascii_names: bool = False) -> dict:
    rng = random.Random(size)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "letters").mkdir()
        (root / "signatories").mkdir()
        (root / "letters" / "bench.yaml").write_text(LETTER, encoding="utf-8")
        roster = root / "signatories" / "bench.yaml"
        roster.write_text(roster_text(size, rng, ascii_names), encoding="utf-8")
        (root / "responses.csv").write_text(csv_text(1000, rng, ascii_names), encoding="utf-8")
        results: dict = {"bytes": roster.stat().st_size}
        runs = {
            # the first add indexes the roster and keeps the index (.undersigned/rosters/);
            # the next reads it: a coordinator adds one signatory after another
            "sign add, first": ["sign", "add", "bench", "--name", "Zofia Wróblewska-Nájera",
                                "--kind", "individual", "--date", "2023-09-22"],
            "sign add": ["sign", "add", "bench", "--name", "Ngozi Okonkwo-Adébáyọ̀",
                         "--kind", "individual", "--date", "2023-09-22"],
            "validate": ["validate", "bench"],
            "fmt --check": ["fmt", "--check", "signatories/bench.yaml"],
            "sign import": ["sign", "import", "bench", "responses.csv"],
            "sign list": ["sign", "list", "bench", "--format", "json"],
        }
        for what, args in runs.items():
            results[what], results[what + " rss"], out = timed(args, root)
            results[what + " cpu"] = CPU[" ".join(args)]
            if what == "sign add":  # four more, each a new name: the median of five
                times, cpus = [results[what]], [results[what + " cpu"]]
                for n in range(4):
                    more = [*args[:4], f"{args[4]} {n + 2}", *args[5:]]
                    times.append(timed(more, root)[0])
                    cpus.append(CPU[" ".join(more)])
                results[what], results[what + " cpu"] = sorted(times)[2], sorted(cpus)[2]
            lines = [line for line in out.strip().splitlines() if not line.startswith(" ")]
            results[what + " says"] = (lines[0] if what == "sign import" else lines[-1]) \
                if lines and what != "sign list" else ""
        if size <= 50_000 and not NO_RUAMEL:
            results["ruamel rt"] = sum(ruamel_round_trip(roster))
        else:  # over a minute and gigabytes: the ratio is clear from the smaller sizes
            results["ruamel rt"] = float("nan")
    return results


def main(sizes: list[int], ascii_names: bool) -> None:
    print(f"names: {'made-up ASCII' if ascii_names else 'international (benchmarks/names.py)'}")
    print(f"{'entries':>8}  " + "  ".join(f"{c:>17}" for c in COMMANDS) + f"  {'ruamel rt':>9}")
    for size in sizes:
        r = bench(size, ascii_names)
        cells = [f"{r[c]:>6.2f}s {r[c + ' rss'] / 2**20:>5.0f}MiB" for c in COMMANDS]
        print(f"{size:>8}  " + "  ".join(f"{c:>17}" for c in cells)
              + f"  {r['ruamel rt']:>8.2f}s", flush=True)
        print("          CPU (user + system; steadier on a busy machine): " + ", ".join(
            f"{c} {r[c + ' cpu']:.2f} s" for c in COMMANDS))
        print(f"          ({r['bytes'] // 1024} KiB; validate: {r['validate says']}; "
              f"fmt: {r['fmt --check says']}; import: {r['sign import says']})")
        if size == 50_000:
            for what, limit in TARGETS.items():
                verdict = "ok" if r[what] < limit else "MISSED"
                print(f"          target {what} < {limit:g} s: {r[what]:.2f} s {verdict}")
    print("(wall-clock time of a fresh process and its peak resident memory; ruamel rt = "
          "load + dump in a process of its own, skipped above 50,000)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a not in ("--ascii", "--no-ruamel")]
    main([int(a) for a in args] or [1000, 10_000, 50_000], "--ascii" in sys.argv[1:])
