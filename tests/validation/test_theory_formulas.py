"""Checks of the analytic reference formulas against independent computations.

Every formula in ``theory_inventory`` and ``theory_queue`` is compared with a value
obtained another way: a published number verified by hand, a brute-force
enumeration over the Poisson pmf, a different closed form (renewal reward instead of
the Markov chain), or a short seeded numpy simulation of the exact recursion. The
simulations use a fixed seed, so the suite is deterministic; their tolerance is five
batch-means standard errors. With 20 batches the standardised error follows a t
distribution with 19 degrees of freedom, so each comparison of a correct formula
would fail for about 8e-5 of seeds (about 1.4e-3 for all 17 together), while an
off-by-one in the protection moves the estimate by over 100 standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import integrate, special
from scipy.stats import poisson
from scipy.stats import t as student_t
from stats_ci import batch_means_ci, mean_ci
from theory_inventory import (
    base_stock_continuous_poisson,
    bullwhip_ma_order_up_to,
    order_up_to_periodic_poisson,
    poisson_net_inventory_parts,
    rQ_continuous_poisson,
    sS_periodic_markov,
)
from theory_queue import erlang_b, erlang_c, mmc_mean_sojourn, mmc_mean_wait, mmc_wait_cdf

# Relative tolerance between two exact evaluations of the same quantity.
EXACT_RTOL = 1e-10
EXACT_ATOL = 1e-12
# Simulated-versus-theory tolerance in batch-means standard errors (module docstring).
N_STANDARD_ERRORS = 5.0
N_BATCHES = 20


# --------------------------------------------------------------------------- helpers


def _pmf_table(mean: float) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Poisson support and pmf, enumerated far past any mass that matters.

    The table runs to the ``1 - 1e-15`` quantile plus 60 points; the neglected mass
    is then far below the test tolerances. The pmf is taken from ``logpmf`` so that
    far-tail terms keep full relative precision.
    """
    if mean == 0.0:
        return np.array([0], dtype=np.int64), np.array([1.0])
    top = int(poisson.ppf(1.0 - 1e-15, mean)) + 60
    support = np.arange(top + 1, dtype=np.int64)
    return support, np.exp(poisson.logpmf(support, mean))


def _brute_parts(y: int, mean: float) -> tuple[float, float]:
    """``(E[(y - D)^+], E[(D - y)^+])`` by direct enumeration of the pmf."""
    support, pmf = _pmf_table(mean)
    net = y - support.astype(np.float64)
    return float(pmf @ np.maximum(net, 0.0)), float(pmf @ np.maximum(-net, 0.0))


def _se_from_half_width(half_width: float, n_batches: int = N_BATCHES) -> float:
    """Convert a 95% batch-means half width back into a standard error."""
    return half_width / float(student_t.ppf(0.975, n_batches - 1))


def _assert_within_se(series: NDArray[np.float64], theory: float, what: str) -> None:
    """Assert the batch-means estimate of ``series`` is within N standard errors."""
    estimate, half_width = batch_means_ci(series, n_batches=N_BATCHES)
    se = _se_from_half_width(half_width)
    assert abs(estimate - theory) <= N_STANDARD_ERRORS * se + 1e-12, (
        f"{what}: simulated {estimate:.6f} +- {se:.2e} (1 SE) vs theory {theory:.6f}"
    )


# ------------------------------------------------------------- Poisson loss functions


@pytest.mark.parametrize("mean", [0.0, 0.05, 1.0, 7.5, 240.0])
def test_poisson_parts_match_enumeration(mean: float) -> None:
    sd = math.sqrt(mean)
    levels = np.arange(-5, int(mean + 8 * sd) + 15)
    below, above = poisson_net_inventory_parts(levels, mean)
    for y, got_below, got_above in zip(levels, below, above, strict=True):
        want_below, want_above = _brute_parts(int(y), mean)
        assert got_below == pytest.approx(want_below, rel=EXACT_RTOL, abs=EXACT_ATOL)
        assert got_above == pytest.approx(want_above, rel=EXACT_RTOL, abs=EXACT_ATOL)
    # E[y - D] = y - mean splits exactly into the two parts.
    np.testing.assert_allclose(below - above, levels - mean, rtol=1e-13, atol=1e-9)


