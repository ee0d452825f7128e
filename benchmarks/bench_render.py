"""Render benchmark: the example and synthetic rosters, to all three formats, next to pandoc.

Run on demand (never in the test suite):

    python benchmarks/bench_render.py [--sizes 1000,10000,50000]

Each measurement runs in a fresh process (a cold start, as a user meets it). pandoc converts
the same content (Markdown with footnotes) to docx, html and plain text in the same run, so
the printed ratios compare like with like on this machine, whatever its load.
"""

from __future__ import annotations

import argparse
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


def synthetic_roster(n: int, seed: int = 7) -> str:
    """A canonical roster of n confirmed signatories (90% organisations), in sorted order."""
    sys.path.insert(0, str(REPO / "src"))
    from undersigned.format.model import Signatory
    from undersigned.roster.collation import sort_key

    rng = random.Random(seed)
    people = []
    for i in range(n):
        kind = "individual" if i % 10 == 0 else "organization"
        name = " ".join(rng.choice(WORDS) for _ in range(3)) + f" {i:05d}"
        people.append(Signatory(name=name, kind=kind, signed_on=None,
                                title="Director, Example Institute" if kind == "individual"
                                else None))
    people.sort(key=lambda s: (s.kind != "individual", sort_key(s)))
    lines = ["as_of: 2023-09-21", "signatories:"]
    for s in people:
        lines.append(f"  - name: {s.name}")
        lines.append(f"    kind: {s.kind}")
        if s.title:
            lines.append(f"    title: {s.title}")
        lines += ["    signed_on: 2023-09-21", "    status: confirmed", ""]
    return "\n".join(lines) + "\n"


def workspace(tmp: Path, n: int | None) -> Path:
    root = tmp / f"ws-{n or 'example'}"
    for name in ("letters", "signatories"):
        shutil.copytree(REPO / name, root / name)
    if n:
        (root / "signatories" / f"{SLUG}.yaml").write_text(synthetic_roster(n), encoding="utf-8")
    return root


# Timed processes keep Python's bytecode, as an installed package does: an environment that
# sets PYTHONDONTWRITEBYTECODE would have every module of an editable install compiled from
# source in each run, which a user never pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def best_of(runs: int, cmd: list[str], cwd: Path) -> float:
    return min(timed(cmd, cwd) for _ in range(runs))


def markdown_of(root: Path) -> Path:
    """The same letter as Markdown with footnotes, for pandoc, made from our own text render."""
    subprocess.run([sys.executable, "-m", "undersigned", "render", SLUG, "--to", "txt",
                    "--out", "md"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    text = (root / "md" / f"{SLUG}.txt").read_text(encoding="utf-8")
    body, _, notes = text.partition("\n[1] ")
    notes = "[1] " + notes
    import re

    body = re.sub(r"\[(\d+)\]", r"[^\1]", body)
    notes = re.sub(r"^\[(\d+)\] ", r"[^\1]: ", notes, flags=re.M)
    md = root / "letter.md"
    md.write_text(body.replace("\n", "\n\n") + "\n\n" + notes, encoding="utf-8")
    return md


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    ours = [sys.executable, "-m", "undersigned", "render", SLUG, "--out", "out"]
    print(f"{'case':>10} {'ours (3 formats)':>17} {'pandoc docx':>12} {'pandoc all 3':>13} "
          f"{'ours/pandoc-docx':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [None, *(int(s) for s in args.sizes.split(","))]:
            root = workspace(Path(tmp), n)
            runs = args.runs if (n or 0) < 50000 else 1
            t_ours = best_of(runs, ours, root)
            if pandoc:
                md = markdown_of(root)
                t_docx = best_of(runs, [pandoc, str(md), "-o", "p.docx"], root)
                t_all = t_docx + best_of(runs, [pandoc, str(md), "-s", "-o", "p.html"], root) \
                    + best_of(runs, [pandoc, str(md), "-t", "plain", "-o", "p.txt"], root)
                print(f"{n or 'example':>10} {t_ours:>16.2f}s {t_docx:>11.2f}s {t_all:>12.2f}s "
                      f"{t_ours / t_docx:>17.2f}")
                if n is None:
                    floor(runs, root, t_docx)
            else:
                print(f"{n or 'example':>10} {t_ours:>16.2f}s  (pandoc not installed)")


def floor(runs: int, root: Path, t_docx: float) -> None:
    """What importing the libraries alone costs a fresh process, before any work.

    The example's render can be no faster than this: click, Jinja2 and PyYAML have to load,
    and lxml for the DOCX writer (python-docx is imported only to read a new reference).
    """
    for libs in ("click, jinja2, yaml", "click, jinja2, yaml, lxml.etree"):
        t = best_of(max(runs, 5), [sys.executable, "-c", f"import {libs}"], root)
        print(f"{'':>10} import {libs}: {t:.3f}s = {t / t_docx:.2f} x pandoc docx")


if __name__ == "__main__":
    main()
