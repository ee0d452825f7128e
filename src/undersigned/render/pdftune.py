"""How WeasyPrint is called on a long letter: what saves time without changing the PDF.

WeasyPrint writes the PDF through pydyf. Tagging the PDF (structure elements for screen
readers, PDF/UA) asks pydyf's `PDF.page_references` for the reference of the current page
once per tagged box, and pydyf builds that answer afresh each time: the list of every page's
reference, formatted and encoded. A 5,000-signatory letter has some 32,000 tagged boxes on 277
pages, so nearly nine million references were formatted to tag it, a ninth of the whole
PDF's time (docs/performance.md). `cached_page_references` keeps the list between calls for
as long as the document's pages stay the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_CACHE = "_undersigned_page_references"
_lock = threading.Lock()
_users = 0
_original: property | None = None


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


@contextmanager
def cached_page_references() -> Iterator[None]:
    """Within the block, pydyf's `PDF.page_references` is computed once per page count.

    The answer is the same (the cache is dropped as soon as a page is added); only the work of
    building it again for every tagged box is saved. pydyf is patched for the block only and
    restored when the last block that patched it ends (blocks may overlap in threads). If
    pydyf has no such property (another version), nothing is changed.
    """
    global _users, _original
    try:
        import pydyf
    except ImportError:
        yield
        return
    with _lock:
        if _users == 0:
            current = pydyf.PDF.__dict__.get("page_references")
            if isinstance(current, property) and current.fget is not None:
                _original = current
                pydyf.PDF.page_references = _cached(current)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _original is not None:
                pydyf.PDF.page_references = _original
                _original = None
