"""Import of results and targets from the spreadsheets data officers already have.

Reads .xlsx/.xls (by content, not by file name) and CSV (UTF-8, UTF-16 or Windows-1258), finds
the header row under title rows, matches Vietnamese headers ignoring case, tone marks, spacing
and punctuation, skips empty and totals rows, reads numbers typed as text ("1.234", "85,5"),
checks every row, and writes all or nothing as one batch. Every problem names the sheet, the
row (as numbered in the spreadsheet), the column and the fix, in Vietnamese.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from metrics.indicators import registry
from metrics.legacy_text import CONVERTERS, ENCODING_LABEL
from metrics.resolve import LocalityIndex
from metrics.store import (
    LEVEL_COLUMNS,
    BatchInfo,
    file_sha256,
    first_row,
    query_frame,
    transaction,
    write_batch,
)
from metrics.text import key

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COUNT = 999_999_999  # no count of families, people or units comes near this
HEADER_SCAN_ROWS = 30
YEAR_RANGE = (2015, 2030)
TARGET_YEAR_RANGE = (2021, 2035)

# Column id → header spellings (compared with metrics.text.key).
RESULT_HEADERS: dict[str, tuple[str, ...]] = {
    "year": ("Năm", "Năm báo cáo", "Year"),
    "province": ("Tỉnh", "Tỉnh/Thành phố", "Tỉnh, thành phố", "Province"),
    "district": ("Huyện", "Huyện (cũ)", "Quận/Huyện", "District"),
    "commune": ("Xã", "Xã/Phường", "Xã, phường", "Xã/Phường/Đặc khu", "Đơn vị", "Commune"),
    "code": ("Mã xã", "Mã", "Mã đơn vị", "Mã ĐVHC", "Code"),
    "indicator": ("Chỉ tiêu", "Danh hiệu", "Mô hình", "Indicator"),
    "total": ("Tổng số", "Tổng", "Total"),
    "registered": ("Đăng ký", "Số đăng ký", "Registered"),
    "recognized": ("Công nhận", "Được công nhận", "Đạt", "Số công nhận", "Recognized"),
    "level_tot": ("Tốt", "Loại tốt"),
    "level_kha": ("Khá", "Loại khá"),
    "level_trung_binh": ("Trung bình", "Loại trung bình"),
    "level_muc_do_1": ("Mức độ 1", "Mức 1"),
    "level_muc_do_2": ("Mức độ 2", "Mức 2"),
    "source": ("Nguồn", "Văn bản", "Nguồn số liệu", "Source"),
}
TARGET_HEADERS: dict[str, tuple[str, ...]] = {
    "place": ("Địa bàn", "Đơn vị", "Locality"),
    "province": ("Tỉnh", "Tỉnh/Thành phố", "Province"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "year": ("Năm", "Năm mục tiêu", "Year"),
    "percent": ("Mục tiêu (%)", "Mục tiêu", "Mục tiêu %", "Tỷ lệ mục tiêu", "Target (%)"),
    "source": ("Nguồn", "Văn bản", "Source"),
}
HEADER_LABEL = {cid: names[0] for cid, names in {**RESULT_HEADERS, **TARGET_HEADERS}.items()}
TOTALS_WORDS = {"tongcong", "cong", "tong", "tongso", "toantinh", "total"}


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = [f"trang “{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    status: str  # imported | dry_run | refused
    kind: str | None = None  # results | targets
    sheet: str | None = None
    batch: int | None = None
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preview: pl.DataFrame | None = None
    # What a write needs once the file is checked (kept out of as_dict).
    parsed: Parsed | None = None
    file_name: str | None = None
    file_sha256: str | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "kind": self.kind,
            "sheet": self.sheet,
            "batch": self.batch,
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "problems": [p.as_dict() for p in self.problems],
            "notes": self.notes,
        }


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------

Sheet = tuple[str, list[list[object]]]


def read_workbook(path: Path, data: bytes | None = None) -> list[Sheet]:
    """All sheets of a file as rows of cells; the format is told by content, not by name."""
    raw = data if data is not None else path.read_bytes()
    name = path.name
    if not raw or not raw.strip():
        raise ImportRefused([Problem(name, None, None, "Tệp rỗng: không có dòng nào. Chọn đúng tệp số liệu.")])
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused([Problem(name, None, None, f"Tệp quá lớn ({len(raw) // (1024 * 1024)} MB); giới hạn là {MAX_FILE_BYTES // (1024 * 1024)} MB. Tách tệp theo tỉnh hoặc theo năm.")])
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_excel(name, raw)
    return [(name, _read_csv(name, raw))]


def _read_excel(name: str, raw: bytes) -> list[Sheet]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
    except Exception as exc:  # fastexcel raises its own error types per format problem
        raise ImportRefused([Problem(name, None, None, f"Không đọc được tệp Excel ({exc.__class__.__name__}). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.")]) from exc
    sheets: list[Sheet] = []
    for sheet_name in reader.sheet_names:
        try:
            frame = reader.load_sheet_by_name(sheet_name, header_row=None, dtypes="string").to_polars()
        except Exception as exc:
            raise ImportRefused([Problem(sheet_name, None, None, f"Không đọc được trang này ({exc.__class__.__name__}).")]) from exc
        rows = [list(r) for r in frame.iter_rows()]
        sheets.append((sheet_name, rows))
    return sheets


def _read_csv(name: str, raw: bytes) -> list[list[object]]:
    not_a_table = Problem(name, None, None, "Tệp không phải bảng tính (Excel hoặc CSV). Chọn tệp .xlsx hoặc .csv.")
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused([not_a_table])
    try:
        return _decode_csv(raw)
    except (UnicodeDecodeError, csv.Error) as exc:  # truncated UTF-16; a "field" longer than csv allows
        raise ImportRefused([not_a_table]) from exc


def _decode_csv(raw: bytes) -> list[list[object]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _csv_rows(raw.decode("utf-16"))
    try:
        return _csv_rows(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Excel on Vietnamese Windows saves CSV in Windows-1258; files typed with the
    # TCVN3 or VNI fonts hold Windows-1252 bytes (read as Latin-1, converted in parse_sheet).
    rows = _csv_rows(raw.decode("cp1258", errors="replace"))
    if find_table(rows) is not None:
        return rows
    return _csv_rows(raw.decode("latin-1"))


def _csv_rows(text: str) -> list[list[object]]:
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).strip()  # NFD input (macOS, cp1258) → NFC
    return "" if text.lower() in ("nan", "none") else text


def parse_count(text: str) -> int | None:
    """'1.234' or '1 234' or '1234' → 1234; raises ValueError for non-integers."""
    t = text.replace("\u00a0", "").replace(" ", "")
    if t in ("", "-", "–"):
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    if re.fullmatch(r"\d+\.0+", t):  # Excel numbers read as text ("1234.0")
        t = t.split(".")[0]
    if not re.fullmatch(r"-?\d+", t):
        raise ValueError(t)
    return int(t)


def parse_percent(text: str) -> float | None:
    t = text.replace("\u00a0", "").replace(" ", "").rstrip("%")
    if t in ("", "-", "–"):
        return None
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", t):
        t = t.replace(".", "").replace(",", ".")
    return float(t)


# ---------------------------------------------------------------------------------------------
# Layout detection
# ---------------------------------------------------------------------------------------------


def _header_map(row: Sequence[object], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = {key(name): cid for cid, names in spec.items() for name in names}
    found: dict[str, int] = {}
    for idx, cell in enumerate(row):
        k = key(cell_text(cell))
        if k in keys and keys[k] not in found:
            found[keys[k]] = idx
    return found


@dataclass
class Table:
    kind: str  # results | wide | targets
    header_idx: int  # the last header row (0-based); figures start below it
    cols: dict[str, int]
    wide_columns: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)


_MEASURES = ("total", "registered", "recognized", *LEVEL_COLUMNS)
_BASE = ("year", "province", "district", "commune", "code", "source")
_SPLIT = re.compile(r"\s*(?:[-–—:/|]|\()\s*")


def _measure_of(text: str) -> str | None:
    k = key(text.rstrip(")"))
    for cid in _MEASURES:
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
    """The first row that looks like the headers of one of our formats."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        res = _header_map(row, RESULT_HEADERS)
        if {"year", "indicator", "recognized"} <= res.keys():
            return Table("results", i, res)
        tgt = _header_map(row, TARGET_HEADERS)
        if {"place", "indicator", "year", "percent"} <= tgt.keys():
            return Table("targets", i, tgt)
        wide = _wide_table(rows, i)
        if wide is not None:
            return wide
    return None


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    kind: str
    sheet: str
    frame: pl.DataFrame
    problems: list[Problem]
    notes: list[str]


