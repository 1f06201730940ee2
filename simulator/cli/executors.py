"""The options that choose where runs execute, and opening that executor for a command.

A Dask scheduler that cannot be reached is a bad ``--scheduler`` (exit 2) after at most
``--connect-timeout`` seconds, not a failed run after Dask's default half minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from concurrent.futures import Executor

ExecutorKind = Literal["serial", "process", "dask"]
ExecutorOpt = Annotated[
    ExecutorKind,
    typer.Option(
        metavar="[serial|process|dask]",
        help="Where runs execute: one after another, local processes, or a Dask cluster.",
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option(min=1, metavar="N", help="Worker processes (default: one per core).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://host:8786 (implies --executor dask).",
    ),
]
ConnectTimeoutOpt = Annotated[
    float,
    typer.Option(
        min=0.1,
        metavar="SECONDS",
        help="How long to try reaching the --scheduler before giving up.",
    ),
]


@contextmanager
def open_executor(
    kind: ExecutorKind, workers: int | None, scheduler: str | None, connect_timeout: float
) -> Iterator[Executor]:
    """The executor the options ask for; exit 2 naming the option if it cannot be had."""
    from simulator.experiment import make_executor

    with ExitStack() as stack:
        try:
            if scheduler is not None:
                kind = "dask"
                with suppress(ImportError):  # without Dask, make_executor says how to get it
                    import dask

                    timeout = {"distributed.comm.timeouts.connect": f"{connect_timeout}s"}
                    stack.enter_context(dask.config.set(timeout))
            pool = stack.enter_context(make_executor(kind, workers=workers, scheduler=scheduler))
        except ImportError as error:
            hint = "'--scheduler'" if scheduler is not None else "'--executor'"
            raise typer.BadParameter(str(error), param_hint=hint) from None
        except (OSError, ValueError) as error:
            if scheduler is None:
                raise
            raise typer.BadParameter(
                f"cannot reach a Dask scheduler at {scheduler} within {connect_timeout:g} s "
                f"({error}); give the address of a running scheduler, or another --executor",
                param_hint="'--scheduler'",
            ) from None
        yield pool
