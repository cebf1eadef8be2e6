"""The "load" step: many people reading while figures are written, on the national store.

For each backend (the DuckDB file, and PostgreSQL in a throwaway cluster holding a copy of the
same store): two `streamlit run` processes serve the store; one headless Chromium (Debian's,
driven by Playwright) holds 8 browser contexts spread over both servers, each reloading one page
(Tổng quan of Quảng Ngãi, So sánh xã, Hồ sơ of xã Đăk Long) a few seconds apart and waiting for
each script run to finish. After a quiet phase, `xhht import` runs IMPORTS times (each file changes
xã Đăk Long's 2025 "gia_dinh" figure, which the Tổng quan and Hồ sơ sessions show: the province's
sum and the commune's own figure), then `xhht rollback` of the last import; each write starts once
every watching session has shown the one before or CATCH_UP_S passed, GAP_S later (a few
seconds apart: a session that misses a figure is counted when it shows a newer one).

Measured: every page load's time and whether it showed an error (Streamlit's exception box, or an
alert saying the store could not be opened / is being written); page p95 in the quiet phase and
during the writes; for each write, the seconds from the command's exit until every watching
session has shown its figure (or a newer one). Everything runs within RUN_BUDGET_S per backend:
on a loaded machine fewer writes run, and the report says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.app_server import CHROMIUM, app_servers
from bench.app_server import CHROMIUM_ARGS as BASE_CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# Many pages share two cores here: a page in the background must not be slowed down on purpose.
CHROMIUM_ARGS = [
    *BASE_CHROMIUM_ARGS,
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]

PROVINCE, COMMUNE, INDICATOR, YEAR = "P51", "X23368", "gia_dinh", 2025
PAGES = {
    "overview": f"?loc={PROVINCE}&year={YEAR}",
    "compare": f"compare?loc={PROVINCE}&ind={INDICATOR}&year={YEAR}",
    "profile": f"profile?loc={COMMUNE}&year={YEAR}",
}
# Which page each session keeps reloading; sessions alternate between the two servers.
SESSION_PAGES = [
    "overview",
    "profile",
    "compare",
    "profile",
    "overview",
    "overview",
    "compare",
    "profile",
]
WATCHED = ("overview", "profile")  # the pages that show the written figure
IMPORTS = 5
QUIET_S = (10.0, 20.0)  # the quiet phase: at least, until 1,5 loads per session, at most
CATCH_UP_S = 4.0  # after a write: at most this long for every session to show it
TAIL_S = 15.0  # after the last write
GAP_S = 1.0  # then this long before the next write
# A session's pause between two loads (uniform, seeded). A load costs Chromium ~1,2–1,8
# CPU-seconds, so 8 sessions reloading back to back would keep both cores busy with the
# browser alone and starve the servers and the writers being measured.
THINK_S = (4.0, 6.0)
WARMUP_S = 45.0  # for every session's first load (not counted)
# From the browser's start; no write starts later than WRITE_RESERVE_S before its end.
RUN_BUDGET_S = 110.0
WRITE_RESERVE_S = 15.0
LOAD_TIMEOUT_MS = 60_000
ERROR_WORDS = ("Lỗi", "Không mở được", "đang được")

# Counts finished script runs: the stApp element's state leaving "running". The state starts as
# "notRunning" before the first run, so "notRunning" alone does not say the page ran.
WATCH_RUNS_JS = """
(() => {
  window.__xhhtRuns = 0;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.oldValue === 'running' && r.target.getAttribute('data-test-script-state') !== 'running') {
        window.__xhhtRuns += 1;
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""
RUN_DONE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return window.__xhhtRuns > 0 && app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
INSPECT_JS = """() => {
  const text = (e) => (e.innerText || e.textContent || '').trim();
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  return {
    exceptions: [...document.querySelectorAll("[data-testid='stException']")].map(text),
    alerts: [...document.querySelectorAll("[data-testid='stAlertContainer']")].map((e) => ({
      text: text(e), error: e.querySelector("[data-testid='stAlertContentError']") !== null })),
    text: text(main),
  };
}"""


@dataclass
class Plan:
    files: list[Path]
    captions: dict[
        str, list[str]
    ]  # page → caption each state shows: 0 before, 1..5 imports, 6 after the rollback


@dataclass
class PageLoad:
    session: int
    page: str
    phase: str
    start: float
    end: float
    error: str | None = None
    states: frozenset[int] = frozenset()

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class Write:
    label: str
    target: int  # the state the store is in after it
    start: float
    exit: float
    rc: int
    output: str


@dataclass
class LoadResult:
    backend: str
    sessions: int
    loads: list[PageLoad] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    seconds: float = 0.0
    server_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched: int = 0  # watched loads without error that showed none of the expected figures

    def reflects(self, ld: PageLoad) -> int | None:
        """Which write's figure a load showed (0: none yet). The rollback brings back the figure
        of the import before it, so a figure counts as the newest write that had started."""
        started = sum(1 for w in self.writes if w.start <= ld.end)
        seen = [k for k in ld.states if k <= started]
        return max(seen) if seen else None

    def caught_up(self, k: int, session: int) -> float | None:
        """When `session` first showed write k's figure or a newer one (monotonic time)."""
        w = self.writes[k - 1]
        ends = [
            ld.end
            for ld in self.loads
            if ld.session == session and ld.end >= w.start and (self.reflects(ld) or 0) >= k
        ]
        return min(ends) if ends else None

    def stale(self, margin: float = 1.0) -> list[tuple[PageLoad, float]]:
        """Loads that started more than `margin` seconds after a write's exit (before the next
        write) and still showed an older figure, with how long after the exit they started."""
        out = []
        for k, w in enumerate(self.writes, start=1):
            until = self.writes[k].start if k < len(self.writes) else float("inf")
            for ld in self.loads:
                shown = self.reflects(ld)
                if w.exit + margin <= ld.start < until and shown is not None and shown < k:
                    out.append((ld, ld.start - w.exit))
        return out

    def catch_up(self) -> list[tuple[Write, float | None, int]]:
        """For each write: seconds from its exit until every watching session showed its figure
        (or a newer one); None, and how many sessions missed it, if some never did."""
        out = []
        for k, w in enumerate(self.writes, start=1):
            times = [self.caught_up(k, s) for s in watched_sessions(self.sessions)]
            missed = sum(1 for t in times if t is None)
            worst = None if missed else max(0.0, max(t for t in times if t is not None) - w.exit)
            out.append((w, worst, missed))
        return out


def watched_sessions(sessions: int) -> list[int]:
    return [i for i in range(sessions) if SESSION_PAGES[i % len(SESSION_PAGES)] in WATCHED]


def plan_writes(db: Path, work: Path) -> Plan:
    """The import files, and the figure the two watched pages should show after each write:
    the commune's own figure, and the province's sum with the commune's part replaced (a
    province's count is the sum of its communes'; a load that shows neither is counted apart)."""
    from metrics import locality_progress
    from metrics.fmt import fmt_int
    from metrics.indicators import registry
    from metrics.store import connect, query_frame

    con = connect(db, read_only=True)
    try:
        c = query_frame(
            con,
            "SELECT l.code, l.name, p.short_name AS province FROM localities l "
            "JOIN localities p ON p.id = l.province_id WHERE l.id = ?",
            [COMMUNE],
        ).row(0, named=True)
        now = {
            loc: next(
                x
                for x in locality_progress.progress_for(con, loc, YEAR)
                if x.indicator == INDICATOR
            )
            for loc in (PROVINCE, COMMUNE)
        }
    finally:
        con.close()
    unit = registry().by_id(INDICATOR).count_unit_vi
    base = now[COMMUNE]
    assert base.recognized is not None and base.total is not None, (
        "the watched commune has a 2025 figure"
    )
    figures = [(int(base.recognized), int(base.total))]
    files: list[Path] = []
    for k in range(1, IMPORTS + 1):
        total, recognized = 9000 + 137 * k, 5000 + 211 * k
        path = work / f"load_import_{k}.csv"
        path.write_text(
            "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Công nhận,Nguồn\n"
            f"{YEAR},{c['province']},{c['name']},{c['code']},{INDICATOR},{total},{recognized + 50},{recognized},"
            f"Benchmark tải đồng thời lần {k}\n",
            encoding="utf-8",
        )
        files.append(path)
        figures.append((recognized, total))
    figures.append(
        figures[IMPORTS - 1]
    )  # the rollback of the last import brings back the one before

    prov = now[PROVINCE]
    assert prov.recognized is not None and prov.total is not None

    def shown(rec: int, tot: int) -> str:
        return f"{fmt_int(rec)}/{fmt_int(tot)} {unit}"

    captions = {
        "profile": [shown(r, t) for r, t in figures],
        "overview": [
            shown(int(prov.recognized) - figures[0][0] + r, int(prov.total) - figures[0][1] + t)
            for r, t in figures
        ],
    }
    for page in WATCHED:
        if len(set(captions[page][:-1])) != IMPORTS + 1:
            raise RuntimeError(
                f"load: the writes do not give distinct figures on {page}: {captions[page]}"
            )
    return Plan(files, captions)


def _xhht(*args: str) -> list[str]:
    return [sys.executable, "-m", "metrics.cli", *args]


@contextlib.contextmanager
def _servers(
    store: str, work: Path, env_extra: dict[str, str], count: int = 2
) -> Iterator[list[str]]:
    """`count` streamlit processes on one store, each on its own loopback port (logs in work)."""
    with app_servers(store, count, log_dir=work, env_extra=env_extra) as servers:
        yield [s.url for s in servers]


def _server_problems(work: Path) -> list[str]:
    """Tracebacks and error lines in the servers' logs."""
    out = []
    for log in sorted(work.glob("app-server-*.log")):
        lines = log.read_text(errors="replace").splitlines()
        for i, text in enumerate(lines):
            if text.startswith("Traceback") or " ERROR " in text or text.startswith("Error"):
                tail = next(
                    (
                        t
                        for t in lines[i + 1 : i + 60]
                        if t and not t.startswith((" ", "Traceback"))
                    ),
                    "",
                )
                out.append(f"{log.name}: {text.strip()} … {tail.strip()}")
    return out


def _page_error(info: dict) -> str | None:
    if info["exceptions"]:
        return "stException: " + " | ".join(e.replace("\n", " ")[:300] for e in info["exceptions"])
    for alert in info["alerts"]:
        if alert["error"] or any(w in alert["text"] for w in ERROR_WORDS):
            return "stAlert: " + alert["text"].replace("\n", " ")[:400]
    return None


class _Run:
    """One backend's load run: the sessions, the writers, and what they saw."""

    def __init__(
        self, result: LoadResult, urls: list[str], store: str, plan: Plan, sessions: int
    ) -> None:
        self.result, self.urls, self.store, self.plan = result, urls, store, plan
        self.sessions = sessions
        self.phase = "warmup"
        self.stop = asyncio.Event()
        self.warm = [asyncio.Event() for _ in range(sessions)]
        self.deadline = time.monotonic() + RUN_BUDGET_S

    async def session(self, browser, i: int) -> None:  # noqa: ANN001
        from playwright.async_api import Error as PlaywrightError

        page_name = SESSION_PAGES[i % len(SESSION_PAGES)]
        rng = random.Random(i)
        url = f"{self.urls[i % len(self.urls)]}/{PAGES[page_name]}"
        ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            await ctx.add_init_script(WATCH_RUNS_JS)
            page = await ctx.new_page()
            while not self.stop.is_set():
                phase, start = self.phase, time.monotonic()
                error: str | None = None
                states: frozenset[int] = frozenset()
                try:
                    await page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
                    await page.wait_for_function(RUN_DONE_JS, timeout=LOAD_TIMEOUT_MS, polling=50)
                    end = time.monotonic()
                    info = await page.evaluate(INSPECT_JS)
                    error = _page_error(info)
                    if page_name in WATCHED:
                        states = frozenset(
                            k
                            for k, cap in enumerate(self.plan.captions[page_name])
                            if cap in info["text"]
                        )
                        if not states and error is None and phase != "warmup":
                            self.result.unmatched += 1
                except PlaywrightError as exc:
                    end = time.monotonic()
                    if self.stop.is_set():
                        break
                    error = f"Playwright: {str(exc).splitlines()[0][:300]}"
                if phase != "warmup" or error:
                    self.result.loads.append(
                        PageLoad(i, page_name, phase, start, end, error, states)
                    )
                if phase == "warmup" and error is None:
                    self.warm[i].set()
                await asyncio.sleep(rng.uniform(*THINK_S))
        finally:
            with contextlib.suppress(Exception):  # the browser is closed right after anyway
                await ctx.close()

    async def write(self, label: str, target: int, *args: str) -> Write:
        start = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *_xhht(*args), cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
        except BaseException:
            proc.kill()
            await proc.wait()
            raise
        w = Write(
            label,
            target,
            start,
            time.monotonic(),
            proc.returncode or 0,
            (out.decode(errors="replace") + err.decode(errors="replace")).strip(),
        )
        self.result.writes.append(w)
        return w

    def out_of_time(self) -> bool:
        if time.monotonic() + WRITE_RESERVE_S < self.deadline:
            return False
        self.result.notes.append(
            f"hết {RUN_BUDGET_S:g} s dành cho bước này: dừng sau {len(self.result.writes)} lệnh ghi"
        )
        return True

    async def until_caught_up(self, k: int, cap: float, *, last: bool = False) -> None:
        """Wait until every watching session showed write k's figure (at most `cap` seconds;
        within the budget, except after the last write)."""
        deadline = time.monotonic() + cap if last else min(time.monotonic() + cap, self.deadline)
        watched = watched_sessions(self.sessions)
        while time.monotonic() < deadline:
            if all(self.result.caught_up(k, s) is not None for s in watched):
                return
            await asyncio.sleep(0.25)

    async def writers(self) -> None:
        """Each write once every session showed the one before (or CATCH_UP_S passed), GAP_S later."""
        batch = None
        for k, path in enumerate(self.plan.files, start=1):
            if k > 1:
                await self.until_caught_up(k - 1, CATCH_UP_S)
                await asyncio.sleep(GAP_S)
            if self.out_of_time():
                break
            w = await self.write(
                f"nhập {path.name}",
                k,
                "import",
                str(path),
                "--json",
                "--user",
                "bench",
                "--db",
                self.store,
            )
            if w.rc == 0:
                batch = json.loads(w.output[w.output.index("{") : w.output.rindex("}") + 1])[
                    "batch"
                ]
        else:
            await self.until_caught_up(IMPORTS, CATCH_UP_S)
            await asyncio.sleep(GAP_S)
            if batch is not None and not self.out_of_time():
                await self.write(
                    f"hoàn tác lô {batch}", IMPORTS + 1, "rollback", str(batch), "--db", self.store
                )
        if self.result.writes:  # the last write that ran: every session's chance to show it
            await self.until_caught_up(len(self.result.writes), TAIL_S, last=True)

    async def main(self) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tasks = [asyncio.create_task(self.session(browser, i)) for i in range(self.sessions)]
            try:
                try:
                    await asyncio.wait_for(
                        asyncio.gather(*(e.wait() for e in self.warm)), timeout=WARMUP_S
                    )
                except TimeoutError:
                    cold = [i for i, e in enumerate(self.warm) if not e.is_set()]
                    self.result.notes.append(
                        f"phiên {cold} chưa mở xong trang đầu sau {WARMUP_S:g} s; vẫn đo tiếp"
                    )
                self.phase = "quiet"
                t_quiet = time.monotonic()
                await asyncio.sleep(QUIET_S[0])
                while (
                    time.monotonic() - t_quiet < QUIET_S[1]
                    and sum(ld.phase == "quiet" for ld in self.result.loads) < 1.5 * self.sessions
                ):
                    await asyncio.sleep(0.25)
                self.phase = "writes"
                await self.writers()
            finally:
                self.stop.set()
                for t in tasks:
                    t.cancel()  # a load still under way is not counted
                await asyncio.gather(*tasks, return_exceptions=True)
                await browser.close()


def run_backend(
    backend: str, store: str, work: Path, plan: Plan, sessions: int, **server_env: str
) -> LoadResult:
    result = LoadResult(backend, sessions)
    t0 = time.monotonic()
    for log in work.glob("app-server-*.log"):
        log.unlink()
    with _servers(store, work, server_env) as urls:
        try:
            asyncio.run(
                asyncio.wait_for(
                    _Run(result, urls, store, plan, sessions).main(), timeout=RUN_BUDGET_S + 90
                )
            )
        except TimeoutError:
            result.notes.append(f"dừng cưỡng bức sau {RUN_BUDGET_S + 90:g} s")
    result.seconds = time.monotonic() - t0
    result.server_problems = _server_problems(work)
    dump = os.environ.get(
        "XHHT_BENCH_LOAD_DUMP"
    )  # a folder: every load and write as JSON, for a closer look
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        Path(dump, f"load-{backend}.json").write_text(
            json.dumps(
                {
                    "loads": [{**ld.__dict__, "states": sorted(ld.states)} for ld in result.loads],
                    "writes": [w.__dict__ for w in result.writes],
                    "captions": plan.captions,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        for log in work.glob("app-server-*.log"):
            shutil.copy(log, Path(dump, f"{backend}-{log.name}"))
    return result


def bench_load(db: Path, work: Path, sessions: int = len(SESSION_PAGES)) -> Iterator[LoadResult]:
    """Both backends, one after the other, on copies of the national store at `db` (left unchanged)."""
    from bench.pg_cluster import bindir, running_cluster

    plan = plan_writes(db, work)
    local = work / "load.duckdb"
    shutil.copy(db, local)
    try:
        yield run_backend("DuckDB", str(local), work, plan, sessions)
    finally:
        local.unlink(missing_ok=True)
    try:
        bindir()
    except RuntimeError as exc:
        print(f"load (PostgreSQL): bỏ qua — {exc}")
        return
    with running_cluster() as cluster:
        url = cluster.create_database("xhht_load")
        done = subprocess.run(
            _xhht("store", "copy", str(db), url),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"store copy failed:\n{done.stdout}\n{done.stderr}")
        # The app servers get the address as an officer writes it, password included.
        yield run_backend("PostgreSQL", url, work, plan, sessions)


def _p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] if s else float("nan")


def report_rows(r: LoadResult) -> tuple[list[tuple[str, str, str, bool | None]], list[str]]:
    """Lines for bench's `line(step, figure, budget, ok)`, and details to print under them."""
    from metrics.fmt import fmt_int, fmt_num

    tag = f"load ({r.backend})"
    errors = [ld for ld in r.loads if ld.error]
    quiet = [ld.ms for ld in r.loads if ld.phase == "quiet" and not ld.error]
    during = [ld.ms for ld in r.loads if ld.phase == "writes" and not ld.error]
    sessions = len({ld.session for ld in r.loads})
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            f"{tag}: lỗi thấy trong trang ({sessions} phiên, 2 máy chủ)",
            f"{fmt_int(len(errors))} / {fmt_int(len(r.loads))} lượt",
            "0",
            len(errors) == 0,
        ),
        (
            f"{tag}: trang p95, không ghi ({fmt_int(len(quiet))} lượt)",
            f"{fmt_int(_p95(quiet))} ms",
            "–",
            None,
        ),
        (
            f"{tag}: trang p95, trong lúc ghi ({fmt_int(len(during))} lượt)",
            f"{fmt_int(_p95(during))} ms",
            "–",
            None,
        ),
    ]
    details: list[str] = []
    failed = [w for w in r.writes if w.rc != 0]
    imports = [x for x in r.catch_up() if x[0].target <= IMPORTS]
    rollback = [x for x in r.catch_up() if x[0].target > IMPORTS]
    lat = [s for _, s, _ in imports if s is not None]
    missed = sum(1 for _, s, _ in imports if s is None)
    figure = (
        f"{fmt_num(statistics.median(lat), 1)} / tối đa {fmt_num(max(lat), 1)} s" if lat else "–"
    )
    rows.append(
        (f"{tag}: {fmt_int(len(imports))} lần nhập → mọi phiên thấy số mới", figure, "–", None)
    )
    for _w, s, _m in rollback:
        rows.append(
            (
                f"{tag}: hoàn tác → mọi phiên thấy số cũ",
                "–" if s is None else f"{fmt_num(s, 1)} s",
                "–",
                None,
            )
        )
    if failed:
        rows.append(
            (
                f"{tag}: lệnh ghi bị từ chối",
                f"{fmt_int(len(failed))} / {fmt_int(len(r.writes))}",
                "0",
                False,
            )
        )
    if missed or any(m for _, _, m in rollback):
        details.append(
            f"  {sum(m for *_, m in r.catch_up())} lần một phiên chưa hề thấy số của một lệnh ghi (hay số mới hơn) "
            "đến hết bước; trung vị/tối đa chỉ tính các lần mọi phiên đã thấy"
        )
    t_base = min([ld.start for ld in r.loads] + [w.start for w in r.writes], default=0.0)

    def span(a: float, b: float) -> str:
        return f"{fmt_num(a - t_base, 1)}–{fmt_num(b - t_base, 1)} s"

    for w in r.writes:
        details.append(
            f"  {w.label}: {span(w.start, w.exit)} (mã {w.rc})"
            + ("" if w.rc == 0 else f" — {w.output[-400:]}")
        )
    stale = r.stale()
    if stale:
        details.append(
            f"  {fmt_int(len(stale))} lượt trang bắt đầu hơn 1 s sau khi lệnh ghi xong vẫn hiện số cũ "
            f"(muộn nhất {fmt_num(max(t for _, t in stale), 1)} s sau)"
        )
    for ld in errors[:20]:
        details.append(
            f"  lỗi {span(ld.start, ld.end)}, phiên {ld.session} ({ld.page}, {ld.phase}): {ld.error}"
        )
    if len(errors) > 20:
        details.append(f"  … và {len(errors) - 20} lỗi khác")
    details += [f"  {n}" for n in r.notes]
    if len(r.writes) < IMPORTS + 1:
        rows.append(
            (
                f"{tag}: lệnh ghi đã chạy (máy quá tải)",
                f"{fmt_int(len(r.writes))} / {fmt_int(IMPORTS + 1)}",
                "–",
                None,
            )
        )
    if r.unmatched:
        details.append(
            f"  {r.unmatched} lượt trang không hiện số liệu nào đã biết của xã/tỉnh đang theo dõi"
        )
    for p in r.server_problems[:10]:
        details.append(f"  máy chủ: {p[:400]}")
    details.append(
        f"  (bước load {r.backend}: {fmt_num(r.seconds, 0)} s; các mốc giờ tính từ đầu pha đo)"
    )
    return rows, details
