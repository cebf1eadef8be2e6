"""Reclaiming a store's unused space while the app serves (`xhht store compact`): a DuckDB file
rewritten beside itself and swapped in while writers are held off; on PostgreSQL each table
rewritten by VACUUM FULL.

A DuckDB file: the file is held as a reader holds it (readers go on; a writer waits, as for
any other write, and then writes into the compacted file), every table is copied into a new
file in the same folder, the copy must hold the same rows as the original, and the new file
replaces the old one in one rename. The store keeps its identity (meta.store_id, data version),
so the app's copies stay valid. A log left by a writer killed after its commit is written into
the file first (a checkpoint, under the write lock).

PostgreSQL: VACUUM FULL rewrites one table at a time under that table's exclusive lock,
waiting at most the write wait for a writer that holds it; a reader of that table waits for
the rewrite (seconds for the largest), a writer likewise.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from metrics.store import StoreError
from metrics.store.backend import (
    StoreBusy,
    checkpoint_file,
    is_lock_timeout,
    lock_wait_s,
    postgres_maintenance,
    reading,
    run_in_postgres,
    run_outside_transaction,
)
from metrics.store.location import StoreLocation
from metrics.store.schema import TABLES

# After the swap the old file stays held a moment: a writer that opened the old file's name
# just before the rename then finds it locked, retries, and opens the new one.
HOLD_AFTER_SWAP_S = 1.0


@dataclass(frozen=True)
class Compacted:
    before_bytes: int
    after_bytes: int


def compact(loc: StoreLocation, *, wait: float | None = None) -> Compacted:
    wait = lock_wait_s() if wait is None else wait
    if loc.is_postgres:
        return _compact_postgres(loc, wait)
    return _compact_file(loc, wait)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _compact_file(loc: StoreLocation, wait: float) -> Compacted:
    assert loc.path is not None
    path = loc.path
    for _attempt in range(3):
        if _wal(path).exists():
            checkpoint_file(loc, wait=wait, role="thu gọn kho")
        with reading(loc, wait=wait, role="thu gọn kho") as con:
            # Held as readers hold it: no writer can start until the swap is done.
            if _wal(path).exists():
                continue  # a writer came between the checkpoint and this read: again
            before = path.stat().st_size
            _remove_stale_copies(path)
            tmp = path.with_name(f"{_copy_prefix(path)}{os.getpid()}")
            try:
                _copy_to(con, tmp)
                original = path.stat()
                with contextlib.suppress(OSError):
                    os.chown(tmp, original.st_uid, original.st_gid)
                os.chmod(tmp, original.st_mode & 0o7777)
                os.replace(tmp, path)
                _fsync_dir(path.parent)
            except BaseException as exc:
                tmp.unlink(missing_ok=True)
                _wal(tmp).unlink(missing_ok=True)
                if isinstance(exc, OSError):
                    raise StoreError(
                        f"Không ghi được bản thu gọn bên cạnh kho {path} "
                        f"({exc.strerror or exc}): thư mục {path.parent} cần quyền ghi và đủ chỗ "
                        "cho một bản sao của kho. Kho giữ nguyên."
                    ) from exc
                if isinstance(exc, duckdb.Error):
                    raise StoreError(
                        f"Không thu gọn được kho {path}: {str(exc).splitlines()[0]}. Kho giữ nguyên."
                    ) from exc
                raise
            time.sleep(HOLD_AFTER_SWAP_S)
        return Compacted(before, path.stat().st_size)
    raise StoreBusy(
        f"Kho dữ liệu {loc} liên tục được ghi trong lúc chuẩn bị thu gọn; chạy lại lệnh sau ít phút."
    )


def _copy_prefix(path: Path) -> str:
    return f".{path.name}.thu-gon-"


def _remove_stale_copies(path: Path) -> None:
    """Copies left by a compaction that was killed (its process is gone)."""
    for old in path.parent.glob(f"{_copy_prefix(path)}*"):
        pid = old.name.removeprefix(_copy_prefix(path)).removesuffix(".wal")
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            old.unlink(missing_ok=True)


def _copy_to(con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    """The whole database into a new file at `tmp` (DuckDB's own copy: schema, keys, rows),
    checked to hold the same rows."""
    tmp.unlink(missing_ok=True)
    _wal(tmp).unlink(missing_ok=True)
    source = con.execute("SELECT current_database()").fetchall()[0][0]
    copy = COPY_CATALOG if source != COPY_CATALOG else f"{COPY_CATALOG}_2"
    con.execute(f"ATTACH {_sql_text(str(tmp))} AS {copy} (READ_WRITE)")
    try:
        con.execute(f'COPY FROM DATABASE "{source}" TO {copy}')
        same = _fingerprint(con, copy) == _fingerprint(con, f'"{source}"')
    finally:
        con.execute(f"DETACH {copy}")
    if not same:
        raise StoreError(
            "Bản thu gọn không khớp với kho: kho giữ nguyên, chưa thu gọn. "
            "Chạy `xhht check` rồi thử lại."
        )
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())


COPY_CATALOG = "thu_gon"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fingerprint(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple]:
    """Per table its row count and the sum of its rows' hashes (order-free; every table has a
    key, so no two rows are equal): equal for equal content of one schema, in a tenth of the
    time of the content digest, which sorts every row as text."""
    return [
        tuple(
            con.execute(
                f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {catalog}.{table} t"
            ).fetchall()[0]
        )
        for table in TABLES
    ]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pg_store_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes the store's tables take on the server, indexes and TOAST included."""
    names = ", ".join(f"'{t}'" for t in TABLES)
    rows = run_in_postgres(
        con,
        "SELECT sum(pg_total_relation_size(to_regclass(t)))::BIGINT "
        f"FROM unnest(ARRAY[{names}]) AS t",
    )
    return int(rows[0][0] or 0)


def _compact_postgres(loc: StoreLocation, wait: float) -> Compacted:
    with postgres_maintenance(loc, wait=wait, role="thu gọn kho") as con:
        before = _pg_store_bytes(con)
        for table in TABLES:
            try:
                run_outside_transaction(con, f"VACUUM (FULL, ANALYZE) {table}")
            except duckdb.Error as exc:
                if is_lock_timeout(exc):
                    raise StoreBusy(
                        f"Bảng {table} của kho {loc} đang được ghi, đã chờ {wait:g} giây. Các bảng "
                        "đã thu gọn vẫn nguyên vẹn; chạy lại lệnh sau khi việc ghi xong."
                    ) from exc
                raise StoreError(
                    f"Không thu gọn được bảng {table} của kho {loc}: {str(exc).splitlines()[0]}"
                ) from exc
        after = _pg_store_bytes(con)
    return Compacted(before, after)
