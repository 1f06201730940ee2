"""Distribution strategies: which outlets of a market carry the products, and whom they serve.

A strategy sees the candidate outlets and the customer zones of one market and returns a plan:
the outlets that stock the products and, for each zone, the outlets its customers may buy from.
A customer never travels further than the market's reach. Strategies differ in how many outlets
carry and whether territories are exclusive:

- ``mass``: every candidate outlet carries, and serves every zone within reach;
- ``selective``: a few outlets per territory carry (ranked, or listed), with no exclusivity;
- ``exclusive``: one partner per territory, and a zone may buy only from its own partner.

Territories are the region labels of the scenario (outlets without a label form one territory
together) or, for ``exclusive``, may be drawn around the partners (``nearest``, ``radius``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Generic, Literal, Protocol, Self, TypeVar, cast

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

RankBy = Literal["potential", "score", "distance"]
Territory = str | None

_RANK_BY = (
    "How outlets are ranked, best first: potential (demand of the zones within reach), "
    "score (past performance) or distance (nearest the demand-weighted centre of the territory)."
)


@dataclass(frozen=True, slots=True)
class MarketView:
    """Read-only description of one market (O candidate outlets, Z customer zones).

    Attributes:
        outlet_ids: Id of each outlet.
        outlet_xy: Outlet positions in km, shape (O, 2).
        outlet_territory: Region label of each outlet, None when the scenario gives none.
        outlet_score: Past-performance score of each outlet (0 when none), shape (O,).
        zone_xy: Zone positions in km, shape (Z, 2).
        zone_territory: Region label of each zone, None when the scenario gives none.
        zone_potential: Mean daily demand of each zone in units, shape (Z,).
        reach: Furthest distance in km a customer travels to an outlet.
    """

    outlet_ids: tuple[str, ...]
    outlet_xy: np.ndarray
    outlet_territory: tuple[Territory, ...]
    outlet_score: np.ndarray
    zone_xy: np.ndarray
    zone_territory: tuple[Territory, ...]
    zone_potential: np.ndarray
    reach: float

    def __post_init__(self) -> None:
        outlets = {len(self.outlet_xy), len(self.outlet_territory), len(self.outlet_score)}
        zones = {len(self.zone_xy), len(self.zone_territory), len(self.zone_potential)}
        if outlets != {len(self.outlet_ids)} or len(zones) != 1:
            raise ValueError("market arrays disagree on the number of outlets or zones")

    def distances(self) -> np.ndarray:
        """Distance in km from each zone to each outlet, shape (Z, O)."""
        zones = np.asarray(self.zone_xy, dtype=float).reshape(-1, 2)
        outlets = np.asarray(self.outlet_xy, dtype=float).reshape(-1, 2)
        return np.linalg.norm(zones[:, None, :] - outlets[None, :, :], axis=-1)

    def within_reach(self) -> np.ndarray:
        """Whether each outlet is within the customers' reach of each zone, shape (Z, O)."""
        return self.distances() <= self.reach

    def index(self, ids: list[str], field: str) -> np.ndarray:
        """Indices of the listed outlets, in list order.

        Raises:
            ValueError: If an id is not an outlet of this market.
        """
        place = {outlet: k for k, outlet in enumerate(self.outlet_ids)}
        unknown = [outlet for outlet in ids if outlet not in place]
        if unknown:
            raise ValueError(f"{field}: unknown outlet {unknown[0]!r}")
        return np.asarray([place[outlet] for outlet in ids], dtype=np.intp)


@dataclass(frozen=True, slots=True)
class DistributionPlan:
    """What a strategy decided for one market.

    Attributes:
        carries: Whether each outlet stocks the products, shape (O,).
        serves: Whether each outlet may serve each zone, shape (Z, O); only carrying outlets
            within reach, and only a zone's own partner under exclusivity.
        territory_of: Territory each carrying outlet was chosen for (None otherwise): the
            region label, or the outlet's own id when territories are drawn around partners.
        price_factor: Multiplier on the product's prices along the chain under this strategy.
        demand_factor: Multiplier on demand under this strategy.
    """

    carries: np.ndarray
    serves: np.ndarray
    territory_of: tuple[Territory, ...]
    price_factor: float
    demand_factor: float


