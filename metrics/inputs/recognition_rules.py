"""The checks every row of a list of recognised units goes through: the title on the register,
the unit named once per decision, the result and the criteria of the circular of its year, the
decision's date within its year, and the place the unit belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from metrics.circulars import (
    ABOVE_COMMUNE_TITLES,
    DECISION_YEARS_AFTER,
    NOT_ASSESSED,
    NOT_PASSED,
    REGISTER_TITLES,
    RESULT_LABEL,
    UNDECIDED,
    Circular,
    circular_for,
    criterion_value,
    decision_date_fits,
    parse_result,
    valid_until,
)
from metrics.fmt import fmt_date
from metrics.indicators import registry
from metrics.inputs.cells import parse_date
from metrics.inputs.rules import (
    Fault,
    RowCheck,
    Rule,
    formulas_saved,
    look_up_locality,
    not_found_message,
    year_in_range,
)
from metrics.normalise import key
from metrics.recognitions import TITLE_KINDS, kind_given, unit_kind

MAX_NAME = 300  # the longest unit names ("Trung tâm Văn hóa, Thể thao, …") are under 150


@dataclass
class ListEntry:
    """What the rules read from a list's row, beyond what every form reads."""

    name: str = ""
    kind: str = ""
    result: str | None = None
    circular: Circular | None = None
    decision_number: str = ""
    decision_date: date | None = None
    criteria: dict[int, bool] = field(default_factory=dict)
    self_assessed: str | None = None
    proposal_number: str = ""
    proposal_date: date | None = None
    proposal_issuer: str = ""

    @property
    def criteria_met(self) -> str | None:
        return ",".join(str(n) for n, ok in sorted(self.criteria.items()) if ok) or None

    @property
    def criteria_failed(self) -> str | None:
        return ",".join(str(n) for n, ok in sorted(self.criteria.items()) if not ok) or None

    def valid_until(self, year: int) -> date | None:
        assert self.circular is not None and self.result is not None
        return valid_until(self.circular, year, self.result, self.decision_date)


def entry_of(row: RowCheck) -> ListEntry:
    entry = row.extra.get("entry")
    if entry is None:
        entry = row.extra["entry"] = ListEntry()
    assert isinstance(entry, ListEntry)
    return entry


def title_on_register(row: RowCheck) -> Iterator[Fault]:
    """The title is one the register lists unit by unit (families are counted, not listed)."""
    text = row.text("indicator")
    titles = ", ".join(registry().title_by_id(t).label_vi for t in REGISTER_TITLES)
    if not text:
        yield Fault(
            "indicator",
            "Chưa ghi danh hiệu: thêm cột Danh hiệu, hoặc ghi danh hiệu trong tiêu đề danh sách "
            f"(ví dụ “Danh sách Đơn vị học tập cấp huyện năm 2023”). Danh hiệu lập danh sách: {titles}.",
        )
        return
    row.indicator = registry().resolve_title(text)
    if row.indicator is None:
        yield Fault("indicator", f"Không có danh hiệu “{text}”. Dùng một trong: {titles}.")
    elif row.indicator.id not in REGISTER_TITLES:
        row.indicator = None
        yield Fault(
            "indicator",
            f"“{text}” không lập danh sách từng đơn vị (chỉ báo cáo số lượng). "
            f"Danh hiệu lập danh sách: {titles}.",
        )


def name_given(row: RowCheck) -> Iterator[Fault]:
    entry = entry_of(row)
    entry.name = " ".join(row.text("name").split())
    if not entry.name:
        yield Fault("name", "Chưa ghi tên đơn vị: điền tên cơ quan, trường, thôn, dòng họ hoặc xã.")
    elif len(entry.name) > MAX_NAME:
        yield Fault("name", f"Tên dài {len(entry.name)} ký tự, quá {MAX_NAME}: chỉ ghi tên đơn vị.")


