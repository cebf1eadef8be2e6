"""Opening a store and the primitives the store modules share: StoreError, connect, check_store,
transaction, query_frame.

The same SQL runs on a DuckDB file and, through DuckDB's postgres extension, on PostgreSQL.
Processes that share a store open it through metrics.store.backend (either kind); `connect` opens a
DuckDB file directly. The schema is in metrics.store.schema, the writes in metrics.store.writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from metrics.store.schema import SCHEMA_VERSION


class StoreError(Exception):
    """A store that is missing, of another version, or not a store at all."""


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> tuple | None:
    """The first row of a query, with the result read to the end: DuckDB 2.0 refuses further
    work on a connection whose previous result was left unfinished (fetchone alone does that)."""
    rows = con.execute(sql, list(params) if params is not None else []).fetchall()
    return rows[0] if rows else None


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> pl.DataFrame:
    """The one way the core reads the store: bound parameters in, a polars frame out."""
    # Through the Arrow C stream: polars reads DuckDB's result without pyarrow, whose import
    # (~0,4 s) a one-shot command would otherwise pay.
    return pl.DataFrame(con.sql(sql, params=list(params) if params is not None else None))


def warm_reading() -> None:
    """Pay, outside any lock, what a process's first query_frame costs beside the query: DuckDB
    imports pandas when it first binds parameters, and the first Arrow conversion its own
    libraries (seconds on a busy machine). A short CLI write calls it before taking the write
    lock, so the time it holds the lock follows its writing."""
    con = open_duckdb(":memory:")
    try:
        query_frame(con, "SELECT ? AS warm", ["x"])
    finally:
        con.close()


# No extension is fetched or loaded behind our back (nothing may reach the network).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def open_duckdb(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with our settings (":memory:" for an in-memory database)."""
    con = duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG))
    # DuckDB draws a progress bar on standard output for queries over two seconds (a loaded
    # machine copying a national store), which corrupts `--json` output. Cursors inherit this.
    con.execute("SET enable_progress_bar = false")
    return con


SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at byte 8 of every DuckDB database file


