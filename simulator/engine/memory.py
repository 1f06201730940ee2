"""The process's memory managers and the simulations: Python's garbage collector and the C heap.

Neither changes a result. Left at their defaults, both cost time on large networks: the
collector scans the scenario and network again and again during a run, and the C heap gives
large temporaries back to the system only to fault them in again the next day.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MIB = 1 << 20
_KEEP = {_M_MMAP_THRESHOLD: 32 * _MIB, _M_TRIM_THRESHOLD: 1024 * _MIB, _M_TOP_PAD: 64 * _MIB}
_kept = False  # set once a process


@contextmanager
def built_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before the run (the scenario, the network, their arrays) out
    of the garbage collector's passes while it runs: they outlive it, and scanning them in
    every full pass took a third of a short run on a large network. Left alone if something
    else froze objects already."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def keep_freed_heap() -> None:
    """Have the C heap keep freed blocks for reuse (glibc; elsewhere nothing). Once a process.

    A run's array work allocates and frees the same large temporaries every day (8 MB each
    at a million positions), and compiling a network makes many more. By default glibc hands
    such blocks back to the system, and the kernel maps and zeroes them again page by page
    when they are next needed: at a million streams that was a third of the run's CPU time.
    From the first simulation on, blocks up to 32 MiB come from the heap, the heap keeps up to
    1 GiB free at its top and grows 64 MiB at a time (about 5 % more peak memory at a million
    streams). Results do not change.
    """
    global _kept
    if _kept or not sys.platform.startswith("linux"):
        return
    _kept = True
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        for parameter, value in _KEEP.items():
            mallopt(parameter, value)
