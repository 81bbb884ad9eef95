"""Rows to CSV and XLSX bytes, neutralised against formula injection. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

# A spreadsheet treats text starting with these as a formula (tab and CR also trigger it in some apps).
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | float | date | datetime | None


def neutralise(value: Any) -> Value:
    """Return a value safe to put in a spreadsheet cell: risky text gets a leading single quote."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("Yes" if value else "No")
    if isinstance(value, int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Write a CSV file (UTF-8 with a byte order mark, so Excel reads accents) of neutralised cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        writer.writerow(["" if cell is None else _csv_text(neutralise(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """Write an XLSX workbook of one sheet; every text cell is stored as text, never as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([_text_cell(sheet, neutralise(header)) for header in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, neutralise(cell)) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(value: Value) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value.isoformat() if isinstance(value, date) else str(value)


def _text_cell(sheet: Any, value: Value) -> Any:
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, value=None)
    # openpyxl reads any str starting "=" as a formula; set the type explicitly so it never can.
    cell._value = value
    cell.data_type = "s"
    return cell
