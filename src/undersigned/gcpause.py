"""Pausing Python's cycle collector while tens of thousands of objects are built at once."""

from __future__ import annotations

import _thread
import gc
from collections.abc import Iterator
from contextlib import contextmanager

# The collector's switch and thresholds belong to the whole process, and the live preview
# pauses it in more than one thread at once (its main thread checks and renders a save while
# a request prints the PDF). So the first block in changes them and the last one out puts
# back what the first found: a thread leaving its block never undoes the pause of another
# thread still inside one, nor restores a setting that was another block's.
_LOCK = _thread.allocate_lock()  # _thread: a built-in module, nothing to import
_paused = 0  # blocks inside paused_gc, in every thread
_was_enabled = True  # what the first of them found
_sparse = 0  # blocks inside sparse_gc, in every thread
_old_thresholds: tuple[int, ...] = ()  # what the first of them found


@contextmanager
def paused_gc() -> Iterator[None]:
    """Turn off the cyclic garbage collector for the block, then restore it as it was.

    Loading a 50,000-entry roster allocates some half a million containers; each few hundred
    allocations trigger a collection that walks the objects already made, so without the
    pause a third of a load is spent proving that nothing there is garbage. Reference counting
    still frees everything as usual; the collector runs again after the block (our objects
    hold no reference cycles, so it finds nothing to do later either). Blocks may nest and
    run in several threads: the collector is back as it was once the last of them ends.
    """
    global _paused, _was_enabled
    with _LOCK:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _LOCK:
            _paused -= 1
            if _paused == 0 and _was_enabled:
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
    Blocks may nest and run in several threads, as `paused_gc`'s.
    """
    global _sparse, _old_thresholds
    with _LOCK:
        if _sparse == 0:
            _old_thresholds = gc.get_threshold()
            gc.set_threshold(*SPARSE_THRESHOLDS)
        _sparse += 1
    try:
        yield
    finally:
        with _LOCK:
            _sparse -= 1
            if _sparse == 0:
                gc.set_threshold(*_old_thresholds)
