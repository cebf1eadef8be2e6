"""The workbook (.xlsx) in the layout of provincial reports: a summary sheet, the place's context
and universal-education levels (when the store holds them), one sheet per indicator and one per
list of recognised units the register holds for the area and year."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl

from metrics import texts
from metrics.circulars import RESULT_LABEL, is_yearly
from metrics.completeness import (
    completeness_text,
    in_ranking_order,
    is_rankable,
    partial_text,
)
from metrics.fmt import EXCEL_DATE_FORMAT
from metrics.indicators import registry
from metrics.name_parts import OLD_LEVELS
from metrics.outputs.cell_safety import safe_text, sheet_name
from metrics.outputs.context import (
    Context,
    child_figures,
    children_synthetic,
    context,
    documents_named,
    figures_source,
    figures_synthetic,
    lists_of,
    plan_name,
    years_text,
)
from metrics.outputs.context_sheet import write_context_sheet
from metrics.progress import Status
from metrics.recognitions import RecognitionList, is_recognised, lists_shown, valid_text

WORKBOOK_HEADERS = [
    "STT",
    texts.text("workbook_col_units"),
    texts.text("fig_households"),
    texts.text("export_registered"),
    texts.text("export_recognised"),
    texts.text("workbook_col_rate"),
    texts.text("workbook_col_target_pct"),
    texts.text("workbook_col_target_year"),
    # the plan or decision that sets it: "Quyết định số 387/QĐ-TTg"
    texts.text("workbook_col_target_source"),
    texts.text("workbook_col_plan_pct"),
    texts.text("export_col_status"),
    # "96/96 xã báo cáo"; a partial figure: "chưa đủ: 1/23 huyện cũ báo cáo"
    texts.text("workbook_col_reporting"),
]
# Widths in Excel's characters; the sheet prints one page wide (A4 landscape).
WORKBOOK_WIDTHS = [5, 34, 11, 11, 11, 8, 9, 9, 22, 9, 22, 22]
LIST_HEADERS = [
    "STT",
    texts.text("export_col_unit_name"),
    texts.text("workbook_col_kind"),
    texts.text("area"),
    texts.text("register_result"),
    texts.text("workbook_col_criteria_failed"),
    # the last day the recognition stands; blank: not recognised
    texts.text("workbook_col_valid_until"),
]
OTHER_LISTS_SHEET = texts.text("workbook_other_lists_sheet")
# A title in a sheet name (31 characters at most, "Danh sách " and the decision's number
# around it): the register's short names have a "/" Excel refuses, and are too long.
SHEET_TITLE = {
    "don_vi_cap_tinh": texts.text("workbook_short_province_district_unit"),
    "don_vi": texts.text("workbook_short_unit"),
    "cong_dong_thon": texts.text("workbook_short_village_community"),
    "cong_dong_xa": texts.text("workbook_short_commune_community"),
    "dong_ho": texts.text("workbook_short_clan"),
    "cong_dong_huyen": texts.text("workbook_short_district_community"),
    "cong_dong_tinh": texts.text("workbook_short_province_community"),
}


def list_sheet_name(lst: RecognitionList, taken: set[str]) -> str:
    """ "Danh sách ĐVHT tỉnh-huyện 87": the title and the decision's number (87/QĐ-UBND)."""
    number = lst.decision_number.split("/")[0].strip()
    return sheet_name(
        texts.text(
            "workbook_list_sheet_name", sheet_title=SHEET_TITLE[lst.title], number=number
        ).strip(),
        taken,
    )


def place_cell(row: dict) -> str:
    """The unit's place as the register names it, an old unit marked so: "Huyện Ia H'Drai (cũ)"."""
    name = str(row["locality_name"])
    return (
        texts.text("workbook_place_former", name=name)
        if row["locality_level"] in OLD_LEVELS
        else name
    )


def criteria_cell(text: str | None) -> str:
    """ "1,3" (as stored) → "1, 3"."""
    return ", ".join(text.split(",")) if text else ""


def lists_note(lists: list[RecognitionList], year: int) -> str:
    """What the summary sheet says of the list sheets that follow it."""
    units = sum(lst.entries.height for lst in lists)
    text = texts.text("workbook_lists_note", year=year, lists=len(lists), units=units)
    shown, rest = lists_shown(lists)
    if rest:
        text += texts.text(
            "workbook_lists_grouped",
            shown=len(shown),
            rest=len(rest),
            other_lists_sheet=OTHER_LISTS_SHEET,
        )
    return text + "."


