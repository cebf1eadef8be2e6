"""A commune's report in a reporting round: one row per indicator asked (total, registered,
recognised, levels where the title has them), checked by the same rules as a row of an imported
file; the same form as a spreadsheet (`xhht template round`) and read back (`xhht rounds submit`)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from metrics.fmt import fmt_int
from metrics.indicators import registry
from metrics.inputs import template_style as style
from metrics.inputs.cells import cell_text
from metrics.inputs.forms import COUNT_COLUMNS, HEADER_LABEL, RESULTS
from metrics.inputs.layouts import SheetRow, detect_encoding, rows_to_check
from metrics.inputs.problems import ImportRefused, Problem
from metrics.inputs.reading import read_workbook
from metrics.inputs.rules import DEFAULT_RULES, Rule, SheetCheck, check_row
from metrics.name_lookup import LocalityIndex

# The rules of an imported results row that concern its figures (the place, year and indicator
# are the round's): the same rules, the same messages.
FIGURE_RULES: tuple[Rule, ...] = tuple(
    r
    for r in DEFAULT_RULES
    if r.name
    in {
        "indicator_known",
        "counts_whole_and_in_range",
        "recognized_given",
        "recognized_within_registered",
        "registered_within_total",
        "recognized_within_total",
        "levels_of_the_title",
        "levels_within_recognized",
    }
)
# A draft may leave a row unfinished: only what is typed is checked.
DRAFT_RULES = tuple(r for r in FIGURE_RULES if r.name != "recognized_given")


def form_columns(indicator: str) -> tuple[str, ...]:
    """The counts a commune enters for an indicator: total, registered, recognised, and the
    levels the title is rated in (Mức độ 1, 2 for a commune learning community)."""
    levels = tuple(f"level_{lv}" for lv in registry().by_id(indicator).levels)
    return ("total", "registered", "recognized", *levels)


@dataclass
class ReportCheck:
    """A report's figures as the rules read them, and what they found wrong, by field."""

    figures: dict[str, dict[str, int | None]] = field(default_factory=dict)
    faults: dict[str, dict[str, str]] = field(default_factory=dict)  # indicator → column → message
    missing: list[str] = field(default_factory=list)  # indicators asked with nothing entered

    @property
    def ok(self) -> bool:
        return not self.faults and not self.missing

    def messages(self) -> list[str]:
        """Every fault as one line naming the indicator and the field."""
        reg = registry()
        lines = [
            f"{reg.by_id(ind).label_vi} – {HEADER_LABEL[col]}: {msg}"
            for ind, cols in self.faults.items()
            for col, msg in cols.items()
        ]
        lines += [
            f"{reg.by_id(ind).label_vi}: chưa nhập số liệu (ghi 0 nếu không có)."
            for ind in self.missing
        ]
        return lines


# SheetCheck asks for a name index; the figure rules never look a place up.
_NO_INDEX: LocalityIndex = None  # type: ignore[assignment]


def check_row_figures(
    indicator: str, texts: Mapping[str, str], *, complete: bool
) -> tuple[dict[str, int | None], dict[str, str]]:
    """One indicator's typed counts through the rules: the counts read, and column → message."""
    cells: list[object] = [texts.get(c, "") or "" for c in COUNT_COLUMNS]
    cols = {c: i for i, c in enumerate(COUNT_COLUMNS)}
    row = SheetRow(0, cells, cols, indicator=indicator)
    sheet = SheetCheck("", RESULTS, _NO_INDEX, FIGURE_RULES if complete else DRAFT_RULES)
    checked = check_row(row, sheet)
    shown = form_columns(indicator)
    faults: dict[str, str] = {}
    for f in checked.faults:
        # The sum of levels is told at the first level field the form has (Mức độ 1, say).
        column = (
            f.column
            if f.column in shown
            else next((c for c in shown if c.startswith("level_")), "recognized")
        )
        faults.setdefault(column, f.message)
    return {c: checked.counts.get(c) for c in COUNT_COLUMNS}, faults


