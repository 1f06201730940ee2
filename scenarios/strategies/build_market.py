"""Write ``market.yaml``: the consumer-goods market of the distribution-strategy study.

The market is a 200 x 200 km region cut into four territories (north, south, east, west) by
its diagonals. Each territory has a large town, a small town and four villages; 220 customer
zones cluster around the towns and 80 are scattered over the countryside.
Forty shops sell a manufacturer's eight SKUs through three physical channels:

- chain stores in the towns, delivered straight from a regional DC (channel ``retail``);
- independent shops, delivered by their territory's distributor (channel ``distributor``);
- village and small-town shops that buy in bulk from a cash-and-carry wholesaler (channel
  ``wholesale``); wholesalers have no refrigeration, so these shops sell no chilled SKUs.

A web shop delivers to the door anywhere in the region. A plant supplies two DCs, which supply
everyone else. Everything is drawn from a fixed seed, so the file is the same on every run.

Rerun after editing (from the project root)::

    python scenarios/strategies/build_market.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SEED = 2024
OUT = Path(__file__).with_name("market.yaml")
SIZE = 200.0  # km, the side of the square map

# id, unit cost, consumer price, share of a zone's base demand, shelf life (days, chilled only)
PRODUCTS = [
    ("pasta", 0.52, 1.49, 1.00, None),
    ("snacks", 0.70, 2.19, 0.90, None),
    ("yogurt", 0.85, 2.39, 0.80, 28),
    ("coffee", 2.40, 5.99, 0.60, None),
    ("shampoo", 1.30, 3.79, 0.50, None),
    ("detergent", 2.90, 7.49, 0.45, None),
    ("cheese", 2.30, 5.99, 0.40, 60),
    ("olive-oil", 3.50, 8.99, 0.35, None),
]
TRADE = {"manufacturer": 0.60, "wholesaler": 0.77, "distributor": 0.78}  # share of the price

# name, territory, centre x, y, zones, spread of the zones (km), channels of its shops
TOWNS = [
    ("northbury", "north", 100, 166, 35, 7, ["retail", "retail", "distributor"]),
    ("hillcrest", "north", 52, 178, 20, 5, ["retail", "distributor", "wholesale"]),
    ("southport", "south", 96, 34, 35, 7, ["retail", "retail", "distributor"]),
    ("marshend", "south", 150, 20, 20, 5, ["retail", "distributor", "wholesale"]),
    ("eastfield", "east", 168, 104, 35, 7, ["retail", "retail", "distributor"]),
    ("ridgeway", "east", 180, 150, 20, 5, ["retail", "distributor", "wholesale"]),
    ("westbrook", "west", 30, 98, 35, 7, ["retail", "retail", "distributor"]),
    ("lakeside", "west", 20, 48, 20, 5, ["retail", "distributor", "wholesale"]),
]
# name, x, y, channel: one shop each
VILLAGES = [
    ("oakley", 140, 150, "distributor"),
    ("fernhill", 74, 138, "wholesale"),
    ("highmoor", 136, 194, "wholesale"),
    ("ashford", 16, 192, "distributor"),
    ("brookdale", 62, 60, "distributor"),
    ("saltmarsh", 128, 62, "wholesale"),
    ("dunmore", 44, 8, "wholesale"),
    ("fairport", 188, 8, "distributor"),
    ("millbrook", 140, 122, "distributor"),
    ("stonebridge", 188, 62, "wholesale"),
    ("easton", 194, 192, "wholesale"),
    ("kingsley", 150, 82, "distributor"),
    ("willowby", 60, 110, "distributor"),
    ("greystone", 40, 140, "wholesale"),
    ("cliffside", 6, 152, "wholesale"),
    ("redmoor", 6, 16, "distributor"),
]
RURAL_ZONES = 80

# Upstream facilities: id -> x, y
PLANT = (104, 104)
DCS = {"dc-northwest": (70, 128), "dc-southeast": (132, 76)}
DISTRIBUTORS = {
    "dist-north": (96, 150),
    "dist-south": (104, 50),
    "dist-east": (152, 102),
    "dist-west": (46, 98),
}
WHOLESALERS = {"cc-west": (48, 130), "cc-east": (150, 72)}
WEB = (136, 82)


def territory(x: float, y: float) -> str:
    """The quarter of the map a point lies in, cut along the diagonals through the centre."""
    dx, dy = x - SIZE / 2, y - SIZE / 2
    if abs(dy) >= abs(dx):
        return "north" if dy > 0 else "south"
    return "east" if dx > 0 else "west"


def nearest(x: float, y: float, sites: dict[str, tuple[float, float]]) -> str:
    """The id of the site closest to (x, y)."""
    return min(sites, key=lambda i: (sites[i][0] - x) ** 2 + (sites[i][1] - y) ** 2)


def loc(x: float, y: float) -> str:
    return f"{{x: {x:.1f}, y: {y:.1f}}}"


def build() -> str:
    rng = np.random.default_rng(SEED)
    ambient = [p[0] for p in PRODUCTS if p[4] is None]

    # Customer zones: town quarters, then scattered farms and hamlets.
    zones = []
    for name, _, cx, cy, count, spread, _ in TOWNS:
        xy = np.clip(rng.normal((cx, cy), spread, size=(count, 2)), 1, SIZE - 1)
        means = rng.uniform(0.5, 1.0, size=count)
        zones += [
            (f"{name}-{k + 1:02d}", x, y, m)
            for k, ((x, y), m) in enumerate(zip(xy, means, strict=True))
        ]
    xy = rng.uniform(4, SIZE - 4, size=(RURAL_ZONES, 2))
    means = rng.uniform(0.2, 0.4, size=RURAL_ZONES)
    zones += [
        (f"rural-{k + 1:02d}", x, y, m) for k, ((x, y), m) in enumerate(zip(xy, means, strict=True))
    ]

    # Shops: a few per town around its centre, one per village.
    shops = []  # id, x, y, channel
    for name, _, cx, cy, _, _, channels in TOWNS:
        offsets = rng.uniform(-4, 4, size=(len(channels), 2))
        shops += [
            (f"{name}-{k + 1}", cx + dx, cy + dy, ch)
            for k, ((dx, dy), ch) in enumerate(zip(offsets, channels, strict=True))
        ]
    shops += [(name, x, y, ch) for name, x, y, ch in VILLAGES]
    for terr in ("north", "south", "east", "west"):  # 3 retail, 4 distributor, 3 wholesale
        mine = [ch for _, x, y, ch in shops if territory(x, y) == terr]
        assert [mine.count(c) for c in ("retail", "distributor", "wholesale")] == [3, 4, 3], terr
    for name, terr, cx, cy, *_ in TOWNS:
        assert territory(cx, cy) == terr, name

    dist_of = {territory(x, y): i for i, (x, y) in DISTRIBUTORS.items()}

    def supplier(x: float, y: float, channel: str) -> str:
        if channel == "retail":
            return nearest(x, y, DCS)
        if channel == "distributor":
            return dist_of[territory(x, y)]
        return nearest(x, y, WHOLESALERS)

    chilled = "They spoil: stock is wasted at the end of its shelf life."
    out: list[str] = [HEADER.strip("\n").replace("CHILLED", chilled), ""]
    out.append("templates:")
    out.append("  # How much of each SKU a zone buys, relative to its base demand.")
    out.append("  mix: &mix {" + ", ".join(f"{p[0]}: {p[3]}" for p in PRODUCTS) + "}")
    out.append(TEMPLATES.strip("\n").replace("AMBIENT", "[" + ", ".join(ambient) + "]"))
    out.append("")

    out.append("products:  # EUR per unit; trade prices are what each level charges its buyers")
    for sku, cost, price, _, life in PRODUCTS:
        trade = ", ".join(f"{k}: {round(price * v, 2)}" for k, v in TRADE.items())
        fresh = f", shelf_life: {life}, disposal_cost: 0.1, cold_chain: true" if life else ""
        out.append(
            f"  - {{id: {sku}, unit_cost: {cost}, price: {price}, "
            f"trade_prices: {{{trade}}}{fresh}}}"
        )
    out.append("")

    out.append("nodes:")
    out.append("  # The manufacturer: a plant and two regional distribution centres (DCs).")
    out.append(
        f"  - {{id: plant, kind: plant, location: {loc(*PLANT)}, "
        "production: {capacity: 2500, lead_time: 2}, inventory: *plant_stock}"
    )
    for i, (x, y) in DCS.items():
        out.append(
            f"  - {{id: {i}, kind: warehouse, location: {loc(x, y)}, inventory: *dc_stock, "
            "allocation: *dc_allocation}"
        )
    out.append("  # Trade partners: one distributor per territory, two cash-and-carry wholesalers")
    out.append("  # (no refrigeration: ambient SKUs only) and the web shop.")
    for i, (x, y) in DISTRIBUTORS.items():
        out.append(
            f"  - {{id: {i}, kind: distributor, territory: {territory(x, y)}, "
            f"location: {loc(x, y)}, tier: 1, inventory: *distributor_stock, "
            "allocation: {type: priority, by: tier}}"
        )
    for i, (x, y) in WHOLESALERS.items():
        out.append(
            f"  - {{id: {i}, kind: wholesaler, location: {loc(x, y)}, tier: 2, carries: *ambient, "
            "inventory: *wholesaler_stock, allocation: {type: fair_share}}"
        )
    out.append(
        f"  - {{id: web, kind: ecommerce, location: {loc(*WEB)}, inventory: *web_stock, "
        "delivery: *home_delivery}"
    )
    titles = {
        "retail": "Chain stores, delivered by their DC (channel retail).",
        "distributor": "Independent shops, delivered by their territory's distributor "
        "(channel distributor);\n  # town shops are the distributor's key accounts (tier 1).",
        "wholesale": "Shops that fetch ambient goods from a cash-and-carry (channel wholesale).",
    }
    stock = {"retail": "chain_store", "distributor": "partner_store", "wholesale": "corner_store"}
    towns = {t[0] for t in TOWNS}
    for channel in ("retail", "distributor", "wholesale"):
        out.append(f"  # {titles[channel]}")
        for sid, x, y, ch in shops:
            if ch != channel:
                continue
            extra = ""
            if channel == "distributor":
                extra = f"tier: {1 if sid.rsplit('-', 1)[0] in towns else 2}, "
            if channel == "wholesale":
                extra = "carries: *ambient, "
            out.append(
                f"  - {{id: {sid}, kind: retailer, territory: {territory(x, y)}, "
                f"location: {loc(x, y)}, {extra}inventory: *{stock[channel]}}}"
            )
    out.append("")

    out.append("lanes:  # lead times in days; cost = per shipment + per unit x units + per km x km")
    for i in DCS:
        out.append(f"  - {{<<: *trunk, from: plant, to: {i}}}")
    for i, (x, y) in {**DISTRIBUTORS, "web": WEB}.items():
        out.append(f"  - {{<<: *dc_to_partner, from: {nearest(x, y, DCS)}, to: {i}}}")
    for i, (x, y) in WHOLESALERS.items():
        out.append(f"  - {{<<: *dc_to_wholesaler, from: {nearest(x, y, DCS)}, to: {i}}}")
    lane_style = {"retail": "dc_to_store", "distributor": "van_run", "wholesale": "pickup"}
    for channel in ("retail", "distributor", "wholesale"):
        for sid, x, y, ch in shops:
            if ch == channel:
                out.append(f"  - {{<<: *{lane_style[ch]}, from: {supplier(x, y, ch)}, to: {sid}}}")
    out.append("")

    out.append(MARKET.strip("\n"))
    for zid, x, y, mean in zones:
        out.append(
            f"    - {{<<: *shoppers, id: {zid}, territory: {territory(x, y)}, "
            f"location: {loc(x, y)}, daily: {{dist: poisson, mean: {mean:.2f}}}}}"
        )
    return "\n".join(out) + "\n"


HEADER = """
# yaml-language-server: $schema=../../docs/schemas/scenario.schema.json
# strategies: how broadly should a consumer-goods manufacturer distribute?
#
# GENERATED by build_market.py in this folder: edit that script and rerun it
# (python scenarios/strategies/build_market.py) rather than editing this file.
#
# The map is 200 x 200 km, cut along its diagonals into four territories: north, south, east
# and west. Each territory has a large town, a small town and four villages. Of the 300
# customer zones (market.customers), 220 are town quarters and 80 are scattered over the
# countryside, often far from any shop. A zone's customers buy at the nearest shop that carries
# the SKU within `reach` km; if none does, some of them order from the web shop instead.
#
# Forty shops can sell the eight SKUs, through three physical channels:
#   retail       12 chain stores in the towns, delivered by a DC every day or two;
#   distributor  16 independent shops, delivered by their territory's distributor;
#   wholesale    12 small shops that fetch ambient goods weekly from a cash-and-carry.
# Yogurt and cheese are chilled: they travel on cold-chain lanes only, and the cash-and-carry
# shops do not sell them. CHILLED
#
# The distribution strategy (market.strategy) decides which shops carry each SKU. Here it is
# `mass`: every shop carries everything it can. The study strategies.yaml in this folder
# compares it with `selective` and `exclusive` distribution.
#
# Stock levels follow demand forecasts (exponential smoothing), so a shop that gets more
# customers under another strategy stocks more without retuning. Lost sales carry no penalty
# cost: their price is the revenue and margin they take away.
#
# Run it:  supplysim run scenarios/strategies/market.yaml
name: strategies
description: >-
  A consumer-goods market of 300 customer zones in four territories, 40 shops in three
  channels, a web shop, 8 SKUs (2 chilled), 365 days; mass distribution.
