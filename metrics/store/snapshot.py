"""Readers' in-memory copies of the store, reloaded when its data version changes.

Why a copy: a DuckDB file admits one writer or many readers, never both, so a process that
kept the file open would lock every import out, and one that opened it per page would fail
while an import writes. Instead each process copies the tables readers need (the figures in
force, not the superseded ones: ~50 MB nationally, ~0,2 s) into an in-memory DuckDB database,
lets the store go, and serves every page from the copy. A copy is whole: a DuckDB file is
attached to the in-memory database and copied by DuckDB itself under the file's shared lock
(no writer meanwhile); PostgreSQL's tables come through Arrow, checked by reading the data
version before and after.

`SnapshotCache.current()` is what a page calls, and what it returns holds every write released
before the call: each call looks whether the store changed (a DuckDB file: its size, times and
inode first, then the data version; PostgreSQL: the data version) and, if so, loads the new
copy before answering. Calls that arrive while another looks wait for that look and reuse it
when it began after they did, so a burst of page runs costs one look. "Released" is when a
DuckDB file's writer closes it (its command exits; readers cannot open the file before) or a
PostgreSQL writer commits. A writer still holding the file, or a server that cannot be
reached, leaves the copy in place: pages keep serving it, and an unreachable server is tried
again after RETRY_AFTER_FAILURE_S, not by every page run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from metrics.store import StoreError, open_duckdb, store_identity
from metrics.store.backend import SOURCE_CATALOG, StoreBusy, reading, reading_into_memory
from metrics.store.location import StoreLocation
from metrics.store.schema import READ_TABLES

RETRY_AFTER_FAILURE_S = 2.0
# A page waits at most this long for another thread's look (a large copy on a loaded machine),
# then serves the copy it has.
LOOK_WAIT_S = 30.0
KEEP_VERSIONS = 2  # the newest, and the one a page that started just before it may still read


@dataclass
class Snapshot:
    """One committed state of the store, in memory. `cursor()` for each read."""

    version: str  # metrics.store.store_identity: which store, and which state of it
    con: duckdb.DuckDBPyConnection
    loaded_at: float = field(default_factory=time.time)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()


def copy_into_memory(
    source: duckdb.DuckDBPyConnection, tables: Sequence[str] = READ_TABLES
) -> Snapshot:
    """Copy the readers' tables of an open store (PostgreSQL) into a new in-memory database."""
    for _attempt in range(5):
        before = store_identity(source)
        frames = {t: source.execute(f"SELECT * FROM {t}").to_arrow_table() for t in tables}
        if store_identity(source) == before:
            mem = open_duckdb(":memory:")
            for table, arrow in frames.items():
                mem.register("_copy", arrow)
                mem.execute(f"CREATE TABLE {table} AS SELECT * FROM _copy")
                mem.unregister("_copy")
            return Snapshot(before, mem)
    raise StoreBusy("Kho dữ liệu thay đổi liên tục trong lúc đọc; thử lại sau giây lát.")


def copy_attached(con: duckdb.DuckDBPyConnection, tables: Sequence[str] = READ_TABLES) -> Snapshot:
    """Copy the tables of a DuckDB file attached to `con` (metrics.store.backend.
    reading_into_memory, in use) into `con`'s in-memory catalogue. The attached file is read
    under its shared lock, so no writer changes it meanwhile: the copy is whole."""
    version = store_identity(con)
    for table in tables:
        con.execute(
            f"CREATE TABLE memory.main.{table} AS SELECT * FROM {SOURCE_CATALOG}.main.{table}"
        )
    return Snapshot(version, con)


def load(
    loc: StoreLocation,
    *,
    wait: float | None = None,
    role: str = "đọc",
    tables: Sequence[str] = READ_TABLES,
) -> Snapshot:
    """A copy of `tables` of the store (a command that reads only some copies only those)."""
    if loc.is_postgres:
        with reading(loc, wait=wait, role=role) as con:
            return copy_into_memory(con, tables)
    with reading_into_memory(loc, wait=wait, role=role) as con:
        return copy_attached(con, tables)


