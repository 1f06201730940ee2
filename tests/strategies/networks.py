"""Random valid scenario documents that mix every feature of the simulator (Hypothesis).

``networks()`` draws a small located network: a supplier or a plant, one to three DCs (some
with an order-processing desk), one to four stores (some buying from two DCs under a sourcing
rule), sometimes a web shop with home delivery, and its customers: demand zones on the daily
path or the event path (``orders:``) side by side, channel profiles, sometimes a market of
customer zones choosing their outlets, sometimes a fleet of vehicles at a DC or at the web
shop, and up to three disruptions of any kind (scheduled, recurring or triggered). SKUs may be
perishable or need a cold chain. Horizons are short, so a run takes milliseconds.

The documents are plain YAML-ready data, loaded by the same loader as a scenario file. The leaf
strategies (lead times, policies, daily laws, order streams) are those of the older engine
properties in ``tests/test_properties.py``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.test_properties import daily_models, lead_times, order_streams, policies, shelf_lives

DISRUPTION_KINDS = (
    "demand_shock",
    "facility_outage",
    "supplier_shortage",
    "transport_delay",
    "economic_shift",
    "customer_side",
    "recall",
    "weather",
    "vehicle_breakdowns",
)


def _num(draw: st.DrawFn, low: float, high: float, digits: int = 2) -> float:
    return round(draw(st.floats(low, high, allow_nan=False)), digits)


def _subset(draw: st.DrawFn, pool: list[str]) -> list[str]:
    """A non-empty subset of ``pool``, in ``pool``'s order."""
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))
    return [item for item in pool if item in chosen]


def _place(draw: st.DrawFn) -> dict[str, float]:
    return {"x": draw(st.integers(0, 120)), "y": draw(st.integers(0, 120))}


def _desk(draw: st.DrawFn) -> dict[str, Any]:
    """An order-processing desk: a few servers, a processing time of hours."""
    time = draw(
        st.sampled_from(
            [
                {"dist": "exponential", "mean": _num(draw, 0.02, 0.4, 3)},
                _num(draw, 0.0, 0.5, 3),
                {"dist": "uniform", "low": 0.0, "high": _num(draw, 0.01, 0.6, 3)},
            ]
        )
    )
    return {"servers": draw(st.integers(1, 3)), "time": time}


def _inventory(draw: st.DrawFn, carried: list[str]) -> dict[str, Any]:
    inventory: dict[str, Any] = {
        "policy": draw(policies()),
        "initial": draw(st.integers(0, 120)),
        "order_cost": _num(draw, 0.0, 10.0),
    }
    if draw(st.integers(0, 4)) == 0:
        inventory["case_pack"] = draw(st.integers(1, 12))
    if draw(st.integers(0, 4)) == 0:
        inventory["min_order"] = draw(st.integers(0, 20))
    if draw(st.integers(0, 3)) == 0:
        inventory["skus"] = {
            draw(st.sampled_from(carried)): {
                "policy": draw(policies()),
                "initial": draw(st.integers(0, 120)),
            }
        }
    return inventory


def _products(draw: st.DrawFn, cold: bool) -> list[dict[str, Any]]:
    products = []
    for i in range(draw(st.integers(1, 3))):
        product: dict[str, Any] = {
            "id": f"sku-{i}",
            "unit_cost": _num(draw, 0.0, 10.0),
            "price": _num(draw, 0.0, 20.0),
            "holding_rate": _num(draw, 0.0, 0.5, 3),
            "volume": _num(draw, 0.0, 0.1, 3),
            "weight": _num(draw, 0.0, 10.0),
            "backorder_cost": _num(draw, 0.0, 1.0),
            "lost_sale_cost": _num(draw, 0.0, 2.0),
        }
        life = draw(shelf_lives())
        if life is not None:
            product.update(shelf_life=life, disposal_cost=_num(draw, 0.0, 1.0))
        if cold and i == 0:
            product["cold_chain"] = True
        products.append(product)
    return products


def _zone(
    draw: st.DrawFn, zone_id: str, node: str, carried: list[str], channel: str
) -> dict[str, Any]:
    """A demand zone at ``node``: daily quantities or individual orders, at random."""
    zone: dict[str, Any] = {"id": zone_id, "node": node, "channel": channel}
    zone["location"] = _place(draw)  # home deliveries need it; harmless elsewhere
    if draw(st.booleans()):
        zone["skus"] = _subset(draw, carried)
    if draw(st.booleans()):
        zone["orders"] = draw(order_streams())
    else:
        zone["daily"] = draw(daily_models())
    if draw(st.integers(0, 3)) == 0:
        start = draw(st.integers(0, 20))
        zone["promotions"] = [
            {"start": start, "end": start + draw(st.integers(1, 10)), "multiplier": 1.5}
        ]
    zone["unmet"] = draw(st.sampled_from(["backorder", "lost"]))
    if zone["unmet"] == "backorder" and draw(st.booleans()):
        zone["patience"] = _num(draw, 0.5, 5.0)
    return zone


