"""Objectives and constraints: arithmetic over network KPIs, declared in a study file.

A study says what it is after in its own words: ``bottom_line: {expr: gross_margin -
total_cost, direction: max}``, ``fill_rate >= 0.95``. Expressions are read with Python's parser
(:mod:`ast`) and the tree is then checked node by node: only KPI names, numbers, ``+ - * /``,
a sign and parentheses are accepted, and evaluation walks the same tree. Nothing in a study
file is ever executed (no ``eval``).

Values are the KPIs as stored: rates are shares (``fill_rate >= 0.95``), money is in the
scenario's currency.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Final, Literal

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from simulator.metrics import KPI_DEFINITIONS

OBJECTIVE_SCOPE: Final = "objective"
"""Scope of the objective rows a study adds to its KPI rows (id ``network``)."""

Values = Mapping[str, np.ndarray]
_Binary = Callable[[np.ndarray, np.ndarray], np.ndarray]
_ARITHMETIC: dict[type[ast.operator], _Binary] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARISONS: dict[type[ast.cmpop], str] = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Formula:
    """A checked arithmetic expression over KPI names.

    Attributes:
        text: The expression as written.
        tree: Its syntax tree, made only of the accepted node types.
    """

    text: str
    tree: ast.expr

    @property
    def names(self) -> tuple[str, ...]:
        """The KPIs it reads, in order of first appearance."""
        found = [node.id for node in ast.walk(self.tree) if isinstance(node, ast.Name)]
        return tuple(dict.fromkeys(found))

    def evaluate(self, values: Values) -> np.ndarray:
        """The expression over arrays of KPI values (element by element; x/0 gives inf or NaN)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(_evaluate(self.tree, values), dtype=np.float64)


def _evaluate(node: ast.expr, values: Values) -> np.ndarray:
    if isinstance(node, ast.Name):
        return np.asarray(values[node.id], dtype=np.float64)
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # checked by _checked
        return np.asarray(float(node.value))
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)  # parse_formula admits nothing else
    apply = _ARITHMETIC[type(node.op)]
    return apply(_evaluate(node.left, values), _evaluate(node.right, values))


def parse_formula(text: str, known: Mapping[str, object] = KPI_DEFINITIONS) -> Formula:
    """Read an arithmetic expression over the names in ``known`` (network KPIs by default).

    Raises:
        ValueError: A syntax error, an operation other than ``+ - * /``, or an unknown name;
            the message gives the column.
    """
    return Formula(text, _checked(_parse(text, "an expression").body, text, known))


def _parse(text: str, what: str) -> ast.Expression:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"{text!r} is not {what}: {error.msg} at column {error.offset}") from None


def _checked(node: ast.expr, text: str, known: Mapping[str, object]) -> ast.expr:
    where = f"at column {getattr(node, 'col_offset', 0) + 1} of {text!r}"
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise ValueError(f"unknown KPI {node.id!r} {where} (see docs/kpis.md)")
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"only numbers and KPI names are allowed, not {node.value!r} {where}")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _checked(node.operand, text, known)
    elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        _checked(node.left, text, known)
        _checked(node.right, text, known)
    else:
        shown = ast.get_source_segment(text.strip(), node) or type(node).__name__
        raise ValueError(f"only + - * / and parentheses are allowed, not {shown!r} {where}")
    return node