def detect_encoding(rows: list[list[object]]) -> tuple[str, Table] | None:
    """The legacy encoding (unicode, tcvn3, vni) under which the sheet's header row is recognised."""
    head = rows[:HEADER_SCAN_ROWS]
    for name, convert in CONVERTERS.items():
        converted: list[list[object]] = head if name == "unicode" else [[convert(cell_text(c)) for c in r] for r in head]
        found = find_table(converted)
        if found is not None:
            return name, found
    return None


def parse_sheet(con: duckdb.DuckDBPyConnection, index: LocalityIndex, sheet: str, rows: list[list[object]]) -> Parsed:
    detected = detect_encoding(rows)
    found = detected[1] if detected else None
    legacy_note: list[str] = []
    if detected and detected[0] != "unicode":
        convert = CONVERTERS[detected[0]]
        rows = [[convert(cell_text(c)) for c in r] for r in rows]
        legacy_note.append(f"Trang “{sheet}” gõ bằng bảng mã {ENCODING_LABEL[detected[0]]}; đã chuyển sang Unicode.")
    if found is None:
        expected = ", ".join(HEADER_LABEL[c] for c in ("year", "province", "commune", "indicator", "total", "registered", "recognized"))
        return Parsed("", sheet, pl.DataFrame(), [Problem(sheet, None, None, f"Không tìm thấy dòng tiêu đề. Bảng kết quả cần các cột: {expected}; bảng mục tiêu cần: Địa bàn, Chỉ tiêu, Năm, Mục tiêu (%).")], [])
    kind, header_idx, cols, wide_columns = found.kind, found.header_idx, found.cols, found.wide_columns
    body = rows[header_idx + 1 :]
    if len(body) > MAX_ROWS:
        return Parsed(kind, sheet, pl.DataFrame(), [Problem(sheet, None, None, f"Trang có {len(body)} dòng, quá giới hạn {MAX_ROWS}. Tách thành nhiều tệp.")], [])
    notes: list[str] = []
    if kind == "results":
        parsed = _parse_results(con, index, sheet, _long_rows(header_idx, body, cols, notes), notes)
    elif kind == "wide":
        parsed = _parse_results(con, index, sheet, _wide_rows(header_idx, body, cols, wide_columns, notes), notes)
    else:
        parsed = _parse_targets(index, sheet, header_idx, body, cols)
    parsed.notes[:0] = legacy_note
    return parsed


