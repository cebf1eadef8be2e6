"""The command line beside its first version: whole `xhht` processes (Python starting, imports,
the store opened, the answer printed), each command run several times beside the first
version's same command in the same step, alternating, so both meet the same load.

The first version is checked out of this repository's history into a temporary
`git worktree add --detach` and run with its own `metrics` first on the path, against a store
its own `demo` built (its schema differs). Commit 18f8b11 has `demo`, `progress` and
`localities find`; 76b756b is the first with `xhht import`. Where the history is not there (a
shallow clone) or a command did not exist yet, the first version's figure is "–"."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = "18f8b11"  # demo, progress, localities find
FIRST_IMPORT = "76b756b"  # the first `xhht import`
RUNS = 5
IMPORT_ROWS = 10_000
IMPORT_BUDGET_MS = 3000
DECK_BUDGET_MS = 5000  # a province's deck from the command line, Chromium starting included
PROVINCE = "Quảng Ngãi"  # the demo's province with recognition lists
YEAR = "2025"
# How each version's `xhht` is started: today's console script is metrics.cli:run; the first
# version's had only main().
_CURRENT = "from metrics.cli import run; sys.exit(run())"
_FIRST = "from metrics.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Version:
    tree: Path  # what goes first on PYTHONPATH
    entry: str

    def run(self, argv: Sequence[str], cwd: Path) -> float:
        """One whole `xhht` process; its wall time in ms. A failure stops the step; exit code 1
        with its reason is an answer (the first version refuses a name that fits several
        places, "dak long", where today's lists them)."""
        code = f"import sys; sys.argv = {['xhht', *argv]!r}; {self.entry}"
        env = {"PYTHONPATH": str(self.tree), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, check=False
        )
        ms = (time.perf_counter() - t0) * 1000
        if done.returncode not in (0, 1) or b"Traceback" in done.stderr:
            raise RuntimeError(
                f"xhht {' '.join(argv)} ({self.tree}) exited {done.returncode}:\n"
                + done.stderr.decode(errors="replace")[-2000:]
            )
        return ms


def has_commit(commit: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@contextmanager
def first_version(commit: str, work: Path) -> Iterator[Version | None]:
    """The commit checked out beside this tree for the step's length (None without history)."""
    if not has_commit(commit):
        yield None
        return
    tree = work / f"first-{commit}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), commit],
        check=True,
        capture_output=True,
    )
    try:
        yield Version(tree, _FIRST)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)


def write_import_file(store: Path, path: Path) -> None:
    """IMPORT_ROWS result rows (year, province, commune, code, indicator, counts) for the first
    communes of the store, one sheet, in the long layout both versions read."""
    import xlsxwriter

    from bench.national import COMMUNE_INDICATORS
    from metrics.store import connect

    con = connect(store, read_only=True)
    try:
        communes = con.execute(
            "SELECT l.code, l.name, p.short_name FROM localities l "
            "JOIN localities p ON p.id = l.province_id WHERE l.level = 'commune' ORDER BY l.code"
        ).fetchall()
    finally:
        con.close()
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Kết quả")
    ws.write_row(
        0, 0, ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"]
    )
    r = 1
    for code, name, province in communes:
        for ind in COMMUNE_INDICATORS:
            if r > IMPORT_ROWS:
                break
            row = [2025, province, name, code, ind, 1000 + r % 97, 800, 600 + r % 13, "Benchmark"]
            ws.write_row(r, 0, row)
            r += 1
    wb.close()


def _fmt(ms: float | None) -> str:
    from metrics.fmt import fmt_int

    return "–" if ms is None else fmt_int(ms)


def _row(
    what: str, now: list[float], first: list[float] | None, budget_ms: float | None = None
) -> tuple[str, str, str, bool | None]:
    """A bench line: today's median beside the first version's; within the first version's
    figure (or `budget_ms`) passes."""
    med = statistics.median(now)
    old = statistics.median(first) if first else None
    figure = f"{_fmt(med)} ms (bản đầu {_fmt(old)})"
    if budget_ms is not None:
        return (f"cli: {what}", figure, f"< {_fmt(budget_ms)} ms", med < budget_ms)
    if old is None:
        return (f"cli: {what}", figure, "–", None)
    return (f"cli: {what}", figure, "≤ bản đầu", med <= old)


