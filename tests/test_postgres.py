"""The store on PostgreSQL, run as users run it: `xhht` in child processes against a real server
(bench/pg_cluster.py: Debian's PostgreSQL on 127.0.0.1, password sign-in; one per test session)
and a new database for each test.

What is asserted is what a user sees: exit codes, the exact Vietnamese messages, the figures of
`xhht progress --json`, the rows of `xhht history`, and `xhht check` (exit 0, its content digest).
The test looks at the server itself only to know *when* to act: when a writer holds or waits for
the write lock, and when the sessions of a killed process are gone.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import duckdb
import pytest
from page_runs import profile_rates, profile_view, scrolled_down

from metrics.store.schema import SCHEMA_VERSION

XHHT = Path(sys.executable).parent / "xhht"
COMMAND = [str(XHHT)] if XHHT.exists() else [sys.executable, "-m", "metrics.cli"]
IMPORTS = Path(__file__).parent / "data" / "imports"
UNDER_WAY = "Đang có một lần ghi vào kho"
EXAMPLE = "postgresql://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY_CHỦ:5432/TÊN_CSDL"
SOURCE = "Báo cáo số 45/BC-UBND ngày 15/12/2025"
DAK_LONG = "X23368"  # xã Đăk Long, tỉnh Quảng Ngãi (from 7/2025)
DEMO_DAK_LONG_2025 = {"total": 8645, "registered": 6438, "recognized": 4777}  # gia_dinh, demo store
REPORTED_DAK_LONG_2025 = {
    "total": 9120,
    "registered": 7000,
    "recognized": 6100,
}  # ok_long_title_totals.xlsx
IMPORTED_DAK_LONG_2025 = {
    "total": 8645,
    "registered": 8000,
    "recognized": 7500,
}  # ok_change_dak_long_2025.csv


# -- running xhht -----------------------------------------------------------------------------------


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XHHT_DB", "XHHT_LOCK_WAIT")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,
        env=env or environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(proc: subprocess.Popen[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def xhht(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return finish(start(*args, cwd=cwd, env=env))


def xhht_together(*commands: tuple[str, ...], cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands run side by side (as several users would), results in order."""
    procs = [start(*c, cwd=cwd) for c in commands]
    return [finish(p) for p in procs]