def _cell(row: list[object], cols: dict[str, int], cid: str) -> str:
    idx = cols.get(cid)
    return cell_text(row[idx]) if idx is not None and idx < len(row) else ""


def _is_totals_row(row: list[object]) -> bool:
    for cell in row[:4]:
        k = key(cell_text(cell))
        if k in TOTALS_WORDS or k.startswith("tongcong"):
            return True
    return False


@dataclass
class ResultRow:
    """One figure to check: the spreadsheet row, where each field sits in it, and (wide form)
    the indicator its columns belong to, with those columns' own header labels."""

    excel_row: int
    cells: list[object]
    cols: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    indicator: str | None = None


def _long_rows(header_idx: int, body: list[list[object]], cols: dict[str, int], notes: list[str]) -> list[ResultRow]:
    out = []
    for offset, row in enumerate(body):
        excel_row = header_idx + offset + 2  # 1-based, below the header
        if all(cell_text(c) == "" for c in row):
            continue
        if _is_totals_row(row):
            notes.append(f"Bỏ qua dòng tổng cộng (dòng {excel_row}).")
            continue
        out.append(ResultRow(excel_row, row, cols))
    return out


def _parse_results(con, index, sheet, items: list[ResultRow], notes: list[str]) -> Parsed:  # noqa: ANN001
    reg = registry()
    problems: list[Problem] = []
    records: list[dict] = []
    seen: dict[tuple, int] = {}
    communes_in: dict[str, int] = {}
    resolved: dict[tuple, object] = {}
    for item in items:
        excel_row, row, cols = item.excel_row, item.cells, item.cols
        rec: dict = {}
        bad = False

        def problem(column: str | None, message: str, _row: int = excel_row, _labels: dict = item.labels) -> None:
            nonlocal bad
            bad = True
            label = (_labels.get(column) or HEADER_LABEL.get(column, column)) if column else None
            problems.append(Problem(sheet, _row, label, message))

        year_text = _cell(row, cols, "year")
        try:
            year = parse_count(year_text)
        except ValueError:
            year = None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            problem("year", f"Năm “{year_text}” không hợp lệ; ghi năm từ {YEAR_RANGE[0]} đến {YEAR_RANGE[1]}.")
        ind_text = item.indicator or _cell(row, cols, "indicator")
        ind = reg.resolve_alias(ind_text) if ind_text else None
        if ind is None:
            problem("indicator", f"Không có chỉ tiêu “{ind_text}”. Dùng mã hoặc tên chỉ tiêu, ví dụ: gia_dinh, “Gia đình học tập”, “Đơn vị học tập”.")
        for cid in ("total", "registered", "recognized", *LEVEL_COLUMNS):
            text = _cell(row, cols, cid)
            try:
                value = parse_count(text)
            except ValueError:
                problem(cid, f"“{text}” không phải số nguyên; ghi số đếm, ví dụ 1.234.")
                continue
            if value is not None and value < 0:
                problem(cid, f"Số âm ({value}); số đếm phải từ 0 trở lên.")
            elif value is not None and value > MAX_COUNT:  # would overflow the store's BIGINT
                problem(cid, f"Số “{text}” quá lớn; số đếm phải nhỏ hơn 1.000.000.000.")
                continue
            rec[cid] = value
        if rec.get("recognized") is None and not bad:
            problem("recognized", "Thiếu số được công nhận: điền số đơn vị/người được công nhận (ghi 0 nếu không có).")
        tot, regd, recg = rec.get("total"), rec.get("registered"), rec.get("recognized")
        fix = "số công nhận không thể vượt số đăng ký, số đăng ký không thể vượt tổng số; kiểm tra lại các cột này"
        if not bad and recg is not None and regd is not None and recg > regd:
            problem("recognized", f"Số công nhận ({recg}) lớn hơn số đăng ký ({regd}): {fix}.")
        if not bad and regd is not None and tot is not None and regd > tot:
            problem("registered", f"Số đăng ký ({regd}) lớn hơn tổng số ({tot}): {fix}.")
        if not bad and recg is not None and tot is not None and recg > tot:
            problem("recognized", f"Số công nhận ({recg}) lớn hơn tổng số ({tot}): {fix}.")
        level_sum = sum(rec.get(c) or 0 for c in LEVEL_COLUMNS)
        if not bad and recg is not None and level_sum > recg:
            problem("level_tot", f"Tổng các mức xếp loại ({level_sum}) lớn hơn số công nhận ({recg}): số đơn vị xếp loại Tốt, Khá, Trung bình (hoặc Mức độ 1, 2) cộng lại không được vượt số công nhận.")
        if bad:
            continue
        assert year is not None and ind is not None
        commune_text = _cell(row, cols, "commune")
        district_text = _cell(row, cols, "district")
        province_text = _cell(row, cols, "province")
        code_text = _cell(row, cols, "code")
        memo_key = (code_text, commune_text, district_text, province_text, year)
        if memo_key in resolved:
            res, column = resolved[memo_key]  # type: ignore[misc]
        elif code_text or commune_text:
            res = index.resolve(commune_text, year=year, district=district_text or None, province=province_text or None,
                                code=code_text or None, levels=frozenset({"commune", "old_commune"}))
            column = "code" if code_text else "commune"
        elif district_text:
            res = index.resolve(district_text, year=year, province=province_text or None, levels=frozenset({"old_district"}))
            column = "district"
        elif province_text:
            res = index.resolve(province_text, year=year, levels=frozenset({"province", "old_province", "country"}))
            column = "province"
        else:
            problem("commune", "Chưa ghi địa bàn: điền Xã (hoặc Mã xã), hoặc Huyện, hoặc Tỉnh.")
            continue
        resolved[memo_key] = (res, column)
        if not res.ok or res.locality is None:
            cands = "; ".join(c.label for c in res.candidates[:5])
            problem(column, res.message + (f" Có thể là: {cands}." if cands else ""))
            continue
        loc_id = res.locality.id
        dup_key = (loc_id, year, ind.id)
        if dup_key in seen:
            problem("commune", f"Trùng với dòng {seen[dup_key]} (cùng địa bàn, năm, chỉ tiêu). Xóa một trong hai dòng.")
            continue
        seen[dup_key] = excel_row
        from_register = False
        if tot is None and ind.id == "cong_dong_xa" and res.locality.level in ("province", "old_province", "old_district"):
            if loc_id not in communes_in:
                child = "old_commune" if res.locality.level == "old_district" else ("commune" if res.locality.level == "province" else "old_commune")
                column_name = "parent_id" if res.locality.level == "old_district" else ("province_id" if res.locality.level == "province" else "old_province_id")
                row_ = first_row(con, f"SELECT count(*) FROM localities WHERE level = ? AND {column_name} = ?", [child, loc_id])
                communes_in[loc_id] = int(row_[0]) if row_ else 0
            rec["total"] = communes_in[loc_id]
            from_register = True
            notes.append(f"Dòng {excel_row}: tổng số xã của {res.locality.name} lấy từ danh mục ({communes_in[loc_id]} xã).")
        records.append({
            "locality_id": loc_id,
            "year": year,
            "indicator": ind.id,
            **{c: rec.get(c) for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)},
            "total_from_register": from_register,
            "source": _cell(row, cols, "source") or None,
            "_row": excel_row,
            "_locality": res.locality.label,
        })
    schema = {"locality_id": pl.String, "year": pl.Int32, "indicator": pl.String,
              **{c: pl.Int64 for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)},
              "total_from_register": pl.Boolean, "source": pl.String, "_row": pl.Int64, "_locality": pl.String}
    if not records and not problems:
        problems.append(Problem(sheet, None, None, "Bảng không có dòng số liệu nào dưới dòng tiêu đề."))
    return Parsed("results", sheet, pl.DataFrame(records, schema=schema), problems, notes)


