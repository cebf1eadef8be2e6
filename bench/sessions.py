"""The "sessions" step: many people at once, measured at the app rather than the browser.

One `streamlit run` process (the unit a deployment multiplies) serves the national store;
SESSIONS protocol-level sessions (bench/protocol.py: Streamlit's websocket with its protobuf
messages, the real server and page scripts) view the pages of the load step (Tổng quan of a
province, So sánh xã, Hồ sơ of a commune), each session its page, at an offered rate of page
views per second that rises step by step. For each rate: views done, p95, errors, and the server
process's CPU seconds per page view (from /proc). The highest rate with p95 ≤ P95_GOAL_S and no
error is the process's sustained rate. Then, in passes at a share of that rate (WRITE_LOADS: half,
three quarters, all of it; the views of every session counted, the watchers' included), `xhht
import` writes the load step's files and `xhht rollback` undoes the last one, while
CHROMIUM_SESSIONS real headless Chromium pages reload the watched pages too: for each pass the
views done per second, page p95 and errors during the writes, and the seconds from each write's
exit until every watching session has shown its figure. The passes stop after the first whose
p95 goes over P95_GOAL_S: the highest share that held is the sustained rate while writing. On
the DuckDB file and on PostgreSQL (a throwaway cluster holding a copy of the same store).

`quick=True` (what tests/test_bench_sessions.py runs) is the same driver on any store: a few
sessions, one short step, no writes and no browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import shutil
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.app_server import app_server
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
from bench.protocol import ProtocolSession

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 100  # 50–200 hold on two cores; each is one open websocket and Streamlit session
RATES = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0)  # page views/s offered, in turn
STEP_S = 20.0  # each rate this long (views that end in it are counted)
P95_GOAL_S = 2.0
WARMUP_PARALLEL = 4  # first views (new sessions) at once during the warm-up
GAP_S = 3.0  # between two writes
CATCH_UP_S = 15.0  # after the last write: every session's chance to show it
CHROMIUM_SESSIONS = 2
BROWSER_EVERY_S = 3.0  # a Chromium page's reload this long after its last load
# During the writes, the watchers view again WATCH_EVERY_S after each view: how soon they show a
# write is then the app's delay, not a pause of the session's own. The other sessions' arrivals
# make up the rest of the pass's rate (at half the sustained rate, 4 watchers are ~5 views/s
# of ~8; with 8 they alone went over it, so the pass measured a server at its limit).
WATCH_SPAN = 5
WATCHERS = watched_sessions(WATCH_SPAN)  # [0, 1, 3, 4]: Tổng quan and Hồ sơ, two each
WATCH_EVERY_S = 0.5
WATCH_WINDOW_S = 4.0  # the watchers' rate: their views begun in the last few seconds
# The passes of writes, each at this share of the sustained rate (the README advises keeping a
# process at about half of it while imports run: the goal of ≤ 2 s is that pass's).
WRITE_LOADS = (0.5, 0.75, 1.0)
LAG_GOAL_S = 2.0
VIEW_TIMEOUT_S = 60.0


@dataclass
class Step:
    rate: float  # offered page views per second
    views: int = 0  # begun in the step (their times and errors below)
    pending: int = 0  # of those, still under way
    finished: int = 0  # views that ended within the step (for the rate and CPU per view)
    refused: int = 0  # arrivals that found every session still waiting for its page
    arrivals: int = 0  # views asked for in the step (below `rate` when this driver is starved)
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_s: float = 0.0  # the server process's CPU seconds during the step
    wall_s: float = 0.0

    @property
    def p95(self) -> float:
        s = sorted(self.seconds)
        return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] if s else float("nan")

    @property
    def done_rate(self) -> float:
        return self.finished / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_per_view_ms(self) -> float:
        return 1000 * self.cpu_s / self.finished if self.finished else float("nan")

    @property
    def sustained(self) -> bool:
        # Done at (nearly) the rate offered: a server that falls behind is not sustaining it.
        return (
            self.views > 0
            and not self.errors
            and not self.refused
            and self.p95 <= P95_GOAL_S
            and self.done_rate >= 0.8 * self.asked_rate
        )

    @property
    def asked_rate(self) -> float:
        return self.arrivals / self.wall_s if self.wall_s else 0.0


@dataclass
class WritePass:
    """The writes once, at `share` of the sustained rate (`rate` views/s offered in all)."""

    share: float
    rate: float
    loads: LoadResult  # the watchers' views, and the writes
    during: list[tuple[float, str | None]] = field(default_factory=list)  # every view: s, error
    wall_s: float = 0.0

    @property
    def done_rate(self) -> float:
        return len(self.during) / self.wall_s if self.wall_s else 0.0

    @property
    def p95(self) -> float:
        from bench.load_results import _p95

        return _p95([s for s, e in self.during if not e])

    @property
    def errors(self) -> list[str]:
        return [e for _, e in self.during if e]

    @property
    def held(self) -> bool:
        return bool(self.during) and not self.errors and self.p95 <= P95_GOAL_S


@dataclass
class SessionsResult:
    backend: str
    sessions: int
    steps: list[Step] = field(default_factory=list)
    passes: list[WritePass] = field(default_factory=list)  # the writes, at each share of the rate
    browser_seconds: list[float] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sample: str = ""  # the text of one rendered view (for the correctness test)

    @property
    def best(self) -> Step | None:
        ok = [s for s in self.steps if s.sustained]
        return max(ok, key=lambda s: s.done_rate) if ok else None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat, clock ticks)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Driver:
    def __init__(self, url: str, pid: int, sessions: int, plan: Plan | None) -> None:
        self.url, self.pid, self.plan = url, pid, plan
        self.sessions = [ProtocolSession(url) for _ in range(sessions)]
        self.rate = 1.0  # views/s offered in all (during the writes, the watchers' included)
        self.step: Step | None = None
        self.stop = asyncio.Event()
        self.writing: WritePass | None = None  # the pass of writes under way
        # When the recent views the arrivals do not make began: the watchers' and the Chromium
        # pages' (all count in the rate of a pass of writes).
        self.own_starts: deque[float] = deque()
        self.watching_since = float("inf")
        self.viewing: dict[int, float] = {}  # session → when its view under way began
        self.phase = "warmup"

    def page_of(self, i: int) -> tuple[str, str, str]:
        name = SESSION_PAGES[i % len(SESSION_PAGES)]
        page, _, query = PAGES[name].partition("?")
        return name, page, query

    async def view(self, i: int) -> None:
        name, page, query = self.page_of(i)
        step = self.step if self.phase == "steps" else None  # a view counts in the step it began
        writing = self.writing if self.phase == "writes" else None
        if step is not None:
            step.pending += 1
        if writing is not None and i in WATCHERS:
            self.own_starts.append(time.monotonic())
        self.viewing[i] = time.monotonic()
        try:
            v = await self.sessions[i].view(page, query, timeout=VIEW_TIMEOUT_S)
        finally:
            self.viewing.pop(i, None)
        if step is not None:
            step.pending -= 1
            step.views += 1
            step.seconds.append(v.end - v.start)
            if v.error:
                step.errors.append(v.error)
        if self.step is not None and self.phase == "steps":
            self.step.finished += 1
        if writing is not None:
            writing.during.append((v.end - v.start, v.error))
            if i in WATCHERS:
                states: frozenset[int] = frozenset()
                if self.plan is not None and name in WATCHED:
                    states = self.plan.states(name, v.text)
                writing.loads.loads.append(
                    PageLoad(i, name, "writes", v.start, v.end, v.error, states)
                )

    def others_rate(self) -> float:
        """The arrivals' rate: all that is offered, less what the watchers and the Chromium
        pages view on their own during the writes (their views begun in the last
        WATCH_WINDOW_S, or since the watching began when that is shorter)."""
        if self.phase != "writes":
            return self.rate
        now = time.monotonic()
        while self.own_starts and self.own_starts[0] < now - WATCH_WINDOW_S:
            self.own_starts.popleft()
        window = max(0.5, min(WATCH_WINDOW_S, now - self.watching_since))
        return max(0.0, self.rate - len(self.own_starts) / window)

    async def arrivals(self) -> None:
        """Page views arriving at `rate` per second (Poisson, seeded), each given to a session
        that is not viewing already: the offered rate follows a change of `rate` at once, and a
        slow server does not slow the arrivals down (an arrival that finds every session busy
        is counted as a refused view). During the writes, the watchers' views count in `rate`."""
        rng = random.Random(0)
        busy: set[int] = set()
        running: set[asyncio.Task] = set()

        async def one(i: int) -> None:
            try:
                await self.view(i)
            finally:
                busy.discard(i)

        while not self.stop.is_set():
            rate = self.others_rate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.stop.wait(), rng.expovariate(rate) if rate > 0 else WATCH_EVERY_S
                )
            if self.stop.is_set():
                break
            if rate <= 0:
                continue
            if self.step is not None:
                self.step.arrivals += 1
            watching = self.phase == "writes"  # watchers view on their own then
            idle = [
                i
                for i in range(len(self.sessions))
                if i not in busy and not (watching and i in WATCHERS)
            ]
            if not idle:
                if self.step is not None:
                    self.step.refused += 1
                continue
            i = rng.choice(idle)
            busy.add(i)
            task = asyncio.create_task(one(i))
            running.add(task)
            task.add_done_callback(running.discard)
        await asyncio.gather(*running, return_exceptions=True)

    async def watcher(self, i: int) -> None:
        """During the writes: session i views again WATCH_EVERY_S after each view."""
        while not self.stop.is_set() and self.phase == "writes":
            await self.view(i)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), WATCH_EVERY_S)

    async def warm_up(self) -> str:
        """Every session's first view (its Streamlit session starts), a few at a time."""
        gate = asyncio.Semaphore(WARMUP_PARALLEL)
        sample: list[str] = []

        async def first(i: int) -> None:
            async with gate:
                _, page, query = self.page_of(i)
                v = await self.sessions[i].view(page, query, timeout=VIEW_TIMEOUT_S)
                if not sample and v.error is None:
                    sample.append(v.text)

        await asyncio.gather(*(first(i) for i in range(len(self.sessions))))
        return sample[0] if sample else ""

    async def settle(self) -> None:
        """Until every view begun before now has ended, then GAP_S: the views a step past the
        sustained rate left queued are not in the next measure."""
        now = time.monotonic()
        while any(t <= now for t in self.viewing.values()) and (
            time.monotonic() < now + VIEW_TIMEOUT_S
        ):
            await asyncio.sleep(0.25)
        await asyncio.sleep(GAP_S)

    async def run_step(self, rate: float, seconds: float) -> Step:
        self.rate = rate
        step = Step(rate)
        self.step = step
        cpu0, t0 = _cpu_seconds(self.pid), time.monotonic()
        await asyncio.sleep(seconds)
        step.cpu_s, step.wall_s = _cpu_seconds(self.pid) - cpu0, time.monotonic() - t0
        self.step = None
        # The views begun in the step are waited for (the sessions go on at the same rate).
        drained = time.monotonic() + VIEW_TIMEOUT_S + 5
        while step.pending and time.monotonic() < drained:
            await asyncio.sleep(0.1)
        return step


