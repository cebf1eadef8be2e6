"""The reporting round at its busiest: every commune of the largest province submits its report
at once, each from its own `xhht rounds submit` process (at most WORKERS running together, as a
web server's workers would), on a copy of the national store. Prints how long the last one took
from the start and the p95 of one submission."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WORKERS = 16
COMMAND = [str(Path(sys.executable).parent / "xhht")]


def _xhht(*args: str, env: dict[str, str], cwd: Path) -> None:
    res = subprocess.run([*COMMAND, *args], env=env, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(res.stdout + res.stderr)


def bench_rounds(db: Path, work: Path, province_id: str) -> list[tuple[str, str, str, bool | None]]:
    import openpyxl

    from metrics.auth import Account, AccountsFile, hash_password, save_accounts
    from metrics.queries.registers import communes_of
    from metrics.store import connect

    folder = work / "rounds"
    folder.mkdir(exist_ok=True)
    store = folder / "store.duckdb"
    shutil.copy(db, store)
    con = connect(store, read_only=True)
    try:
        codes = communes_of(con, province_id)["code"].to_list()
    finally:
        con.close()
    code = province_id.removeprefix("P")
    accounts = folder / "accounts.toml"
    quick = hash_password("mat-khau-bench", iterations=1000)
    save_accounts(
        AccountsFile(
            account=[
                Account(name=f"xa.{c}", role="reporter", unit=c, password=quick) for c in codes
            ]
            + [Account(name="duyet", role="reviewer", unit=code, password=quick)]
        ),
        accounts,
    )
    env = {k: v for k, v in os.environ.items() if k != "XHHT_DB"}
    env.update(XHHT_ACCOUNTS=str(accounts), XHHT_LOCK_WAIT="600", XHHT_DB=str(store))
    _xhht("rounds", "open", "--province", code, "--year", "2025", "--deadline", "2026-01-15",
          "--user", "duyet", env=env, cwd=folder)  # fmt: skip
    template = folder / "form.xlsx"
    _xhht("template", "round", "--unit", codes[0], "--year", "2025", "-o", str(template),
          env=env, cwd=folder)  # fmt: skip
    forms = {}
    for i, c in enumerate(codes):
        wb = openpyxl.load_workbook(template)
        ws = wb["Báo cáo"]
        row = 5
        while ws.cell(row, 5).value:
            ws.cell(row, 4, c)
            for j, v in enumerate((1000 + i, 800, 600)):
                ws.cell(row, 6 + j, v)
            if (
                ws.cell(4, 9).value == "Mức độ 1"
                and ws.cell(row, 5).value == "Cộng đồng học tập cấp xã"
            ):
                for j, v in enumerate((1, 1, 1)):
                    ws.cell(row, 6 + j, v)
            row += 1
        forms[c] = folder / f"{c}.xlsx"
        wb.save(forms[c])

    start = time.perf_counter()

    def submit(c: str) -> tuple[float, float]:
        began = time.perf_counter()
        _xhht("rounds", "submit", str(forms[c]), "--unit", c, "--year", "2025", "--user",
              f"xa.{c}", env=env, cwd=folder)  # fmt: skip
        done = time.perf_counter()
        return done - began, done - start

    with ThreadPoolExecutor(WORKERS) as pool:
        times = list(pool.map(submit, codes))
    each = sorted(t for t, _ in times)
    p95 = each[min(len(each) - 1, int(0.95 * len(each)))]
    last = max(end for _, end in times)
    return [
        (
            f"rounds: {len(codes)} xã của {province_id} nộp cùng lúc ({WORKERS} tiến trình)",
            f"xã cuối xong sau {last:.1f} s",
            "–",
            None,
        ),
        ("rounds:   một lần nộp (từ lúc chạy lệnh)", f"p95 {p95:.1f} s", "–", None),
    ]
