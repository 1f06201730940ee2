"""Exact analytic inventory KPIs used as the reference values of the validation tests.

Nothing here simulates: every function evaluates a textbook formula for Poisson demand,
so the tests can compare a simulated confidence interval against a number that carries
no sampling error of its own.

Timing conventions of the simulator and how they map onto the arguments below:

* Event path (continuous time). Customers arrive as a Poisson process of rate ``lam``
  per day, each asking for one unit; review is continuous, the lead time ``L`` days is
  deterministic and shortages are backordered. By PASTA an arriving customer sees the
  time-stationary inventory level ``IL = IP - D(L)`` with ``D(L) ~ Poisson(lam * L)``
  independent of the inventory position ``IP``.
* Daily path (one period is one day). On day ``t`` the simulator (1) receives the
  shipments due, (2) fills the day's demand ``D_t ~ Poisson(lam)`` from on-hand stock
  and backorders the rest, (3) reviews and orders, (4) books holding cost on the
  end-of-day on-hand stock and backorder cost on the end-of-day backlog. Ordering and
  shipping in step (3) happen at the end of day ``t``, time ``t + 1``: an order with
  integer lead time ``L >= 0`` arrives in step (1) of day ``t + 1 + L``, before that
  day's demand (``L = 0``: at the start of the next day). If the inventory position
  after the review of day ``t`` is ``y``, the end-of-day inventory level of day
  ``t + n`` is ``y - D(n)``, where ``D(n)`` is the demand of days ``t + 1, ..., t + n``
  and ``n`` is called the *protection* (in periods). This holds for the days served
  by that order, from the day it arrives (``n = L + 1``) to the day before the next
  order arrives. With a review every day that is a single day: ``n = L + 1``, the
  textbook protection ``L + R`` with ``R = 1``. With a review every ``R`` days,
  aligned at the review days ``t, t + R, ...``, the order of day ``t`` serves days
  ``t + L + 1, ..., t + L + R`` (the next one arrives at the start of day
  ``t + R + L + 1``), whose end-of-day levels have protections
  ``L + 1, L + 2, ..., L + R``; period averages are the mean over those ``R`` values,
  and the last day before the next order arrives (the usual "cycle" check, day
  ``t + L + R``; the next review day itself when ``L = 0``) uses ``n = L + R``.

All infinite sums over the Poisson distribution are evaluated from positive terms up
to the ``1 - 1e-12`` quantile (or further, if the argument lies beyond it) and the
remainder beyond that point is added in closed form, so nothing is neglected; only
ordinary floating-point rounding remains.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import SupportsIndex

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import poisson

__all__ = [
    "BaseStockKPIs",
    "OrderUpToKPIs",
    "RQKPIs",
    "SSKPIs",
    "base_stock_continuous_poisson",
    "bullwhip_ma_order_up_to",
    "order_up_to_periodic_poisson",
    "poisson_net_inventory_parts",
    "rQ_continuous_poisson",
    "sS_periodic_markov",
]

# Truncation quantile of the explicit tail sums; the remainder past it is added in
# closed form (see ``poisson_net_inventory_parts``).
_TAIL_QUANTILE = 1.0 - 1e-12

# A dense transition matrix of this many states takes ~32 MB; larger (s, S) gaps
# belong to a sparse or renewal-based evaluator, not to a test oracle.
_MAX_SS_STATES = 2000


@dataclass(frozen=True)
class BaseStockKPIs:
    """Stationary KPIs of a continuous-review base-stock policy.

    Attributes:
        fill_rate: Probability that a unit demand is filled immediately from stock,
            ``P(D(L) <= S - 1)``.
        ready_rate: Time share with positive on-hand stock, ``P(IL > 0)``. Equal to the
            fill rate for unit Poisson demand (PASTA), reported separately because the
            simulator measures the two differently.
        cycle_service_level: ``P(IL >= 0) = P(D(L) <= S)``, the time share with no
            outstanding backorder.
        expected_on_hand: Time-average on-hand stock ``E[(S - D(L))^+]``.
        expected_backorders: Time-average backlog ``E[(D(L) - S)^+]``.
    """

    fill_rate: float
    ready_rate: float
    cycle_service_level: float
    expected_on_hand: float
    expected_backorders: float


@dataclass(frozen=True)
class OrderUpToKPIs:
    """End-of-period KPIs of a periodic order-up-to policy.

    Attributes:
        fill_rate: Share of demand filled from stock in the period it occurs.
        cycle_service_level: Share of periods that end without backlog,
            ``P(IL_end >= 0) = P(D(n) <= S)``.
        expected_on_hand: Mean end-of-period on-hand stock ``E[(S - D(n))^+]``.
        expected_backorders: Mean end-of-period backlog ``E[(D(n) - S)^+]``.
    """

    fill_rate: float
    cycle_service_level: float
    expected_on_hand: float
    expected_backorders: float


@dataclass(frozen=True)
class RQKPIs:
    """Stationary KPIs of a continuous-review (r, Q) policy.

    Attributes:
        fill_rate: Probability that a unit demand is filled immediately from stock.
        ready_rate: Time share with positive on-hand stock (equal to the fill rate
            for unit Poisson demand).
        cycle_service_level: Time share with no outstanding backorder, ``P(IL >= 0)``.
        expected_on_hand: Time-average on-hand stock.
        expected_backorders: Time-average backlog.
        order_frequency: Mean number of orders per day, ``lam / Q``.
    """

    fill_rate: float
    ready_rate: float
    cycle_service_level: float
    expected_on_hand: float
    expected_backorders: float
    order_frequency: float


@dataclass(frozen=True)
class SSKPIs:
    """Stationary per-period KPIs of a periodic-review (s, S) policy.

    Attributes:
        average_cost: Long-run cost per period,
            ``K * order_probability + h * expected_on_hand + b * expected_backorders``.
        order_probability: Long-run share of periods in which an order is placed.
        expected_on_hand: Mean end-of-period on-hand stock.
        expected_backorders: Mean end-of-period backlog.
        cycle_service_level: Share of periods that end without backlog.
        inventory_position_levels: Support ``s + 1, ..., S`` of the inventory position
            after ordering.
        inventory_position_probabilities: Its stationary distribution, aligned with
            ``inventory_position_levels``.
    """

    average_cost: float
    order_probability: float
    expected_on_hand: float
    expected_backorders: float
    cycle_service_level: float
    inventory_position_levels: tuple[int, ...]
    inventory_position_probabilities: tuple[float, ...]


def _as_int(name: str, value: SupportsIndex) -> int:
    """Return ``value`` as a Python int, refusing floats so units are never rounded."""
    try:
        return operator.index(value)
    except TypeError as exc:
        raise TypeError(f"{name} must be an integer, got {value!r}") from exc


def _check_nonnegative(name: str, value: float) -> float:
    """Return ``value`` as a float after checking it is finite and >= 0."""
    out = float(value)
    if not math.isfinite(out) or out < 0.0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return out


def _check_positive(name: str, value: float) -> float:
    """Return ``value`` as a float after checking it is finite and > 0."""
    out = _check_nonnegative(name, value)
    if out == 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return out


def poisson_net_inventory_parts(
    y: ArrayLike, mean: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Positive and negative parts of ``y - D`` for ``D ~ Poisson(mean)``.

    These are the first-order loss functions behind every inventory formula here:
    with ``y`` the inventory position and ``D`` the demand over the protection
    interval, they are the expected on-hand stock and backlog (Zipkin, *Foundations of
    Inventory Management*, ch. 6; Hopp and Spearman, *Factory Physics*, sec. 2.4).

    Both are computed as sums of nonnegative terms only, so no digits are lost to
    cancellation, whichever side of the mean ``y`` lies on:

    * ``y <= mean``: ``E[(y - D)^+] = sum_{j<y} P(D <= j)`` (finite), and
      ``E[(D - y)^+] = E[(y - D)^+] + mean - y`` (both terms >= 0).
    * ``y > mean``: ``E[(D - y)^+] = sum_{j>=y} P(D > j)``, summed to
      ``U = max(poisson.ppf(1 - 1e-12), max y) + 1`` with the remainder
      ``E[(D - U)^+] = (mean - U) P(D > U) + mean P(D = U)`` added in closed form
      (that identity cancels digits, but it only touches a remainder that is already
      negligible), and ``E[(y - D)^+] = E[(D - y)^+] + y - mean``.

    Args:
        y: Integer level(s), any sign.
        mean: Poisson mean ``>= 0``.

    Returns:
        ``(E[(y - D)^+], E[(D - y)^+])`` as float arrays of the shape of ``y``.

    Raises:
        TypeError: If ``y`` is not integer-valued.
        ValueError: If ``mean`` is negative or not finite.
    """
    m = _check_nonnegative("mean", mean)
    y_arr = np.asarray(y)
    if y_arr.dtype.kind not in "iu":
        raise TypeError(f"y must hold integers, got dtype {y_arr.dtype}")
    yv = y_arr.astype(np.int64)
    yf = yv.astype(np.float64)
    if m == 0.0:
        return np.maximum(yf, 0.0), np.maximum(-yf, 0.0)

    above_mean = yf > m
    below = np.zeros(yv.shape, dtype=np.float64)
    above = np.zeros(yv.shape, dtype=np.float64)

    low = ~above_mean
    if low.any():
        y_low = np.maximum(yv[low], 0)
        # prefix[k] = sum_{j<k} P(D <= j) = E[(k - D)^+] for k >= 0.
        cdf = poisson.cdf(np.arange(int(y_low.max())), m)
        prefix = np.concatenate(([0.0], np.cumsum(cdf)))
        below[low] = prefix[y_low]
        above[low] = below[low] + (m - yf[low])

    if above_mean.any():
        y_high = yv[above_mean]
        y_min = int(y_high.min())
        upper = max(int(poisson.ppf(_TAIL_QUANTILE, m)), int(y_high.max())) + 1
        sf = poisson.sf(np.arange(y_min, upper), m)
        # Accumulate from the smallest (far-tail) terms upward for accuracy.
        suffix = np.cumsum(sf[::-1])[::-1]
        remainder = max((m - upper) * poisson.sf(upper, m) + m * poisson.pmf(upper, m), 0.0)
        above[above_mean] = suffix[y_high - y_min] + remainder
        below[above_mean] = above[above_mean] + (yf[above_mean] - m)
    return below, above


