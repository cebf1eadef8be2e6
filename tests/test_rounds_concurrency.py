"""Many communes of one province submitting at the same moment, each from its own `xhht rounds
submit` process with its own signed report attached (a .docx), on the DuckDB file and on
PostgreSQL: every submission and every file lands, none overwrites another, and the province
approves them all at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl

from metrics.auth import Account, AccountsFile, Principal, hash_password, save_accounts
from metrics.rounds import attachment_download
from metrics.store import connect
from metrics.store.backend import reading
from metrics.store.location import parse_location

XHHT = Path(sys.executable).parent / "xhht"
COMMAND = [str(XHHT)] if XHHT.exists() else [sys.executable, "-m", "metrics.cli"]
COMMUNES = 12  # of tỉnh Quảng Ngãi, each with its own reporter
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def env(accounts: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "XHHT_DB"}
    # Every writer waits for the ones before it (each holds the lock well under a second).
    out.update(XHHT_ACCOUNTS=str(accounts), XHHT_LOCK_WAIT="300", PYTHONIOENCODING="utf-8")
    return out


def xhht(*args: str, e: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(
        [*COMMAND, *args], env=e, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return res


def communes(demo_db: Path) -> list[str]:
    con = connect(demo_db, read_only=True)
    try:
        rows = con.execute(
            "SELECT code FROM localities WHERE level = 'commune' AND province_id = 'P51' "
            "ORDER BY code LIMIT ?",
            [COMMUNES],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def run_round(db: str, codes: list[str], tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    save_accounts(
        AccountsFile(
            account=[
                Account(name=f"xa.{c}", role="reporter", unit=c,
                        password=hash_password("mat-khau-thu", iterations=1000))
                for c in codes
            ]
            + [Account(name="duyet.qn", role="reviewer", unit="51",
                       password=hash_password("mat-khau-thu", iterations=1000))]
        ),
        accounts,
    )  # fmt: skip
    e = env(accounts)
    xhht("rounds", "open", "--province", "51", "--year", "2025", "--deadline", "2026-01-15",
         "--indicators", "gia_dinh", "dong_ho", "--user", "duyet.qn", "--db", db, e=e, cwd=tmp_path)  # fmt: skip
    forms = {}
    for i, code in enumerate(codes):
        form = tmp_path / f"form_{code}.xlsx"
        xhht("template", "round", "--unit", code, "--year", "2025", "-o", str(form), "--db", db,
             e=e, cwd=tmp_path)  # fmt: skip
        wb = openpyxl.load_workbook(form)
        ws = wb["Báo cáo"]
        for j, v in enumerate((5000 + i, 4000 + i, 3000 + i)):
            ws.cell(5, 6 + j, v)
        for j, v in enumerate((200 + i, 150, 100)):
            ws.cell(6, 6 + j, v)
        wb.save(form)
        forms[code] = form
        signed = docx.Document()
        signed.add_paragraph(f"Báo cáo có chữ ký của xã mã {code}")
        signed.save(tmp_path / f"ky_{code}.docx")
    procs = [
        subprocess.Popen(
            [
                *COMMAND,
                "rounds",
                "submit",
                str(forms[c]),
                "--unit",
                c,
                "--year",
                "2025",
                "--user",
                f"xa.{c}",
                "--attachment",
                str(tmp_path / f"ky_{c}.docx"),
                "--db",
                db,
            ],
            env=e,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for c in codes
    ]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0] * len(codes), results
    states = json.loads(
        xhht("rounds", "status", "--province", "51", "--year", "2025", "--json", "--db", db,
             e=e, cwd=tmp_path).stdout
    )  # fmt: skip
    mine = {r["code"]: r for r in states if r["code"] in codes}
    assert {c: (r["state"], r["submitted_by"]) for c, r in mine.items()} == {
        c: ("submitted", f"xa.{c}") for c in codes
    }
    xhht("rounds", "approve", "--province", "51", "--year", "2025", "--unit", *codes,
         "--user", "duyet.qn", "--db", db, e=e, cwd=tmp_path)  # fmt: skip
    # Each commune's own figures, none overwritten by another's.
    for i, code in enumerate(codes):
        out = xhht("progress", "--locality", code, "--year", "2025", "--indicator", "gia_dinh",
                   "--json", "--db", db, e=e, cwd=tmp_path).stdout  # fmt: skip
        [item] = json.loads(out)
        assert (item["total"], item["registered"], item["recognized"]) == (
            5000 + i,
            4000 + i,
            3000 + i,
        )
    # Each commune's own signed report, as its province's reviewer downloads it.
    reviewer = Principal(name="duyet.qn", display_name="duyet.qn", role="reviewer", unit="51")
    with reading(parse_location(db), role="tải báo cáo đính kèm") as con:
        got = {c: attachment_download(con, reviewer, c, 2025) for c in codes}
    assert got == {
        c: (f"ky_{c}.docx", MIME_DOCX, (tmp_path / f"ky_{c}.docx").read_bytes()) for c in codes
    }
    check = json.loads(xhht("check", "--json", "--db", db, e=e, cwd=tmp_path).stdout)
    assert check["problems"] == []


def test_communes_submitting_together_on_the_duckdb_file(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    run_round(str(store), communes(demo_db), tmp_path)


def test_communes_submitting_together_on_postgresql(
    demo_db: Path, pg_cluster, tmp_path: Path
) -> None:
    url = pg_cluster.create_database("vong_bao_cao")
    e = {k: v for k, v in os.environ.items() if k != "XHHT_DB"}
    subprocess.run([*COMMAND, "store", "copy", str(demo_db), url], env=e, check=True,
                   capture_output=True, timeout=900)  # fmt: skip
    run_round(url, communes(demo_db), tmp_path)
