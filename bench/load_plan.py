"""The load step's plan: the pages the sessions reload, the import files, and the figure each
watched page should show after each write (bench/load.py runs it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class Plan:
    files: list[Path]
    # page → for each state (0 before, 1..5 imports, 6 after the rollback) a pattern of the
    # figure its first screen shows: the page's text (the HTML the server sent, or what the
    # browser shows) holds it where that state is shown.
    captions: dict[str, list[str]]

    def states(self, page: str, text: str) -> frozenset[int]:
        """The states whose figure `text` (one view of `page`) shows."""
        return frozenset(k for k, cap in enumerate(self.captions[page]) if re.search(cap, text))


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

    def card(rec: int, tot: int) -> str:  # Tổng quan's card: "4.777/8.645 hộ"
        return re.escape(f"{fmt_int(rec)}/{fmt_int(tot)} {unit}")

    def table_row(rec: int, tot: int) -> str:
        # Hồ sơ địa bàn's indicator table: the count recognised, then the total, in the cells
        # beside each other (HTML from the server, a tab between them in the browser's text).
        return rf"\b{re.escape(fmt_int(rec))}(?:</td>\s*<td[^>]*>|\s+){re.escape(fmt_int(tot))}\b"

    captions = {
        "profile": [table_row(r, t) for r, t in figures],
        "overview": [
            card(int(prov.recognized) - figures[0][0] + r, int(prov.total) - figures[0][1] + t)
            for r, t in figures
        ],
    }
    for page in WATCHED:
        if len(set(captions[page][:-1])) != IMPORTS + 1:
            raise RuntimeError(
                f"load: the writes do not give distinct figures on {page}: {captions[page]}"
            )
    return Plan(files, captions)