class DistributionStrategy(Protocol):
    """A strategy that picks the outlets of a market and the zones each may serve."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self: ...

    def plan(self, market: MarketView) -> DistributionPlan:
        """Outlets that carry and the zones each serves."""
        ...


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    price_factor: float = Field(
        1.0,
        gt=0,
        description="Multiplier on the product's consumer and trade prices, e.g. a premium "
        "for exclusivity.",
    )
    demand_factor: float = Field(
        1.0, ge=0, description="Multiplier on demand, e.g. a lift from the reach of mass."
    )


def _distinct(ids: list[str]) -> list[str]:
    twice = [outlet for outlet in ids if ids.count(outlet) > 1]
    if twice:
        raise ValueError(f"outlet {twice[0]!r} is listed twice")
    return ids


OutletIds = Annotated[list[str], AfterValidator(_distinct)]


class MassParams(_Params):
    """Mass distribution: every candidate outlet carries and serves every zone within reach."""

    type: Literal["mass"] = "mass"


class SelectiveParams(_Params):
    """Selective distribution: the best few outlets of each territory carry; no exclusivity."""

    type: Literal["selective"] = "selective"
    per_territory: int = Field(2, ge=1, description="Outlets chosen in each territory.")
    rank_by: RankBy = Field("potential", description=_RANK_BY)
    outlets: OutletIds | None = Field(
        None, description="Exactly these outlets carry; per_territory and rank_by are ignored."
    )


class ExclusiveParams(_Params):
    """Exclusive distribution: one partner per territory, the only outlet its zones may use."""

    type: Literal["exclusive"] = "exclusive"
    territories: Literal["region", "nearest", "radius"] = Field(
        "region",
        description="region: the scenario's labels; nearest: each zone goes to its nearest "
        "partner; radius: the zones within radius km of a partner (the nearest one wins).",
    )
    rank_by: RankBy = Field(
        "potential", description=_RANK_BY + " Decides the partners when none are listed."
    )
    partners: OutletIds | None = Field(
        None,
        description="Exactly these outlets are partners, at most one per region; regions "
        "without a listed partner are left unserved.",
    )
    radius: float | None = Field(
        None, gt=0, description="Territory radius in km (territories: radius only)."
    )
    count: int | None = Field(
        None, ge=1, description="Partners to choose for nearest or radius when none are listed."
    )

    @model_validator(mode="after")
    def _check_territories(self) -> Self:
        if (self.territories == "radius") != (self.radius is not None):
            raise ValueError("radius is required with territories: radius, and only allowed there")
        if self.territories == "region":
            if self.count is not None:
                raise ValueError("count is only allowed with territories: nearest or radius")
        elif (self.count is None) == (self.partners is None):
            raise ValueError(f"{self.territories} territories need one of count and partners")
        return self


P = TypeVar("P", bound=_Params)


class _Strategy(Generic[P]):
    """Holds a strategy's params; each subclass names its params model."""

    params_model: ClassVar[type[_Params]]

    def __init__(self, params: P | None = None) -> None:
        self.params = cast(P, params if params is not None else self.params_model())

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        if not isinstance(params, cls.params_model):
            raise TypeError(f"expected {cls.params_model.__name__}, got {type(params).__name__}")
        return cls(cast(P, params))


def _groups(labels: tuple[Territory, ...]) -> dict[Territory, np.ndarray]:
    """Indices of each label, labels in order of first appearance."""
    members: dict[Territory, list[int]] = {}
    for k, label in enumerate(labels):
        members.setdefault(label, []).append(k)
    return {label: np.asarray(ks, dtype=np.intp) for label, ks in members.items()}


def _zones_of(market: MarketView, label: Territory) -> np.ndarray:
    return np.asarray([t == label for t in market.zone_territory], dtype=bool)


def _best_per_region(market: MarketView, rank_by: RankBy, k: int) -> dict[Territory, np.ndarray]:
    """The ``k`` best outlets of each region label, best first."""
    return {
        label: _rank(market, members, rank_by, _zones_of(market, label))[:k]
        for label, members in _groups(market.outlet_territory).items()
    }


