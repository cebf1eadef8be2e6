"""Peak memory of importing files at and past the importer's limits (metrics/inputs/limits.py),
each in its own `xhht import` process: the kernel's record of its peak resident memory."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

# A process's peak memory as the kernel keeps it (ru_maxrss) starts from the high-water mark of
# the process that forked it: a command started straight from a pytest worker of 1 GB reported
# 1 GB before doing anything. A small launcher forks the command instead and reports its child's
# figure, so the number is the command's own.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(
    cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
) -> tuple[int, str, str, float]:
    """Run a command: exit code, stdout, stderr and the process's peak resident memory (MB,
    getrusage ru_maxrss of that one process, taken by a small launcher that forked it)."""
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xhht-measured-") as tmp:
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        peak_path = Path(tmp) / "peak"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(peak_path), *cmd],
                cwd=cwd,
                env=dict(env or os.environ),
                stdout=out,
                stderr=err,
            )
            try:
                code = proc.wait(timeout=timeout)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
        return (
            code,
            out_path.read_text(encoding="utf-8"),
            err_path.read_text(encoding="utf-8"),
            int(peak_path.read_text()) / 1024,
        )


_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def zip_bomb(path: Path, rows: int, cells_per_row: int = 10) -> None:
    """A one-sheet workbook of `rows` × `cells_per_row` identical text cells, streamed into the
    zip: a few MB on disk for a sheet of hundreds of MB (or GB) unpacked."""
    import zipfile

    cell = '<c t="inlineStr"><is><t>Xã Đăk Long</t></is></c>'.encode()
    row_xml = b"<row>" + cell * cells_per_row + b"</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, body in _PARTS.items():
            z.writestr(name, body)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            block = row_xml * 10_000
            for _ in range(rows // 10_000):
                f.write(block)
            f.write(row_xml * (rows % 10_000))
            f.write(b"</sheetData></worksheet>")


def largest_accepted(db: Path, path: Path, rows: int) -> int:
    """A results workbook of `rows` rows (the row limit), long form: old communes' figures for
    2019–2024, then today's communes' for 2025 — every row valid."""
    import xlsxwriter

    from bench.national import COMMUNE_INDICATORS
    from metrics.store import connect, query_frame

    con = connect(db, read_only=True)
    try:
        places = query_frame(
            con,
            "SELECT l.level, l.code, l.name, p.name AS province FROM localities l "
            "JOIN localities p ON p.id = l.province_id "
            "WHERE l.level IN ('commune', 'old_commune') AND l.code IS NOT NULL ORDER BY l.level, l.code",
        )
    finally:
        con.close()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Kết quả")
    ws.write_row(
        0, 0, ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"]
    )
    r = 1
    plan = [(2025, "commune")] + [(y, "old_commune") for y in range(2024, 2018, -1)]
    for year, level in plan:
        for c in places.filter(places["level"] == level).iter_rows(named=True):
            for ind in COMMUNE_INDICATORS:
                if r > rows:
                    break
                row = [year, c["province"], c["name"], c["code"], ind, 1000 + r % 97, 800]
                ws.write_row(r, 0, [*row, 600 + r % 13, "Benchmark"])
                r += 1
    wb.close()
    return r - 1


def bench_inputs(db: Path, work: Path) -> list[tuple[str, str, str, bool | None]]:
    """Lines for bench/__main__.py: peak memory (and time) of `xhht import` of the largest file
    the limits accept, written into a copy of the store, and of refusing a zip bomb and a huge
    CSV. Each runs in its own process; the figure is that process's peak resident memory."""
    import shutil
    import sys
    import time

    from metrics.fmt import fmt_int, fmt_num
    from metrics.inputs import MAX_ROWS

    root = Path(__file__).resolve().parent.parent
    store = work / "inputs.duckdb"
    shutil.copy(db, store)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("XHHT_DB", None)
    largest = work / "lon_nhat.xlsx"
    rows = largest_accepted(db, largest, MAX_ROWS)
    bomb = work / "bom_nen.xlsx"
    zip_bomb(bomb, 4_000_000)  # ≈2 GB unpacked
    huge_csv = work / "rat_nhieu_dong.csv"
    huge_csv.write_bytes(b"Nam,Tinh\n" + b"1\n" * 9_000_000)  # 18 MB, 9 million lines
    cases = [
        (
            f"tệp {fmt_int(rows)} dòng ({fmt_int(largest.stat().st_size // 1024)} KB), nhập",
            largest,
            0,
        ),
        (f"bom nén ({fmt_int(bomb.stat().st_size // 1024)} KB → 2 GB), từ chối", bomb, 1),
        (
            f"CSV 9 triệu dòng ({fmt_int(huge_csv.stat().st_size // 2**20)} MB), từ chối",
            huge_csv,
            1,
        ),
    ]
    out: list[tuple[str, str, str, bool | None]] = []
    for label, path, expected in cases:
        t0 = time.perf_counter()
        code, stdout, stderr, peak = run_measured(
            [
                sys.executable,
                "-m",
                "metrics.cli",
                "import",
                str(path),
                "--db",
                str(store),
                "--user",
                "bench",
            ],
            cwd=root,
            env=env,
        )
        seconds = time.perf_counter() - t0
        if code != expected:
            raise SystemExit(f"{label}: exit {code}\n{stdout[-2000:]}\n{stderr[-2000:]}")
        out.append(
            (
                f"inputs: {label}",
                f"{fmt_int(peak)} MB, {fmt_num(seconds)} s",
                f"< {fmt_int(BUDGET_MB)} MB",
                peak < BUDGET_MB,
            )
        )
    return out


BUDGET_MB = 1024
