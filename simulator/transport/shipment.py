"""Goods on their way to inventory positions: what one shipment carries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Shipment:
    """Units on their way to positions, with the lots they carry where perishable.

    ``profile`` rows are the lots taken from a stocking source at ``taken_at`` (see
    :mod:`simulator.engine.lots`); rows ``made_fresh`` come from production or an outside supplier
    and are made at ``made``. ``profile`` is ``None`` when nothing is perishable.

    ``lots`` rows are the same units by production lot where a recall traces them (see
    :mod:`simulator.engine.traceability`); ``None`` when no row is traced.
    """

    pos: np.ndarray
    qty: np.ndarray
    profile: np.ndarray | None
    made_fresh: np.ndarray
    taken_at: float
    made: float
    lots: np.ndarray | None = None

    def part(self, share: float) -> Shipment:
        """The same lots scaled by ``share`` (a consignment split across vehicles)."""
        return Shipment(
            self.pos,
            self.qty * share,
            None if self.profile is None else self.profile * share,
            self.made_fresh,
            self.taken_at,
            self.made,
            None if self.lots is None else self.lots * share,
        )

    def subset(self, rows: np.ndarray) -> Shipment:
        """The rows ``rows`` selects (a boolean mask or indices)."""
        return Shipment(
            self.pos[rows],
            self.qty[rows],
            None if self.profile is None else self.profile[rows],
            self.made_fresh[rows],
            self.taken_at,
            self.made,
            None if self.lots is None else self.lots[rows],
        )
