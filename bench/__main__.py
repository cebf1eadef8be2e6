"""Benchmark at national scale: `make bench` (or `python -m bench [--stress] [--runs N]`).

Prints, for each step, the measured figure and its budget. Timings are measured here, never
asserted in tests. Steps:
  store     building the national store from scratch
  progress  one province × all indicators (metrics.locality_progress.progress_for)
  pages     each page's server-side work for its heaviest choice, median and p95
  import    a 10,000-row workbook, validated and written
  deck      a province's deck: the first (Chromium starting), then with the export server running
  memory    the app process's peak memory with the national store loaded and every page opened
  inputs    peak memory of `xhht import`: the largest file the limits accept, a zip bomb and a
            huge CSV refused (bench/inputs.py)
  writes    100 one-row imports and rollbacks: their time, a page's wait for the new copy, the
            store's size before, after and after `xhht store compact`, on the DuckDB file and on
            PostgreSQL (bench/writes.py)
  rounds    every commune of the largest province submits its report at once, each from its
            own `xhht rounds submit` process: the last one's time and the p95 (bench/rounds.py)
  load      two app servers, 8 Chromium sessions reloading pages while `xhht import`/`rollback`
            write, on the DuckDB file and on PostgreSQL (bench/load.py)
  cli       whole `xhht` processes (progress, localities find, recognitions list, demo, a
            10.000-row import), median of 5, each beside the first version's same command run in
            the same step from a temporary worktree of that commit (bench/cli_runs.py)
  sessions  one app process, 50–200 sessions at Streamlit's websocket protocol: server CPU per
            page view, the highest rate with p95 ≤ 2 s and no error, the same while imports and
            a rollback write (with two Chromium pages on top), and how soon every session shows
            a write, on the DuckDB file and on PostgreSQL (bench/sessions.py)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS_MS = {"store": 5000, "progress": 50, "pages": 300, "import": 3000, "deck": 4000}
BUDGET_MEMORY_MB = 600


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def fmt_int(value: float) -> str:
    from metrics.fmt import fmt_int as vi

    return vi(value)


def line(step: str, figure: str, budget: str, ok: bool | None) -> None:
    verdict = "–" if ok is None else ("đạt" if ok else "VƯỢT")
    print(f"{step:<48} {figure:>22} {budget:>12}  {verdict}")


def largest_province(con) -> str:  # noqa: ANN001
    from metrics.store import first_row

    row = first_row(
        con,
        "SELECT province_id FROM localities WHERE level = 'commune' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    assert row is not None
    return str(row[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--stress",
        action="store_true",
        help="×10: years 2015–2030 and all old communes with lineage",
    )
    parser.add_argument("--runs", type=int, default=20, help="repetitions for median/p95")
    parser.add_argument(
        "--skip-memory", action="store_true", help="skip the browser-driven memory step"
    )
    parser.add_argument(
        "--skip-load", action="store_true", help="skip the concurrent-readers-and-writers step"
    )
    parser.add_argument(
        "--skip-writes", action="store_true", help="skip the many-small-writes step"
    )
    parser.add_argument(
        "--skip-sessions", action="store_true", help="skip the protocol-level sessions step"
    )
    parser.add_argument(
        "--sessions", type=int, default=100, help="concurrent sessions of the sessions step"
    )
    parser.add_argument(
        "--writes", type=int, default=100, help="one-row imports and rollbacks in the writes step"
    )
    parser.add_argument(
        "--only",
        choices=["load", "sessions", "inputs", "browser", "deck", "writes", "rounds", "cli"],
        help="build the store, then run only this step",
    )
    parser.add_argument(
        "--skip-browser", action="store_true", help="skip the first-view timings in Chromium"
    )
    parser.add_argument(
        "--skip-cli", action="store_true", help="skip the command line beside its first version"
    )
    args = parser.parse_args(argv)

    from bench.national import build_national
    from metrics import locality_progress
    from metrics.store import connect

    work = Path(tempfile.mkdtemp(prefix="xhht-bench-"))
    db = work / "national.duckdb"
    print(
        f"Benchmark {'×10 ' if args.stress else ''}quy mô toàn quốc — {os.cpu_count()} lõi CPU, {args.runs} lần đo mỗi bước"
    )
    print(f"{'bước':<48} {'số đo':>22} {'ngân sách':>12}  kết quả")
    print("-" * 92)

    t0 = time.perf_counter()
    con = connect(db)
    sizes = build_national(con, stress=args.stress)
    con.close()
    ms = (time.perf_counter() - t0) * 1000
    line(
        f"store: dựng kho ({fmt_int(sizes['observations'])} số liệu)",
        f"{fmt_int(ms)} ms",
        f"< {BUDGETS_MS['store']} ms",
        ms < BUDGETS_MS["store"],
    )

    if args.only is not None:
        steps = {
            "load": run_load,
            "sessions": lambda db, work: run_sessions(db, work, args.sessions),
            "inputs": run_inputs,
            "browser": run_browser,
            "rounds": run_rounds,
            "cli": run_cli,
            "deck": lambda db, work: run_deck(db, work, min(args.runs, 5)),
            "writes": lambda db, work: run_writes(db, work, args.writes),
        }
        try:
            steps[args.only](db, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0

    con = connect(db, read_only=True)
    prov = largest_province(con)
    year = 2025
    values = timed(lambda: locality_progress.progress_for(con.cursor(), prov, year), args.runs)
    med, high = statistics.median(values), p95(values)
    line(
        f"progress: tỉnh lớn nhất ({prov}) × mọi chỉ tiêu",
        f"{med:.0f} / p95 {high:.0f} ms",
        f"< {BUDGETS_MS['progress']} ms",
        high < BUDGETS_MS["progress"],
    )

    con.close()
    from bench.pages import page_choices, run_page

    for name, (page, params) in page_choices(prov).items():
        run_page(db, page, params)  # the first run also imports modules: not counted
        values = [run_page(db, page, params) for _ in range(args.runs)]
        med, high = statistics.median(values), p95(values)
        line(
            f"pages: {name}",
            f"{med:.0f} / p95 {high:.0f} ms",
            f"p95 < {BUDGETS_MS['pages']} ms",
            high < BUDGETS_MS["pages"],
        )

    ms, rows = bench_import(db, work)
    line(
        f"import: tệp {fmt_int(rows)} dòng, kiểm tra và ghi",
        f"{fmt_int(ms)} ms",
        f"< {BUDGETS_MS['import']} ms",
        ms < BUDGETS_MS["import"],
    )

    run_inputs(db, work)

    run_deck(db, work, min(args.runs, 5))

    run_rounds(db, work)

    if not args.skip_cli:
        run_cli(db, work)

    if not args.skip_memory:
        peak = bench_memory(db)
        line(
            "memory: đỉnh bộ nhớ tiến trình ứng dụng",
            f"{peak:.0f} MB",
            f"< {BUDGET_MEMORY_MB} MB",
            peak < BUDGET_MEMORY_MB,
        )
    if not args.skip_browser:
        run_browser(db, work)
    if not args.skip_writes:
        run_writes(db, work, args.writes)
    try:
        if not args.skip_load:
            run_load(db, work)
        if not args.skip_sessions:
            run_sessions(db, work, args.sessions)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run_deck(db: Path, work: Path, runs: int) -> None:
    """The province deck: the first one (Chromium starting), then the budget's warm ones."""
    cold, warm, slides = bench_deck(db, work, runs)
    line(
        f"deck: {slides} trang chiếu, lần đầu (khởi động Chromium)",
        f"{fmt_int(cold)} ms",
        "–",
        None,
    )
    line(
        f"deck: {slides} trang chiếu, máy xuất ảnh đã chạy",
        f"{fmt_int(statistics.median(warm))} / tối đa {fmt_int(max(warm))} ms",
        f"< {BUDGETS_MS['deck']} ms",
        max(warm) < BUDGETS_MS["deck"],
    )


