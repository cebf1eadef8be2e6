"""The checks every row of a plan's items goes through (a place's commitments that are not
rates, "100% thôn duy trì hoạt động Cộng đồng học tập"), with their Vietnamese messages: the
place, the item's text and its plan, an optional target percentage and year, an optional
indicator that measures it, and a later figure typed for it with its year and source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from metrics.indicators import registry
from metrics.inputs.cells import parse_count, parse_percent
from metrics.inputs.rules import Fault, RowCheck, Rule, formulas_saved, place_found
from metrics.normalise import key

MAX_ITEM_CHARS = 1000  # a plan's sentence; a longer cell is a paragraph pasted by mistake
_PLANS = frozenset({"plans"})


def _percent(text: str) -> float | None:
    try:
        return parse_percent(text)
    except ValueError:
        return -1.0


def _year(text: str) -> int | None:
    try:
        return parse_count(text)
    except ValueError:
        return -1


def item_given(row: RowCheck) -> Iterator[Fault]:
    """The item says what the plan commits to, in a sentence."""
    text = " ".join(row.text("item").split())
    if not text:
        yield Fault(
            "item",
            "Thiếu nội dung: ghi mục tiêu, nhiệm vụ như kế hoạch viết (ví dụ “100% thôn duy trì "
            "hoạt động Cộng đồng học tập”).",
        )
        return
    if len(text) > MAX_ITEM_CHARS:
        yield Fault(
            "item",
            f"Nội dung dài {len(text)} ký tự, quá {MAX_ITEM_CHARS}: mỗi dòng ghi một mục tiêu, "
            "nhiệm vụ; tách đoạn dài thành nhiều dòng.",
        )
        return
    row.extra["item_text"] = text
    row.extra["item_key"] = key(text)


def plan_named(row: RowCheck) -> Iterator[Fault]:
    """The item names the plan it comes from (a newer file of the same plan replaces it)."""
    row.source = " ".join(row.text("source").split())
    if not row.source:
        yield Fault(
            "source",
            "Thiếu nguồn: ghi văn bản đặt ra mục tiêu, nhiệm vụ (số, ngày, cơ quan ban hành), ví "
            "dụ “Báo cáo số 12/BC-UBND ngày 10/6/2025 của UBND xã Đăk Long”.",
        )


def target_if_any(row: RowCheck) -> Iterator[Fault]:
    """A target percentage, if given, is 0–100; a year, if given, within the form's years."""
    text = row.text("percent")
    percent = _percent(text)
    if percent is not None and not 0 <= percent <= 100:
        yield Fault(
            "percent",
            f"Mục tiêu “{text}” phải là tỷ lệ từ 0 đến 100, ví dụ 100 hoặc 85,5 (để trống nếu "
            "mục tiêu không có tỷ lệ).",
        )
    row.percent = percent
    text = row.text("year")
    year = _year(text)
    first, last = row.form.years
    if year is not None and not first <= year <= last:
        yield Fault(
            "year",
            f"Năm mục tiêu “{text}” không hợp lệ; ghi năm từ {first} đến {last}, hoặc để trống.",
        )
        year = None
    row.year = year


def indicator_if_any(row: RowCheck) -> Iterator[Fault]:
    """An indicator, if given, is one the registry knows (its figures then measure the item)."""
    text = row.text("indicator")
    if not text:
        return
    row.indicator = registry().resolve_alias(text)
    if row.indicator is None:
        yield Fault(
            "indicator",
            f"Không có chỉ tiêu “{text}”. Dùng mã hoặc tên chỉ tiêu, {row.form.indicator_examples}",
        )


def achieved_with_year_and_source(row: RowCheck) -> Iterator[Fault]:
    """A later figure is a percentage 0–100, with the year it was reached (not after this
    year) and the document that reports it."""
    text = row.text("achieved_pct")
    achieved = _percent(text)
    year_text, source = row.text("achieved_year"), " ".join(row.text("achieved_source").split())
    year = _year(year_text)
    if achieved is None:
        if year_text or source:
            yield Fault(
                "achieved_pct",
                "Có năm hoặc nguồn kết quả nhưng chưa ghi tỷ lệ đạt được: ghi tỷ lệ (ví dụ 92,5), "
                "hoặc xóa năm và nguồn kết quả.",
            )
        return
    if not 0 <= achieved <= 100:
        yield Fault("achieved_pct", f"Kết quả “{text}” phải là tỷ lệ từ 0 đến 100, ví dụ 92,5.")
        return
    this_year = date.today().year
    if year is None or not 2021 <= year <= this_year:
        yield Fault(
            "achieved_year",
            f"Năm kết quả “{year_text}” không hợp lệ: ghi năm đạt được tỷ lệ, từ 2021 đến "
            f"{this_year}.",
        )
        return
    if not source:
        yield Fault(
            "achieved_source",
            "Thiếu nguồn kết quả: ghi văn bản báo cáo tỷ lệ đạt được (số, ngày, cơ quan ban hành).",
        )
        return
    row.extra.update(achieved_pct=achieved, achieved_year=year, achieved_source=source)


def item_once_per_plan(row: RowCheck) -> Iterator[Fault]:
    """No earlier row of the sheet gives the same item of the same place's plan."""
    assert row.locality is not None
    item_key = (row.locality.id, key(row.source), row.extra["item_key"])
    first = row.sheet.first_row_with.get(item_key)
    if first is not None:
        yield Fault(
            "item",
            f"Trùng với dòng {first} (cùng {row.form.duplicate_same}). Xóa một trong hai dòng.",
        )
        return
    row.sheet.first_row_with[item_key] = row.row.excel_row


# In the order they run (and problems are listed).
PLAN_RULES: tuple[Rule, ...] = (
    Rule("formulas_saved", _PLANS, formulas_saved),
    Rule("item_given", _PLANS, item_given),
    Rule("plan_named", _PLANS, plan_named),
    Rule("target_if_any", _PLANS, target_if_any),
    Rule("indicator_if_any", _PLANS, indicator_if_any),
    Rule("achieved_with_year_and_source", _PLANS, achieved_with_year_and_source),
    Rule("place_found", _PLANS, place_found),
    Rule("item_once_per_plan", _PLANS, item_once_per_plan, clean_rows_only=True),
)
