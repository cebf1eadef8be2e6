"""The workbook's sheet of the place's context (households, people, ethnic minorities, villages,
residential groups, agencies, schools) and its universal-education levels, as the profile and
the report draft state them (metrics.place_context); written only when the store holds either."""

from __future__ import annotations

import duckdb

from metrics import texts
from metrics.fmt import fmt_date
from metrics.outputs.cell_safety import safe_text
from metrics.place_context import (
    CODE_LABEL_VI,
    EducationLevels,
    PlaceContext,
    context_for,
    education_for,
)

CONTEXT_SHEET = texts.text("context_heading")
HEADERS = [
    texts.text("context_sheet_col_item"),
    texts.text("export_col_figures"),
    texts.text("context_sheet_col_note"),
]
WIDTHS = [44, 16, 70]
CONTEXT_ROWS = (
    ("households", texts.text("context_sheet_households")),
    ("population", texts.text("context_sheet_residents")),
    ("minority_households", texts.text("context_sheet_minority_households")),
    ("minority_population", texts.text("context_sheet_minority_residents")),
    ("minority_share", texts.text("context_sheet_minority_share")),
    ("villages", texts.text("context_sheet_villages")),
    ("residential_groups", texts.text("context_sheet_residential_groups")),
    ("agencies", texts.text("context_sheet_agencies")),
    ("schools", texts.text("context_sheet_schools")),
)
EDUCATION_ROWS = (
    ("preschool_5", texts.text("context_sheet_preschool_5")),
    ("primary_school", texts.text("context_sheet_primary")),
    ("lower_secondary", texts.text("context_sheet_lower_secondary")),
    ("literacy", texts.text("context_sheet_literacy")),
)


def _when(held: PlaceContext | EducationLevels) -> str:
    return (
        texts.text("context_sheet_as_of", as_of=fmt_date(held.as_of))
        if held.as_of
        else texts.text("context_sheet_in_year", year=held.year)
    )


def _source(held: PlaceContext | EducationLevels) -> str:
    return texts.text("fig_synthetic_note") if held.synthetic else held.source


def _note(ws, r: int, line: str, fmt) -> None:
    """A note across the table, wrapped, its row as tall as its lines (it prints within the page)."""
    ws.merge_range(r, 0, r, len(WIDTHS) - 1, safe_text(line), fmt)
    ws.set_row(r, 15 * max(1, -(-len(line) // int(sum(WIDTHS) * 1.1))))


def write_context_sheet(
    wb, con: duckdb.DuckDBPyConnection, locality_id: str, year: int, place: str, formats: dict
) -> tuple[object, int] | None:
    """The sheet in `wb` (xlsxwriter) when the store holds the place's context or education
    levels up to `year`, and its first header row (the workbook prints it as its other
    sheets); None (no sheet) otherwise. `formats`: title, demo, note, head, text, count, pct of
    the workbook."""
    about = context_for(con, locality_id, year)
    education = education_for(con, locality_id, year)
    if about is None and education is None:
        return None
    ws = wb.add_worksheet(CONTEXT_SHEET)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    ws.write(
        0,
        0,
        texts.text("context_sheet_title", year=year, place=place.upper()),
        formats["title"],
    )
    r = 1
    if any(h is not None and h.synthetic for h in (about, education)):
        ws.write(r, 0, texts.text("synthetic"), formats["demo"])
        r += 1
    r += 1
    header_row = r
    if about is not None:
        ws.write_row(r, 0, HEADERS, formats["head"])
        r += 1
        for field, label in CONTEXT_ROWS:
            ws.write_string(r, 0, label, formats["text"])
            value = about.minority_share_pct if field == "minority_share" else about.count(field)
            fmt = formats["pct"] if field == "minority_share" else formats["count"]
            if value is None:
                ws.write_blank(r, 1, None, fmt)
            else:
                ws.write_number(r, 1, round(value, 2) if field == "minority_share" else value, fmt)
            note = (
                texts.text("context_sheet_minority_share_note") if field == "minority_share" else ""
            )
            ws.write_string(
                r,
                2,
                note or ("" if value is not None else texts.text("export_summary_no_figures")),
                formats["text"],
            )
            r += 1
        _note(
            ws,
            r,
            texts.text("context_sheet_context_note", when=_when(about), source=_source(about)),
            formats["note"],
        )
        r += 2
    if education is not None:
        ws.write_row(
            r,
            0,
            [
                texts.text("import_template_education"),
                texts.text("register_result"),
                texts.text("context_sheet_col_note"),
            ],
            formats["head"],
        )
        r += 1
        for field, label in EDUCATION_ROWS:
            code = education.levels.get(field)
            ws.write_string(r, 0, label, formats["text"])
            ws.write_string(r, 1, CODE_LABEL_VI.get(code or "", ""), formats["text"])
            ws.write_string(
                r,
                2,
                "" if code else texts.text("context_sheet_no_result"),
                formats["text"],
            )
            r += 1
        _note(
            ws,
            r,
            texts.text(
                "context_sheet_education_note",
                when=_when(education),
                source=_source(education),
            ),
            formats["note"],
        )
    return ws, header_row