def _wide_rows(header_idx: int, body: list[list[object]], cols: dict[str, int],
               wide_columns: dict[str, dict[str, tuple[int, str]]], notes: list[str]) -> list[ResultRow]:
    """Wide form: one row per locality and year, (total, registered, recognized …) per model.
    Each filled group of a row becomes one figure; empty groups are skipped."""
    out = []
    for offset, row in enumerate(body):
        excel_row = header_idx + offset + 2
        if all(cell_text(c) == "" for c in row):
            continue
        if _is_totals_row(row):
            notes.append(f"Bỏ qua dòng tổng cộng (dòng {excel_row}).")
            continue
        for indicator, fields in wide_columns.items():
            if all(cell_text(row[i]) == "" for i, _ in fields.values() if i < len(row)):
                continue
            item_cols = dict(cols)
            item_cols.update({cid: i for cid, (i, _) in fields.items()})
            labels = {cid: label for cid, (_, label) in fields.items()}
            out.append(ResultRow(excel_row, row, item_cols, labels, indicator))
    return out


def _parse_targets(index, sheet, header_idx, body, cols) -> Parsed:  # noqa: ANN001
    reg = registry()
    problems: list[Problem] = []
    records: list[dict] = []
    seen: dict[tuple, int] = {}
    for offset, row in enumerate(body):
        excel_row = header_idx + offset + 2
        if all(cell_text(c) == "" for c in row) or _is_totals_row(row):
            continue
        errs: list[Problem] = []
        year_text = _cell(row, cols, "year")
        try:
            year = parse_count(year_text)
        except ValueError:
            year = None
        if year is None or not TARGET_YEAR_RANGE[0] <= year <= TARGET_YEAR_RANGE[1]:
            errs.append(Problem(sheet, excel_row, "Năm", f"Năm mục tiêu “{year_text}” không hợp lệ; ghi năm từ {TARGET_YEAR_RANGE[0]} đến {TARGET_YEAR_RANGE[1]}."))
        ind_text = _cell(row, cols, "indicator")
        ind = reg.resolve_alias(ind_text) if ind_text else None
        if ind is None:
            errs.append(Problem(sheet, excel_row, "Chỉ tiêu", f"Không có chỉ tiêu “{ind_text}”. Dùng mã hoặc tên chỉ tiêu, ví dụ gia_dinh."))
        pct_text = _cell(row, cols, "percent")
        try:
            pct = parse_percent(pct_text)
        except ValueError:
            pct = None
        if pct is None or not 0 <= pct <= 100:
            errs.append(Problem(sheet, excel_row, "Mục tiêu (%)", f"Mục tiêu “{pct_text}” phải là tỷ lệ từ 0 đến 100, ví dụ 85,5."))
        source = _cell(row, cols, "source")
        if not source:
            errs.append(Problem(sheet, excel_row, "Nguồn", "Thiếu nguồn: ghi văn bản đặt ra mục tiêu (số, ngày, cơ quan ban hành)."))
        place = _cell(row, cols, "place")
        res = index.resolve(place, year=max(year or 2025, 2025), province=_cell(row, cols, "province") or None,
                            levels=frozenset({"country", "province", "commune"}))
        if not res.ok or res.locality is None:
            cands = "; ".join(c.label for c in res.candidates[:5])
            errs.append(Problem(sheet, excel_row, "Địa bàn", res.message + (f" Có thể là: {cands}." if cands else "")))
        if errs:
            problems.extend(errs)
            continue
        assert ind is not None and res.locality is not None
        k = (res.locality.id, ind.id, year)
        if k in seen:
            problems.append(Problem(sheet, excel_row, "Địa bàn", f"Trùng với dòng {seen[k]} (cùng địa bàn, chỉ tiêu, năm). Xóa một trong hai dòng."))
            continue
        seen[k] = excel_row
        records.append({"locality_id": res.locality.id, "indicator": ind.id, "target_year": year, "percent": pct,
                        "source": source, "confirmed": True, "_row": excel_row, "_locality": res.locality.label})
    schema = {"locality_id": pl.String, "indicator": pl.String, "target_year": pl.Int32, "percent": pl.Float64,
              "source": pl.String, "confirmed": pl.Boolean, "_row": pl.Int64, "_locality": pl.String}
    if not records and not problems:
        problems.append(Problem(sheet, None, None, "Bảng không có dòng mục tiêu nào dưới dòng tiêu đề."))
    return Parsed("targets", sheet, pl.DataFrame(records, schema=schema), problems, [])


