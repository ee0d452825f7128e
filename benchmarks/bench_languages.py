"""Languages benchmark: rendering every language of a letter at once against each alone.

Run on demand (never in the test suite):

    python benchmarks/bench_languages.py [--sizes 0,10000,50000] [--runs 3]

The Hong Kong example letter has an English text and a Traditional Chinese translation; a
second translation (a copy of the first, as `ja`) makes three languages. Size 0 is the
example's own roster; other sizes replace it with a synthetic roster of that many signatories.
For each size it prints, in one run on this machine:

- cold processes: `undersigned render SLUG` (every language) against the sum of
  `undersigned render SLUG --lang L` for each language alone;
- in one process: `render_letter` for every language against the sum for each alone, and how
  many times the roster was read (once for all languages).

A ratio below 1.00 means rendering all languages together costs less than rendering each
alone; the saving is the roster read, validated and prepared once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "hk-consulate-defector-2016"
LANGS = ("en", "zh-Hant", "ja")


def workspace(tmp: Path, n: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_render import synthetic_roster

    root = tmp / f"ws-{n}"
    for name in ("letters", "signatories", "translations"):
        shutil.copytree(REPO / name, root / name)
    folder = root / "translations" / SLUG
    text = (folder / "zh-Hant.yaml").read_text(encoding="utf-8")
    (folder / "ja.yaml").write_text(text.replace("lang: zh-Hant", "lang: ja"), encoding="utf-8")
    if n:
        roster = synthetic_roster(n).replace("as_of: 2023-09-21", "as_of: 2016-08-03")
        roster = roster.replace("signed_on: 2023-09-21", "signed_on: 2016-08-03")
        (root / "signatories" / f"{SLUG}.yaml").write_text(roster, encoding="utf-8")
    return root


def cold(cmd: list[str], cwd: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def in_process(root: Path, runs: int) -> tuple[float, float, int]:
    sys.path.insert(0, str(REPO / "src"))
    from undersigned.format import load
    from undersigned.render.run import render_letter

    reads = 0
    original = load.load_roster

    def counting(*args, **kwargs):
        nonlocal reads
        reads += 1
        return original(*args, **kwargs)

    # the one place a render reads a roster (checks/rosters.py), counted where it is called
    import undersigned.checks.rosters as rosters

    rosters.load_roster = counting
    letter = root / "letters" / f"{SLUG}.yaml"
    today = dt.date(2026, 1, 1)

    def best(langs: tuple[str, ...]) -> float:
        out = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            render_letter(letter, ("docx", "html", "txt"), root / "o", root, today,
                          parallel=False, langs=langs)
            out = min(out, time.perf_counter() - start)
        return out

    best(())  # warm: imports and templates, as a long-running process has them
    reads = 0
    together = best(())
    reads_together = reads // runs
    alone = sum(best((lang,)) for lang in LANGS)
    rosters.load_roster = original
    return together, alone, reads_together


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("undersigned") or str(Path(sys.executable).parent / "undersigned")
    print(f"languages: {', '.join(LANGS)}; best of {args.runs}")
    print(f"{'signatories':>12} | {'cold all':>9} {'cold each':>10} {'ratio':>6} | "
          f"{'warm all':>9} {'warm each':>10} {'ratio':>6} | roster reads (all)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            root = workspace(Path(tmp), n)
            together = cold([exe, "render", SLUG, "--out", "o"], root, args.runs)
            alone = sum(cold([exe, "render", SLUG, "--lang", lang, "--out", "o"], root,
                             args.runs) for lang in LANGS)
            w_together, w_alone, reads = in_process(root, args.runs)
            label = str(n) if n else "example"
            print(f"{label:>12} | {together:8.2f}s {alone:9.2f}s {together / alone:6.2f} | "
                  f"{w_together:8.3f}s {w_alone:9.3f}s {w_together / w_alone:6.2f} | {reads}")


if __name__ == "__main__":
    main()