def build_workbook(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    out: Path | io.BytesIO,
    *,
    ctx: Context | None = None,
) -> None:
    """The summary sheet, one sheet per indicator (a province's communes, the country's
    provinces) and the register's lists. `ctx` from a caller that has read it already."""
    import xlsxwriter  # loaded when a workbook is made, not at every page start

    ctx = ctx or context(con, locality_id, year)
    reg = registry()
    place = ctx.place or ctx.name
    # Text is written as text: no string becomes a formula, whatever it starts with.
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    title = wb.add_format({"bold": True, "font_size": 14, **FONT})
    demo = wb.add_format({"italic": True, "font_color": "#B00020", **FONT})
    note = wb.add_format({"text_wrap": True, "valign": "top", **NOTE})
    head = wb.add_format(HEAD)
    cell = {"border": 1, "valign": "top", **FONT}
    wrapped = wb.add_format({**cell, "text_wrap": True})
    # Format codes are the same in every language: Excel shows "#,##0" as 3.783 and "0.0" as
    # 85,5 where the system writes numbers the Vietnamese way.
    count = wb.add_format({**cell, "num_format": "#,##0"})
    pct = wb.add_format({**cell, "num_format": "0.0"})
    whole = wb.add_format({**cell, "num_format": "0"})  # STT and years: 2025, never 2.025

    def sheet_header(ws, heading: str, notes: list[str], demo_figures: bool) -> int:
        """The heading, the demo mark, the notes said once for the whole sheet (sources, what
        a column means), then the header row; its row number + 1, where the table starts."""
        ws.write(0, 0, heading, title)
        row = 1
        if demo_figures:
            ws.write(row, 0, texts.text("synthetic"), demo)
            row += 1
        for line in notes:
            _wide_line(ws, row, line, note, WORKBOOK_WIDTHS)
            row += 1
        header_row = row + 1
        ws.write_row(header_row, 0, WORKBOOK_HEADERS, head)
        ws.set_row(header_row, _row_height(WORKBOOK_HEADERS, WORKBOOK_WIDTHS))
        ws.freeze_panes(header_row + 1, 2)
        for c, width in enumerate(WORKBOOK_WIDTHS):
            ws.set_column(c, c, width)
        _print_setup(ws, header_row, place, year)
        return header_row + 1

    def write_line(ws, r: int, stt: int | None, name: str, d: dict, child: bool) -> None:
        if stt is None:
            ws.write_blank(r, 0, None, whole)
        else:
            ws.write_number(r, 0, stt, whole)
        ws.write_string(r, 1, safe_text(name), wrapped)
        for c, k, fmt in (
            (2, "total", count),
            (3, "registered", count),
            (4, "recognized", count),
            (5, "rate_pct", pct),
            (6, "target_pct", pct),
            (7, "target_year", whole),
            (9, "plan_pct", pct),
        ):
            value = d.get(k)
            if value is None:
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, round(value, 1) if fmt is pct else value, fmt)
        source = d.get("target_source")
        ws.write_string(r, 8, safe_text(plan_name(source)) if source else "", wrapped)
        ws.write_string(
            r,
            10,
            safe_text(Status(d["status"]).label_for(d.get("target_year"), symbol=True)),
            wrapped,
        )
        reported = (d["reporting_units"], d["units_in_area"], d["unit_level"])
        note = partial_text(*reported)
        if child and is_rankable(*reported[:2]):
            note = ""  # ranked, whole or nearly: "92/96 xã báo cáo"
        said = note or completeness_text(*reported)
        if child and d["units_in_area"] == 1 and not note:
            said = ""  # a unit that is its own one report: "1/1 xã báo cáo" says nothing
        ws.write_string(r, 11, said, wrapped)
        words = [
            name,
            plan_name(source) if source else "",
            Status(d["status"]).label_for(d.get("target_year")),
            said,
        ]
        ws.set_row(r, _row_height(words, [WORKBOOK_WIDTHS[c] for c in (1, 8, 10, 11)]))

    def targets_note(rows: list[dict]) -> str:
        """ "Mục tiêu: … theo Quyết định số 387/QĐ-TTg ngày … (năm 2025); …": each document
        behind the targets of these rows once, in full, with the years it sets here."""
        years: dict[str, set[int]] = {}
        for d in rows:
            if d.get("target_source") and d.get("target_year") is not None:
                for name in documents_named(d["target_source"]):
                    years.setdefault(name, set()).add(int(d["target_year"]))
        if not years:
            return texts.text("workbook_targets_none")
        said = "; ".join(
            texts.text("workbook_targets_document", name=name, years_text=years_text(ys))
            for name, ys in years.items()
        )
        return texts.text("workbook_targets_note", said=said)

    ws = summary = wb.add_worksheet(texts.text("workbook_sheet_summary"))
    rows = [it.public() for it in ctx.items]
    figures = figures_source((year, it.sources, it.demo_sources) for it in ctx.items if it.has_data)
    r = sheet_header(
        ws,
        texts.text("workbook_title", year=year, place=place.upper()),
        [
            texts.text(
                "workbook_sources",
                figures=figures or texts.text("export_no_figures_for", year=year),
            ),
            targets_note(rows),
        ],
        figures_synthetic(ctx),
    )
    ws.write(r - 1, 1, texts.text("indicator"), head)
    for i, it in enumerate(ctx.items, start=1):
        write_line(ws, r, i, it.indicator_label, it.public(), child=False)
        r += 1
    summary_end = r
    # The place as its reports describe it, beside the summary (metrics.outputs.context_sheet).
    about = write_context_sheet(
        wb,
        con,
        ctx.locality["id"],
        year,
        place,
        {
            "title": title,
            "demo": demo,
            "note": note,
            "head": head,
            "text": wrapped,
            "count": count,
            "pct": wb.add_format({**cell, "num_format": "0.00"}),
        },
    )
    if about is not None:
        _print_setup(*about, place, year)
    for it in ctx.items:
        if ctx.children is None:
            break
        ind = reg.by_id(it.indicator)
        ws = wb.add_worksheet(sheet_name(ind.short_vi, {n.casefold() for n in wb.sheetnames}))
        # Ranked whole figures first, then the partial ones (unranked), then those without.
        sub = in_ranking_order(ctx.children.filter(pl.col("indicator") == it.indicator))
        kids = list(sub.iter_rows(named=True))
        said = figures_source(child_figures(sub, year))
        r = sheet_header(
            ws,
            texts.text(
                "workbook_indicator_title",
                label=ind.label_vi.upper(),
                year=year,
                place=place.upper(),
            ),
            [
                texts.text(
                    "export_sources",
                    said=said or texts.text("export_no_figures_for", year=year),
                ),
                targets_note([*kids, it.public()]),
            ],
            children_synthetic(ctx, it.indicator),
        )
        for i, d in enumerate(kids, start=1):
            write_line(ws, r, i, d["locality_name"], d, child=True)
            r += 1
        write_line(
            ws,
            r,
            None,
            texts.text("workbook_total", name=ctx.name),
            it.public(),
            child=False,
        )
    lists = lists_of(con, ctx)
    if lists:
        summary.write_string(summary_end + 1, 0, lists_note(lists, year), wb.add_format(NOTE))
        _list_sheets(wb, ctx, lists, {name.casefold() for name in wb.sheetnames})
    wb.close()


