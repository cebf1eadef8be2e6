"""What a file may hold, checked before it is parsed: a 10 MB .xlsx can unpack to gigabytes
(its sheets are zip-compressed XML), and a CSV of short lines can hold millions of rows. Past a
limit the file is refused with what is wrong, the limit and how to fix it, and nothing larger
than a chunk of it is ever held in memory.

For .xlsx, each zip member's declared size and compression ratio are checked, then every member
is read through a bounded stream (zipfile stops at the declared size and checks the CRC, so a
member that lies about its size is refused, not trusted) and each worksheet's rows, columns and
cells are counted from its XML as it streams — the count stops at the first limit passed.
The same pass finds formulas saved without their value (files written by programs, not Excel),
which a reader would otherwise take for blank cells.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from metrics.fmt import fmt_int
from metrics.inputs.problems import ImportRefused, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000  # rows of figures under the header row
TITLE_ROWS = 30  # rows above the header (title rows) a sheet may hold besides MAX_ROWS
MAX_SHEET_ROWS = MAX_ROWS + TITLE_ROWS
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000  # rows × columns of a sheet's used range (e.g. 200.000 rows × 20 columns)
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a workbook's XML, all members together, unpacked
MAX_RATIO = 100  # unpacked : packed, for a member larger than RATIO_FROM_BYTES unpacked
RATIO_FROM_BYTES = 10 * 1024 * 1024
MAX_CELL_CHARS = 131_072  # one CSV field (Python's csv limit); Excel's own limit is 32.767
_CHUNK = 1024 * 1024
_MAX_ROW_BYTES = 32 * 1024 * 1024  # one row's XML (256 cells of 32.767 characters fit well)

SPLIT_FIX = "Tách thành nhiều tệp (ví dụ theo tỉnh hoặc theo năm)"
EMPTY_ROWS_FIX = (
    "Nếu bảng thật ít dòng hơn, trang còn nhiều dòng trống đã được định dạng: chọn các dòng "
    "trống dưới bảng (Ctrl+Shift+↓), bấm chuột phải → Xóa, lưu lại rồi tải lên lại"
)
EMPTY_COLUMNS_FIX = (
    "Nếu bảng thật ít cột hơn, trang còn nhiều cột trống đã được định dạng: chọn các cột trống "
    "bên phải bảng (Ctrl+Shift+→), bấm chuột phải → Xóa, lưu lại rồi tải lên lại"
)
RESAVE_FIX = "Mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại."


def mb(size: int) -> str:
    return fmt_int(max(1, round(size / (1024 * 1024))))


def refuse(where: str, message: str, row: int | None = None) -> ImportRefused:
    return ImportRefused([Problem(where, row, None, message)])


def too_many_rows(where: str, rows: int) -> ImportRefused:
    return refuse(
        where,
        f"Trang có {fmt_int(rows)} dòng, quá giới hạn {fmt_int(MAX_ROWS)} dòng số liệu "
        f"(cộng {TITLE_ROWS} dòng tiêu đề). {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
    )


def too_many_columns(where: str, columns: int, row: int | None = None) -> ImportRefused:
    return refuse(
        where,
        f"Trang có {fmt_int(columns)} cột, quá giới hạn {fmt_int(MAX_COLUMNS)} cột. {EMPTY_COLUMNS_FIX}.",
        row,
    )


def too_many_cells(where: str, rows: int, columns: int, cells: int) -> ImportRefused:
    return refuse(
        where,
        f"Trang có {fmt_int(cells)} ô ({fmt_int(rows)} dòng × {fmt_int(columns)} cột), quá giới "
        f"hạn {fmt_int(MAX_CELLS)} ô. {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
    )


# -- .xlsx ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell saved without its value: row and column as Excel numbers them (1-based)."""

    row: int
    column: int
    formula: str

    @property
    def ref(self) -> str:
        return column_letters(self.column) + str(self.row)


@dataclass
class SheetScan:
    rows: int = 0  # the last row number
    columns: int = 0  # the widest row (last column number)
    cells: int = 0  # cell elements
    unsaved_formulas: list[UnsavedFormula] = field(default_factory=list)


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class _Budget:
    """The unpacked bytes read so far, against MAX_UNPACKED_BYTES."""

    def __init__(self, where: str, packed: int):
        self.where, self.packed, self.used = where, packed, 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > MAX_UNPACKED_BYTES:
            raise unpacked_too_large(self.where, self.used, self.packed)


