"""The store's writes: import batches, the figures in force, rollback.

Every figure belongs to an import batch. A newer batch supersedes older figures for the same
(locality, year, indicator) without deleting them, and rolling a batch back brings the older
figures back: the `*_current` tables hold, for each key, the row of the newest active batch.
A write or rollback recomputes only the figures in force of the keys its batch holds
(refresh_batch); `xhht check` compares them with a recompute of the whole store. Every write
bumps `meta.data_version`, which readers watch to reload their copy.
"""

from __future__ import annotations

import getpass
import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from metrics.store import StoreError, first_row
from metrics.store.backend import run_in_store
from metrics.store.schema import (
    CONTEXT_COLUMNS,
    CURRENT_TABLES,
    EDUCATION_COLUMNS,
    OBSERVATION_COLUMNS,
    PLAN_ITEM_COLUMNS,
    RECOGNITION_COLUMNS,
    RECOGNITION_STEP_COLUMNS,
    ROLLED_BACK_BY,
    TARGET_COLUMNS,
)


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Tell readers the store changed (inside the writer's transaction)."""
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'"
    )


def refresh_current(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every table of figures in force and bump the data version; for building a store
    (several batches in one transaction). A write or rollback of one batch calls refresh_batch.

    DELETE + INSERT rather than CREATE OR REPLACE: no DDL after the schema is made, so readers
    (and PostgreSQL's catalogue caches) never see a table vanish."""
    for table in CURRENT_TABLES:
        con.execute(f"DELETE FROM {table.name}")
        con.execute(f"{table.insert()} ORDER BY 1, 2, 3")
    bump_data_version(con)


def refresh_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Inside the writer's transaction, after a batch was written or its status changed: the
    figures in force of the keys that batch holds recomputed from every batch, the rest of the
    store untouched, and the data version bumped. So a write costs what its batch holds, not
    the store's size: rewriting whole tables grew a DuckDB file by megabytes and left
    PostgreSQL as many dead rows for each one-row import. On PostgreSQL the statements run in
    the database itself (same transaction), so no table crosses to DuckDB and back."""
    for table in CURRENT_TABLES:
        if first_row(con, table.holds(batch_id)):
            run_in_store(con, table.delete_touched(batch_id))
            run_in_store(con, table.insert(touched_by=batch_id))
    bump_data_version(con)


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


def insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, columns: Sequence[str]
) -> None:
    """Bulk insert a polars frame whose columns are exactly `columns` (names are ours, not user
    input). The frame crosses as a Parquet file polars writes and DuckDB reads: a registered
    frame crosses as Arrow, and DuckDB then imports pyarrow.dataset (~0,3 s of every `xhht`
    write, more than the insert itself)."""
    cols = ", ".join(columns)
    with tempfile.TemporaryDirectory(prefix="xhht-insert-") as tmp:
        path = Path(tmp) / "rows.parquet"
        frame.write_parquet(path, compression="uncompressed", statistics=False)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)])


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
    recognitions: pl.DataFrame | None = None,
    contexts: pl.DataFrame | None = None,
    education: pl.DataFrame | None = None,
    plan_items: pl.DataFrame | None = None,
    refresh: bool = True,
) -> int:
    """The one way figures enter the store: inside the writer's transaction, record a batch,
    insert its observations, targets, recognitions, place contexts, education levels and plan
    items (frames with the store's columns, batch_id aside; a recognition's or plan item's
    `entry` is its `_row`; a list's steps to its decision may be left out) and bring the figures
    in force of the keys it holds up to date. Returns the batch id. `refresh=False` lets a writer
    that builds a store from several batches in one transaction rebuild once, at the end
    (refresh_current)."""
    obs = observations if observations is not None and observations.height else None
    tgt = targets if targets is not None and targets.height else None
    rec = recognitions if recognitions is not None and recognitions.height else None
    ctx = contexts if contexts is not None and contexts.height else None
    edu = education if education is not None and education.height else None
    plan = plan_items if plan_items is not None and plan_items.height else None
    rows = sum(f.height for f in (obs, tgt, rec, ctx, edu, plan) if f is not None)
    batch_id = new_batch(con, info, rows)
    for table, frame, columns in (
        ("place_context", ctx, CONTEXT_COLUMNS),
        ("education_levels", edu, EDUCATION_COLUMNS),
    ):
        if frame is not None:
            with_batch = frame.with_columns(pl.lit(batch_id, dtype=pl.Int32).alias("batch_id"))
            insert_frame(con, table, with_batch.select(columns), columns)
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
    if rec is not None:
        columns = [*RECOGNITION_COLUMNS, *RECOGNITION_STEP_COLUMNS]
        steps = {"proposal_date": pl.Date}
        frame = rec.with_columns(
            pl.lit(batch_id, dtype=pl.Int32).alias("batch_id"),
            pl.col("_row").cast(pl.Int32).alias("entry"),
            *(
                pl.lit(None, dtype=steps.get(c, pl.String)).alias(c)
                for c in RECOGNITION_STEP_COLUMNS
                if c not in rec.columns
            ),
        ).select(columns)
        insert_frame(con, "recognitions", frame, columns)
    if plan is not None:
        frame = plan.with_columns(
            pl.lit(batch_id, dtype=pl.Int32).alias("batch_id"),
            pl.col("_row").cast(pl.Int32).alias("entry"),
        ).select(PLAN_ITEM_COLUMNS)
        insert_frame(con, "plan_items", frame, PLAN_ITEM_COLUMNS)
    if refresh:
        refresh_batch(con, batch_id)
    return batch_id


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int, user: str | None = None) -> None:
    """Inside the writer's transaction: the batch stops counting and the figures it superseded
    come back; `user` (who did it) is added to the batch's note."""
    row = first_row(con, "SELECT status, kind FROM batches WHERE id = ?", [batch_id])
    if row is None:
        raise StoreError(f"Không có lô nhập số {batch_id}.")
    if row[0] != "active":
        raise StoreError(f"Lô nhập số {batch_id} đã được hoàn tác trước đó.")
    if row[1] == "registers":
        raise StoreError("Không thể hoàn tác danh mục địa bàn và chỉ tiêu.")
    by = f"{ROLLED_BACK_BY}{user or current_user()}"
    con.execute(
        "UPDATE batches SET status = 'rolled_back', rolled_back_at = ?, "
        "note = CASE WHEN note IS NULL OR note = '' THEN ? ELSE note || ' · ' || ? END WHERE id = ?",
        [datetime.now(UTC).replace(tzinfo=None), by, by, batch_id],
    )
    refresh_batch(con, batch_id)
