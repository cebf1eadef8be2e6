"""The checks of a row of a place's context (households, people, villages, agencies, schools) and
of its universal-education levels: named rules with their Vietnamese messages, beside the shared
ones (a formula without its value, the year, the place)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from metrics.fmt import fmt_date, fmt_int
from metrics.inputs.cells import parse_count, parse_date
from metrics.inputs.forms import HEADER_LABEL
from metrics.inputs.rules import (
    MAX_COUNT,
    Fault,
    RowCheck,
    Rule,
    formulas_saved,
    locality_found,
    year_in_range,
)
from metrics.normalise import key
from metrics.place_context import CODE_LABEL_VI, EDUCATION_CODES
from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS


def context_counts_whole(row: RowCheck) -> Iterator[Fault]:
    """Each count, if given, is a whole number from 0 to MAX_COUNT; at least one is given."""
    wrong = False
    for cid in CONTEXT_COUNTS:
        text = row.text(cid)
        try:
            value = parse_count(text)
        except ValueError:
            wrong = True
            yield Fault(cid, f"“{text}” không phải số nguyên; ghi số đếm, ví dụ 3.783.")
            continue
        if value is not None and value < 0:
            wrong = True
            yield Fault(cid, f"Số âm ({value}); số đếm phải từ 0 trở lên.")
            continue
        if value is not None and value > MAX_COUNT:
            wrong = True
            yield Fault(cid, f"Số “{text}” quá lớn; số đếm phải nhỏ hơn 1.000.000.000.")
            continue
        row.counts[cid] = value
    if not wrong and all(row.counts.get(c) is None for c in CONTEXT_COUNTS):
        yield Fault(
            "households",
            "Dòng không có số nào: điền ít nhất một trong các cột "
            + ", ".join(HEADER_LABEL[c] for c in CONTEXT_COUNTS)
            + " (để trống cột nào không có số liệu).",
        )


_PARTS = (
    ("minority_households", "households", "Số hộ DTTS", "tổng số hộ"),
    ("minority_population", "population", "Số nhân khẩu DTTS", "tổng số nhân khẩu"),
    ("households", "population", "Số hộ", "số nhân khẩu (mỗi hộ có ít nhất một người)"),
)


def context_parts_within_whole(row: RowCheck) -> Iterator[Fault]:
    """Ethnic-minority households and people are among all; households are no more than people."""
    for part, whole, part_words, whole_words in _PARTS:
        small, large = row.counts.get(part), row.counts.get(whole)
        if small is not None and large is not None and small > large:
            yield Fault(
                part,
                f"{part_words} ({fmt_int(small)}) lớn hơn {whole_words} ({fmt_int(large)}). "
                f"Kiểm tra lại hai cột {HEADER_LABEL[part]} và {HEADER_LABEL[whole]}.",
            )


def as_of_a_date(row: RowCheck) -> Iterator[Fault]:
    """The "as of" date, if given, is a real date in the row's year or the next (a report of a
    year states its figures at the year's end, or early the next year)."""
    cell = row.row.cell("as_of")
    try:
        as_of = parse_date(cell)
    except ValueError:
        yield Fault(
            "as_of",
            f"“{row.text('as_of')}” không phải ngày; ghi ngày/tháng/năm, ví dụ 31/12/2023.",
        )
        return
    first, last = row.form.years
    year = row.year if row.year is not None and first <= row.year <= last else None
    if as_of is not None and year is not None and not year <= as_of.year <= year + 1:
        yield Fault(
            "as_of",
            f"Ngày {fmt_date(as_of)} không thuộc năm {year} hoặc năm {year + 1}: số liệu "
            f"của năm {year} tính đến một ngày trong năm đó (thường là 31/12/{year}).",
        )
        return
    row.extra["as_of"] = as_of


def source_named(row: RowCheck) -> Iterator[Fault]:
    """The row names the report it comes from."""
    row.source = row.text("source")
    if not row.source:
        yield Fault(
            "source",
            "Thiếu nguồn: ghi văn bản có số liệu này (số, ngày, cơ quan ban hành của báo cáo).",
        )


_LEVEL_WORDS = re.compile(r"(?:muc(?:do)?)?([0-9])")


