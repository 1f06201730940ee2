"""Disruption kinds by the name used as ``type`` in scenario files."""

from __future__ import annotations

from policies.registry import Registry
from simulator.disruptions.base import Disruption
from simulator.disruptions.customer_side import CustomerSide
from simulator.disruptions.demand_shock import DemandShock
from simulator.disruptions.economic_shift import EconomicShift
from simulator.disruptions.facility_outage import FacilityOutage
from simulator.disruptions.recall import Recall
from simulator.disruptions.supplier_shortage import SupplierShortage
from simulator.disruptions.transport_delay import TransportDelay
from simulator.disruptions.vehicle_breakdowns import VehicleBreakdowns
from simulator.disruptions.weather import Weather

DISRUPTIONS: Registry[Disruption] = Registry("disruption", noun="kind")
_KINDS: dict[str, type[Disruption]] = {
    "weather": Weather,
    "transport_delay": TransportDelay,
    "vehicle_breakdowns": VehicleBreakdowns,
    "demand_shock": DemandShock,
    "supplier_shortage": SupplierShortage,
    "facility_outage": FacilityOutage,
    "recall": Recall,
    "economic_shift": EconomicShift,
    "customer_side": CustomerSide,
}
for _name, _kind in _KINDS.items():
    DISRUPTIONS.register(_name, _kind, _kind.params_model)