async def _xhht_write(label: str, target: int, *args: str) -> Write:
    start = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "metrics.cli",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    text = (out.decode(errors="replace") + err.decode(errors="replace")).strip()
    return Write(label, target, start, time.monotonic(), proc.returncode or 0, text)


async def _writes(driver: _Driver, store: str, loads: LoadResult) -> None:
    """The load step's imports, GAP_S apart, and the rollback of the last; then until every
    watcher showed the last write (at most CATCH_UP_S)."""
    assert driver.plan is not None
    batch = None
    for k, path in enumerate(driver.plan.files, start=1):
        w = await _xhht_write(f"nhập {path.name}", k, "import", str(path), "--json", "--db", store)
        loads.writes.append(w)
        if w.rc == 0:
            batch = json.loads(w.output[w.output.index("{") : w.output.rindex("}") + 1])["batch"]
        await asyncio.sleep(GAP_S)
    if batch is not None:
        w = await _xhht_write(
            f"hoàn tác lô {batch}", IMPORTS + 1, "rollback", str(batch), "--db", store
        )
        loads.writes.append(w)
    last, deadline = len(loads.writes), time.monotonic() + CATCH_UP_S
    while time.monotonic() < deadline and not all(
        loads.caught_up(last, s) is not None for s in WATCHERS
    ):
        await asyncio.sleep(0.25)


