"""Pausing Python's cycle collector while tens of thousands of objects are built at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Turn off the cyclic garbage collector for the block, then restore it as it was.

    Loading a 50,000-entry roster allocates some half a million containers; each few hundred
    allocations trigger a collection that walks the objects already made, so without the
    pause a third of a load is spent proving that nothing there is garbage. Reference counting
    still frees everything as usual; the collector runs again after the block (our objects
    hold no reference cycles, so it finds nothing to do later either).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A young collection every this many allocations (Python's default: 700), and full ones
# rarely; see sparse_gc.
SPARSE_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def sparse_gc() -> Iterator[None]:
    """Run the cyclic garbage collector seldom in the block, then restore its thresholds.

    For work that does make cyclic garbage, so that the collector must keep running, but
    builds so many long-lived objects that running it every 700 allocations is a large part
    of the time: WeasyPrint laying out a 5,000-signatory letter (about a quarter of it, see
    docs/performance.md). The garbage is still collected, in larger and fewer batches.
    """
    old = gc.get_threshold()
    gc.set_threshold(*SPARSE_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
