"""The checks every row of a results or targets table goes through: small named rules, one
concern each, with their Vietnamese messages, shared by both forms where both need them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from metrics.indicators import Indicator, Title, registry
from metrics.inputs.cells import FormulaWithoutValue, parse_count, parse_percent
from metrics.inputs.forms import COUNT_COLUMNS, HEADER_LABEL, Form
from metrics.inputs.layouts import SheetRow
from metrics.inputs.problems import Problem
from metrics.name_lookup import REORGANISATION_YEAR, Candidate, LocalityIndex, Resolution
from metrics.store.schema import LEVEL_COLUMNS

MAX_COUNT = 999_999_999  # no count of families, people or units comes near this


@dataclass(frozen=True)
class Fault:
    """What a rule found wrong: a column id (the row knows the label users see) and the message."""

    column: str | None
    message: str


@dataclass
class SheetCheck:
    """What the rules share across the rows of one sheet."""

    name: str  # the sheet's
    form: Form
    index: LocalityIndex
    rules: tuple[Rule, ...]
    # (locality, year, indicator) → the first row that gave a figure for it
    first_row_with: dict[tuple, int] = field(default_factory=dict)
    # A results file repeats its communes for every indicator: each place and year is looked up once.
    looked_up: dict[tuple, tuple[Resolution, str]] = field(default_factory=dict)


@dataclass
class RowCheck:
    """One row going through the rules: the values they have read from it, and what they found."""

    row: SheetRow
    sheet: SheetCheck
    year: int | None = None
    indicator: Indicator | Title | None = None
    counts: dict[str, int | None] = field(default_factory=dict)
    percent: float | None = None
    source: str = ""
    locality: Candidate | None = None
    faults: list[Fault] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # what a form's own rules read

    @property
    def form(self) -> Form:
        return self.sheet.form

    def text(self, cid: str) -> str:
        return self.row.text(cid)

    def problems(self) -> list[Problem]:
        return [
            Problem(
                self.sheet.name,
                self.row.excel_row,
                self.row.label(f.column) if f.column else None,
                f.message,
            )
            for f in self.faults
        ]


@dataclass(frozen=True)
class Rule:
    """One concern of a row, for the forms it applies to.

    A rule that relies on values earlier rules read (a valid year to look a place up, counts to
    compare) runs only on a row they found nothing wrong with: the user is told the first fault,
    not its consequences."""

    name: str
    forms: frozenset[str]
    check: Callable[[RowCheck], Iterator[Fault]]
    clean_rows_only: bool = False


# -- the rules ---------------------------------------------------------------------------------


def _count_or_none(text: str) -> int | None:
    try:
        return parse_count(text)
    except ValueError:
        return None


def formulas_saved(row: RowCheck) -> Iterator[Fault]:
    """A cell the row uses holds a value, not a formula saved without its result (a file written
    by a program and never opened in Excel): such a cell would read as blank."""
    for cid, idx in row.row.cols.items():
        cell = row.row.cells[idx] if idx < len(row.row.cells) else None
        if isinstance(cell, FormulaWithoutValue):
            formula = f" “{cell.formula}”" if cell.formula else ""
            yield Fault(
                cid,
                f"Ô {cell.ref} chứa công thức{formula} nhưng tệp không lưu kết quả của công thức "
                "(tệp do phần mềm khác tạo, chưa mở bằng Excel), nên không đọc được giá trị. "
                "Mở tệp bằng Excel rồi lưu lại (Excel tính và lưu kết quả), hoặc sao chép các ô "
                "này rồi dán giá trị (Dán đặc biệt → Giá trị).",
            )


def year_in_range(row: RowCheck) -> Iterator[Fault]:
    """The year is a whole number within the form's years (kept even outside them: a targets row
    still looks its place up with it)."""
    text = row.text("year")
    row.year = _count_or_none(text)
    first, last = row.form.years
    if row.year is None or not first <= row.year <= last:
        yield Fault(
            "year", f"{row.form.year_noun} “{text}” không hợp lệ; ghi năm từ {first} đến {last}."
        )


def indicator_known(row: RowCheck) -> Iterator[Fault]:
    """The indicator is in the registry, by id or by any of its names."""
    text = row.row.indicator or row.text("indicator")  # a wide row's columns name its indicator
    row.indicator = registry().resolve_alias(text) if text else None
    if row.indicator is None:
        yield Fault(
            "indicator",
            f"Không có chỉ tiêu “{text}”. Dùng mã hoặc tên chỉ tiêu, {row.form.indicator_examples}",
        )


def counts_whole_and_in_range(row: RowCheck) -> Iterator[Fault]:
    """Each count, if given, is a whole number from 0 to MAX_COUNT. One rule rather than three, so
    that problems stay listed column by column, in the order the row is read."""
    for cid in COUNT_COLUMNS:
        text = row.text(cid)
        try:
            value = parse_count(text)
        except ValueError:
            yield Fault(cid, f"“{text}” không phải số nguyên; ghi số đếm, ví dụ 1.234.")
            continue
        if value is not None and value < 0:
            yield Fault(cid, f"Số âm ({value}); số đếm phải từ 0 trở lên.")
        elif value is not None and value > MAX_COUNT:  # would overflow the store's BIGINT
            yield Fault(cid, f"Số “{text}” quá lớn; số đếm phải nhỏ hơn 1.000.000.000.")
            continue
        row.counts[cid] = value


def percent_in_range(row: RowCheck) -> Iterator[Fault]:
    """The target is a percentage from 0 to 100."""
    text = row.text("percent")
    try:
        row.percent = parse_percent(text)
    except ValueError:
        row.percent = None
    if row.percent is None or not 0 <= row.percent <= 100:
        yield Fault("percent", f"Mục tiêu “{text}” phải là tỷ lệ từ 0 đến 100, ví dụ 85,5.")


def source_given(row: RowCheck) -> Iterator[Fault]:
    """A target names the document that set it."""
    row.source = row.text("source")
    if not row.source:
        yield Fault(
            "source", "Thiếu nguồn: ghi văn bản đặt ra mục tiêu (số, ngày, cơ quan ban hành)."
        )


def recognized_given(row: RowCheck) -> Iterator[Fault]:
    """A results row says how many were recognised: that is the figure progress is measured by."""
    if row.counts.get("recognized") is None:
        yield Fault(
            "recognized",
            "Thiếu số được công nhận: điền số đơn vị/người được công nhận (ghi 0 nếu không có).",
        )


_COUNT_NOUNS = {"total": "tổng số", "registered": "số đăng ký", "recognized": "số công nhận"}
RANGE_FIX = "số công nhận không thể vượt số đăng ký, số đăng ký không thể vượt tổng số; kiểm tra lại các cột này"


def _at_most(smaller: str, larger: str) -> Callable[[RowCheck], Iterator[Fault]]:
    """The rule "count `smaller` is not over count `larger`" (either may be left empty)."""

    def check(row: RowCheck) -> Iterator[Fault]:
        small, large = row.counts.get(smaller), row.counts.get(larger)
        if small is not None and large is not None and small > large:
            yield Fault(
                smaller,
                f"{_COUNT_NOUNS[smaller].capitalize()} ({small}) lớn hơn {_COUNT_NOUNS[larger]} ({large}): {RANGE_FIX}.",
            )

    return check


def levels_within_recognized(row: RowCheck) -> Iterator[Fault]:
    """The units graded Tốt, Khá, Trung bình (or Mức độ 1, 2) are among those recognised."""
    recognized = row.counts.get("recognized")
    graded = sum(row.counts.get(c) or 0 for c in LEVEL_COLUMNS)
    if recognized is not None and graded > recognized:
        yield Fault(
            "level_tot",
            f"Tổng các mức xếp loại ({graded}) lớn hơn số công nhận ({recognized}): số đơn vị xếp loại Tốt, Khá, Trung bình (hoặc Mức độ 1, 2) cộng lại không được vượt số công nhận.",
        )


def levels_of_the_title(row: RowCheck) -> Iterator[Fault]:
    """Only a title that the circulars rate carries ratings: Thông tư 22/2020 and 24/2023 rate
    provincial and former district learning units (Tốt, Khá, Trung bình; Mức độ 1, 2), Thông tư
    25/2023 commune learning communities (Mức độ 1, 2). Commune-level units carry none."""
    if row.indicator is None:
        return
    allowed = set(row.indicator.levels)
    for col in LEVEL_COLUMNS:
        level = col.removeprefix("level_")
        if row.counts.get(col) is not None and level not in allowed:
            rated = ", ".join(registry().level_label(lv) for lv in row.indicator.levels)
            yield Fault(
                col,
                f"“{row.indicator.label_vi}” không xếp loại “{registry().level_label(level)}”"
                + (f" (chỉ {rated})" if rated else " (chỉ tiêu này không có xếp loại)")
                + ": xóa số ở cột này.",
            )


def not_found_message(found: Resolution) -> str:
    candidates = "; ".join(c.label for c in found.candidates[:5])
    return found.message + (f" Có thể là: {candidates}." if candidates else "")


def look_up_locality(
    index: LocalityIndex, year: int, code: str, commune: str, district: str, province: str
) -> tuple[Resolution, str]:
    """The most precise place the row names (commune by code or name, else old district, else
    province), and the column a problem with it points at."""
    if code or commune:
        levels = frozenset({"commune", "old_commune"})
        found = index.resolve(
            commune,
            year=year,
            district=district or None,
            province=province or None,
            code=code or None,
            levels=levels,
        )
        if code and found.ok and found.locality is not None:
            return code_agrees(index, found, year, commune, district, province, levels)
        return found, "code" if code else "commune"
    if district:
        return index.resolve(
            district, year=year, province=province or None, levels=frozenset({"old_district"})
        ), "district"
    return index.resolve(
        province, year=year, levels=frozenset({"province", "old_province", "country"})
    ), "province"


def _named(found: Resolution) -> list[Candidate]:
    """The units a name names: the one it resolves to, or the several it fits equally; none
    when it names nothing known (a not-found look-up's near misses are suggestions, not what
    the name names)."""
    if found.ok and found.locality is not None:
        return [found.locality]
    return list(found.candidates) if found.status == "ambiguous" else []


def code_agrees(
    index: LocalityIndex,
    by_code: Resolution,
    year: int,
    commune: str,
    district: str,
    province: str,
    levels: frozenset[str],
) -> tuple[Resolution, str]:
    """A row whose code names one unit and whose name (or parent) names another contradicts
    itself (the template's sample code left beside a typed name): refused, naming both, rather
    than written onto the code's unit. A name or parent that names nothing known is left to the
    code, which wins over names."""
    assert by_code.locality is not None
    unit = by_code.locality
    if commune:
        named = index.resolve(commune, year=year, levels=levels)
        meant = _named(named)
        if meant and unit.id not in {c.id for c in meant}:
            shared = _namesake_across_eras(index, unit, year, commune, levels)
            if shared is not None and shared.locality is not None:
                # The code and the name agree on the other era's unit.
                by_code, unit, meant = shared, shared.locality, [shared.locality]
        if meant and unit.id not in {c.id for c in meant}:
            others = "; ".join(c.label for c in meant[:3])
            return Resolution(
                "not_found",
                by_code.query,
                message=(
                    f"Mã {unit.code} là {unit.label}, nhưng tên ghi “{commune}” là {others}. "
                    "Sửa mã hoặc tên cho khớp (nếu không chắc mã, để trống cột mã: tên và cấp "
                    "trên sẽ xác định địa bàn)."
                ),
            ), "code"
    ancestors = index.ancestors(unit.id)
    for column, text, parent_levels in (
        ("district", district, frozenset({"old_district"})),
        ("province", province, frozenset({"province", "old_province"})),
    ):
        # A current commune has no district: an old one named beside it is history, not a parent.
        if not text or (column == "district" and unit.era != "legacy"):
            continue
        # Any era: a 2024 row may name the province its old commune lies in today
        # ("Tuyên Quang" for a commune of tỉnh Hà Giang cũ); both are its parents.
        parent = index.resolve(text, levels=parent_levels)
        parents = _named(parent)
        if parents and not any(c.id in ancestors for c in parents):
            return Resolution(
                "not_found",
                by_code.query,
                message=(
                    f"{unit.label} không thuộc {parents[0].label} (ghi ở cột "
                    f"{HEADER_LABEL[column]}). Sửa mã hoặc {HEADER_LABEL[column]} cho khớp."
                ),
            ), column
    return by_code, "code"


def _namesake_across_eras(
    index: LocalityIndex, unit: Candidate, year: int, commune: str, levels: frozenset[str]
) -> Resolution | None:
    """Today's commune often kept the code of one of its old communes (phường Ba Đình, Hà Nội,
    00004, once phường Trúc Bạch): a row of a year before the reorganisation giving that code
    with today's name (figures entered back for today's communes), or the other way round,
    means the unit of the other era that has both; None when there is none."""
    if not unit.code:
        return None
    other_year = REORGANISATION_YEAR - 1 if year >= REORGANISATION_YEAR else REORGANISATION_YEAR
    by_code = index.resolve(None, year=other_year, code=unit.code, levels=levels)
    if not by_code.ok or by_code.locality is None or by_code.locality.id == unit.id:
        return None
    named = _named(index.resolve(commune, year=other_year, levels=levels))
    return by_code if by_code.locality.id in {c.id for c in named} else None


def locality_found(row: RowCheck) -> Iterator[Fault]:
    """A results row's place is in the register of its year (communes before July 2025 are old ones)."""
    assert row.year is not None
    code, commune, district, province = (
        row.text(c) for c in ("code", "commune", "district", "province")
    )
    if not (code or commune or district or province):
        yield Fault(
            "commune",
            f"Chưa ghi địa bàn: điền {HEADER_LABEL['commune']} (hoặc {HEADER_LABEL['code']}), "
            f"hoặc {HEADER_LABEL['district']}, hoặc {HEADER_LABEL['province']}.",
        )
        return
    looked_up = row.sheet.looked_up
    lookup_key = (code, commune, district, province, row.year)
    if lookup_key not in looked_up:
        looked_up[lookup_key] = look_up_locality(
            row.sheet.index, row.year, code, commune, district, province
        )
    found, column = looked_up[lookup_key]
    if not found.ok or found.locality is None:
        yield Fault(column, not_found_message(found))
        return
    row.locality = found.locality