async def _browsers(
    url: str, result: SessionsResult, stop: asyncio.Event, ready: asyncio.Event, driver: _Driver
) -> None:
    """A few real Chromium pages reloading the watched pages (each BROWSER_EVERY_S after its
    last load): what a person waits for. `ready` once each has loaded its page a first time
    (Chromium started); the loads after it are counted in `result` and in the driver's rate."""
    from playwright.async_api import async_playwright

    from bench.app_server import CHROMIUM
    from bench.load import CHROMIUM_ARGS, RUN_DONE_JS, WATCH_RUNS_JS

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:

            async def reload(n: int) -> None:
                ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
                await ctx.add_init_script(WATCH_RUNS_JS)
                page = await ctx.new_page()
                name = WATCHED[n % len(WATCHED)]
                while not stop.is_set():
                    t0 = time.monotonic()
                    counted = ready.is_set()
                    if counted:
                        driver.own_starts.append(t0)
                    try:
                        await page.goto(f"{url}/{PAGES[name]}", wait_until="commit")
                        await page.wait_for_function(RUN_DONE_JS, timeout=60_000, polling=50)
                        if counted:
                            result.browser_seconds.append(time.monotonic() - t0)
                        loaded.add(n)
                        if len(loaded) == CHROMIUM_SESSIONS:
                            ready.set()
                        if await page.locator("[data-testid='stException']").count():
                            result.browser_errors.append(f"stException on {name}")
                    except Exception as exc:  # noqa: BLE001 — counted, the run goes on
                        if not stop.is_set():
                            result.browser_errors.append(f"{type(exc).__name__} on {name}")
                    await asyncio.sleep(BROWSER_EVERY_S)
                await ctx.close()

            loaded: set[int] = set()
            await asyncio.gather(*(reload(n) for n in range(CHROMIUM_SESSIONS)))
        finally:
            await browser.close()


