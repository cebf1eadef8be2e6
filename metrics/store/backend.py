"""How a process opens the store, a DuckDB file or a PostgreSQL database: reading, writing (the
write lock), creating.

Either way the caller gets a DuckDB connection whose default catalogue is the store, so one SQL
dialect serves both: PostgreSQL is attached through DuckDB's postgres extension, loaded offline
from its PyPI wheel. Where the store is (`--db`) is parsed by metrics.store.location.

Two ways in:
- `reading(loc)`: a short read. A DuckDB file admits many readers or one writer, never both, so
  readers hold it only while they copy what they need (metrics.store.snapshot) and let go.
- `writing(loc)`: one writer at a time, in one transaction. A DuckDB file is locked by the
  writing process; on PostgreSQL the writer locks the `batches` table, so writers from any
  machine are ordered by the database's own transactions. A writer that finds the store busy
  waits up to `wait` seconds ($XHHT_LOCK_WAIT, default 30), then is refused with a Vietnamese
  message naming what holds the store. `writes_under_way(loc)` names this process's writers
  while they wait or write; `write_in_progress(loc)` also sees other processes' writers, so a
  page can say that a write is running.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from metrics.normalise import strip_marks
from metrics.store import StoreError, check_store, not_a_store_file, open_duckdb, opening_error
from metrics.store.location import StoreLocation, libpq_quote

ENV_LOCK_WAIT = "XHHT_LOCK_WAIT"
DEFAULT_LOCK_WAIT_S = 30.0
PG_CATALOG = "store"
SOURCE_CATALOG = "xhht_source"  # a DuckDB file attached to an in-memory database for a copy


class StoreBusy(StoreError):
    """Another process holds the store for writing (or, for a writer, at all) past the wait."""


def lock_wait_s() -> float:
    raw = os.environ.get(ENV_LOCK_WAIT, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_WAIT_S
    except ValueError:
        return DEFAULT_LOCK_WAIT_S


# One DuckDB file must never be open twice in one process with different settings, and POSIX
# file locks do not keep a process from itself: this lock orders a process's own opens of its
# files (the app's readers and its import share a process).
_IN_PROCESS = threading.RLock()


# The writers this process has under way (waiting for the lock or writing), for pages to say
# that a write is running: a page opened meanwhile still reads the state before it.
_UNDER_WAY: dict[int, tuple[str, str]] = {}
_UNDER_WAY_LOCK = threading.Lock()
_UNDER_WAY_IDS = itertools.count()


def writes_under_way(loc: StoreLocation) -> list[str]:
    """The roles of this process's writers of `loc` under way, first come first."""
    with _UNDER_WAY_LOCK:
        return [role for where, role in _UNDER_WAY.values() if where == str(loc)]


def write_in_progress(loc: StoreLocation) -> bool:
    """Whether the store is being written now, by this process or any other (an `xhht import`
    or `rollback` at the console, another app server): for a page to say so on every run. Read
    only and cheap: it neither opens nor locks the store, and never waits.

    A DuckDB file: a writer of this process, or a write lock on the file in the kernel's table
    of locks (Linux's /proc/locks; elsewhere only this process's writers are known). PostgreSQL:
    a session holding or waiting for the writers' lock on `batches` (pg_locks), asked through
    this process's attached reader."""
    if writes_under_way(loc):
        return True
    if loc.is_postgres:
        return _postgres_write_locked(loc)
    assert loc.path is not None
    return _file_write_locked(loc.path)


def _file_write_locked(path: Path) -> bool:
    """A process holds a write lock on the file ("POSIX ADVISORY WRITE <pid> <dev>:<inode>"):
    DuckDB takes one for as long as it has the file open for writing."""
    try:
        st = path.stat()
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            table = fh.read()
    except OSError:
        return False
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(
        "WRITE" in fields and wanted in fields
        for fields in (line.split() for line in table.splitlines())
    )