def check_report(
    indicators: Sequence[str], entered: Mapping[str, Mapping[str, str]], *, complete: bool
) -> ReportCheck:
    """The report's rows through the rules. `complete` (a submission): every indicator asked
    needs its recognised count; a draft checks only what is typed."""
    out = ReportCheck()
    for ind in indicators:
        texts = {c: (entered.get(ind, {}).get(c) or "").strip() for c in form_columns(ind)}
        if not any(texts.values()):
            if complete:
                out.missing.append(ind)
            continue
        counts, faults = check_row_figures(ind, texts, complete=complete)
        out.figures[ind] = counts
        if faults:
            out.faults[ind] = faults
    return out


def texts_of(figures: Mapping[str, Mapping[str, int | None]]) -> dict[str, dict[str, str]]:
    """Stored counts as the form shows them ("1.234"; blank for none)."""
    return {
        ind: {c: "" if v is None else fmt_int(v) for c, v in counts.items()}
        for ind, counts in figures.items()
    }


# --- the form as a spreadsheet ----------------------------------------------------------------

ROUND_HEADERS = ("Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu")
_LEVEL_HEADERS = {c: HEADER_LABEL[c] for c in COUNT_COLUMNS}


@dataclass(frozen=True)
class FormPlace:
    year: int
    province: str
    commune: str
    code: str
    deadline: str  # as written: 15/01/2026
    note: str | None = None


def build_round_template(
    place: FormPlace,
    indicators: Sequence[str],
    last_year: Mapping[str, Mapping[str, int | None]],
    current: Mapping[str, Mapping[str, int | None]] | None = None,
) -> bytes:
    """The round's form for one commune: one row per indicator asked (filled with the working
    figures if any), last year's figures beside in grey, an instructions sheet. It imports
    unchanged with `xhht import` too (the long results form)."""
    levels = [c for c in COUNT_COLUMNS[3:] if any(c in form_columns(i) for i in indicators)]
    columns = [
        *ROUND_HEADERS,
        "Tổng số",
        "Đăng ký",
        "Công nhận",
        *(HEADER_LABEL[c] for c in levels),
    ]
    before = [f"Năm {place.year - 1}: {w}" for w in ("tổng số", "đăng ký", "công nhận")]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    header = wb.add_format(style.HEAD)
    old = wb.add_format({"font_color": "#666666", "num_format": "#,##0"})
    num = wb.add_format({"num_format": "#,##0"})
    ws = wb.add_worksheet("Báo cáo")
    ws.write(0, 0, f"BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {place.year}")
    ws.write(1, 0, f"{place.commune}, {place.province} — hạn nộp {place.deadline}")
    head_row = 3
    for j, name in enumerate([*columns, *before]):
        ws.write(head_row, j, name, header)
    reg = registry()
    for i, ind in enumerate(indicators):
        r = head_row + 1 + i
        ws.write_row(r, 0, [place.year, place.province, place.commune, place.code])
        ws.write(r, 4, reg.by_id(ind).label_vi)
        values = (current or {}).get(ind, {})
        for j, col in enumerate(("total", "registered", "recognized", *levels)):
            v = values.get(col)
            if v is not None:
                ws.write_number(r, 5 + j, v, num)
        prior = last_year.get(ind, {})
        for j, col in enumerate(("total", "registered", "recognized")):
            v = prior.get(col)
            if v is not None:
                ws.write_number(r, len(columns) + j, v, old)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 2, 22)
    ws.set_column(4, 4, 44)
    ws.set_column(5, len(columns) + 3, 14)
    ws.freeze_panes(head_row + 1, 5)
    notes = wb.add_worksheet("Hướng dẫn")
    lines = [
        f"Điền số liệu năm {place.year} của {place.commune} vào các cột Tổng số, Đăng ký, Công "
        "nhận (và mức độ, nếu chỉ tiêu có); các cột năm trước chỉ để đối chiếu.",
        "Số đếm ghi số nguyên, có thể có dấu chấm hàng nghìn (1.234). Mỗi dòng phải thỏa: "
        "Công nhận ≤ Đăng ký ≤ Tổng số; các mức độ cộng lại không vượt số công nhận.",
        "Không đổi cột Năm, Mã xã, Chỉ tiêu. Nộp bằng `xhht rounds submit --unit "
        f"{place.code} --year {place.year} TỆP --user TÊN` hoặc nhập số trên trang “Báo cáo của xã”.",
    ]
    if place.note:
        lines.append(f"Ghi chú của tỉnh: {place.note}")
    for i, line in enumerate(lines):
        notes.write(i, 0, line)
    notes.set_column(0, 0, 120)
    wb.close()
    return buffer.getvalue()