def test_poisson_parts_keep_relative_precision_in_far_tail() -> None:
    # E[(D - y)^+] for y far above the mean is ~1e-30: a formula that subtracts two
    # O(1) numbers would return 0 or noise; the positive-term sum keeps ~12 digits.
    mean = 5.0
    for y in (30, 45, 60):
        d = np.arange(y + 1, y + 400)
        want = float(np.sum((d - y) * np.exp(poisson.logpmf(d, mean))))
        _, got = poisson_net_inventory_parts(np.array([y]), mean)
        assert want > 0.0
        assert got[0] == pytest.approx(want, rel=1e-11)


def test_poisson_parts_reject_non_integer_levels() -> None:
    with pytest.raises(TypeError):
        poisson_net_inventory_parts(np.array([1.5]), 2.0)
    with pytest.raises(ValueError):
        poisson_net_inventory_parts(np.array([1]), -1.0)


# ------------------------------------------------------------------------- base stock


@pytest.mark.parametrize(("lam", "lead"), [(2.0, 3.0), (0.3, 1.5), (40.0, 2.5)])
def test_base_stock_matches_enumeration_and_identities(lam: float, lead: float) -> None:
    m = lam * lead
    for s_level in range(-3, int(m + 7 * math.sqrt(m)) + 5):
        kpi = base_stock_continuous_poisson(s_level, lam, lead)
        want_oh, want_bo = _brute_parts(s_level, m)
        assert kpi.expected_on_hand == pytest.approx(want_oh, rel=EXACT_RTOL, abs=EXACT_ATOL)
        assert kpi.expected_backorders == pytest.approx(want_bo, rel=EXACT_RTOL, abs=EXACT_ATOL)
        # E[IL] = S - E[D(L)] (Little-type balance of the inventory level).
        assert kpi.expected_on_hand - kpi.expected_backorders == pytest.approx(
            s_level - m, rel=1e-12, abs=1e-9
        )
        # Unit Poisson demand: fill rate = ready rate = P(D(L) <= S - 1).
        assert kpi.fill_rate == kpi.ready_rate
        assert kpi.fill_rate == pytest.approx(float(poisson.cdf(s_level - 1, m)), rel=1e-14)
        assert kpi.cycle_service_level == pytest.approx(float(poisson.cdf(s_level, m)), rel=1e-14)


def test_base_stock_zero_lead_time_is_deterministic() -> None:
    for s_level in (-2, 0, 3):
        kpi = base_stock_continuous_poisson(s_level, 1.7, 0.0)
        assert kpi.expected_on_hand == max(s_level, 0)
        assert kpi.expected_backorders == max(-s_level, 0)
        assert kpi.fill_rate == (1.0 if s_level >= 1 else 0.0)
        assert kpi.cycle_service_level == (1.0 if s_level >= 0 else 0.0)


