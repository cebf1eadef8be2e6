"""Where the table sits in a sheet: the header row under any title rows, in the long, wide or
targets layout (merged model headers included), typed in Unicode or a legacy encoding; and the
rows under it that hold figures (empty and totals rows left out)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from metrics.indicators import registry
from metrics.inputs.cells import cell_text
from metrics.inputs.forms import (
    COUNT_COLUMNS,
    HEADER_LABEL,
    RESULT_HEADERS,
    RESULTS,
    TARGETS,
)
from metrics.inputs.legacy_encodings import CONVERTERS
from metrics.text import key

# Title rows above the header are few; a header further down is not looked for.
HEADER_SCAN_ROWS = 30
TOTALS_WORDS = {"tongcong", "cong", "tong", "tongso", "toantinh", "total"}


@dataclass
class Table:
    kind: str  # results (long) | wide | targets
    header_idx: int  # the last header row (0-based); figures start below it
    cols: dict[str, int]
    # wide layout: indicator id → measure (total, registered …) → (column index, header label)
    wide_columns: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """The form the table holds: the wide layout holds results too."""
        return "targets" if self.kind == "targets" else "results"


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


def find_table(rows: list[list[object]]) -> Table | None:
    """The first row that looks like the headers of one of our layouts."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for form in (RESULTS, TARGETS):
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


def _is_totals_row(row: list[object]) -> bool:
    for cell in row[:4]:
        k = key(cell_text(cell))
        if k in TOTALS_WORDS or k.startswith("tongcong"):
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

    def text(self, cid: str) -> str:
        idx = self.cols.get(cid)
        return cell_text(self.cells[idx]) if idx is not None and idx < len(self.cells) else ""

    def label(self, cid: str) -> str:
        """The column as a message names it (a wide column by its model and measure)."""
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
        if _is_totals_row(cells):
            if table.form == "results":
                notes.append(f"Bỏ qua dòng tổng cộng (dòng {excel_row}).")
            continue
        if table.kind != "wide":
            out.append(SheetRow(excel_row, cells, table.cols))
            continue
        for indicator, fields in table.wide_columns.items():
            if all(cell_text(cells[i]) == "" for i, _ in fields.values() if i < len(cells)):
                continue
            cols = dict(table.cols)
            cols.update({cid: i for cid, (i, _) in fields.items()})
            labels = {cid: label for cid, (_, label) in fields.items()}
            out.append(SheetRow(excel_row, cells, cols, labels, indicator))
    return out
