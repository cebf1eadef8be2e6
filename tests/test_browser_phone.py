"""Tổng quan, So sánh xã and Hồ sơ địa bàn at a phone's width (390 px) and at 1440 px in a real
Chromium: the indicator cards in the registry's order down the screen, every year of the
progress chart whole and clear of its legend, plotly's mode bar clear of every chart's title,
subtitle and "Dữ liệu minh họa" mark, and the map naming the units that lag. Positions are read
from what Chromium laid out (getBoundingClientRect), not from the figures' settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHART, IDLE, module_browser, module_server  # noqa: F401 (fixtures)

from metrics.locality_progress import children_progress, progress_for
from metrics.progress import LAGGING
from metrics.store import connect

WIDTHS = (390, 1440)

# Each chart's parts as boxes [left, top, right, bottom] in page pixels (null when absent).
CHART_BOXES = """() => [...document.querySelectorAll("%CHART%")].map(c => {
    const box = e => { if (!e) return null; const b = e.getBoundingClientRect();
                       return [b.left, b.top, b.right, b.bottom]; };
    const note = [...c.querySelectorAll('.annotation-text')]
        .find(a => a.textContent.includes('minh họa'));
    return {
        chart: box(c.querySelector('.main-svg')),
        title: box(c.querySelector('.gtitle')),
        subtitle: box(c.querySelector('.gtitle-subtitle')),
        subtitleText: (c.querySelector('.gtitle-subtitle') || {}).textContent || '',
        note: box(note),
        modebar: box(c.querySelector('.modebar')),
        legend: box(c.querySelector('.legend')),
        xtitle: box(c.querySelector('.g-xtitle text')),
        xticks: [...c.querySelectorAll('.xtick text')].map(t => [t.textContent, box(t)]),
        labels: [...c.querySelectorAll('.textpoint text')].map(t => t.textContent).filter(t => t),
        labelBoxes: [...c.querySelectorAll('.textpoint text')]
            .filter(t => t.textContent).map(t => [t.textContent, box(t)]),
    };
})""".replace("%CHART%", CHART)
# A map's names and markers, each name with its own point's key (trace:index): plotly draws a
# trace's points and its texts in the same order.
MAP_MARKS = """() => [...document.querySelectorAll("%CHART%")].map(c => {
    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const names = [], marks = [];
    c.querySelectorAll('.scatterlayer .trace').forEach((tr, ti) => {
        tr.querySelectorAll('path.point').forEach((p, i) => marks.push([ti + ':' + i, box(p)]));
        tr.querySelectorAll('.textpoint text').forEach((t, i) => {
            if (t.textContent) names.push([t.textContent, box(t), ti + ':' + i]);
        });
    });
    return {names, marks, svg: c.querySelector('.main-svg') && box(c.querySelector('.main-svg')),
            subtitleText: (c.querySelector('.gtitle-subtitle') || {}).textContent || ''};
})""".replace("%CHART%", CHART)
# Drawn: no skeleton left (an element's code arrives after the script ends) and every chart's
# SVG. A chart is drawn when it comes near the screen (dashboard/chart_view.py), so this scrolls
# to the first one not drawn yet each time it is polled. Charts are found by their element
# (bench.app_server.CHART), there before the chart's own code has made its drawing area.
DRAWN = """() => {
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    // A part drawn when near (dashboard/near_view.py): brought near, then drawn by its run.
    const waiting = document.querySelector('[data-testid="xhht-near"]');
    if (waiting) { waiting.scrollIntoView({block: "center"}); return false; }
    const app = document.querySelector("[data-testid='stApp']");
    if (app && app.getAttribute("data-test-script-state") === "running") return false;
    const todo = [...document.querySelectorAll("%CHART%")]
        .filter(c => !c.querySelector('svg.main-svg'));
    if (todo.length) todo[0].scrollIntoView({block: "center"});
    return todo.length === 0;
}""".replace("%CHART%", CHART)


def _open(browser, url: str, width: int):  # noqa: ANN001, ANN202
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_timeout(300)  # plotly's second layout pass (automargin)
    return page


def _overlap(a: list[float] | None, b: list[float] | None) -> bool:
    if a is None or b is None:
        return False
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[2] <= outer[2] + 1
        and inner[1] >= outer[1] - 1
        and inner[3] <= outer[3] + 1
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_cards_read_in_the_registrys_order(
    server: str, browser, demo_db: Path, width: int
) -> None:  # noqa: ANN001
    con = connect(demo_db, read_only=True)
    try:
        expected = [p.indicator_label for p in progress_for(con, "P51", 2025) if p.has_data]
    finally:
        con.close()
    page = _open(browser, f"{server}/?loc=P51&year=2025", width)
    try:
        found = page.evaluate(
            """(labels) => [...document.querySelectorAll('.xhht-card .name')]
                .filter(s => labels.includes(s.textContent))
                .map(s => { const b = s.getBoundingClientRect(); return [s.textContent, b.top, b.left]; })""",
            expected,
        )
        # Reading order: down the screen, then across a row (cards of a row share their top).
        read = [name for name, _, _ in sorted(found, key=lambda f: (round(f[1] / 40), f[2]))]
        assert read == expected
        if width == 390:  # one card under another
            tops = [top for _, top, _ in found]
            assert tops == sorted(tops) and len(set(tops)) == len(tops)
        page.screenshot(path=str(ARTIFACTS / f"tong_quan_the_{width}.png"))
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    [
        "?loc=P51&year=2025&ind=gia_dinh",
        "?loc=VN&year=2025&ind=gia_dinh",
        "compare?loc=P51&year=2025&ind=gia_dinh&view=heatmap",
        "profile?loc=X23368&year=2025",
    ],
)
def test_the_mode_bar_and_the_years_leave_every_title_readable(
    server: str,
    browser,  # noqa: ANN001
    path: str,
    width: int,
) -> None:
    page = _open(browser, f"{server}/{path}", width)
    try:
        # Every one of these pages has a chart; one drawn when near may mount after the run.
        page.wait_for_function(
            """(sel) => document.querySelector(sel + " svg.main-svg") !== null""",
            arg=CHART,
            timeout=60_000,
        )
        page.wait_for_function(DRAWN, timeout=60_000)
        page.wait_for_timeout(300)  # plotly's second layout pass (automargin)
        charts = page.evaluate(CHART_BOXES)
    finally:
        page.close()
    assert charts
    for c in charts:
        words = [c["title"], c["subtitle"], c["note"]]
        # The mode bar stands down the chart's right edge, taller than wide, in its own margin.
        left, top, right, bottom = c["modebar"]
        assert bottom - top > right - left, (path, width, c["modebar"])
        assert c["chart"][2] - 60 <= left and right <= c["chart"][2] + 1, (path, width, c)
        assert not any(_overlap(c["modebar"], w) for w in words), (path, width, c)
        assert not _overlap(c["note"], c["title"]), (path, width, c)
        assert not _overlap(c["legend"], c["title"]) and not _overlap(c["legend"], c["subtitle"])
    progress = [c for c in charts if c["xticks"] and c["xticks"][0][0] == "2021"]
    for c in progress:
        years = [text for text, _ in c["xticks"]]
        assert years == [str(y) for y in range(2021, int(years[-1]) + 1)]
        for text, box in c["xticks"]:
            # Whole ("2021", never cut to "2C") and clear of the legend and of "Năm".
            assert _inside(box, c["chart"]), (text, box, c["chart"])
            assert not _overlap(box, c["legend"]) and not _overlap(box, c["xtitle"]), text
        assert not _overlap(c["xtitle"], c["legend"])


# So sánh xã's ranking (HTML bars, dashboard/ranking_view.py): each row's name, bar, target
# mark and value as boxes [left, top, right, bottom].
RANKING_ROWS = """() => [...document.querySelectorAll("[data-testid='xhht-ranking'] li.row[data-id]")]
    .map(r => Object.fromEntries(["name", "bar", "mark", "val"].map(k => {
        const e = r.querySelector("." + k);
        if (!e) return [k, null];
        const b = e.getBoundingClientRect();
        return [k, [b.left, b.top, b.right, b.bottom]];
    })))"""


RANKING_TICKS = """() => [...document.querySelectorAll("[data-testid='xhht-ranking'] .axis span")]
    .map(e => { const b = e.getBoundingClientRect(); return [e.textContent, [b.left, b.top, b.right, b.bottom]]; })"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_ranking_reads_at_every_width(server: str, browser, width: int) -> None:  # noqa: ANN001
    page = _open(browser, f"{server}/compare?loc=P51&year=2025&ind=gia_dinh", width)
    try:
        page.locator("[data-testid='xhht-ranking'] li.row").first.wait_for(timeout=30_000)
        rows = page.evaluate(RANKING_ROWS)
        ticks = page.evaluate(RANKING_TICKS)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        page.locator("[data-testid='xhht-ranking']").screenshot(
            path=str(ARTIFACTS / f"so_sanh_xep_hang_{width}.png")
        )
    finally:
        page.close()
    assert len(rows) == 30 and overflow <= 0  # the page itself never scrolls sideways
    for r in rows:
        # The bar starts right of the name, its value right of the bar and of the target mark.
        assert r["bar"][0] >= r["name"][2] - 1, r
        assert r["val"][0] >= r["bar"][2] - 1 and not _overlap(r["val"], r["name"]), r
        assert r["mark"] is None or r["val"][0] >= r["mark"][2] - 1 or r["val"][0] >= r["bar"][2], r
        assert r["name"][0] >= 0 and r["name"][3] - r["name"][1] >= 14, r  # whole, not cut
    # The axis's labels that show are clear of each other; a phone shows fewer of them.
    shown = [label for label, box in ticks if box[2] > box[0]]
    assert shown == (
        ["0%", "20%", "40%", "60%", "80%", "100%"] if width > 640 else ["0%", "40%", "80%", "100%"]
    )
    boxes = [box for _, box in ticks if box[2] > box[0]]
    assert all(a[2] <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), ticks


