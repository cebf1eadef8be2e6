"""Where the table sits in a sheet: the header row under any title rows, in the long, wide,
targets or list layout (merged model headers included), typed in Unicode or a legacy encoding;
and the rows under it that hold figures (empty and totals rows left out)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from metrics.circulars import criterion_number
from metrics.indicators import registry
from metrics.inputs.cells import cell_text
from metrics.inputs.forms import (
    CONTEXT,
    COUNT_COLUMNS,
    EDUCATION,
    HEADER_LABEL,
    PLANS,
    RECOGNITIONS,
    RESULT_HEADERS,
    RESULTS,
    TARGETS,
)
from metrics.inputs.legacy_encodings import CONVERTERS
from metrics.inputs.list_heading import HeadingValue, read_heading
from metrics.normalise import key

# Title rows above the header are few; a header further down is not looked for.
HEADER_SCAN_ROWS = 30
TOTALS_WORDS = {"tongcong", "cong", "tong", "tongso", "toantinh", "total"}


@dataclass
class Table:
    kind: str  # results (long) | wide | targets | recognitions | context | education | plans
    header_idx: int  # the last header row (0-based); figures start below it
    cols: dict[str, int]
    # wide layout: indicator id → measure (total, registered …) → (column index, header label)
    wide_columns: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    # list layout: the headers as the file writes them, and what the title rows above say
    labels: dict[str, str] = field(default_factory=dict)
    heading: dict[str, HeadingValue] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """The form the table holds: the wide layout holds results too."""
        return "results" if self.kind == "wide" else self.kind


def _header_map(row: Sequence[object], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = {key(name): cid for cid, names in spec.items() for name in names}
    found: dict[str, int] = {}
    for idx, cell in enumerate(row):
        k = key(cell_text(cell))
        if k in keys and keys[k] not in found:
            found[keys[k]] = idx
    return found


_BASE = ("year", "province", "district", "commune", "code", "source")
_SPLIT = re.compile(r"\s*(?:[-–—:/|]|\()\s*")


def _measure_of(text: str) -> str | None:
    k = key(text.rstrip(")"))
    for cid in COUNT_COLUMNS:
        if k in {key(n) for n in RESULT_HEADERS[cid]}:
            return cid
    return None


def _wide_table(rows: list[list[object]], i: int) -> Table | None:
    """Row i (with row i-1 as the group row of merged model headers) as a wide header."""
    reg = registry()
    row = [cell_text(c) for c in rows[i]]
    above = [cell_text(c) for c in rows[i - 1]] if i > 0 else [""] * len(row)
    above += [""] * (len(row) - len(above))
    group = ""
    base: dict[str, int] = {}
    wide: dict[str, dict[str, tuple[int, str]]] = {}
    base_keys = {key(n): cid for cid in _BASE for n in RESULT_HEADERS[cid]}
    for j, text in enumerate(row):
        if above[j]:
            group = above[j]  # merged cells leave the group's name in its first column only
        name = text or above[j]
        if key(name) in base_keys and base_keys[key(name)] not in base:
            base[base_keys[key(name)]] = j
            group = ""
            continue
        ind_text, measure = None, None
        if text and group and _measure_of(text):
            ind_text, measure = group, _measure_of(text)
        elif text:
            parts = _SPLIT.split(text, maxsplit=0)
            for cut in range(len(parts) - 1, 0, -1):
                left, right = " ".join(parts[:cut]), " ".join(parts[cut:])
                if _measure_of(right) and reg.resolve_alias(left):
                    ind_text, measure = left, _measure_of(right)
                    break
        ind = reg.resolve_alias(ind_text) if ind_text else None
        if ind and measure:
            label = f"{ind_text} – {HEADER_LABEL[measure]}"
            wide.setdefault(ind.id, {}).setdefault(measure, (j, label))
    wide = {k: v for k, v in wide.items() if "recognized" in v}
    if wide and "year" in base:
        return Table("wide", i, base, wide)
    return None


def _list_table(rows: list[list[object]], i: int) -> Table | None:
    """Row i as the header of a list of recognised units (a unit's name and its result), with
    its criterion columns and what the title rows above it say."""
    cols = _header_map(rows[i], RECOGNITIONS.headers)
    if not RECOGNITIONS.identifying_columns <= cols.keys():
        return None
    labels = {cid: cell_text(rows[i][j]) for cid, j in cols.items()}
    for j, cell in enumerate(rows[i]):
        number = criterion_number(cell_text(cell))
        if number is not None and f"criterion_{number}" not in cols:
            cols[f"criterion_{number}"] = j
            labels[f"criterion_{number}"] = cell_text(cell)
    return Table("recognitions", i, cols, labels=labels, heading=read_heading(rows[:i]))


def find_table(rows: list[list[object]]) -> Table | None:
    """The first row that looks like the headers of one of our layouts."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        listed = _list_table(rows, i)
        if listed is not None:
            return listed
        # Plans before targets: a plan's table may also have the targets' columns.
        for form in (PLANS, RESULTS, TARGETS, CONTEXT, EDUCATION):
            cols = _header_map(row, form.headers)
            if form.identifying_columns <= cols.keys():
                return Table(form.name, i, cols)
        wide = _wide_table(rows, i)
        if wide is not None:
            return wide
    return None


def detect_encoding(rows: list[list[object]]) -> tuple[str, Table] | None:
    """The legacy encoding (unicode, tcvn3, vni) under which the sheet's header row is recognised."""
    head = rows[:HEADER_SCAN_ROWS]
    for name, convert in CONVERTERS.items():
        converted: list[list[object]] = (
            head if name == "unicode" else [[convert(cell_text(c)) for c in r] for r in head]
        )
        found = find_table(converted)
        if found is not None:
            return name, found
    return None


def _is_totals_row(row: list[object], *, names_units: bool = False) -> bool:
    """A "Tổng cộng" row. In a list, whose cells name units, only the bare words count: "Tổng
    công ty Điện lực" is a unit."""
    for cell in row[:4]:
        k = key(cell_text(cell))
        if k in TOTALS_WORDS or (k.startswith("tongcong") and not names_units):
            return True
    return False


@dataclass
class SheetRow:
    """One row to check: the spreadsheet row, where each field sits in it, and (wide layout)
    the indicator its columns belong to, with those columns' own header labels."""

    excel_row: int
    cells: list[object]
    cols: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    indicator: str | None = None
    heading: dict[str, HeadingValue] = field(default_factory=dict)

    def text(self, cid: str) -> str:
        """The row's value for a field: its column's cell, else what the title rows say."""
        idx = self.cols.get(cid)
        if idx is not None:
            return cell_text(self.cells[idx]) if idx < len(self.cells) else ""
        given = self.heading.get(cid)
        return given.text if given else ""

    def cell(self, cid: str) -> object:
        """The raw cell of a field (a date stays a date), else the title rows' text."""
        idx = self.cols.get(cid)
        if idx is not None:
            return self.cells[idx] if idx < len(self.cells) else None
        given = self.heading.get(cid)
        return given.text if given else None

    def label(self, cid: str) -> str:
        """The column as a message names it (a wide column by its model and measure; a value
        from the title rows by the row it is written on)."""
        if cid not in self.cols and cid in self.heading:
            return f"Tiêu đề trang (dòng {self.heading[cid].excel_row})"
        return self.labels.get(cid) or HEADER_LABEL.get(cid, cid)


def rows_to_check(table: Table, body: list[list[object]], notes: list[str]) -> list[SheetRow]:
    """The rows under the header, without empty and totals rows (a results sheet notes each
    totals row it skips; a targets sheet does not). The wide layout gives one row per model
    whose columns are filled: each becomes one figure."""
    out: list[SheetRow] = []
    for offset, cells in enumerate(body):
        excel_row = table.header_idx + offset + 2  # 1-based, below the header
        if all(cell_text(c) == "" for c in cells):
            continue
        if _is_totals_row(cells, names_units=table.form in ("recognitions", "plans")):
            if table.form == "results":
                notes.append(f"Bỏ qua dòng tổng cộng (dòng {excel_row}).")
            continue
        if table.kind != "wide":
            out.append(SheetRow(excel_row, cells, table.cols, table.labels, heading=table.heading))
            continue
        for indicator, fields in table.wide_columns.items():
            if all(cell_text(cells[i]) == "" for i, _ in fields.values() if i < len(cells)):
                continue
            cols = dict(table.cols)
            cols.update({cid: i for cid, (i, _) in fields.items()})
            labels = {cid: label for cid, (_, label) in fields.items()}
            out.append(SheetRow(excel_row, cells, cols, labels, indicator))
    return out
