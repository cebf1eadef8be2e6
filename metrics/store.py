"""The store's schema and its writes: import batches, the figures in force, rollback.

Every figure belongs to an import batch. A newer batch supersedes older figures for the same
(locality, year, indicator) without deleting them, and rolling a batch back brings the older
figures back: the `*_current` tables hold, for each key, the row of the newest active batch.
The same SQL runs on a DuckDB file and, through DuckDB's postgres extension, on PostgreSQL
(metrics.backend opens either); so the schema uses no sequence and no DuckDB-only DDL.
Every write bumps `meta.data_version`, which readers watch to reload their copy.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

SCHEMA_VERSION = 2

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

-- Batch ids are max(id) + 1, taken while the writer holds the store's write lock (a DuckDB
-- file admits one writer; on PostgreSQL the writer locks this table), so they are consecutive.
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

-- The figures in force: for each key, the row of the newest active batch. Materialised (and
-- rebuilt by refresh_current inside every write and rollback) because every page reads it.
CREATE TABLE IF NOT EXISTS observations_current (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    total BIGINT,
    registered BIGINT,
    recognized BIGINT,
    {", ".join(f"{c} BIGINT" for c in LEVEL_COLUMNS)},
    total_from_register BOOLEAN NOT NULL,
    source TEXT,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, year, indicator)
);

CREATE TABLE IF NOT EXISTS targets_current (
    locality_id TEXT NOT NULL,
    indicator TEXT NOT NULL,
    target_year INTEGER NOT NULL,
    percent DOUBLE NOT NULL,
    source TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, indicator, target_year)
);
"""

# Every table, in the order a copy writes them (registers before figures).
TABLES = (
    "meta",
    "localities",
    "lineage",
    "indicators",
    "batches",
    "observations",
    "targets",
    "observations_current",
    "targets_current",
)
# What readers need: the raw observations/targets (superseded figures) stay in the store.
READ_TABLES = (
    "meta",
    "localities",
    "lineage",
    "indicators",
    "batches",
    "observations_current",
    "targets_current",
)

COUNTRY_ID = "VN"

# The query behind each *_current table (also what `xhht check` recomputes to compare).
CURRENT_QUERIES = {
    "observations_current": """
        SELECT o.*, b.synthetic
        FROM observations o JOIN batches b ON b.id = o.batch_id AND b.status = 'active'
        QUALIFY row_number() OVER (PARTITION BY o.locality_id, o.year, o.indicator ORDER BY o.batch_id DESC) = 1""",
    "targets_current": """
        SELECT t.*, b.synthetic
        FROM targets t JOIN batches b ON b.id = t.batch_id AND b.status = 'active'
        QUALIFY row_number() OVER (PARTITION BY t.locality_id, t.indicator, t.target_year ORDER BY t.batch_id DESC) = 1""",
}


def refresh_current(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the figures in force and bump the data version; call inside the writer's transaction.

    DELETE + INSERT rather than CREATE OR REPLACE: no DDL after the schema is made, so readers
    (and PostgreSQL's catalogue caches) never see a table vanish."""
    for table, query in CURRENT_QUERIES.items():
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} {query} ORDER BY 1, 2, 3")
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'"
    )


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


class StoreError(Exception):
    """A store that is missing, of another version, or not a store at all."""


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> tuple | None:
    """The first row of a query, with the result read to the end: DuckDB 2.0 refuses further
    work on a connection whose previous result was left unfinished (fetchone alone does that)."""
    rows = con.execute(sql, list(params) if params is not None else []).fetchall()
    return rows[0] if rows else None


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


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)
    con.execute("DELETE FROM meta WHERE key IN ('schema_version', 'data_version', 'store_id')")
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?), ('data_version', '0'), ('store_id', ?)",
        [str(SCHEMA_VERSION), uuid.uuid4().hex],
    )


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
    row = first_row(con, "SELECT coalesce(max(id), 0) + 1 FROM batches")
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


def insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: object, columns: Sequence[str]
) -> None:
    """Bulk insert a polars frame whose columns are exactly `columns` (names are ours, not user input)."""
    con.register("_incoming", frame)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")


def replace_registers(
    con: duckdb.DuckDBPyConnection,
    localities: pl.DataFrame,
    lineage: pl.DataFrame,
    indicators: pl.DataFrame,
) -> None:
    """Inside the writer's transaction: the registers (units of both eras, the old → new
    lineage, the indicators) replaced by these frames, whose columns are the tables' own."""
    for table in ("lineage", "localities", "indicators"):
        con.execute(f"DELETE FROM {table}")
    insert_frame(con, "localities", localities, localities.columns)
    insert_frame(con, "lineage", lineage, lineage.columns)
    insert_frame(con, "indicators", indicators, indicators.columns)


def write_batch(
    con: duckdb.DuckDBPyConnection,
    info: BatchInfo,
    *,
    observations: pl.DataFrame | None = None,
    targets: pl.DataFrame | None = None,
    refresh: bool = True,
) -> int:
    """The one way figures enter the store: inside the writer's transaction, record a batch,
    insert its observations and targets (frames with the store's columns, batch_id aside) and
    rebuild the figures in force. Returns the batch id. `refresh=False` lets a writer that adds
    several batches in one transaction rebuild once, at the end."""
    obs = observations if observations is not None and observations.height else None
    tgt = targets if targets is not None and targets.height else None
    rows = (obs.height if obs is not None else 0) + (tgt.height if tgt is not None else 0)
    batch_id = new_batch(con, info, rows)
    if obs is not None:
        frame = obs.with_columns(pl.lit(batch_id, dtype=pl.Int32).alias("batch_id")).select(
            OBSERVATION_COLUMNS
        )
        insert_frame(con, "observations", frame, OBSERVATION_COLUMNS)
    if tgt is not None:
        frame = tgt.with_columns(pl.lit(batch_id, dtype=pl.Int32).alias("batch_id")).select(
            TARGET_COLUMNS
        )
        insert_frame(con, "targets", frame, TARGET_COLUMNS)
    if refresh:
        refresh_current(con)
    return batch_id


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Inside the writer's transaction: the batch stops counting and the figures it superseded
    come back."""
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


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> pl.DataFrame:
    """The one way the core reads the store: bound parameters in, a polars frame out."""
    table = con.sql(sql, params=list(params) if params is not None else None).to_arrow_table()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out