@pytest.mark.browser
def test_the_map_names_the_communes_that_lag(server: str, browser, demo_db: Path) -> None:  # noqa: ANN001
    con = connect(demo_db, read_only=True)
    try:
        kids = children_progress(con, "P51", 2025, ["gia_dinh"])
    finally:
        con.close()
    lagging = {
        r["short_name"]
        for r in kids.iter_rows(named=True)
        if r["status"] in {s.value for s in LAGGING} and r["lat"] is not None
    }
    assert len(lagging) > 10  # the demo store has communes too slow, limited and falling
    for width in WIDTHS:
        page = _open(browser, f"{server}/?loc=P51&year=2025&ind=gia_dinh", width)
        try:
            charts = page.evaluate(CHART_BOXES)
            page.screenshot(path=str(ARTIFACTS / f"ban_do_ten_{width}.png"))
        finally:
            page.close()
        (the_map,) = [c for c in charts if "trung tâm xã" in c["subtitleText"]]
        # Named where they fit, none over another; how many were left off is said.
        shown = the_map["labels"]
        assert shown and set(shown) <= lagging and len(set(shown)) == len(shown)
        boxes = [b for _, b in the_map["labelBoxes"]]
        crossed = [
            (the_map["labelBoxes"][i][0], the_map["labelBoxes"][j][0])
            for i in range(len(boxes))
            for j in range(i + 1, len(boxes))
            if _overlap(boxes[i], boxes[j])
        ]
        assert not crossed, (width, crossed)
        assert "Có tên: xã tiến bộ chậm, hạn chế hoặc đi lùi" in the_map["subtitleText"]
        hidden = re.search(r"Ẩn (\d+) tên cho khỏi chồng", the_map["subtitleText"])
        assert hidden and int(hidden[1]) + len(shown) == len(lagging)

    page = _open(browser, f"{server}/?loc=VN&year=2025&ind=gia_dinh", 1440)
    try:
        charts = page.evaluate(CHART_BOXES)
    finally:
        page.close()
    (country,) = [c for c in charts if "mỗi điểm là một tỉnh" in c["subtitleText"]]
    assert not re.search(r"\bxã\b", country["subtitleText"])  # its points are provinces


