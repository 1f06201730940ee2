"""The generated scenario reference covers the schema and is current in docs/."""

from __future__ import annotations

from pathlib import Path

from policies.registry import REPLENISHMENT
from simulator.scenario.reference import DISTRIBUTIONS, SECTIONS, render_reference

DOC = Path(__file__).parents[2] / "docs" / "scenario.md"


def test_docs_are_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/scenario.md is stale; regenerate it with "
        "`supplysim schema --markdown > docs/scenario.md`"
    )


def test_every_model_and_field_is_documented() -> None:
    text = render_reference()
    headings = [f"## {model.__name__}\n" for model in SECTIONS]
    headings += [f"### {model.model_fields['dist'].default}\n" for model in DISTRIBUTIONS]
    headings += [f"### {name}\n" for name in REPLENISHMENT.names()]
    for heading in headings:
        assert heading in text
    for model in SECTIONS:
        section = text.split(f"## {model.__name__}\n", 1)[1].split("\n## ", 1)[0]
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in section, (model.__name__, name)
