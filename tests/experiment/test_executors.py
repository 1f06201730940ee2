"""Executors: inline, process pool and Dask give the same study results."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from simulator.experiment import SerialExecutor, load_study, make_executor
from simulator.experiment.executors import IN_PROCESS, completed

SCENARIOS = Path(__file__).parents[2] / "scenarios"


def square(x: int) -> int:
    return x * x


def test_serial_executor_runs_at_submission_and_keeps_exceptions() -> None:
    calls: list[int] = []
    executor = SerialExecutor()
    future = executor.submit(calls.append, 1)
    assert future.done() and calls == [1]
    failed = executor.submit(int, "x")
    assert isinstance(failed.exception(), ValueError)
    assert list(executor.map(square, [1, 2, 3])) == [1, 4, 9]


def test_completed_runs_serial_items_one_at_a_time() -> None:
    calls: list[int] = []

    def record(x: int) -> int:
        calls.append(x)
        return x

    results = completed(SerialExecutor(), record, [1, 2, 3])
    assert next(results) == (1, 1)
    assert calls == [1]  # the next run waits until this result has been handled
    assert list(results) == [(2, 2), (3, 3)]


def test_completed_collects_every_item_of_a_pool() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert sorted(completed(pool, square, range(6))) == [(i, i * i) for i in range(6)]


def test_make_executor_rejects_bad_requests() -> None:
    with pytest.raises(ValueError, match="unknown executor 'threads'"), make_executor("threads"):  # type: ignore[arg-type]
        pass
    with (
        pytest.raises(ValueError, match="only applies to the dask executor"),
        make_executor("process", scheduler="tcp://localhost:8786"),
    ):
        pass


def test_results_do_not_depend_on_the_executor(tmp_path: Path) -> None:
    shutil.copy(SCENARIOS / "quickstart.yaml", tmp_path)
    study_file = tmp_path / "study.yaml"
    study_file.write_text(
        """\
study: executors
scenario: quickstart.yaml
replications: 3
horizon: 60
warmup: 10
variants:
  - name: current
  - name: lean
    overrides: {"nodes[kind=retailer].inventory.policy.s": 20}
"""
    )
    study = load_study(study_file)
    tables = {}
    for kind, scheduler in [("serial", None), ("process", None), ("dask", IN_PROCESS)]:
        with make_executor(kind, workers=2, scheduler=scheduler) as executor:  # type: ignore[arg-type]
            tables[kind] = study.run(executor=executor).to_frame()
    assert len(tables["serial"]) > 0
    pd.testing.assert_frame_equal(tables["process"], tables["serial"])
    pd.testing.assert_frame_equal(tables["dask"], tables["serial"])
