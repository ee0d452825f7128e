"""PDF benchmark: WeasyPrint (`render --to pdf`) against Chromium printing the same HTML.

Run on demand (never in the test suite):

    python benchmarks/bench_pdf.py [--sizes 1000,5000] [--runs 3]

For the example and for rosters of realistic international names (`names.py`), the letter's
HTML is rendered once; then, interleaved and each in a fresh process, `undersigned render
--to pdf` (WeasyPrint, notes at the foot of their page), `chromium --headless
--print-to-pdf` of that HTML file (notes at the end: Chromium has no `float: footnote`) and
`undersigned render --to pdf --pdf-engine chromium` (the same print, from the letter) are
timed. Medians of wall-clock time, and of CPU time (the process and the descendants that
were waited for; a browser process nobody waited for would not be counted); the ratios are
ours over Chromium's print in the same run, since the machines we measure on are shared and
noisy. Page counts are printed so that like is seen to be compared with like.

The timed processes run with PYTHONDONTWRITEBYTECODE dropped from their environment, so that
Python reads the modules it compiled once, as on a user's machine, rather than compiling
every module again on every run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SLUG = "china-forced-repatriation-2023"
sys.path.insert(0, str(HERE))


def workspace(tmp: Path, n: int | None) -> Path:
    from names import international_roster

    root = tmp / f"ws-{n or 'example'}"
    for name in ("letters", "signatories"):
        shutil.copytree(REPO / name, root / name)
    if n:
        (root / "signatories" / f"{SLUG}.yaml").write_text(international_roster(n),
                                                          encoding="utf-8")
    return root


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


# as a user's shell would have it: modules compiled once and kept
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of the process and every descendant it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pages(pdf: Path) -> str:
    try:
        from pypdf import PdfReader  # optional
        return str(len(PdfReader(pdf).pages))
    except ImportError:
        pass
    info = shutil.which("pdfinfo")
    if not info:
        return "?"
    out = subprocess.run([info, str(pdf)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")),
                "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-engine", action="store_true",
                        help="skip render --pdf-engine chromium (to time a checkout without it, "
                        "e.g. PYTHONPATH=<checkout>/src)")
    args = parser.parse_args()
    browser = chromium()
    if not browser:
        raise SystemExit("Chromium is not installed: nothing to compare with")
    print(f"{'case':>8} {'WeasyPrint':>11} {'Chromium':>9} {'ratio':>6} "
          f"{'CPU W':>7} {'CPU C':>7} {'ratio':>6} {'pages W/C':>10} "
          f"{'--pdf-engine chromium':>22} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [None, *(int(s) for s in args.sizes.split(",") if s)]:
            root = workspace(Path(tmp), n)
            subprocess.run([sys.executable, "-m", "undersigned", "render", SLUG, "--to",
                            "html", "--out", "html"], cwd=root, check=True,
                           stdout=subprocess.DEVNULL, env=ENV)
            html = root / "html" / f"{SLUG}.html"
            ours = [sys.executable, "-m", "undersigned", "render", SLUG, "--to", "pdf",
                    "--out", "pdf"]
            chrome = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                      f"--user-data-dir={root / 'chromium-profile'}",
                      "--no-pdf-header-footer", f"--print-to-pdf={root / 'chromium.pdf'}",
                      html.as_uri()]
            engine = [*ours[:-1], "pdf-chromium", "--pdf-engine", "chromium"]
            timed(chrome, root)  # the browser's first start fills its profile: not counted
            t_ours, t_chrome, t_engine = [], [], []
            for _ in range(args.runs):
                t_ours.append(timed(ours, root))
                t_chrome.append(timed(chrome, root))
                if not args.no_engine:
                    t_engine.append(timed(engine, root))
            w, c, e = (statistics.median(t[0] for t in ts) if ts else float("nan")
                       for ts in (t_ours, t_chrome, t_engine))
            wc, cc = (statistics.median(t[1] for t in ts) for ts in (t_ours, t_chrome))
            count = f"{pages(root / 'pdf' / f'{SLUG}.pdf')}/{pages(root / 'chromium.pdf')}"
            print(f"{n or 'example':>8} {w:>10.2f}s {c:>8.2f}s {w / c:>6.2f} "
                  f"{wc:>6.2f}s {cc:>6.2f}s {wc / cc:>6.2f} {count:>10} "
                  f"{e:>21.2f}s {e / c:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