def base_stock_continuous_poisson(S: int, lam: float, L: float) -> BaseStockKPIs:
    """Continuous-review base-stock policy with unit Poisson demand and backorders.

    The inventory position is held at ``S``; by PASTA an arrival sees
    ``IL = S - D(L)`` with ``D(L) ~ Poisson(lam * L)`` (Zipkin, *Foundations of
    Inventory Management*, ch. 6, base-stock policy with Poisson demand; Hopp and
    Spearman, *Factory Physics*, sec. 2.4, base-stock model, where fill rate
    ``= G(S - 1)`` with ``G`` the lead-time-demand cdf).

    Args:
        S: Base-stock level (integer, may be negative).
        lam: Demand rate in units per day, ``> 0``.
        L: Deterministic lead time in days, ``>= 0``.

    Returns:
        Fill rate, ready rate, cycle service level, mean on-hand and mean backlog.
    """
    s_level = _as_int("S", S)
    rate = _check_positive("lam", lam)
    m = rate * _check_nonnegative("L", L)
    on_hand, backorders = poisson_net_inventory_parts(np.array([s_level]), m)
    # A unit demand is filled iff at least one unit is on hand: IL >= 1, D(L) <= S - 1.
    fill = float(poisson.cdf(s_level - 1, m))
    return BaseStockKPIs(
        fill_rate=fill,
        ready_rate=fill,
        cycle_service_level=float(poisson.cdf(s_level, m)),
        expected_on_hand=float(on_hand[0]),
        expected_backorders=float(backorders[0]),
    )