def _file_signature(loc: StoreLocation) -> tuple:
    assert loc.path is not None
    sig: list[tuple[int, int, int, int] | None] = []
    for p in (loc.path, loc.path.with_name(loc.path.name + ".wal")):
        try:
            st = p.stat()
            sig.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        except OSError:
            sig.append(None)
    return tuple(sig)


class SnapshotCache:
    """The current copy of one store for a long-running process (the app): thread-safe."""

    def __init__(self, loc: StoreLocation) -> None:
        self.loc = loc
        self._lock = threading.Lock()
        self._latest: Snapshot | None = None
        self._by_version: dict[str, Snapshot] = {}
        self._signature: tuple | None = None
        self._looked_at = float("-inf")  # when the last look that saw the store began
        self._failed_at: float | None = None  # when the last look, if it could not read it, ended

    def current(self, *, wait: float | None = None) -> Snapshot:
        """The copy that holds every write released before this call; the first one loads
        waiting up to `wait` for a writer, later ones never wait for a writer."""
        asked = time.monotonic()
        latest = self._latest
        if latest is not None and self._failed_at is not None:
            # The store could not be read at the last look: serve the copy, and let one call
            # try again now and then without the others waiting for it (a server that does not
            # answer holds a look until its connect timeout).
            if asked - self._failed_at < RETRY_AFTER_FAILURE_S:
                return latest
            if not self._lock.acquire(blocking=False):
                return latest
        elif not self._lock.acquire(timeout=LOOK_WAIT_S):
            if latest is None:
                raise StoreBusy("Kho dữ liệu đang được nạp lần đầu; thử lại sau giây lát.")
            return latest
        try:
            if self._latest is None:
                self._load(wait)
            elif self._looked_at < asked:  # no look began after this call: look now
                self._look()
            assert self._latest is not None
            return self._latest
        finally:
            self._lock.release()

    def refresh(self, *, wait: float | None = None) -> Snapshot:
        """Load now (after this process wrote): the writer sees its own write at once."""
        with self._lock:
            self._load(wait)
            assert self._latest is not None
            return self._latest

    def at(self, version: str) -> Snapshot:
        """The copy of a given version if still kept, else the newest (never older)."""
        return self._by_version.get(version) or self.current()

    def _load(self, wait: float | None) -> None:
        began = time.monotonic()
        # The signature is taken before the load, so a write landing during it is seen by the
        # next look.
        signature = None if self.loc.is_postgres else _file_signature(self.loc)
        self._install(load(self.loc, wait=wait), signature, began)

    def _look(self) -> None:
        began = time.monotonic()
        signature = None
        if not self.loc.is_postgres:
            signature = _file_signature(self.loc)
            if signature == self._signature:
                self._looked_at = began
                self._failed_at = None
                return
        try:
            opened = (
                reading(self.loc, wait=0.0)
                if self.loc.is_postgres
                else reading_into_memory(self.loc, wait=0.0)
            )
            with opened as con:
                assert self._latest is not None
                same = store_identity(con) == self._latest.version
                snapshot = None
                if not same:
                    snapshot = copy_into_memory(con) if self.loc.is_postgres else copy_attached(con)
            if snapshot is None:
                if not self.loc.is_postgres:
                    con.close()  # the in-memory database made for a copy that was not needed
                self._signature = signature
                self._looked_at = began
                self._failed_at = None
                return
        except StoreBusy:
            # A writer holds the file: its write is not released yet, so the copy is still the
            # newest state a reader can see. The signature is kept, so the next call looks again.
            self._looked_at = began
            self._failed_at = None
            return
        except StoreError:
            self._failed_at = time.monotonic()  # e.g. the server is unreachable: the copy answers
            return
        self._install(snapshot, signature, began)

    def _install(self, snapshot: Snapshot, signature: tuple | None, began: float) -> None:
        self._by_version[snapshot.version] = snapshot
        while len(self._by_version) > KEEP_VERSIONS:
            del self._by_version[
                next(iter(self._by_version))
            ]  # not closed: a page still reading it keeps it alive
        self._latest = snapshot
        self._signature = signature
        self._looked_at = began
        self._failed_at = None
