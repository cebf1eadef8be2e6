"""Checking one sheet: its encoding and table found, every row through the rules, the rows that
pass as one frame of the store's columns."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from metrics.fmt import fmt_int
from metrics.inputs.cells import cell_text
from metrics.inputs.context_rules import context_record, context_rules_for, education_record
from metrics.inputs.forms import (
    CONTEXT,
    COUNT_COLUMNS,
    EDUCATION,
    FORMS,
    HEADER_LABEL,
    PLANS,
    RECOGNITIONS,
    RESULTS,
    TARGETS,
    column_list,
)
from metrics.inputs.layouts import detect_encoding, rows_to_check
from metrics.inputs.legacy_encodings import CONVERTERS, ENCODING_LABEL
from metrics.inputs.limits import EMPTY_ROWS_FIX, MAX_ROWS, SPLIT_FIX
from metrics.inputs.lookups import communes_in
from metrics.inputs.plan_rules import PLAN_RULES
from metrics.inputs.problems import Problem
from metrics.inputs.recognition_rules import RECOGNITION_RULES, entry_of
from metrics.inputs.rules import RowCheck, SheetCheck, check_row, empty_table, rules_for
from metrics.name_lookup import LocalityIndex
from metrics.normalise import key
from metrics.recognitions import decision_text


@dataclass
class CheckedSheet:
    kind: str  # results | targets | recognitions | context | education; "" when the sheet holds no table (a refusal for too many rows: the layout)
    sheet: str
    frame: (
        pl.DataFrame
    )  # the rows that passed, with their spreadsheet row (_row) and place (_locality)
    problems: list[Problem]
    notes: list[str]


def check_sheet(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, sheet: str, rows: list[list[object]]
) -> CheckedSheet:
    """A sheet's table, row by row through the rules: the rows that pass, every problem, and notes
    (a legacy encoding converted, totals rows skipped, totals taken from the register)."""
    detected = detect_encoding(rows)
    if detected is None:
        message = (
            f"Không tìm thấy dòng tiêu đề. Bảng kết quả cần các cột: {column_list(RESULTS)}; "
            f"bảng mục tiêu cần: {column_list(TARGETS)}; danh sách công nhận cần: "
            f"{column_list(RECOGNITIONS)}; đặc điểm địa bàn cần: {column_list(CONTEXT)}; phổ cập "
            f"giáo dục cần: {column_list(EDUCATION)}; bảng mục tiêu, nhiệm vụ của kế hoạch cần: "
            f"{column_list(PLANS)}."
        )
        return CheckedSheet("", sheet, pl.DataFrame(), [Problem(sheet, None, None, message)], [])
    encoding, table = detected
    notes: list[str] = []
    if encoding != "unicode":
        convert = CONVERTERS[encoding]
        rows = [[convert(cell_text(c)) for c in r] for r in rows]
        notes.append(
            f"Trang “{sheet}” gõ bằng bảng mã {ENCODING_LABEL[encoding]}; đã chuyển sang Unicode."
        )
    body = rows[table.header_idx + 1 :]
    if len(body) > MAX_ROWS:
        # The layout (results, wide, targets), as this refusal has always reported it.
        return CheckedSheet(
            table.kind,
            sheet,
            pl.DataFrame(),
            [
                Problem(
                    sheet,
                    None,
                    None,
                    f"Trang có {fmt_int(len(body))} dòng dưới dòng tiêu đề, quá giới hạn "
                    f"{fmt_int(MAX_ROWS)} dòng số liệu. {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
                )
            ],
            [],
        )
    form = FORMS[table.form]
    if form is RECOGNITIONS:
        rules = RECOGNITION_RULES
    elif form is PLANS:
        rules = PLAN_RULES
    elif form in (CONTEXT, EDUCATION):
        rules = context_rules_for(form.name)
    else:
        rules = rules_for(form)
    sheet_check = SheetCheck(sheet, form, index, rules)
    problems: list[Problem] = []
    records: list[dict] = []
    communes: dict[str, int] = {}  # place id → its communes in the register, counted once
    for row in rows_to_check(table, body, notes):
        checked = check_row(row, sheet_check)
        if checked.faults:
            problems.extend(checked.problems())
        elif form is RESULTS:
            records.append(_result_record(con, checked, communes, notes))
        elif form is RECOGNITIONS:
            records.append(_recognition_record(checked))
        elif form is CONTEXT:
            records.append(context_record(checked))
        elif form is EDUCATION:
            records.append(education_record(checked))
        elif form is PLANS:
            records.append(_plan_record(checked))
        else:
            records.append(_target_record(checked))
    if form is RECOGNITIONS:
        problems.extend(_undecided_join_their_list(sheet, records))
    if not records and not problems:
        problems.append(empty_table(form, sheet))
    return CheckedSheet(
        form.name, sheet, pl.DataFrame(records, schema=form.frame_schema), problems, notes
    )


def _result_record(
    con: duckdb.DuckDBPyConnection, checked: RowCheck, communes: dict[str, int], notes: list[str]
) -> dict:
    assert checked.locality is not None and checked.indicator is not None
    place, counts = checked.locality, dict(checked.counts)
    from_register = False
    # A province or old district reporting "Cộng đồng học tập cấp xã" without a total: its
    # total is the number of its communes, which the register knows.
    if (
        counts.get("total") is None
        and checked.indicator.id == "cong_dong_xa"
        and place.level in ("province", "old_province", "old_district")
    ):
        if place.id not in communes:
            communes[place.id] = communes_in(con, place)
        counts["total"] = communes[place.id]
        from_register = True
        notes.append(
            f"Dòng {checked.row.excel_row}: tổng số xã của {place.name} lấy từ danh mục ({communes[place.id]} xã)."
        )
    return {
        "locality_id": place.id,
        "year": checked.year,
        "indicator": checked.indicator.id,
        **{c: counts.get(c) for c in COUNT_COLUMNS},
        "total_from_register": from_register,
        "source": checked.text("source") or None,
        "_row": checked.row.excel_row,
        "_locality": place.label,
    }


def _target_record(checked: RowCheck) -> dict:
    assert checked.locality is not None and checked.indicator is not None
    return {
        "locality_id": checked.locality.id,
        "indicator": checked.indicator.id,
        "target_year": checked.year,
        "percent": checked.percent,
        "source": checked.source,
        "confirmed": True,
        "_row": checked.row.excel_row,
        "_locality": checked.locality.label,
    }


def _plan_record(checked: RowCheck) -> dict:
    assert checked.locality is not None
    extra = checked.extra
    return {
        "locality_id": checked.locality.id,
        "source": checked.source,
        "section": " ".join(checked.text("section").split()),
        "item_text": extra["item_text"],
        "item_key": extra["item_key"],
        "target_pct": checked.percent,
        "target_year": checked.year,
        "indicator": checked.indicator.id if checked.indicator is not None else None,
        "achieved_pct": extra.get("achieved_pct"),
        "achieved_year": extra.get("achieved_year"),
        "achieved_source": extra.get("achieved_source"),
        "_row": checked.row.excel_row,
        "_locality": checked.locality.label,
    }


def _recognition_record(checked: RowCheck) -> dict:
    assert checked.locality is not None and checked.indicator is not None
    assert checked.year is not None
    entry = entry_of(checked)
    assert entry.circular is not None
    return {
        "locality_id": checked.locality.id,
        "year": checked.year,
        "indicator": checked.indicator.id,
        "name": entry.name,
        "name_key": key(entry.name),
        "kind": entry.kind,
        "result": entry.result,
        "circular": entry.circular.id,
        "decision_number": entry.decision_number,
        "decision_date": entry.decision_date,
        "issuer": checked.text("issuer") or None,
        "criteria_met": entry.criteria_met,
        "criteria_failed": entry.criteria_failed,
        "valid_until": entry.valid_until(checked.year),
        "source": checked.text("source") or _decision_source(checked) or None,
        "self_assessed": entry.self_assessed,
        "proposal_number": entry.proposal_number or None,
        "proposal_date": entry.proposal_date,
        "proposal_issuer": entry.proposal_issuer or None,
        "_row": checked.row.excel_row,
        "_locality": checked.locality.label,
    }


def _undecided_join_their_list(sheet: str, records: list[dict]) -> list[Problem]:
    """A unit that stopped before the decision has no decision on its row: it belongs to the
    list of its place, title and year that the file decides (when the file decides one), so a
    later file of that list replaces it too. A unit once per list."""
    decided: dict[tuple, set[tuple]] = {}
    for r in records:
        if r["decision_number"]:
            place = (r["locality_id"], r["year"], r["indicator"])
            decided.setdefault(place, set()).add(
                (r["decision_number"], r["decision_date"], r["issuer"])
            )
    problems: list[Problem] = []
    first: dict[tuple, int] = {}
    for r in records:
        place = (r["locality_id"], r["year"], r["indicator"])
        if not r["decision_number"] and len(decided.get(place, ())) == 1:
            (number, dated, issuer) = next(iter(decided[place]))
            r.update(decision_number=number, decision_date=dated, issuer=issuer)
        unit = (*place, r["decision_number"], r["name_key"])
        if unit in first:
            problems.append(
                Problem(
                    sheet,
                    r["_row"],
                    HEADER_LABEL["name"],
                    f"“{r['name']}” đã có ở dòng {first[unit]} của cùng danh sách: mỗi đơn vị "
                    "ghi một lần. Xóa một trong hai dòng.",
                )
            )
        first.setdefault(unit, r["_row"])
    return problems


def _decision_source(checked: RowCheck) -> str:
    """A list's source, when it names none: its decision ("Quyết định số 87/QĐ-UBND ngày
    10/02/2024 của UBND huyện Ia H'Drai")."""
    entry = entry_of(checked)
    if not entry.decision_number:
        return ""
    return decision_text(entry.decision_number, entry.decision_date, checked.text("issuer"))
