"""The run's daily series (per position, or per echelon) and its conservation-of-units audit.

All cover the whole run, warm-up included: the series are the end-of-day snapshots, the audit
reads the ``total_*`` accumulators and the final state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.metrics.run import RunOutcome


def _categorical(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical[str]:
    # The smallest signed integer type that holds every code keeps long tables small.
    small = codes.astype(np.min_scalar_type(-len(categories)))
    return pd.Categorical.from_codes(small, categories=pd.Index(categories))


def position_series(result: RunOutcome) -> pd.DataFrame:
    """End-of-day on hand, backlog and pipeline of every position on every day, long format.

    Args:
        result: A finished run.

    Returns:
        Columns ``day`` (int), ``node`` and ``sku`` (categorical), ``on_hand``, ``backlog``
        (customers' and downstream nodes' backorders) and ``pipeline`` (ordered, not yet
        received), all float32 units; one row per day and position, warm-up days included.

    Raises:
        DetailNotKept: The run did not keep every position's series (scenario ``detail``).
    """
    rec, topo = result.records, result.network.topology
    n_days = rec.series_on_hand.shape[0]
    n_pos = topo.n_positions
    return pd.DataFrame(
        {
            "day": np.repeat(np.arange(n_days, dtype=np.int32), n_pos),
            "node": _categorical(np.tile(topo.pos_node, n_days), topo.node_ids),
            "sku": _categorical(np.tile(topo.pos_sku, n_days), topo.sku_ids),
            "on_hand": rec.series_on_hand.ravel(),
            "backlog": rec.series_backlog.ravel(),
            "pipeline": rec.series_pipeline.ravel(),
        }
    )


def echelon_series(result: RunOutcome) -> pd.DataFrame:
    """End-of-day on hand, backlog and pipeline summed per echelon, every day, long format.

    Args:
        result: A finished run.

    Returns:
        Columns ``day`` (int), ``echelon`` (``level-N``, categorical), ``on_hand``, ``backlog``
        and ``pipeline`` (float64 units); one row per day and echelon, warm-up days included.
    """
    stock, tiers = result.records.stock, result.network.topology.tiers
    n_days, n_tiers = stock.echelon_on_hand.shape
    names = tuple(f"level-{tier.level}" for tier in tiers)
    return pd.DataFrame(
        {
            "day": np.repeat(np.arange(n_days, dtype=np.int32), n_tiers),
            "echelon": _categorical(np.tile(np.arange(n_tiers), n_days), names),
            "on_hand": stock.echelon_on_hand.ravel(),
            "backlog": stock.echelon_backlog.ravel(),
            "pipeline": stock.echelon_pipeline.ravel(),
        }
    )


def conservation_audit(result: RunOutcome) -> pd.DataFrame:
    """Check that no unit appears or vanishes, per position and over the network's lanes.

    Position rows: ``imbalance = initial + received + returned - issued - wasted - removed -
    on_hand`` over the whole run (``issued`` counts units to customers and to downstream nodes;
    ``wasted``, perishable units that expired there or on the way there; ``removed``, stock
    destroyed or quarantined by disruptions; ``returned``, customer returns put back on the
    shelf; ``on_hand`` is final), ``arriving``, the scenario's initial pipeline to the position,
    and ``in_transit``, the units on their way to the position that had not arrived at the end.

    The last row (node ``network``, sku ``all``) sums the position columns and checks the
    lanes: ``transit_imbalance = shipped + arriving - received - in_transit``, where ``shipped``
    is every unit that left a source (a stocking node, an external supplier or production)
    during the whole run, warm-up included.

    Args:
        result: A finished run.

    Returns:
        Columns ``node, sku, initial, received, issued, wasted, on_hand, imbalance, arriving,
        in_transit, shipped, transit_imbalance``; every imbalance should be 0 up to rounding.
    """
    rec, topo = result.records, result.network.topology
    columns = {
        "initial": topo.pos_initial,
        "received": rec.total_received,
        "issued": rec.total_issued,
        "wasted": rec.total_wasted,
        "removed": rec.total_removed,
        "returned": rec.total_returned,
        "on_hand": result.final_on_hand,
    }
    columns["imbalance"] = (
        columns["initial"]
        + columns["received"]
        + columns["returned"]
        - columns["issued"]
        - columns["wasted"]
        - columns["removed"]
        - columns["on_hand"]
    )
    columns["arriving"] = topo.pos_arriving.sum(axis=1)
    columns["in_transit"] = result.final_in_transit
    totals = {name: float(values.sum()) for name, values in columns.items()}
    shipped = float(rec.shipments.column("units").sum())
    totals["shipped"] = shipped
    totals["transit_imbalance"] = (
        shipped + totals["arriving"] - totals["received"] - totals["in_transit"]
    )
    positions = pd.DataFrame(
        {
            "node": np.asarray(topo.node_ids, dtype=object)[topo.pos_node],
            "sku": np.asarray(topo.sku_ids, dtype=object)[topo.pos_sku],
            **columns,
            "shipped": np.nan,
            "transit_imbalance": np.nan,
        }
    )
    network = pd.DataFrame([{"node": "network", "sku": "all", **totals}])
    return pd.concat([positions, network], ignore_index=True)
