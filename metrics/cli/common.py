"""What every `xhht` command shares: exit codes, the refusal, --db and how a command opens the store."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.config import ENV_DB

if TYPE_CHECKING:
    import duckdb

    from metrics.name_lookup import Candidate, Resolution

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class Refused(Exception):
    """The input was understood but cannot be accepted; the message says why (Vietnamese)."""


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="KHO",
        help=f"kho dữ liệu: tệp DuckDB hoặc postgresql://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY_CHỦ:CỔNG/CSDL "
        f"(mặc định: biến môi trường {ENV_DB}, nếu không có thì .xhht/xhht.duckdb)",
    )


def location(text: str | None):
    """The store --db names (else $XHHT_DB, else the default file), or Refused saying why not."""
    from metrics.store import StoreError
    from metrics.store.location import parse_location

    try:
        return parse_location(text)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def open_copy(text: str | None, role: str = "đọc"):
    """A copy of the store in memory for a command that works a while (a check of a large
    file, an export drawing charts): the store itself is held only while the copy is taken, so
    imports and the app go on meanwhile."""
    from metrics.store import StoreError
    from metrics.store.snapshot import load

    try:
        return load(location(text), role=role).con
    except StoreError as exc:
        raise Refused(str(exc)) from exc


@contextmanager
def reader(text: str | None, role: str = "đọc"):
    """The store for a command that reads a few rows and ends (progress, a look-up, a list):
    a DuckDB file is read where it is, shared with other readers for the command's fraction of
    a second (a writer waits that long), and only the rows the command asks for are read;
    PostgreSQL, which readers never hold up, through a copy taken from one committed state."""
    from metrics.store import StoreError
    from metrics.store.backend import reading

    loc = location(text)
    if loc.is_postgres:
        con = open_copy(text, role)
        try:
            yield con
        finally:
            con.close()
        return
    try:
        with reading(loc, role=role) as con:
            yield con
    except StoreError as exc:
        raise Refused(str(exc)) from exc


@contextmanager
def writer(text: str | None, role: str):
    """The store's write lock and one transaction (see metrics.store.backend.writing)."""
    from metrics.store import StoreError, warm_reading
    from metrics.store.backend import writing

    warm_reading()  # before the lock: a first query's library imports are no write's cost
    try:
        with writing(location(text), role=role) as con:
            yield con
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def remove_file_store(path: Path, force: bool) -> None:
    if path.exists():
        if not force:
            raise Refused(
                f"Tệp {path} đã có. Dùng --force để thay bằng kho mới (dữ liệu cũ trong tệp sẽ mất)."
            )
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()


def new_store(
    args: argparse.Namespace, build: Callable[[duckdb.DuckDBPyConnection], object]
) -> tuple[object, str]:
    """Build a new store with `build`: a file appears whole or not at all (built beside it, then
    renamed over it); a PostgreSQL database must hold no store yet and gets it in transactions."""
    import duckdb

    from metrics.store import StoreError
    from metrics.store.backend import creating
    from metrics.store.location import StoreLocation

    loc = location(args.db)
    try:
        if loc.is_postgres:
            if args.force:
                raise Refused(
                    "--force chỉ dùng cho tệp DuckDB. Với PostgreSQL, dùng một cơ sở dữ liệu trống "
                    "(createdb) hoặc tự xóa các bảng cũ."
                )
            with creating(loc) as con:
                return build(con), str(loc)
        assert loc.path is not None
        path = loc.path
        if path.exists() and not args.force:
            raise Refused(
                f"Tệp {path} đã có. Dùng --force để thay bằng kho mới (dữ liệu cũ trong tệp sẽ mất)."
            )
        tmp = path.with_name(path.name + ".building")
        try:
            tmp.unlink(missing_ok=True)
            try:
                with creating(StoreLocation(str(tmp), path=tmp, is_default=loc.is_default)) as con:
                    out = build(con)
            except BaseException:
                if not tmp.is_dir():
                    tmp.unlink(missing_ok=True)
                raise
            remove_file_store(path, force=True)
            tmp.replace(path)  # the store appears whole or not at all
        except (OSError, duckdb.IOException) as exc:
            raise Refused(cannot_create(path, tmp, exc)) from exc
        return out, str(path)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def cannot_create(path: Path, tmp: Path, exc: BaseException) -> str:
    """Why a store file could not be made there, in words, and what to do."""
    fix = "Chọn đường dẫn tới một tệp trong thư mục có quyền ghi, ví dụ `.xhht/xhht.duckdb`."
    if isinstance(exc, NotADirectoryError):
        parent = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        why = f"{parent} là một tệp, không phải thư mục"
    elif isinstance(exc, IsADirectoryError):
        what = tmp if tmp.is_dir() else path
        why = f"{what} là một thư mục (kho được dựng ở {tmp.name} rồi đổi tên); xóa hoặc đổi tên thư mục đó"
    elif isinstance(exc, PermissionError):
        why = f"không có quyền ghi vào {path.parent}"
    else:
        why = f"không ghi được tệp ở {path.parent} ({exc.__class__.__name__})"
    return f"Không tạo được kho {path}: {why}. {fix}"


def locality_for_figures(con: duckdb.DuckDBPyConnection, text: str, year: int | None) -> Candidate:
    """The unit `text` names for looking at figures (today's unit and its history unless the
    text marks it old; metrics.name_lookup.Purpose.VIEW_FIGURES), or Refused with the candidates as
    users read them."""
    from metrics.name_lookup import LocalityIndex, Purpose

    res = LocalityIndex.from_store(con).resolve(text, year=year, purpose=Purpose.VIEW_FIGURES)
    if not res.ok or res.locality is None:
        raise Refused("\n".join([res.message, *candidate_lines(res)]))
    return res.locality


def candidate_lines(res: Resolution) -> list[str]:
    """A refused resolution's candidates, one a line: name, parents, "(cũ)", code; no store ids."""
    if not res.candidates:
        return []
    head = "Các địa bàn có thể là:" if res.status == "ambiguous" else "Có phải là:"
    return [head, *(f"  - {c.label}" for c in res.candidates)]


def year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm phải là số nguyên, không phải “{text}”") from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"năm {value} nằm ngoài khoảng 2000–2100")
    return value
