"""Reading a file's bytes into sheets of cells: Excel (.xlsx, .xls) told by content, not by name,
and CSV in UTF-8, UTF-16, Windows-1258 or the bytes of a legacy font."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from metrics.inputs.layouts import find_table
from metrics.inputs.problems import ImportRefused, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024

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
                    f"Tệp quá lớn ({len(raw) // (1024 * 1024)} MB); giới hạn là {MAX_FILE_BYTES // (1024 * 1024)} MB. Tách tệp theo tỉnh hoặc theo năm.",
                )
            ]
        )
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_excel(name, raw)
    return [(name, _read_csv(name, raw))]


def _read_excel(name: str, raw: bytes) -> list[Sheet]:
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
            frame = reader.load_sheet_by_name(
                sheet_name, header_row=None, dtypes="string"
            ).to_polars()
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
        rows = [list(r) for r in frame.iter_rows()]
        sheets.append((sheet_name, rows))
    return sheets


def _read_csv(name: str, raw: bytes) -> list[list[object]]:
    not_a_table = Problem(
        name, None, None, "Tệp không phải bảng tính (Excel hoặc CSV). Chọn tệp .xlsx hoặc .csv."
    )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused([not_a_table])
    try:
        return _decode_csv(raw)
    except (
        UnicodeDecodeError,
        csv.Error,
    ) as exc:  # truncated UTF-16; a "field" longer than csv allows
        raise ImportRefused([not_a_table]) from exc


def _decode_csv(raw: bytes) -> list[list[object]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _csv_rows(raw.decode("utf-16"))
    try:
        return _csv_rows(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Excel on Vietnamese Windows saves CSV in Windows-1258; files typed with the
    # TCVN3 or VNI fonts hold Windows-1252 bytes (read as Latin-1, converted once the sheet's
    # encoding is known). Windows-1258 is kept when a table is found under it.
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