def place_found(row: RowCheck) -> Iterator[Fault]:
    """A target's place (the country, a province or a commune) is one of today's units: targets
    are set for the units of July 2025, whatever their year."""
    found = row.sheet.index.resolve(
        row.text("place"),
        year=max(row.year or 2025, 2025),
        province=row.text("province") or None,
        levels=frozenset({"country", "province", "commune"}),
    )
    if not found.ok or found.locality is None:
        yield Fault("place", not_found_message(found))
        return
    row.locality = found.locality


def not_a_duplicate(row: RowCheck) -> Iterator[Fault]:
    """No earlier row of the sheet gave a figure for the same place, year and indicator."""
    assert row.locality is not None and row.indicator is not None
    figure_key = (row.locality.id, row.year, row.indicator.id)
    first = row.sheet.first_row_with.get(figure_key)
    if first is not None:
        yield Fault(
            row.form.duplicate_column,
            f"Trùng với dòng {first} (cùng {row.form.duplicate_same}). Xóa một trong hai dòng.",
        )
        return
    row.sheet.first_row_with[figure_key] = row.row.excel_row


_BOTH = frozenset({"results", "targets"})
_RESULTS = frozenset({"results"})
_TARGETS = frozenset({"targets"})

# In the order they run (and problems are listed); each form takes the rules that name it.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("formulas_saved", _BOTH, formulas_saved),
    Rule("year_in_range", _BOTH, year_in_range),
    Rule("indicator_known", _BOTH, indicator_known),
    Rule("counts_whole_and_in_range", _RESULTS, counts_whole_and_in_range),
    Rule("percent_in_range", _TARGETS, percent_in_range),
    Rule("source_given", _TARGETS, source_given),
    Rule("recognized_given", _RESULTS, recognized_given, clean_rows_only=True),
    Rule(
        "recognized_within_registered",
        _RESULTS,
        _at_most("recognized", "registered"),
        clean_rows_only=True,
    ),
    Rule(
        "registered_within_total", _RESULTS, _at_most("registered", "total"), clean_rows_only=True
    ),
    Rule(
        "recognized_within_total", _RESULTS, _at_most("recognized", "total"), clean_rows_only=True
    ),
    Rule("levels_of_the_title", _RESULTS, levels_of_the_title, clean_rows_only=True),
    Rule("levels_within_recognized", _RESULTS, levels_within_recognized, clean_rows_only=True),
    Rule("locality_found", _RESULTS, locality_found, clean_rows_only=True),
    # A targets row's place needs no valid year: its problem is listed with the others.
    Rule("place_found", _TARGETS, place_found),
    Rule("not_a_duplicate", _BOTH, not_a_duplicate, clean_rows_only=True),
)