def run_browser(db: Path, work: Path) -> None:
    """First views and a change of province in Chromium, beside a bare page (bench/browser_views.py)."""
    from bench.browser_views import bench_browser_views
    from metrics.store import connect

    con = connect(db, read_only=True)
    try:
        prov = largest_province(con)
    finally:
        con.close()
    for row in bench_browser_views(db, prov):
        line(*row)


def run_cli(db: Path, work: Path) -> None:
    """Whole `xhht` processes beside the first version's same commands (bench/cli_runs.py)."""
    from bench.cli_runs import bench_cli

    for row in bench_cli(work):
        line(*row)


def run_rounds(db: Path, work: Path) -> None:
    """Every commune of the largest province submitting at once (bench/rounds.py)."""
    from bench.rounds import bench_rounds
    from metrics.store import connect

    con = connect(db, read_only=True)
    try:
        prov = largest_province(con)
    finally:
        con.close()
    for row in bench_rounds(db, work, prov):
        line(*row)


def run_inputs(db: Path, work: Path) -> None:
    """Peak memory of importing at and past the input limits (bench/inputs.py)."""
    from bench.inputs import bench_inputs

    for row in bench_inputs(db, work):
        line(*row)


def run_writes(db: Path, work: Path, writes: int) -> None:
    """Many small writes and rollbacks, then compaction, for each backend (bench/writes.py)."""
    from bench.writes import bench_writes, report_rows

    for result in bench_writes(db, work, writes):
        for row in report_rows(result):
            line(*row)


