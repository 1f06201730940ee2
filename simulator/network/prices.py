"""Trade prices along the chain: what a node of each kind charges its buyers for a product."""

from __future__ import annotations

import numpy as np

from simulator.scenario.models import Product


def sell_price(product: Product, kind: str, factor: float = 1.0) -> float:
    """Unit price a node of ``kind`` charges its buyers for ``product``; ``factor`` scales every
    price of the chain (a distribution strategy's premium or discount), not the unit cost an
    outside supplier charges."""
    if kind == "supplier":
        return product.unit_cost
    return factor * _list_price(product, kind)


def _list_price(product: Product, kind: str) -> float:
    trade = product.trade_prices
    manufacturer = product.unit_cost if trade.manufacturer is None else trade.manufacturer
    if kind in ("retailer", "ecommerce"):
        return product.price
    if kind == "wholesaler":
        return manufacturer if trade.wholesaler is None else trade.wholesaler
    if kind == "distributor":
        return manufacturer if trade.distributor is None else trade.distributor
    return manufacturer  # plants and warehouses: the manufacturer's own network


def trade_prices(
    products: list[Product], skus: list[str], factor: dict[str, float], kinds: list[str]
) -> np.ndarray:
    """Unit prices per (node, SKU) for nodes selling as ``kinds`` (see :func:`sell_price`)."""
    table = {
        kind: [sell_price(p, kind, factor.get(s, 1.0)) for p, s in zip(products, skus, strict=True)]
        for kind in set(kinds)
    }
    return np.asarray([table[kind] for kind in kinds], dtype=float).reshape(len(kinds), len(skus))