def test_base_stock_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError):
        base_stock_continuous_poisson(2.5, 1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        base_stock_continuous_poisson(2, 0.0, 1.0)
    with pytest.raises(ValueError):
        base_stock_continuous_poisson(2, 1.0, -1.0)


# ---------------------------------------------------------------------------- (r, Q)


@pytest.mark.parametrize("r", [-4, 0, 3, 9])
def test_rq_with_unit_batch_is_base_stock(r: int) -> None:
    lam, lead = 1.3, 4.0
    rq = rQ_continuous_poisson(r, 1, lam, lead)
    bs = base_stock_continuous_poisson(r + 1, lam, lead)
    assert rq.fill_rate == pytest.approx(bs.fill_rate, rel=1e-14)
    assert rq.ready_rate == pytest.approx(bs.ready_rate, rel=1e-14)
    assert rq.cycle_service_level == pytest.approx(bs.cycle_service_level, rel=1e-14)
    assert rq.expected_on_hand == pytest.approx(bs.expected_on_hand, rel=1e-14, abs=1e-15)
    assert rq.expected_backorders == pytest.approx(bs.expected_backorders, rel=1e-14, abs=1e-15)
    assert rq.order_frequency == lam


@pytest.mark.parametrize(("r", "q"), [(2, 5), (-3, 4), (10, 25), (0, 60)])
def test_rq_matches_enumeration_over_uniform_position(r: int, q: int) -> None:
    lam, lead = 2.0, 3.5
    m = lam * lead
    support, pmf = _pmf_table(m)
    # Joint enumeration over (IP, D(L)) with IP uniform on r+1..r+Q.
    positions = np.arange(r + 1, r + q + 1)[:, None]
    net = (positions - support[None, :]).astype(np.float64)
    weight = pmf[None, :] / q
    kpi = rQ_continuous_poisson(r, q, lam, lead)
    assert kpi.expected_on_hand == pytest.approx(float(np.sum(weight * np.maximum(net, 0))))
    assert kpi.expected_backorders == pytest.approx(float(np.sum(weight * np.maximum(-net, 0))))
    assert kpi.fill_rate == pytest.approx(float(np.sum(weight * (net >= 1))), rel=1e-12)
    assert kpi.cycle_service_level == pytest.approx(float(np.sum(weight * (net >= 0))), rel=1e-12)
    assert kpi.order_frequency == pytest.approx(lam / q)


# ------------------------------------------------------------ periodic order-up-to


def _brute_order_up_to(s_level: int, lam: float, n: int) -> tuple[float, float, float, float]:
    """``(fill, csl, on_hand, backorders)`` by enumeration over D(n-1) and D_t.

    The fill rate is computed from the physical description rather than the
    loss-function difference: the period starts with ``max(S - x, 0)`` units on hand
    after ``x = D(n-1)`` units of earlier demand, and its own demand ``d`` is short
    by ``max(d - on_hand, 0)``.
    """
    oh, bo = _brute_parts(s_level, lam * n)
    csl = float(poisson.cdf(s_level, lam * n))
    x_support, x_pmf = _pmf_table(lam * max(n - 1, 0))
    d_support, d_pmf = _pmf_table(lam)
    start_on_hand = np.maximum(s_level - x_support, 0)[:, None]
    short = np.maximum(d_support[None, :] - start_on_hand, 0)
    expected_short = float(x_pmf @ short @ d_pmf)
    return 1.0 - expected_short / lam, csl, oh, bo


@pytest.mark.parametrize("n", [0, 1, 2, 5])
@pytest.mark.parametrize("lam", [0.8, 6.0])
def test_order_up_to_matches_enumeration(n: int, lam: float) -> None:
    top = int(lam * max(n, 1) + 6 * math.sqrt(lam * max(n, 1))) + 3
    for s_level in range(-2, top):
        kpi = order_up_to_periodic_poisson(s_level, lam, n)
        fill, csl, oh, bo = _brute_order_up_to(s_level, lam, n)
        assert kpi.fill_rate == pytest.approx(fill, rel=1e-10, abs=1e-12)
        assert kpi.cycle_service_level == pytest.approx(csl, rel=1e-12, abs=1e-15)
        assert kpi.expected_on_hand == pytest.approx(oh, rel=EXACT_RTOL, abs=EXACT_ATOL)
        assert kpi.expected_backorders == pytest.approx(bo, rel=EXACT_RTOL, abs=EXACT_ATOL)


def _simulate_daily_order_up_to(
    s_level: int, lam: float, lead: int, days: int, seed: int
) -> dict[str, NDArray[np.float64]]:
    """Simulate the simulator's daily step order for an order-up-to-S policy.

    Steps per day: receive shipments due, fill demand from on-hand (backorder the
    rest), order up to S, then record end-of-day stock. The order of day ``t`` is
    placed at the end of the day, time ``t + 1``, and is received at the start of day
    ``t + 1 + lead``, before that day's demand (lead 0: the next day).
    """
    rng = np.random.default_rng(seed)
    demand = rng.poisson(lam, size=days).tolist()
    due = [0] * (days + lead + 2)
    level = s_level  # net inventory: on hand minus backlog
    outstanding = 0
    on_hand = np.empty(days)
    backlog = np.empty(days)
    filled = np.empty(days)
    for day in range(days):
        level += due[day]
        outstanding -= due[day]
        d = demand[day]
        filled[day] = min(d, max(level, 0))
        level -= d
        order = s_level - (level + outstanding)
        due[day + 1 + lead] += order
        outstanding += order
        on_hand[day] = max(level, 0)
        backlog[day] = max(-level, 0)
    return {
        "on_hand": on_hand,
        "backlog": backlog,
        "filled": filled,
        "demand": np.asarray(demand, dtype=np.float64),
    }


@pytest.mark.parametrize(("s_level", "lam", "lead"), [(7, 2.0, 2), (3, 2.0, 0), (12, 3.0, 3)])
def test_order_up_to_protection_matches_daily_step_order(
    s_level: int, lam: float, lead: int
) -> None:
    # Checks the documented mapping n = L + 1 (daily review) against the simulator's
    # timing, including lead time 0, which protects one day (n = 1).
    sim = _simulate_daily_order_up_to(s_level, lam, lead, days=60_000, seed=7 + lead)
    kpi = order_up_to_periodic_poisson(s_level, lam, lead + 1)
    _assert_within_se(sim["on_hand"], kpi.expected_on_hand, "on hand")
    _assert_within_se(sim["backlog"], kpi.expected_backorders, "backlog")
    _assert_within_se((sim["backlog"] == 0).astype(float), kpi.cycle_service_level, "csl")
    # Fill rate is a ratio of sums; per-batch ratios are nearly unbiased at this
    # batch size (3000 days), so the batch-means interval applies to them.
    batch = sim["filled"].size // N_BATCHES
    filled = sim["filled"].reshape(N_BATCHES, batch).sum(axis=1)
    demand = sim["demand"].reshape(N_BATCHES, batch).sum(axis=1)
    ratios = filled / demand
    estimate, half_width = mean_ci(ratios)
    se = _se_from_half_width(half_width)
    assert abs(estimate - kpi.fill_rate) <= N_STANDARD_ERRORS * se + 1e-12


# ---------------------------------------------------------------------------- (s, S)


def _renewal_ss(
    s: int, big_s: int, lam: float, n: int, costs: tuple[float, float, float]
) -> dict[str, float | NDArray[np.float64]]:
    """(s, S) KPIs by renewal reward, independent of the Markov-chain evaluator.

    A cycle starts at an order (IP = S) and lasts while the cumulative demand since
    then is at most ``S - s - 1``. ``u[k]`` is the expected number of review epochs
    in a cycle with cumulative demand exactly ``k``; it solves the renewal equation
    ``u = delta_0 + p * u`` (``p`` the one-period pmf, ``p[0] > 0`` allowed), and the
    average cost is ``(K + sum_k u[k] G(S - k)) / sum_k u[k]`` (Veinott and Wagner,
    "Computing optimal (s, S) inventory policies", Management Science, 1965; Zheng
    and Federgruen, "Finding optimal (s, S) policies is about as simple as evaluating
    a single policy", Operations Research, 1991).
    """
    k_cost, h_cost, b_cost = costs
    span = big_s - s
    pmf = poisson.pmf(np.arange(span), lam)
    u = np.zeros(span)
    for k in range(span):
        acc = (1.0 if k == 0 else 0.0) + float(pmf[1 : k + 1] @ u[k - 1 :: -1][:k])
        u[k] = acc / (1.0 - pmf[0])
    cycle_length = float(u.sum())
    parts = [_brute_parts(big_s - k, lam * n) for k in range(span)]
    on_hand = np.array([p[0] for p in parts])
    backorders = np.array([p[1] for p in parts])
    mean_oh = float(u @ on_hand) / cycle_length
    mean_bo = float(u @ backorders) / cycle_length
    return {
        "average_cost": k_cost / cycle_length + h_cost * mean_oh + b_cost * mean_bo,
        "order_probability": 1.0 / cycle_length,
        "expected_on_hand": mean_oh,
        "expected_backorders": mean_bo,
        # Stationary P(IP = S - k) = u[k] / E[cycle]; reversed to ascending levels.
        "distribution": (u / cycle_length)[::-1].copy(),
    }


SS_CASES = [
    (3, 12, 2.5, 2, (20.0, 1.0, 9.0)),
    (-2, 5, 1.2, 0, (10.0, 1.0, 4.0)),
    (0, 30, 4.0, 3, (50.0, 0.5, 10.0)),
    (10, 11, 3.0, 1, (5.0, 1.0, 5.0)),
    (40, 120, 25.0, 1, (100.0, 0.2, 3.0)),
]


@pytest.mark.parametrize(("s", "big_s", "lam", "n", "costs"), SS_CASES)
def test_ss_markov_chain_matches_renewal_reward(
    s: int, big_s: int, lam: float, n: int, costs: tuple[float, float, float]
) -> None:
    kpi = sS_periodic_markov(s, big_s, lam, n, *costs)
    ref = _renewal_ss(s, big_s, lam, n, costs)
    assert kpi.average_cost == pytest.approx(ref["average_cost"], rel=1e-10)
    assert kpi.order_probability == pytest.approx(ref["order_probability"], rel=1e-10)
    assert kpi.expected_on_hand == pytest.approx(ref["expected_on_hand"], rel=1e-10, abs=1e-12)
    assert kpi.expected_backorders == pytest.approx(
        ref["expected_backorders"], rel=1e-10, abs=1e-12
    )
    assert kpi.inventory_position_levels == tuple(range(s + 1, big_s + 1))
    np.testing.assert_allclose(
        kpi.inventory_position_probabilities, ref["distribution"], rtol=1e-9, atol=1e-14
    )


def test_ss_markov_chain_matches_recursion_simulation() -> None:
    s, big_s, lam, n = 3, 12, 2.5, 2
    k_cost, h_cost, b_cost = 20.0, 1.0, 9.0
    periods, warmup = 200_000, 1_000
    rng = np.random.default_rng(20240611)
    demand = rng.poisson(lam, size=periods + n + 1)
    # demand[t] falls between review epochs t - 1 and t; y[t] is IP after ordering
    # at epoch t, the recursion the chain describes.
    demand_list = demand.tolist()
    position = big_s
    ip_after = np.empty(periods)
    ordered = np.zeros(periods)
    for t in range(periods):
        position -= demand_list[t]
        if position <= s:
            position = big_s
            ordered[t] = 1.0
        ip_after[t] = position
    cum = np.concatenate(([0], np.cumsum(demand)))
    # End-of-period level n periods after epoch t: y[t] minus demand t+1..t+n.
    idx = np.arange(periods)
    level = ip_after - (cum[idx + n + 1] - cum[idx + 1])
    on_hand = np.maximum(level, 0.0)
    backlog = np.maximum(-level, 0.0)
    cost = k_cost * ordered + h_cost * on_hand + b_cost * backlog

    kpi = sS_periodic_markov(s, big_s, lam, n, k_cost, h_cost, b_cost)
    _assert_within_se(cost[warmup:], kpi.average_cost, "cost")
    _assert_within_se(ordered[warmup:], kpi.order_probability, "order probability")
    _assert_within_se(on_hand[warmup:], kpi.expected_on_hand, "on hand")
    _assert_within_se(backlog[warmup:], kpi.expected_backorders, "backlog")
    _assert_within_se((level[warmup:] >= 0).astype(float), kpi.cycle_service_level, "csl")


@pytest.mark.parametrize(("big_s", "lam", "n"), [(5, 1.5, 0), (8, 2.0, 2), (-1, 0.7, 1)])
def test_ss_with_s_one_below_big_s_is_order_up_to(big_s: int, lam: float, n: int) -> None:
    k_cost, h_cost, b_cost = 15.0, 1.0, 7.0
    kpi = sS_periodic_markov(big_s - 1, big_s, lam, n, k_cost, h_cost, b_cost)
    out = order_up_to_periodic_poisson(big_s, lam, n)
    # An order is placed whenever any demand occurs; K only adds cost then.
    order_prob = -math.expm1(-lam)
    assert kpi.order_probability == pytest.approx(order_prob, rel=1e-13)
    assert kpi.expected_on_hand == pytest.approx(out.expected_on_hand, rel=1e-13, abs=1e-15)
    assert kpi.expected_backorders == pytest.approx(out.expected_backorders, rel=1e-13, abs=1e-15)
    assert kpi.cycle_service_level == pytest.approx(out.cycle_service_level, rel=1e-13)
    assert kpi.average_cost == pytest.approx(
        k_cost * order_prob + h_cost * out.expected_on_hand + b_cost * out.expected_backorders,
        rel=1e-13,
    )


def test_ss_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        sS_periodic_markov(5, 5, 1.0, 1, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        sS_periodic_markov(0, 5, 1.0, -1, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        sS_periodic_markov(0, 5, 1.0, 1, -1.0, 1.0, 1.0)


# -------------------------------------------------------------------------- bullwhip


@pytest.mark.parametrize(("k", "p", "want"), [(1.0, 1, 5.0), (2.0, 4, 2.5), (0.0, 3, 1.0)])
def test_bullwhip_published_values(k: float, p: int, want: float) -> None:
    assert bullwhip_ma_order_up_to(k, p) == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize(("k", "p"), [(1.0, 1), (3.0, 5), (2.5, 7), (10.0, 4)])
def test_bullwhip_matches_order_filter_coefficients(k: float, p: int) -> None:
    # Write q_t = y_t - y_{t-1} + D_t as a linear filter of D_t, D_{t-1}, ..., with
    # y_t = (k/p) (D_t + ... + D_{t-p+1}); for i.i.d. demand Var(q)/Var(D) is the sum
    # of squared filter coefficients.
    coef = np.zeros(p + 2)
    coef[0] += 1.0
    coef[0:p] += k / p
    coef[1 : p + 1] -= k / p
    assert bullwhip_ma_order_up_to(k, p) == pytest.approx(float(coef @ coef), rel=1e-13)


# -------------------------------------------------------------------- M/M/c queues


def test_erlang_c_two_servers_unit_load_by_hand() -> None:
    # c = 2, a = 1: p0 = 1 / (1 + 1 + (1/2) / (1 - 1/2)) = 1/3,
    # C = (a^c / c!) / (1 - rho) * p0 = (1/2) * 2 * (1/3) = 1/3; Wq = C / (c mu - lam).
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-15)
    assert erlang_c(2, 1.0, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-15)
    assert mmc_mean_wait(2, 1.0, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-15)
    assert mmc_mean_sojourn(2, 1.0, 1.0) == pytest.approx(4.0 / 3.0, rel=1e-15)


def test_erlang_c_three_servers_by_hand() -> None:
    # c = 3, a = 2: p0 = 1 / (1 + 2 + 2 + (8/6) * 3) = 1/9, C = (8/6) * 3 / 9 = 4/9.
    assert erlang_c(3, 2.0, 1.0) == pytest.approx(4.0 / 9.0, rel=1e-14)
    assert mmc_mean_wait(3, 2.0, 1.0) == pytest.approx(4.0 / 9.0, rel=1e-14)


@pytest.mark.parametrize(("lam", "mu"), [(0.5, 1.0), (0.9, 1.0), (3.0, 4.0), (0.0, 2.0)])
def test_mm1_special_case(lam: float, mu: float) -> None:
    rho = lam / mu
    assert erlang_c(1, lam, mu) == pytest.approx(rho, rel=1e-14, abs=1e-15)
    assert mmc_mean_wait(1, lam, mu) == pytest.approx(rho / (mu - lam), rel=1e-14, abs=1e-15)
    assert mmc_mean_sojourn(1, lam, mu) == pytest.approx(1.0 / (mu - lam), rel=1e-14)


def _erlang_c_logspace(c: int, a: float) -> float:
    """Textbook Erlang C formula evaluated in log space (no recursion)."""
    rho = a / c
    k = np.arange(c)
    log_terms = k * math.log(a) - special.gammaln(k + 1)
    log_last = c * math.log(a) - special.gammaln(c + 1) - math.log1p(-rho)
    log_norm = special.logsumexp(np.append(log_terms, log_last))
    return math.exp(log_last - log_norm)


@pytest.mark.parametrize("c", [1, 5, 50, 500])
@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99])
def test_erlang_c_matches_log_space_formula(c: int, rho: float) -> None:
    mu = 0.7
    lam = rho * c * mu
    got = erlang_c(c, lam, mu)
    assert 0.0 < got < 1.0
    assert got == pytest.approx(_erlang_c_logspace(c, lam / mu), rel=1e-9)