def _postgres_write_locked(loc: StoreLocation) -> bool:
    try:
        cur = _postgres_reader(loc, "xem có ai đang ghi")
    except StoreError:
        return False
    try:
        rows = run_in_postgres(
            cur,
            "SELECT count(*) FROM pg_locks l WHERE l.locktype = 'relation' "
            "AND l.mode = 'ExclusiveLock' AND l.relation = 'batches'::regclass "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
    except duckdb.Error:
        return False
    finally:
        cur.close()
    return bool(rows and rows[0][0])


@contextmanager
def _under_way(loc: StoreLocation, role: str) -> Iterator[None]:
    with _UNDER_WAY_LOCK:
        token = next(_UNDER_WAY_IDS)
        _UNDER_WAY[token] = (str(loc), role)
    try:
        yield
    finally:
        with _UNDER_WAY_LOCK:
            del _UNDER_WAY[token]


def _postgres_extension() -> str:
    import duckdb_extension_postgres_scanner as ext  # the wheel only carries the binary

    base = Path(ext.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = sorted(base.glob("postgres_scanner.duckdb_extension"))
    if not found:
        raise StoreError(
            f"Thiếu phần mở rộng postgres của DuckDB {duckdb.__version__} (gói duckdb-extension-postgres-scanner)."
        )
    return str(found[0])


def _attach_postgres(
    loc: StoreLocation, *, role: str, read_only: bool, settings: dict[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """`settings`: server settings for this session (after the URL's own `options`)."""
    assert loc.dsn is not None
    con = open_duckdb(":memory:")
    try:
        con.execute(f"LOAD '{_postgres_extension()}'")
        # PostgreSQL keeps only printable ASCII of an application name (others become "?") and
        # at most 63 bytes: the role is written without marks.
        app = ascii_text(f"xhht {role} (may {socket.gethostname()}, PID {os.getpid()})")[:63]
        dsn = f"{loc.dsn} application_name={libpq_quote(app)}"
        options = " ".join(
            [loc.pg_options, *(f"-c {k}={v}" for k, v in (settings or {}).items())]
        ).strip()
        if options:
            dsn += f" options={libpq_quote(options)}"
        mode = ", READ_ONLY" if read_only else ""
        con.execute(f"ATTACH {_sql_text(dsn)} AS {PG_CATALOG} (TYPE postgres{mode})")
        con.execute(f"USE {PG_CATALOG}")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(_postgres_message(loc, exc)) from exc
    return con


def ascii_text(text: str) -> str:
    """Vietnamese without marks, other non-ASCII dropped: "giữ khóa" → "giu khoa"."""
    return strip_marks(text).encode("ascii", "ignore").decode()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _postgres_message(loc: StoreLocation, exc: Exception) -> str:
    text = str(exc)
    if "password authentication failed" in text or "no password supplied" in text:
        return f"Máy chủ PostgreSQL từ chối đăng nhập vào {loc}: sai tên người dùng hoặc mật khẩu."
    if re.search(r'database "[^"]*" does not exist', text):
        return f"Máy chủ PostgreSQL không có cơ sở dữ liệu trong {loc}. Tạo nó trước (createdb), rồi `xhht init --db …`."
    if (
        "Connection refused" in text
        or "could not connect" in text
        or "timeout expired" in text
        or "could not translate host name" in text
        or "Unable to connect" in text
    ):
        return (
            f"Không kết nối được tới máy chủ PostgreSQL của {loc}: máy chủ chưa chạy, sai địa chỉ/cổng, "
            "hoặc tường lửa chặn. Kiểm tra máy chủ rồi thử lại."
        )
    return f"Không mở được kho PostgreSQL {loc}: {text.splitlines()[0] if text else type(exc).__name__}"


def _holder(text: str) -> str:
    """Who holds a DuckDB file, from DuckDB's lock message: the command line of that PID."""
    match = re.search(r"\(PID (\d+)\)", text)
    if not match:
        return "một tiến trình khác"
    pid = int(match.group(1))
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        words = [
            Path(a.decode(errors="replace")).name if i == 0 else a.decode(errors="replace")
            for i, a in enumerate(argv)
            if a
        ]
        what = " ".join(words)[:120]
    except OSError:
        what = ""
    return f"tiến trình PID {pid}" + (f" ({what})" if what else "")


def _is_lock_conflict(exc: Exception) -> bool:
    return "Could not set lock" in str(exc) or "Conflicting lock" in str(exc)


def _open_file(
    loc: StoreLocation,
    *,
    read_only: bool,
    wait: float,
    role: str,
    into: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    """The file opened (waiting for a writer up to `wait`); with `into`, attached read-only
    to that connection as SOURCE_CATALOG instead, and `into` returned."""
    assert loc.path is not None
    path = loc.path
    try:
        exists = path.exists()
    except OSError as exc:
        raise StoreError(
            f"Không vào được thư mục của kho dữ liệu {path}: tiến trình này không có quyền "
            f"({exc.strerror}). Cấp quyền đọc thư mục {path.parent} rồi thử lại."
        ) from exc
    if not exists:
        raise StoreError(
            f"Không tìm thấy kho dữ liệu {path}. Tạo kho bằng `xhht demo --db {path}` hoặc `xhht init --db {path}`."
        )
    wrong = not_a_store_file(path)
    if wrong:
        raise StoreError(wrong)
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            if into is None:
                return open_duckdb(path, read_only=read_only)
            into.execute(f"ATTACH {_sql_text(str(path))} AS {SOURCE_CATALOG} (READ_ONLY)")
            return into
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                raise StoreError(opening_error(path, exc, read_only=read_only)) from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"Kho dữ liệu {path} đang được {_holder(str(exc))} ghi hoặc giữ, đã chờ {wait:g} giây. "
                    f"Kho vẫn nguyên vẹn: đợi việc đó xong rồi chạy lại lệnh {role}"
                    f" (hoặc chờ lâu hơn bằng biến môi trường {ENV_LOCK_WAIT}=giây)."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)


@contextmanager
def reading(
    loc: StoreLocation, *, wait: float | None = None, role: str = "đọc", check: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for a short read; the store is checked (ours, this schema version) unless
    `check=False` (`xhht check` reports what it finds instead)."""
    wait = lock_wait_s() if wait is None else wait
    if loc.is_postgres:
        # PostgreSQL has no file lock to release: a process keeps one attached reader (loading
        # the extension and attaching costs far more than a query) and reads through cursors.
        cur = _postgres_reader(loc, role)
        try:
            if check:
                check_store(cur, str(loc))
            yield cur
        finally:
            cur.close()
        return
    with _in_process(wait, loc, role):
        con = _open_file(loc, read_only=True, wait=wait, role=role)
        try:
            if check:
                check_store(con, str(loc))
            yield con
        finally:
            con.close()


@contextmanager
def reading_into_memory(
    loc: StoreLocation, *, wait: float | None = None, role: str = "đọc"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB file store attached read-only to a new in-memory database, and in use (its
    catalogue is SOURCE_CATALOG, the in-memory one "memory"): the caller copies what it needs
    into memory with DuckDB's own engine, the file is let go when the block ends, and the
    connection, back in memory, stays the caller's. The copy runs in DuckDB without Python
    objects in between (and without its lock held), unlike one through Arrow tables."""
    assert not loc.is_postgres
    wait = lock_wait_s() if wait is None else wait
    con = open_duckdb(":memory:")
    try:
        with _in_process(wait, loc, role):
            _open_file(loc, read_only=True, wait=wait, role=role, into=con)
            try:
                con.execute(f"USE {SOURCE_CATALOG}")
                check_store(con, str(loc))
                yield con
            finally:
                con.execute("USE memory")
                con.execute(f"DETACH {SOURCE_CATALOG}")
    except BaseException:
        con.close()
        raise


def kept_reader(loc: StoreLocation, role: str = "đọc") -> duckdb.DuckDBPyConnection:
    """A cursor on this process's attached PostgreSQL reader, in the store's catalogue, for a
    caller that keeps it for many short reads (one query each, no check of the store): closing
    it is the caller's, and so is taking another when it fails (the reader was re-attached)."""
    assert loc.is_postgres
    return _postgres_reader(loc, role)


_POSTGRES_READERS: dict[str, duckdb.DuckDBPyConnection] = {}
_POSTGRES_READERS_LOCK = threading.Lock()


def _postgres_reader(loc: StoreLocation, role: str) -> duckdb.DuckDBPyConnection:
    """A cursor on this process's attached reader, re-attached when the server went away or
    the database's tables appeared after it was attached (the catalogue is cached)."""
    assert loc.dsn is not None
    with _POSTGRES_READERS_LOCK:
        con = _POSTGRES_READERS.get(loc.dsn)
        if con is not None:
            try:
                cur = con.cursor()
                cur.execute(f"USE {PG_CATALOG}")  # a cursor starts in the in-memory catalogue
                cur.execute("SELECT 1 FROM meta LIMIT 0").fetchall()
                return cur
            except duckdb.Error:
                with contextlib.suppress(duckdb.Error):
                    con.close()
                del _POSTGRES_READERS[loc.dsn]
        con = _attach_postgres(loc, role=role, read_only=True)
        _POSTGRES_READERS[loc.dsn] = con
        cur = con.cursor()
        cur.execute(f"USE {PG_CATALOG}")
        return cur


@contextmanager
def writing(
    loc: StoreLocation, *, wait: float | None = None, role: str = "ghi", check: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The write lock and one transaction: committed when the block ends, rolled back (store
    untouched) when it raises or the process dies. `check=False` only for upgrading a store of
    an older schema."""
    wait = lock_wait_s() if wait is None else wait
    with _under_way(loc, role), _in_process(wait, loc, role):
        if loc.is_postgres:
            con = _attach_postgres(loc, role=role, read_only=False)
        else:
            con = _open_file(loc, read_only=False, wait=wait, role=role)
        try:
            if check:
                check_store(con, str(loc))
            con.execute("BEGIN TRANSACTION")
            try:
                if loc.is_postgres:
                    _lock_postgres(con, loc, wait, role)
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()


def checkpoint_file(loc: StoreLocation, *, wait: float | None = None, role: str = "ghi") -> None:
    """Write a DuckDB file's log (left by a writer killed after its commit) into the file, as
    a writer would: waits for the write lock like any writer."""
    wait = lock_wait_s() if wait is None else wait
    with _in_process(wait, loc, role):
        con = _open_file(loc, read_only=False, wait=wait, role=role)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()


@contextmanager
def postgres_maintenance(
    loc: StoreLocation, *, wait: float | None = None, role: str = "bảo trì kho"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A PostgreSQL store attached for statements that run outside any transaction (VACUUM);
    each waits at most `wait` seconds for a lock another session holds."""
    wait = lock_wait_s() if wait is None else wait
    ms = max(1, int(wait * 1000))
    with _in_process(wait, loc, role):
        con = _attach_postgres(loc, role=role, read_only=False, settings={"lock_timeout": str(ms)})
        try:
            check_store(con, str(loc))
            yield con
        finally:
            con.close()


def run_outside_transaction(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """A PostgreSQL statement that may not run in a transaction block (VACUUM)."""
    con.execute(
        f"CALL postgres_execute({_sql_text(PG_CATALOG)}, {_sql_text(sql)}, use_transaction := false)"
    )


def run_in_postgres(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """The rows of a query PostgreSQL itself answers (its own functions and catalogue)."""
    return con.execute(
        f"SELECT * FROM postgres_query({_sql_text(PG_CATALOG)}, {_sql_text(sql)})"
    ).fetchall()


def is_lock_timeout(exc: Exception) -> bool:
    return "lock timeout" in str(exc)


def run_in_store(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a statement (no parameters) by the store's own engine, inside the caller's
    transaction: PostgreSQL's when the store is a PostgreSQL database (its indexes answer and
    no rows cross to DuckDB), DuckDB's for a file. The SQL must be valid in both."""
    rows = con.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    if rows and rows[0][0] == "postgres":
        con.execute(f"CALL postgres_execute({_sql_text(PG_CATALOG)}, {_sql_text(sql)})")
    else:
        con.execute(sql)


@contextmanager
def creating(loc: StoreLocation) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new, empty store (`xhht init`, `store copy`): a new file, or an
    existing PostgreSQL database that holds no store yet. The caller makes the schema."""
    with _in_process(lock_wait_s(), loc, "tạo kho"):
        if loc.is_postgres:
            con = _attach_postgres(loc, role="tạo kho", read_only=False)
            try:
                if _has_tables(con):
                    raise StoreError(
                        f"Cơ sở dữ liệu {loc} đã có bảng của kho. Dùng một cơ sở dữ liệu trống "
                        "(hoặc xóa các bảng cũ bằng psql nếu chắc chắn không cần)."
                    )
            except BaseException:
                con.close()
                raise
        else:
            assert loc.path is not None
            # Only a command that makes a store makes its folder; every other command refuses
            # a missing store and creates nothing.
            try:
                loc.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Không tạo được thư mục {loc.path.parent}: {exc.strerror}."
                ) from exc
            wrong = not_a_store_file(loc.path) if loc.path.exists() else None
            if wrong:
                raise StoreError(wrong)
            try:
                con = open_duckdb(loc.path)
            except duckdb.Error as exc:
                raise StoreError(opening_error(loc.path, exc, read_only=False)) from exc
        try:
            yield con
        finally:
            con.close()


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'meta'",
        [PG_CATALOG],
    ).fetchall()
    return bool(rows[0][0])


@contextmanager
def _in_process(wait: float, loc: StoreLocation, role: str) -> Iterator[None]:
    if not _IN_PROCESS.acquire(timeout=max(wait, 0.05)):
        raise StoreBusy(
            f"Kho dữ liệu {loc} đang được một việc khác của chính tiến trình này dùng; "
            f"đã chờ {wait:g} giây. Thử lại lệnh {role} sau ít phút."
        )
    try:
        yield
    finally:
        _IN_PROCESS.release()


def _lock_postgres(
    con: duckdb.DuckDBPyConnection, loc: StoreLocation, wait: float, role: str
) -> None:
    """Order writers by PostgreSQL's own locks: EXCLUSIVE on batches lets readers read on."""
    ms = max(1, int(wait * 1000))
    con.execute(f"CALL postgres_execute('{PG_CATALOG}', 'SET LOCAL lock_timeout = {ms}')")
    try:
        con.execute(
            f"CALL postgres_execute('{PG_CATALOG}', 'LOCK TABLE batches IN EXCLUSIVE MODE')"
        )
    except duckdb.Error as exc:
        if not is_lock_timeout(exc):
            raise StoreError(_postgres_message(loc, exc)) from exc
        raise StoreBusy(
            f"Kho dữ liệu {loc} đang được {_postgres_writer(loc)} ghi, đã chờ {wait:g} giây. "
            f"Kho vẫn nguyên vẹn: đợi việc đó xong rồi chạy lại lệnh {role}"
            f" (hoặc chờ lâu hơn bằng biến môi trường {ENV_LOCK_WAIT}=giây)."
        ) from exc


def _postgres_writer(loc: StoreLocation) -> str:
    """The application name of the session that holds the write lock, for the message."""
    try:
        con = _attach_postgres(loc, role="xem ai đang ghi", read_only=True)
    except StoreError:
        return "một phiên khác"
    try:
        rows = con.execute(
            f"""SELECT * FROM postgres_query('{PG_CATALOG}', 'SELECT a.application_name, host(a.client_addr)
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.relation = ''batches''::regclass AND l.mode = ''ExclusiveLock'' AND l.granted')"""
        ).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    if not rows:
        return "một phiên khác"
    name, addr = rows[0]
    return f"“{name or 'không tên'}”" + (f" từ {addr}" if addr else "")
