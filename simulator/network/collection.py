"""The garbage collector paused while a network is compiled.

Compiling a large network makes millions of objects (a generator per demand stream, lists of
positions) while the scenario's own millions are alive. Each full pass of the cyclic collector
walks all of them, and allocation triggers passes often enough to take a third of the time.
Nothing made while compiling forms a cycle that must go before the end, so the passes wait.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the body without the cyclic garbage collector (as it was before, after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
