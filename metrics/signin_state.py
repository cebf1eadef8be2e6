"""Sign-in state every app process shares: the sessions a password sign-in opened (by an opaque
id; sign-out ends one at once, everywhere), wrong passwords by name and client address, and the
addresses each name has signed in from. No password or cookie is kept: a session is stored
under the SHA-256 of its id.

Where it lives follows the store: beside the accounts file in a SQLite database
(`signin.sqlite`, mode 600) when the store is a DuckDB file — every process of that one machine
reads it, and SQLite lets many processes read and write it at once, never waiting for an import
that holds the store file; in the store's own PostgreSQL database (tables `signin_*`, made on
first use) when the store is PostgreSQL, so every machine of a service sees one state."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from metrics.store import StoreError
from metrics.store.location import StoreLocation

SESSION_DAYS_KEPT = 31  # longer than the longest session_hours the accounts file allows
FAILURES_KEPT_S = 24 * 3600

TABLES = (
    """CREATE TABLE IF NOT EXISTS signin_sessions (
        id_hash TEXT NOT NULL, name TEXT NOT NULL, password_mark TEXT NOT NULL,
        issued_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION)""",
    """CREATE TABLE IF NOT EXISTS signin_failures (
        name TEXT NOT NULL, address TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS signin_addresses (
        name TEXT NOT NULL, address TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)""",
)


class SigninStateError(Exception):
    """The shared sign-in state cannot be read or written; the message says where (Vietnamese)."""


@dataclass(frozen=True)
class Session:
    name: str
    password_mark: str
    issued_at: float


@dataclass(frozen=True)
class Failures:
    """Wrong passwords since a moment: for a name from anywhere, for it from one address, and
    from that address for any name; `last_here` is when the newest from that address came."""

    name_total: int
    name_here: int
    address_total: int
    last_here: float | None


class _Backend(Protocol):
    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]: ...

    def run_many(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None: ...


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SigninState:
    def __init__(self, backend: _Backend, where: str) -> None:
        self._db = backend
        self.where = where

    # --- sessions -----------------------------------------------------------------------------

    def open_session(self, name: str, password_mark: str) -> str:
        """A new session for `name`; its id (the cookie's value) is returned once, kept hashed."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        self._db.run_many(
            [
                (
                    "DELETE FROM signin_sessions WHERE issued_at < ?",
                    [now - SESSION_DAYS_KEPT * 86400],
                ),
                (
                    "INSERT INTO signin_sessions VALUES (?, ?, ?, ?, NULL)",
                    [_id_hash(session_id), name, password_mark, now],
                ),
            ]
        )
        return session_id

    def session(self, session_id: str, max_age_s: float) -> Session | None:
        """The session this id opened, while it is younger than max_age_s and not ended."""
        rows = self._db.run(
            "SELECT name, password_mark, issued_at FROM signin_sessions "
            "WHERE id_hash = ? AND ended_at IS NULL AND issued_at > ?",
            [_id_hash(session_id), time.time() - max_age_s],
        )
        return Session(str(rows[0][0]), str(rows[0][1]), float(rows[0][2])) if rows else None

    def end_session(self, session_id: str) -> None:
        self._db.run(
            "UPDATE signin_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
            [time.time(), _id_hash(session_id)],
        )

    def end_sessions_of(self, name: str) -> None:
        """End every session of `name` (a new password, a removed account)."""
        self._db.run(
            "UPDATE signin_sessions SET ended_at = ? WHERE name = ? AND ended_at IS NULL",
            [time.time(), name],
        )

    # --- wrong passwords ----------------------------------------------------------------------

    def record_failure(self, name: str, address: str) -> None:
        now = time.time()
        self._db.run_many(
            [
                ("DELETE FROM signin_failures WHERE at < ?", [now - FAILURES_KEPT_S]),
                ("INSERT INTO signin_failures VALUES (?, ?, ?)", [name, address, now]),
            ]
        )

    def failures(self, name: str, address: str, since: float) -> Failures:
        rows = self._db.run(
            "SELECT "
            "  count(*) FILTER (WHERE name = ?) AS name_total, "
            "  count(*) FILTER (WHERE name = ? AND address = ?) AS name_here, "
            "  count(*) FILTER (WHERE address = ?) AS address_total, "
            "  max(at) FILTER (WHERE name = ? AND address = ?) AS last_here "
            "FROM signin_failures WHERE at >= ? AND (name = ? OR address = ?)",
            [name, name, address, address, name, address, since, name, address],
        )
        total, here, by_address, last = rows[0]
        return Failures(int(total), int(here), int(by_address), float(last) if last else None)

    def newest_failure(self, column: str, value: str) -> float | None:
        """When the newest wrong password for this name (`column` "name") or from this address
        ("address") came."""
        assert column in ("name", "address")  # a column of ours, never user input
        rows = self._db.run(f"SELECT max(at) FROM signin_failures WHERE {column} = ?", [value])
        return float(rows[0][0]) if rows and rows[0][0] is not None else None

    def record_success(self, name: str, address: str) -> None:
        """`name` signed in from `address`: a known address from now on; its failures there end."""
        now = time.time()
        self._db.run_many(
            [
                (
                    "DELETE FROM signin_failures WHERE name = ? AND address = ?",
                    [name, address],
                ),
                (
                    "DELETE FROM signin_addresses WHERE name = ? AND address = ?",
                    [name, address],
                ),
                ("INSERT INTO signin_addresses VALUES (?, ?, ?)", [name, address, now]),
            ]
        )

    def is_known(self, name: str, address: str) -> bool:
        rows = self._db.run(
            "SELECT count(*) FROM signin_addresses WHERE name = ? AND address = ?",
            [name, address],
        )
        return bool(rows[0][0])


# --- SQLite beside the accounts file ----------------------------------------------------------


class _Sqlite:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            with self._connect() as con:
                con.execute("PRAGMA journal_mode = WAL")
                for ddl in TABLES:
                    con.execute(ddl)
                con.execute(
                    "CREATE INDEX IF NOT EXISTS signin_sessions_id ON signin_sessions (id_hash)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise SigninStateError(_sqlite_message(path, exc)) from exc

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: cheap for SQLite, and safe from any thread of the server.
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            with self._connect() as con:
                return con.execute(sql, list(params)).fetchall()
        except sqlite3.Error as exc:
            raise SigninStateError(_sqlite_message(self.path, exc)) from exc

    def run_many(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        try:
            with self._connect() as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in statements:
                        con.execute(sql, list(params))
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise SigninStateError(_sqlite_message(self.path, exc)) from exc


def _sqlite_message(path: Path, exc: Exception) -> str:
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"Không ghi được trạng thái đăng nhập vào {path} ({why}). Cho tiến trình của ứng dụng "
        "quyền đọc và ghi thư mục này (nơi có tệp tài khoản)."
    )


# --- PostgreSQL: the store's own database ------------------------------------------------------


class _Postgres:
    def __init__(self, loc: StoreLocation) -> None:
        import duckdb

        from metrics.store.backend import PG_CATALOG, _attach_postgres

        self.loc = loc
        self._catalog = PG_CATALOG
        self._lock = threading.Lock()
        self._error = duckdb.Error
        try:
            self._con = _attach_postgres(loc, role="đăng nhập", read_only=False)
            for ddl in TABLES:
                sql = ddl.replace("'", "''")
                self._con.execute(f"CALL postgres_execute('{PG_CATALOG}', '{sql}')")
            self._con.execute(
                f"CALL postgres_execute('{PG_CATALOG}', 'SET standard_conforming_strings = on')"
            )
        except (StoreError, duckdb.Error) as exc:
            raise SigninStateError(self._message(exc)) from exc

    def _message(self, exc: Exception) -> str:
        if isinstance(exc, StoreError):
            return str(exc)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"Không đọc hoặc ghi được trạng thái đăng nhập trong kho {self.loc}: {first}"

    def _literal(self, value: object) -> str:
        # The extension's writes cannot bind parameters: values are written as PostgreSQL
        # literals (standard_conforming_strings is on, set below: a quote is doubled, nothing else).
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return repr(float(value)) if isinstance(value, float) else str(int(value))
        text = str(value).replace("\x00", "")
        return "'" + text.replace("'", "''") + "'"

    def _sql(self, sql: str, params: Sequence[object]) -> str:
        parts = sql.split("?")
        assert len(parts) == len(params) + 1
        out = parts[0]
        for value, rest in zip(params, parts[1:], strict=True):
            out += self._literal(value) + rest
        return out.replace("'", "''")  # inside the DuckDB string that carries it

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        text = self._sql(sql, params)
        with self._lock:
            try:
                if sql.lstrip().upper().startswith("SELECT"):
                    return self._con.execute(
                        f"SELECT * FROM postgres_query('{self._catalog}', '{text}')"
                    ).fetchall()
                self._con.execute(f"CALL postgres_execute('{self._catalog}', '{text}')")
                return []
            except self._error as exc:
                raise SigninStateError(self._message(exc)) from exc

    def run_many(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        # One string of statements: PostgreSQL runs it as one transaction.
        text = "; ".join(self._sql(sql, params) for sql, params in statements)
        with self._lock:
            try:
                self._con.execute(f"CALL postgres_execute('{self._catalog}', '{text}')")
            except self._error as exc:
                raise SigninStateError(self._message(exc)) from exc


def state_path(accounts_file: Path) -> Path:
    return accounts_file.with_name("signin.sqlite")


@functools.cache
def _shared(kind: str, where: str, spec: str) -> SigninState:
    if kind == "postgres":
        from metrics.store.location import parse_location

        loc = parse_location(spec)
        return SigninState(_Postgres(loc), str(loc))
    path = Path(where)
    return SigninState(_Sqlite(path), str(path))


def shared(store: StoreLocation, accounts_file: Path) -> SigninState:
    """This process's handle on the sign-in state for this store and accounts file."""
    if store.is_postgres:
        return _shared("postgres", str(store), store.reopen)
    return _shared("sqlite", str(state_path(accounts_file).resolve()), "")