def run_sessions(db: Path, work: Path, sessions: int) -> None:
    """Many sessions at the protocol level, for each backend (bench/sessions.py)."""
    from bench.sessions import bench_sessions, report

    for result in bench_sessions(db, work, sessions):
        rows, details = report(result)
        for row in rows:
            line(*row)
        for text in details:
            print(text)


def run_load(db: Path, work: Path) -> None:
    """Readers and writers at once, for each backend (bench/load.py); details under the lines."""
    from bench.load import bench_load
    from bench.load_results import report_rows

    for result in bench_load(db, work):
        rows, details = report_rows(result)
        for row in rows:
            line(*row)
        for text in details:
            print(text)


def bench_import(db: Path, work: Path) -> tuple[float, int]:
    import xlsxwriter

    from metrics.inputs import import_file
    from metrics.store import connect, query_frame

    copy = work / "import.duckdb"
    shutil.copy(db, copy)
    con = connect(copy)
    communes = query_frame(
        con,
        "SELECT l.code, l.name, p.short_name AS province FROM localities l JOIN localities p ON p.id = l.province_id WHERE l.level = 'commune' ORDER BY l.code LIMIT 1112",
    )
    path = work / "import_10000.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Kết quả")
    ws.write_row(
        0, 0, ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"]
    )
    r = 1
    from bench.national import COMMUNE_INDICATORS

    for c in communes.iter_rows(named=True):
        for ind in COMMUNE_INDICATORS:
            if r > 10_000:
                break
            ws.write_row(
                r,
                0,
                [
                    2025,
                    c["province"],
                    c["name"],
                    c["code"],
                    ind,
                    1000 + r % 97,
                    800,
                    600 + r % 13,
                    "Benchmark",
                ],
            )
            r += 1
    wb.close()
    t0 = time.perf_counter()
    result = import_file(con, path, user="bench")
    ms = (time.perf_counter() - t0) * 1000
    con.close()
    if result.status != "imported":
        raise SystemExit(f"import failed: {[str(p) for p in result.problems[:3]]}")
    return ms, result.rows


def bench_deck(db: Path, work: Path, runs: int) -> tuple[float, list[float], int]:
    """The province deck of tỉnh Quảng Ngãi: once with the export server not yet started (a
    user's first export after the app starts), then `runs` times with it running (the budget)."""
    from metrics.outputs.deck import build_deck
    from metrics.store import connect

    con = connect(db, read_only=True)
    try:
        slides = 0

        def deck() -> None:
            nonlocal slides
            slides = build_deck(con, "P51", 2025, work / "deck.pptx")

        cold = timed(deck, 1)[0]
        return cold, timed(deck, runs), slides
    finally:
        con.close()


def bench_memory(db: Path) -> float:
    """Peak resident memory (VmHWM) of the Streamlit process after opening every page."""
    from playwright.sync_api import sync_playwright

    from bench.app_server import CHROMIUM, CHROMIUM_ARGS, IDLE, app_server

    with app_server(db) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for path in ("", "compare", "profile", "method"):
            page.goto(f"{server.url}/{path}", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_timeout(500)
        browser.close()
        status = Path(f"/proc/{server.proc.pid}/status").read_text()
        kb = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM"))
        return kb / 1024


if __name__ == "__main__":
    raise SystemExit(main())
