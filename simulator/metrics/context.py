"""What every KPI module needs from a run: the KPI window, scope keys and the rows so far."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from simulator.metrics.catalogue import Scope
from simulator.metrics.labels import label_column
from simulator.metrics.layout import customer_facing
from simulator.metrics.run import RunOutcome
from simulator.network.demand import CHANNELS
from simulator.network.prices import sell_price

Entity = Literal["stream", "position", "node"]


class KpiContext:
    """What every KPI module needs from a run: the KPI window, scope keys and the rows so far.

    Every entity (demand stream, inventory position, node) has a key per scope: the index of
    the scope id it belongs to, or -1 when it belongs to none (external suppliers have no
    echelon). Totals per scope id are ``np.bincount`` over those keys.
    """

    def __init__(self, result: RunOutcome) -> None:
        self.records = rec = result.records
        self.topology = topo = result.network.topology
        self.demand = dem = result.network.demand
        self.scenario = result.scenario
        self.network = result.network
        self.days = rec.kpi_days
        self.start = rec.n_days - rec.kpi_days  # first day in the KPI window
        n_nodes = len(topo.node_ids)
        self.node_tier = np.full(n_nodes, -1, dtype=np.int64)
        for k, tier in enumerate(topo.tiers):  # a handful of tiers
            self.node_tier[list(tier.nodes)] = k
        self.ids: dict[Scope, tuple[str, ...]] = {
            "network": ("network",),
            "node": topo.node_ids,
            "sku": topo.sku_ids,
            "channel": CHANNELS,
            "zone": dem.zone_ids,
            "echelon": tuple(f"level-{tier.level}" for tier in topo.tiers),
            "lane": topo.lane_ids,
        }
        stream_node = topo.pos_node[dem.stream_pos]
        self._keys: dict[Entity, dict[Scope, np.ndarray]] = {
            "stream": {
                "network": np.zeros(dem.n_streams, dtype=np.int64),
                "node": stream_node,
                "sku": dem.stream_sku,
                "channel": dem.stream_channel,
                "zone": dem.stream_zone,
                "echelon": self.node_tier[stream_node],
            },
            "position": {
                "network": np.zeros(topo.n_positions, dtype=np.int64),
                "node": topo.pos_node,
                "sku": topo.pos_sku,
                "echelon": self.node_tier[topo.pos_node],
            },
            "node": {
                "network": np.zeros(n_nodes, dtype=np.int64),
                "node": np.arange(n_nodes),
                "echelon": self.node_tier,
            },
        }
        # Whether every entity has an id of the scope (then no key needs leaving out).
        self._all_keyed = {
            entity: {scope: bool((keys >= 0).all()) for scope, keys in by_scope.items()}
            for entity, by_scope in self._keys.items()
        }
        self.customer_facing = customer_facing(topo, dem)
        # Per call of add(): scope, the scope ids' indices, metric, values.
        self._rows: list[tuple[Scope, np.ndarray, str, np.ndarray]] = []

    def keys(self, entity: Entity, scope: Scope) -> np.ndarray:
        """Scope-id index of each entity (-1: in no id of this scope)."""
        return self._keys[entity][scope]

    def total(
        self,
        scope: Scope,
        keys: np.ndarray,
        values: np.ndarray | float,
        all_keyed: bool = False,
    ) -> np.ndarray:
        """Sum of ``values`` per id of ``scope``, given each value's key (``all_keyed``: no
        key is -1)."""
        weights = np.broadcast_to(np.asarray(values, dtype=np.float64), keys.shape)
        if not all_keyed:
            valid = keys >= 0
            keys, weights = keys[valid], weights[valid]
        return np.bincount(keys, weights=weights, minlength=len(self.ids[scope]))

    def sum(self, entity: Entity, scope: Scope, values: np.ndarray | float) -> np.ndarray:
        """Sum of per-entity ``values`` per id of ``scope``."""
        keys = self.keys(entity, scope)
        return self.total(scope, keys, values, self._all_keyed[entity][scope])

    def population(
        self, entity: Entity, scope: Scope, where: np.ndarray | None = None
    ) -> np.ndarray:
        """Which ids of ``scope`` hold at least one entity (of those ``where`` selects)."""
        return self.sum(entity, scope, 1.0 if where is None else where) > 0

    @cached_property
    def price_factor(self) -> np.ndarray:
        """Per SKU index, the distribution strategy's multiplier on its prices (1 without)."""
        plan = self.network.market
        factors = plan.price_factor if plan else {}
        return np.asarray([factors.get(s, 1.0) for s in self.topology.sku_ids])

    @cached_property
    def manufacturer_price(self) -> np.ndarray:
        """The manufacturer's trade price per SKU index (unit cost where none is set)."""
        return np.asarray(
            [
                sell_price(p, "plant", f)
                for p, f in zip(self.scenario.products, self.price_factor, strict=True)
            ],
            dtype=np.float64,
        )

    def product(self, field: str) -> np.ndarray:
        """A numeric product attribute (``price``, ``unit_cost``, ...) per SKU index."""
        return np.asarray([getattr(p, field) for p in self.scenario.products], dtype=np.float64)

    @property
    def on_hand_days(self) -> np.ndarray:
        """Unit-days of end-of-day stock per position over the KPI window (float64 sums)."""
        return self.records.stock.on_hand_days

    def add(
        self,
        scope: Scope,
        metric: str,
        num: np.ndarray,
        den: np.ndarray | float | None = None,
        *,
        present: np.ndarray | None = None,
    ) -> None:
        """Record ``num`` (or ``num / den``, NaN where ``den`` is 0) for the ids of ``scope``.

        ``present`` selects the ids that get a row: the scope's population for this metric,
        decided by the network's structure, never by what happened in the run.
        """
        value = np.asarray(num, dtype=np.float64)
        if den is not None:
            den_a = np.broadcast_to(np.asarray(den, dtype=np.float64), value.shape)
            value = np.divide(value, den_a, out=np.full(value.shape, np.nan), where=den_a != 0)
        if present is None:
            index = np.arange(len(self.ids[scope]))
        else:
            index, value = np.flatnonzero(present), value[present]
        self._rows.append((scope, index, metric, value))

    def table(self) -> pd.DataFrame:
        """All recorded KPIs as one tidy table: ``scope, id, metric, value``."""
        rows = self._rows
        sizes = [len(index) for _, index, _, _ in rows]
        scopes = list(self.ids)
        metrics = list(dict.fromkeys(metric for _, _, metric, _ in rows))
        # The id column's names: every scope's ids one after the other.
        first = np.cumsum([0] + [len(self.ids[scope]) for scope in scopes])
        names = [name for scope in scopes for name in self.ids[scope]]
        at = {scope: int(first[k]) for k, scope in enumerate(scopes)}
        scope_codes = [scopes.index(scope) for scope, _, _, _ in rows]
        metric_codes = [metrics.index(metric) for _, _, metric, _ in rows]
        id_codes = [at[scope] + index for scope, index, _, _ in rows]
        return pd.DataFrame(
            {
                "scope": label_column(np.repeat(scope_codes, sizes), scopes),
                "id": label_column(np.concatenate(id_codes), names),
                "metric": label_column(np.repeat(metric_codes, sizes), metrics),
                "value": np.concatenate([value for _, _, _, value in rows]),
            }
        )
