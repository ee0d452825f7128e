"""Preview and cold-start benchmark: save → updated page, and the example rendered cold.

Run on demand (never in the test suite):

    python benchmarks/bench_preview.py [--entries 50000] [--runs 5] [--saves-only]
                                       [--refresh-only]

In one run, on this machine, next to pandoc's cold DOCX conversion of the same letter:

- **save → updated page.** `undersigned preview` runs on the example, and on the example with
  a roster of `--entries` realistic international signatories (benchmarks/names.py). The
  benchmark listens to the page's update stream as the browser does, saves an edit of the
  letter (and, at scale, of the roster), and times until the new page has been fetched:
  the watcher's wake-up, the re-check and re-render, the push and the download. Goals: under
  0.3× pandoc's DOCX conversion for the example, under 1 s at 50,000 signatories.
- **cold render of the example** (all three formats, a fresh process) against pandoc
  (goal ≤ 1.5×) and against the import floor (a fresh process that only imports what the
  render needs: click, Jinja2, PyYAML, and lxml for the DOCX writer).
- **cold start per command**: `--version`, `validate`, `render --to html`, against the floor
  of the command's own dependencies.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parent.parent
SLUG = "china-forced-repatriation-2023"
CLI = [sys.executable, "-m", "undersigned"]


def workspace(tmp: Path, entries: int | None) -> Path:
    root = tmp / f"ws-{entries or 'example'}"
    for name in ("letters", "signatories", "templates"):  # the example's reference.docx too
        shutil.copytree(REPO / name, root / name)
    if entries:
        from names import international_roster

        (root / "signatories" / f"{SLUG}.yaml").write_text(international_roster(entries),
                                                           encoding="utf-8")
    return root


# Timed processes keep Python's bytecode, as an installed package does: an environment that
# sets PYTHONDONTWRITEBYTECODE would have every module of an editable install compiled from
# source in each run, which a user never pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(runs: int, cmd: list[str], cwd: Path) -> float:
    timed(cmd, cwd)  # warm the file cache and Python's bytecode
    return statistics.median(timed(cmd, cwd) for _ in range(runs))


def alternating(runs: int, cmds: dict[str, list[str]], cwd: Path,
                before: dict[str, object] | None = None) -> dict[str, float]:
    """Medians of fresh processes, the commands taking turns (so that a noisy neighbour on the
    shared machine slows each alike); `before[name]` runs untimed before each of its runs."""
    for cmd in cmds.values():
        timed(cmd, cwd)  # warm the file cache and Python's bytecode
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            if before and name in before:
                before[name]()
            times[name].append(timed(cmd, cwd))
    return {name: statistics.median(t) for name, t in times.items()}


class Listener:
    """A page's update stream, read as the browser's EventSource reads it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/events")
        self.response = self.conn.getresponse()

    def next_page(self, generation: int) -> dict:
        """The first update after `generation` whose page rendered; the page fetched."""
        while True:
            update = self.next_update()
            if update["ok"] and update["html_generation"] > generation:
                self.fetch_page()
                return update

    def next_update(self) -> dict:
        data = None
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise SystemExit("the preview closed its update stream")
            if line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "\n" and data is not None:
                return data

    def fetch_page(self) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", "/letter.html")
        body = conn.getresponse().read()
        conn.close()
        return body