@pytest.mark.browser
@pytest.mark.parametrize("loc", ["P79", "P51", "VN"])
def test_the_maps_names_cover_no_other_name_or_point(server: str, browser, loc: str) -> None:  # noqa: ANN001
    # The largest provinces' dense clusters (Hồ Chí Minh's, Quảng Ngãi's coast) and the
    # country's north: each name clear of every other name and of every point but its own,
    # and whole inside the chart, on a phone and at 1440 px.
    for width in WIDTHS:
        page = _open(browser, f"{server}/?loc={loc}&year=2025&ind=gia_dinh", width)
        try:
            maps = [m for m in page.evaluate(MAP_MARKS) if m["marks"]]
            page.screenshot(path=str(ARTIFACTS / f"ban_do_{loc}_{width}.png"), full_page=True)
        finally:
            page.close()
        (the_map,) = [m for m in maps if "cỡ điểm theo tổng số" in m["subtitleText"]]
        names, marks = the_map["names"], the_map["marks"]
        assert names, (loc, width)
        for i, (name, box, own) in enumerate(names):
            assert _inside(box, the_map["svg"]), (loc, width, name)
            for other, other_box, _ in names[i + 1 :]:
                assert not _overlap(box, other_box), (loc, width, name, other)
            covered = [key for key, mark in marks if key != own and _overlap(box, mark)]
            assert not covered, (loc, width, name, covered)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_progress_charts_labels_stay_clear_of_each_other(
    server: str,
    browser,
    width: int,  # noqa: ANN001
) -> None:
    # On a phone ten years share ~300 px: the latest value alone and each target as its
    # percentage (the legend says whose star it is); a wide chart writes them in full.
    page = _open(browser, f"{server}/?loc=P51&year=2025&ind=gia_dinh", width)
    try:
        charts = page.evaluate(CHART_BOXES)
        page.screenshot(path=str(ARTIFACTS / f"tien_do_nhan_{width}.png"))
    finally:
        page.close()
    (progress,) = [c for c in charts if c["xticks"] and c["xticks"][0][0] == "2021"]
    labels = progress["labelBoxes"]
    assert labels
    for i, (a, box_a) in enumerate(labels):
        assert _inside(box_a, progress["chart"]), (width, a)
        assert not _overlap(box_a, progress["modebar"]) and not _overlap(box_a, progress["legend"])
        for b, box_b in labels[i + 1 :]:
            assert not _overlap(box_a, box_b), (width, a, b)
    texts = [t for t, _ in labels]
    targets = [t for t in texts if t.startswith("Mục tiêu")]
    if width == 390:
        assert not targets and len([t for t in texts if re.fullmatch(r"\d+(,\d)?%", t)]) == len(
            texts
        )
    else:
        assert targets and len(texts) > len(targets) + 1


