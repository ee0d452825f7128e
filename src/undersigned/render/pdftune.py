"""How WeasyPrint is called on a long letter: what saves time without changing the pages.

WeasyPrint writes the PDF through pydyf, and two of pydyf's habits cost a long letter dearly
(measured on 5,000 signatories, 277 pages; docs/performance.md):

- Tagging the PDF (structure elements for screen readers, PDF/UA) asks `PDF.page_references`
  for the current page's reference once per tagged box, and pydyf builds that answer afresh
  each time: the list of every page's reference, formatted and encoded. Some 32,000 tagged
  boxes on 277 pages formatted nearly nine million references, a ninth of the whole PDF's
  time. `tuned_pydyf` keeps the list between calls while the document's pages stay the same:
  the same answer, the same bytes.
- Every stream (page contents, fonts, the objects of the structure tree) is deflated at
  zlib's highest level, 9, which took 0.47 s of CPU where zlib's default level, 6, takes
  0.09 s, for a file 3 % larger (1,158 KB instead of 1,125 KB). `tuned_pydyf` asks for the
  default level: the same PDF objects and pages, compressed a little less.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

_CACHE = "_undersigned_page_references"
LEVEL = 6  # zlib's default (Z_DEFAULT_COMPRESSION): far faster than 9 on PDF streams
_lock = threading.Lock()
_users = 0
_saved: dict[str, Any] = {}


def _cached(original: property) -> property:
    """`original`, remembered per PDF while its list of pages is the same list, as long."""
    compute = original.fget

    def page_references(pdf: Any) -> Any:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get(_CACHE)
        # pydyf only ever appends to the list of pages (add_page), so the same list object
        # at the same length holds the same pages
        if cached is None or cached[0] is not kids or cached[1] != len(kids):
            cached = (kids, len(kids), compute(pdf))
            pdf.__dict__[_CACHE] = cached
        return cached[2]

    return property(page_references, doc=original.__doc__)


def _default_level(module: Any) -> SimpleNamespace:
    """`module` (pydyf's zlib) with compressobj asking for LEVEL instead of a higher one."""

    def compressobj(level: int = LEVEL, *args: Any, **kwargs: Any) -> Any:
        return module.compressobj(min(level, LEVEL), *args, **kwargs)

    names = {name: getattr(module, name) for name in dir(module) if not name.startswith("__")}
    return SimpleNamespace(**{**names, "compressobj": compressobj})


def _install(pydyf: Any) -> None:
    current = pydyf.PDF.__dict__.get("page_references")
    if isinstance(current, property) and current.fget is not None:
        _saved["page_references"] = current
        pydyf.PDF.page_references = _cached(current)
    if getattr(pydyf, "zlib", None) is zlib:
        _saved["zlib"] = zlib
        pydyf.zlib = _default_level(zlib)


def _restore(pydyf: Any) -> None:
    if "page_references" in _saved:
        pydyf.PDF.page_references = _saved.pop("page_references")
    if "zlib" in _saved:
        pydyf.zlib = _saved.pop("zlib")


@contextmanager
def tuned_pydyf() -> Iterator[None]:
    """Within the block, pydyf keeps its page references and deflates at zlib's default level.

    pydyf is patched for the block only and restored when the last block that patched it
    ends (blocks may overlap in threads). Whatever this pydyf lacks (another version) is left
    alone.
    """
    global _users
    try:
        import pydyf
    except ImportError:
        yield
        return
    with _lock:
        if _users == 0:
            _install(pydyf)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _restore(pydyf)
