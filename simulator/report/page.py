"""What every HTML report shares: figures as inline PNG, and writing the page atomically."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from matplotlib.figure import Figure

from simulator.output import atomic_write_text


def png_data_uri(figure: Figure) -> str:
    """The figure as a ``data:image/png`` URI, identical bytes for an identical figure."""
    buffer = io.BytesIO()
    # No software tag and a fixed dpi keep the bytes identical from one build to the next.
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_title(figure: Figure) -> str:
    """The figure's title (its suptitle, else its first axes' title), as alternative text."""
    return figure.get_suptitle() or (figure.axes[0].get_title() if figure.axes else "")


def write_report(path: str | Path, html: str) -> None:
    """Write a report atomically: readers see the old file or the complete new one."""
    atomic_write_text(path, html)