# ---------------------------------------------------------------------------------------------
# Diff and write
# ---------------------------------------------------------------------------------------------


def _diff(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> pl.DataFrame:
    if parsed.kind == "results":
        keys = ["locality_id", "year", "indicator"]
        values = ["total", "registered", "recognized", *LEVEL_COLUMNS]
        current = query_frame(con, f"SELECT {', '.join(keys + values)} FROM observations_current")
    else:
        keys = ["locality_id", "indicator", "target_year"]
        values = ["percent"]
        current = query_frame(con, f"SELECT {', '.join(keys + values)} FROM targets_current")
    current = current.rename({v: f"{v}_old" for v in values}).with_columns(pl.lit(True).alias("_exists"))
    incoming = parsed.frame.join(current.cast({k: parsed.frame.schema[k] for k in keys}), on=keys, how="left")
    same = pl.all_horizontal([pl.col(v).eq_missing(pl.col(f"{v}_old")) for v in values])
    return incoming.with_columns(
        pl.when(pl.col("_exists").is_null()).then(pl.lit("new")).when(same).then(pl.lit("unchanged")).otherwise(pl.lit("changed")).alias("change")
    )


def check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sheet: str | None = None,
    data: bytes | None = None,
    index: LocalityIndex | None = None,
    allowed_provinces: Sequence[str] | None = None,
) -> ImportResult:
    """Read and check a file against a store (any reader: a copy in memory will do) and say what
    it would change. Status "dry_run", or "refused" with every problem; nothing is written.

    `allowed_provinces` (official codes) limits an editor to their provinces; None: no limit."""
    try:
        sheets = read_workbook(path, data)
    except ImportRefused as exc:
        return ImportResult("refused", problems=exc.problems)
    if sheet is not None:
        names = [s for s, _ in sheets]
        chosen = [s for s in sheets if s[0] == sheet]
        if not chosen:
            return ImportResult("refused", problems=[Problem(sheet, None, None, f"Không có trang “{sheet}” trong tệp. Các trang: {', '.join(names)}.")])
        sheets = chosen
    index = index or LocalityIndex.from_store(con)
    parsed: Parsed | None = None
    first_problems: list[Problem] = []
    for name, rows in sheets:
        attempt = parse_sheet(con, index, name, rows)
        if attempt.kind:
            parsed = attempt
            break
        first_problems = first_problems or attempt.problems
    if parsed is None:
        return ImportResult("refused", problems=first_problems)
    if allowed_provinces is not None and parsed.frame.height:
        parsed.problems.extend(_outside_provinces(con, parsed, set(allowed_provinces)))
    if parsed.problems:
        return ImportResult("refused", kind=parsed.kind, sheet=parsed.sheet, rows=parsed.frame.height + len(parsed.problems), problems=parsed.problems, notes=parsed.notes)
    result = ImportResult("dry_run", kind=parsed.kind, sheet=parsed.sheet, notes=parsed.notes, parsed=parsed,
                          file_name=path.name, file_sha256=file_sha256(path) if data is None else hashlib.sha256(data).hexdigest())
    _count_changes(con, result)
    assert result.file_sha256 is not None
    earlier = previously_imported(con, result.file_sha256)
    if earlier:
        result.notes.append(f"Tệp có nội dung giống hệt tệp đã nhập ở lô {', '.join(map(str, earlier))}.")
    return result


