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
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.app_server import CHROMIUM, app_servers
from bench.app_server import CHROMIUM_ARGS as BASE_CHROMIUM_ARGS
from bench.load_plan import (
    IMPORTS,
    PAGES,
    SESSION_PAGES,
    WATCHED,
    Plan,
    plan_writes,
    watched_sessions,
)
from bench.load_results import LoadResult, PageLoad, Write

ROOT = Path(__file__).resolve().parent.parent
# Many pages share two cores here: a page in the background must not be slowed down on purpose.
CHROMIUM_ARGS = [
    *BASE_CHROMIUM_ARGS,
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]

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
                        states = self.plan.states(page_name, info["text"])
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
