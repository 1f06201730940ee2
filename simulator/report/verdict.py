"""The verdict of a study in plain words, for the terminal and the report alike."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from simulator.experiment.objectives import Objective, parse_constraint
from simulator.experiment.selection import ConstraintCheck, Verdict
from simulator.report.labels import difference_label, metric_label, metric_scale
from simulator.report.numbers import plus_minus


@dataclass(frozen=True)
class Phrase:
    """One sentence of the verdict; ``lead`` (a variant's name) is emphasised by the report."""

    lead: str
    text: str

    def __str__(self) -> str:
        return f"{self.lead}{self.text}"


@dataclass(frozen=True)
class Measure:
    """How to show values of an objective or a constraint's left-hand side."""

    name: str
    scale: float
    unit: str
    difference_unit: str

    @classmethod
    def of(cls, objective: Objective, currency: str) -> Measure:
        tree = objective.formula.tree
        if isinstance(tree, ast.Name) and tree.id == objective.name:  # a KPI as the objective
            return cls.of_kpi(objective.name, currency)
        name = objective.name.replace("_", " ")
        unit = objective.unit or ""
        return cls(name, 1.0, unit, unit)

    @classmethod
    def of_kpi(cls, kpi: str, currency: str) -> Measure:
        label, change = metric_label(kpi, currency), difference_label(kpi, currency)
        return cls(kpi.replace("_", " "), metric_scale(kpi), _unit(label), _unit(change))

    @property
    def label(self) -> str:
        """``bottom line (EUR)``, ``fill rate (%)``."""
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def value(self, mean: float, half_width: float) -> str:
        return plus_minus(mean * self.scale, half_width * self.scale, self.unit)

    def change(self, mean: float, half_width: float) -> str:
        return plus_minus(mean * self.scale, half_width * self.scale, self.difference_unit)


def _unit(label: str) -> str:
    """``fill rate (share, %)`` -> ``%``; ``total cost (EUR)`` -> ``EUR``; no unit -> ``""``."""
    if not label.endswith(")"):
        return ""
    unit = label[label.rindex("(") + 1 : -1]
    return {"share, %": "%", "percentage points": "points"}.get(unit, unit)


def verdict_phrases(verdict: Verdict, currency: str) -> list[Phrase]:
    """The verdict, best variant first: by how much, how surely, what is in contention, and
    which constraints hold."""
    measure = Measure.of(verdict.objective, currency)
    level = f"{verdict.confidence:.0%}"
    best = verdict.best
    lead = f" is best on the {measure.name}: {measure.value(verdict.mean, verdict.half_width)}"
    phrases = []
    if verdict.runner_up is None:
        phrases.append(Phrase(best, lead + "."))
    else:
        gap = measure.change(abs(verdict.difference), verdict.difference_half_width)
        ahead = "ahead of" if _better(verdict) else "level with"
        sure = (
            ""
            if abs(verdict.difference) > verdict.difference_half_width
            else ", a difference the replications cannot confirm"
        )
        phrases.append(
            Phrase(best, f"{lead}, {ahead} {verdict.runner_up} by {gap}{sure} (paired by seed).")
        )
        chance = verdict.prob_best.get(best, math.nan)
        shown = "over 99.9%" if chance > 0.999 else f"a {chance:.0%}"
        phrases.append(Phrase(best, f" has {shown} probability of being best."))
    phrases.append(_contention(verdict, measure, level))
    phrases += [_constraint(text, verdict, currency) for text in _constraints(verdict)]
    if len(verdict.candidates) < len({c.variant for c in verdict.checks} | {best}):
        left_out = sorted({c.variant for c in verdict.checks} - set(verdict.candidates))
        phrases.append(Phrase("", f"Left out for failing a constraint: {', '.join(left_out)}."))
    return phrases


def _better(verdict: Verdict) -> bool:
    return verdict.difference != 0


def _contention(verdict: Verdict, measure: Measure, level: str) -> Phrase:
    selection = verdict.selection
    method = "subset selection on common random numbers"
    if len(selection.subset) == 1:
        return Phrase("", f"No other variant is in contention ({method}, {level}).")
    names = ", ".join(selection.subset)
    text = f"{names} cannot be told apart ({method}, {level})"
    if selection.needed is None or selection.delta is None:
        return Phrase("", f"{text}; their means are equal.")
    more = selection.needed - selection.replications
    zone = measure.change(selection.delta, math.nan)
    source = "" if verdict.objective.indifference else ", the observed gap"
    return Phrase(
        "",
        f"{text}; about {selection.needed:,} replications per variant ({more:,} more) would "
        f"separate differences of {zone}{source} (Nelson–Matejcik procedure).",
    )


def _constraints(verdict: Verdict) -> list[str]:
    return list(dict.fromkeys(c.constraint for c in verdict.checks))


def _constraint(text: str, verdict: Verdict, currency: str) -> Phrase:
    constraint = parse_constraint(text)
    names = constraint.formula.names
    plain_kpi = isinstance(constraint.formula.tree, ast.Name)
    measure = Measure.of_kpi(names[0], currency) if plain_kpi else Measure(text, 1.0, "", "")
    bound = f"{constraint.bound * measure.scale:,g}{_spaced(measure.unit)}"
    wanted = f"{measure.name} {constraint.op.replace('>=', '≥').replace('<=', '≤')} {bound}"
    checks = [c for c in verdict.checks if c.constraint == text]
    parts = []
    for status in ("holds", "unclear", "fails"):
        mine = [_shown(c, measure) for c in checks if c.status == status]
        if mine:
            verb = {"holds": "holds for", "unclear": "is unclear for", "fails": "fails for"}
            parts.append(f"{verb[status]} {', '.join(mine)}")
    return Phrase("", f"Constraint {wanted}: {'; '.join(parts)}.")


def _shown(check: ConstraintCheck, measure: Measure) -> str:
    return f"{check.variant} ({measure.value(check.mean, check.half_width)})"


def _spaced(unit: str) -> str:
    return "" if not unit else (unit if unit == "%" else f" {unit}")