def _count_changes(con: duckdb.DuckDBPyConnection, result: ImportResult) -> None:
    assert result.parsed is not None
    diff = _diff(con, result.parsed)
    counts = {k: int(diff.filter(pl.col("change") == k).height) for k in ("new", "changed", "unchanged")}
    result.rows, result.preview = diff.height, diff
    result.new, result.changed, result.unchanged = counts["new"], counts["changed"], counts["unchanged"]


NOTHING_NEW = "Mọi số liệu trong tệp đã có trong kho, không có gì thay đổi: không tạo lô mới."


def write_checked(con: duckdb.DuckDBPyConnection, result: ImportResult, *, user: str | None = None) -> ImportResult:
    """Write a checked file as one batch, inside the writer's transaction (metrics.backend.writing).

    The changes are counted again against the store as it is now, under the write lock: a file
    another writer landed meanwhile is not written twice."""
    parsed = result.parsed
    assert parsed is not None and result.status == "dry_run", "write_checked takes the result of check_file"
    _count_changes(con, result)
    result.status = "imported"
    if result.new == 0 and result.changed == 0:
        result.notes.append(NOTHING_NEW)
        return result
    info = BatchInfo(kind="import", synthetic=False, created_by=user, file_name=result.file_name,
                     file_sha256=result.file_sha256,
                     note=f"{'Kết quả' if parsed.kind == 'results' else 'Mục tiêu'} — trang {parsed.sheet}")
    if parsed.kind == "results":
        result.batch = write_batch(con, info, observations=parsed.frame)
    else:
        result.batch = write_batch(con, info, targets=parsed.frame)
    return result


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
    data: bytes | None = None,
    index: LocalityIndex | None = None,
    allowed_provinces: Sequence[str] | None = None,
) -> ImportResult:
    """Check a file and (unless dry_run) write it as one batch through one read-write connection
    (tests, one-process tools). A refused file writes nothing. Processes that share a store use
    check_file on their copy, then write_checked under metrics.backend.writing."""
    result = check_file(con, path, sheet=sheet, data=data, index=index, allowed_provinces=allowed_provinces)
    if result.status == "refused" or dry_run:
        return result
    with transaction(con):
        return write_checked(con, result, user=user)