# The register's table (an HTML table, dashboard/ui.py long_table): its box, the first cell of
# its first row, and its first header, each as [left, top, right, bottom], after the box has
# been scrolled by (dx, dy); and the widths of the page and of the window.
REGISTER_BOX = """([dx, dy]) => {
    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const wrap = [...document.querySelectorAll('.xhht-table.long')]
        .find(w => w.querySelector('th').textContent === 'Tên đơn vị');
    wrap.scrollIntoView({block: 'center'});
    wrap.scrollBy(dx, dy);
    return {wrap: box(wrap), cell: box(wrap.querySelector('tbody td')),
            head: box(wrap.querySelector('thead th')), rows: wrap.querySelectorAll('tbody tr').length,
            scroll: [wrap.scrollLeft, wrap.scrollTop], page: document.documentElement.scrollWidth,
            window: innerWidth};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_a_provinces_register_scrolls_in_its_box_its_names_and_headers_in_view(
    server: str,
    browser,  # noqa: ANN001
    width: int,
    demo_db: Path,
    tmp_path: Path,
) -> None:
    import csv
    import io

    import polars as pl

    from metrics.circulars import NOT_ASSESSED
    from metrics.queries.recognitions import entries_in

    con = connect(demo_db, read_only=True)
    try:
        listed = entries_in(con, "province", "P51", year=2024).filter(
            pl.col("result") != NOT_ASSESSED
        )
    finally:
        con.close()
    page = _open(browser, f"{server}/profile?loc=P51&year=2024", width)
    try:
        # The CSV under the table holds every unit of the list, not the 25 on the screen.
        with page.expect_download(timeout=60_000) as info:
            page.locator(".st-key-profile__reg_csv button").click()
        info.value.save_as(tmp_path / "register.csv")
        rows = list(
            csv.DictReader(io.StringIO((tmp_path / "register.csv").read_text(encoding="utf-8-sig")))
        )
        assert [r["Tên đơn vị"] for r in rows] == listed["name"].to_list()
        still = page.evaluate(REGISTER_BOX, [0, 0])
        assert still["rows"] == 25  # the first rows; the switch shows every one
        assert still["page"] <= still["window"]  # the page itself never scrolls sideways
        moved = page.evaluate(REGISTER_BOX, [400, 300])
        assert moved["scroll"][1] > 0  # the list scrolls inside its own box
        if width == 390:
            assert moved["scroll"][0] > 0  # too wide for a phone: it scrolls sideways too
        # The unit's name (first column) and the headers stay where they were in the box.
        assert abs(moved["cell"][0] - still["cell"][0]) <= 1
        assert abs(moved["head"][1] - moved["wrap"][1]) <= 40
        page.screenshot(path=str(ARTIFACTS / f"ho_so_danh_sach_{width}.png"))
        page.get_by_text("Hiện đủ cả", exact=False).first.click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('.xhht-table.long')]
                .some(w => w.querySelector('th').textContent === 'Tên đơn vị'
                           && w.querySelectorAll('tbody tr').length > 25)""",
            timeout=60_000,
        )
    finally:
        page.close()
