"""Study files: loading, effective variants, seeds, content hash and error reporting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from simulator import with_overrides
from simulator.experiment.design import DEFAULT_KPIS, Frontier, MserWarmup
from simulator.experiment.study import Study, load_study
from simulator.scenario import ScenarioError, load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"

EXAMPLE = """\
study: quick-policies
description: Store policies in the quickstart network.
scenario: base/quickstart.yaml
replications: 4
seed: 1000
horizon: 90
warmup: 14
kpis: [fill_rate, total_cost]
baseline: lean-stores
variants:
  - name: current
  - name: lean-stores
    overrides: {"nodes[kind=retailer].inventory.policy.s": 10}
  - name: overlay
    extends: base/quickstart_lean.yaml
    overrides: {"nodes.store-1.inventory.initial": 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "base").mkdir(exist_ok=True)
    for name in ("quickstart.yaml", "quickstart_lean.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / "base")
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_study(path)
    return [str(p).replace(str(path.parent) + "/", "") for p in caught.value.problems]


def test_example_study_builds_its_variants(tmp_path: Path) -> None:
    study = load_study(write(tmp_path, EXAMPLE))
    assert study.name == "quick-policies"
    assert study.scenario_path == (tmp_path / "base" / "quickstart.yaml").resolve()
    assert [v.name for v in study.variants()] == ["current", "lean-stores", "overlay"]
    assert study.baseline == "lean-stores"
    assert study.kpis == ("fill_rate", "total_cost")
    base = load_scenario(tmp_path / "base" / "quickstart.yaml")
    current, lean, overlay = study.variants()
    # The study's horizon and warm-up apply to every variant; nothing else changes.
    assert current.scenario == with_overrides(base, {"horizon": 90, "warmup": 14})
    assert {n.inventory.policy.s for n in lean.scenario.nodes if n.kind == "retailer"} == {10}  # type: ignore[union-attr, attr-defined]
    assert overlay.scenario.name == "quickstart-lean"
    assert overlay.scenario.demand[0].patience == 2
    assert overlay.scenario.node("store-1").inventory.initial == 5  # type: ignore[union-attr]
    assert (overlay.scenario.horizon, overlay.scenario.warmup) == (90, 14)
    assert overlay.extends == "base/quickstart_lean.yaml"
    with pytest.raises(ValidationError):
        study.replications = 5  # type: ignore[misc]


def test_defaults_base_variant_first_baseline_scenario_seed_and_kpis(tmp_path: Path) -> None:
    study = load_study(
        write(tmp_path, "study: s\nscenario: base/quickstart.yaml\nreplications: 2\n")
    )
    assert [v.name for v in study.variants()] == ["base"]
    assert study.baseline == "base"
    assert study.seed == load_scenario(tmp_path / "base" / "quickstart.yaml").seed
    assert study.kpis == DEFAULT_KPIS
    assert study.frontier == Frontier(cost="total_cost", service="fill_rate")
    assert study.warmup is None and study.common_random_numbers


def test_seeds_are_shared_under_crn_and_distinct_and_stable_without(tmp_path: Path) -> None:
    study = load_study(write(tmp_path, EXAMPLE))
    assert [study.seed_of(v, 3) for v in ("current", "overlay")] == [1003, 1003]
    independent = study.model_copy(update={"common_random_numbers": False})
    seeds = {independent.seed_of(v.name, r) for v in study.variants() for r in range(50)}
    assert len(seeds) == 150
    assert independent.seed_of("overlay", 7) == independent.seed_of("overlay", 7)


def test_content_hash_follows_what_decides_the_runs(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    first = load_study(path).content_hash()
    assert load_study(path).content_hash() == first
    # Presentation does not change any run ...
    path.write_text(EXAMPLE.replace("baseline: lean-stores", "baseline: current"))
    assert load_study(path).content_hash() == first
    # ... replications, seeds and scenarios do.
    for old, new in [
        ("replications: 4", "replications: 5"),
        ("seed: 1000", "seed: 1"),
        ('s": 10', 's": 11'),
        ("horizon: 90", "horizon: 91"),
    ]:
        path.write_text(EXAMPLE.replace(old, new))
        assert load_study(path).content_hash() != first, new


def test_the_report_frontier_is_chosen_without_changing_the_runs(tmp_path: Path) -> None:
    plain = load_study(write(tmp_path, EXAMPLE))
    text = EXAMPLE + "report:\n  frontier: {cost: holding_cost, service: cycle_service_level}\n"
    study = load_study(write(tmp_path, text))
    assert study.frontier == Frontier(cost="holding_cost", service="cycle_service_level")
    assert study.content_hash() == plain.content_hash()
    assert Study.model_validate(study.model_dump()).frontier == study.frontier


@pytest.mark.parametrize(
    ("frontier", "expected"),
    [
        (
            "{cost: total_cost, service: otiff}",
            "report.frontier.service: unknown KPI 'otiff' (expected one of",
        ),
        (
            "{cost: otif, service: fill_rate}",
            "report.frontier.cost: 'otif' is better when higher; this axis needs a KPI that is "
            "better when lower",
        ),
        (
            "{service: demand}",
            "report.frontier.service: 'demand' has no better direction; this axis needs a KPI "
            "that is better when higher",
        ),
        ("{x: total_cost}", "report.frontier.x: unknown field 'x'"),
    ],
)
def test_a_bad_frontier_is_reported_at_its_line(
    tmp_path: Path, frontier: str, expected: str
) -> None:
    text = EXAMPLE + f"report:\n  frontier: {frontier}\n"
    (found,) = problems(write(tmp_path, text))
    assert found.startswith(f"study.yaml:18: {expected}")


def test_mser_warmup_settings(tmp_path: Path) -> None:
    text = EXAMPLE.replace("warmup: 14", "warmup: {method: mser5, series: backlog}")
    study = load_study(write(tmp_path, text))
    assert study.warmup == MserWarmup(method="mser5", series="backlog")
    # The scenario's own warm-up stays until the pilots have found one.
    assert study.variant("current").scenario.warmup == 30


def test_every_schema_problem_at_once_with_lines(tmp_path: Path) -> None:
    text = """\
study: s
scenario: base/quickstart.yaml
replications: 1
kpis: [fill_rate, fil_rate]
colour: blue
warmup: {method: mser6}
variants:
  - name: a b
"""
    found = problems(write(tmp_path, text))
    assert found[0] == "study.yaml:3: replications: Input should be greater than or equal to 2"
    assert found[1].startswith("study.yaml:4: kpis[1]: unknown KPI 'fil_rate' (expected one of")
    assert found[2] == "study.yaml:5: colour: unknown field 'colour'"
    assert (
        "study.yaml:6: warmup.method: Input should be 'mser5' (got 'mser6') "
        "(did you mean 'mser5'?)" in found
    )
    assert found[-1].startswith("study.yaml:8: variants[0].name: String should match pattern")


def test_override_problems_point_at_the_override_line(tmp_path: Path) -> None:
    text = """\
study: s
scenario: base/quickstart.yaml
replications: 2
variants:
  - name: typo
    overrides:
      nodes.store-9.inventory.initial: 5
  - name: invalid
    overrides:
      horizon: 60
      nodes[kind=retailer].inventory.policy.S: 40
  - name: negative
    overrides: {"nodes.dc.inventory.initial": -1}
"""
    assert problems(write(tmp_path, text)) == [
        "study.yaml:7: nodes: unknown override path 'nodes.store-9.inventory.initial': "
        "no item with id 'store-9'",
        *[
            f"study.yaml:11: nodes[{i}].inventory.policy: s must be < S (got s=45, S=40)"
            for i in range(2, 7)
        ],
        "study.yaml:13: nodes[1].inventory.initial: Input should be greater than or equal to 0",
    ]


def test_problems_in_the_base_scenario_keep_its_own_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    base = tmp_path / "base" / "quickstart.yaml"
    base.write_text(base.read_text().replace("horizon: 180", "horizon: -1"))
    assert problems(path)[0].startswith("base/quickstart.yaml:9: horizon: Input should be")


def test_an_overlay_must_extend_the_study_scenario(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    (tmp_path / "base" / "other.yaml").write_text((SCENARIOS / "quickstart.yaml").read_text())
    overlay = tmp_path / "base" / "quickstart_lean.yaml"
    overlay.write_text(
        overlay.read_text().replace("extends: quickstart.yaml", "extends: other.yaml")
    )
    assert problems(path) == [
        "base/quickstart_lean.yaml:5: extends: the overlay must extend the study's scenario "
        "(quickstart.yaml)"
    ]
    path.write_text(EXAMPLE.replace("base/quickstart_lean.yaml", "base/missing.yaml"))
    assert problems(path) == [
        "study.yaml:15: variants[2].extends: overlay file not found: "
        f"{tmp_path / 'base' / 'missing.yaml'}".replace(str(tmp_path) + "/", "")
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "scenario: base/quickstart.yaml",
            "scenario: base/nowhere.yaml",
            "study.yaml:3: scenario: scenario file not found: base/nowhere.yaml",
        ),
        (
            "baseline: lean-stores",
            "baseline: leaner",
            "study.yaml:9: baseline: no variant 'leaner' "
            "(variants: ['current', 'lean-stores', 'overlay'])",
        ),
        (
            "  - name: overlay",
            "  - name: current",
            "study.yaml:14: variants[2].name: duplicate variant name 'current'",
        ),
        (
            "kpis: [fill_rate, total_cost]",
            "precision: {metric: fill_rate, half_width: 0.01, max_replications: 3}",
            "study.yaml:8: precision.max_replications: must be at least replications (4)",
        ),
        (
            "warmup: 14",
            "warmup: {method: mser5, echelon: 2}",
            "study.yaml:7: warmup.echelon: variant 'current' has echelon levels [0, 1] only",
        ),
    ],
)
def test_study_level_problems(tmp_path: Path, old: str, new: str, expected: str) -> None:
    (found,) = problems(write(tmp_path, EXAMPLE.replace(old, new)))
    assert found.startswith(expected)


def test_a_study_file_must_be_a_mapping(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "- just\n- a list\n")) == [
        "study.yaml:1: the top level must be a mapping"
    ]


def test_study_round_trips_through_its_own_dump(tmp_path: Path) -> None:
    study = load_study(write(tmp_path, EXAMPLE))
    again = Study.model_validate(study.model_dump())
    assert again.content_hash() == study.content_hash()
