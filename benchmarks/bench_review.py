"""Reviewer-workflow benchmark: `diff` and `fmt --check` on a 50,000-signatory roster.

Run on demand (never in the test suite):

    python benchmarks/bench_review.py [--entries 50000] [--runs 3]

A throwaway git repository holds the example letter and a synthetic canonical roster; a second
commit changes 10 entries (4 signatures added, 3 withdrawn, 3 titles changed) and the "as of"
date, with 2 entries left out of order so that `fmt --check` has something to report.

- `undersigned diff HEAD~1 HEAD --format json`   target: under 2 s
- `undersigned fmt --check signatories/<roster>` target: under 3 s

Each command runs in a fresh process (a cold start, as a user meets it); the best of `--runs`
is kept. The reference, in the same run on the same file: a naive ruamel.yaml round-trip
(`YAML().load` then `YAML().dump`), which is what a formatter or a differ that reads the YAML
in full would pay at the least. The ratios printed are reference time / our time.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "china-forced-repatriation-2023"
WORDS = ("Human", "Rights", "Coalition", "Network", "Watch", "Forum", "Alliance", "Centre",
         "Justice", "Freedom", "Action", "Peace", "Solidarity", "Council", "Initiative")
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def entries(n: int, seed: int = 5) -> list[dict]:
    """n signatories (one in ten an individual), sorted as the canonical roster keeps them."""
    sys.path.insert(0, str(REPO / "src"))
    from undersigned.format.model import Signatory
    from undersigned.roster.collation import sort_key

    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = "individual" if i % 10 == 0 else "organization"
        name = " ".join(rng.choice(WORDS) for _ in range(3)) + f" {i:05d}"
        out.append({"name": name, "kind": kind, "signed_on": "2023-09-21",
                    "status": "confirmed",
                    "title": "Director, Example Institute" if kind == "individual" else None})
    out.sort(key=lambda e: (e["kind"] != "individual",
                            sort_key(Signatory(e["name"], e["kind"], None))))
    return out


def roster_text(items: list[dict], as_of: str) -> str:
    lines = ["# yaml-language-server: $schema=../schema/roster.schema.json",
             f"as_of: {as_of}", "signatories:"]
    for e in items:
        lines.append(f"  - name: {e['name']}")
        for key in ("kind", "title", "signed_on", "status", "withdrawn_on", "withdrawal_reason"):
            if e.get(key):
                lines.append(f"    {key}: {e[key]}")
        lines.append("")
    return "\n".join(lines)


def changed(items: list[dict]) -> list[dict]:
    """The same roster with 10 entries changed, and two entries swapped out of order."""
    items = [dict(e) for e in items]
    step = len(items) // 12
    for k in range(3):  # withdrawn
        e = items[step * (k + 1)]
        e.update(status="withdrawn", withdrawn_on="2023-09-24",
                 withdrawal_reason="asked to be removed")
    for k in range(3):  # a title corrected
        items[step * (k + 5)]["title"] = "Chair, Example Institute"
    for k in range(4):  # new signatures, next to an existing entry of their kind
        at = step * (k + 8)
        twin = items[at]
        items.insert(at + 1, {"name": twin["name"] + " Youth", "kind": twin["kind"],
                              "signed_on": "2023-09-25", "status": "confirmed"})
    a, b = step * 11, step * 11 + 1
    items[a], items[b] = items[b], items[a]
    return items


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def make_repository(tmp: Path, n: int) -> Path:
    root = tmp / "ws"
    (root / "letters").mkdir(parents=True)
    (root / "signatories").mkdir()
    shutil.copy(REPO / "letters" / f"{SLUG}.yaml", root / "letters")
    items = entries(n)
    roster = root / "signatories" / f"{SLUG}.yaml"
    roster.write_text(roster_text(items, "2023-09-21"), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "roster")
    roster.write_text(roster_text(changed(items), "2023-09-25"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "ten entries changed")
    return root


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed


def naive_round_trip(path: Path) -> float:
    from ruamel.yaml import YAML

    start = time.perf_counter()
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    yaml.dump(data, io.StringIO())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "undersigned"]
    with tempfile.TemporaryDirectory() as tmp:
        root = make_repository(Path(tmp), args.entries)
        roster = root / "signatories" / f"{SLUG}.yaml"
        size = roster.stat().st_size / 1e6
        print(f"roster: {args.entries:,} entries, {size:.1f} MB; 10 entries changed")
        diff = min(timed([*exe, "diff", "HEAD~1", "HEAD", "--format", "json"], root)
                   for _ in range(args.runs))
        check = min(timed([*exe, "fmt", "--check", f"signatories/{SLUG}.yaml"], root, (0, 1))
                    for _ in range(args.runs))
        print("reference: a naive ruamel.yaml round-trip of the same roster …", flush=True)
        naive = naive_round_trip(roster)
    rows = [("diff HEAD~1 HEAD", diff, 2.0), ("fmt --check", check, 3.0)]
    print(f"{'command':<20}{'time':>9}{'target':>9}{'vs naive round-trip':>22}")
    for name, seconds, target in rows:
        verdict = "ok" if seconds < target else "SLOW"
        print(f"{name:<20}{seconds:>8.2f}s{target:>8.1f}s{naive / seconds:>20.1f}x  {verdict}")
    print(f"{'ruamel round-trip':<20}{naive:>8.2f}s")


if __name__ == "__main__":
    main()
