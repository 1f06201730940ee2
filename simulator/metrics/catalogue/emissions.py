"""Transport emission KPIs of every scenario (docs/kpis.md, "Emissions")."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import EMISSION_SCOPES, Kpi

EMISSIONS: tuple[Kpi, ...] = (
    Kpi(
        "co2_kg",
        "kg CO2e of transport: carrier shipments' tonnes x lane km x the lane's kg CO2e per "
        "tonne-km, plus fleet routes' km x the vehicle type's co2_per_km; per shipping node "
        "(lane origin, fleet depot) and carrier lane.",
        "kg",
        "lower",
        EMISSION_SCOPES,
        "emissions",
        label="CO2",
    ),
    Kpi(
        "co2_per_unit",
        "co2_kg / units moved: units shipped on carrier lanes plus units fleet vehicles delivered.",
        "kg/unit",
        "lower",
        EMISSION_SCOPES,
        "emissions",
        label="CO2 per unit",
    ),
    Kpi(
        "tonne_km",
        "Tonnes carried on carrier lanes x the lane's km (product weight in kg / 1000).",
        "tonne-km",
        "neutral",
        EMISSION_SCOPES,
        "emissions",
    ),
)