async def _drive(
    result: SessionsResult,
    url: str,
    pid: int,
    store: str,
    plan: Plan | None,
    rates: tuple[float, ...],
    step_s: float,
    browsers: bool,
) -> None:
    driver = _Driver(url, pid, result.sessions, plan)
    result.sample = await driver.warm_up()
    driver.phase = "steps"
    driver.rate = rates[0]
    tasks = [asyncio.create_task(driver.arrivals())]
    try:
        for rate in rates:
            step = await driver.run_step(rate, step_s)
            result.steps.append(step)
            print(_step_line(result.backend, result.sessions, step), flush=True)
            if not step.sustained:
                break
        if plan is not None:
            best = result.best
            sustained = best.done_rate if best else rates[0]
            driver.rate = max(rates[0], sustained * WRITE_LOADS[0])
            await driver.settle()
            driver.phase = "writes"
            driver.watching_since = time.monotonic()
            tasks += [asyncio.create_task(driver.watcher(i)) for i in WATCHERS]
            # The real browsers during the first pass only, the load a deployment is sized for
            # (each Chromium page load costs the machine about a CPU-second); started before it,
            # so that Chromium's own start is not in it.
            stop_browsers, ready = asyncio.Event(), asyncio.Event()
            shown = None
            if browsers:
                shown = asyncio.create_task(_browsers(url, result, stop_browsers, ready, driver))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ready.wait(), VIEW_TIMEOUT_S)
            try:
                for share in WRITE_LOADS:
                    writing = WritePass(
                        share, max(rates[0], sustained * share), LoadResult("", WATCH_SPAN)
                    )
                    driver.rate, driver.writing = writing.rate, writing
                    t0 = time.monotonic()
                    try:
                        await _writes(driver, store, writing.loads)
                    finally:
                        writing.wall_s = time.monotonic() - t0
                        stop_browsers.set()
                    result.passes.append(writing)
                    print(_pass_line(result.backend, writing), flush=True)
                    if not writing.held:
                        break
            finally:
                stop_browsers.set()
                if shown is not None:
                    await asyncio.gather(shown, return_exceptions=True)
    finally:
        driver.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for s in driver.sessions:
            with contextlib.suppress(Exception):
                await s.close()