def _wide_line(ws, r: int, line: str, fmt, widths: list[int]) -> None:
    """A note across the table, wrapped, its row as tall as its lines: it prints within the
    page, where one cell's text would run past the sheet's last column."""
    ws.merge_range(r, 0, r, len(widths) - 1, safe_text(line), fmt)
    lines = -(-len(line) // int(sum(widths) * 1.0))
    ws.set_row(r, 15 * max(lines, 1))


def _row_height(texts: list[str], widths: list[int]) -> float:
    """A row tall enough for its wrapped cells (Excel does not grow a row written with wrapped
    text; LibreOffice draws the lines over the next row): 15 points a line. Times New Roman
    sets about 1,15 characters in each unit of Excel's column width."""
    lines = max(-(-len(t) // int(w * 1.15)) for t, w in zip(texts, widths, strict=True))
    return 15 * max(lines, 1)


def _print_setup(ws, header_row: int, place: str, year: int) -> None:
    """Printed as reports are: A4 landscape, one page wide, the header row on every page, the
    place, year and page number in the footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    footer = texts.text("export_footer", place=place, year=year).replace("&", "&&")
    ws.set_footer(f"&L{footer}&RTrang &P/&N")


FONT = {"font_name": "Times New Roman"}
NOTE = {"italic": True, **FONT}
# A table's header row, on every sheet.
HEAD = {
    "bold": True,
    "border": 1,
    "bg_color": "#DCE6F1",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    **FONT,
}


def _list_sheets(wb, ctx: Context, lists: list[RecognitionList], taken: set[str]) -> None:
    """One sheet per list (its title, year and decision above the table); past the cap, the
    rest in one table whose "Danh sách" column names each unit's list."""
    title = wb.add_format(
        {"bold": True, "font_size": 13, "text_wrap": True, "valign": "top", **FONT}
    )
    demo = wb.add_format({"italic": True, "font_color": "#B00020", **FONT})
    note = wb.add_format({"text_wrap": True, "valign": "top", **NOTE})
    head = wb.add_format(HEAD)
    text = wb.add_format({"border": 1, "valign": "top", "text_wrap": True, **FONT})
    number = wb.add_format({"border": 1, "valign": "top", **FONT})
    day = wb.add_format({"border": 1, "valign": "top", "num_format": EXCEL_DATE_FORMAT, **FONT})

    def table(ws, heading: str, group: list[RecognitionList], with_list: bool) -> None:
        headers = list(LIST_HEADERS)
        widths = [6, 48, 18, 28, 12, 14, 13]
        if with_list:
            headers.insert(1, texts.text("workbook_col_list"))
            widths.insert(1, 60)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)

        def wide_line(r: int, line: str, fmt, chars_per_width: float, line_height: int) -> None:
            # Across the table and wrapped, so it prints within the page: a decision's issuer
            # and a report's name make these lines longer than any one column.
            ws.merge_range(r, 0, r, len(headers) - 1, safe_text(line), fmt)
            lines = -(-len(line) // int(sum(widths) * chars_per_width))
            ws.set_row(r, line_height * max(lines, 1))

        wide_line(0, heading, title, 0.8, 18)
        r = 1
        if any(lst.synthetic for lst in group):
            ws.write_string(r, 0, texts.text("synthetic"), demo)
            r += 1
        sources = list(dict.fromkeys(s for lst in group for s in lst.sources))
        if sources:
            wide_line(r, texts.text("export_source_prefix") + "; ".join(sources), note, 1.0, 15)
            r += 1
        header_row = r + 1
        ws.write_row(header_row, 0, headers, head)
        r = header_row + 1
        stt = 0
        for lst in group:
            for row in lst.entries.iter_rows(named=True):
                stt += 1
                cells = [
                    row["name"],
                    row["kind"] or "",
                    place_cell(row),
                    RESULT_LABEL.get(row["result"], row["result"])
                    or texts.text("recognition_undecided"),
                    criteria_cell(row["criteria_failed"]),
                ]
                if with_list:
                    cells.insert(0, lst.heading.removeprefix(texts.text("workbook_list_prefix")))
                ws.write_number(r, 0, stt, number)
                for c, value in enumerate(cells, start=1):
                    if value:
                        ws.write_string(r, c, safe_text(value), text)
                    else:
                        ws.write_blank(r, c, None, text)
                last = len(cells) + 1
                if is_recognised(row["result"]) and is_yearly(row["title"], row["year"]):
                    # A yearly result does not lapse: the cell says whose year it is, in the
                    # words of the pages' table, begun with a capital as a cell is.
                    said = valid_text(row) or ""
                    ws.write_string(r, last, said[:1].upper() + said[1:], text)
                elif row["valid_until"] is None:
                    ws.write_blank(r, last, None, day)
                else:
                    ws.write_datetime(r, last, row["valid_until"], day)
                r += 1
        ws.autofilter(header_row, 0, max(r - 1, header_row), len(headers) - 1)
        # The names stay in view as the row scrolls; the wide "Danh sách" column would hide them.
        ws.freeze_panes(header_row + 1, 0 if with_list else 2)
        # Printed as the decisions attach them: A4, one page wide, the header on every page.
        _print_setup(ws, header_row, ctx.place or ctx.name, ctx.year)

    shown, rest = lists_shown(lists)
    for lst in shown:
        table(wb.add_worksheet(list_sheet_name(lst, taken)), lst.heading, [lst], False)
    if rest:
        units = sum(lst.entries.height for lst in rest)
        heading = texts.text(
            "workbook_other_lists_title", year=ctx.year, name=ctx.name, rest=len(rest), units=units
        )
        table(wb.add_worksheet(sheet_name(OTHER_LISTS_SHEET, taken)), heading, rest, True)
