"""One DuckDB store file, many users: writers while readers serve, writers at once, a writer
that must wait, and `kill -9` in the middle of a write. Real processes, started and killed."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from page_runs import profile_rates, profile_view

from metrics.queries.registers import batches
from metrics.store import StoreError, connect, query_frame
from metrics.store.backend import write_in_progress, writing
from metrics.store.integrity import CheckReport, check
from metrics.store.location import parse_location
from metrics.store.schema import LEVEL_COLUMNS, SCHEMA_VERSION
from metrics.store.snapshot import SnapshotCache
from metrics.store.writes import BatchInfo, rollback_batch, write_batch

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = ROOT / "tests" / "data" / "imports"
XHHT = Path(sys.executable).parent / "xhht"


def xhht(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(XHHT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(XHHT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store: these tests write."""
    path = tmp_path / "kho.duckdb"
    shutil.copy(demo_db, path)
    return path


def check_json(db: Path) -> dict:
    """What `xhht check --json` reports (its exit code agrees)."""
    done = xhht("check", "--json", "--db", str(db))
    report = json.loads(done.stdout)
    assert done.returncode == (0 if report["ok"] else 1)
    return report


def check_here(db: Path) -> CheckReport:
    """The same check in this process (cheaper inside loops)."""
    con = connect(db, read_only=True)
    try:
        return check(con)
    finally:
        con.close()


def history(db: Path) -> list[dict]:
    con = connect(db, read_only=True)
    try:
        return batches(con).to_dicts()
    finally:
        con.close()


def dak_long_2025(db: Path) -> int | None:
    done = xhht(
        "progress",
        "--locality",
        "Xã Đăk Long",
        "--year",
        "2025",
        "--indicator",
        "gia_dinh",
        "--json",
        "--db",
        str(db),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]["recognized"]


HOLD_SCRIPT = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
""")


def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen[str]:
    """Another process that keeps the store file open (as the old app did, or a writer)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(db), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


# --- writers while readers serve -------------------------------------------------------------------


def test_a_reader_copy_leaves_the_store_free_for_a_writer(store: Path) -> None:
    cache = SnapshotCache(parse_location(str(store)))
    before = cache.current()
    # The copy is in memory: the file is not held, so a writer in another process gets in at once.
    done = xhht(
        "import",
        str(IMPORTS / "ok_change_dak_long_2025.csv"),
        "--db",
        str(store),
        env={"XHHT_LOCK_WAIT": "0"},
    )
    assert done.returncode == 0, done.stderr
    assert "Đã nhập 1 dòng" in done.stdout
    # The old copy still answers with the old figures; the next call sees the new state.
    old = (
        before.cursor()
        .execute(
            "SELECT recognized FROM observations_current WHERE locality_id = 'X23368' AND year = 2025 AND indicator = 'gia_dinh'"
        )
        .fetchall()
    )
    after = cache.current()
    assert after.version != before.version
    new = (
        after.cursor()
        .execute(
            "SELECT recognized FROM observations_current WHERE locality_id = 'X23368' AND year = 2025 AND indicator = 'gia_dinh'"
        )
        .fetchall()
    )
    assert old != new
    assert new == [(dak_long_2025(store),)]


READER_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from metrics.store.snapshot import SnapshotCache
    from metrics.store.location import parse_location
    cache = SnapshotCache(parse_location(sys.argv[1]))
    end = time.monotonic() + 300  # bounded, whatever happens to the test
    while time.monotonic() < end and not os.path.exists(sys.argv[2]):
        try:
            snap = cache.current()
            cur = snap.cursor()
            total = cur.execute("SELECT count(*) FROM observations_current").fetchall()[0][0]
            batches = cur.execute("SELECT count(*) FROM batches WHERE status = 'active'").fetchall()[0][0]
            print(f"ok {snap.version} {batches} {total}", flush=True)
        except Exception as exc:
            print(f"error {type(exc).__name__}: {exc}", flush=True)
        time.sleep(0.02)
