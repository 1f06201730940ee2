"""The KPI tables of docs/kpis.md, generated from the catalogue.

The page's prose is written by hand; each table sits between a start marker naming its section
(``<!-- catalogue: fleet -->``) and :data:`END`, and is rewritten from the catalogue. Run
``python -m simulator.metrics.catalogue.doc docs/kpis.md`` after changing the catalogue; a test
fails while the committed page differs from what this module renders.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import get_args

from simulator.metrics.catalogue import CATALOGUE, SCORECARD, Kpi, Section
from simulator.output import atomic_write_text

END = "<!-- end of generated table -->"
_BLOCK = re.compile(r"<!-- catalogue: (?P<section>[a-z]+) -->\n.*?" + re.escape(END), re.DOTALL)
_BETTER = {"higher": "higher", "lower": "lower", "neutral": "neither"}
_SECTIONS: dict[str, Section] = {section: section for section in get_args(Section)}
_NEEDS = {
    "perishable": "perishable products only",
    "fleet": "scenarios with fleets only",
    "desk": "nodes with an order desk only",
    "customer_desk": "desks serving event-path customers only",
    "daily_path": "daily-path scenarios only",
}


def _unit(kpi: Kpi) -> str:
    return "0-1" if kpi.unit == "share" else kpi.unit


def _scopes(kpi: Kpi) -> str:
    scopes = ", ".join(f"`{scope}`" for scope in kpi.scopes)
    return f"{scopes} ({_NEEDS[kpi.needs]})" if kpi.needs else scopes


def kpi_table(kpis: Iterable[Kpi]) -> str:
    """A markdown table of ``kpis``: name, definition, unit, better direction, scopes (and
    when costs accrue, if any of them says)."""
    rows = list(kpis)
    accrual = any(kpi.accrues for kpi in rows)
    head = ["metric", "definition", "unit", "better", "scopes", *(["accrues"] * accrual)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kpi in rows:
        cells = [f"`{kpi.name}`", kpi.definition, _unit(kpi), _BETTER[kpi.direction]]
        cells += [_scopes(kpi), *([kpi.accrues] * accrual)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section_table(section: Section) -> str:
    """The generated table of one section of docs/kpis.md."""
    if section == "scorecard":
        return kpi_table(SCORECARD.values())
    return kpi_table(kpi for kpi in CATALOGUE.values() if kpi.section == section)


def refresh(text: str) -> str:
    """``text`` with every generated table rewritten from the catalogue.

    Raises:
        ValueError: If a marker names no section, or a section has no table or several.
    """
    found: list[str] = []

    def table(match: re.Match[str]) -> str:
        section = _SECTIONS.get(match["section"])
        if section is None:
            raise ValueError(f"no KPI section {match['section']!r} (known: {list(_SECTIONS)})")
        found.append(section)
        return f"<!-- catalogue: {section} -->\n{section_table(section)}\n{END}"

    refreshed = _BLOCK.sub(table, text)
    missing = [section for section in _SECTIONS if found.count(section) != 1]
    if missing:
        raise ValueError(f"the page needs exactly one table for each of {missing}")
    return refreshed


def main(argv: Sequence[str]) -> int:
    """Rewrite the KPI tables of the page named in ``argv`` (docs/kpis.md) in place."""
    if len(argv) != 1:
        print("usage: python -m simulator.metrics.catalogue.doc docs/kpis.md", file=sys.stderr)
        return 2
    page = Path(argv[0])
    atomic_write_text(page, refresh(page.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
