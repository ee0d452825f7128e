"""Benchmark of roster commands on rosters of realistic international names.

Run: python benchmarks/bench_roster.py [SIZE ...] [--ascii] [--no-ruamel] [--baseline SRC]
     (default sizes: 1000 10000 50000; `50000 200000` shows the growth)

For each size it writes a workspace in a temporary directory whose roster has names in many
scripts and languages (benchmarks/names.py: Latin with accents, Cyrillic, Hangul, Arabic,
Han and kana; `--ascii` uses made-up ASCII names instead, to compare), then times, as real
processes (start-up included, as a coordinator meets them), each one's wall-clock time, CPU
time (user + system; steadier on a busy machine) and peak resident memory: `sign add` (the
first, which indexes the roster, and the next ones, which read the index kept: the median of
five), `validate`, `fmt --check`, `sign import` of a 1,000-row CSV and `sign list --format
json`; and, in a process of its own, a ruamel.yaml round-trip (load and dump, comments kept)
of the same roster — the naive way to edit it. Targets on 50,000 entries: sign add < 0.5 s,
validate < 3 s, fmt --check < 3 s, import of 1,000 rows < 5 s.

`--baseline SRC` compares with another revision in the same run: SRC is the `src` directory
of its checkout (`git archive main src | tar -x -C DIR` makes one, SRC is then DIR/src), put
first on PYTHONPATH for its processes. Each revision gets its own copy of the workspace, and
the two take turns command by command, so that both meet the same roster and the same load on
the machine; the table then shows before, after and their ratios, and whether the two printed
the same output.

The result is a Markdown table, to paste into an issue or docs/performance.md. The processes
timed run without PYTHONDONTWRITEBYTECODE (some shells set it), and each revision's modules
are compiled before the first timing: otherwise every process would compile the package from
source, and the figures would be those of the compiler.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
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


def environment(src: str | None) -> dict[str, str]:
    """The environment of a timed process: without PYTHONDONTWRITEBYTECODE, with `src` (a
    baseline's source directory) first on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    return env


def compile_package(env: dict[str, str]) -> str:
    """Compile the package the environment imports (so that no timed process compiles it);
    returns where it is."""
    where = subprocess.run([sys.executable, "-c", "import os, undersigned; "
                            "print(os.path.dirname(undersigned.__file__))"], env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", where], env=env, check=True,
                   capture_output=True)
    return where


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Wall-clock seconds, peak resident memory (bytes) and output of one fresh process."""
    start = time.perf_counter()
    # stderr goes to a file: a command that writes much to both streams cannot then block
    # on a full pipe while this reads the other
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c",
                                 "from undersigned.cli import main; main()", *args],
                                cwd=cwd, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        err.seek(0)
        out = (out + err.read()).decode("utf-8", "replace")
    if code != 0 and not (code == 1 and args[0] in ("validate", "fmt")):
        raise SystemExit(f"{' '.join(args)} failed:\n{out[-4000:]}")
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


RUNS = {
    # the first add indexes the roster and keeps the index (.undersigned/rosters/); the next
    # reads it: a coordinator adds one signatory after another
    "sign add, first": ["sign", "add", "bench", "--name", "Zofia Wróblewska-Nájera",
                        "--kind", "individual", "--date", "2023-09-22"],
    "sign add": ["sign", "add", "bench", "--name", "Ngozi Okonkwo-Adébáyọ̀",
                 "--kind", "individual", "--date", "2023-09-22"],
    "validate": ["validate", "bench"],
    "fmt --check": ["fmt", "--check", "signatories/bench.yaml"],
    "sign import": ["sign", "import", "bench", "responses.csv"],
    "sign list": ["sign", "list", "bench", "--format", "json"],
}


def bench(size: int, ascii_names: bool = False, baseline: str | None = None) -> dict:
    """{revision: {measure: value}} for "after" (this checkout) and, given a baseline's
    source directory, "before"; the revisions take turns, command by command."""
    rng = random.Random(size)
    revisions = {"after": environment(None)}
    if baseline is not None:
        revisions = {"before": environment(baseline), **revisions}
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "after"
        (first / "letters").mkdir(parents=True)
        (first / "signatories").mkdir()
        (first / "letters" / "bench.yaml").write_text(LETTER, encoding="utf-8")
        roster = first / "signatories" / "bench.yaml"
        roster.write_text(roster_text(size, rng, ascii_names), encoding="utf-8")
        (first / "responses.csv").write_text(csv_text(1000, rng, ascii_names), encoding="utf-8")
        roots = {rev: Path(tmp) / rev for rev in revisions}
        for root in roots.values():
            if root != first:
                shutil.copytree(first, root)
        results: dict = {rev: {"bytes": roster.stat().st_size} for rev in revisions}
        for n, (what, args) in enumerate(RUNS.items()):
            # who goes first alternates: neither always meets a cache the other warmed
            for rev in (list(revisions) if n % 2 == 0 else list(revisions)[::-1]):
                r, env, root = results[rev], revisions[rev], roots[rev]
                r[what], r[what + " rss"], out = timed(args, root, env)
                r[what + " cpu"] = CPU[" ".join(args)]
                if what == "sign add":  # four more, each a new name: the median of five
                    times, cpus = [r[what]], [r[what + " cpu"]]
                    for k in range(4):
                        more = [*args[:4], f"{args[4]} {k + 2}", *args[5:]]
                        times.append(timed(more, root, env)[0])
                        cpus.append(CPU[" ".join(more)])
                    r[what], r[what + " cpu"] = sorted(times)[2], sorted(cpus)[2]
                lines = [line for line in out.strip().splitlines() if not line.startswith(" ")]
                r[what + " says"] = (lines[0] if what == "sign import" else lines[-1]) \
                    if lines and what != "sign list" else ""
                r[what + " output"] = hashlib.sha256(out.encode("utf-8")).hexdigest()
        ruamel = float("nan")
        if size <= 50_000 and not NO_RUAMEL:
            ruamel = sum(ruamel_round_trip(roster))
        # over a minute and gigabytes above 50,000: the ratio is clear from the smaller sizes
        for r in results.values():
            r["ruamel rt"] = ruamel
    return results


def cell(r: dict, what: str) -> str:
    return (f"{r[what]:.2f} s / {r[what + ' cpu']:.2f} s / "
            f"{r[what + ' rss'] / 2**20:,.0f} MiB")


def main(sizes: list[int], ascii_names: bool, baseline: str | None = None) -> None:
    names_used = "made-up ASCII" if ascii_names else "international (benchmarks/names.py)"
    print(f"Names: {names_used}. Each figure is one fresh process: wall-clock time / CPU time "
          "(user + system) / peak resident memory" + (
              f"; before = {baseline}, after = this checkout, taking turns command by command"
              if baseline else "") + ".\n")
    envs = [environment(None)] + ([environment(baseline)] if baseline else [])
    for env in envs:
        compile_package(env)
    if baseline:
        print("| entries | command | before | after | CPU ratio | memory ratio | same output |")
        print("|---|---|---|---|---|---|---|")
    else:
        print("| entries | command | wall / CPU / peak memory | target |")
        print("|---|---|---|---|")
    notes = []
    for size in sizes:
        results = bench(size, ascii_names, baseline)
        after = results["after"]
        for what in RUNS:
            target = TARGETS.get(what)
            verdict = "" if target is None or size != 50_000 else \
                f"< {target:g} s {'✓' if after[what] < target else 'missed'}"
            if baseline:
                before = results["before"]
                same = "yes" if before[what + " output"] == after[what + " output"] else "NO"
                print(f"| {size:,} | `{what}` | {cell(before, what)} | {cell(after, what)} | "
                      f"{after[what + ' cpu'] / before[what + ' cpu']:.2f} | "
                      f"{after[what + ' rss'] / before[what + ' rss']:.2f} | {same} |",
                      flush=True)
            else:
                print(f"| {size:,} | `{what}` | {cell(after, what)} | {verdict} |", flush=True)
        if after["ruamel rt"] == after["ruamel rt"]:  # not NaN
            print(f"| {size:,} | ruamel.yaml round-trip (reference) | "
                  + (f"{after['ruamel rt']:.2f} s | | | | |" if baseline
                     else f"{after['ruamel rt']:.2f} s | |"), flush=True)
        notes.append(f"{size:,} entries ({after['bytes'] // 1024:,} KiB): validate: "
                     f"{after['validate says']}; fmt: {after['fmt --check says']}; import: "
                     f"{after['sign import says']}")
    print()
    for note in notes:
        print(note)
    print("(`sign add`: the median of five; ruamel.yaml round-trip: load + dump in a process of "
          "its own, skipped above 50,000 entries)")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000, 50_000],
                        help="roster sizes (default: 1000 10000 50000)")
    parser.add_argument("--ascii", action="store_true", help="made-up ASCII names instead")
    parser.add_argument("--no-ruamel", action="store_true",
                        help="skip the ruamel.yaml round-trip (minutes at 50,000)")
    parser.add_argument("--baseline", metavar="SRC",
                        help="another revision's src/ to run in turns with this one")
    options = parser.parse_args()
    main(options.sizes, options.ascii,
         str(Path(options.baseline).resolve()) if options.baseline else None)