def _channels(draw: st.DrawFn) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    for channel in draw(st.lists(st.sampled_from(["retail", "ecommerce"]), unique=True)):
        profile: dict[str, Any] = {}
        if draw(st.booleans()):
            profile["order_size"] = {"dist": "geometric", "mean": _num(draw, 1.0, 3.0)}
        if draw(st.booleans()):
            profile["case_pack"] = draw(st.integers(1, 6))
        if draw(st.booleans()):
            profile["min_order"] = draw(st.integers(0, 10))
        profiles[channel] = profile
    return profiles


def _market(draw: st.DrawFn, stores: list[str], sold: list[str], web: str | None) -> dict[str, Any]:
    """Customer zones choosing among ``stores`` (and ``web``), buying the SKUs ``sold``."""
    strategy = draw(
        st.sampled_from(
            [
                {"type": "mass"},
                {"type": "selective", "per_territory": 1},
                {"type": "exclusive", "territories": "nearest", "count": 1},
            ]
        )
    )
    next_outlet = _num(draw, 0.0, 1.0)
    market: dict[str, Any] = {
        "outlets": stores,
        "reach": _num(draw, 10.0, 150.0),
        "strategy": strategy,
        "reaction": {
            "uncovered_online": _num(draw, 0.0, 1.0),
            "next_outlet": next_outlet,
            "online": _num(draw, 0.0, 1.0 - next_outlet),
        },
        "customers": [
            {
                "id": f"town-{i}",
                "location": _place(draw),
                "skus": sold,
                "daily": draw(daily_models()),
            }
            for i in range(draw(st.integers(1, 3)))
        ],
    }
    if web is not None:
        market["online"] = web
    return market


def _fleet(draw: st.DrawFn, depot: str, cold: bool) -> dict[str, Any]:
    vehicle: dict[str, Any] = {
        "id": "van",
        "count": draw(st.integers(1, 3)),
        "capacity": {"units": draw(st.integers(20, 400))},
        "speed": draw(st.integers(20, 90)),
        "fixed_cost": _num(draw, 0.0, 50.0),
        "cost_per_km": _num(draw, 0.0, 1.0),
        "cost_per_hour": _num(draw, 0.0, 30.0),
        "cold_chain": cold,
    }
    # A shift only where it is long enough for the farthest place (170 km away at most): a
    # place no vehicle reaches within its shift makes the scenario invalid.
    if vehicle["speed"] >= 60 and draw(st.booleans()):
        vehicle["shift"] = _num(draw, 0.35, 1.0)
    if draw(st.booleans()):
        vehicle.update(mtbf=_num(draw, 0.2, 5.0), repair_time=_num(draw, 0.1, 2.0))
    times = sorted(set(draw(st.lists(st.integers(0, 20), min_size=1, max_size=3))))
    dispatch: dict[str, Any] = {"times": [f"{hour}h" for hour in times]}
    if draw(st.booleans()):
        dispatch["min_load"] = _num(draw, 0.1, 1.0)
    routing = draw(st.sampled_from(["savings", "nearest_neighbour", "direct"]))
    return {
        "depot": depot,
        "vehicles": [vehicle],
        "dispatch": dispatch,
        "stop_time": "6m",
        "routing": {"type": routing},
    }


def _when(draw: st.DrawFn, horizon: float, earlier: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["scheduled", "recurring", "triggered"] if earlier else ["s", "r"]))
    if kind.startswith("s"):
        return {"start": _num(draw, 0.0, horizon), "duration": _num(draw, 0.0, 10.0)}
    duration = draw(
        st.sampled_from([_num(draw, 0.5, 4.0), {"dist": "uniform_int", "low": 1, "high": 4}])
    )
    if kind.startswith("r"):
        return {"every": _num(draw, 4.0, 30.0), "duration": duration, "first": _num(draw, 0, 10)}
    return {
        "after": draw(st.sampled_from(earlier)),
        "probability": _num(draw, 0.0, 1.0),
        "delay": _num(draw, 0.0, 3.0),
        "duration": duration,
    }


