"""Customer side: cancellations, address corrections and bulk returns, when it starts."""

from __future__ import annotations

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.demand_shock import chosen_streams
from simulator.disruptions.kinds.customer_side import CustomerSideParams
from simulator.network import Network


class CustomerSide(Disruption[CustomerSideParams]):
    def __init__(self, index: int, params: CustomerSideParams, net: Network) -> None:
        super().__init__(index, params, net)
        self.streams = chosen_streams(net, params.zones)

    def begin(self, world: World, window: Window) -> None:
        spec = self.params
        if spec.cancel > 0:
            world.cancel_backorders(self.streams, spec.cancel)
        if spec.returns > 0:
            world.return_sold(self.streams, spec.returns, spec.returns_window, spec.restock)
        if spec.address_changes > 0:
            world.redirect_home_deliveries(spec.address_changes, f"disruption/{spec.id}")