def read_round_file(
    path: Path, year: int, code: str, indicators: Sequence[str], data: bytes | None = None
) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """A filled round form (or any long results table) for one commune and year: indicator →
    typed counts, and the problems of its rows (another year or commune, an indicator the round
    does not ask, a row given twice), each with sheet, row and column."""
    try:
        sheets = read_workbook(path, data)
    except ImportRefused as exc:
        return {}, exc.problems
    reg = registry()
    for name, rows in sheets:
        found = detect_encoding(rows)
        if found is None or found[1].form != "results":
            continue
        table = found[1]
        entered: dict[str, dict[str, str]] = {}
        first_row: dict[str, int] = {}
        problems: list[Problem] = []
        for row in rows_to_check(table, rows[table.header_idx + 1 :], []):
            problems += _row_problems(name, row, year, code, indicators, entered, first_row, reg)
        return entered, problems
    asked = ", ".join(ROUND_HEADERS) + ", Tổng số, Đăng ký, Công nhận"
    return {}, [
        Problem(
            "",
            None,
            None,
            f"Không tìm thấy bảng báo cáo trong tệp. Bảng cần dòng tiêu đề với các cột {asked} "
            f"(tải biểu mẫu bằng `xhht template round --unit {code} --year {year}`).",
        )
    ]


def _row_problems(
    sheet: str,
    row: SheetRow,
    year: int,
    code: str,
    indicators: Sequence[str],
    entered: dict[str, dict[str, str]],
    first_row: dict[str, int],
    reg,
) -> list[Problem]:
    def problem(cid: str | None, message: str) -> list[Problem]:
        return [Problem(sheet, row.excel_row, row.label(cid) if cid else None, message)]

    if row.text("year") and row.text("year") != str(year):
        return problem("year", f"Năm “{row.text('year')}” khác năm của báo cáo ({year}).")
    if row.text("code") and row.text("code").upper().removeprefix("X") != code:
        return problem("code", f"Mã xã “{row.text('code')}” khác xã của báo cáo ({code}).")
    text = row.text("indicator")
    ind = reg.resolve_alias(text) if text else None
    if ind is None:
        return problem(
            "indicator", f"Không có chỉ tiêu “{text}”. Giữ nguyên cột Chỉ tiêu của biểu mẫu."
        )
    if ind.id not in indicators:
        return problem(
            "indicator", f"Vòng báo cáo này không hỏi chỉ tiêu “{ind.label_vi}”: xóa dòng này."
        )
    if ind.id in first_row:
        return problem(
            "indicator", f"Trùng với dòng {first_row[ind.id]} (cùng chỉ tiêu). Xóa một dòng."
        )
    first_row[ind.id] = row.excel_row
    texts = {c: cell_text(row.cell(c)) if c in row.cols else "" for c in COUNT_COLUMNS}
    entered[ind.id] = {c: texts[c] for c in form_columns(ind.id)}
    extra = [c for c in COUNT_COLUMNS if texts[c] and c not in form_columns(ind.id)]
    out: list[Problem] = []
    for c in extra:
        out += problem(c, f"“{ind.label_vi}” không có cột này: xóa số ở cột này.")
    _, faults = check_row_figures(ind.id, entered[ind.id], complete=True)
    for col, msg in faults.items():
        out += problem(col, msg)
    return out