class Objective(BaseModel):
    """What a study optimises: an expression over network KPIs and whether more is better.

    Attributes:
        name: How reports call it (``bottom_line`` reads "bottom line").
        expr: The expression, e.g. ``gross_margin - total_cost``.
        direction: ``max`` or ``min``.
        unit: What it is measured in, for display (``EUR``); none by default.
        indifference: The smallest difference worth telling apart, in the objective's unit.
            It sets how many replications the selection procedure asks for; by default the
            observed gap between the best and its closest rival is used.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=_NAME.pattern)
    expr: Annotated[str, AfterValidator(formula_text)]
    direction: Literal["max", "min"]
    unit: str | None = None
    indifference: float | None = Field(None, gt=0)

    @cached_property
    def formula(self) -> Formula:
        """The parsed expression."""
        return parse_formula(self.expr)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "max"

    @property
    def label(self) -> str:
        """Human name with its unit, e.g. ``bottom line (EUR)``."""
        name = self.name.replace("_", " ")
        return f"{name} ({self.unit})" if self.unit else name


@dataclass(frozen=True)
class Constraint:
    """A condition every acceptable variant meets, e.g. ``fill_rate >= 0.95``.

    Attributes:
        text: The condition as written.
        formula: Its left-hand side.
        op: ``>=``, ``>``, ``<=`` or ``<``.
        bound: Its right-hand side, a number.
    """

    text: str
    formula: Formula
    op: str
    bound: float

    @property
    def wants_high(self) -> bool:
        return self.op in (">=", ">")

    def status(self, low: float, high: float) -> Literal["holds", "fails", "unclear"]:
        """Judged on a confidence interval ``[low, high]`` of the left-hand side's mean."""
        worst, best = (low, high) if self.wants_high else (-high, -low)
        bound = self.bound if self.wants_high else -self.bound
        if worst >= bound:
            return "holds"
        return "fails" if best < bound else "unclear"


def parse_constraint(text: str) -> Constraint:
    """Read ``expression OP number`` with OP one of ``>= > <= <``.

    Raises:
        ValueError: Not of that form, or its expression is not valid (see :func:`parse_formula`).
    """
    tree = _parse(text, "a constraint such as 'fill_rate >= 0.95'").body
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1):
        raise ValueError(f"{text!r} is not a constraint such as 'fill_rate >= 0.95'")
    op = _COMPARISONS.get(type(tree.ops[0]))
    if op is None:
        raise ValueError(f"{text!r}: compare with >=, >, <= or <")
    left = Formula(text, _checked(tree.left, text, KPI_DEFINITIONS))
    right = tree.comparators[0]
    if any(isinstance(node, ast.Name) for node in ast.walk(right)):
        raise ValueError(f"{text!r}: the right-hand side must be a number")
    bound = Formula(text, _checked(right, text, {})).evaluate({})
    return Constraint(text.strip(), left, op, float(bound))


def formula_text(text: str) -> str:
    """A pydantic check that an expression parses (the text is kept as written)."""
    parse_formula(text)
    return text


def constraint_text(text: str) -> str:
    """A pydantic check that a constraint parses (the text is kept as written)."""
    parse_constraint(text)
    return text


def formula_rows(runs: pd.DataFrame, formulas: Mapping[str, Formula]) -> pd.DataFrame:
    """Each formula's value per variant and replication, as KPI rows.

    Args:
        runs: Whole-run KPI rows (``variant, replication, scope, id, metric, value`` and any
            other columns, such as ``study`` and ``seed``, which are carried over).
        formulas: Metric name -> formula over network KPIs.

    Returns:
        Rows with scope :data:`OBJECTIVE_SCOPE`, id ``network``, the given names as metrics;
        NaN where a KPI a formula reads is missing in that run. Variants in study order.
    """
    network = runs[(runs["scope"] == "network") & (runs["id"] == "network")]
    keys = [c for c in runs.columns if c not in ("scope", "id", "metric", "value")]
    wide = network.pivot(index=keys, columns="metric", values="value")
    frames = []
    for metric, formula in formulas.items():
        values = {name: _column(wide, name) for name in formula.names}
        frame = wide.index.to_frame(index=False)
        frame["scope"], frame["id"], frame["metric"] = OBJECTIVE_SCOPE, "network", metric
        frame["value"] = np.broadcast_to(formula.evaluate(values), len(frame))
        frames.append(frame)
    if not frames:
        return runs.iloc[0:0]
    rows = pd.concat(frames, ignore_index=True)[list(runs.columns)]
    # The pivot sorted the variants by name; reports keep the study's order.
    order = {variant: k for k, variant in enumerate(pd.unique(runs["variant"]))}
    position = rows["variant"].map(order).to_numpy(dtype=np.int64)
    return rows.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def _column(wide: pd.DataFrame, name: str) -> np.ndarray:
    if name in wide.columns:
        return wide[name].to_numpy(dtype=np.float64)
    return np.full(len(wide), np.nan)
