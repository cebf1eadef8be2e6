"""A throwaway PostgreSQL server on 127.0.0.1 for the tests and the benchmark: Debian's
`postgresql` binaries, `initdb` as the `postgres` user into a temporary folder, a free port,
password sign-in (scram) so a wrong password is refused as in production; stopped after."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "xhht"
PASSWORD = "mat-khau-thu"


@dataclass(frozen=True)
class Cluster:
    port: int
    socket_dir: Path
    bindir: Path

    def url(self, dbname: str, password: str | None = PASSWORD, user: str = USER) -> str:
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL as the superuser over the local socket (no password)."""
        out = _as_postgres(
            [
                str(self.bindir / "psql"),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                USER,
                "-d",
                dbname,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                sql,
            ]
        )
        return out.strip()

    def create_database(self, dbname: str) -> str:
        self.psql(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)


def bindir() -> Path:
    """Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")


def _as_postgres(argv: list[str]) -> str:
    """Run as the `postgres` system user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    bins = bindir()
    base = Path(tempfile.mkdtemp(prefix="xhht-pg-"))
    os.chmod(base, 0o777)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    os.chmod(sock, 0o777)
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    os.chmod(pwfile, 0o644)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    _as_postgres(
        [
            str(bins / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    port = _free_port()
    _as_postgres(
        [
            str(bins / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-t",
            "60",
            "-l",
            str(base / "log"),
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off",
            "start",
        ]
    )
    cluster = Cluster(port, sock, bins)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                cluster.psql("SELECT 1")
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield cluster
    finally:
        try:
            _as_postgres([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(base, ignore_errors=True)
