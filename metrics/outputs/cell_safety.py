"""Spreadsheet cells that cannot run: the one rule for every CSV and XLSX the project writes.

A text cell that begins with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (`=HYPERLINK("http://…")`, `=cmd|…`) when the file is opened or
the cell edited. Such text gets a leading apostrophe (OWASP, "CSV injection"), so it shows as
typed and never runs. Only text cells: numbers — negative ones too — stay numbers.
"""

from __future__ import annotations

import io
import re

import polars as pl

from metrics.texts import text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that would start a formula, with an apostrophe in front; other text as is."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_cell(value: object) -> object:
    """`safe_text` for a text value; numbers, dates and None as they are."""
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with `safe_cell` applied to every text column (categorical ones as text)."""
    text_cols = [
        c
        for c, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]

    def safe(col: pl.Expr) -> pl.Expr:
        starts = pl.any_horizontal(col.str.starts_with(p) for p in FORMULA_START)
        return pl.when(starts).then(pl.lit("'") + col).otherwise(col)

    return frame.with_columns(safe(pl.col(c).cast(pl.String)).alias(c) for c in text_cols)


SHOWN_DECIMALS = 1  # rates and points are shown with one decimal (85,5%): so are downloads


_YEAR_WORDS = (text("year", "vi").lower(), text("year", "en").lower())  # "năm", "year"


def year_columns(frame: pl.DataFrame) -> list[str]:
    """Integer columns that hold years ("Năm", "year", "Năm mục tiêu"): written as 2021, never
    with a thousands separator ("2.021")."""
    return [
        c
        for c, dtype in frame.schema.items()
        if dtype.is_integer() and any(w in c.lower() for w in _YEAR_WORDS)
    ]


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as a CSV download: UTF-8 with a byte-order mark (Excel reads Vietnamese), safe
    cells, fractions rounded as the page shows them (81,5, never 81.47461641437545)."""
    shown = frame.with_columns(
        pl.col(c).round(SHOWN_DECIMALS) for c, t in frame.schema.items() if t.is_float()
    )
    return safe_frame(shown).write_csv().encode("utf-8-sig")


def xlsx_bytes(frame: pl.DataFrame, sheet: str) -> bytes:
    """The frame as a one-sheet workbook, safe cells. polars writes through xlsxwriter with
    strings_to_formulas off, so text is always a text cell. Counts read 3.783 in a Vietnamese
    Excel, fractions one decimal as shown (the full value kept in the cell), years as years."""
    buffer = io.BytesIO()
    formats: dict = {c: "0" for c in year_columns(frame)} | {
        c: "#,##0.0" for c, t in frame.schema.items() if t.is_float()
    }
    safe_frame(frame).write_excel(buffer, worksheet=sheet, autofit=True, column_formats=formats)
    return buffer.getvalue()


_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


def sheet_name(wanted: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no apostrophe at either end, 31 characters at
    most, and unlike every name in `taken` (Excel compares them case-blind); added to it. The
    one rule for every sheet the project writes (workbook, a page's table download)."""
    taken = taken if taken is not None else set()
    base = _NOT_IN_SHEET_NAME.sub("-", wanted).strip("' ")[:MAX_SHEET_NAME].strip("' ")
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        tail = f" ({n})"
        name = base[: MAX_SHEET_NAME - len(tail)].rstrip() + tail
    taken.add(name.casefold())
    return name