def order_up_to_periodic_poisson(S: int, lam: float, n: int) -> OrderUpToKPIs:
    """Periodic-review order-up-to-``S`` policy with Poisson period demand.

    End-of-period net inventory is ``S - D(n)`` with ``D(n) ~ Poisson(lam * n)``; see
    the module docstring for the protection ``n`` (``n = L + 1`` with a daily review).

    The fill rate is the expected new backlog created in a period divided by the
    expected period demand (Axsäter, *Inventory Control*, ch. 5, fill rate as expected
    shortage per period over expected demand; Silver, Pyke and Thomas, *Inventory and
    Production Management in Supply Chains*, expected shortage per replenishment
    cycle). The order covering the period arrives at its start, when the backlog is
    ``(D(n-1) - S)^+``; at its end the backlog is ``(D(n) - S)^+``; so

        fill_rate = 1 - (E[(D(n) - S)^+] - E[(D(n-1) - S)^+]) / lam,

    the exact form (the common approximation drops the second term). The case
    ``n = 0`` describes a model in which the order arrives within the period, after its
    demand (``IL_end = S``); the period's demand then meets the stock ``S`` restored the
    period before, so the fill rate uses protections ``(1, 0)``. The simulator's daily
    path never has ``n = 0``: there lead time 0 gives ``n = 1``.

    Args:
        S: Order-up-to level (integer, may be negative).
        lam: Mean demand per period, ``> 0``.
        n: Protection in periods, ``>= 0``.

    Returns:
        Fill rate, cycle service level, mean end-of-period on-hand and backlog.
    """
    s_level = _as_int("S", S)
    rate = _check_positive("lam", lam)
    n_int = _as_int("n", n)
    if n_int < 0:
        raise ValueError(f"n must be >= 0, got {n_int}")
    on_hand, backorders = poisson_net_inventory_parts(np.array([s_level]), rate * n_int)
    n_end = max(n_int, 1)
    _, bo_end = poisson_net_inventory_parts(np.array([s_level]), rate * n_end)
    _, bo_start = poisson_net_inventory_parts(np.array([s_level]), rate * (n_end - 1))
    new_backlog = max(float(bo_end[0] - bo_start[0]), 0.0)
    return OrderUpToKPIs(
        fill_rate=1.0 - new_backlog / rate,
        cycle_service_level=float(poisson.cdf(s_level, rate * n_int)),
        expected_on_hand=float(on_hand[0]),
        expected_backorders=float(backorders[0]),
    )


