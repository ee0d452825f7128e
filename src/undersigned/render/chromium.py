"""PDF printed by headless Chromium (`render --pdf-engine chromium`): fast, notes at the end.

WeasyPrint (the default engine) sets each footnote at the foot of the page of its call;
Chromium has no `float: footnote`, so the same HTML prints with the notes as a numbered list
at the end of the letter (the stylesheet's `@supports not (float: footnote)` rules), but it
lays out a long roster several times faster. Nothing is fetched: the page is printed from a
file in a fresh temporary profile, under a Content-Security-Policy that allows only the
page's own inline styles and data: images and fonts, with host name lookups turned off and
Chromium's background services (updates, sync, metrics) disabled.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PdfEngineError, PdfUnavailableError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Everything the page might fetch is refused but its own <style> and data: URLs (a custom
# template's images or fonts can be embedded as data:). Scripts fall under default-src.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
_DOCTYPE = re.compile(r"\A(\ufeff?\s*<!doctype[^>]*>)?", re.I)

TIMEOUT = 600  # seconds: 5,000 signatories print in a few seconds


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome on the PATH, or None."""
    for name in CANDIDATES:
        if path := shutil.which(name):
            return path
    return None


def isolated(html: str) -> str:
    """The HTML with the policy as its very first element (right after the doctype).

    A policy given in a <meta> only governs what comes after it, so it goes before anything
    a template wrote; an <html> or <head> tag after it still sets the document's language and
    direction (the HTML parser merges their attributes into the elements it opened).
    """
    match = _DOCTYPE.match(html)
    end = match.end() if match else 0
    return f"{html[:end]}{_META}{html[end:]}"


def command(browser: str, page: Path, target: Path, profile: Path) -> list[str]:
    """The command line that prints `page` to `target` and fetches nothing."""
    return [
        browser, "--headless", "--disable-gpu",
        *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
        "--print-to-pdf-no-header",  # the same, as older versions spell it
        f"--print-to-pdf={target}", page.as_uri(),
    ]


def render_pdf_chromium(html: str, browser: str | None = None, timeout: float = TIMEOUT
                        ) -> bytes:
    """Print HTML to PDF with headless Chromium; the notes print as a list at the end."""
    browser = browser or find_chromium()
    if browser is None:
        raise PdfUnavailableError(
            "--pdf-engine chromium needs Chromium or Google Chrome on the PATH (as chromium, "
            "chromium-browser or google-chrome); install it (Debian/Ubuntu: apt-get install "
            "chromium) or leave out --pdf-engine to print with WeasyPrint")
    with tempfile.TemporaryDirectory(prefix="undersigned-chromium-") as tmp:
        page, target = Path(tmp) / "letter.html", Path(tmp) / "letter.pdf"
        page.write_text(isolated(html), encoding="utf-8")
        try:
            done = subprocess.run(command(browser, page, target, Path(tmp) / "profile"),
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfEngineError(f"{browser} did not finish printing the letter within "
                                 f"{timeout:.0f} s; try again, or print with WeasyPrint "
                                 "(leave out --pdf-engine)") from None
        except OSError as e:
            raise PdfUnavailableError(f"{browser} could not be started ({e.strerror or e}); "
                                      "check the installation of Chromium") from None
        data = target.read_bytes() if target.is_file() else b""
    if not data.startswith(b"%PDF"):
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise PdfEngineError(
            f"{browser} wrote no PDF (exit status {done.returncode})"
            + (": " + " / ".join(said) if said else "")
            + "; try again, or print with WeasyPrint (leave out --pdf-engine)")
    return data
