"""What the title rows above a list of recognised units say: the year, the title, the decision
(number, date, issuer) and the place, as lists attached to a decision write them:

    DANH SÁCH ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM 2023
    (Kèm theo Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum)

Each value keeps the spreadsheet row it came from, so a problem with it points there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from metrics.indicators import Indicator, Title, registry
from metrics.inputs.cells import cell_text
from metrics.normalise import fold

_DECISION_NUMBER = re.compile(
    r"(?:quyết\s*định|qđ)\s*(?:số)?\s*[:.]?\s*(\d+[^\s,;()]*)", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"ngày\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", re.I)
_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.I)
_ISSUER = re.compile(r"\bcủa\s+(.+?)\s*(?:\)|$|;|\bvề\b)", re.I)
_YEAR = re.compile(r"\bnăm\s*(\d{4})\b", re.I)
# "Tỉnh: Quảng Ngãi", "Huyện: Ia H'Drai", "Xã: Đăk Long" written on their own rows.
_PLACE_LINE = {
    "province": re.compile(r"^\s*(?:tỉnh|thành phố|tỉnh/thành phố)\s*:\s*(.+)$", re.I),
    "district": re.compile(r"^\s*(?:huyện|quận|thị xã|huyện \(cũ\))\s*:\s*(.+)$", re.I),
    "commune": re.compile(r"^\s*(?:xã|phường|đặc khu|xã/phường)\s*:\s*(.+)$", re.I),
}
# Where the issuer sits: "UBND huyện Ia H'Drai, tỉnh Kon Tum" → district, province.
_ISSUER_PLACE = (
    ("commune", re.compile(r"\b(?:xã|phường|thị trấn|đặc khu)\s+([^,;()]+)", re.I)),
    ("district", re.compile(r"\b(?:huyện|quận|thị xã)\s+([^,;()]+)", re.I)),
    ("province", re.compile(r"\b(?:tỉnh|thành phố)\s+([^,;()]+)", re.I)),
)


@dataclass(frozen=True)
class HeadingValue:
    text: str
    excel_row: int  # 1-based, as the spreadsheet numbers it


def _title_in(text: str) -> str | None:
    """The register title a heading names, by its longest alias found in it."""
    folded = f" {fold(text)} "
    best: tuple[int, str] | None = None
    reg = registry()
    titles: list[Indicator | Title] = [*reg.ordered(), *reg.title]
    for ind in titles:
        for alias in (ind.label_vi, ind.short_vi, *ind.aliases):
            a = fold(alias)
            if a and f" {a} " in folded and (best is None or len(a) > best[0]):
                best = (len(a), ind.id)
    return best[1] if best else None


def read_heading(rows: Sequence[Sequence[object]]) -> dict[str, HeadingValue]:
    """The values the rows above a table's header give (field id → value and its row)."""
    found: dict[str, HeadingValue] = {}

    def put(cid: str, text: str, row: int) -> None:
        text = text.strip().strip(".,;:")
        if text and cid not in found:
            found[cid] = HeadingValue(text, row)

    for i, cells in enumerate(rows):
        line = " ".join(t for t in (cell_text(c) for c in cells) if t)
        if not line:
            continue
        excel_row = i + 1
        for cid, pattern in _PLACE_LINE.items():
            m = pattern.match(line)
            if m:
                put(cid, m.group(1), excel_row)
        decision = _DECISION_NUMBER.search(line)
        if decision:
            put("decision_number", decision.group(1), excel_row)
            after = line[decision.end() :]
            date = _DATE_NUMERIC.search(after) or _DATE_WORDS.search(after)
            if date:
                day, month, year = date.groups()
                put("decision_date", f"{int(day):02d}/{int(month):02d}/{year}", excel_row)
            issuer = _ISSUER.search(after)
            if issuer:
                put("issuer", issuer.group(1), excel_row)
            continue  # the decision's own year and words are not the list's
        year = _YEAR.search(line)
        if year:
            put("year", year.group(1), excel_row)
        title = _title_in(line)
        if title:
            put("indicator", title, excel_row)
    issuer_value = found.get("issuer")
    if issuer_value and not any(c in found for c in ("province", "district", "commune")):
        for cid, pattern in _ISSUER_PLACE:
            m = pattern.search(issuer_value.text)
            if m:
                put(cid, m.group(1), issuer_value.excel_row)
    return found