def result_of_the_circular(row: RowCheck) -> Iterator[Fault]:
    """The result is one the circular of the title's year gives (Tốt/Khá/Trung bình under
    Thông tư 22/2020 to 2023, Mức độ 1/2 under 24/2023 and 25/2023 from 2024)."""
    assert row.year is not None and row.indicator is not None
    entry = entry_of(row)
    text = row.text("result")
    entry.circular = circular_for(row.indicator.id, row.year)
    assert entry.circular is not None  # every register title has rules for every year
    allowed = entry.circular.results_text
    if not text:
        if _steps_given(row):
            # On a list of the way to the decision, a unit without a result stopped earlier.
            entry.result = UNDECIDED
            return
        yield Fault("result", f"Chưa ghi kết quả: ghi {allowed}.")
        return
    entry.result = parse_result(text)
    if entry.result is None:
        yield Fault("result", f"“{text}” không phải kết quả đánh giá; ghi {allowed}.")
    elif entry.result == NOT_ASSESSED and entry.result not in entry.circular.states:
        yield Fault(
            "result",
            f"“{text}” chỉ ghi cho Cộng đồng học tập cấp huyện, cấp tỉnh chưa được đánh giá; "
            f"“{row.indicator.label_vi}” năm {row.year} ghi {allowed}.",
        )
    elif entry.result not in entry.circular.states:
        other = next(
            (
                c
                for c in (circular_for(row.indicator.id, y) for y in (2023, 2024))
                if c is not None and entry.result in c.results
            ),
            None,
        )
        why = f" (“{RESULT_LABEL[entry.result]}” là kết quả theo {other.name})" if other else ""
        yield Fault(
            "result",
            f"Năm {row.year}, “{row.indicator.label_vi}” được đánh giá theo {entry.circular.name}: "
            f"ghi {allowed}{why}. Kiểm tra năm hoặc kết quả.",
        )


def decision_fits(row: RowCheck) -> Iterator[Fault]:
    """The decision's date is a real date within the results' year or the next (a year's
    results are recognised by a decision of that year or early the next)."""
    assert row.year is not None
    entry = entry_of(row)
    entry.decision_number = " ".join(row.text("decision_number").split())
    try:
        entry.decision_date = parse_date(row.row.cell("decision_date"))
    except ValueError:
        yield Fault(
            "decision_date",
            f"“{row.text('decision_date')}” không phải ngày; ghi ngày/tháng/năm, ví dụ 10/02/2024.",
        )
        return
    if entry.decision_date and not decision_date_fits(row.year, entry.decision_date):
        yield Fault(
            "decision_date",
            f"Quyết định ngày {fmt_date(entry.decision_date)} không thuộc năm {row.year} "
            f"hoặc {row.year + DECISION_YEARS_AFTER}: quyết định công nhận kết quả năm {row.year} "
            f"ban hành trong năm {row.year} hoặc đầu năm {row.year + DECISION_YEARS_AFTER}. "
            "Kiểm tra năm của danh sách hoặc ngày quyết định.",
        )


def criteria_of_the_circular(row: RowCheck) -> Iterator[Fault]:
    """Each criterion column filled is one of the circular's, says met or not met, and a unit
    recognised under Thông tư 24/25 met every criterion given (one not met: not recognised)."""
    entry = entry_of(row)
    assert entry.circular is not None and row.indicator is not None
    for cid in sorted(c for c in row.row.cols if c.startswith("criterion_")):
        text = row.text(cid)
        if not text:
            continue
        number = int(cid.removeprefix("criterion_"))
        if entry.circular.criteria == 0:
            yield Fault(
                cid,
                f"“{row.indicator.label_vi}” năm {row.year} (theo {entry.circular.name}) không "
                "chấm theo tiêu chí đánh số: xóa số liệu cột này.",
            )
            continue
        if number > entry.circular.criteria:
            yield Fault(
                cid,
                f"{entry.circular.name} có {entry.circular.criteria} tiêu chí (Tiêu chí 1 đến "
                f"{entry.circular.criteria}); không có tiêu chí {number}. Kiểm tra tiêu đề cột.",
            )
            continue
        try:
            met = criterion_value(text)
        except ValueError:
            yield Fault(cid, f"“{text}”: ghi “Đạt” (hoặc x) hoặc “Không đạt”.")
            continue
        if met is not None:
            entry.criteria[number] = met
    failed = entry.criteria_failed
    if (
        failed
        and entry.circular.valid_years > 1
        and entry.result not in (None, NOT_PASSED, NOT_ASSESSED, UNDECIDED)
    ):
        yield Fault(
            "result",
            f"Được ghi “{RESULT_LABEL[entry.result or NOT_PASSED]}” nhưng không đạt tiêu chí "
            f"{failed}: theo {entry.circular.name}, một tiêu chí không đạt thì không được công "
            "nhận. Sửa kết quả thành “Không đạt” hoặc kiểm tra các tiêu chí.",
        )


_STEP_COLUMNS = ("self_assessed", "proposal_number", "proposal_date", "proposal_issuer")


def _steps_given(row: RowCheck) -> bool:
    """Whether the sheet is a list of the way to the decision (it has a step column)."""
    return any(c in row.row.cols for c in _STEP_COLUMNS)


