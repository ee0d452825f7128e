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