def test_wait_cdf_is_consistent_with_mean_wait() -> None:
    c, lam, mu = 4, 3.2, 1.0
    prob_wait = erlang_c(c, lam, mu)
    assert mmc_wait_cdf(c, lam, mu, -1.0) == 0.0
    assert mmc_wait_cdf(c, lam, mu, 0.0) == pytest.approx(1.0 - prob_wait, rel=1e-15)
    assert mmc_wait_cdf(c, lam, mu, 1e3) == pytest.approx(1.0, rel=1e-15)
    # E[Wq] = integral of P(Wq > t) over t >= 0.
    tail: Callable[[float], float] = lambda t: 1.0 - mmc_wait_cdf(c, lam, mu, t)  # noqa: E731
    mean_from_cdf, _ = integrate.quad(tail, 0.0, np.inf)
    assert mean_from_cdf == pytest.approx(mmc_mean_wait(c, lam, mu), rel=1e-8)


def test_queue_rejects_unstable_or_invalid() -> None:
    with pytest.raises(ValueError):
        erlang_c(2, 2.0, 1.0)
    with pytest.raises(ValueError):
        mmc_mean_wait(1, 1.5, 1.0)
    with pytest.raises(ValueError):
        mmc_wait_cdf(0, 0.5, 1.0, 1.0)
    with pytest.raises(ValueError):
        mmc_mean_sojourn(1, 0.5, 0.0)


