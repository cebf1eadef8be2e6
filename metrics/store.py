"""The DuckDB store: schema, connections, import batches and transactional writes.

Every figure belongs to an import batch. A newer batch supersedes older figures for the same
(locality, year, indicator) without deleting them, and rolling a batch back brings the older
figures back: the `*_current` views pick, for each key, the row of the newest active batch.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

SCHEMA_VERSION = 1

LEVEL_COLUMNS = ("level_tot", "level_kha", "level_trung_binh", "level_muc_do_1", "level_muc_do_2")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every administrative unit, current (from 1 July 2025) and pre-2025, with a stable id that
-- carries its era and level: official codes repeat across eras (the new xã Đăk Long has the
-- code of the old xã Đắk Long of huyện Đắk Glei).
CREATE TABLE IF NOT EXISTS localities (
    id TEXT PRIMARY KEY,
    level TEXT NOT NULL,            -- country | province | commune | old_province | old_district | old_commune
    era TEXT NOT NULL,              -- current | legacy
    code TEXT,                      -- official code (mã đơn vị hành chính)
    name TEXT NOT NULL,             -- full name: "Xã Đăk Long"
    short_name TEXT NOT NULL,       -- "Đăk Long"
    unit_type TEXT NOT NULL,        -- Xã, Phường, Đặc khu, Tỉnh, Thành phố, Huyện, Quận, Thị xã, Thị trấn
    parent_id TEXT,
    province_id TEXT,               -- the current province this unit lies in or rolls into
    old_province_id TEXT,           -- for legacy units: their old province
    lat DOUBLE,
    lon DOUBLE,
    area_km2 DOUBLE,
    name_key TEXT NOT NULL          -- metrics.text.key(short_name)
);

-- Old unit → new unit. relation: 'merged' (the whole old unit went into the new one) or
-- 'split' (the old unit was divided; its figures cannot be placed in one new unit).
CREATE TABLE IF NOT EXISTS lineage (
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (old_id, new_id)
);

CREATE TABLE IF NOT EXISTS indicators (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    model TEXT NOT NULL,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    short_vi TEXT NOT NULL,
    level_scope TEXT NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    kind TEXT NOT NULL,              -- registers | demo | seed | import
    file_name TEXT,
    file_sha256 TEXT,
    rows INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,      -- demo data: every page and export says "dữ liệu minh họa"
    status TEXT NOT NULL DEFAULT 'active',   -- active | rolled_back
    rolled_back_at TIMESTAMP,
    note TEXT
);

CREATE TABLE IF NOT EXISTS observations (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    total BIGINT,
    registered BIGINT,
    recognized BIGINT,
    {", ".join(f"{c} BIGINT" for c in LEVEL_COLUMNS)},
    total_from_register BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, year, indicator)
);

CREATE TABLE IF NOT EXISTS targets (
    locality_id TEXT NOT NULL,       -- 'VN' for the national targets
    indicator TEXT NOT NULL,
    target_year INTEGER NOT NULL,
    percent DOUBLE NOT NULL,
    source TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL DEFAULT TRUE,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, indicator, target_year)
);

"""

COUNTRY_ID = "VN"

# The figures in force: for each key, the row of the newest active batch. Materialised (and
# rebuilt by refresh_current after every write or rollback) because every page reads it.
CURRENT_TABLES = """
CREATE OR REPLACE TABLE observations_current AS
SELECT o.*, b.synthetic
FROM observations o JOIN batches b ON b.id = o.batch_id AND b.status = 'active'
QUALIFY row_number() OVER (PARTITION BY o.locality_id, o.year, o.indicator ORDER BY o.batch_id DESC) = 1
ORDER BY o.locality_id, o.year, o.indicator;

CREATE OR REPLACE TABLE targets_current AS
SELECT t.*, b.synthetic
FROM targets t JOIN batches b ON b.id = t.batch_id AND b.status = 'active'
QUALIFY row_number() OVER (PARTITION BY t.locality_id, t.indicator, t.target_year ORDER BY t.batch_id DESC) = 1;
"""


def refresh_current(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the figures in force; call inside the writer's transaction."""
    con.execute(CURRENT_TABLES)


class StoreError(Exception):
    """A store that is missing, of another version, or not a store at all."""


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> tuple | None:
    """The first row of a query, with the result read to the end: DuckDB 2.0 refuses further
    work on a connection whose previous result was left unfinished (fetchone alone does that)."""
    rows = con.execute(sql, list(params) if params is not None else []).fetchall()
    return rows[0] if rows else None


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(
            f"Không tìm thấy kho dữ liệu {path}. Tạo kho bằng `xhht demo --db {path}` "
            f"hoặc `xhht init --db {path}`."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"Không mở được kho dữ liệu {path}: {exc}") from exc
    return con


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)
    con.execute(CURRENT_TABLES)
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )


def check_store(con: duckdb.DuckDBPyConnection) -> None:
    try:
        row = first_row(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    except duckdb.Error as exc:
        raise StoreError(
            "Tệp này không phải kho dữ liệu của ứng dụng (thiếu bảng meta). "
            "Tạo kho mới bằng `xhht init` hoặc `xhht demo`."
        ) from exc
    if row is None or int(row[0]) != SCHEMA_VERSION:
        raise StoreError(
            f"Kho dữ liệu có phiên bản {row[0] if row else '?'}, ứng dụng cần phiên bản {SCHEMA_VERSION}."
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


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class BatchInfo:
    kind: str
    synthetic: bool
    created_by: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    note: str | None = None


def new_batch(con: duckdb.DuckDBPyConnection, info: BatchInfo, rows: int) -> int:
    """Record a batch (inside the caller's transaction) and return its id."""
    row = first_row(con, "SELECT nextval('batch_seq')")
    assert row is not None
    batch_id = int(row[0])
    con.execute(
        """INSERT INTO batches (id, created_at, created_by, kind, file_name, file_sha256, rows,
                                synthetic, status, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)""",
        [
            batch_id,
            datetime.now(UTC).replace(tzinfo=None),
            info.created_by or current_user(),
            info.kind,
            info.file_name,
            info.file_sha256,
            rows,
            info.synthetic,
            info.note,
        ],
    )
    return batch_id


OBSERVATION_COLUMNS: Sequence[str] = (
    "locality_id",
    "year",
    "indicator",
    "total",
    "registered",
    "recognized",
    *LEVEL_COLUMNS,
    "total_from_register",
    "source",
    "batch_id",
)
TARGET_COLUMNS: Sequence[str] = (
    "locality_id",
    "indicator",
    "target_year",
    "percent",
    "source",
    "confirmed",
    "batch_id",
)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: object, columns: Sequence[str]) -> None:
    """Bulk insert a polars frame whose columns are exactly `columns` (names are ours, not user input)."""
    con.register("_incoming", frame)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    with transaction(con):
        row = first_row(con, "SELECT status, kind FROM batches WHERE id = ?", [batch_id])
        if row is None:
            raise StoreError(f"Không có lô nhập số {batch_id}.")
        if row[0] != "active":
            raise StoreError(f"Lô nhập số {batch_id} đã được hoàn tác trước đó.")
        if row[1] == "registers":
            raise StoreError("Không thể hoàn tác danh mục địa bàn và chỉ tiêu.")
        con.execute(
            "UPDATE batches SET status = 'rolled_back', rolled_back_at = ? WHERE id = ?",
            [datetime.now(UTC).replace(tzinfo=None), batch_id],
        )
        refresh_current(con)


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
    """The one way the core reads the store: bound parameters in, a polars frame out."""
    table = con.sql(sql, params=list(params) if params is not None else None).to_arrow_table()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out