def not_a_store_file(path: Path) -> str | None:
    """Why an existing file cannot be a store, read from its first bytes (None: it may be one).
    DuckDB's own answer is English and, for a SQLite file, names an extension's path."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None  # DuckDB's open says what is wrong (opening_error)
    if not head:
        return None  # an empty file: DuckDB makes a new database in it
    if head.startswith(SQLITE_MAGIC):
        return (
            f"Tệp {path} là cơ sở dữ liệu SQLite, không phải tệp kho dữ liệu (DuckDB). "
            "Kiểm tra --db hoặc biến môi trường XHHT_DB."
        )
    if head[8:12] != DUCKDB_MAGIC:
        return (
            f"Tệp {path} không phải tệp kho dữ liệu (không phải tệp DuckDB). "
            "Kiểm tra --db hoặc biến môi trường XHHT_DB; tạo kho mới bằng `xhht init --db …`."
        )
    return None


def opening_error(path: Path, exc: Exception, *, read_only: bool) -> str:
    """What went wrong opening a store file, in Vietnamese, without DuckDB's own words."""
    text = str(exc)
    wrong = not_a_store_file(path)
    if wrong:
        return wrong
    if "not a valid DuckDB database file" in text:
        return f"Tệp {path} không phải tệp kho dữ liệu (không phải tệp DuckDB)."
    if "Permission denied" in text or "Read-only file system" in text:
        target = path.parent if f"{path.name}.wal" in text else path
        what = "thư mục" if target != path else "tệp"
        if read_only:
            return (
                f"Không đọc được kho dữ liệu {path}: tiến trình này không có quyền đọc {what} "
                f"{target}. Cấp quyền đọc rồi thử lại."
            )
        return (
            f"Kho dữ liệu {path} chỉ đọc với tiến trình này: không ghi được {what} {target}. "
            "Kho không thay đổi. Cấp quyền ghi (chown/chmod) hoặc chạy lệnh bằng tài khoản sở hữu "
            "kho; đọc và xuất báo cáo vẫn dùng được."
        )
    if "No space left" in text:
        return f"Ổ đĩa chứa kho dữ liệu {path} đã đầy. Giải phóng chỗ trống rồi thử lại."
    if "Corrupt" in text or "checksum" in text.lower():
        return (
            f"Kho dữ liệu {path} bị hỏng (DuckDB không đọc được nội dung). Khôi phục từ bản sao "
            "lưu (xem mục sao lưu trong README)."
        )
    return (
        f"Không mở được kho dữ liệu {path} (lỗi {type(exc).__name__} của DuckDB). Kiểm tra tệp "
        "còn nguyên vẹn và tiến trình có quyền đọc, ghi nó."
    )


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB store file opened directly, for one-process work (tests, building the benchmark's
    store). Processes that share a store open it through metrics.store.backend instead."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(
            f"Không tìm thấy kho dữ liệu {path}. Tạo kho bằng `xhht demo --db {path}` "
            f"hoặc `xhht init --db {path}`."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and (wrong := not_a_store_file(path)):
        raise StoreError(wrong)
    try:
        return open_duckdb(path, read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(opening_error(path, exc, read_only=read_only)) from exc


def schema_version(con: duckdb.DuckDBPyConnection, where: str = "") -> int | None:
    """The store's schema version; None when the database holds no store of ours (no meta
    table). Any other failure to read it (no permission, a lost connection) is a StoreError
    naming the cause: such a store exists, and must not be called missing."""
    try:
        row = first_row(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    except duckdb.CatalogException:
        return None
    except duckdb.Error as exc:
        text = str(exc) or type(exc).__name__
        place = f" {where}" if where else ""
        denied = re.search(r"permission denied for [a-z]+ [\w.\"]+", text)
        if denied:
            raise StoreError(
                f"Tài khoản dùng cho kho dữ liệu{place} không có quyền đọc các bảng của kho "
                f"(PostgreSQL: {denied.group(0)}). Nhờ người quản trị cơ sở dữ liệu cấp quyền "
                "(GRANT SELECT, INSERT, UPDATE, DELETE trên các bảng) cho tài khoản này."
            ) from exc
        raise StoreError(
            f"Không đọc được phiên bản của kho dữ liệu{place}: {text.splitlines()[0]}"
        ) from exc
    try:
        return int(row[0]) if row else None
    except ValueError:
        return None


def check_store(con: duckdb.DuckDBPyConnection, where: str = "") -> None:
    """Refuse a database that is not a store of ours, or one of another schema version."""
    version = schema_version(con, where)
    place = f" {where}" if where else ""
    if version is None:
        raise StoreError(
            f"Cơ sở dữ liệu{place} không phải kho dữ liệu của ứng dụng (thiếu bảng meta). "
            f"Tạo kho bằng `xhht init --db …` hoặc `xhht demo --db …`."
        )
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"Kho dữ liệu{place} có phiên bản {version}, ứng dụng cần phiên bản {SCHEMA_VERSION}. "
            f"Nâng cấp kho (giữ nguyên số liệu) bằng `xhht store upgrade --db …`."
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Kho dữ liệu{place} có phiên bản {version}, ứng dụng cần phiên bản {SCHEMA_VERSION}. "
            "Kho này mới hơn ứng dụng: cập nhật ứng dụng lên bản mới nhất."
        )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: any exception rolls every statement of the block back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter every write and rollback raises: readers reload their copy when it changes."""
    row = first_row(con, "SELECT value FROM meta WHERE key = 'data_version'")
    return int(row[0]) if row else 0


def store_identity(con: duckdb.DuckDBPyConnection) -> str:
    """Which store (an id made with it: a rebuilt file is another store) and which state of it."""
    rows = dict(
        con.execute(
            "SELECT key, value FROM meta WHERE key IN ('store_id', 'data_version')"
        ).fetchall()
    )
    return f"{rows.get('store_id', '-')}:{rows.get('data_version', '0')}"
