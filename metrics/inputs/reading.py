"""Reading a file's bytes into sheets of cells: Excel (.xlsx, .xls) told by content, not by name,
and CSV in UTF-8, UTF-16, Windows-1258 or the bytes of a legacy font. A file past the limits of
metrics.inputs.limits is refused before it is parsed (an .xlsx) or as soon as the parse passes
them (a CSV), so memory stays bounded whatever the file holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from metrics.fmt import fmt_int
from metrics.inputs.cells import FormulaWithoutValue
from metrics.inputs.layouts import find_table
from metrics.inputs.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_SHEET_ROWS,
    SheetScan,
    refuse,
    scan_xlsx,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from metrics.inputs.problems import ImportRefused, Problem

Sheet = tuple[str, list[list[object]]]


def read_workbook(path: Path, data: bytes | None = None) -> list[Sheet]:
    """All sheets of a file as rows of cells; the format is told by content, not by name."""
    raw = data if data is not None else path.read_bytes()
    name = path.name
    if not raw or not raw.strip():
        raise ImportRefused(
            [Problem(name, None, None, "Tệp rỗng: không có dòng nào. Chọn đúng tệp số liệu.")]
        )
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"Tệp quá lớn ({fmt_int(len(raw) // (1024 * 1024))} MB); giới hạn là {MAX_FILE_BYTES // (1024 * 1024)} MB. Tách tệp theo tỉnh hoặc theo năm.",
                )
            ]
        )
    if raw[:4] == b"PK\x03\x04":
        # Sizes and formulas from the zip itself, before anything is unpacked in full.
        return _read_excel(name, raw, scan_xlsx(name, raw))
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_excel(name, raw, None)
    return [(name, _read_csv(name, raw))]


def _read_excel(name: str, raw: bytes, scans: dict[str, SheetScan] | None) -> list[Sheet]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
    except Exception as exc:  # fastexcel raises its own error types per format problem
        raise ImportRefused(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"Không đọc được tệp Excel ({exc.__class__.__name__}). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
                )
            ]
        ) from exc
    sheets: list[Sheet] = []
    for sheet_name in reader.sheet_names:
        try:
            # skip_rows=0: row i of the frame is the sheet's row i + 1, leading empty rows kept.
            loaded = reader.load_sheet_by_name(
                sheet_name, header_row=None, dtypes="string", skip_rows=0
            )
            columns = loaded.available_columns()
            first_column = columns[0].absolute_index if columns else 0
            frame = loaded.to_polars()
            del loaded
        except Exception as exc:
            raise ImportRefused(
                [
                    Problem(
                        sheet_name,
                        None,
                        None,
                        f"Không đọc được trang này ({exc.__class__.__name__}).",
                    )
                ]
            ) from exc
        rows: list[list[object]] = [list(r) for r in frame.iter_rows()]
        del frame
        scan = scans.get(sheet_name) if scans else None
        if scan is not None:
            _mark_unsaved_formulas(rows, scan, first_column)
        sheets.append((sheet_name, rows))
    return sheets


def _mark_unsaved_formulas(rows: list[list[object]], scan: SheetScan, first_column: int) -> None:
    """Put a FormulaWithoutValue where the file holds a formula but no value: the reader left
    the cell blank (or out of the table, when it is the last row or column)."""
    for f in scan.unsaved_formulas:
        r, c = f.row - 1, f.column - 1 - first_column
        if c < 0:
            continue  # left of every cell the reader kept: no table column lies there
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = FormulaWithoutValue(f.ref, f.formula)


def _read_csv(name: str, raw: bytes) -> list[list[object]]:
    not_a_table = Problem(
        name, None, None, "Tệp không phải bảng tính (Excel hoặc CSV). Chọn tệp .xlsx hoặc .csv."
    )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused([not_a_table])
    try:
        return _decode_csv(name, raw)
    except (UnicodeDecodeError, csv.Error) as exc:  # truncated UTF-16; no CSV at all
        raise ImportRefused([not_a_table]) from exc


def _decode_csv(name: str, raw: bytes) -> list[list[object]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _csv_rows(name, raw.decode("utf-16"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return _csv_rows(name, text)
    # Not UTF-8: Excel on Vietnamese Windows saves CSV in Windows-1258; files typed with the
    # TCVN3 or VNI fonts hold Windows-1252 bytes (read as Latin-1, converted once the sheet's
    # encoding is known). Windows-1258 is kept when a table is found under it.
    rows = _csv_rows(name, raw.decode("cp1258", errors="replace"))
    if find_table(rows) is not None:
        return rows
    del rows
    return _csv_rows(name, raw.decode("latin-1"))


def _csv_rows(name: str, text: str) -> list[list[object]]:
    """The rows of a CSV text, read one at a time and refused as soon as they pass the limits
    (rows, columns of a line, cells, characters of a field)."""
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text), start=1):
            if line.count(delimiter) >= MAX_COLUMNS:
                raise too_many_columns(name, line.count(delimiter) + 1, number)
            yield line

    rows: list[list[object]] = []
    cells = width = 0
    reader = csv.reader(lines(), delimiter=delimiter)
    started = 1  # the line the row being read starts on
    try:
        for row in reader:
            started = reader.line_num + 1
            rows.append(row)  # type: ignore[arg-type]  # list[str] is a list of cells
            cells += len(row)
            width = max(width, len(row))
            if len(rows) > MAX_SHEET_ROWS:
                raise too_many_rows(name, max(len(rows), text.count("\n")))
            if cells > MAX_CELLS:
                raise too_many_cells(name, len(rows), width, cells)
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise
        raise refuse(
            name,
            f"Có một ô dài hơn {fmt_int(MAX_CELL_CHARS)} ký tự, quá giới hạn của một ô CSV. "
            'Thường do một dấu ngoặc kép (") mở mà không đóng, khiến phần sau của tệp bị đọc '
            "thành một ô. Sửa dấu ngoặc kép ở dòng này (hoặc mở tệp bằng Excel và lưu lại dạng "
            "CSV UTF-8) rồi thử lại.",
            started,
        ) from exc
    return rows