""")


@pytest.mark.usefixtures("operators")
def test_readers_never_see_an_error_or_half_a_batch_while_writers_import_and_roll_back(
    store: Path, tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER_SCRIPT, str(store), str(stop)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    time.sleep(2)
    files = ["ok_batch_first.csv", "ok_targets.xlsx", "ok_change_dak_long_2025.csv"]
    for name in files:
        done = xhht("import", str(IMPORTS / name), "--db", str(store), "--user", "ed51")
        assert done.returncode == 0, done.stderr
        time.sleep(0.5)
    last = history(store)[0]["id"]
    done = xhht("rollback", str(last), "--db", str(store))
    assert done.returncode == 0, done.stderr
    time.sleep(2)  # the readers' next probes see the last write
    stop.touch()
    outputs = [r.communicate(timeout=120)[0].splitlines() for r in readers]
    report = check_json(store)
    assert report["ok"], report["problems"]
    for lines in outputs:
        errors = [line for line in lines if not line.startswith("ok ")]
        assert errors == []
        # Every state a reader saw is a committed one: the active batches and the figures
        # in force go together (a half-written batch would show one without the other).
        seen = {tuple(line.split()[1:]) for line in lines}
        assert len(seen) >= 2  # it saw the writes land
        final = lines[-1].split()
        assert int(final[3]) == report["counts"]["observations_current"]


# --- writers at once ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("operators")
def test_two_imports_at_once_both_land_with_consecutive_batches(store: Path) -> None:
    first_id = history(store)[0]["id"]
    a = start("import", str(IMPORTS / "ok_batch_first.csv"), "--db", str(store), "--user", "an")
    b = start("import", str(IMPORTS / "ok_targets.xlsx"), "--db", str(store), "--user", "binh")
    outs = [p.communicate(timeout=120) for p in (a, b)]
    assert [a.returncode, b.returncode] == [0, 0], outs
    rows = history(store)
    assert sorted(r["id"] for r in rows[:2]) == [first_id + 1, first_id + 2]
    assert {(r["created_by"], r["file_name"], r["rows"], r["status"]) for r in rows[:2]} == {
        ("an", "ok_batch_first.csv", 2, "active"),
        ("binh", "ok_targets.xlsx", 2, "active"),
    }
    assert check_json(store)["ok"]


def test_a_writer_waits_for_another_then_lands(store: Path) -> None:
    holder = hold(store, "rw", 1.5)
    started = time.monotonic()
    done = xhht(
        "import",
        str(IMPORTS / "ok_batch_first.csv"),
        "--db",
        str(store),
        env={"XHHT_LOCK_WAIT": "20"},
    )
    holder.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.0  # it waited rather than failing
    assert "Đã nhập 2 dòng" in done.stdout


def test_a_writer_that_waits_too_long_is_refused_naming_the_holder_and_nothing_changes(
    store: Path,
) -> None:
    digest = check_json(store)["digest"]
    holder = hold(store, "ro", 60)  # killed below, once the refusals are seen
    try:
        for args in (["import", str(IMPORTS / "ok_batch_first.csv")], ["rollback", "2"]):
            done = xhht(*args, "--db", str(store), env={"XHHT_LOCK_WAIT": "1"})
            assert done.returncode == 1
            message = done.stderr.strip()
            assert message.startswith(
                f"Lỗi: Kho dữ liệu {store} đang được tiến trình PID {holder.pid} (python"
            )
            assert (
                "đã chờ 1 giây. Kho vẫn nguyên vẹn: đợi việc đó xong rồi chạy lại lệnh" in message
            )
            assert "XHHT_LOCK_WAIT=giây" in message
            assert "demo" not in message and "Tạo lại" not in message  # busy is not broken
        refused = xhht(
            "import",
            str(IMPORTS / "ok_batch_first.csv"),
            "--json",
            "--db",
            str(store),
            env={"XHHT_LOCK_WAIT": "0.5"},
        )
        assert refused.returncode == 1
        body = json.loads(refused.stdout)
        assert body["status"] == "refused"
        assert "đang được tiến trình PID" in body["problems"][0]["message"]
    finally:
        holder.kill()
        holder.wait()
    assert check_json(store)["digest"] == digest


def test_two_app_style_writers_in_one_process_take_turns(store: Path) -> None:
    """The app's own import and rollback go through the same lock as the CLI's."""
    loc = parse_location(str(store))
    with writing(loc) as con:
        before = con.execute("SELECT max(id) FROM batches").fetchall()[0][0]
    with pytest.raises(StoreError) as exc, writing(loc) as con:
        con.execute("UPDATE batches SET note = 'x' WHERE id = 1")
        raise StoreError("thử hoàn tác giữa chừng")
    assert str(exc.value) == "thử hoàn tác giữa chừng"
    ro = connect(store, read_only=True)
    try:
        assert ro.execute("SELECT note FROM batches WHERE id = 1").fetchall() != [("x",)]
        assert ro.execute("SELECT max(id) FROM batches").fetchall()[0][0] == before
    finally:
        ro.close()


# --- kill -9 ----------------------------------------------------------------------------------------


def big_results_csv(db: Path, path: Path, rows: int) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        communes = query_frame(
            con,
            """SELECT l.code, l.name, p.short_name AS province FROM localities l
                                        JOIN localities p ON p.id = l.province_id
                                        WHERE l.level = 'commune' ORDER BY l.code""",
        )
    finally:
        con.close()
    indicators = [
        "gia_dinh",
        "dong_ho",
        "cong_dong_thon",
        "cong_dan_nguoi_lon",
        "ky_nang_so",
        "thanh_thao_so",
        "cong_dan_can_bo",
        "can_bo_khuyen_hoc",
        "don_vi",
    ]
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"]
        )
        for year in (2024, 2025):
            for c in communes.iter_rows(named=True):
                for ind in indicators:
                    if written >= rows:
                        return written
                    out.writerow(
                        [
                            year,
                            c["province"],
                            c["name"],
                            c["code"],
                            ind,
                            1000,
                            900,
                            700 + written % 50,
                            "Thử ngắt",
                        ]
                    )
                    written += 1
    return written


@pytest.mark.usefixtures("operators")
def test_kill_9_at_any_moment_of_an_import_or_rollback_leaves_all_or_nothing(
    store: Path, tmp_path: Path
) -> None:
    big = tmp_path / "lon.csv"
    rows = big_results_csv(store, big, 30_000)
    rng = random.Random(20251126)
    landed = killed = 0
    # Four imports killed at a random moment, then one left to land, so a landed batch's
    # rollback is killed too, whatever the machine's speed.
    for trial in range(5):
        before = history(store)[0]["id"]
        proc = start("import", str(big), "--db", str(store), "--user", "ngat")
        if trial < 4:
            time.sleep(rng.uniform(0.3, 4.0))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
        out, err = proc.communicate(timeout=300)
        if trial == 4:
            assert proc.returncode == 0, (out, err)
        report = check_here(store)
        assert report.ok, report.problems
        top = history(store)[0]
        if top["id"] > before:
            landed += 1
            assert (top["file_name"], top["rows"], top["status"]) == ("lon.csv", rows, "active")
            # Roll it back, killing the rollback too at a random moment.
            rb = start("rollback", str(top["id"]), "--db", str(store))
            time.sleep(rng.uniform(0.05, 1.0))
            if rb.poll() is None:
                os.kill(rb.pid, signal.SIGKILL)
            rb.communicate(timeout=60)
            report = check_here(store)
            assert report.ok, report.problems
            state = next(r for r in history(store) if r["id"] == top["id"])["status"]
            assert state in ("active", "rolled_back")
            if state == "active":
                assert xhht("rollback", str(top["id"]), "--db", str(store)).returncode == 0
        else:
            assert top["id"] == before
    assert killed >= 1  # the trials did interrupt imports
    assert landed >= 1  # and a landed import's rollback was interrupted too
    assert check_json(store)["ok"]


# --- bad input ------------------------------------------------------------------------------------


def test_a_command_on_a_missing_store_in_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "khong_co" / "kho.duckdb"
    for args in (
        ["import", str(IMPORTS / "ok_batch_first.csv")],
        ["rollback", "3"],
        ["history"],
        ["check"],
    ):
        done = xhht(*args, "--db", str(target))
        assert done.returncode == 1
        assert done.stderr.strip() == (
            f"Lỗi: Không tìm thấy kho dữ liệu {target}. Tạo kho bằng "
            f"`xhht demo --db {target}` hoặc `xhht init --db {target}`."
        )
    assert not target.parent.exists()


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    for args in (["history"], ["init"], ["import", str(IMPORTS / "ok_batch_first.csv")]):
        done = xhht(*args, "--db", str(tmp_path))
        assert done.returncode == 1
        assert done.stderr.strip() == (
            f"Lỗi: {tmp_path} là một thư mục, không phải tệp kho. "
            f"Chỉ tên tệp, ví dụ `{tmp_path / 'xhht.duckdb'}`."
        )
    assert list(tmp_path.iterdir()) == []


def test_a_store_of_the_older_schema_is_refused_until_upgraded(store: Path) -> None:
    con = connect(store)
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("DELETE FROM meta WHERE key IN ('data_version', 'store_id')")
    con.execute("CREATE SEQUENCE batch_seq START 4")
    con.close()
    done = xhht("import", str(IMPORTS / "ok_batch_first.csv"), "--db", str(store))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Lỗi: Kho dữ liệu {store} có phiên bản 1, ứng dụng cần phiên bản {SCHEMA_VERSION}. "
        "Nâng cấp kho (giữ nguyên số liệu) bằng `xhht store upgrade --db …`."
    )
    check = xhht("check", "--db", str(store))
    assert check.returncode == 1
    assert f"Lược đồ phiên bản 1, ứng dụng cần {SCHEMA_VERSION}" in check.stdout
    up = xhht("store", "upgrade", "--db", str(store))
    assert up.returncode == 0, up.stderr
    assert up.stdout.startswith(f"Đã nâng cấp kho {store}: phiên bản 1 → 2")
    assert f"Đã nâng cấp kho {store}: phiên bản 2 → 3: thêm sổ công nhận" in up.stdout
    assert check_json(store)["ok"]
    assert xhht("import", str(IMPORTS / "ok_batch_first.csv"), "--db", str(store)).returncode == 0
    again = xhht("store", "upgrade", "--db", str(store))
    assert (
        again.stdout.strip() == f"Kho {store} đã ở phiên bản {SCHEMA_VERSION}, không cần nâng cấp."
    )


def test_a_store_of_schema_2_gains_the_register_of_recognitions_on_upgrade(store: Path) -> None:
    con = connect(store)
    # A store of schema 2 had no lists: its batches counted figures and targets only.
    con.execute(
        "UPDATE batches SET rows = rows - (SELECT count(*) FROM recognitions r WHERE r.batch_id = batches.id)"
    )
    con.execute("DROP TABLE recognitions_current")
    con.execute("DROP TABLE recognitions")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    figures_before = con.execute("SELECT count(*) FROM observations_current").fetchone()
    con.close()
    done = xhht("history", "--db", str(store))
    assert done.returncode == 1
    assert f"có phiên bản 2, ứng dụng cần phiên bản {SCHEMA_VERSION}" in done.stderr
    up = xhht("store", "upgrade", "--db", str(store))
    assert up.returncode == 0, up.stderr
    assert up.stdout.strip().splitlines() == [
        f"Đã nâng cấp kho {store}: phiên bản 2 → 3: thêm sổ công nhận (danh sách đơn vị được công nhận).",
        f"Đã nâng cấp kho {store}: phiên bản 3 → 4: thêm vòng báo cáo của các xã (báo cáo, số liệu, nhật ký).",
        f"Đã nâng cấp kho {store}: phiên bản 4 → 5: thêm đặc điểm địa bàn (số hộ, nhân khẩu, thôn, "
        "tổ dân phố, cơ quan, trường học) và mức phổ cập giáo dục, xóa mù chữ; sổ công nhận ghi "
        "các bước đến quyết định (tự đánh giá, tờ trình); thêm các mục tiêu, nhiệm vụ của kế "
        "hoạch; thêm báo cáo có chữ ký đính kèm báo cáo của xã.",
    ]
    assert check_json(store)["ok"]
    con = connect(store, read_only=True)
    assert con.execute("SELECT count(*) FROM observations_current").fetchone() == figures_before
    assert con.execute("SELECT count(*) FROM recognitions_current").fetchone() == (0,)
    con.close()


def test_check_lists_what_is_wrong_and_exits_1(store: Path) -> None:
    con = connect(store)
    con.execute(
        "INSERT INTO observations (locality_id, year, indicator, total, registered, recognized, source, batch_id) "
        "VALUES ('X23368', 2025, 'gia_dinh', 10, 5, 5, 'mồ côi', 999)"
    )
    con.execute("DELETE FROM observations_current WHERE locality_id = 'X23368' AND year = 2024")
    con.execute("UPDATE batches SET rows = rows + 1 WHERE id = 3")
    con.close()
    done = xhht("check", "--db", str(store))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == f"Kho {store} có 3 vấn đề:"
    assert "  - 1 số liệu thuộc lô không có trong bảng batches." in lines
    assert any(line.startswith("  - Lô 3 ghi ") for line in lines)
    assert any(
        line.startswith("  - Bảng observations_current khác với tính lại từ các lô: 0 dòng thừa, ")
        for line in lines
    )


# --- readers see each write as soon as its writer has let the store go ----------------------------

DAK_LONG_SQL = (
    "SELECT recognized FROM observations_current "
    "WHERE locality_id = 'X23368' AND year = 2025 AND indicator = 'gia_dinh'"
)


def dak_long_file(tmp_path: Path, recognized: str) -> Path:
    """The one-row change of xã Đăk Long 2025 with another recognised count."""
    text = (IMPORTS / "ok_change_dak_long_2025.csv").read_text(encoding="utf-8")
    path = tmp_path / f"dak_long_{recognized.replace('.', '')}.csv"
    path.write_text(text.replace("7.500", recognized), encoding="utf-8")
    return path


def test_every_read_that_starts_after_a_writer_exits_shows_its_write(
    store: Path, tmp_path: Path
) -> None:
    """Page runs of one app process (threads on one SnapshotCache) read while writers in other
    processes import and roll back: a read that began after a writer's process exited shows
    that write (or the next one, which may land before its own process has exited), never the
    state before it."""
    cache = SnapshotCache(parse_location(str(store)))
    original = cache.current().cursor().execute(DAK_LONG_SQL).fetchall()[0][0]
    seen: list[tuple[float, int]] = []
    errors: list[str] = []
    stop = threading.Event()

    def page_runs() -> None:
        while not stop.is_set():
            asked = time.monotonic()
            try:
                value = cache.current().cursor().execute(DAK_LONG_SQL).fetchall()[0][0]
            except Exception as exc:  # noqa: BLE001 - what a page would show
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            seen.append((asked, value))
            time.sleep(0.01)

    threads = [threading.Thread(target=page_runs) for _ in range(3)]
    for t in threads:
        t.start()
    released: list[tuple[float, int]] = [(time.monotonic(), original)]

    def a_read_since_the_last_release() -> None:
        # Before the next writer starts, some page run has begun and ended after the last
        # release (on a busy machine the threads may not have run at all yet): each window
        # then holds a read to check.
        since = released[-1][0]
        deadline = time.monotonic() + 60
        while not any(asked > since for asked, _ in list(seen)) and time.monotonic() < deadline:
            time.sleep(0.01)

    try:
        a_read_since_the_last_release()
        first = xhht("import", str(dak_long_file(tmp_path, "7.500")), "--db", str(store))
        assert first.returncode == 0, first.stderr
        released.append((time.monotonic(), 7500))
        a_read_since_the_last_release()
        second = xhht("import", str(dak_long_file(tmp_path, "7.600")), "--db", str(store))
        assert second.returncode == 0, second.stderr
        released.append((time.monotonic(), 7600))
        batches_now = [r["id"] for r in history(store)[:2]]
        for batch, value in zip(batches_now, (7500, original), strict=True):
            a_read_since_the_last_release()
            done = xhht("rollback", str(batch), "--db", str(store))
            assert done.returncode == 0, done.stderr
            released.append((time.monotonic(), value))
        a_read_since_the_last_release()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    bounds = [*released[1:], (float("inf"), None)]
    for (since, value), (until, following) in zip(released, bounds, strict=True):
        between = {v for asked, v in seen if since < asked < until}
        assert value in between
        assert between <= {value, following}, (since, value, between)


def test_a_page_run_during_the_copy_after_a_write_is_served_the_copy_before_it(
    store: Path, tmp_path: Path
) -> None:
    """A page run that asks while the copy after a write is still being made does not wait for
    it past the cache's bound (here none): it is served the copy before. Page runs from then on
    show the write as soon as the copy is in place, and none goes back to the state before."""
    cache = SnapshotCache(parse_location(str(store)), fresh_wait=0.0)
    before = cache.current()
    original = before.cursor().execute(DAK_LONG_SQL).fetchall()[0][0]
    done = xhht("import", str(dak_long_file(tmp_path, "7.500")), "--db", str(store))
    assert done.returncode == 0, done.stderr
    # The look finds the file changed and hands the copy to the cache's thread; the page run
    # that looked does not wait for it.
    served = cache.current()
    assert served is before
    assert served.cursor().execute(DAK_LONG_SQL).fetchall() == [(original,)]
    shown: list[int] = []
    deadline = time.monotonic() + 60
    while 7500 not in shown and time.monotonic() < deadline:
        shown.append(cache.current().cursor().execute(DAK_LONG_SQL).fetchall()[0][0])
        time.sleep(0.01)
    assert shown[-1] == 7500
    for _ in range(20):  # every page run after the copy shows the write
        shown.append(cache.current().cursor().execute(DAK_LONG_SQL).fetchall()[0][0])
    first_new = shown.index(7500)
    assert set(shown[:first_new]) <= {original}
    assert shown[first_new:] == [7500] * (len(shown) - first_new)
    # With the default bound, a page run that asks right after the next write waits for its copy.
    waiting = SnapshotCache(parse_location(str(store)))
    assert waiting.current().cursor().execute(DAK_LONG_SQL).fetchall() == [(7500,)]
    done = xhht("import", str(dak_long_file(tmp_path, "7.600")), "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert waiting.current().cursor().execute(DAK_LONG_SQL).fetchall() == [(7600,)]


def test_a_page_run_after_an_import_shows_the_imported_figure(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Hồ sơ địa bàn page (Streamlit's own runner on the real store file): its first run
    after `xhht import` exits shows the imported rate, and after `xhht rollback` the old one."""
    monkeypatch.setenv("XHHT_DB", str(store))
    assert "86,8%" not in profile_rates()
    done = xhht("import", str(IMPORTS / "ok_change_dak_long_2025.csv"), "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert profile_rates()[0] == "86,8%"  # 7.500 / 8.645 households
    done = xhht("rollback", str(history(store)[0]["id"]), "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert "86,8%" not in profile_rates()


UNDER_WAY = "Đang có một lần ghi vào kho"


def under_way(notices: list[str]) -> bool:
    return any(n.startswith(UNDER_WAY) for n in notices)


def test_a_page_says_a_write_is_under_way_while_another_process_writes(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hồ sơ địa bàn (Streamlit's own runner on the real store file) while another process holds
    the store's write lock and a real `xhht import` waits behind it: the page says a write is
    under way and still shows the figures from before; once both have ended, the notice is gone
    and the imported figure shows."""
    monkeypatch.setenv("XHHT_DB", str(store))
    rates, notices = profile_view()
    assert not under_way(notices) and "86,8%" not in rates
    holder = hold(store, "rw", 300)
    importer = None
    try:
        rates_held, notices = profile_view()
        assert under_way(notices), notices
        assert rates_held == rates
        importer = start(
            "import",
            str(IMPORTS / "ok_change_dak_long_2025.csv"),
            "--db",
            str(store),
            env={"XHHT_LOCK_WAIT": "300"},
        )
        assert under_way(profile_view()[1])
    finally:
        holder.terminate()
        holder.wait(timeout=60)
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    rates, notices = profile_view()
    assert not under_way(notices), notices
    assert rates[0] == "86,8%"  # 7.500 / 8.645 households


@pytest.mark.usefixtures("operators")
def test_a_large_import_at_the_console_is_seen_as_a_write_under_way(
    store: Path, tmp_path: Path
) -> None:
    """The check a page makes on each run (metrics.store.backend.write_in_progress) sees a real
    `xhht import` of a large file from another process while it writes, and not once it ended;
    the store's readers meanwhile are never told the store is busy."""
    big = tmp_path / "lon.csv"
    big_results_csv(store, big, 30_000)
    loc = parse_location(str(store))
    assert not write_in_progress(loc)
    said = tmp_path / "said.txt"  # a file, not a pipe: an import that says much never stalls
    with open(said, "w", encoding="utf-8") as out:
        importer = subprocess.Popen(
            [str(XHHT), "import", str(big), "--db", str(store)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        seen = False
        while importer.poll() is None:
            seen = seen or write_in_progress(loc)
            time.sleep(0.01)
    assert importer.returncode == 0, said.read_text(encoding="utf-8")
    assert seen
    assert not write_in_progress(loc)


# --- a write costs its rows; compaction gives the rest back -------------------------------------


def test_small_writes_and_rollbacks_leave_the_file_about_its_size(store: Path) -> None:
    """Each import and rollback of one row changes the rows it touches: twenty of each leave the
    file within a few megabytes of its size (rebuilding the figures in force grew it by
    1,8–3,3 MB each)."""
    size = store.stat().st_size
    loc = parse_location(str(store))
    for recognized in range(20):
        with writing(loc) as con:
            batch = write_batch(
                con,
                BatchInfo(kind="import", synthetic=False),
                observations=one_observation(700 + recognized),
            )
        with writing(loc) as con:
            rollback_batch(con, batch)
    assert check_here(store).ok
    assert store.stat().st_size < size + 8 * 1024 * 1024


def one_observation(recognized: int) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "locality_id": "X23368",
                "year": 2025,
                "indicator": "gia_dinh",
                "total": 8645,
                "registered": 8000,
                "recognized": recognized,
                **dict.fromkeys(LEVEL_COLUMNS),
                "total_from_register": False,
                "source": "thử",
            }
        ],
        schema_overrides={
            "year": pl.Int32,
            **{c: pl.Int64 for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)},
        },
    )


def leftovers(store: Path) -> list[str]:
    """Files a compaction may leave beside the store: its copy, a log."""
    return sorted(
        p.name
        for p in store.parent.iterdir()
        if p.name.startswith(f".{store.name}") or p.name == f"{store.name}.wal"
    )


@pytest.mark.usefixtures("operators")
def test_compact_while_a_reader_reads_and_a_writer_waits_then_lands(
    store: Path, tmp_path: Path
) -> None:
    for _ in range(2):
        done = xhht("import", str(IMPORTS / "ok_change_dak_long_2025.csv"), "--db", str(store))
        assert done.returncode == 0, done.stderr
        done = xhht("rollback", str(history(store)[0]["id"]), "--db", str(store))
        assert done.returncode == 0, done.stderr
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER_SCRIPT, str(store), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    compactor = start("store", "compact", "--db", str(store), env={"XHHT_LOCK_WAIT": "60"})
    # Once the compaction has the store (its copy appears), a writer comes: it waits, then lands.
    deadline = time.monotonic() + 120
    while compactor.poll() is None and time.monotonic() < deadline:
        if any(".thu-gon-" in name for name in leftovers(store)):
            break
        time.sleep(0.02)
    writer = start(
        "import",
        str(IMPORTS / "ok_batch_first.csv"),
        "--db",
        str(store),
        "--user",
        "an",
        env={"XHHT_LOCK_WAIT": "60"},
    )
    compacted = compactor.communicate(timeout=180)
    written = writer.communicate(timeout=180)
    stop.touch()
    lines = reader.communicate(timeout=120)[0].splitlines()
    assert compactor.returncode == 0, compacted
    assert f"Đã thu gọn kho {store}" in compacted[0]
    assert writer.returncode == 0, written
    assert [line for line in lines if not line.startswith("ok ")] == []
    report = check_json(store)
    assert report["ok"], report["problems"]
    top = history(store)[0]
    assert (top["file_name"], top["created_by"], top["status"]) == (
        "ok_batch_first.csv",
        "an",
        "active",
    )
    # The compaction swapped in a copy of the same rows (what it says of the two files): a
    # write costs its own rows now, so two small writes leave little space to give back, and a
    # fresh copy may even be a little larger; the write that waited for it then landed.
    said = re.search(r": ([\d.,]+) MB → ([\d.,]+) MB", compacted[0])
    assert said, compacted[0]
    before_mb, after_mb = (float(x.replace(".", "").replace(",", ".")) for x in said.groups())
    assert 0 < after_mb < before_mb * 1.1
    assert leftovers(store) == []


def test_compact_killed_at_any_moment_leaves_the_store_whole_and_its_leftovers_go(
    store: Path,
) -> None:
    digest = check_json(store)["digest"]
    rng = random.Random(26)
    for _trial in range(3):
        proc = start("store", "compact", "--db", str(store))
        time.sleep(rng.uniform(0.2, 3.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        report = check_here(store)
        assert report.ok, report.problems
        assert report.digest == digest
    done = xhht("store", "compact", "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert check_json(store)["digest"] == digest
    assert leftovers(store) == []
