"""The CLI applies an account's province rules when `--user` names one, as the app does: an
editor of Quảng Ngãi (51) can neither import a Hà Nội row nor roll back a batch holding one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.auth import Account, AccountsFile, hash_password, save_accounts
from metrics.queries.registers import batches
from metrics.store import connect

MIXED = (
    "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Công nhận,Nguồn\n"
    "2025,Quảng Ngãi,Xã Đăk Long,23368,gia_dinh,8.645,8.000,7.500,Báo cáo số 45/BC-UBND\n"
    "2025,Hà Nội,Phường Ba Đình,00004,gia_dinh,20.000,18.000,15.000,Báo cáo số 12/BC-UBND\n"
)


@pytest.fixture()
def setup(demo_db: Path, tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    accounts = tmp_path / "accounts.toml"
    save_accounts(
        AccountsFile(
            account=[
                Account(
                    name="ed51",
                    role="editor",
                    provinces=["51"],
                    password=hash_password("x" * 8, iterations=1000),
                ),
                Account(
                    name="quantri", role="admin", password=hash_password("y" * 8, iterations=1000)
                ),
            ]
        ),
        accounts,
    )
    mixed = tmp_path / "hai_tinh.csv"
    mixed.write_text(MIXED, encoding="utf-8")
    return store, {**os.environ, "XHHT_ACCOUNTS": str(accounts)}, mixed


def xhht(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metrics.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _batch_ids(store: Path) -> list[int]:
    con = connect(store, read_only=True)
    try:
        return batches(con).filter(batches(con)["status"] == "active")["id"].to_list()
    finally:
        con.close()


def test_an_editor_named_by_user_imports_only_their_provinces(setup) -> None:  # noqa: ANN001
    store, env, mixed = setup
    before = store.read_bytes()
    refused = xhht(env, "import", str(mixed), "--db", str(store), "--user", "ed51", "--json")
    assert refused.returncode == 1
    problems = json.loads(refused.stdout)["problems"]
    assert [p["row"] for p in problems] == [3]
    assert (
        "Tài khoản chỉ được nhập số liệu của tỉnh có mã 51; dòng này thuộc Thành phố Hà Nội"
        in (problems[0]["message"])
    )
    assert store.read_bytes() == before


def test_a_user_that_names_no_account_is_refused_and_the_store_unchanged(
    setup,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    store, env, mixed = setup
    accounts = env["XHHT_ACCOUNTS"]
    before = store.read_bytes()
    batches_before = _batch_ids(store)
    for command in (
        ("import", str(mixed)),
        ("import", str(mixed), "--dry-run"),
        ("rollback", str(max(batches_before))),
    ):
        refused = xhht(env, *command, "--db", str(store), "--user", "ed5")
        assert refused.returncode == 1, command
        assert refused.stderr.strip().endswith(
            f"--user “ed5” không phải tài khoản nào trong tệp tài khoản {accounts}: các tài "
            "khoản có trong tệp: ed51, quantri. Kho dữ liệu không thay đổi. Ghi đúng tên tài "
            "khoản, tạo tài khoản bằng `xhht accounts add`, hoặc bỏ --user để ghi với quyền "
            "người vận hành máy chủ."
        ), refused.stderr
        assert "Traceback" not in refused.stderr
    # No accounts file where the command looked: it says which file it read.
    missing = tmp_path / "khong-co" / "accounts.toml"
    alone = xhht(
        {**env, "XHHT_ACCOUNTS": str(missing)},
        *("import", str(mixed), "--db", str(store), "--user", "ed51"),
    )
    assert alone.returncode == 1
    assert (
        f"--user “ed51” không phải tài khoản nào trong tệp tài khoản {missing}: tệp này không "
        "tồn tại (đặt biến môi trường XHHT_ACCOUNTS nếu tệp ở nơi khác)."
    ) in alone.stderr
    assert store.read_bytes() == before
    assert _batch_ids(store) == batches_before

    # Without --user: the operator at the server's console, who writes anywhere.
    done = xhht(env, "import", str(mixed), "--db", str(store))
    assert done.returncode == 0, done.stderr


def test_an_editor_cannot_roll_back_a_batch_that_holds_another_provinces_row(setup) -> None:  # noqa: ANN001
    store, env, mixed = setup
    assert xhht(env, "import", str(mixed), "--db", str(store), "--user", "quantri").returncode == 0
    batch = max(_batch_ids(store))
    refused = xhht(env, "rollback", str(batch), "--db", str(store), "--user", "ed51")
    assert refused.returncode == 1
    assert (
        f"Lô {batch} có số liệu ngoài tỉnh của tài khoản ed51 (mã 51): 01. Một lô được hoàn tác "
        "trọn vẹn, nên cần quản trị viên hoàn tác lô này."
    ) in refused.stderr
    assert batch in _batch_ids(store)
    done = xhht(env, "rollback", str(batch), "--db", str(store), "--user", "quantri")
    assert done.returncode == 0, done.stderr
    assert batch not in _batch_ids(store)


def test_an_editor_rolls_back_a_batch_of_their_own_province(setup, tmp_path: Path) -> None:  # noqa: ANN001
    store, env, _ = setup
    only_qn = tmp_path / "qn.csv"
    only_qn.write_text("".join(MIXED.splitlines(keepends=True)[:2]), encoding="utf-8")
    assert xhht(env, "import", str(only_qn), "--db", str(store), "--user", "ed51").returncode == 0
    batch = max(_batch_ids(store))
    done = xhht(env, "rollback", str(batch), "--db", str(store), "--user", "ed51")
    assert done.returncode == 0, done.stderr
    assert batch not in _batch_ids(store)