def rules_for(form: Form) -> tuple[Rule, ...]:
    return tuple(rule for rule in DEFAULT_RULES if form.name in rule.forms)


def check_row(row: SheetRow, sheet: SheetCheck) -> RowCheck:
    """The row through each rule; a column is told its first fault only (a formula without its
    value is not also "not a number")."""
    checked = RowCheck(row, sheet)
    for rule in sheet.rules:
        if rule.clean_rows_only and checked.faults:
            continue
        seen = {f.column for f in checked.faults}
        checked.faults.extend(f for f in rule.check(checked) if f.column not in seen)
    return checked


# -- rules of a whole sheet ----------------------------------------------------------------------


def empty_table(form: Form, sheet: str) -> Problem:
    """A header row with no row of figures under it."""
    return Problem(sheet, None, None, f"Bảng không có dòng {form.row_noun} nào dưới dòng tiêu đề.")


def outside_allowed_provinces(
    sheet: str,
    frame: pl.DataFrame,
    province_of: dict[str, tuple[str | None, str | None]],
    allowed: set[str],
) -> list[Problem]:
    """An editor imports only their provinces' figures (`allowed`: official codes): each row of
    another province, or of the whole country, is a problem."""
    allowed_text = ", ".join(sorted(allowed)) or "không tỉnh nào"
    problems = []
    for row in frame.iter_rows(named=True):
        code, name = province_of.get(row["locality_id"], (None, None))
        if code not in allowed:
            where = name or "cả nước"
            problems.append(
                Problem(
                    sheet,
                    row["_row"],
                    None,
                    f"Tài khoản chỉ được nhập số liệu của tỉnh có mã {allowed_text}; dòng này thuộc {where}. "
                    "Xóa dòng này hoặc nhờ quản trị viên nhập.",
                )
            )
    return problems
