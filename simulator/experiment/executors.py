"""Where runs execute: inline, in a local process pool, or on a Dask cluster.

Every kind is a :class:`concurrent.futures.Executor`, so a study does not care which one it
gets. Runs are independent and carry their own seed, so results do not depend on the kind.
The workers of a local process pool end with the process that started them, even when it is
killed outright.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Any, Literal, ParamSpec, TypeVar

ExecutorKind = Literal["serial", "process", "dask"]
IN_PROCESS = "inprocess"
"""The ``scheduler`` that asks for a Dask cluster of threads inside this process (for tests)."""

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Item = TypeVar("_Item")


class SerialExecutor(Executor):
    """Runs each call inline when it is submitted; the returned future is already done."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Call ``fn(*args, **kwargs)`` now; its result or exception is in the future."""
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it through future.result()
            future.set_exception(exc)
        return future


@contextmanager
def make_executor(
    kind: ExecutorKind = "process", workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor]:
    """An executor of the given kind, shut down cleanly on exit.

    Args:
        kind: ``serial`` (inline, one run at a time), ``process`` (a local process pool) or
            ``dask`` (a Dask cluster; needs the ``dask`` extra).
        workers: Worker processes (default: one per CPU). For ``dask`` without a scheduler,
            the size of the local cluster.
        scheduler: For ``dask``: a scheduler address (``tcp://host:8786``) to connect to;
            ``"inprocess"`` for a cluster of threads in this process; None for a local
            cluster of ``workers`` processes with one thread each.

    Yields:
        The executor.

    Raises:
        ValueError: An unknown kind, or a scheduler for a kind other than ``dask``.
        ImportError: ``dask`` without Dask installed.
    """
    if scheduler is not None and kind != "dask":
        raise ValueError(f"a scheduler only applies to the dask executor, not {kind!r}")
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "process":
        with ProcessPoolExecutor(
            max_workers=workers or os.cpu_count(), initializer=end_with_parent
        ) as pool:
            yield pool
    elif kind == "dask":
        with _dask_client(workers, scheduler) as client:
            # Not "pure": every run is a distinct task, so there is no point hashing arguments.
            yield client.get_executor(pure=False)
    else:
        raise ValueError(f"unknown executor {kind!r} (expected serial, process or dask)")


def end_with_parent() -> None:
    """Make this worker process exit as soon as its parent process is gone.

    A pool's workers wait on a queue that the parent feeds; when the parent is killed (a
    signal, an out-of-memory kill) nothing tells them, and they would live on. A watcher
    thread waits on the parent's sentinel, which the OS closes when the parent dies.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to watch
        return
    watcher = threading.Thread(
        target=_exit_when_ready, args=(parent.sentinel,), name="end-with-parent", daemon=True
    )
    watcher.start()


def _exit_when_ready(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)  # no clean-up to do: the run in progress is lost with its parent anyway


@contextmanager
def _dask_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError("the dask executor needs Dask: pip install 'supplysim[dask]'") from None
    if scheduler is not None and scheduler != IN_PROCESS:
        with Client(scheduler) as client:
            yield client
        return
    # One thread per worker: a run is pure Python and holds the GIL.
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count(),
        threads_per_worker=1,
        processes=scheduler != IN_PROCESS,
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        yield client


def completed(
    executor: Executor, fn: Callable[[_Item], _T], items: Iterable[_Item]
) -> Iterator[tuple[_Item, _T]]:
    """Apply ``fn`` to every item on ``executor``, yielding ``(item, result)`` as each ends.

    A serial executor gets one item at a time, so each result is yielded (and can be saved)
    before the next run starts. Other executors get every item at once. When the consumer
    stops early, or a call fails, the calls not yet started are cancelled.

    Args:
        executor: Where to call ``fn``.
        fn: A picklable callable.
        items: Its arguments.

    Yields:
        Each item with its result, in completion order.

    Raises:
        Exception: The first failure of ``fn``, as raised.
    """
    if isinstance(executor, SerialExecutor):
        for item in items:
            yield item, fn(item)
        return
    futures = {executor.submit(fn, item): item for item in items}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()
