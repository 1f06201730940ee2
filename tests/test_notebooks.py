"""The committed teaching notebooks: stored without outputs, and each one teaches the same way.

They are executed by ``pytest notebooks --nbmake`` (``make test``); this checks what is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    with_output = [i for i, c in enumerate(code) if c.get("outputs")]
    counted = [i for i, c in enumerate(code) if c.get("execution_count") is not None]
    assert not with_output, f"{path.name}: code cells {with_output} keep their outputs"
    assert not counted, f"{path.name}: code cells {counted} keep execution counts"


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name != "01_quickstart.ipynb"], ids=lambda p: p.name
)
def test_teaching_shape(path: Path) -> None:
    """Learning goals first; a prediction asked for before it is revealed; exercises, then
    solutions that run, at the end."""
    cells = _cells(path)
    markdown = [_text(c) for c in cells if c["cell_type"] == "markdown"]
    assert "By the end of this notebook you will be able to" in markdown[0]
    predict = next(i for i, c in enumerate(cells) if "**Predict.**" in _text(c))
    reveal = next(i for i, c in enumerate(cells) if "**Reveal.**" in _text(c))
    assert predict < reveal
    assert cells[predict + 1]["cell_type"] == "code", "a cell for the reader's guess"
    exercises = next(i for i, c in enumerate(cells) if _text(c).startswith("## Exercises"))
    solutions = next(i for i, c in enumerate(cells) if "## Solutions" in _text(c))
    assert reveal < exercises < solutions
    hidden = [c for c in cells[solutions:] if "solution" in c.get("metadata", {}).get("tags", [])]
    assert hidden and all(c["cell_type"] == "code" for c in hidden)
