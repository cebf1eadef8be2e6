"""Where the store lives: `--db` (else $XHHT_DB, else .xhht/xhht.duckdb) parsed into a DuckDB file
path or a PostgreSQL address, its password kept out of every message.

A `postgresql://` URL becomes a libpq key=value string (metrics.store.backend attaches it); anything
that cannot be a store is refused here, saying why.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from metrics.config import DEFAULT_DB, ENV_DB
from metrics.store import StoreError

# libpq options a URL may carry after `?`; anything else is refused rather than ignored.
PG_URL_OPTIONS = ("sslmode", "connect_timeout", "application_name", "sslrootcert", "options")


@dataclass(frozen=True)
class StoreLocation:
    """A parsed --db: `path` for a DuckDB file, `dsn` (libpq key=value) for PostgreSQL."""

    text: str  # as the user wrote it, password hidden: for messages
    path: Path | None = None
    dsn: str | None = None
    is_default: bool = False
    spec: str = ""  # as the user wrote it, password included: parse_location(spec) gives it back
    pg_options: str = ""  # the URL's `options` (server settings, "-c name=value ..."), if any

    @property
    def reopen(self) -> str:
        """The text that names this store again (never shown: it may hold a password)."""
        return self.spec or self.text

    @property
    def is_postgres(self) -> bool:
        return self.dsn is not None

    def __str__(self) -> str:
        return self.text


def parse_location(text: str | os.PathLike[str] | None) -> StoreLocation:
    """--db, else $XHHT_DB, else the default file. Refuses what cannot be a store, saying why."""
    if text is None or str(text) == "":
        from_env = os.environ.get(ENV_DB, "")
        if from_env:
            return parse_location(from_env)
        return StoreLocation(str(DEFAULT_DB), path=DEFAULT_DB, is_default=True)
    raw = str(text).strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw):
        return _parse_url(raw)
    path = Path(raw).expanduser()
    try:
        is_dir = path.is_dir()
    except OSError:  # a folder on the way this process may not enter: opening it says so
        is_dir = False
    if is_dir:
        raise StoreError(
            f"{path} là một thư mục, không phải tệp kho. Chỉ tên tệp, ví dụ `{path / 'xhht.duckdb'}`."
        )
    return StoreLocation(str(path), path=path, is_default=path.resolve() == DEFAULT_DB.resolve())


def _parse_url(raw: str) -> StoreLocation:
    parts = urlsplit(raw)
    example = "postgresql://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY_CHỦ:5432/TÊN_CSDL"
    if parts.scheme not in ("postgresql", "postgres"):
        raise StoreError(
            f"Không hiểu địa chỉ kho “{_hide_password(raw)}”: chỉ nhận tệp DuckDB hoặc {example}."
        )
    bad_port = f"Cổng trong “{_hide_password(raw)}” không phải số từ 1 đến 65535. Ví dụ: {example}."
    try:
        port = 5432 if parts.port is None else parts.port
    except ValueError:
        raise StoreError(bad_port) from None
    if not 1 <= port <= 65535:
        raise StoreError(bad_port)
    host = parts.hostname
    dbname = unquote(parts.path.lstrip("/"))
    if not host:
        raise StoreError(f"Địa chỉ “{_hide_password(raw)}” thiếu tên máy chủ. Ví dụ: {example}.")
    if not dbname or "/" in dbname:
        raise StoreError(
            f"Địa chỉ “{_hide_password(raw)}” thiếu tên cơ sở dữ liệu sau dấu “/”. Ví dụ: {example}."
        )
    if not parts.username:
        raise StoreError(f"Địa chỉ “{_hide_password(raw)}” thiếu tên người dùng. Ví dụ: {example}.")
    options = {"host": host, "port": str(port), "dbname": dbname, "user": unquote(parts.username)}
    if parts.password is not None:
        options["password"] = unquote(parts.password)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in PG_URL_OPTIONS:
            raise StoreError(
                f"Tham số “{key}” trong địa chỉ kho không được hỗ trợ; dùng một trong: {', '.join(PG_URL_OPTIONS)}."
            )
        options[key] = value
    options.setdefault("connect_timeout", "10")
    shown = f"postgresql://{options['user']}@{host}:{port}/{dbname}"
    user_options = options.pop("options", "")
    return StoreLocation(
        shown,
        dsn=" ".join(f"{k}={libpq_quote(v)}" for k, v in options.items()),
        spec=raw,
        pg_options=user_options,
    )


def _hide_password(raw: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)


def libpq_quote(value: str) -> str:
    """A value of a libpq key=value string, quoted."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
