"""A Result's repr: two short lines a notebook can show, with the headline KPIs."""

from __future__ import annotations

from tests.metrics.tiny_networks import two_echelon


def test_result_repr_names_the_run_and_its_headline_kpis() -> None:
    result = two_echelon(horizon=10, warmup=3)
    # The shop has stock for every day's 5 units: it fills all demand, and over the 7 days of
    # the KPI window earns 35 units x (price 5 - unit cost 2) = 105 EUR. The widget weighs
    # nothing, so no CO2. Amounts under 100 keep three significant digits (the holding cost).
    cost = f"{result.kpi('total_cost'):.3g}"
    assert repr(result) == (
        f"Result('two-echelon': seed {result.seed}, 10 days)\n"
        f"  fill rate 100.0%, total cost {cost} EUR, gross margin 105 EUR, CO2 0 kg"
    )