def ok(res: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert res.returncode == 0, f"{res.args}\nstdout: {res.stdout}\nstderr: {res.stderr}"
    return res


# -- the server, seen from the test -------------------------------------------------------------------


@dataclass
class Store:
    """One database of the test server; `url` carries the password, `shown` is what messages show."""

    name: str
    url: str
    cluster: Any = field(repr=False)  # bench.pg_cluster.Cluster

    @property
    def shown(self) -> str:
        parts = urlsplit(self.url)
        return f"postgresql://{parts.username}@{parts.hostname}:{parts.port}/{self.name}"

    @property
    def password(self) -> str:
        password = urlsplit(self.url).password
        assert password
        return password

    def psql(self, sql: str) -> str:
        return self.cluster.psql(sql, self.name)


class Server:
    """The test's own look at the server (psql as the superuser, from the `postgres` database, so
    it is never one of the sessions of a store under test and owes nothing to the code under test):
    who is connected to a store, who holds or waits for its write lock."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self._names = (f"t{n}" for n in itertools.count())

    def value(self, sql: str) -> str:
        return self.cluster.psql(sql)

    def sessions(self, db: str) -> int:
        return int(self.value(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}'"))

    def write_lock(self, db: str, *, granted: bool) -> bool:
        """A session of `db` holds (granted) or waits for (not granted) the writers' table lock
        (LOCK TABLE batches IN EXCLUSIVE MODE: no other relation lock of that mode is taken)."""
        return (
            self.value(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                f"WHERE d.datname = '{db}' AND l.locktype = 'relation' AND l.mode = 'ExclusiveLock' "
                f"AND l.granted = {'true' if granted else 'false'}"
            )
            != "0"
        )

    def wait_until_idle(self, db: str, timeout: float = 120) -> None:
        wait_for(lambda: self.sessions(db) == 0, timeout, f"the sessions of {db} to end")

    def new_store(self, prefix: str, template: str | None = None) -> Store:
        name = f"{prefix}_{next(self._names)}"
        if template is None:
            url = self.cluster.create_database(name)
        else:
            self.wait_until_idle(template)  # a template must have no sessions
            self.value(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            url = self.cluster.url(name)
        return Store(name, url, self.cluster)


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the process ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def check_json(store: Store, cwd: Path) -> dict:
    res = ok(xhht("check", "--json", "--db", store.url, cwd=cwd))
    report = json.loads(res.stdout)
    assert (report["ok"], report["problems"], report["store"]) == (True, [], store.shown)
    return report


def progress(
    store_or_file: Store | Path, place: str, cwd: Path, year: int = 2025
) -> subprocess.CompletedProcess[str]:
    db = store_or_file.url if isinstance(store_or_file, Store) else str(store_or_file)
    return xhht("progress", "--locality", place, "--year", str(year), "--json", "--db", db, cwd=cwd)


def gia_dinh(progress_json: str) -> dict:
    [item] = [it for it in json.loads(progress_json) if it["indicator"] == "gia_dinh"]
    return {k: item[k] for k in ("total", "registered", "recognized")}


def history(store: Store, cwd: Path) -> list[dict]:
    return json.loads(ok(xhht("history", "--json", "--db", store.url, cwd=cwd)).stdout)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


LONG = ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"]


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(pg_cluster: Any) -> Server:
    return Server(pg_cluster)


@pytest.fixture(scope="module")
def init_template(server: Server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database made by `xhht init` (registers only), copied for each test that needs one."""
    store = server.new_store("mau_trong")
    ok(xhht("init", "--db", store.url, cwd=tmp_path_factory.mktemp("init")))
    return store.name


@pytest.fixture
def init_store(server: Server, init_template: str) -> Store:
    return server.new_store("trong", template=init_template)


BIG_ROWS = 30_105


@pytest.fixture(scope="module")
def big_reports(
    demo_con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """Four versions (different figures) of a large report in the long form of the import
    template: Gia đình học tập of every pre-2025 commune (10.035) for 2022–2024, 30.105 rows."""
    communes = demo_con.execute(
        """SELECT c.code, c.name, p.name FROM localities c JOIN localities p ON p.id = c.old_province_id
           WHERE c.level = 'old_commune' ORDER BY c.code"""
    ).fetchall()
    folder = tmp_path_factory.mktemp("lon")
    paths = []
    for version in range(4):
        rows: list[list[object]] = []
        for year in (2022, 2023, 2024):
            for k, (code, name, province) in enumerate(communes):
                total = 300 + (k * 37 + year) % 900
                rows.append(
                    [
                        year,
                        province,
                        name,
                        code,
                        "gia_dinh",
                        total,
                        total * 9 // 10,
                        total * 7 // 10 - version,
                        SOURCE,
                    ]
                )
        assert len(rows) == BIG_ROWS
        paths.append(write_csv(folder / f"gia_dinh_2022_2024_ban_{version}.csv", LONG, rows))
    return paths


# -- demo ----------------------------------------------------------------------------------------------


def test_demo_on_postgresql_gives_the_figures_of_the_demo_file(
    server: Server, demo_db: Path, tmp_path: Path
) -> None:
    """`xhht demo` on an empty PostgreSQL database: a sound store whose figures are those of the
    demo file (the session's `demo_db`, built by the same code)."""
    store = server.new_store("minh_hoa")
    made = ok(xhht("demo", "--db", store.url, cwd=tmp_path))
    assert re.fullmatch(
        rf"Đã tạo kho minh họa {re.escape(store.shown)}: 3\.321 xã, 192\.163 số liệu minh họa, 4 số liệu thật "
        r"từ báo cáo mẫu, 36 mục tiêu địa phương \(\d+(,\d+)? giây\)\.\n",
        made.stdout,
    ), made.stdout
    assert store.password not in made.stdout + made.stderr

    places = ("Tỉnh Quảng Ngãi", "Xã Đăk Long")
    check, *figures = xhht_together(
        ("check", "--json", "--db", store.url),
        *[
            ("progress", "--locality", place, "--year", "2025", "--json", "--db", db)
            for place in places
            for db in (store.url, str(demo_db))
        ],
        cwd=tmp_path,
    )
    report = json.loads(ok(check).stdout)
    assert (report["ok"], report["problems"], report["schema_version"], report["data_version"]) == (
        True,
        [],
        SCHEMA_VERSION,
        2,
    )
    assert report["counts"] == {
        "meta": 3,
        "localities": 14_150,
        "lineage": 11_361,
        "indicators": 11,
        "batches": 3,
        "observations": 192_167,
        "targets": 54,
        "observations_current": 192_167,
        "targets_current": 54,
        # The seed list's 23 real units, huyện Ia H'Drai's district community (not yet
        # assessed) and the demo's lists (with the units that stopped before the decision).
        "recognitions": 573,
        "recognitions_current": 573,
        # xã Đăk Long's 3 real plan commitments and 9 invented ones.
        "plan_items": 12,
        "plan_items_current": 12,
        # Reporting rounds: none in the demo.
        "rounds": 0,
        "round_reports": 0,
        "round_figures": 0,
        "round_events": 0,
        # Each commune's, old district's and province's context and education levels that the
        # demo holds (Ia H'Drai 2023 real, the others invented).
        "place_context": 98,
        "place_context_current": 98,
        "education_levels": 98,
        "education_levels_current": 98,
        "round_attachments": 0,
        "round_attachment_files": 0,
    }
    for place, (on_postgres, on_file) in zip(
        places, zip(figures[0::2], figures[1::2], strict=True), strict=True
    ):
        ok(on_postgres)
        ok(on_file)
        assert on_postgres.stdout == on_file.stdout, place  # the same JSON, byte for byte
        assert sum(item["has_data"] for item in json.loads(on_postgres.stdout)) >= 9, place
    assert gia_dinh(figures[2].stdout) == DEMO_DAK_LONG_2025


# -- import, history, rollback ---------------------------------------------------------------------------


def test_a_list_of_recognised_units_on_postgresql(init_store: Store, tmp_path: Path) -> None:
    """A list imports, lists and rolls back on PostgreSQL as on a file: the register is part of
    the store wherever it lives."""
    import openpyxl

    path = tmp_path / "danh_sach.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["DANH SÁCH ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM 2023"],
        [
            "(Kèm theo Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum)"
        ],
        ["STT", "Tên đơn vị", "Xếp loại"],
        [1, "Phòng Tư pháp", "Tốt"],
        [2, "Trường MN Hoa Mai", "Khá"],
    ):
        ws.append(row)
    wb.save(path)
    done = ok(xhht("import", str(path), "--json", "--db", init_store.url, cwd=tmp_path))
    assert json.loads(done.stdout)["new"] == 2

    def ia_hdrai_2023() -> list[dict]:
        args = ("--locality", "Huyện Ia H'Drai, Kon Tum", "--year", "2023", "--json")
        listed = xhht("recognitions", "list", *args, "--db", init_store.url, cwd=tmp_path)
        return json.loads(ok(listed).stdout)

    assert [(e["name"], e["result"], e["decision_date"]) for e in ia_hdrai_2023()] == [
        ("Phòng Tư pháp", "tot", "2024-02-10"),
        ("Trường MN Hoa Mai", "kha", "2024-02-10"),
    ]
    assert check_json(init_store, tmp_path)["ok"]
    batch = history(init_store, tmp_path)[0]["id"]
    ok(xhht("rollback", str(batch), "--db", init_store.url, cwd=tmp_path))
    assert ia_hdrai_2023() == []


def test_place_context_and_education_levels_on_postgresql(
    init_store: Store, tmp_path: Path
) -> None:
    """The context and universal-education forms import, print and roll back on PostgreSQL as on
    a DuckDB file: `xhht context --json` prints the same object from either store."""
    file_store = tmp_path / "kho.duckdb"
    ok(xhht("init", "--db", str(file_store), cwd=tmp_path))
    forms = [tmp_path / "dac_diem.xlsx", tmp_path / "pho_cap.xlsx"]
    for kind, path in zip(("context", "pcgd"), forms, strict=True):
        ok(xhht("template", kind, "-o", str(path), cwd=tmp_path))
    for db in (init_store.url, str(file_store)):
        for path, kind in zip(forms, ("context", "education"), strict=True):
            done = json.loads(
                ok(xhht("import", str(path), "--json", "--db", db, cwd=tmp_path)).stdout
            )
            assert (done["kind"], done["new"], done["problems"], done["warnings"]) == (
                kind,
                1,
                [],
                [],
            )
    args = ("context", "--locality", "Huyện Ia H'Drai (cũ)", "--year", "2023", "--json")
    on_postgres, on_file = xhht_together(
        (*args, "--db", init_store.url), (*args, "--db", str(file_store)), cwd=tmp_path
    )
    assert ok(on_postgres).stdout == ok(on_file).stdout
    held = json.loads(on_postgres.stdout)
    assert held["context"]["households"] == 3783 and held["context"]["population"] == 15500
    assert held["education"]["primary_school"] == "muc_do_3"
    counts = check_json(init_store, tmp_path)["counts"]
    assert (counts["place_context_current"], counts["education_levels_current"]) == (1, 1)

    ok(xhht("rollback", "2", "--db", init_store.url, cwd=tmp_path))  # the context's batch
    after = json.loads(ok(xhht(*args, "--db", init_store.url, cwd=tmp_path)).stdout)
    assert after["context"] is None and after["education"] == held["education"]
    assert check_json(init_store, tmp_path)["counts"]["place_context_current"] == 0


@pytest.mark.usefixtures("operators")
def test_import_history_and_rollback(init_store: Store, tmp_path: Path) -> None:
    url = init_store.url
    report = IMPORTS / "ok_long_title_totals.xlsx"  # three communes of Quảng Ngãi, 2025
    first = ok(xhht("import", str(report), "--user", "tran.van.nam", "--db", url, cwd=tmp_path))
    assert first.stdout == (
        "Đã nhập 3 dòng số liệu kết quả từ trang “Báo cáo 2025” (lô 2): "
        "3 mới, 0 thay đổi, 0 không đổi.\n"
        "  · Bỏ qua dòng tổng cộng (dòng 8).\n"
    )
    before = ok(progress(init_store, "Xã Đăk Long", tmp_path)).stdout
    assert gia_dinh(before) == REPORTED_DAK_LONG_2025

    changed = IMPORTS / "ok_change_dak_long_2025.csv"
    second = ok(
        xhht(
            "import", str(changed), "--json", "--user", "nguyen.thi.hoa", "--db", url, cwd=tmp_path
        )
    )
    assert json.loads(second.stdout) == {
        "status": "imported",
        "kind": "results",
        "sheet": changed.name,
        "batch": 3,
        "rows": 1,
        "new": 0,
        "changed": 1,
        "unchanged": 0,
        "problems": [],
        "notes": [],
        "warnings": [],
    }

    listed, after = xhht_together(
        ("history", "--json", "--db", url),
        ("progress", "--locality", "Xã Đăk Long", "--year", "2025", "--json", "--db", url),
        cwd=tmp_path,
    )
    rows = [
        (b["id"], b["kind"], b["created_by"], b["file_name"], b["rows"], b["status"])
        for b in json.loads(ok(listed).stdout)
    ]
    assert rows == [
        (3, "import", "nguyen.thi.hoa", "ok_change_dak_long_2025.csv", 1, "active"),
        (2, "import", "tran.van.nam", "ok_long_title_totals.xlsx", 3, "active"),
        (1, "registers", "xhht init", "data/indicators.toml", 18, "active"),
    ]
    assert (
        json.loads(listed.stdout)[0]["file_sha256"]
        == hashlib.sha256(changed.read_bytes()).hexdigest()
    )
    assert gia_dinh(ok(after).stdout) == IMPORTED_DAK_LONG_2025

    undo = ok(xhht("rollback", "3", "--db", url, cwd=tmp_path))
    assert undo.stdout == "Đã hoàn tác lô 3: các số liệu trước đó (nếu có) được dùng lại.\n"
    listed, text, back = xhht_together(
        ("history", "--json", "--db", url),
        ("history", "--db", url),
        ("progress", "--locality", "Xã Đăk Long", "--year", "2025", "--json", "--db", url),
        cwd=tmp_path,
    )
    states = [
        (b["id"], b["status"], b["rolled_back_at"] is not None)
        for b in json.loads(ok(listed).stdout)
    ]
    assert states == [(3, "rolled_back", True), (2, "active", False), (1, "active", False)]
    lines = ok(text).stdout.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(
        r"Lô    3  \d\d/\d\d/\d{4} \d\d:\d\d  nhập tệp             1 dòng  nguyen.thi.hoa "
        r"ok_change_dak_long_2025.csv    đã hoàn tác \d\d/\d\d/\d{4} \d\d:\d\d",
        lines[0],
    ), lines[0]
    assert re.fullmatch(
        r"Lô    2  \d\d/\d\d/\d{4} \d\d:\d\d  nhập tệp             3 dòng  tran.van.nam   "
        r"ok_long_title_totals.xlsx      đang dùng",
        lines[1],
    ), lines[1]
    assert ok(back).stdout == before  # every indicator of the commune as before the change

    again = xhht("rollback", "3", "--db", url, cwd=tmp_path)
    assert (again.returncode, again.stdout, again.stderr) == (
        1,
        "",
        "Lỗi: Lô nhập số 3 đã được hoàn tác trước đó.\n",
    )
    assert check_json(init_store, tmp_path)["counts"]["batches"] == 3


# -- writers at the same moment -----------------------------------------------------------------------------


def test_two_imports_started_at_the_same_moment(init_store: Store, tmp_path: Path) -> None:
    """Two users import different files at once: both land, one after the other, as consecutive batches."""
    pairs = [(IMPORTS / "ok_batch_first.csv", IMPORTS / "ok_change_dak_long_2025.csv")]
    for n in (1, 2):
        a = write_csv(
            tmp_path / f"dot_{n}_dak_long.csv",
            LONG,
            [[2025, "Quảng Ngãi", "Xã Đăk Long", "23368", "dong_ho", 120 + n, 100, 90 + n, SOURCE]],
        )
        b = write_csv(
            tmp_path / f"dot_{n}_ba_dinh.csv",
            LONG,
            [
                [
                    2025,
                    "Hà Nội",
                    "Phường Ba Đình",
                    "00004",
                    "gia_dinh",
                    5000 + n,
                    4000,
                    3000 + n,
                    SOURCE,
                ],
                [2025, "Hà Nội", "Phường Ba Đình", "00004", "dong_ho", 40, 30, 20 + n, SOURCE],
            ],
        )
        pairs.append((a, b))
    expected: list[tuple[int, str]] = []
    last = 1  # the registers batch of `xhht init`
    for a, b in pairs:
        ra, rb = xhht_together(
            ("import", str(a), "--json", "--db", init_store.url),
            ("import", str(b), "--json", "--db", init_store.url),
            cwd=tmp_path,
        )
        ja, jb = json.loads(ok(ra).stdout), json.loads(ok(rb).stdout)
        assert (ja["status"], jb["status"]) == ("imported", "imported")
        assert sorted([ja["batch"], jb["batch"]]) == [last + 1, last + 2], (ja, jb)
        expected += [(ja["batch"], a.name), (jb["batch"], b.name)]
        last += 2
    listed = [
        (b["id"], b["file_name"]) for b in history(init_store, tmp_path) if b["kind"] == "import"
    ]
    assert sorted(listed) == sorted(expected)
    assert check_json(init_store, tmp_path)["counts"]["batches"] == last


# -- a writer that must wait ------------------------------------------------------------------------------------

HOLDER = """
import sys
from metrics.store.backend import writing
from metrics.store.location import parse_location
with writing(parse_location(sys.argv[1]), role=sys.argv[2]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_writer_waits_for_the_lock_then_is_refused_naming_the_holder(
    init_store: Store, server: Server, tmp_path: Path
) -> None:
    before = check_json(init_store, tmp_path)
    changed = IMPORTS / "ok_change_dak_long_2025.csv"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, init_store.url, "giữ khóa"],
        env=environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline() == "held\n"
        busy = xhht(
            "import",
            str(changed),
            "--db",
            init_store.url,
            cwd=tmp_path,
            env=environment(XHHT_LOCK_WAIT="1"),
        )
        assert (
            holder.poll() is None
        )  # the lock was held all along: the import gave up after its wait
        assert (busy.returncode, busy.stdout) == (1, "")
        assert busy.stderr.startswith(f"Lỗi: Kho dữ liệu {init_store.shown} đang được “"), (
            busy.stderr
        )
        assert busy.stderr.endswith(
            " ghi, đã chờ 1 giây. Kho vẫn nguyên vẹn: đợi việc đó xong rồi chạy lại lệnh nhập "
            "ok_change_dak_long_2025.csv (hoặc chờ lâu hơn bằng biến môi trường XHHT_LOCK_WAIT=giây).\n"
        ), busy.stderr
        assert init_store.password not in busy.stderr
        assert check_json(init_store, tmp_path)["digest"] == before["digest"]

        # With the default wait the same import waits for the holder, and lands once it lets go.
        waiting = start("import", str(changed), "--db", init_store.url, cwd=tmp_path)
        wait_for(
            lambda: server.write_lock(init_store.name, granted=False),
            120,
            "the import to wait for the lock",
            waiting,
        )
        assert holder.poll() is None
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    landed = ok(finish(waiting))
    assert landed.stdout == (
        "Đã nhập 1 dòng số liệu kết quả từ trang “ok_change_dak_long_2025.csv” (lô 2): "
        "1 mới, 0 thay đổi, 0 không đổi.\n"
    )
    assert check_json(init_store, tmp_path)["data_version"] == before["data_version"] + 1

    # The refusal named the holder by the name its process gave: its role, machine and PID
    # (PostgreSQL keeps application names in plain ASCII, so the role is written without marks).
    assert (
        f"đang được “xhht giu khoa (may {socket.gethostname()}, PID {holder.pid})” từ 127.0.0.1 ghi"
        in busy.stderr
    ), busy.stderr


# -- kill -9 ----------------------------------------------------------------------------------------------------


def killed(
    proc: subprocess.Popen[str], server: Server, store: Store, delay: float, *, after_lock: bool
) -> str:
    """Kill -9 `proc` `delay` seconds after it starts (or after it takes the write lock); wait
    until the server has ended its sessions. Returns when it was killed, for messages."""
    if after_lock:
        wait_for(
            lambda: server.write_lock(store.name, granted=True) or proc.poll() is not None,
            300,
            "the writer to take the lock",
        )
    time.sleep(delay)
    when = f"{delay:.2f} s after {'it took the write lock' if after_lock else 'it started'}"
    if proc.poll() is not None:
        when += f" (had already ended, exit {proc.returncode})"
    proc.kill()
    proc.communicate(timeout=60)
    server.wait_until_idle(store.name)
    return when


@pytest.mark.usefixtures("operators")
def test_import_and_rollback_killed_at_random_moments_apply_whole_or_not_at_all(
    init_store: Store, server: Server, big_reports: list[Path], tmp_path: Path
) -> None:
    """kill -9 of `xhht import` (30.105 rows) and of `xhht rollback` of such a batch: after each,
    `xhht check` passes and the batch is in the store whole, or not at all."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    previous = check_json(init_store, tmp_path)
    outcomes: list[tuple[str, str]] = []

    def after_kill(what: str, when: str) -> tuple[dict, bool]:
        """`xhht check` passes; returns its report and whether the killed command took effect."""
        nonlocal previous
        report = check_json(
            init_store, tmp_path
        )  # exit 0: no half batch, figures in force consistent
        landed = report["digest"] != previous["digest"]
        why = f"seed {seed}: {what} killed {when}; before: {outcomes}"
        assert report["data_version"] == previous["data_version"] + landed, why
        outcomes.append((f"{what}, {when}", "landed" if landed else "nothing"))
        previous, before = report, previous
        return before, landed

    # Imports: once at a random moment of the run, twice at a random moment of the writing.
    landed_batches = []
    for version, (delay, after_lock) in enumerate(
        [
            (rng.uniform(0.5, 3.0), False),
            (rng.uniform(0.0, 0.4), True),
            (rng.uniform(0.0, 0.4), True),
        ],
        start=1,
    ):
        proc = start(
            "import",
            str(big_reports[version]),
            "--user",
            "kiem.thu",
            "--db",
            init_store.url,
            cwd=tmp_path,
        )
        when = killed(proc, server, init_store, delay, after_lock=after_lock)
        before, landed = after_kill("import", when)
        counts = (previous["counts"]["batches"], previous["counts"]["observations"])
        if landed:
            landed_batches.append(
                previous["counts"]["batches"]
            )  # ids are 1, 2, 3 …: the newest is the count
            assert counts == (
                before["counts"]["batches"] + 1,
                before["counts"]["observations"] + BIG_ROWS,
            ), outcomes
        else:
            assert counts == (before["counts"]["batches"], before["counts"]["observations"]), (
                outcomes
            )
    if not landed_batches:
        done = ok(
            xhht("import", str(big_reports[0]), "--json", "--db", init_store.url, cwd=tmp_path)
        )
        landed_batches.append(json.loads(done.stdout)["batch"])
        previous = check_json(init_store, tmp_path)

    # Rolling back the newest of them, killed at random moments while it writes.
    batch = landed_batches[-1]
    for delay in [rng.uniform(0.0, 1.0) for _ in range(3)]:
        proc = start("rollback", str(batch), "--db", init_store.url, cwd=tmp_path)
        when = killed(proc, server, init_store, delay, after_lock=True)
        _, landed = after_kill(f"rollback {batch}", when)
        if landed:
            break
    done = xhht("rollback", str(batch), "--db", init_store.url, cwd=tmp_path)
    if outcomes[-1][1] == "landed":
        assert (done.returncode, done.stderr) == (
            1,
            f"Lỗi: Lô nhập số {batch} đã được hoàn tác trước đó.\n",
        ), outcomes
    else:
        assert (
            ok(done).stdout
            == f"Đã hoàn tác lô {batch}: các số liệu trước đó (nếu có) được dùng lại.\n"
        )
        check_json(init_store, tmp_path)

    imports = [
        (b["id"], b["file_name"], b["rows"], b["status"])
        for b in history(init_store, tmp_path)
        if b["kind"] == "import"
    ]
    assert [row[2] for row in imports] == [BIG_ROWS] * len(landed_batches), (seed, outcomes)
    assert [(i, status) for i, _, _, status in imports] == [
        (i, "rolled_back" if i == batch else "active") for i in reversed(landed_batches)
    ], (seed, outcomes)


# -- store copy -------------------------------------------------------------------------------------------------


def test_store_copy_file_to_postgresql_and_back_keeps_the_content(
    server: Server, demo_db: Path, tmp_path: Path
) -> None:
    target = server.new_store("ban_sao")
    there = ok(xhht("store", "copy", str(demo_db), target.url, cwd=tmp_path))
    assert (
        there.stdout.splitlines()[0]
        == f"Đã sao chép {demo_db} → {target.shown}: 3 lô, 192.167 số liệu, 54 mục tiêu, 573 mục sổ công nhận."
    )
    back_file = tmp_path / "tro_ve.duckdb"
    back = ok(xhht("store", "copy", target.url, str(back_file), cwd=tmp_path))
    assert (
        back.stdout.splitlines()[0]
        == f"Đã sao chép {target.shown} → {back_file}: 3 lô, 192.167 số liệu, 54 mục tiêu, 573 mục sổ công nhận."
    )

    again = xhht("store", "copy", str(demo_db), target.url, cwd=tmp_path)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == (
        f"Lỗi: Cơ sở dữ liệu {target.shown} đã có bảng của kho. Dùng một cơ sở dữ liệu trống "
        "(hoặc xóa các bảng cũ bằng psql nếu chắc chắn không cần).\n"
    )
    for out in (there, back, again):
        assert target.password not in out.stdout + out.stderr

    reports = [
        json.loads(ok(r).stdout)
        for r in xhht_together(
            *[("check", "--json", "--db", db) for db in (str(demo_db), target.url, str(back_file))],
            cwd=tmp_path,
        )
    ]
    assert [r["ok"] for r in reports] == [True, True, True]
    assert len({r["digest"] for r in reports}) == 1, [r["digest"] for r in reports]
    assert reports[0]["counts"] == reports[1]["counts"] == reports[2]["counts"]
    digest = reports[0]["digest"]
    assert f"  Mã băm nội dung nguồn: {digest}" in there.stdout.splitlines()
    assert f"  Mã băm nội dung đích:  {digest}" in back.stdout.splitlines()


# -- what users get wrong ------------------------------------------------------------------------------------------


def test_servers_and_databases_that_cannot_serve_are_refused_with_the_reason(
    server: Server, init_store: Store, tmp_path: Path
) -> None:
    cluster = server.cluster
    empty = server.new_store("khong_co_kho")
    port = urlsplit(init_store.url).port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]  # nothing listens there
    work = tmp_path / "lam_viec"
    work.mkdir()
    good_file = str(IMPORTS / "ok_change_dak_long_2025.csv")
    wrong_password = cluster.url(init_store.name, password="sai-mat-khau")
    refused_sign_in = f"Máy chủ PostgreSQL từ chối đăng nhập vào {init_store.shown}: sai tên người dùng hoặc mật khẩu."
    no_store = (
        f"Lỗi: Cơ sở dữ liệu {empty.shown} không phải kho dữ liệu của ứng dụng (thiếu bảng meta). "
        "Tạo kho bằng `xhht init --db …` hoặc `xhht demo --db …`.\n"
    )
    cases: list[tuple[tuple[str, ...], str]] = [
        (("import", good_file, "--db", wrong_password), f"Lỗi: {refused_sign_in}\n"),
        (
            ("history", "--db", cluster.url("khong_ton_tai")),
            f"Lỗi: Máy chủ PostgreSQL không có cơ sở dữ liệu trong postgresql://xhht@127.0.0.1:{port}/khong_ton_tai. "
            "Tạo nó trước (createdb), rồi `xhht init --db …`.\n",
        ),
        (
            (
                "check",
                "--db",
                f"postgresql://xhht:{init_store.password}@127.0.0.1:{free_port}/xhht",
            ),
            f"Lỗi: Không kết nối được tới máy chủ PostgreSQL của postgresql://xhht@127.0.0.1:{free_port}/xhht: máy chủ "
            "chưa chạy, sai địa chỉ/cổng, hoặc tường lửa chặn. Kiểm tra máy chủ rồi thử lại.\n",
        ),
        (("history", "--db", empty.url), no_store),
        (("import", good_file, "--db", empty.url), no_store),
    ]
    batches_before = init_store.psql("SELECT count(*) FROM batches")
    for (args, message), res in zip(
        cases, xhht_together(*[args for args, _ in cases], cwd=work), strict=True
    ):
        assert (res.returncode, res.stdout, res.stderr) == (1, "", message), args
        assert init_store.password not in res.stderr and "sai-mat-khau" not in res.stderr
        assert "--force" not in res.stderr
    # --json callers read the refusal on stdout, as JSON.
    as_json = xhht("history", "--json", "--db", wrong_password, cwd=work)
    assert (as_json.returncode, as_json.stderr) == (1, f"Lỗi: {refused_sign_in}\n")
    assert json.loads(as_json.stdout) == {
        "status": "refused",
        "problems": [{"sheet": None, "row": None, "column": None, "message": refused_sign_in}],
    }

    # Nothing was created: no file or folder where the commands ran, no database, no table, no batch.
    assert list(work.iterdir()) == []
    assert server.value("SELECT count(*) FROM pg_database WHERE datname = 'khong_ton_tai'") == "0"
    assert empty.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
    assert init_store.psql("SELECT count(*) FROM batches") == batches_before