def bench_cli(work: Path, runs: int = RUNS) -> Iterator[tuple[str, str, str, bool | None]]:
    """Rows for bench's table: demo, progress, localities find, recognitions list, a province's
    deck and a 10.000-row import, each the median of `runs` whole processes, beside the first version's."""
    now = Version(ROOT, _CURRENT)
    folder = work / "cli"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        first = stack.enter_context(first_version(FIRST, folder))
        first_import = stack.enter_context(first_version(FIRST_IMPORT, folder))
        stores: dict[str, Path] = {}
        for name, version in (("now", now), ("first", first), ("first_import", first_import)):
            if version is not None:
                stores[name] = folder / f"{name}.duckdb"
                version.run(["demo", "--db", str(stores[name]), "--force"], folder)

        def alternate(
            argv_of: dict[str, list[str]], prepare: dict[str, Path] | None = None
        ) -> tuple[list[float], list[float] | None]:
            """`runs` runs of today's command and of the first version's (where `argv_of` has
            one), alternating; with `prepare`, each version's demo store is first copied (not
            timed) to the file its command writes."""
            versions = {"now": now, "first": first, "first_import": first_import}
            times: dict[str, list[float]] = {k: [] for k in argv_of}
            for _ in range(runs):
                for key, argv in argv_of.items():
                    version = versions[key]
                    assert version is not None
                    if prepare is not None:
                        shutil.copy(stores[key], prepare[key])
                        Path(f"{prepare[key]}.wal").unlink(missing_ok=True)
                    times[key].append(version.run(argv, folder))
            others = [v for k, v in times.items() if k != "now"]
            return times["now"], (others[0] if others else None)

        def with_first(argv_of_store: list[str]) -> dict[str, list[str]]:
            """The command on today's demo store, and the first version's on its own."""
            return {
                k: [*argv_of_store, "--db", str(stores[k])] for k in ("now", "first") if k in stores
            }

        progress = ["progress", "--locality", PROVINCE, "--year", YEAR]
        yield _row(f"xhht progress ({PROVINCE}, {YEAR})", *alternate(with_first(progress)))
        find = ["localities", "find", "dak long"]
        yield _row("xhht localities find “dak long”", *alternate(with_first(find)))
        listing = ["recognitions", "list", "--locality", PROVINCE, "--year", YEAR]
        now_list, _ = alternate({"now": [*listing, "--db", str(stores["now"])]})
        yield _row(f"xhht recognitions list ({PROVINCE})", now_list, None)
        # Each run is a new process, so Chromium starts every time (the user's case at the
        # command line); the first version had no deck.
        deck = ["export", "pptx", "--locality", PROVINCE, "--year", YEAR, "-o", "deck.pptx"]
        now_deck, _ = alternate({"now": [*deck, "--db", str(stores["now"])]})
        yield _row(f"xhht export pptx ({PROVINCE})", now_deck, None, DECK_BUDGET_MS)

        again = {k: folder / f"{k}-again.duckdb" for k in ("now", "first")}
        demo = {k: ["demo", "--db", str(p), "--force"] for k, p in again.items() if k in stores}
        yield _row("xhht demo", *alternate(demo))

        sheet = folder / f"import_{IMPORT_ROWS}.xlsx"
        write_import_file(stores["now"], sheet)
        copies = {k: folder / f"{k}-import.duckdb" for k in ("now", "first_import")}
        imports = {
            k: ["import", str(sheet), "--db", str(p)] for k, p in copies.items() if k in stores
        }
        now_ms, first_ms = alternate(imports, prepare={k: copies[k] for k in imports})
        yield _row(f"xhht import ({_fmt(IMPORT_ROWS)} dòng)", now_ms, first_ms, IMPORT_BUDGET_MS)