currency: EUR
horizon: 365
warmup: 28            # four weeks for the forecasts and pipelines to settle; excluded from KPIs
seed: 17
"""

TEMPLATES = """
  ambient: &ambient AMBIENT
  # Zones shop more at the end of the week. Their daily law counts shopping trips; each trip
  # buys 1 or more units (the retail channel's order_size, below).
  shoppers: &shoppers
    skus: *mix
    seasonality: {weekly: [0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 0.8]}

  # Stock rules. `forecast` orders up to (lead time + review period) days of forecast demand,
  # plus safety stock of z = safety_factor forecast-error deviations. The forecast is smoothed
  # exponentially from warmup_level, a first guess of the daily units per SKU under mass
  # distribution; it then follows the demand the strategy sends each node. order_cost is the
  # clerical cost of one order line.
  smoothed: &smoothed {type: forecast, method: exp_smoothing, alpha: 0.1, safety_factor: 1.65}
  # Chilled SKUs are kept short upstream: the DCs and distributors reorder them daily, and the
  # plant makes two days' worth at a time.
  fresh_daily: &fresh_daily {policy: {<<: *smoothed, warmup_level: 20, review_period: 1}}
  fresh_batch: &fresh_batch {policy: {<<: *smoothed, warmup_level: 60, safety_factor: 1, cover: 2}}
  chain_store: &chain_store      # DC deliveries every other day
    policy: {<<: *smoothed, warmup_level: 3, review_period: 2}
    initial: 12
    order_cost: 0.5
  partner_store: &partner_store  # distributor van every other day
    policy: {<<: *smoothed, warmup_level: 3, review_period: 2}
    initial: 12
    order_cost: 0.5
  corner_store: &corner_store    # one trip to the cash-and-carry a week
    policy: {<<: *smoothed, warmup_level: 2, review_period: 7}
    initial: 20
    order_cost: 0.5
  distributor_stock: &distributor_stock
    policy: {<<: *smoothed, warmup_level: 12, review_period: 3}
    initial: 60
    order_cost: 3
    case_pack: 24
    skus: {yogurt: *fresh_daily, cheese: *fresh_daily}
  wholesaler_stock: &wholesaler_stock
    policy: {<<: *smoothed, warmup_level: 15, review_period: 7}
    initial: 120
    order_cost: 3
    case_pack: 48
  web_stock: &web_stock
    policy: {<<: *smoothed, warmup_level: 5, review_period: 2}
    initial: 30
    order_cost: 1
  dc_stock: &dc_stock
    policy: {<<: *smoothed, warmup_level: 60, review_period: 3}
    initial: 400
    order_cost: 5
    case_pack: 48
    skus: {yogurt: *fresh_daily, cheese: *fresh_daily}
  plant_stock: &plant_stock
    policy: {<<: *smoothed, warmup_level: 120}
    initial: 600
    skus: {yogurt: *fresh_batch, cheese: *fresh_batch}
  # When stock is short, the DCs serve their own chain stores first, then the web shop, the
  # distributors and last the wholesalers.
  dc_allocation: &dc_allocation
    {type: priority, by: channel, order: [retail, ecommerce, distributor, wholesale]}
  home_delivery: &home_delivery
    lead_time: {dist: uniform_int, low: 1, high: 2}
    promise: 2
    cost_per_parcel: 2.5
    patience: 5              # days a customer waits for a backordered parcel, then cancels

  # Lanes. Trucks into anything that sells chilled SKUs are refrigerated (cold_chain).
  one_or_two: &one_or_two {dist: uniform_int, low: 1, high: 2}
  trunk: &trunk              # plant to DC: full trucks
    {lead_time: *one_or_two, cost_per_shipment: 90, cost_per_unit: 0.02, cost_per_km: 0.6,
     cold_chain: true}
  dc_to_partner: &dc_to_partner
    {lead_time: 1, cost_per_shipment: 45, cost_per_unit: 0.02, cost_per_km: 0.4, cold_chain: true}
  dc_to_wholesaler: &dc_to_wholesaler
    {lead_time: 2, cost_per_shipment: 80, cost_per_unit: 0.02, cost_per_km: 0.5}
  dc_to_store: &dc_to_store  # a drop on a DC delivery round
    {lead_time: *one_or_two, cost_per_shipment: 25, cost_per_unit: 0.03, cost_per_km: 0.3,
     cold_chain: true}
  van_run: &van_run          # a drop on a distributor's van round
    {lead_time: 1, cost_per_shipment: 12, cost_per_unit: 0.04, cost_per_km: 0.2, cold_chain: true}
  pickup: &pickup            # the shopkeeper drives to the cash-and-carry
    {lead_time: *one_or_two, cost_per_shipment: 6, cost_per_unit: 0.05, cost_per_km: 0.1}

# How each channel orders. Shops buy in cases; the cash-and-carry sells in bulk only.
channels:
  retail: {order_size: {dist: geometric, mean: 1.25}, case_pack: 6}
  distributor: {case_pack: 6, min_order: 12}
  wholesale: {case_pack: 12, min_order: 24}
  ecommerce: {case_pack: 12}
"""

MARKET = """
market:
  online: web
  reach: 20                # km a customer travels to a shop at most
  strategy: {type: mass, price_factor: 1.0, demand_factor: 1.0}
  reaction:
    uncovered_online: 0.35 # share of customers with no shop in reach who order online
    next_outlet: 0.5       # share of a stockout's customers who try the next shop
    online: 0.15           # ... who order online instead (the rest go without)
  # One line per zone: its territory, where it is, and its customers' shopping trips a day
  # for a SKU of weight 1 in the mix.
  customers:
"""


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUT}")