def _rank(
    market: MarketView,
    candidates: np.ndarray,
    rank_by: RankBy,
    zones: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate outlets best first, ties by index; ``zones`` is the territory's zone mask."""
    if rank_by == "potential":
        key = -(market.zone_potential @ market.within_reach()[:, candidates])
    elif rank_by == "score":
        key = -np.asarray(market.outlet_score, dtype=float)[candidates]
    elif len(market.zone_potential) == 0:
        key = np.zeros(len(candidates))  # no demand to be near: index decides
    else:
        if zones is None or not zones.any():
            zones = np.ones(len(market.zone_potential), dtype=bool)
        xy = np.asarray(market.zone_xy, dtype=float)[zones]
        weight = np.asarray(market.zone_potential, dtype=float)[zones]
        # Zones without demand still locate the territory: fall back to their plain centre.
        centre = weight @ xy / weight.sum() if weight.sum() > 0 else xy.mean(axis=0)
        key = np.linalg.norm(market.outlet_xy[candidates] - centre, axis=1)
    return candidates[np.lexsort((candidates, key))]


def _spread(market: MarketView, ranked: np.ndarray, count: int) -> np.ndarray:
    """Take ``count`` outlets in rank order, skipping those within reach of one already taken.

    Neighbouring partners would split one catchment between them, so far ones go first; if
    that leaves too few, the skipped ones fill up in rank order.
    """
    xy = np.asarray(market.outlet_xy, dtype=float)
    taken: list[int] = []
    for o in ranked:
        if len(taken) == count:
            break
        if all(np.linalg.norm(xy[o] - xy[t]) > market.reach for t in taken):
            taken.append(int(o))
    skipped = [int(o) for o in ranked if o not in taken]
    return np.asarray(taken + skipped[: count - len(taken)], dtype=np.intp)


def _nearest_partner(market: MarketView, partners: np.ndarray, radius: float | None) -> np.ndarray:
    """Partner owning each zone (-1 for none): the nearest, within ``radius`` if given."""
    owner = np.full(len(market.zone_potential), -1, dtype=np.intp)
    if len(partners) == 0 or len(owner) == 0:
        return owner
    partners = np.sort(partners)  # equidistant partners: the lower index wins
    gap = market.distances()[:, partners]
    owner[:] = partners[gap.argmin(axis=1)]
    if radius is not None:
        owner[gap.min(axis=1) > radius] = -1
    return owner


def _plan(
    market: MarketView,
    params: _Params,
    carrying: np.ndarray,
    territory: list[Territory],
    owner: np.ndarray | None = None,
) -> DistributionPlan:
    """Assemble a plan from the carrying outlets (and, under exclusivity, each zone's partner)."""
    carries = np.zeros(len(market.outlet_ids), dtype=bool)
    carries[carrying] = True
    territory_of: list[Territory] = [None] * len(carries)
    for o, label in zip(carrying, territory, strict=True):
        territory_of[o] = label
    serves = market.within_reach() & carries
    if owner is not None:
        own = np.zeros_like(serves)
        zones = np.flatnonzero(owner >= 0)
        own[zones, owner[zones]] = True
        serves &= own
    return DistributionPlan(
        carries, serves, tuple(territory_of), params.price_factor, params.demand_factor
    )


class MassDistribution(_Strategy[MassParams]):
    """Every outlet carries; each zone may buy from every outlet within reach."""

    params_model = MassParams

    def plan(self, market: MarketView) -> DistributionPlan:
        everyone = np.arange(len(market.outlet_ids))
        return _plan(market, self.params, everyone, list(market.outlet_territory))


class SelectiveDistribution(_Strategy[SelectiveParams]):
    """The listed outlets, or the best ``per_territory`` of each territory, carry."""

    params_model = SelectiveParams

    def plan(self, market: MarketView) -> DistributionPlan:
        p = self.params
        if p.outlets is not None:
            chosen = market.index(p.outlets, "outlets")
        else:
            picks = list(_best_per_region(market, p.rank_by, p.per_territory).values())
            chosen = np.concatenate(picks) if picks else np.zeros(0, dtype=np.intp)
        labels = [market.outlet_territory[o] for o in chosen]
        return _plan(market, p, chosen, labels)


class ExclusiveDistribution(_Strategy[ExclusiveParams]):
    """One partner per territory; a zone may buy only from its own territory's partner."""

    params_model = ExclusiveParams

    def plan(self, market: MarketView) -> DistributionPlan:
        p = self.params
        if p.territories == "region":
            return self._by_region(market)
        if p.partners is not None:
            partners = market.index(p.partners, "partners")
        else:
            assert p.count is not None  # guaranteed by ExclusiveParams
            ranked = _rank(market, np.arange(len(market.outlet_ids)), p.rank_by)
            partners = _spread(market, ranked, p.count)
        owner = _nearest_partner(market, partners, p.radius)
        return _plan(market, p, partners, [market.outlet_ids[o] for o in partners], owner)

    def _by_region(self, market: MarketView) -> DistributionPlan:
        p = self.params
        partner: dict[Territory, int] = {}
        if p.partners is not None:
            for o in market.index(p.partners, "partners"):
                label = market.outlet_territory[o]
                if label in partner:
                    first = market.outlet_ids[partner[label]]
                    raise ValueError(
                        f"partners: {first!r} and {market.outlet_ids[o]!r} "
                        f"are both in region {label!r}; one partner per region"
                    )
                partner[label] = int(o)
        else:
            best = _best_per_region(market, p.rank_by, 1)
            partner = {label: int(top[0]) for label, top in best.items()}
        owner = np.full(len(market.zone_potential), -1, dtype=np.intp)
        for label, o in partner.items():
            owner[_zones_of(market, label)] = o
        chosen = np.asarray(list(partner.values()), dtype=np.intp)
        return _plan(market, p, chosen, list(partner), owner)


def coverage(market: MarketView, plan: DistributionPlan) -> float:
    """Share of the market's total potential in zones that at least one outlet serves.

    Returns 0.0 when the market has no potential at all.
    """
    potential = np.asarray(market.zone_potential, dtype=float)
    total = potential.sum()
    if total <= 0:
        return 0.0
    # Same summation as the total, and capped, so rounding cannot push the share past 1.
    served = np.where(plan.serves.any(axis=1), potential, 0.0).sum()
    return float(min(served / total, 1.0))


def outlet_choices(market: MarketView, plan: DistributionPlan) -> list[np.ndarray]:
    """Outlets each zone may buy from, nearest first (ties by index): the order customers try."""
    distances = market.distances()
    choices = []
    for z in range(len(plan.serves)):
        options = np.flatnonzero(plan.serves[z])
        choices.append(options[np.lexsort((options, distances[z, options]))])
    return choices
