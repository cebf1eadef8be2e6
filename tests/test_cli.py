"""`xhht`, run as users run it: the installed console script in a child process.

Exit codes: 0 success, 1 input refused (with the reason), 2 usage error."""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from metrics import cli

ROOT = Path(__file__).resolve().parent.parent
XHHT = Path(sys.executable).parent / "xhht"
COMMAND = [str(XHHT)] if XHHT.exists() else [sys.executable, "-m", "metrics.cli"]


def xhht(
    *args: str, cwd: Path, env_db: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "XHHT_DB"}
    if env_db is not None:
        env["XHHT_DB"] = str(env_db)
    return subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def command_paths() -> list[list[str]]:
    """Every command and subcommand the parser offers (each command module registers its own)."""
    found: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(cli.build_parser(), [])
    return found


def test_the_console_script_is_installed() -> None:
    assert XHHT.exists(), f"{XHHT} is missing: pip install -e . creates it"


# -- demo and init -------------------------------------------------------------------------------


def test_demo_builds_a_store_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    db = tmp_path / "kho" / "demo.duckdb"
    first = xhht("demo", "--db", str(db), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert db.exists()
    assert not db.with_name("demo.duckdb.building").exists()
    assert f"Đã tạo kho minh họa {db}: 3.321 xã" in first.stdout
    assert "4 số liệu thật từ báo cáo mẫu" in first.stdout

    size = db.stat().st_size
    again = xhht("demo", "--db", str(db), cwd=tmp_path)
    assert again.returncode == 1
    assert "--force" in again.stderr
    assert again.stderr.startswith(f"Lỗi: Tệp {db} đã có.")
    assert db.stat().st_size == size

    # The store it made is a complete one.
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(
            "SELECT count(*) FROM localities WHERE level = 'commune'"
        ).fetchall() == [(3321,)]
        assert con.execute(
            "SELECT count(*) FROM observations_current WHERE NOT synthetic"
        ).fetchall() == [(4,)]
    finally:
        con.close()


def test_init_creates_an_empty_store_with_registers_and_national_targets(tmp_path: Path) -> None:
    db = tmp_path / "trong.duckdb"
    res = xhht("init", "--db", str(db), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert f"Đã tạo kho trống {db} với danh mục địa bàn và chỉ tiêu" in res.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        levels = dict(
            con.execute("SELECT level, count(*) FROM localities GROUP BY level").fetchall()
        )
        assert (
            levels["province"] == 34
            and levels["commune"] == 3321
            and levels["old_commune"] == 10035
        )
        assert con.execute("SELECT count(*) FROM lineage").fetchall()[0][0] > 10_000
        assert con.execute("SELECT count(*) FROM indicators").fetchall() == [(11,)]
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM observations_current").fetchall() == [(0,)]
        targets = con.execute(
            "SELECT DISTINCT locality_id, synthetic FROM targets_current"
        ).fetchall()
        assert targets == [("VN", False)]
        assert con.execute("SELECT count(*) FROM targets_current").fetchall() == [(18,)]
        assert con.execute("SELECT kind, synthetic FROM batches").fetchall() == [
            ("registers", False)
        ]
    finally:
        con.close()
    again = xhht("init", "--db", str(db), cwd=tmp_path)
    assert again.returncode == 1
    assert "--force" in again.stderr


# -- localities find -------------------------------------------------------------------------------


def test_find_ambiguous_name_lists_both_candidates(demo_db: Path, tmp_path: Path) -> None:
    # Marked old, xã Đăk Long names the two old communes of tỉnh Kon Tum cũ.
    res = xhht(
        "localities",
        "find",
        "Xã Đăk Long (cũ)",
        "--year",
        "2023",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert lines[0] == (
        "Tên “Xã Đăk Long (cũ)” khớp với 2 địa bàn; thêm tên huyện (cũ) hoặc tỉnh, hoặc ghi mã đơn vị hành chính."
    )
    assert lines[1] == "Các địa bàn có thể là:"
    assert lines[2:] == [
        "  - Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504",
        "  - Xã Đăk Long (cũ), huyện Đắk Glei, tỉnh Kon Tum (cũ) — 23368",
    ]


def test_find_an_unmarked_name_is_todays_unit_whatever_the_year(
    demo_db: Path, tmp_path: Path
) -> None:
    res = xhht(
        "localities", "find", "Xã Đăk Long", "--year", "2023", "--db", str(demo_db), cwd=tmp_path
    )
    assert res.returncode == 0, res.stdout
    assert res.stdout.splitlines() == [
        "Xã Đăk Long, tỉnh Quảng Ngãi — 23368",
        "  cấp: xã, phường, đặc khu; từ 1/7/2025",
    ]


def test_find_json_in_2025(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities",
        "find",
        "Xã Đăk Long",
        "--year",
        "2025",
        "--json",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["status"] == "ok"
    assert data["locality"]["id"] == "X23368"
    assert data["locality"]["code"] == "23368"
    assert data["locality"]["label"] == "Xã Đăk Long, tỉnh Quảng Ngãi — 23368"
    assert data["candidates"] == []


def test_find_json_when_ambiguous(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities",
        "find",
        "Xã Đăk Long (cũ)",
        "--year",
        "2023",
        "--json",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert data["status"] == "ambiguous"
    assert data["locality"] is None
    assert [c["id"] for c in data["candidates"]] == ["OX23504", "OX23368"]


def test_find_with_district_and_province_options(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities",
        "find",
        "Dak Long",
        "--district",
        "Đăk Hà",
        "--province",
        "Kon Tum",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504",
        "  cấp: xã cũ; trước 7/2025",
    ]


def test_find_by_code_wins_over_the_name(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities",
        "find",
        "Phường Hoàn Kiếm",
        "--code",
        "23504",
        "--year",
        "2023",
        "--json",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["locality"]["id"] == "OX23504"


def test_find_unknown_name(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities",
        "find",
        "Xã Không Có Thật",
        "--year",
        "2025",
        "--db",
        str(demo_db),
        cwd=tmp_path,
    )
    assert res.returncode == 1
    assert res.stdout.startswith(
        "Không tìm thấy địa bàn “Xã Không Có Thật” năm 2025 trong danh mục"
    )


def test_store_from_the_environment(demo_db: Path, tmp_path: Path) -> None:
    res = xhht("localities", "find", "Toàn quốc", cwd=tmp_path, env_db=demo_db)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "Toàn quốc"


# -- usage errors and refusals ---------------------------------------------------------------------


def test_year_that_is_not_a_number_is_a_usage_error(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities", "find", "Xã Đăk Long", "--year", "abc", "--db", str(demo_db), cwd=tmp_path
    )
    assert res.returncode == 2
    assert "năm phải là số nguyên, không phải “abc”" in res.stderr
    assert res.stdout == ""


def test_year_out_of_range_is_a_usage_error(demo_db: Path, tmp_path: Path) -> None:
    res = xhht(
        "localities", "find", "Xã Đăk Long", "--year", "1990", "--db", str(demo_db), cwd=tmp_path
    )
    assert res.returncode == 2
    assert "năm 1990 nằm ngoài khoảng 2000–2100" in res.stderr


def test_missing_command_is_a_usage_error(tmp_path: Path) -> None:
    assert xhht(cwd=tmp_path).returncode == 2
    assert xhht("khong-co-lenh", cwd=tmp_path).returncode == 2


def test_missing_store_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "khong_co.duckdb"
    res = xhht("localities", "find", "Xã Đăk Long", "--db", str(missing), cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.startswith(f"Lỗi: Không tìm thấy kho dữ liệu {missing}.")
    assert "Không tìm thấy kho" in res.stderr
    assert not missing.exists()


def test_foreign_duckdb_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "khac.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    res = xhht("localities", "find", "Xã Đăk Long", "--db", str(other), cwd=tmp_path)
    assert res.returncode == 1
    assert "không phải kho dữ liệu của ứng dụng" in res.stderr


def test_files_that_are_no_store_are_named_so_in_vietnamese(tmp_path: Path) -> None:
    import sqlite3

    text = tmp_path / "ghi_chu.duckdb"
    text.write_text("không phải kho\n", encoding="utf-8")
    lite = tmp_path / "cu.duckdb"
    con = sqlite3.connect(lite)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    expected = {
        text: f"Lỗi: Tệp {text} không phải tệp kho dữ liệu (không phải tệp DuckDB).",
        lite: f"Lỗi: Tệp {lite} là cơ sở dữ liệu SQLite, không phải tệp kho dữ liệu (DuckDB).",
    }
    for path, message in expected.items():
        before = path.read_bytes()
        for command in (("history",), ("check",), ("rollback", "1")):
            res = xhht(*command, "--db", str(path), cwd=tmp_path)
            assert res.returncode == 1, command
            assert res.stderr.startswith(message), res.stderr
            for english in ("IO Error", "valid DuckDB", "extension", "Traceback"):
                assert english not in res.stderr
        assert path.read_bytes() == before


def test_a_store_this_process_cannot_write_is_read_only(demo_db: Path) -> None:
    """Run as an account that may read the store but not write it (root writes anything, so
    a root test runs the command as `nobody`)."""
    import shutil
    import tempfile

    # A folder every account may enter (pytest's own are its owner's only).
    folder = Path(tempfile.mkdtemp(prefix="xhht-chi-doc-"))
    folder.chmod(0o755)
    store = folder / "xhht.duckdb"
    shutil.copy(demo_db, store)
    store.chmod(0o444)
    prefix = (
        ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        if os.geteuid() == 0
        else []
    )
    before = store.read_bytes()
    opened = _let_everyone_reach(Path(sys.executable).resolve()) if prefix else []

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *COMMAND, *args, "--db", str(store)],
            cwd=folder,
            env={k: v for k, v in os.environ.items() if k != "XHHT_DB"},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )

    res = run("rollback", "2")
    assert res.returncode == 1
    assert res.stderr.startswith(
        f"Lỗi: Kho dữ liệu {store} chỉ đọc với tiến trình này: không ghi được tệp {store}. "
        "Kho không thay đổi."
    ), res.stderr
    assert "Permission denied" not in res.stderr and "IO Error" not in res.stderr
    assert store.read_bytes() == before
    assert run("history").returncode == 0  # reading still works
    shutil.rmtree(folder)
    for path, mode in opened:
        path.chmod(mode)


def _let_everyone_reach(target: Path) -> list[tuple[Path, int]]:
    """`nobody` must reach the interpreter and the project: a checkout under a folder only its
    owner may enter (/root/…) gets o+x on those folders for the test; their modes are given
    back to restore."""
    opened = []
    for folder in [*reversed(target.parents), *reversed(ROOT.parents), ROOT]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            opened.append((folder, mode))
    return opened


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "xhht")
def test_help_of_every_command(path: list[str], tmp_path: Path) -> None:
    res = xhht(*path, "--help", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"usage: xhht {' '.join(path)}".rstrip())
    assert res.stderr == ""


def test_top_level_help_lists_the_foundation_commands(tmp_path: Path) -> None:
    res = xhht("--help", cwd=tmp_path)
    assert res.returncode == 0
    for command in ("init", "demo", "localities"):
        assert command in res.stdout
    assert "Bảng theo dõi chỉ tiêu xây dựng xã hội học tập" in res.stdout
