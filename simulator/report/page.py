"""The shell every HTML report shares: one self-contained page, its style and its images."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path

from matplotlib.figure import Figure

from simulator.output import atomic_write_text

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
max-width:1150px;margin:2em auto;padding:0 1em;line-height:1.45}
h1{margin-bottom:.2em}h2{margin-top:2.2em;border-bottom:2px solid #dde3ea;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #d5dbe2;padding:.35em .7em;text-align:right}
th{background:#f1f4f8}td.name,th.name{text-align:left}
table.meta td,table.meta th{text-align:left}
.best{background:#dff3df;font-weight:600}.better{color:#17692a;font-weight:600}
.worse{color:#a12626;font-weight:600}
.howto{background:#f5f7fb;border-left:4px solid #8aa4c8;padding:.6em .9em;font-size:.93em}
.note{color:#666;font-size:.9em}.swatch{display:inline-block;width:.8em;height:.8em;
margin-right:.4em;border-radius:2px;vertical-align:baseline}
img{max-width:100%;height:auto;display:block;margin:1em 0}
dt{font-weight:600;margin-top:.4em}
"""


def html_page(title: str, body: str) -> str:
    """A complete page; ``title`` is escaped, ``body`` is HTML."""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


def img(figure: Figure) -> str:
    buffer = io.BytesIO()
    # No software tag and a fixed dpi keep the bytes identical from one build to the next.
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    title = figure.get_suptitle() or (figure.axes[0].get_title() if figure.axes else "")
    alt = escape(title)
    return f'<img alt="{alt}" src="data:image/png;base64,{data}">'


def write_report(path: str | Path, html: str) -> None:
    """Write a report atomically: readers see the old file or the complete new one."""
    atomic_write_text(path, html)