# ------------------------------------------------------------ confidence intervals


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_mean_ci_matches_scipy_t_interval(confidence: float) -> None:
    samples = np.random.default_rng(3).gamma(2.0, 1.5, size=37)
    mean, half_width = mean_ci(samples, confidence)
    sem = float(samples.std(ddof=1)) / math.sqrt(samples.size)
    low, high = student_t.interval(confidence, samples.size - 1, loc=samples.mean(), scale=sem)
    assert mean == pytest.approx(float(samples.mean()), rel=1e-14)
    assert mean - half_width == pytest.approx(low, rel=1e-12)
    assert mean + half_width == pytest.approx(high, rel=1e-12)


def test_batch_means_ci_uses_last_full_batches() -> None:
    series = np.random.default_rng(5).normal(10.0, 2.0, size=1003)
    mean, half_width = batch_means_ci(series, n_batches=10, confidence=0.9)
    # The 3 leftover observations are dropped from the start of the run.
    batch_means = series[3:].reshape(10, 100).mean(axis=1)
    want_mean, want_half = mean_ci(batch_means, 0.9)
    assert mean == pytest.approx(want_mean, rel=1e-14)
    assert half_width == pytest.approx(want_half, rel=1e-12)
    assert mean == pytest.approx(float(series[3:].mean()), rel=1e-13)


def test_ci_helpers_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        mean_ci([1.0])
    with pytest.raises(ValueError):
        mean_ci([1.0, 2.0], confidence=1.0)
    with pytest.raises(ValueError):
        batch_means_ci(np.arange(5.0), n_batches=10)
    with pytest.raises(ValueError):
        batch_means_ci(np.arange(50.0), n_batches=1)
