"""Readers' in-memory copies of the store, reloaded when its data version changes.

Why a copy: a DuckDB file admits one writer or many readers, never both, so a process that
kept the file open would lock every import out, and one that opened it per page would fail
while an import writes. Instead each process copies the tables readers need (the figures in
force, not the superseded ones: ~50 MB nationally, ~0,2 s) into an in-memory DuckDB database,
lets the store go, and serves every page from the copy. A copy is whole: it is taken from one
committed state, checked by reading the data version before and after.

`SnapshotCache.current()` is what a page calls: at most every PROBE_INTERVAL_S it looks whether
the store changed (for a file, its size and time first, then the data version; for PostgreSQL,
the data version) and, if so, loads a new copy; a reader never waits for a writer when it has
a copy: it serves the one it has until the write commits, and the new figures from the next
page run after that.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import duckdb

from metrics.backend import StoreBusy, reading
from metrics.store import StoreError, open_duckdb, store_identity
from metrics.store_location import StoreLocation
from metrics.store_schema import READ_TABLES

PROBE_INTERVAL_S = 0.5
KEEP_VERSIONS = 2  # the newest, and the one a page that started just before it may still read


@dataclass
class Snapshot:
    """One committed state of the store, in memory. `cursor()` for each read."""

    version: str  # metrics.store.store_identity: which store, and which state of it
    con: duckdb.DuckDBPyConnection
    loaded_at: float = field(default_factory=time.time)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()


def copy_into_memory(source: duckdb.DuckDBPyConnection) -> Snapshot:
    """Copy the readers' tables of an open store into a new in-memory database."""
    for _attempt in range(5):
        before = store_identity(source)
        frames = {t: source.execute(f"SELECT * FROM {t}").to_arrow_table() for t in READ_TABLES}
        if store_identity(source) == before:
            mem = open_duckdb(":memory:")
            for table, arrow in frames.items():
                mem.register("_copy", arrow)
                mem.execute(f"CREATE TABLE {table} AS SELECT * FROM _copy")
                mem.unregister("_copy")
            return Snapshot(before, mem)
    raise StoreBusy("Kho dữ liệu thay đổi liên tục trong lúc đọc; thử lại sau giây lát.")


def load(loc: StoreLocation, *, wait: float | None = None, role: str = "đọc") -> Snapshot:
    with reading(loc, wait=wait, role=role) as con:
        return copy_into_memory(con)


def _file_signature(loc: StoreLocation) -> tuple:
    assert loc.path is not None
    sig: list[tuple[int, int, int] | None] = []
    for p in (loc.path, loc.path.with_name(loc.path.name + ".wal")):
        try:
            st = p.stat()
            sig.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            sig.append(None)
    return tuple(sig)


class SnapshotCache:
    """The current copy of one store for a long-running process (the app): thread-safe."""

    def __init__(self, loc: StoreLocation, probe_interval_s: float = PROBE_INTERVAL_S) -> None:
        self.loc = loc
        self.probe_interval_s = probe_interval_s
        self._lock = threading.Lock()
        self._latest: Snapshot | None = None
        self._by_version: dict[str, Snapshot] = {}
        self._signature: tuple | None = None
        self._probed_at = 0.0

    def current(self, *, wait: float | None = None) -> Snapshot:
        """The newest copy; loads the first one (waiting up to `wait` for a writer), then at
        most every probe interval looks for a newer state without ever waiting for a writer."""
        latest = self._latest
        if latest is not None and time.monotonic() - self._probed_at < self.probe_interval_s:
            return latest
        if latest is None:
            with self._lock:
                if self._latest is None:
                    signature = self._signature_now()
                    self._install(load(self.loc, wait=wait), signature)
                assert self._latest is not None
                return self._latest
        if not self._lock.acquire(blocking=False):
            return latest  # another thread is probing or loading: serve what we have
        try:
            self._probe()
        finally:
            self._lock.release()
        assert self._latest is not None
        return self._latest

    def refresh(self, *, wait: float | None = None) -> Snapshot:
        """Load now (after this process wrote): the writer sees its own write at once."""
        with self._lock:
            signature = self._signature_now()
            self._install(load(self.loc, wait=wait), signature)
            assert self._latest is not None
            return self._latest

    def at(self, version: str) -> Snapshot:
        """The copy of a given version if still kept, else the newest (never older)."""
        return self._by_version.get(version) or self.current()

    def _probe(self) -> None:
        self._probed_at = time.monotonic()
        signature = None
        if not self.loc.is_postgres:
            signature = _file_signature(self.loc)
            if signature == self._signature:
                return
        try:
            with reading(self.loc, wait=0.0) as con:
                assert self._latest is not None
                if store_identity(con) == self._latest.version:
                    self._signature = signature
                    return
                snapshot = copy_into_memory(con)
        except StoreBusy:
            return  # a writer holds the store: keep serving this copy, look again next time
        except StoreError:
            return  # e.g. the server is briefly unreachable: the copy still answers
        self._install(snapshot, signature)

    def _signature_now(self) -> tuple | None:
        """Taken before a load, so a write that lands during it is seen by the next probe."""
        return None if self.loc.is_postgres else _file_signature(self.loc)

    def _install(self, snapshot: Snapshot, signature: tuple | None) -> None:
        self._by_version[snapshot.version] = snapshot
        while len(self._by_version) > KEEP_VERSIONS:
            del self._by_version[
                next(iter(self._by_version))
            ]  # not closed: a page still reading it keeps it alive
        self._latest = snapshot
        self._signature = signature
        self._probed_at = time.monotonic()