def _disruption(
    draw: st.DrawFn, kind: str, net: dict[str, Any], index: int, earlier: list[str]
) -> dict[str, Any] | None:
    """A disruption of ``kind`` on the network's own ids; None when the network has no target."""
    stocking = [n["id"] for n in net["nodes"] if "inventory" in n]
    source = net["nodes"][0]
    params: dict[str, Any]
    if kind == "demand_shock":
        params = {"multiplier": _num(draw, 0.0, 3.0)}
    elif kind == "facility_outage":
        params = {
            "nodes": _subset(draw, stocking),
            "capacity": _num(draw, 0.0, 1.0),
            "destroy": _num(draw, 0.0, 0.5),
        }
    elif kind == "supplier_shortage":
        params = {"node": source["id"], "lead_time_factor": _num(draw, 1.0, 2.0)}
        params["capacity"] = draw(st.integers(0, 100))
    elif kind == "transport_delay":
        lanes = [f"{lane['from']}->{lane['to']}" for lane in net["lanes"]]
        params = {"lanes": _subset(draw, lanes)}
        if draw(st.booleans()):
            params["closed"] = True
        else:
            params["lead_time_factor"] = _num(draw, 1.0, 3.0)
    elif kind == "economic_shift":
        params = {
            "transport_cost": _num(draw, 0.5, 2.0),
            "goods_value": _num(draw, 0.5, 2.0),
            "demand": _num(draw, 0.0, 2.0),
        }
    elif kind == "customer_side":
        params = {
            "cancel": _num(draw, 0.0, 1.0),
            "returns": _num(draw, 0.0, 0.5),
            "returns_window": _num(draw, 1.0, 10.0),
            "restock": draw(st.booleans()),
        }
    elif kind == "recall":
        made = draw(st.integers(0, 10))
        params = {
            "sku": draw(st.sampled_from([p["id"] for p in net["products"]])),
            "lots": {"from": made, "to": made + draw(st.integers(0, 10))},
            "return_to": "dc-0",
            "return_rate": _num(draw, 0.0, 1.0),
            "return_delay": _num(draw, 0.0, 5.0),
        }
    elif kind == "weather":
        params = {
            "region": {"nodes": _subset(draw, [n["id"] for n in net["nodes"]])},
            "speed": _num(draw, 0.0, 1.0),
            "close_facilities": draw(st.booleans()),
        }
    else:  # vehicle_breakdowns
        if not net.get("fleets"):
            return None
        params = {
            "fleet": net["fleets"][0]["depot"],
            "out_of_service": _num(draw, 0.0, 1.0),
            "failure_factor": _num(draw, 1.0, 5.0),
        }
    when = _when(draw, float(net["horizon"]), earlier)
    return {"id": f"d{index}", "type": kind, "when": when, **params}


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    """A random small valid scenario document using every feature (see the module's doc)."""
    cold = draw(st.integers(0, 4)) == 0  # then every lane and vehicle is refrigerated
    products = _products(draw, cold)
    skus = [p["id"] for p in products]
    nodes: list[dict[str, Any]] = []
    lanes: list[dict[str, Any]] = []
    if draw(st.booleans()):
        nodes.append({"id": "source", "kind": "supplier", "location": _place(draw)})
    else:
        production: dict[str, Any] = {"lead_time": draw(lead_times())}
        if draw(st.booleans()):
            production["capacity"] = draw(st.integers(5, 300))
        nodes.append(
            {
                "id": "source",
                "kind": "plant",
                "location": _place(draw),
                "production": production,
                "inventory": _inventory(draw, skus),
            }
        )

    def stocking(node_id: str, kind: str, carried: list[str]) -> dict[str, Any]:
        node: dict[str, Any] = {"id": node_id, "kind": kind, "location": _place(draw)}
        if carried != skus:
            node["carries"] = carried
        if draw(st.integers(0, 4)) == 0:
            node["storage_capacity"] = draw(st.integers(20, 800))
        if draw(st.integers(0, 2)) == 0:
            node["processing"] = _desk(draw)
        node["inventory"] = _inventory(draw, carried)
        return node

    def lane(origin: str, dest: str) -> dict[str, Any]:
        data: dict[str, Any] = {"from": origin, "to": dest, "lead_time": draw(lead_times())}
        data.update(
            cost_per_shipment=_num(draw, 0.0, 50.0),
            cost_per_unit=_num(draw, 0.0, 1.0),
            cost_per_km=_num(draw, 0.0, 1.0),
        )
        if draw(st.integers(0, 4)) == 0:
            data["capacity"] = draw(st.integers(5, 300))
        if cold:
            data["cold_chain"] = True
        return data

    dc_carries: list[list[str]] = []
    for j in range(draw(st.integers(1, 3))):
        carried = skus if j == 0 or draw(st.booleans()) else _subset(draw, skus)
        dc_carries.append(carried)
        nodes.append(stocking(f"dc-{j}", "warehouse", carried))
        lanes.append(lane("source", f"dc-{j}"))

    demand: list[dict[str, Any]] = []
    stores: list[str] = []
    for i in range(draw(st.integers(1, 4))):
        suppliers = _subset(draw, list(range(len(dc_carries))))[:2]
        common = [s for s in skus if all(s in dc_carries[j] for j in suppliers)]
        if not common:
            suppliers = suppliers[:1]
            common = dc_carries[suppliers[0]]
        node_id = f"store-{i}"
        node = stocking(node_id, "retailer", _subset(draw, common))
        if len(suppliers) > 1:
            named = [f"dc-{j}" for j in suppliers]
            rule = draw(st.sampled_from(["primary", "nearest", "cheapest", "split"]))
            node["sourcing"] = {"rule": rule}
            if rule == "primary" and draw(st.booleans()):
                node["sourcing"]["order"] = named[::-1]
            if rule == "split":
                share = _num(draw, 0.0, 1.0)
                node["sourcing"]["shares"] = {named[0]: share, named[1]: round(1 - share, 2)}
        nodes.append(node)
        stores.append(node_id)
        lanes += [lane(f"dc-{j}", node_id) for j in suppliers]
        carried = node.get("carries", skus)
        demand.append(_zone(draw, f"zone-{i}", node_id, carried, "retail"))
    if draw(st.integers(0, 3)) == 0:  # customers buying straight from a DC
        demand.append(_zone(draw, "zone-dc", "dc-0", skus, "wholesale"))

    web: str | None = None
    if draw(st.booleans()):
        web = "web"
        node = stocking(web, "ecommerce", _subset(draw, skus))
        delivery: dict[str, Any] = {
            "lead_time": draw(lead_times()),
            "promise": _num(draw, 0.2, 3.0),
            "cost_per_parcel": _num(draw, 0.0, 5.0),
        }
        if draw(st.booleans()):
            delivery["patience"] = _num(draw, 0.5, 4.0)
        node["delivery"] = delivery
        nodes.append(node)
        lanes.append(lane("dc-0", web))
        carried = node.get("carries", skus)
        for k in range(draw(st.integers(1, 2))):
            demand.append(_zone(draw, f"online-{k}", web, carried, "ecommerce"))

    horizon = draw(st.integers(10, 30) | st.floats(10.0, 30.0).map(lambda x: round(x, 2)))
    net: dict[str, Any] = {
        "name": "random-network",
        "horizon": horizon,
        "warmup": draw(st.integers(0, int(horizon) // 3)),
        "seed": draw(st.integers(0, 2**31 - 1)),
        "products": products,
        "nodes": nodes,
        "lanes": lanes,
        "demand": demand,
    }
    if draw(st.booleans()):
        net["channels"] = _channels(draw)
    if draw(st.integers(0, 3)) == 0:
        outlets = [n for n in nodes if n["id"] in stores]
        sold = [s for s in skus if any(s in n.get("carries", skus) for n in outlets)]
        market = net["market"] = _market(draw, stores, sold, web)
        if market["strategy"]["type"] != "mass":  # the strategy decides what stores stock
            net["demand"] = [z for z in demand if z["node"] not in stores]
    depots = sorted({lane["from"] for lane in lanes if lane["from"].startswith("dc-")})
    if draw(st.integers(0, 2)) == 0:
        depot = draw(st.sampled_from(depots + ([web] if web else [])))
        net["fleets"] = [_fleet(draw, depot, cold)]
        for driven in (lane for lane in lanes if lane["from"] == depot):
            for field in ("cost_per_shipment", "cost_per_unit", "cost_per_km"):
                del driven[field]
    disruptions: list[dict[str, Any]] = []
    for kind in draw(st.lists(st.sampled_from(DISRUPTION_KINDS), max_size=3)):
        made = _disruption(draw, kind, net, len(disruptions), [d["id"] for d in disruptions])
        if made is not None:
            disruptions.append(made)
    net["disruptions"] = disruptions
    return net
