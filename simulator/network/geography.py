"""Distances and driving times between the places of a scenario.

Locations are planar km or latitude/longitude. Road km are the straight-line (or great-circle)
km times the circuity factor, unless the scenario's matrix file gives a pair's road km (and
hours). Planar coordinates for maps and distribution strategies come from an equirectangular
projection around the scenario's mean latitude: within a region of a few hundred km it keeps
distances within about 1%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from simulator.scenario.base import Location
from simulator.scenario.matrix import RoadLegs, read_matrix
from simulator.scenario.models import Scenario

EARTH_RADIUS_KM = 6371.0088


class Geography:
    """Road distances of one scenario; reads its matrix file, if any, once."""

    def __init__(self, scenario: Scenario) -> None:
        geo = scenario.geography
        self.latlon = geo.coordinates == "latlon"
        self.circuity = geo.circuity
        base = scenario.source.parent if scenario.source else None
        self.legs: RoadLegs = read_matrix(geo.matrix, base) if geo.matrix else {}
        self.locations: dict[str, Location] = {
            p.id: p.location
            for p in (*scenario.nodes, *scenario.customer_zones())
            if p.location is not None
        }
        lats = [loc.pair[0] for loc in self.locations.values()]
        self.reference_lat = float(np.mean(lats)) if self.latlon and lats else 0.0

    def xy(self, locations: Sequence[Location]) -> np.ndarray:
        """Planar km coordinates, shape (n, 2)."""
        pairs = np.asarray([loc.pair for loc in locations], dtype=np.float64).reshape(-1, 2)
        if not self.latlon:
            return pairs
        lat, lon = np.radians(pairs[:, 0]), np.radians(pairs[:, 1])
        scale = math.cos(math.radians(self.reference_lat))
        return EARTH_RADIUS_KM * np.column_stack([lon * scale, lat])

    def straight_km(self, a: Sequence[Location], b: Sequence[Location]) -> np.ndarray:
        """Straight-line (planar) or great-circle (lat/lon) km, shape (len(a), len(b))."""
        pa = np.asarray([loc.pair for loc in a], dtype=np.float64).reshape(-1, 2)
        pb = np.asarray([loc.pair for loc in b], dtype=np.float64).reshape(-1, 2)
        if not self.latlon:
            return np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1])
        lat1, lon1 = np.radians(pa[:, None, 0]), np.radians(pa[:, None, 1])
        lat2, lon2 = np.radians(pb[None, :, 0]), np.radians(pb[None, :, 1])
        h = (
            np.sin((lat2 - lat1) / 2) ** 2
            + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

    def road(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Road km and driving hours between the named places, each shape (n, n).

        Hours are NaN where the matrix gives none (a vehicle's speed decides them). A place
        without a location must have every pair in the matrix.

        Raises:
            KeyError: naming the pair, if neither a location nor the matrix gives it.
        """
        n = len(ids)
        located = [i for i in ids if i in self.locations]
        km = np.full((n, n), np.nan)
        hours = np.full((n, n), np.nan)
        if located:
            index = [k for k, i in enumerate(ids) if i in self.locations]
            locs = [self.locations[i] for i in located]
            km[np.ix_(index, index)] = self.circuity * self.straight_km(locs, locs)
        if self.legs:
            for a in range(n):
                for b in range(n):
                    leg = self.legs.get((ids[a], ids[b]))
                    if leg is not None:
                        km[a, b], hours[a, b] = leg
        np.fill_diagonal(km, 0.0)
        np.fill_diagonal(hours, 0.0)
        if np.isnan(km).any():
            a, b = np.argwhere(np.isnan(km))[0]
            raise KeyError(f"no location or matrix entry gives the distance {ids[a]} -> {ids[b]}")
        return km, hours

    def km(self, a: str, b: str) -> float:
        """Road km from ``a`` to ``b``; 0 when neither locations nor the matrix give it."""
        try:
            return float(self.road([a, b])[0][0, 1])
        except KeyError:
            return 0.0
