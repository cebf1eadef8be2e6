"""Opening a store and the primitives the store modules share: StoreError, connect, check_store,
transaction, query_frame.

The same SQL runs on a DuckDB file and, through DuckDB's postgres extension, on PostgreSQL.
Processes that share a store open it through metrics.backend (either kind); `connect` opens a
DuckDB file directly. The schema is in metrics.store_schema, the writes in metrics.store_writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from metrics.store_schema import SCHEMA_VERSION


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
    table = con.sql(sql, params=list(params) if params is not None else None).to_arrow_table()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out


# No extension is fetched or loaded behind our back (nothing may reach the network).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def open_duckdb(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with our settings (":memory:" for an in-memory database)."""
    con = duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG))
    # DuckDB draws a progress bar on standard output for queries over two seconds (a loaded
    # machine copying a national store), which corrupts `--json` output. Cursors inherit this.
    con.execute("SET enable_progress_bar = false")
    return con


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB store file opened directly, for one-process work (tests, building the benchmark's
    store). Processes that share a store open it through metrics.backend instead."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(
            f"Không tìm thấy kho dữ liệu {path}. Tạo kho bằng `xhht demo --db {path}` "
            f"hoặc `xhht init --db {path}`."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return open_duckdb(path, read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"Không mở được kho dữ liệu {path}: {exc}") from exc


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