def rQ_continuous_poisson(r: int, Q: int, lam: float, L: float) -> RQKPIs:
    """Continuous-review (r, Q) policy with unit Poisson demand and backorders.

    With unit demand and integer ``r``, ``Q`` the inventory position is uniform on
    ``{r + 1, ..., r + Q}`` and independent of the lead-time demand ``D(L)``, so every
    KPI is the base-stock KPI averaged over ``y`` in that set (Hadley and Whitin,
    *Analysis of Inventory Systems*, ch. 4; Hopp and Spearman, *Factory Physics*,
    sec. 2.4, (Q, r) model: fill rate ``(1/Q) sum G(y - 1)``; Zipkin, *Foundations of
    Inventory Management*, ch. 6).

    Args:
        r: Reorder point (integer, may be negative).
        Q: Order quantity, ``>= 1``.
        lam: Demand rate in units per day, ``> 0``.
        L: Deterministic lead time in days, ``>= 0``.

    Returns:
        Fill rate, ready rate, cycle service level, mean on-hand, mean backlog and
        orders per day.
    """
    r_int = _as_int("r", r)
    q_int = _as_int("Q", Q)
    if q_int < 1:
        raise ValueError(f"Q must be >= 1, got {q_int}")
    rate = _check_positive("lam", lam)
    m = rate * _check_nonnegative("L", L)
    levels = np.arange(r_int + 1, r_int + q_int + 1, dtype=np.int64)
    on_hand, backorders = poisson_net_inventory_parts(levels, m)
    fill = float(np.mean(poisson.cdf(levels - 1, m)))
    return RQKPIs(
        fill_rate=fill,
        ready_rate=fill,
        cycle_service_level=float(np.mean(poisson.cdf(levels, m))),
        expected_on_hand=float(np.mean(on_hand)),
        expected_backorders=float(np.mean(backorders)),
        # Every unit of demand moves IP down one step; Q steps make one order.
        order_frequency=rate / q_int,
    )