def _outside_provinces(con: duckdb.DuckDBPyConnection, parsed: Parsed, allowed: set[str]) -> list[Problem]:
    ids = parsed.frame["locality_id"].unique().to_list()
    owners = query_frame(
        con,
        """SELECT l.id, p.code, p.name FROM localities l LEFT JOIN localities p ON p.id = l.province_id
           WHERE l.id IN (SELECT unnest(?::TEXT[]))""",
        [ids],
    )
    province_of = {r["id"]: (r["code"], r["name"]) for r in owners.iter_rows(named=True)}
    allowed_text = ", ".join(sorted(allowed)) or "không tỉnh nào"
    problems = []
    for row in parsed.frame.iter_rows(named=True):
        code, name = province_of.get(row["locality_id"], (None, None))
        if code not in allowed:
            where = name or "cả nước"
            problems.append(Problem(parsed.sheet, row["_row"], None,
                                    f"Tài khoản chỉ được nhập số liệu của tỉnh có mã {allowed_text}; dòng này thuộc {where}. "
                                    "Xóa dòng này hoặc nhờ quản trị viên nhập."))
    return problems


def previously_imported(con: duckdb.DuckDBPyConnection, sha256: str) -> list[int]:
    """Active batches that came from a file with the same content."""
    return [int(r[0]) for r in con.execute("SELECT id FROM batches WHERE file_sha256 = ? AND status = 'active' ORDER BY id", [sha256]).fetchall()]