def test_a_user_without_rights_on_the_store_is_not_told_to_create_one(
    server: Server, init_store: Store, tmp_path: Path
) -> None:
    """A sign-in that works but may not read the store's tables (a colleague's account, not yet
    granted): the store is there, so no message may call it missing or say to make one."""
    user = f"khach_{init_store.name}"
    server.value(f"CREATE ROLE {user} LOGIN PASSWORD 'mat-khau-khach'")
    url = server.cluster.url(init_store.name, user=user, password="mat-khau-khach")
    shown = f"postgresql://{user}@127.0.0.1:{urlsplit(url).port}/{init_store.name}"
    before = init_store.psql("SELECT count(*) FROM batches")
    results = xhht_together(
        ("history", "--db", url),
        ("import", str(IMPORTS / "ok_change_dak_long_2025.csv"), "--db", url),
        cwd=tmp_path,
    )
    for res in results:
        assert (res.returncode, res.stdout) == (1, ""), res.args
        assert res.stderr.startswith("Lỗi: ") and shown in res.stderr, res.stderr
        assert "mat-khau-khach" not in res.stderr
        for wrong in ("không phải kho", "thiếu bảng meta", "xhht init", "xhht demo"):
            assert wrong not in res.stderr, res.stderr
    assert init_store.psql("SELECT count(*) FROM batches") == before