def run_sessions(
    store: str,
    backend: str,
    sessions: int = SESSIONS,
    *,
    plan: Plan | None = None,
    rates: tuple[float, ...] = RATES,
    step_s: float = STEP_S,
    browsers: bool = True,
) -> SessionsResult:
    """The step on one store served by one app process (see the module's docstring)."""
    result = SessionsResult(backend, sessions)
    with app_server(store) as server:
        asyncio.run(
            _drive(result, server.url, server.proc.pid, store, plan, rates, step_s, browsers)
        )
    return result


def quick(store: str, sessions: int = 3) -> SessionsResult:
    """The driver end to end on `store`, small and short: for the tests (correctness only)."""
    return run_sessions(store, "quick", sessions, rates=(1.0,), step_s=4.0, browsers=False)


def _step_line(backend: str, sessions: int, s: Step) -> str:
    from metrics.fmt import fmt_int, fmt_num

    return (
        f"  {backend}, {sessions} phiên, chào {fmt_num(s.rate, 1)} lượt/s "
        f"(gửi được {fmt_num(s.asked_rate, 1)}): "
        f"đạt {fmt_num(s.done_rate, 1)} lượt/s, p95 {fmt_num(s.p95, 2)} s, "
        f"lỗi {fmt_int(len(s.errors))}, CPU máy chủ {fmt_int(s.cpu_per_view_ms)} ms/lượt"
        + (f", {fmt_int(s.refused)} lượt không còn phiên rảnh" if s.refused else "")
        + (f" — {s.errors[0][:160]}" if s.errors else "")
    )


def _pass_line(backend: str, p: WritePass) -> str:
    from metrics.fmt import fmt_int, fmt_num

    lags = [s for _, s, _ in p.loads.catch_up() if s is not None]
    return (
        f"  {backend}, ghi ở {fmt_int(100 * p.share)}% tốc độ bền: chào {fmt_num(p.rate, 1)}, "
        f"đạt {fmt_num(p.done_rate, 1)} lượt/s, p95 {fmt_num(p.p95, 2)} s, "
        f"lỗi {fmt_int(len(p.errors))}; mọi phiên thấy số mới sau "
        + (f"{fmt_num(min(lags), 1)}–{fmt_num(max(lags), 1)} s" if lags else "–")
    )