def save_to_page(root: Path, runs: int, roster_too: bool) -> dict[str, float]:
    """Median seconds from a save to the fetched new page, for the letter (and the roster)."""
    proc = subprocess.Popen([*CLI, "preview", SLUG], cwd=root, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().strip()
        listener = Listener(int(url.rsplit(":", 1)[1].strip("/")))
        shown = listener.next_update()["html_generation"]  # the address is printed once
        # the watcher is in place
        letter = root / "letters" / f"{SLUG}.yaml"
        roster = root / "signatories" / f"{SLUG}.yaml"
        results: dict[str, list[float]] = {"letter": [], "roster": [], "roster added": []}
        for i in range(runs):
            text = letter.read_text(encoding="utf-8")
            start = time.perf_counter()
            letter.write_text(text.replace("  - Thank you.", f"  - Thank you ({i}).")
                              .replace(f"  - Thank you ({i - 1}).", f"  - Thank you ({i})."),
                              encoding="utf-8")
            shown = listener.next_page(shown)["html_generation"]
            results["letter"].append(time.perf_counter() - start)
            time.sleep(0.3)
            if roster_too:
                text = roster.read_text(encoding="utf-8")
                start = time.perf_counter()
                # a signatory's title changes: the page must change with it
                at = text.index("\n", text.index("    title: "))
                title = text[:at].rsplit(" [", 1)[0] if i else text[:at]
                roster.write_text(f"{title} [{i}]{text[at:]}", encoding="utf-8")
                shown = listener.next_page(shown)["html_generation"]
                results["roster"].append(time.perf_counter() - start)
                time.sleep(0.3)
                # a signatory added in the middle: every entry after it moves down
                text = roster.read_text(encoding="utf-8")
                start = time.perf_counter()
                at = text.index("\n  - name: ", len(text) // 2) + 1
                roster.write_text(f"{text[:at]}  - name: Added Signatory {i}\n    kind: "
                                  f"individual\n    signed_on: 2023-09-21\n    status: "
                                  f"confirmed\n\n{text[at:]}", encoding="utf-8")
                shown = listener.next_page(shown)["html_generation"]
                results["roster added"].append(time.perf_counter() - start)
                time.sleep(0.3)
        return {k: statistics.median(v) for k, v in results.items() if v}
    finally:
        proc.terminate()
        proc.wait(20)


def refresh_in_process(entries: int, runs: int) -> None:
    """CPU seconds of `PreviewSession.refresh` after a save of the roster (a title changed;
    an entry added in the middle), as the preview's warm process does it."""
    from undersigned.render.preview import PreviewSession

    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(Path(tmp), entries)
        roster = root / "signatories" / f"{SLUG}.yaml"
        session = PreviewSession(root / "letters" / f"{SLUG}.yaml", root)
        session.refresh()
        times: dict[str, list[float]] = {"title changed": [], "entry added": []}
        for i in range(runs):
            text = roster.read_text(encoding="utf-8")
            at = text.index("\n", text.index("    title: "))
            roster.write_text(f"{text[:at]} [{i}]{text[at:]}", encoding="utf-8")
            start = time.process_time()
            assert session.refresh().ok
            times["title changed"].append(time.process_time() - start)
            text = roster.read_text(encoding="utf-8")
            at = text.index("\n  - name: ", len(text) // 2) + 1
            roster.write_text(f"{text[:at]}  - name: Added Signatory {i}\n    kind: "
                              "individual\n    signed_on: 2023-09-21\n    status: confirmed"
                              f"\n\n{text[at:]}", encoding="utf-8")
            start = time.process_time()
            assert session.refresh().ok
            times["entry added"].append(time.process_time() - start)
    for what, t in times.items():
        print(f"refresh after a save of the roster, {what}, {entries:,} signatories: "
              f"{statistics.median(t):.3f} s CPU (median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--refresh-only", action="store_true",
                        help="only the preview's re-check and re-render after a save of the "
                        "roster, in this process, in CPU time (steady on a busy machine)")
    parser.add_argument("--saves-only", action="store_true",
                        help="only the save → updated page at --entries (quicker)")
    parser.add_argument("--cold-only", action="store_true",
                        help="only the cold render against pandoc and the import floor")
    args = parser.parse_args()
    if args.refresh_only:
        refresh_in_process(args.entries, args.runs)
        return
    if args.saves_only:
        with tempfile.TemporaryDirectory() as tmp:
            times = save_to_page(workspace(Path(tmp), args.entries), args.runs, True)
        for what, t in times.items():
            print(f"save {what} → updated page, {args.entries:,} signatories: {t:.3f} s")
        return
    pandoc = shutil.which("pandoc")
    if not pandoc:
        raise SystemExit("pandoc is the reference: install it first")
    with tempfile.TemporaryDirectory() as tmp:
        example = workspace(Path(tmp), None)
        from bench_render import markdown_of

        md = markdown_of(example)

        rows = []
        render = [*CLI, "render", SLUG, "--out", "out"]
        cold = alternating(args.runs, {
            "pandoc": [pandoc, str(md), "-o", "p.docx"],
            "render": render,
            "render, reference not cached": render,
            "floor": [sys.executable, "-c", "import click, jinja2, yaml"],
            "floor with lxml": [sys.executable, "-c", "import click, jinja2, yaml, lxml.etree"],
        }, example, before={"render, reference not cached": lambda: shutil.rmtree(
            example / ".undersigned", ignore_errors=True)})
        t_pandoc = cold["pandoc"]
        print(f"taking turns: pandoc → DOCX {t_pandoc:.3f} s; render, 3 formats "
              f"{cold['render']:.3f} s = {cold['render'] / t_pandoc:.2f}× pandoc, "
              f"{cold['render'] / cold['floor']:.2f}× the floor (import click, jinja2, yaml: "
              f"{cold['floor']:.3f} s)")
        rows.append(("render the example, 3 formats, cold", cold["render"], 1.5))
        rows.append(("  the same, reference.docx not yet cached", cold[
            "render, reference not cached"], None))
        rows.append(("  floor: import click, jinja2, yaml (same turns)", cold["floor"], None))
        rows.append(("  floor: import click, jinja2, yaml, lxml.etree (same turns)",
                     cold["floor with lxml"], None))
        if args.cold_only:
            print_rows(rows, t_pandoc)
            return
        for what, cmd in (
                ("undersigned --version", [*CLI, "--version"]),
                ("validate the example", [*CLI, "validate", SLUG]),
                ("render the example --to html", [*CLI, "render", SLUG, "--to", "html",
                                                  "--out", "out"]),
                ("render the example --to docx", [*CLI, "render", SLUG, "--to", "docx",
                                                  "--out", "out"])):
            rows.append((what, median_of(args.runs, cmd, example), None))
        for libs in ("click", "click, yaml", "click, jinja2, yaml",
                     "click, jinja2, yaml, lxml.etree"):
            rows.append((f"floor: python -c 'import {libs}'",
                         median_of(args.runs, [sys.executable, "-c", f"import {libs}"],
                                   example), None))
        example_preview = save_to_page(example, args.runs, roster_too=False)
        rows.append(("save → updated page, example", example_preview["letter"], 0.3))
        big = workspace(Path(tmp), args.entries)
        big_preview = save_to_page(big, max(3, args.runs // 2), roster_too=True)
        label = f"{args.entries:,}"
        rows.append((f"save letter → updated page, {label} signatories", big_preview["letter"],
                     None))
        rows.append((f"save roster → updated page, {label} signatories", big_preview["roster"],
                     None))
        rows.append((f"save roster, one added → updated page, {label} signatories",
                     big_preview["roster added"], None))

    print_rows(rows, t_pandoc)


def print_rows(rows: list, t_pandoc: float) -> None:
    print(f"{'measurement':<52} {'time':>8} {'× pandoc':>9}  goal")
    for what, t, goal in rows:
        verdict = ""
        if goal is not None:
            verdict = f"≤ {goal}× {'ok' if t / t_pandoc <= goal else 'MISSED'}"
        if "signatories" in what and "save" in what:
            verdict = f"< 1 s {'ok' if t < 1 else 'MISSED'}"
        print(f"{what:<52} {t:>7.3f}s {t / t_pandoc:>9.2f}  {verdict}")
    print("(medians of fresh processes; the preview times are medians of saves)")


if __name__ == "__main__":
    main()