PASSWORD_IN_URL = "mat-khau-bi-mat"
MALFORMED = [
    (
        "postgresql://127.0.0.1:5432/xhht",
        f"Địa chỉ “postgresql://127.0.0.1:5432/xhht” thiếu tên người dùng. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://:{PASSWORD_IN_URL}@127.0.0.1:5432/xhht",
        f"Địa chỉ “postgresql://:***@127.0.0.1:5432/xhht” thiếu tên người dùng. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:99999/xhht",
        f"Cổng trong “postgresql://xhht:***@127.0.0.1:99999/xhht” không phải số từ 1 đến 65535. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:cong/xhht",
        f"Cổng trong “postgresql://xhht:***@127.0.0.1:cong/xhht” không phải số từ 1 đến 65535. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:0/xhht",
        f"Cổng trong “postgresql://xhht:***@127.0.0.1:0/xhht” không phải số từ 1 đến 65535. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:5432/",
        f"Địa chỉ “postgresql://xhht:***@127.0.0.1:5432/” thiếu tên cơ sở dữ liệu sau dấu “/”. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:5432",
        f"Địa chỉ “postgresql://xhht:***@127.0.0.1:5432” thiếu tên cơ sở dữ liệu sau dấu “/”. Ví dụ: {EXAMPLE}.",
    ),
    (
        f"mysql://xhht:{PASSWORD_IN_URL}@127.0.0.1:3306/xhht",
        f"Không hiểu địa chỉ kho “mysql://xhht:***@127.0.0.1:3306/xhht”: chỉ nhận tệp DuckDB hoặc {EXAMPLE}.",
    ),
    (
        f"postgresql://xhht:{PASSWORD_IN_URL}@127.0.0.1:5432/xhht?sslmod=require",
        "Tham số “sslmod” trong địa chỉ kho không được hỗ trợ; dùng một trong: sslmode, connect_timeout, "
        "application_name, sslrootcert, options.",
    ),
]