def _education_code(text: str, allowed: tuple[str, ...]) -> str | None:
    """A level as users write it ("Mức độ 3", "Mức 3", "3", "muc_do_3", "Đạt", "Chưa đạt",
    "x" for Đạt), as a code of `allowed`; None for anything else."""
    k = key(text)
    words = {key(label): code for code, label in CODE_LABEL_VI.items()}
    words |= {key(code): code for code in CODE_LABEL_VI}
    words |= {"x": "dat", "co": "dat", "khong": "chua_dat", "khongdat": "chua_dat"}
    code = words.get(k)
    if code is None:
        found = _LEVEL_WORDS.fullmatch(k)
        code = f"muc_do_{found[1]}" if found else None
    return code if code in allowed else None


def levels_in_range(row: RowCheck) -> Iterator[Fault]:
    """Each level is one its standard has: mầm non 5 tuổi Đạt/Chưa đạt; tiểu học and THCS
    Mức độ 1–3 (or Chưa đạt); xóa mù chữ Mức độ 1–2 (or Chưa đạt). At least one is given."""
    levels: dict[str, str | None] = {}
    wrong = False
    for field in EDUCATION_FIELDS:
        text = row.text(field)
        if not text:
            levels[field] = None
            continue
        allowed = EDUCATION_CODES[field]
        code = _education_code(text, allowed)
        if code is None:
            wrong = True
            choices = ", ".join(f"“{CODE_LABEL_VI[c]}”" for c in allowed)
            yield Fault(field, f"“{text}” không phải mức của cột này; chọn một trong: {choices}.")
            continue
        levels[field] = code
    row.extra["levels"] = levels
    if not wrong and all(v is None for v in levels.values()):
        yield Fault(
            "primary_school",
            "Dòng không có mức nào: điền ít nhất một trong các cột "
            + ", ".join(HEADER_LABEL[f] for f in EDUCATION_FIELDS)
            + ".",
        )


def one_row_per_place_and_year(row: RowCheck) -> Iterator[Fault]:
    """No earlier row of the sheet is for the same place and year."""
    assert row.locality is not None
    place_key = (row.locality.id, row.year)
    first = row.sheet.first_row_with.get(place_key)
    if first is not None:
        yield Fault(
            row.form.duplicate_column,
            f"Trùng với dòng {first} (cùng {row.form.duplicate_same}). Xóa một trong hai dòng.",
        )
        return
    row.sheet.first_row_with[place_key] = row.row.excel_row


_CONTEXT = frozenset({"context"})
_EDUCATION = frozenset({"education"})
_BOTH = _CONTEXT | _EDUCATION

CONTEXT_RULES: tuple[Rule, ...] = (
    Rule("formulas_saved", _BOTH, formulas_saved),
    Rule("year_in_range", _BOTH, year_in_range),
    Rule("context_counts_whole", _CONTEXT, context_counts_whole),
    Rule("levels_in_range", _EDUCATION, levels_in_range),
    Rule("source_named", _BOTH, source_named),
    # Each on the values it reads itself: told with the row's other faults.
    Rule("as_of_a_date", _BOTH, as_of_a_date),
    Rule("context_parts_within_whole", _CONTEXT, context_parts_within_whole),
    Rule("locality_found", _BOTH, locality_found, clean_rows_only=True),
    Rule("one_row_per_place_and_year", _BOTH, one_row_per_place_and_year, clean_rows_only=True),
)


def context_rules_for(form_name: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in CONTEXT_RULES if form_name in rule.forms)


def context_record(checked: RowCheck) -> dict:
    """A context row as the store's columns (with its spreadsheet row and place)."""
    assert checked.locality is not None
    return {
        "locality_id": checked.locality.id,
        "year": checked.year,
        **{c: checked.counts.get(c) for c in CONTEXT_COUNTS},
        "as_of": checked.extra.get("as_of"),
        "source": checked.source,
        "_row": checked.row.excel_row,
        "_locality": checked.locality.label,
    }


def education_record(checked: RowCheck) -> dict:
    """A universal-education row as the store's columns."""
    assert checked.locality is not None
    levels = checked.extra.get("levels") or {}
    assert isinstance(levels, dict)
    return {
        "locality_id": checked.locality.id,
        "year": checked.year,
        **{f: levels.get(f) for f in EDUCATION_FIELDS},
        "as_of": checked.extra.get("as_of"),
        "source": checked.source,
        "_row": checked.row.excel_row,
        "_locality": checked.locality.label,
    }
