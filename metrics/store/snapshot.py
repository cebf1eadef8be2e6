"""Readers' in-memory copies of the store, reloaded when its data version changes.

Why a copy: a DuckDB file admits one writer or many readers, never both, so a process that
kept the file open would lock every import out, and one that opened it per page would fail
while an import writes. Instead each process copies the tables readers need (the figures in
force, not the superseded ones: ~50 MB nationally, ~0,2–1 s) into an in-memory DuckDB database,
lets the store go, and serves every page from the copy. A copy is whole: a DuckDB file is
attached to the in-memory database and copied by DuckDB itself under the file's shared lock
(no writer meanwhile); PostgreSQL's tables come through Arrow, checked by reading the data
version before and after.

`SnapshotCache.current()` is what a page calls. What it returns holds every write released
before the call, unless making the new copy takes longer than the cache's `fresh_wait`
(FRESH_WAIT_S): then it is the copy before, which the process served already, never an older
one. "Released" is when a DuckDB file's writer closes it (its command exits; readers cannot
open the file before) or a PostgreSQL writer commits.

Each call needs a look at the store that began after it: a DuckDB file's size, times and inode;
PostgreSQL's data version, one query on a cursor the cache keeps. One call looks at a time and
the calls that arrived meanwhile wait for the next look, so a burst of page runs costs one or
two looks. When a look finds a new state, one thread of the cache makes the new copy while
page runs go on: a call waits for that copy at most `fresh_wait` seconds, then serves the copy
it has (the bound is why: a copy waits for a store that a maintenance job holds, and a machine
under load makes one copy take seconds; before, every page run waited for it). A writer still
holding the file, or a server that cannot be reached, leaves the copy in place: pages keep
serving it, and an unreachable server is tried again after RETRY_AFTER_FAILURE_S, not by every
page run.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from metrics.store import StoreError, open_duckdb, store_identity
from metrics.store.backend import (
    SOURCE_CATALOG,
    StoreBusy,
    kept_reader,
    reading,
    reading_into_memory,
)
from metrics.store.location import StoreLocation
from metrics.store.schema import READ_TABLES

RETRY_AFTER_FAILURE_S = 2.0
# A page waits at most this long for the newest state of the store (another thread's look, and
# the copy after a write), then serves the copy it has: a national copy takes ~0,2–1 s, and a
# session that reloads just after a write should see it.
FRESH_WAIT_S = 3.0
FIRST_LOAD_WAIT_S = 30.0  # the first copy: there is none to serve meanwhile
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


_UNKNOWN = object()  # a look that found a DuckDB file changed: its version is read by the copy


class SnapshotCache:
    """The current copy of one store for a long-running process (the app): thread-safe."""

    def __init__(self, loc: StoreLocation, *, fresh_wait: float = FRESH_WAIT_S) -> None:
        self.loc = loc
        self.fresh_wait = fresh_wait
        # Guards every field below; waiters for a look or a copy wait on it.
        self._state = threading.Condition()
        self._copying = threading.Lock()  # one copy at a time (the copier's, a refresh, the first)
        self._latest: Snapshot | None = None
        self._copied_at = float("-inf")  # when the last copy (or a try that found no change) began
        self._by_version: dict[str, Snapshot] = {}
        self._signature: tuple | None = None  # the file as it was when _latest was read
        # _latest holds every write released before this moment (a look that found nothing
        # new began then, or the copy's reading did).
        self._fresh_since = float("-inf")
        self._looking = False
        self._looked_at = float("-inf")  # when the last look that ended began
        self._failed_at: float | None = None  # when the last look or copy could not read the store
        # The newest look that found a change: when it began and the version it saw (or
        # _UNKNOWN); the copier runs while it is not met.
        self._wanted: tuple[float, object] | None = None
        self._copier: threading.Thread | None = None
        self._cursor: duckdb.DuckDBPyConnection | None = None  # PostgreSQL: the looks' cursor

    def current(self, *, wait: float | None = None) -> Snapshot:
        """The copy that holds every write released before this call (or, while the copy after
        a write takes longer than `fresh_wait`, the one before it); the first one loads waiting
        up to `wait` for a writer, later ones never wait for a writer."""
        asked = time.monotonic()
        if self._latest is None:
            return self._first(wait)
        deadline = asked + self.fresh_wait
        with self._state:
            while self._fresh_since < asked:
                if self._failed_at is not None and (
                    asked - self._failed_at < RETRY_AFTER_FAILURE_S or self._looking
                ):
                    # The store could not be read at the last look: the copy answers, and one
                    # call now and then tries again without the others waiting for it (a
                    # server that does not answer holds a look until its connect timeout).
                    break
                if not self._looking and self._looked_at < asked:  # no look began since: look
                    self._looking = True
                    self._state.release()
                    try:
                        self._look()
                    finally:
                        self._state.acquire()
                        self._looking = False
                        self._state.notify_all()
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._state.wait(left)
            assert self._latest is not None
            return self._latest

    def refresh(self, *, wait: float | None = None) -> Snapshot:
        """Load now (after this process wrote): the writer sees its own write at once."""
        with self._copying:
            began = time.monotonic()
            signature = self._signature_now()
            self._install(load(self.loc, wait=wait), signature, began)
        assert self._latest is not None
        return self._latest

    def at(self, version: str) -> Snapshot:
        """The copy of a given version if still kept, else the newest (never older)."""
        return self._by_version.get(version) or self.current()

    def _first(self, wait: float | None) -> Snapshot:
        if not self._copying.acquire(timeout=FIRST_LOAD_WAIT_S):
            raise StoreBusy("Kho dữ liệu đang được nạp lần đầu; thử lại sau giây lát.")
        try:
            if self._latest is None:
                began = time.monotonic()
                signature = self._signature_now()
                self._install(load(self.loc, wait=wait), signature, began)
        finally:
            self._copying.release()
        assert self._latest is not None
        return self._latest

    def _signature_now(self) -> tuple | None:
        # Taken before a copy's reading, so a write landing during it is seen by the next look.
        return None if self.loc.is_postgres else _file_signature(self.loc)

    def _look(self) -> None:
        """Whether the store changed since the copy (called by one thread at a time, without
        the state's lock): if so, the copier is asked for a new copy."""
        began = time.monotonic()
        try:
            if self.loc.is_postgres:
                found: object = self._postgres_version()
            else:
                found = _file_signature(self.loc)
        except StoreError:
            with self._state:
                self._failed_at = time.monotonic()  # e.g. the server is unreachable
            return
        with self._state:
            self._looked_at = began
            self._failed_at = None
            assert self._latest is not None
            if found == (self._latest.version if self.loc.is_postgres else self._signature):
                self._fresh_since = max(self._fresh_since, began)
                return
            self._wanted = (began, found if self.loc.is_postgres else _UNKNOWN)
            if self._copier is None:
                self._copier = threading.Thread(
                    target=self._copy_while_wanted, name="xhht-snapshot-copy", daemon=True
                )
                self._copier.start()

    def _postgres_version(self) -> str:
        """The store's identity through the cursor the looks keep (one query; reading(…) would
        take a new cursor and check the schema too, each a round trip through the GIL)."""
        for _attempt in range(2):
            if self._cursor is None:
                self._cursor = kept_reader(self.loc)
            try:
                return store_identity(self._cursor)
            except duckdb.Error:
                with contextlib.suppress(duckdb.Error):
                    self._cursor.close()
                self._cursor = None  # the attached reader went away: take a new cursor
        raise StoreError(f"Không đọc được phiên bản dữ liệu của kho {self.loc}.")

    def _copy_while_wanted(self) -> None:
        """The copier thread: new copies until one meets the newest look that found a change."""
        while True:
            with self._state:
                wanted = self._wanted
                if wanted is not None and self._latest is not None:
                    if wanted[0] <= self._copied_at:
                        wanted = None  # a copy began after that look
                    elif self._latest.version == wanted[1]:
                        # The copy in place holds the state the look saw: every call that
                        # waited for that look is served by it.
                        self._fresh_since = max(self._fresh_since, wanted[0])
                        wanted = None
                if wanted is None:
                    self._wanted = None
                    self._copier = None
                    self._state.notify_all()
                    return
            with self._copying:
                began = time.monotonic()
                try:
                    self._copy(began)
                except StoreError:
                    with self._state:
                        self._failed_at = time.monotonic()
                        self._wanted = None
                        self._copier = None
                        self._state.notify_all()
                    return

    def _copy(self, began: float) -> None:
        signature = self._signature_now()
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
                with self._state:
                    self._signature = signature
                    self._copied_at = began
                    self._fresh_since = max(self._fresh_since, began)
                    self._failed_at = None
                return
        except StoreBusy:
            # A writer holds the file: its write is not released yet, so the copy is still the
            # newest state a reader can see. The signature is kept, so the next look asks again.
            with self._state:
                self._copied_at = began
                self._fresh_since = max(self._fresh_since, began)
                self._failed_at = None
            return
        self._install(snapshot, signature, began)

    def _install(self, snapshot: Snapshot, signature: tuple | None, began: float) -> None:
        with self._state:
            if began < self._copied_at:
                return  # a copy that began later is in place already (copies run one at a time)
            self._by_version[snapshot.version] = snapshot
            while len(self._by_version) > KEEP_VERSIONS:
                del self._by_version[
                    next(iter(self._by_version))
                ]  # not closed: a page still reading it keeps it alive
            self._latest = snapshot
            self._signature = signature
            self._copied_at = began
            self._fresh_since = max(self._fresh_since, began)
            self._failed_at = None
            self._state.notify_all()
