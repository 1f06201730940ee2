"""Allocation rules: exact shares, their defining properties, and their effect in a network."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.allocation import (
    AllocationRequest,
    FairShare,
    FirstComeFirstServed,
    Priority,
    PriorityParams,
    _grant_arrays,
    _grant_few,
    grant_in_order,
)
from simulator import run
from simulator.scenario import scenario_from_data

Grants = tuple[np.ndarray, np.ndarray, np.ndarray]  # groups, quantities, supply per group


def request(
    quantity: list[float],
    available: list[float],
    supplier: list[int] | None = None,
    tier: list[int] | None = None,
    channel: list[str] | None = None,
) -> AllocationRequest:
    n = len(quantity)
    return AllocationRequest(
        supplier=np.asarray(supplier or [0] * n),
        quantity=np.asarray(quantity, dtype=float),
        tier=np.asarray(tier or [1] * n),
        channel=np.asarray(channel or [""] * n, dtype=object),
        available=np.asarray(available, dtype=float),
    )


def test_first_come_first_served_fills_in_arrival_order() -> None:
    granted = FirstComeFirstServed().allocate(request([4, 5, 3], [7]))
    assert granted.tolist() == [4, 3, 0]


def test_fair_share_gives_everyone_the_same_fraction() -> None:
    granted = FairShare().allocate(request([4, 6, 10], [10]))
    assert granted.tolist() == pytest.approx([2, 3, 5])


def test_priority_by_tier_serves_tier_one_first_then_arrival() -> None:
    rule = Priority(PriorityParams(by="tier"))
    granted = rule.allocate(request([4, 5, 3], [7], tier=[2, 1, 1]))
    assert granted.tolist() == [0, 5, 2]


def test_priority_by_channel_follows_the_given_order() -> None:
    rule = Priority(PriorityParams(by="channel", order=["retail", "wholesale"]))
    granted = rule.allocate(request([4, 4, 4], [6], channel=["wholesale", "", "retail"]))
    assert granted.tolist() == [2, 0, 4]  # retail, then wholesale, then unlisted


requests = st.integers(1, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 50), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.lists(st.integers(1, 3), min_size=n, max_size=n),
        st.lists(st.floats(0, 80), min_size=3, max_size=3),
    )
)
RULES = [FirstComeFirstServed(), FairShare(), Priority(PriorityParams(by="tier"))]


@settings(max_examples=150, deadline=None)
@given(requests)
def test_no_rule_gives_more_than_asked_or_more_than_there_is(case: Any) -> None:
    quantity, supplier, tier, available = case
    req = request(quantity, available, supplier, tier)
    for rule in RULES:
        granted = rule.allocate(req)
        assert (granted >= -1e-12).all() and (granted <= req.quantity + 1e-9).all()
        given_out = np.bincount(req.supplier, weights=granted, minlength=3)
        wanted = np.bincount(req.supplier, weights=req.quantity, minlength=3)
        # Nothing is held back either: a supplier gives min(what it has, what is asked).
        assert given_out == pytest.approx(np.minimum(req.available, wanted), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(requests)
def test_priority_never_serves_a_worse_tier_while_a_better_one_waits(case: Any) -> None:
    quantity, supplier, tier, available = case
    req = request(quantity, available, supplier, tier)
    granted = Priority(PriorityParams(by="tier")).allocate(req)
    for s in range(3):
        mine = req.supplier == s
        short = mine & (granted < req.quantity - 1e-9)
        served = mine & (granted > 1e-9)
        if short.any() and served.any():
            # Whoever is short has a tier no better than anyone who got something... except
            # the one request that was partly filled, which shares the last tier served.
            assert req.tier[short].min() >= req.tier[served].max()


def scarce_dc(allocation: dict[str, Any]) -> dict[str, Any]:
    """A DC holding 20 units, never replenished in time, facing two stores' orders."""
    return {
        "name": "scarce",
        "horizon": 3,
        "products": [{"id": "a", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "s", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "allocation": allocation,
                "inventory": {"policy": {"type": "base_stock", "S": 0}, "initial": 20},
            },
            {
                "id": "big",
                "kind": "retailer",
                "tier": 2,
                "inventory": {"policy": {"type": "base_stock", "S": 30}, "initial": 0},
            },
            {
                "id": "small",
                "kind": "retailer",
                "tier": 1,
                "inventory": {"policy": {"type": "base_stock", "S": 10}, "initial": 0},
            },
        ],
        "lanes": [
            {"from": "s", "to": "dc", "lead_time": 50},
            {"from": "dc", "to": "big", "lead_time": 1},
            {"from": "dc", "to": "small", "lead_time": 1},
        ],
        "demand": [
            {"id": "zb", "node": "big", "daily": 0},
            {"id": "zs", "node": "small", "daily": 0},
        ],
    }


@pytest.mark.parametrize(
    ("allocation", "big", "small"),
    [
        ({"type": "fcfs"}, 20, 0),  # big's line is first in the book (positions in node order)
        ({"type": "fair_share"}, 15, 5),  # 20 of 40 asked: half each
        ({"type": "priority", "by": "tier"}, 10, 10),  # small (tier 1) first
    ],
)
def test_the_dc_rule_decides_who_gets_its_scarce_stock(
    allocation: dict[str, Any], big: float, small: float
) -> None:
    result = run(scenario_from_data(scarce_dc(allocation)))
    received = result.records.total_received
    topo = result.network.topology
    assert received[topo.position_of("big", "a")] == pytest.approx(big)
    assert received[topo.position_of("small", "a")] == pytest.approx(small)


def grants(min_size: int, max_size: int, most: float) -> st.SearchStrategy[Grants]:
    """Requests (group 0..3, quantity) and the supply of each of the 4 groups, as arrays."""
    request = st.tuples(st.integers(0, 3), st.floats(0, 50, allow_nan=False))
    return st.builds(
        lambda requests, supply: (
            np.array([g for g, _ in requests]),
            np.array([q for _, q in requests]),
            np.array(supply),
        ),
        st.lists(request, min_size=min_size, max_size=max_size),
        st.lists(st.floats(0, most, allow_nan=False), min_size=4, max_size=4),
    )


@given(grants(1, 8, most=100))
def test_few_requests_are_granted_exactly_as_with_arrays(case: Grants) -> None:
    """A handful of requests is granted in plain Python, bit for bit as the array version."""
    groups, quantity, supply = case
    few = _grant_few(groups.tolist(), quantity.tolist(), supply)
    assert few.tolist() == _grant_arrays(groups, quantity, supply).tolist()  # equal floats


@given(grants(9, 60, most=600))
def test_many_requests_are_granted_exactly_as_by_the_sums(case: Grants) -> None:
    """With supply to spare everywhere, requests are granted in full without the sums: bit
    for bit what the sums give, whether or not some group is short."""
    groups, quantity, supply = case
    granted = grant_in_order(groups, quantity, supply)
    assert granted.tolist() == _grant_arrays(groups, quantity, supply).tolist()