def report(r: SessionsResult) -> tuple[list[tuple[str, str, str, bool | None]], list[str]]:
    """Lines for bench's `line(step, figure, budget, ok)`, and details under them."""
    from bench.load_results import _p95
    from metrics.fmt import fmt_int, fmt_num

    tag = f"sessions ({r.backend}, 1 tiến trình)"
    rows: list[tuple[str, str, str, bool | None]] = []
    best = r.best
    cpu = [s.cpu_per_view_ms for s in r.steps if s.views]
    rows.append(
        (
            f"{tag}: CPU máy chủ mỗi lượt xem",
            f"{fmt_int(min(cpu))}–{fmt_int(max(cpu))} ms" if cpu else "–",
            "–",
            None,
        )
    )
    rows.append(
        (
            f"{tag}: tốc độ bền, p95 ≤ {fmt_num(P95_GOAL_S, 0)} s, 0 lỗi",
            f"{fmt_num(best.done_rate, 1)} lượt/s" if best else "không đạt",
            "–",
            best is not None,
        )
    )
    details: list[str] = []
    for p in r.passes:
        at = f"{tag}: khi ghi, {fmt_int(100 * p.share)}% tốc độ bền"
        rows.append(
            (
                f"{at} (chào {fmt_num(p.rate, 1)}, đạt {fmt_num(p.done_rate, 1)} lượt/s): "
                f"p95, lỗi ({fmt_int(len(p.during))} lượt)",
                f"{fmt_num(p.p95, 2)} s, {fmt_int(len(p.errors))}",
                f"≤ {fmt_num(P95_GOAL_S, 0)} s, 0 lỗi",
                p.held,
            )
        )
        lags = p.loads.catch_up()
        seen = [s for _, s, _ in lags if s is not None]
        missed = sum(m for _, _, m in lags)
        judged = p.share == WRITE_LOADS[0]  # the goal is the load a deployment is sized for
        rows.append(
            (
                f"{at}: {fmt_int(len(lags))} lần ghi → mọi phiên thấy số mới",
                f"{fmt_num(min(seen), 1)}–{fmt_num(max(seen), 1)} s" if seen else "–",
                f"≤ {fmt_num(LAG_GOAL_S, 0)} s" if judged else "–",
                (bool(seen) and max(seen) <= LAG_GOAL_S and not missed) if judged else None,
            )
        )
        details.append(f"    ở {fmt_int(100 * p.share)}% tốc độ bền:")
        for write in p.loads.writes:
            if write.rc != 0:
                details.append(f"    {write.label} bị từ chối: {write.output[-300:]}")
        for write, s, m in lags:
            details.append(
                f"    {write.label}: lệnh {fmt_num(write.exit - write.start, 1)} s (mã {write.rc}), "
                + (
                    "mọi phiên thấy sau " + fmt_num(s, 1) + " s"
                    if s is not None
                    else f"{m} phiên chưa thấy"
                )
            )
        details += [f"    lỗi: {e}" for e in p.errors[:3]]
    if r.passes:
        held = [p for p in r.passes if p.held]
        rows.append(
            (
                f"{tag}: tốc độ bền khi ghi, p95 ≤ {fmt_num(P95_GOAL_S, 0)} s, 0 lỗi",
                f"{fmt_num(held[-1].done_rate, 1)} lượt/s ({fmt_int(100 * held[-1].share)}%)"
                if held
                else f"dưới {fmt_int(100 * WRITE_LOADS[0])}%",
                "–",
                None,
            )
        )
    if r.browser_seconds or r.browser_errors:
        rows.append(
            (
                f"{tag}: {CHROMIUM_SESSIONS} Chromium cùng lúc: trang p95, lỗi",
                f"{fmt_num(_p95(r.browser_seconds), 2)} s, {fmt_int(len(r.browser_errors))}",
                "–",
                None,
            )
        )
    details += [f"    {n}" for n in r.notes]
    return rows, details


def bench_sessions(db: Path, work: Path, sessions: int = SESSIONS) -> Iterator[SessionsResult]:
    """Both backends, one after the other, on copies of the national store at `db`."""
    from bench.pg_cluster import bindir, running_cluster

    plan = plan_writes(db, work)
    local = work / "sessions.duckdb"
    shutil.copy(db, local)
    try:
        yield run_sessions(str(local), "DuckDB", sessions, plan=plan)
    finally:
        local.unlink(missing_ok=True)
    try:
        bindir()
    except RuntimeError as exc:
        print(f"sessions (PostgreSQL): bỏ qua — {exc}")
        return
    with running_cluster() as cluster:
        url = cluster.create_database("xhht_sessions")
        done = subprocess.run(
            [sys.executable, "-m", "metrics.cli", "store", "copy", str(db), url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"store copy failed:\n{done.stdout}\n{done.stderr}")
        yield run_sessions(url, "PostgreSQL", sessions, plan=plan)