@pytest.mark.parametrize(("url", "message"), MALFORMED)
@pytest.mark.parametrize(
    "command",
    [("history",), ("import", str(IMPORTS / "ok_change_dak_long_2025.csv"))],
    ids=["history", "import"],
)
def test_malformed_store_addresses_are_refused_before_anything_is_opened(
    command: tuple[str, ...],
    url: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Refused while reading --db, before any server is reached: the console script's own `main`,
    in this process (the same exit code and words, without starting a Python per address)."""
    from metrics import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XHHT_DB", raising=False)
    assert cli.main([*command, "--db", url]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"Lỗi: {message}\n")
    assert PASSWORD_IN_URL not in err
    assert list(tmp_path.iterdir()) == []


# -- readers in other processes ----------------------------------------------------------------------------------

READER = """
import json, sys, time
from metrics.store.snapshot import SnapshotCache
from metrics.store.location import parse_location
cache = SnapshotCache(parse_location(sys.argv[1]))
while True:
    try:
        asked = time.monotonic()  # the system's clock: the test compares it with its own
        cur = cache.current().cursor()
        version = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        rows = cur.execute("SELECT recognized FROM observations_current WHERE locality_id = ? AND year = 2025 "
                           "AND indicator = 'gia_dinh'", [sys.argv[2]]).fetchall()
        print(json.dumps({"data_version": int(version), "recognized": rows[0][0] if rows else None,
                          "asked": asked}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False), flush=True)
    time.sleep(0.2)
"""


class Reader:
    """A process standing for the app on another machine: its own copy of the store, refreshed
    when the data version changes; prints what a page would show every 0,2 s."""

    def __init__(self, store: Store) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, store.url, DAK_LONG],
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[tuple[float, dict]] = []
        self.asked: list[float | None] = []  # when each line's read began (the reader's clock)
        self.stderr = ""
        self._threads = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_err, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _read(self) -> None:
        for line in cast(IO[str], self.proc.stdout):  # opened with stdout=PIPE
            shown = json.loads(line)
            self.asked.append(shown.pop("asked", None))
            self.lines.append((time.monotonic(), shown))

    def _read_err(self) -> None:
        self.stderr = cast(IO[str], self.proc.stderr).read()  # opened with stderr=PIPE

    def seen(self, wanted: dict, since: float = 0.0) -> float | None:
        return next((t for t, shown in list(self.lines) if shown == wanted and t >= since), None)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        for t in self._threads:
            t.join(timeout=30)


def test_two_reader_processes_see_an_import_from_their_next_read_on(
    init_store: Store, tmp_path: Path
) -> None:
    readers = [Reader(init_store), Reader(init_store)]
    try:
        old = {"data_version": 1, "recognized": None}
        for r in readers:
            wait_for(
                lambda r=r: r.seen(old) is not None, 120, "the reader to show the store", r.proc
            )
        ok(
            xhht(
                "import",
                str(IMPORTS / "ok_change_dak_long_2025.csv"),
                "--db",
                init_store.url,
                cwd=tmp_path,
            )
        )
        imported = time.monotonic()
        new = {"data_version": 2, "recognized": 7500}
        for r in readers:
            wait_for(
                lambda r=r: r.seen(new) is not None,
                15,
                "the reader to show the imported figure",
                r.proc,
            )
            assert (r.seen(new) or 0.0) - imported < 10
        time.sleep(0.5)
    finally:
        for r in readers:
            r.stop()
    for r in readers:
        shown = [line for _, line in r.lines]
        assert [line for line in shown if "error" in line] == []
        assert set(map(json.dumps, shown)) == {json.dumps(old), json.dumps(new)}
        first_new = shown.index(new)
        assert shown[first_new:] == [new] * (len(shown) - first_new)  # never back to the old figure
        # Every read that began after the import's process exited shows the import.
        after = [
            line for line, asked in zip(shown, r.asked, strict=True) if (asked or 0) > imported
        ]
        assert after and all(line == new for line in after)
        assert "Traceback" not in r.stderr, r.stderr


def hold_table(store: Store, table: str) -> subprocess.Popen[str]:
    """Another session (psql) holding `table` against every reader, as VACUUM FULL does, until
    release(…)."""
    from bench.pg_cluster import bindir

    proc = subprocess.Popen(
        [str(bindir() / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", store.url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdin, stdout = cast(IO[str], proc.stdin), cast(IO[str], proc.stdout)
    stdin.write(f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; SELECT 'held';\n")
    stdin.flush()
    assert stdout.readline().strip() == "held", cast(IO[str], proc.stderr).read()
    return proc


def release(holder: subprocess.Popen[str]) -> None:
    stdin = cast(IO[str], holder.stdin)
    stdin.write("COMMIT;\n")
    stdin.close()
    holder.wait(timeout=30)


def test_a_page_run_while_the_copy_after_an_import_is_held_up_is_served_the_copy_before(
    init_store: Store, tmp_path: Path
) -> None:
    """After an import, another session holds the figures' table (as VACUUM FULL would), so the
    reader's new copy waits for it: page runs meanwhile are served the copy before, each after
    the cache's bound (1 s here) rather than after the table is free. Once it is, every page run
    shows the import, and none goes back to the state before."""
    from metrics.store.location import parse_location
    from metrics.store.snapshot import SnapshotCache

    cache = SnapshotCache(parse_location(init_store.url), fresh_wait=1.0)

    def shown() -> int | None:
        rows = (
            cache.current()
            .cursor()
            .execute(
                "SELECT recognized FROM observations_current WHERE locality_id = ? "
                "AND year = 2025 AND indicator = 'gia_dinh'",
                [DAK_LONG],
            )
            .fetchall()
        )
        return rows[0][0] if rows else None

    assert shown() is None
    ok(
        xhht(
            "import",
            str(IMPORTS / "ok_change_dak_long_2025.csv"),
            "--db",
            init_store.url,
            cwd=tmp_path,
        )
    )
    holder = hold_table(init_store, "observations_current")
    try:
        during, waited = [], []
        for _ in range(3):
            asked = time.monotonic()
            during.append(shown())
            waited.append(time.monotonic() - asked)
        assert holder.poll() is None  # the table was held all along
        assert during == [None, None, None]
        assert max(waited) < 10  # the bound, not the table (before: each waited 30 s)
    finally:
        release(holder)
    after = []
    deadline = time.monotonic() + 60
    while 7500 not in after and time.monotonic() < deadline:
        after.append(shown())
        time.sleep(0.05)
    after += [shown() for _ in range(20)]
    first_new = after.index(7500)
    assert set(after[:first_new]) <= {None}
    assert after[first_new:] == [7500] * (len(after) - first_new)


# -- the app on PostgreSQL ----------------------------------------------------------------------


def test_the_app_serves_a_postgresql_store_whose_address_holds_the_password(
    init_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XHHT_DB as an officer writes it, password included, and no PGPASSWORD: the pages open
    and show the store's figures (messages show the address without the password)."""
    from streamlit.testing.v1 import AppTest

    ok(
        xhht(
            "import",
            str(IMPORTS / "ok_change_dak_long_2025.csv"),
            "--db",
            init_store.url,
            cwd=tmp_path,
        )
    )
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("XHHT_DB", init_store.url)
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    at = scrolled_down(AppTest.from_file(str(app), default_timeout=120))
    at.query_params["loc"] = "X23368"
    at.query_params["year"] = "2025"
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(e.value) for e in [*at.error, *at.title, *at.header, *at.markdown])
    assert "Không mở được kho dữ liệu" not in shown
    assert init_store.password not in shown
    assert "Xã Đăk Long" in shown


