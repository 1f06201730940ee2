"""Report tables: what a page shows, and the numbers behind it as CSV and Excel downloads.

A :class:`Table` carries two faces: rows of formatted cells for the page and a plain
DataFrame (full precision, one value per column) for the spreadsheet. The downloads are
embedded in the page as ``data:`` links, so the report stays one self-contained file, and they
are byte-for-byte reproducible like the page itself.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

_FIXED_TIME = datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    """One cell on the page: its text, a CSS class, and a colour swatch before it, if any."""

    text: str
    css: str = ""
    swatch: str | None = None


@dataclass(frozen=True)
class Table:
    """A table of the page and its data.

    Attributes:
        key: File name of its download, e.g. ``comparison``.
        title: Sheet title and download label.
        head: Column headings on the page.
        rows: Formatted cells, one list per row.
        data: The numbers behind it, exported as they are.
        left: Number of leading columns aligned left (names rather than numbers).
    """

    key: str
    title: str
    head: list[str]
    rows: list[list[Cell]]
    data: pd.DataFrame = field(repr=False)
    left: int = 1

    @property
    def csv_link(self) -> str:
        text = self.data.to_csv(index=False, lineterminator="\n")
        return _data_uri("text/csv;charset=utf-8", text.encode("utf-8"))


def workbook_link(tables: Sequence[Table]) -> str:
    """One Excel workbook, a sheet per table, as a ``data:`` link."""
    return _data_uri(_XLSX, workbook_bytes(tables))


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """An ``.xlsx`` file with one sheet per table (header row, then the data)."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the default empty sheet
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append([str(c) for c in table.data.columns])
        for row in table.data.itertuples(index=False):
            sheet.append([_cell_value(v) for v in row])
        for k, column in enumerate(table.data.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in table.data[column]])
            sheet.column_dimensions[get_column_letter(k)].width = min(max(width, 8), 40) + 2
        sheet.freeze_panes = "A2"
    book.properties.created = _FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _cell_value(value: object) -> object:
    """Excel has no NaN or infinity: an empty cell says "undefined"."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value.item() if hasattr(value, "item") else value


def _sheet_name(title: str, used: set[str]) -> str:
    """At most 31 characters, none of ``[]:*?/\\``, unique within the book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "table"
    name, k = base, 2
    while name.lower() in used:
        name, k = f"{base} {k}", k + 1
    used.add(name.lower())
    return name


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with a fixed time on every entry and in its properties (openpyxl
    stamps the time of saving), so equal tables give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()


def _data_uri(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"
