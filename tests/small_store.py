"""Small real stores for the tests of metrics/queries/__init__.py and metrics/locality_progress.py: observations and
targets written as import batches (metrics.store.writes.write_batch inside metrics.store.transaction), rolled back
after each test."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import polars as pl
import pytest

from metrics.demo import init_store
from metrics.store import transaction
from metrics.store.schema import LEVEL_COLUMNS
from metrics.store.writes import BatchInfo, rollback_batch, write_batch

QUANG_NGAI = "P51"
IA_HDRAI = "OH618"  # huyện Ia H'Drai, tỉnh Kon Tum cũ (OP62), now in tỉnh Quảng Ngãi
# X23538 = old xã Ia Dom (OX23537) + old xã Ia Tơi (OX23538), both merged whole.
MERGED_NEW, MERGED_OLD = "X23538", ("OX23537", "OX23538")
# Old xã OX21142 was split between X21136 (which also took OX21136 whole) and X21157.
SPLIT_OLD, SPLIT_NEW, SPLIT_NEW_OTHER, WHOLE_INTO_SPLIT_NEW = (
    "OX21142",
    "X21136",
    "X21157",
    "OX21136",
)

_OBS_SCHEMA = {
    "locality_id": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "total": pl.Int64,
    "registered": pl.Int64,
    "recognized": pl.Int64,
    **{c: pl.Int64 for c in LEVEL_COLUMNS},
    "total_from_register": pl.Boolean,
    "source": pl.String,
}
_TGT_SCHEMA = {
    "locality_id": pl.String,
    "indicator": pl.String,
    "target_year": pl.Int32,
    "percent": pl.Float64,
    "source": pl.String,
    "confirmed": pl.Boolean,
}


def obs(
    locality_id: str, year: int, indicator: str, total: int | None, recognized: int | None, **extra
) -> dict:
    row = {c: None for c in _OBS_SCHEMA}
    row.update(
        locality_id=locality_id,
        year=year,
        indicator=indicator,
        total=total,
        recognized=recognized,
        total_from_register=False,
        source=f"báo cáo thử {locality_id} {year}",
    )
    row.update(extra)
    return row


def add_batch(
    con: duckdb.DuckDBPyConnection, rows: Sequence[dict], targets: Sequence[dict] = ()
) -> int:
    """One import batch with these observations (and targets), the way an import writes it."""
    with transaction(con):
        return write_batch(
            con,
            BatchInfo(kind="import", synthetic=False, created_by="pytest"),
            observations=pl.DataFrame(list(rows), schema=_OBS_SCHEMA),
            targets=pl.DataFrame(list(targets), schema=_TGT_SCHEMA),
        )


def rollback_added(con: duckdb.DuckDBPyConnection) -> None:
    for (batch,) in con.execute(
        "SELECT id FROM batches WHERE status = 'active' AND kind <> 'registers'"
    ).fetchall():
        with transaction(con):
            rollback_batch(con, batch)


@contextmanager
def batch_of(con: duckdb.DuckDBPyConnection, rows: Sequence[dict]) -> Iterator[int]:
    batch = add_batch(con, rows)
    try:
        yield batch
    finally:
        with transaction(con):
            rollback_batch(con, batch)


def target(locality_id: str, indicator: str, year: int, pct: float, source: str) -> dict:
    return {
        "locality_id": locality_id,
        "indicator": indicator,
        "target_year": year,
        "percent": pct,
        "source": source,
        "confirmed": True,
    }


@pytest.fixture(scope="module")
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory store with the registers and national targets only, one per test module."""
    con = duckdb.connect()
    init_store(con)
    yield con
    con.close()


@pytest.fixture
def con(store) -> Iterator[duckdb.DuckDBPyConnection]:
    """The module's store, with every batch a test added rolled back afterwards."""
    rollback_added(store)
    yield store
    rollback_added(store)
