"""Distribution strategies: exact plans on tiny markets, validation, and plan invariants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from policies.distribution import (
    DistributionPlan,
    DistributionStrategy,
    ExclusiveDistribution,
    ExclusiveParams,
    MarketView,
    MassDistribution,
    MassParams,
    SelectiveDistribution,
    SelectiveParams,
    coverage,
    outlet_choices,
)


def market(
    outlets: list[tuple[float, float]],
    zones: list[tuple[float, float]],
    reach: float,
    potential: list[float] | None = None,
    score: list[float] | None = None,
    outlet_territory: list[str | None] | None = None,
    zone_territory: list[str | None] | None = None,
) -> MarketView:
    """A market whose outlets are named o0, o1, ... in the order given."""
    return MarketView(
        outlet_ids=tuple(f"o{k}" for k in range(len(outlets))),
        outlet_xy=np.asarray(outlets, dtype=float).reshape(-1, 2),
        outlet_territory=tuple(outlet_territory or [None] * len(outlets)),
        outlet_score=np.asarray(score or [0.0] * len(outlets), dtype=float),
        zone_xy=np.asarray(zones, dtype=float).reshape(-1, 2),
        zone_territory=tuple(zone_territory or [None] * len(zones)),
        zone_potential=np.asarray(potential or [1.0] * len(zones), dtype=float),
        reach=reach,
    )


def line(*xs: float) -> list[tuple[float, float]]:
    return [(x, 0.0) for x in xs]


def served_by(plan: DistributionPlan) -> list[list[int]]:
    """Outlet indices serving each zone."""
    return [np.flatnonzero(row).tolist() for row in plan.serves]


# Two outlets 10 km apart; zones next to each, halfway, and far out of reach.
MASS_MARKET = market(line(0, 10), line(1, 9, 5, 30), reach=5)


def test_mass_carries_everywhere_and_serves_exactly_the_zones_within_reach() -> None:
    plan = MassDistribution().plan(MASS_MARKET)
    assert plan.carries.tolist() == [True, True]
    assert served_by(plan) == [[0], [1], [0, 1], []]


def test_coverage_is_the_share_of_potential_in_served_zones() -> None:
    plan = MassDistribution().plan(MASS_MARKET)
    assert coverage(MASS_MARKET, plan) == pytest.approx(0.75)
    weighted = market(line(0, 10), line(1, 9, 5, 30), reach=5, potential=[1, 1, 1, 7])
    assert coverage(weighted, MassDistribution().plan(weighted)) == pytest.approx(0.3)


def test_outlet_choices_are_nearest_first_with_ties_by_index() -> None:
    view = market(line(0, 10, 4), line(5, 6, 50), reach=6)
    choices = outlet_choices(view, MassDistribution().plan(view))
    # Zone at 5: o2 (1 km), then o0 and o1 both 5 km away; zone at 6: o2, o1 (4), o0 (6).
    assert [c.tolist() for c in choices] == [[2, 0, 1], [2, 1, 0], []]


def test_factors_come_from_the_params() -> None:
    plan = SelectiveDistribution(SelectiveParams(price_factor=1.2, demand_factor=0.8)).plan(
        MASS_MARKET
    )
    assert (plan.price_factor, plan.demand_factor) == (1.2, 0.8)
    assert MassDistribution().plan(MASS_MARKET).price_factor == 1.0


# Four outlets on a line, each with one zone on its doorstep and nothing else within reach.
# Potential ranks o0 (6) > o3 (4) > o1 = o2 (1); the demand-weighted centre is at
# (0*6 + 10 + 20 + 30*4) / 12 = 12.5, nearest o1 (2.5 km) then o2 (7.5 km).
SELECTIVE_MARKET = market(
    line(0, 10, 20, 30), line(0, 10, 20, 30), reach=1, potential=[6, 1, 1, 4], score=[1, 5, 0, 5]
)


@pytest.mark.parametrize(
    ("rank_by", "carries"),
    [
        ("potential", [True, False, False, True]),
        ("score", [False, True, False, True]),
        ("distance", [False, True, True, False]),
    ],
)
def test_selective_takes_the_best_ranked_outlets(rank_by: Any, carries: list[bool]) -> None:
    params = SelectiveParams(per_territory=2, rank_by=rank_by)
    plan = SelectiveDistribution(params).plan(SELECTIVE_MARKET)
    assert plan.carries.tolist() == carries
    assert served_by(plan) == [[k] if c else [] for k, c in enumerate(carries)]


def test_selective_breaks_ties_by_outlet_index() -> None:
    params = SelectiveParams(per_territory=1, rank_by="score")
    view = market(line(0, 10, 20), [], reach=1, score=[2, 7, 7])
    assert SelectiveDistribution(params).plan(view).carries.tolist() == [False, True, False]


def test_selective_picks_per_territory_and_serves_across_territories() -> None:
    view = market(
        line(0, 5, 20, 40, 50),
        line(6, 19),
        reach=2,
        score=[1, 2, 5, 3, 4],
        outlet_territory=["n", "n", "s", None, None],
        zone_territory=["s", "s"],
    )
    plan = SelectiveDistribution(SelectiveParams(per_territory=1, rank_by="score")).plan(view)
    # Best of n, of s, and of the unlabelled outlets, which form one territory together.
    assert plan.carries.tolist() == [False, True, True, False, True]
    assert plan.territory_of == (None, "n", "s", None, None)
    # No exclusivity: the s zone at 6 km buys from o1 of territory n.
    assert served_by(plan) == [[1], [2]]


def test_selective_distance_uses_the_centre_of_the_territorys_own_zones() -> None:
    view = market(
        line(0, 10, 20, 30),
        line(2, 28),
        reach=1,
        outlet_territory=["a", "a", "b", "b"],
        zone_territory=["a", "b"],
        potential=[1, 100],  # the market's centre is near 28; territory a's is at 2
    )
    plan = SelectiveDistribution(SelectiveParams(per_territory=1, rank_by="distance")).plan(view)
    assert plan.carries.tolist() == [True, False, False, True]


def test_selective_with_listed_outlets_carries_exactly_those() -> None:
    params = SelectiveParams(outlets=["o3", "o0"], per_territory=1)
    plan = SelectiveDistribution(params).plan(SELECTIVE_MARKET)
    assert plan.carries.tolist() == [True, False, False, True]


def test_exclusive_region_serves_a_zone_only_from_its_own_regions_partner() -> None:
    view = market(
        line(0, 1, 10),
        line(2, 8, 3),
        reach=4,
        score=[1, 3, 0],
        outlet_territory=["A", "A", "B"],
        zone_territory=["A", "B", "B"],
    )
    plan = ExclusiveDistribution(ExclusiveParams(rank_by="score")).plan(view)
    assert plan.carries.tolist() == [False, True, True]
    assert plan.territory_of == (None, "A", "B")
    # The B zone at 3 km is 2 km from A's partner but 7 km from its own: no one serves it.
    assert served_by(plan) == [[1], [2], []]
    assert coverage(view, plan) == pytest.approx(2 / 3)


def test_exclusive_region_with_listed_partners_leaves_other_regions_uncovered() -> None:
    view = market(
        line(0, 10), line(1, 9), reach=4, outlet_territory=["A", "B"], zone_territory=["A", "B"]
    )
    plan = ExclusiveDistribution(ExclusiveParams(partners=["o1"])).plan(view)
    assert plan.carries.tolist() == [False, True]
    assert served_by(plan) == [[], [1]]


def test_exclusive_nearest_gives_each_zone_to_its_nearest_partner_within_reach() -> None:
    view = market(line(0, 5, 10), line(1, 4, 6, 9, 30), reach=5)
    params = ExclusiveParams(territories="nearest", partners=["o0", "o2"])
    plan = ExclusiveDistribution(params).plan(view)
    assert plan.carries.tolist() == [True, False, True]
    assert plan.territory_of == ("o0", None, "o2")
    # The zone at 4 km is in o0's territory, though o1 (not a partner) is nearer.
    assert served_by(plan) == [[0], [0], [2], [2], []]


def test_exclusive_nearest_spreads_ranked_partners_then_fills_up() -> None:
    # o0 and o1 tie on potential (10 each) but stand 1 km apart, inside reach of one another.
    view = market(line(0, 1, 20), line(0, 1, 20), reach=2, potential=[5, 5, 1])
    two = ExclusiveParams(territories="nearest", count=2)
    assert ExclusiveDistribution(two).plan(view).carries.tolist() == [True, False, True]
    three = ExclusiveParams(territories="nearest", count=3)
    plan = ExclusiveDistribution(three).plan(view)
    assert plan.carries.tolist() == [True, True, True]
    assert served_by(plan) == [[0], [1], [2]]


def test_exclusive_radius_leaves_zones_outside_every_radius_uncovered() -> None:
    view = market(line(0, 10), line(2, 4, 9), reach=5)
    params = ExclusiveParams(territories="radius", radius=3, partners=["o0", "o1"])
    # The zone at 4 km is within reach of o0 but outside its radius.
    assert served_by(ExclusiveDistribution(params).plan(view)) == [[0], [], [1]]
    wide = ExclusiveParams(territories="radius", radius=7, partners=["o0", "o1"])
    # Within 7 km of both: the nearer partner owns it.
    assert served_by(ExclusiveDistribution(wide).plan(view)) == [[0], [0], [1]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"territories": "radius", "count": 1}, "radius is required"),
        ({"radius": 3.0}, "radius is required"),
        ({"territories": "nearest"}, "one of count and partners"),
        ({"territories": "nearest", "count": 2, "partners": ["o0"]}, "one of count and partners"),
        ({"count": 2}, "count is only allowed"),
        ({"partners": ["o0", "o0"]}, "'o0' is listed twice"),
        ({"price_factor": 0}, "price_factor"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_exclusive_params_are_rejected(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ExclusiveParams(**params)


def test_two_listed_partners_in_one_region_are_rejected() -> None:
    view = market(line(0, 1), [], reach=1, outlet_territory=["A", "A"])
    with pytest.raises(ValueError, match="'o0' and 'o1' are both in region 'A'"):
        ExclusiveDistribution(ExclusiveParams(partners=["o0", "o1"])).plan(view)


@pytest.mark.parametrize(
    "strategy",
    [
        SelectiveDistribution(SelectiveParams(outlets=["o0", "nope"])),
        ExclusiveDistribution(ExclusiveParams(territories="nearest", partners=["nope"])),
        ExclusiveDistribution(ExclusiveParams(partners=["nope"])),
    ],
)
def test_unknown_outlet_ids_are_named(strategy: Any) -> None:
    with pytest.raises(ValueError, match="unknown outlet 'nope'"):
        strategy.plan(MASS_MARKET)


def test_from_params_checks_the_params_type() -> None:
    assert isinstance(MassDistribution.from_params(MassParams()), MassDistribution)
    with pytest.raises(TypeError, match="expected SelectiveParams"):
        SelectiveDistribution.from_params(MassParams())


def test_market_arrays_must_agree_in_length() -> None:
    with pytest.raises(ValueError, match="disagree"):
        MarketView(
            ("o0",), np.zeros((2, 2)), (None,), np.zeros(1), np.zeros((0, 2)), (), np.zeros(0), 1
        )


ALL_STRATEGIES = [
    MassDistribution(),
    SelectiveDistribution(),
    ExclusiveDistribution(),
    ExclusiveDistribution(ExclusiveParams(territories="nearest", count=2)),
    ExclusiveDistribution(ExclusiveParams(territories="radius", radius=5, count=2)),
]


@pytest.mark.parametrize("strategy", ALL_STRATEGIES)
@pytest.mark.parametrize(("outlets", "zones"), [(0, 0), (0, 2), (2, 0)])
def test_empty_markets_give_empty_plans(strategy: Any, outlets: int, zones: int) -> None:
    view = market(line(*range(outlets)), line(*range(zones)), reach=3)
    plan = strategy.plan(view)
    assert plan.carries.shape == (outlets,) and plan.serves.shape == (zones, outlets)
    assert not plan.serves.any()
    assert coverage(view, plan) == 0.0
    assert len(outlet_choices(view, plan)) == zones


labels = st.sampled_from([None, "a", "b"])
points = st.tuples(st.integers(0, 30), st.integers(0, 30))
markets = st.integers(0, 7).flatmap(
    lambda o: st.integers(0, 9).flatmap(
        lambda z: st.builds(
            market,
            st.lists(points, min_size=o, max_size=o),
            st.lists(points, min_size=z, max_size=z),
            st.floats(1, 20),
            st.lists(st.floats(0, 100), min_size=z, max_size=z),
            st.lists(st.floats(0, 10), min_size=o, max_size=o),
            st.lists(labels, min_size=o, max_size=o),
            st.lists(labels, min_size=z, max_size=z),
        )
    )
)
rank_by = st.sampled_from(["potential", "score", "distance"])
plans = st.one_of(
    st.builds(MassParams),
    st.builds(SelectiveParams, per_territory=st.integers(1, 3), rank_by=rank_by),
    st.builds(ExclusiveParams, rank_by=rank_by),
    st.builds(ExclusiveParams, territories=st.just("nearest"), count=st.integers(1, 4)),
    st.builds(
        ExclusiveParams,
        territories=st.just("radius"),
        radius=st.floats(1, 20),
        count=st.integers(1, 4),
        rank_by=rank_by,
    ),
)
STRATEGY: dict[type[BaseModel], type[DistributionStrategy]] = {
    MassParams: MassDistribution,
    SelectiveParams: SelectiveDistribution,
    ExclusiveParams: ExclusiveDistribution,
}


@settings(max_examples=300, deadline=None)
@given(markets, plans)
def test_every_plan_respects_carrying_reach_and_exclusivity(
    view: MarketView, params: BaseModel
) -> None:
    plan = STRATEGY[type(params)].from_params(params).plan(view)
    assert (plan.serves <= plan.carries).all()
    assert (view.distances()[plan.serves] <= view.reach).all()
    assert 0.0 <= coverage(view, plan) <= 1.0
    if isinstance(params, ExclusiveParams):
        assert (plan.serves.sum(axis=1) <= 1).all()
    if isinstance(params, SelectiveParams):
        for label in set(view.outlet_territory):
            mine = np.asarray([t == label for t in view.outlet_territory])
            assert 1 <= plan.carries[mine].sum() <= params.per_territory
    for z, options in enumerate(outlet_choices(view, plan)):
        assert sorted(options.tolist()) == np.flatnonzero(plan.serves[z]).tolist()
        assert (np.diff(view.distances()[z, options]) >= 0).all()