def unpacked_too_large(where: str, unpacked: int, packed: int) -> ImportRefused:
    return refuse(
        where,
        f"Tệp Excel khi giải nén lớn hơn {mb(unpacked)} MB (tệp nén chỉ {mb(packed)} MB), quá giới "
        f"hạn {mb(MAX_UNPACKED_BYTES)} MB: trang tính có quá nhiều ô. {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
    )


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its zip member, from xl/workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    out: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if target:
            member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            out[sheet.get("name", "")] = posixpath.normpath(member)
    return out


def scan_xlsx(name: str, raw: bytes) -> dict[str, SheetScan] | None:
    """Each worksheet's size and unsaved formulas, or ImportRefused past a limit; None when the
    bytes are no zip archive Python can open (the Excel reader then says what it finds)."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNPACKED_BYTES:
            raise unpacked_too_large(name, declared, len(raw))
        members = _sheet_members(zf)
        sheet_of = {member: sheet for sheet, member in members.items()}
        for info in infos:
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                where = sheet_of.get(info.filename, name)
                raise refuse(
                    where,
                    f"Tệp Excel nén bất thường: phần “{info.filename}” giải nén ra {mb(info.file_size)} MB, "
                    f"gấp {fmt_int(ratio)} lần khi nén (giới hạn {MAX_RATIO} lần) — trang tính chứa "
                    f"rất nhiều ô hoặc dòng giống hệt nhau. {EMPTY_ROWS_FIX}. {SPLIT_FIX}.",
                )
        budget = _Budget(name, len(raw))
        scans: dict[str, SheetScan] = {}
        try:
            for info in infos:
                if info.is_dir():
                    continue
                sheet = sheet_of.get(info.filename)
                with zf.open(info) as stream:
                    if sheet is None:
                        while chunk := stream.read(_CHUNK):
                            budget.take(len(chunk))
                    else:
                        scans[sheet] = _scan_sheet(sheet, stream, budget)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise refuse(
                name,
                f"Không đọc được tệp Excel: tệp nén bị hỏng hoặc khai báo sai kích thước "
                f"({exc.__class__.__name__}). {RESAVE_FIX}",
            ) from exc
        return scans


_ATTR_R = re.compile(rb'\br="([A-Z]{0,3})(\d+)"')
_ROW_R = re.compile(rb'\br="(\d+)"')


def _tokens(prefix: bytes) -> tuple[re.Pattern[bytes], bytes, bytes, bytes]:
    p = re.escape(prefix)
    row = re.compile(rb"<" + p + rb"row\b([^>]*)>")
    return row, b"<" + prefix + b"c ", b"<" + prefix + b"c>", b"<" + prefix + b"f"


def _scan_sheet(sheet: str, stream, budget: _Budget) -> SheetScan:  # noqa: ANN001
    """Rows, columns and cells of one worksheet's XML, counted chunk by chunk (complete rows only;
    the unfinished last row is carried to the next chunk). Stops at the first limit passed."""
    scan = SheetScan()
    carry = b""
    prefix: bytes | None = None
    tokens = _tokens(b"")
    while True:
        chunk = stream.read(_CHUNK)
        budget.take(len(chunk))
        data = carry + chunk
        if prefix is None:
            found = re.search(rb"<([\w.-]+:)?sheetData\b", data)
            if found is None and chunk and len(data) < _MAX_ROW_BYTES:
                carry = data
                continue
            prefix = (found.group(1) or b"") if found else b""
            tokens = _tokens(prefix)
        if chunk:
            last = data.rfind(b"<" + prefix + b"row")
            if last == 0:  # one unfinished row: read on
                carry = data
                if len(carry) > _MAX_ROW_BYTES:
                    raise too_many_columns(sheet, scan.columns, scan.rows + 1)
                continue
            cut = last if last > 0 else len(data)
            data, carry = data[:cut], data[cut:]
        _count_rows(sheet, data, tokens, scan)
        if not chunk:
            return scan
        del data


def _count_rows(
    sheet: str, data: bytes, tokens: tuple[re.Pattern[bytes], bytes, bytes, bytes], scan: SheetScan
) -> None:
    row_re, cell_a, cell_b, formula = tokens
    starts = list(row_re.finditer(data))
    for i, m in enumerate(starts):
        begin = m.end()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        numbered = _ROW_R.search(m.group(1))
        scan.rows = int(numbered.group(1)) if numbered else scan.rows + 1
        cells = data.count(cell_a, begin, end) + data.count(cell_b, begin, end)
        scan.cells += cells
        width = cells
        last_ref = _last_cell_ref(data, begin, end, cell_a)
        if last_ref:
            width = max(width, _column_number(last_ref))
        scan.columns = max(scan.columns, width)
        if scan.rows > MAX_SHEET_ROWS:
            raise too_many_rows(sheet, scan.rows)
        if scan.columns > MAX_COLUMNS:
            raise too_many_columns(sheet, scan.columns, scan.rows)
        if scan.cells > MAX_CELLS or scan.rows * scan.columns > MAX_CELLS:
            raise too_many_cells(
                sheet, scan.rows, scan.columns, max(scan.cells, scan.rows * scan.columns)
            )
        if data.find(formula, begin, end) != -1:
            scan.unsaved_formulas.extend(_unsaved_formulas(data, begin, end, scan.rows, tokens))


def _last_cell_ref(data: bytes, begin: int, end: int, cell_a: bytes) -> bytes | None:
    """The column letters of the row's last cell (cells come in column order)."""
    at = data.rfind(cell_a, begin, end)
    if at == -1:
        return None
    close = data.find(b">", at, end)
    found = _ATTR_R.search(data, at, close if close != -1 else end)
    return found.group(1) if found and found.group(1) else None


