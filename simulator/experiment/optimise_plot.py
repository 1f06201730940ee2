"""The convergence chart of a search: each trial's objective and the best feasible so far."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure

from simulator.experiment.optimise import SearchResult
from simulator.output import atomic_write_bytes


def convergence_figure(result: SearchResult) -> Figure:
    """Trials on the horizontal axis; dots for every trial (hollow where infeasible) and a
    step line for the best feasible objective so far."""
    table = result.convergence()
    objective = result.optimisation.objective
    figure = Figure(figsize=(7, 4), layout="constrained")
    axes = figure.add_subplot()
    feasible = table[table["feasible"]]
    infeasible = table[~table["feasible"]]
    axes.plot(feasible["trial"], feasible["objective"], "o", color="tab:blue", label="feasible")
    axes.plot(
        infeasible["trial"],
        infeasible["objective"],
        "o",
        mfc="none",
        color="tab:gray",
        label="breaks a constraint",
    )
    axes.step(
        table["trial"], table["best_so_far"], where="post", color="tab:red", label="best so far"
    )
    axes.set_xlabel("trial")
    axes.set_ylabel(objective.label)
    axes.set_title(f"{result.optimisation.name}: {objective.direction} {objective.expr}")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return figure


def write_convergence(result: SearchResult, path: str | Path) -> None:
    """Write the convergence chart as a PNG, atomically."""
    buffer = io.BytesIO()
    convergence_figure(result).savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    atomic_write_bytes(path, buffer.getvalue())