def steps_to_the_decision(row: RowCheck) -> Iterator[Fault]:
    """The level a unit claimed assessing itself is one its circular gives; a tờ trình has a
    real date, before the decision and within the results' year or the next; a unit proposed
    assessed itself first, and one decided came this way."""
    assert row.year is not None and row.indicator is not None
    entry = entry_of(row)
    assert entry.circular is not None
    claimed = row.text("self_assessed")
    if claimed:
        entry.self_assessed = parse_result(claimed)
        levels = [r for r in entry.circular.results if r != NOT_PASSED]
        if entry.self_assessed not in entry.circular.results:
            words = ", ".join(RESULT_LABEL[r] for r in levels)
            yield Fault(
                "self_assessed",
                f"“{claimed}” không phải mức tự đánh giá của “{row.indicator.label_vi}” năm "
                f"{row.year} (theo {entry.circular.name}): ghi mức đơn vị tự xếp ({words}), "
                "hoặc để trống nếu đơn vị chưa tự đánh giá.",
            )
            return
    entry.proposal_number = " ".join(row.text("proposal_number").split())
    entry.proposal_issuer = " ".join(row.text("proposal_issuer").split())
    try:
        entry.proposal_date = parse_date(row.row.cell("proposal_date"))
    except ValueError:
        yield Fault(
            "proposal_date",
            f"“{row.text('proposal_date')}” không phải ngày; ghi ngày/tháng/năm của tờ trình, "
            "ví dụ 05/02/2024.",
        )
        return
    proposed = bool(entry.proposal_number or entry.proposal_date)
    if entry.proposal_date and not decision_date_fits(row.year, entry.proposal_date):
        yield Fault(
            "proposal_date",
            f"Tờ trình ngày {fmt_date(entry.proposal_date)} không thuộc năm {row.year} hoặc "
            f"{row.year + DECISION_YEARS_AFTER}: tờ trình đề nghị công nhận kết quả năm "
            f"{row.year} lập trong năm {row.year} hoặc đầu năm {row.year + DECISION_YEARS_AFTER}. "
            "Kiểm tra năm của danh sách hoặc ngày tờ trình.",
        )
    elif entry.proposal_date and entry.decision_date and entry.proposal_date > entry.decision_date:
        yield Fault(
            "proposal_date",
            f"Tờ trình ngày {fmt_date(entry.proposal_date)} sau quyết định ngày "
            f"{fmt_date(entry.decision_date)}: tờ trình đề nghị trước khi có quyết định. "
            "Kiểm tra ngày tờ trình hoặc ngày quyết định.",
        )
    if (
        proposed
        and "self_assessed" in row.row.cols
        and not claimed
        and entry.result != NOT_ASSESSED
    ):
        yield Fault(
            "self_assessed",
            f"“{entry.name}” có tờ trình đề nghị nhưng chưa ghi kết quả tự đánh giá: đơn vị tự "
            "đánh giá trước khi được đề nghị. Ghi mức đơn vị tự xếp (ví dụ Tốt, Mức độ 1).",
        )
    if entry.proposal_issuer and not proposed:
        yield Fault(
            "proposal_number",
            "Có cơ quan trình nhưng chưa ghi số hoặc ngày tờ trình: ghi số tờ trình (ví dụ "
            "32a/TTr-PGDĐT) và ngày, hoặc xóa cơ quan trình.",
        )


def kind_known(row: RowCheck) -> Iterator[Fault]:
    """The unit's kind: as the list says it, else as its name tells."""
    assert row.indicator is not None
    entry = entry_of(row)
    given = row.text("kind")
    allowed = TITLE_KINDS[row.indicator.id]
    if given:
        kind = kind_given(given)
        if kind is None or kind not in allowed:
            yield Fault(
                "kind",
                f"Loại đơn vị “{given}” không thuộc danh hiệu “{row.indicator.label_vi}”; "
                f"ghi {', '.join(allowed)} (hoặc để trống).",
            )
            return
        entry.kind = kind
    else:
        entry.kind = unit_kind(row.indicator.id, entry.name)


# Where a title's units belong: provincial and former district units to a province or an old
# district; a commune (the unit itself under Cộng đồng học tập cấp xã) for the others.
_AREA_LEVELS = frozenset({"province", "old_province", "old_district"})
_COMMUNE_LEVELS = frozenset({"commune", "old_commune"})