def test_a_page_run_after_an_import_on_postgresql_shows_it(
    init_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hồ sơ địa bàn on a PostgreSQL store: its first run after `xhht import` exits shows the
    imported rate, after `xhht rollback` no longer."""
    # Figures of another commune first: a store with no figure at all is another page.
    ok(xhht("import", str(IMPORTS / "ok_batch_first.csv"), "--db", init_store.url, cwd=tmp_path))
    monkeypatch.setenv("XHHT_DB", init_store.url)
    assert "86,8%" not in profile_rates()
    ok(
        xhht(
            "import",
            str(IMPORTS / "ok_change_dak_long_2025.csv"),
            "--db",
            init_store.url,
            cwd=tmp_path,
        )
    )
    assert profile_rates()[0] == "86,8%"  # 7.500 / 8.645 households
    ok(
        xhht(
            "rollback",
            str(history(init_store, tmp_path)[0]["id"]),
            "--db",
            init_store.url,
            cwd=tmp_path,
        )
    )
    assert "86,8%" not in profile_rates()


def test_a_page_says_a_write_is_under_way_on_postgresql(
    init_store: Store, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hồ sơ địa bàn on a PostgreSQL store while another process holds the writers' lock and a
    real `xhht import` waits behind it: the page says a write is under way and shows the figures
    from before; once both have ended, the notice is gone and the imported figure shows."""
    ok(xhht("import", str(IMPORTS / "ok_batch_first.csv"), "--db", init_store.url, cwd=tmp_path))
    monkeypatch.setenv("XHHT_DB", init_store.url)
    rates, notices = profile_view()
    assert not any(n.startswith(UNDER_WAY) for n in notices) and "86,8%" not in rates
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, init_store.url, "giữ khóa"],
        env=environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline() == "held\n"
        held_rates, notices = profile_view()
        assert any(n.startswith(UNDER_WAY) for n in notices), notices
        assert held_rates == rates
        changed = IMPORTS / "ok_change_dak_long_2025.csv"
        waiting = start("import", str(changed), "--db", init_store.url, cwd=tmp_path)
        wait_for(
            lambda: server.write_lock(init_store.name, granted=False),
            120,
            "the import to wait for the lock",
            waiting,
        )
        assert any(n.startswith(UNDER_WAY) for n in profile_view()[1])
    finally:
        holder.communicate("\n", timeout=60)
    ok(finish(waiting))
    rates, notices = profile_view()
    assert not any(n.startswith(UNDER_WAY) for n in notices), notices
    assert rates[0] == "86,8%"  # 7.500 / 8.645 households


