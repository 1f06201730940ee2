"""The garbage collector paused while a large scenario is validated or compiled.

Validating and compiling a large network make millions of objects (models, a generator per
demand stream, lists of positions) while millions made before are alive. Each full pass of the
cyclic collector walks all of them, and allocation sets off passes often enough to take a third
to a half of the time. Nothing made meanwhile forms a cycle that must go before the end, so the
passes wait for it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the body (or the function it decorates) without the cyclic garbage collector; it
    is enabled again after, if it was before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