def sS_periodic_markov(s: int, S: int, lam: float, n: int, K: float, h: float, b: float) -> SSKPIs:
    """Exact evaluation of a periodic-review (s, S) policy by its Markov chain.

    At the end of each period the inventory position is reviewed; if it is ``<= s``
    it is raised to ``S``. The state is the inventory position after ordering,
    ``y in {s + 1, ..., S}``; one period's demand ``D ~ Poisson(lam)`` moves it to
    ``y - D`` if that stays above ``s`` and to ``S`` otherwise. The chain is
    irreducible (``S`` reaches every state in one step and is reached from every
    state), so its stationary distribution ``pi`` is unique; it solves
    ``pi (I - P + 1 1^T) = 1^T``, a nonsingular system for an irreducible chain
    (Tijms, *A First Course in Stochastic Models*, ch. 3, discrete-time Markov chains
    and their long-run average rewards). The end-of-period level ``n``
    periods after a review that left ``IP = y`` is ``y - D(n)`` with ``D(n)``
    independent of ``y``, so the per-period averages are ``pi``-weighted loss
    functions, and the long-run cost per period is the expected one-period cost
    under ``pi`` (Markov reward theorem).

    Args:
        s: Reorder level (integer).
        S: Order-up-to level, ``S > s``.
        lam: Mean demand per period, ``> 0``.
        n: Protection in periods (``n = L + 1`` with a daily review), ``>= 0``;
            ``n = 0`` means the end-of-period level equals ``y``.
        K: Fixed cost per order, ``>= 0``.
        h: Holding cost per unit of end-of-period on-hand stock, ``>= 0``.
        b: Backorder cost per unit of end-of-period backlog, ``>= 0``.

    Returns:
        Average cost, order probability, mean end-of-period on-hand and backlog,
        cycle service level and the stationary distribution of ``IP`` after ordering.
    """
    s_int = _as_int("s", s)
    big_s = _as_int("S", S)
    if big_s <= s_int:
        raise ValueError(f"S must exceed s, got s={s_int}, S={big_s}")
    n_states = big_s - s_int
    if n_states > _MAX_SS_STATES:
        raise ValueError(f"S - s = {n_states} exceeds {_MAX_SS_STATES} states")
    rate = _check_positive("lam", lam)
    n_int = _as_int("n", n)
    if n_int < 0:
        raise ValueError(f"n must be >= 0, got {n_int}")
    k_cost = _check_nonnegative("K", K)
    h_cost = _check_nonnegative("h", h)
    b_cost = _check_nonnegative("b", b)

    levels = np.arange(s_int + 1, big_s + 1, dtype=np.int64)
    # P[i, j] = P(D = y_i - y_j) for y_j <= y_i (no order), plus the ordering mass
    # P(D >= y_i - s) = P(D > y_i - s - 1) on the column of S.
    gaps = levels[:, None] - levels[None, :]
    transition = np.where(gaps >= 0, poisson.pmf(np.maximum(gaps, 0), rate), 0.0)
    order_prob_by_state = poisson.sf(levels - s_int - 1, rate)
    transition[:, -1] += order_prob_by_state

    system = np.eye(n_states) - transition + 1.0
    stationary = np.linalg.solve(system.T, np.ones(n_states))
    # Round-off can leave -1e-17 entries in states that are almost never visited.
    stationary = np.clip(stationary, 0.0, None)
    stationary /= stationary.sum()

    on_hand, backorders = poisson_net_inventory_parts(levels, rate * n_int)
    order_probability = float(stationary @ order_prob_by_state)
    mean_on_hand = float(stationary @ on_hand)
    mean_backorders = float(stationary @ backorders)
    return SSKPIs(
        average_cost=k_cost * order_probability + h_cost * mean_on_hand + b_cost * mean_backorders,
        order_probability=order_probability,
        expected_on_hand=mean_on_hand,
        expected_backorders=mean_backorders,
        cycle_service_level=float(stationary @ poisson.cdf(levels, rate * n_int)),
        inventory_position_levels=tuple(int(v) for v in levels),
        inventory_position_probabilities=tuple(float(v) for v in stationary),
    )


def bullwhip_ma_order_up_to(k: float, p: int) -> float:
    """Order-to-demand variance ratio of an order-up-to policy with a moving average.

    The order-up-to level is ``k`` times the ``p``-period moving average of demand
    (``k`` = periods of cover), the moving average includes the demand just
    observed, and each order replaces that demand plus the change of the level:
    ``q_t = D_t + (k/p)(D_t - D_{t-p})``. For i.i.d. demand and a constant safety
    stock this gives exactly

        Var(q) / Var(D) = 1 + 2k/p + 2k^2/p^2

    (Chen, Drezner, Ryan and Simchi-Levi, "Quantifying the bullwhip effect in a
    simple supply chain", Management Science 46(3), 2000: their lower bound, attained
    for uncorrelated demand; they write ``L`` for ``k``). Orders are not truncated at
    zero; a simulator that forbids negative orders shows a slightly smaller ratio.

    Args:
        k: Periods of cover multiplying the moving-average forecast, ``>= 0``.
        p: Moving-average window in periods, ``>= 1``.

    Returns:
        The variance ratio ``Var(q) / Var(D)``.
    """
    cover = _check_nonnegative("k", k)
    window = _as_int("p", p)
    if window < 1:
        raise ValueError(f"p must be >= 1, got {window}")
    ratio = cover / window
    return 1.0 + 2.0 * ratio + 2.0 * ratio * ratio
