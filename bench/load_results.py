"""What the load step saw: each page load and each write, which figure each load showed, how
soon every session caught up with a write, and the report lines made of it."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.load_plan import IMPORTS, watched_sessions


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
