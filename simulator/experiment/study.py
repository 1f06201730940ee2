"""Study files: a base scenario, its variants, replications and seeds, validated as one,
and the study that runs them.

A study file is checked like a scenario file: unknown fields, bad values and variants that do
not build are all reported at once, as ``file:LINE: path: message``, in one
:class:`~simulator.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from simulator.experiment.design import (
    BASE_VARIANT,
    MserWarmup,
    StudyDesign,
    StudyFile,
)
from simulator.experiment.executors import SerialExecutor
from simulator.experiment.objectives import Objective
from simulator.experiment.results import StudyResult
from simulator.experiment.runner import run_study
from simulator.experiment.spec_files import problem, read_spec_file
from simulator.experiment.store import RunStore
from simulator.experiment.variants import Recipe, build_variants, sweep_recipes
from simulator.network.topology import compile_topology
from simulator.scenario.errors import DocPath


class Study(StudyDesign):
    """A validated study that can run (see :class:`StudyDesign` for its attributes)."""

    def run(
        self,
        executor: Executor | None = None,
        out: str | Path | None = None,
        progress: bool = False,
    ) -> StudyResult:
        """Run every replication of every variant.

        Args:
            executor: Where runs execute (see :func:`~simulator.experiment.make_executor`);
                default: one after the other, in this process.
            out: Results folder. Runs already recorded there are not run again; a folder of
                another study is refused (see :mod:`simulator.experiment.store`).
            progress: Show a progress bar on stderr.

        Returns:
            The outcome of every run, with the warm-up used and notes.

        Raises:
            ScenarioError: ``out`` is not usable for this study.
            RuntimeError: A run failed; completed runs stay recorded in ``out``.
        """
        store = RunStore(self, Path(out) if out is not None else None)
        return run_study(self, executor or SerialExecutor(), store, progress)


def load_study(path: str | Path) -> Study:
    """Read and validate a study file, building every variant's scenario.

    Args:
        path: The study file.

    Returns:
        The study.

    Raises:
        ScenarioError: Listing every problem with the study file, its base scenario, its
            overlays and its variants.
    """
    spec, lines, file, base_path, base = read_spec_file(path, StudyFile)
    common: dict[str, tuple[Any, DocPath]] = {}
    if spec.horizon is not None:
        common["horizon"] = (spec.horizon, ("horizon",))
    if isinstance(spec.warmup, float | int):
        common["warmup"] = (spec.warmup, ("warmup",))
    variants = build_variants(_recipes(spec), base, common, Path(path), lines)
    names = [v.name for v in variants]
    baseline = spec.baseline or names[0]
    if baseline not in names:
        raise problem(file, lines, ("baseline",), f"no variant {baseline!r} (variants: {names})")
    if isinstance(spec.warmup, MserWarmup):
        for variant in variants:
            levels = [tier.level for tier in compile_topology(variant.scenario).tiers]
            if spec.warmup.echelon not in levels:
                message = f"variant {variant.name!r} has echelon levels {levels} only"
                raise problem(file, lines, ("warmup", "echelon"), message)
    if spec.precision and spec.precision.max_replications < spec.replications:
        message = f"must be at least replications ({spec.replications})"
        raise problem(file, lines, ("precision", "max_replications"), message)
    return Study(
        name=spec.study,
        description=spec.description,
        source=file,
        scenario_path=base_path.resolve(),
        replications=spec.replications,
        seed=base.seed if spec.seed is None else spec.seed,
        common_random_numbers=spec.common_random_numbers,
        horizon=spec.horizon,
        warmup=spec.warmup,
        kpis=tuple(spec.kpis),
        frontier=spec.report.frontier,
        baseline=baseline,
        precision=spec.precision,
        objectives=tuple(
            Objective(name=name, **entry.model_dump()) for name, entry in spec.objectives.items()
        ),
        constraints=tuple(spec.constraints),
        variant_list=tuple(variants),
    )


def _recipes(spec: StudyFile) -> list[Recipe]:
    listed = [
        Recipe(
            name=entry.name,
            at=("variants", j),
            name_at=("variants", j, "name"),
            overrides=[(k, v, ("variants", j, "overrides", k)) for k, v in entry.overrides.items()],
            extends=(entry.extends, ("variants", j, "extends")) if entry.extends else None,
        )
        for j, entry in enumerate(spec.variants)
    ]
    if not listed:  # the base alone: named after the sweep values, or "base" without a sweep
        listed = [Recipe("" if spec.sweep else BASE_VARIANT, ("scenario",), ("scenario",))]
    return sweep_recipes(listed, spec.sweep) if spec.sweep else listed