def _cells(
    data: bytes, begin: int, end: int, tokens: tuple[re.Pattern[bytes], bytes, bytes, bytes]
) -> Iterator[tuple[int, bytes, bytes]]:
    """(column number, attributes, content) of each cell of a row."""
    _, cell_a, cell_b, _ = tokens
    prefix = cell_a[1:-2]
    close_tag = b"</" + prefix + b"c>"
    pos, column = begin, 0
    while True:
        a, b = data.find(cell_a, pos, end), data.find(cell_b, pos, end)
        at = min(x for x in (a, b) if x != -1) if a != -1 or b != -1 else -1
        if at == -1:
            return
        tag_end = data.find(b">", at, end)
        if tag_end == -1:
            return
        attrs = data[at + len(cell_a) - 1 : tag_end]
        ref = _ATTR_R.search(attrs)
        column = _column_number(ref.group(1)) if ref and ref.group(1) else column + 1
        if attrs.endswith(b"/"):
            yield column, attrs, b""
            pos = tag_end + 1
            continue
        stop = data.find(close_tag, tag_end, end)
        stop = end if stop == -1 else stop
        yield column, attrs, data[tag_end + 1 : stop]
        pos = stop + len(close_tag)


def _unsaved_formulas(
    data: bytes,
    begin: int,
    end: int,
    row: int,
    tokens: tuple[re.Pattern[bytes], bytes, bytes, bytes],
) -> list[UnsavedFormula]:
    prefix = tokens[1][1:-2]
    p = re.escape(prefix)
    formula_re = re.compile(rb"<" + p + rb"f\b[^>]*?(?:/>|>(.*?)</" + p + rb"f>)", re.S)
    value_re = re.compile(rb"<" + p + rb"v>\s*[^<\s]|<" + p + rb"is>", re.S)
    out = []
    for column, attrs, content in _cells(data, begin, end, tokens):
        found = formula_re.search(content)
        # A formula whose value is text saves it with t="str", even when the text is empty.
        if found is None or value_re.search(content) or b't="str"' in attrs:
            continue
        text = _xml_text(found.group(1) or b"")
        out.append(UnsavedFormula(row, column, f"={text}" if text else ""))
    return out


def _xml_text(raw: bytes) -> str:
    try:
        return ElementTree.fromstring(b"<f>" + raw + b"</f>").text or ""
    except ElementTree.ParseError:
        return raw.decode("utf-8", errors="replace")
