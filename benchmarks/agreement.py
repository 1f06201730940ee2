"""Checks that the models of a benchmark did the same work, so their times compare.

Each check is a value, what it should be and a tolerance, stated with the check:

* customer orders against the Poisson mean ``E = rate x days x retailers`` (plus one order per
  retailer for a model whose customers also order at time 0): within 4 sd, ``4 sqrt(E)``. With
  desks, an order counts once processed, so the orders still at a desk at the horizon are
  missing: from none to about ``L`` per retailer, ``L`` the steady-state number in an M/M/c
  system (Little: rate x (Erlang C wait + processing time)), which the check allows for;
* units demanded against ``10 E`` (Uniform{5..15} has mean 10 and second moment 110, so the
  compound Poisson sd is ``sqrt(110 E)``): within 4 sd;
* fill rate against the reference model's: within ``0.01 + 1.6 / sqrt(E)``. The 0.01 allows for
  the models' conventions (when a distributor reviews, whether it ships part of an order); the
  second term is 4 sd of the difference of two runs, whose fill rates vary by about
  ``0.3 / sqrt(E)`` from seed to seed (20 seeds of the bare model at (5,100) and (2,10));
* mean wait at a desk against the reference (or Erlang C): within 4 sd of the ratio. At 80 %
  load a run's mean wait over ``n`` customers varies by about ``5.4 % x sqrt(36,500 / n)``
  (30 seeds of the bare M/M/2 model); a difference of two runs by ``sqrt 2`` times that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from network_spec import DEMAND_MAX, DEMAND_MIN

_SIZE_MEAN = (DEMAND_MIN + DEMAND_MAX) / 2
_SIZE_SECOND_MOMENT = _SIZE_MEAN**2 + ((DEMAND_MAX - DEMAND_MIN + 1) ** 2 - 1) / 12
_FILL_CONVENTIONS = 0.01
_FILL_SD = 0.3  # x 1/sqrt(E), seed to seed
_WAIT_SD = 0.054  # relative, at 36,500 customers
_WAIT_CUSTOMERS = 36_500


@dataclass(frozen=True)
class Check:
    """One figure of one model against what it should be."""

    what: str
    model: str
    value: float
    expected: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return abs(self.value - self.expected) <= self.tolerance

    def line(self) -> str:
        verdict = "ok" if self.ok else "DISAGREE"
        return (
            f"  {self.what:<16}{self.model:<13}{self.value:>14.4f}  expected "
            f"{self.expected:.4f} +- {self.tolerance:.4f}  {verdict}"
        )


def erlang_c_wait(rate: float, mean_time: float, servers: int) -> float:
    """Mean wait for a server in an M/M/c queue (Erlang C), in days."""
    load = rate * mean_time  # offered load in servers
    waiting_term = load**servers / math.factorial(servers) / (1 - load / servers)
    no_wait_terms = sum(load**k / math.factorial(k) for k in range(servers))
    p_wait = waiting_term / (no_wait_terms + waiting_term)
    return p_wait * mean_time / (servers - load)


def network_checks(
    outcomes: dict[str, dict[str, float]],
    expected_orders: float,
    extra_orders: dict[str, float],
    reference: str,
    at_desks: float = 0.0,
) -> list[Check]:
    """Orders, units and fill rate of every model of the network.

    Args:
        outcomes: Totals per model name (``customer_orders``, ``demand_units``, ``fill_rate``,
            ``wait_mean`` when there are desks).
        expected_orders: The Poisson mean of the customer orders.
        extra_orders: Orders a model places beyond the Poisson stream (by model name).
        reference: The model whose fill rate and waits the others are held to.
        at_desks: The most orders still at desks at the horizon (0 without desks).
    """
    checks = []
    base = outcomes[reference]
    for model, out in outcomes.items():
        mean = expected_orders + extra_orders.get(model, 0.0)
        counted = mean - at_desks / 2  # anywhere from none to all of them missing
        orders_tolerance = 4 * mean**0.5 + at_desks / 2
        checks.append(
            Check("customer orders", model, out["customer_orders"], counted, orders_tolerance)
        )
        units_tolerance = 4 * (_SIZE_SECOND_MOMENT * mean) ** 0.5 + _SIZE_MEAN * at_desks / 2
        checks.append(
            Check(
                "units demanded", model, out["demand_units"], _SIZE_MEAN * counted, units_tolerance
            )
        )
        if model != reference:
            fill_tolerance = _FILL_CONVENTIONS + 4 * _FILL_SD / mean**0.5
            checks.append(
                Check("fill rate", model, out["fill_rate"], base["fill_rate"], fill_tolerance)
            )
            if not math.isnan(base["wait_mean"]):
                checks.append(wait_check(model, out, base["wait_mean"], math.sqrt(2)))
    return checks


def wait_check(model: str, out: dict[str, float], expected: float, spread: float = 1.0) -> Check:
    """A model's mean desk wait against ``expected``, as a ratio (``spread``: ``sqrt 2`` when
    ``expected`` is another run's, 1 when it is exact)."""
    relative_sd = _WAIT_SD * math.sqrt(_WAIT_CUSTOMERS / out["customer_orders"])
    return Check(
        "mean wait / ref", model, out["wait_mean"] / expected, 1.0, 4 * spread * relative_sd
    )