@pytest.mark.usefixtures("operators")
def test_compact_on_postgresql_while_a_writer_imports(
    init_store: Store, server: Server, tmp_path: Path
) -> None:
    change = IMPORTS / "ok_change_dak_long_2025.csv"
    for _ in range(2):
        ok(xhht("import", str(change), "--db", init_store.url, cwd=tmp_path))
        ok(
            xhht(
                "rollback",
                str(history(init_store, tmp_path)[0]["id"]),
                "--db",
                init_store.url,
                cwd=tmp_path,
            )
        )
    digest = check_json(init_store, tmp_path)["digest"]
    done = ok(xhht("store", "compact", "--db", init_store.url, cwd=tmp_path))
    assert f"Đã thu gọn kho {init_store.shown}" in done.stdout
    assert check_json(init_store, tmp_path)["digest"] == digest
    # Again, with a writer coming while the tables are rewritten: both finish, the write lands.
    compactor = start("store", "compact", "--db", init_store.url, cwd=tmp_path)
    writer = start(
        "import",
        str(IMPORTS / "ok_batch_first.csv"),
        "--db",
        init_store.url,
        "--user",
        "an",
        cwd=tmp_path,
    )
    ok(finish(compactor))
    ok(finish(writer))
    check_json(init_store, tmp_path)
    top = history(init_store, tmp_path)[0]
    assert (top["file_name"], top["created_by"], top["status"]) == (
        "ok_batch_first.csv",
        "an",
        "active",
    )
    server.wait_until_idle(init_store.name)