def unit_place_found(row: RowCheck) -> Iterator[Fault]:
    """The place a unit belongs to, in the register of its year: a commune learning community
    is the commune its name says; the others belong to the place the list names."""
    assert row.year is not None and row.indicator is not None
    entry = entry_of(row)
    code, commune, district, province = (
        row.text(c) for c in ("code", "commune", "district", "province")
    )
    title = row.indicator.id
    if title == "cong_dong_xa" and not (code or commune):
        commune = entry.name
    if title == "cong_dong_huyen" and not (district or commune or code):
        district = entry.name
    if title == "cong_dong_tinh" and not (province or district or commune or code):
        province = entry.name
    if not (code or commune or district or province):
        yield Fault(
            "commune" if title != "don_vi_cap_tinh" else "district",
            "Chưa ghi địa bàn: thêm cột Tỉnh, Huyện, Xã, hoặc ghi cơ quan quyết định "
            "(ví dụ “của UBND huyện Ia H'Drai, tỉnh Kon Tum”) trong tiêu đề danh sách.",
        )
        return
    lookup_key = ("list", code, commune, district, province, row.year)
    looked_up = row.sheet.looked_up
    if lookup_key not in looked_up:
        looked_up[lookup_key] = look_up_locality(
            row.sheet.index, row.year, code, commune, district, province
        )
    found, column = looked_up[lookup_key]
    if title == "cong_dong_xa" and column == "commune" and not row.text("commune"):
        column = "name"
    if not found.ok or found.locality is None:
        yield Fault(column, not_found_message(found))
        return
    if title == "don_vi" and found.locality.level in _AREA_LEVELS:
        # Units a province or a former district lists (no commune named) are its own units:
        # reports call them "Đơn vị học tập" too.
        row.indicator = registry().by_id("don_vi_cap_tinh")
        title = row.indicator.id
    if title in ABOVE_COMMUNE_TITLES:
        places = registry().title_by_id(title)
        allowed_levels = set(getattr(places, "places", ()))
        if found.locality.level not in allowed_levels:
            where = "một huyện (cũ)" if title == "cong_dong_huyen" else "một tỉnh"
            yield Fault(
                column,
                f"“{row.indicator.label_vi}” là kết quả của {where}: ghi tên {where} "
                "(cột Tên đơn vị, hoặc Tỉnh, Huyện), để trống cột Xã.",
            )
            return
        row.locality = found.locality
        return
    levels = _AREA_LEVELS if title == "don_vi_cap_tinh" else _COMMUNE_LEVELS
    if found.locality.level not in levels:
        where = (
            "một tỉnh hoặc một huyện (cũ): ghi Tỉnh, Huyện, để trống cột Xã"
            if title == "don_vi_cap_tinh"
            else "một xã: ghi cột Xã (hoặc Mã xã)"
        )
        yield Fault(column, f"Đơn vị “{row.indicator.label_vi}” thuộc {where}.")
        return
    row.locality = found.locality


def unit_once_per_decision(row: RowCheck) -> Iterator[Fault]:
    """A decision lists a unit once."""
    assert row.locality is not None and row.indicator is not None
    entry = entry_of(row)
    unit_key = (row.locality.id, row.year, row.indicator.id, entry.decision_number, key(entry.name))
    first = row.sheet.first_row_with.get(unit_key)
    if first is not None:
        yield Fault(
            "name",
            f"“{entry.name}” đã có ở dòng {first} của cùng quyết định: mỗi đơn vị ghi một lần. "
            "Xóa một trong hai dòng.",
        )
        return
    row.sheet.first_row_with[unit_key] = row.row.excel_row


_LISTS = frozenset({"recognitions"})


def year_given(row: RowCheck) -> Iterator[Fault]:
    """The list's year, from its column or its title; within the form's years."""
    if not row.text("year"):
        yield Fault(
            "year",
            "Chưa ghi năm: thêm cột Năm, hoặc ghi năm trong tiêu đề danh sách "
            "(ví dụ “… năm 2023”).",
        )
        return
    yield from year_in_range(row)


# In the order they run (and problems are listed).
RECOGNITION_RULES: tuple[Rule, ...] = (
    Rule("formulas_saved", _LISTS, formulas_saved),
    Rule("year_given", _LISTS, year_given),
    Rule("title_on_register", _LISTS, title_on_register),
    Rule("name_given", _LISTS, name_given),
    # The place first: "Đơn vị học tập" listed by a province or a former district is the
    # provincial/district title, whose circular then judges the result.
    Rule("unit_place_found", _LISTS, unit_place_found, clean_rows_only=True),
    Rule("result_of_the_circular", _LISTS, result_of_the_circular, clean_rows_only=True),
    Rule("decision_fits", _LISTS, decision_fits, clean_rows_only=True),
    Rule("criteria_of_the_circular", _LISTS, criteria_of_the_circular, clean_rows_only=True),
    Rule("steps_to_the_decision", _LISTS, steps_to_the_decision, clean_rows_only=True),
    Rule("kind_known", _LISTS, kind_known, clean_rows_only=True),
    Rule("unit_once_per_decision", _LISTS, unit_once_per_decision, clean_rows_only=True),
)
