"""The "writes" step: what many small writes cost the national store, on the DuckDB file and on
PostgreSQL (a throwaway cluster holding a copy made by `xhht store copy`).

WRITES times, one after the other as officers do: a one-row import of xã Đăk Long's 2025 figure
(one batch through metrics.store.backend.writing, as `xhht import` writes it), then its rollback.
Measured: each write's and rollback's time from asking for the write lock to the store let go;
the store's size before, after, and after `xhht store compact` (the file's bytes; on PostgreSQL
the tables' with their indexes); and how long a page run waits, after a write, for the app's
copy of the new state (metrics.store.snapshot: the first page run after a write loads it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
WRITES = 100
MB = 1024 * 1024


@dataclass
class WritesResult:
    backend: str
    writes_ms: list[float]
    rollbacks_ms: list[float]
    copy_ms: list[float]  # a page run's wait for the new copy after each write
    size_before: int
    size_after: int
    size_compacted: int
    compact_ms: float


def _one_row(recognized: int) -> pl.DataFrame:
    from metrics.store.schema import LEVEL_COLUMNS

    row: dict[str, object] = dict.fromkeys(LEVEL_COLUMNS)
    row.update(
        locality_id="X23368",
        year=2025,
        indicator="gia_dinh",
        total=8645,
        registered=8000,
        recognized=recognized,
        total_from_register=False,
        source="benchmark",
    )
    return pl.DataFrame(
        [row],
        schema_overrides={
            "year": pl.Int32,
            **{c: pl.Int64 for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)},
        },
    )


def _size(spec: str) -> int:
    from metrics.store.backend import reading, run_in_postgres
    from metrics.store.location import parse_location
    from metrics.store.schema import TABLES

    loc = parse_location(spec)
    if loc.path is not None:
        wal = loc.path.with_name(loc.path.name + ".wal")
        return loc.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    names = ", ".join(f"'{t}'" for t in TABLES)
    with reading(loc) as con:
        rows = run_in_postgres(
            con,
            "SELECT sum(pg_total_relation_size(to_regclass(t)))::BIGINT "
            f"FROM unnest(ARRAY[{names}]) AS t",
        )
    return int(rows[0][0] or 0)


def run_writes(spec: str, backend: str, writes: int = WRITES) -> WritesResult:
    from metrics.store.backend import writing
    from metrics.store.location import parse_location
    from metrics.store.snapshot import SnapshotCache
    from metrics.store.writes import BatchInfo, rollback_batch, write_batch

    loc = parse_location(spec)
    cache = SnapshotCache(loc)
    cache.current()
    size_before = _size(spec)
    writes_ms, rollbacks_ms, copy_ms = [], [], []
    for n in range(writes):
        t0 = time.perf_counter()
        with writing(loc, role="benchmark") as con:
            batch = write_batch(
                con,
                BatchInfo(kind="import", synthetic=False, created_by="bench"),
                observations=_one_row(5000 + n),
            )
        writes_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        cache.current()
        copy_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with writing(loc, role="benchmark") as con:
            rollback_batch(con, batch, user="bench")
        rollbacks_ms.append((time.perf_counter() - t0) * 1000)
    size_after = _size(spec)
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "xhht"), "store", "compact", "--db", spec],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
    )
    compact_ms = (time.perf_counter() - t0) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"store compact failed:\n{done.stdout}\n{done.stderr}")
    return WritesResult(
        backend,
        writes_ms,
        rollbacks_ms,
        copy_ms,
        size_before,
        size_after,
        _size(spec),
        compact_ms,
    )


def bench_writes(db: Path, work: Path, writes: int = WRITES) -> Iterator[WritesResult]:
    """The step on a copy of the file, then on a PostgreSQL copy of it."""
    import shutil

    from bench.pg_cluster import running_cluster

    copy = work / "writes.duckdb"
    shutil.copy(db, copy)
    yield run_writes(str(copy), "DuckDB", writes)
    with running_cluster() as cluster:
        url = cluster.create_database("writes")
        done = subprocess.run(
            [str(Path(sys.executable).parent / "xhht"), "store", "copy", str(db), url],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise RuntimeError(f"store copy failed:\n{done.stdout}\n{done.stderr}")
        yield run_writes(url, "PostgreSQL", writes)


def report_rows(result: WritesResult) -> list[tuple[str, str, str, bool | None]]:
    from metrics.fmt import fmt_int, fmt_num

    def spread(values: list[float]) -> str:
        return f"{fmt_int(statistics.median(values))} / tối đa {fmt_int(max(values))} ms"

    n = len(result.writes_ms)
    b = result.backend
    return [
        (f"writes ({b}): ghi 1 dòng (×{n})", spread(result.writes_ms), "–", None),
        (f"writes ({b}): hoàn tác (×{n})", spread(result.rollbacks_ms), "–", None),
        (f"writes ({b}): trang chờ bản sao mới", spread(result.copy_ms), "–", None),
        (
            f"writes ({b}): dung lượng trước → sau {n} lần ghi và hoàn tác",
            f"{fmt_num(result.size_before / MB)} → {fmt_num(result.size_after / MB)} MB",
            "–",
            None,
        ),
        (
            f"writes ({b}): sau `xhht store compact` ({fmt_num(result.compact_ms / 1000)} s)",
            f"{fmt_num(result.size_compacted / MB)} MB",
            "–",
            None,
        ),
    ]
