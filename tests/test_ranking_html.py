"""So sánh xã's ranking as HTML bars (metrics.figures.ranking_html), read as a reader reads it:
the same rows, values, colours and legend as the chart the downloads carry, names escaped."""

from __future__ import annotations

import re

import polars as pl
from html_elements import read
from test_figures import CHILDREN, _many

from metrics.figures.comparison import ranked_bar
from metrics.figures.ranking_html import ranking_html
from metrics.progress import STATUS_STYLE, Status


def _rows(html: str) -> list[dict]:
    """Each row top down: its id, classes, name, value, bar colour and width, target mark."""
    out = []
    for li in re.findall(r"<li class=\"row[^>]*>.*?</li>", html, re.S):
        reader = read(li)
        bar = re.search(r'class="bar" style="width:([\d.]+)%;background-color:(#\w+)"', li)
        mark = re.search(r'class="mark" style="left:([\d.]+)%"', li)
        ident = re.search(r'data-id="([^"]*)"', li)
        out.append(
            {
                "id": ident.group(1) if ident else None,
                "classes": re.match(r'<li class="([^"]*)"', li).group(1).split(),
                "name": reader.by_class["name"][0],
                "value": (reader.by_class.get("val") or [""])[0].split(" — ")[0],
                "said": (reader.by_class.get("sr") or [""])[0],
                "colour": bar.group(2) if bar else None,
                "width": float(bar.group(1)) if bar else None,
                "mark": float(mark.group(1)) if mark else None,
                "title": re.search(r'title="([^"]*)"', li).group(1) if 'title="' in li else "",
            }
        )
    return out


def test_the_bars_are_the_charts_rows_highest_first_in_their_status_colours() -> None:
    html = ranking_html(
        CHILDREN, indicator="gia_dinh", locality_name="Quảng Ngãi", highlight_id="X2"
    )
    rows = _rows(html)
    chart = ranked_bar(CHILDREN, indicator="gia_dinh", highlight_id="X2").data[0]
    assert [r["name"].removeprefix("▶ ") for r in rows] == list(reversed(chart.y))
    assert [r["value"] for r in rows] == ["72,5% ✔", "60% ►", "16% ▼"]
    assert [r["colour"] for r in rows] == [
        STATUS_STYLE[Status.TARGET_MET].colour,
        STATUS_STYLE[Status.TOO_SLOW].colour,
        STATUS_STYLE[Status.FALLING].colour,
    ]
    # On the chart's 0–112 % axis: 72,5 % is 64,73 % of the track; the target 70 % at 62,5 %.
    assert [r["width"] for r in rows] == [64.73, 53.57, 14.29]
    assert [r["mark"] for r in rows] == [62.5, 62.5, 62.5]
    assert [r["id"] for r in rows] == ["X1", "X2", "X3"]  # a click names the commune
    # The highlighted commune: marked in words, not by its outline alone.
    assert rows[1]["name"] == "▶ Ba Tơ" and "hl" in rows[1]["classes"]
    assert html.count('aria-pressed="true"') == 1 and html.count('aria-pressed="false"') == 2
    # What the chart's hover said: the tooltip, and the text a screen reader reads.
    assert rows[1]["said"] == "— ► Có tiến bộ nhưng chậm; Mục tiêu: 70% · 86%"
    assert rows[1]["title"] == "Ba Tơ\n60% ►\n► Có tiến bộ nhưng chậm\nMục tiêu: 70% · 86%"
    reader = read(html)
    assert reader.by_class["t"] == ["Gia đình học tập — Quảng Ngãi"]
    assert reader.by_class["sub"] == ["2025 · Tỷ lệ (% trên tổng số)"]
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html).group(1)
    assert read(legend).text == [
        "✔ Đã đạt mục tiêu",
        "► Có tiến bộ nhưng chậm",
        "▼ Đang đi lùi",
        "Mục tiêu",
    ]
    assert "Dữ liệu minh họa" not in "".join(reader.text)
    assert "Dữ liệu minh họa" in ranking_html(CHILDREN, indicator="gia_dinh", synthetic=True)


def test_a_long_ranking_shows_the_same_ends_and_gaps_as_the_chart() -> None:
    rows = _rows(ranking_html(_many(164), indicator="gia_dinh", ends=15, highlight_id="X80"))
    names = [r["name"] for r in rows]
    assert names[:15] == [f"Xã {i:03d}" for i in range(164, 149, -1)]  # the highest first
    assert names[15:18] == ["⋯ 69 đơn vị khác ⋯", "▶ Xã 080", "⋯ 64 đơn vị khác ⋯"]
    assert names[18:] == [f"Xã {i:03d}" for i in range(15, 0, -1)]
    gaps = [r for r in rows if r["name"].startswith("⋯")]
    assert [(g["id"], g["value"], g["colour"]) for g in gaps] == [(None, "", None)] * 2
    en = _rows(ranking_html(_many(164), indicator="gia_dinh", ends=15, lang="en"))
    assert "⋯ 134 others ⋯" in [r["name"] for r in en]
    assert len(_rows(ranking_html(_many(164), indicator="gia_dinh"))) == 164


def test_a_hostile_name_shows_as_the_characters_it_holds() -> None:
    evil = '<img src=x onerror=alert(1)> "Tân" & <b>Phú</b>'
    children = CHILDREN.with_columns(
        pl.when(pl.col("locality_id") == "X1")
        .then(pl.lit(evil))
        .otherwise(pl.col("short_name"))
        .alias("short_name")
    )
    html = ranking_html(children, indicator="gia_dinh", locality_name="<i>Tỉnh</i>")
    reader = read(html)
    assert "img" not in reader.tags and "b" not in reader.tags and "i" not in reader.tags
    rows = _rows(html)
    assert rows[0]["name"] == evil
    assert rows[0]["title"].startswith("&lt;img src=x onerror=alert(1)&gt; &quot;Tân&quot;")
    assert reader.by_class["t"] == ["Gia đình học tập — <i>Tỉnh</i>"]


def test_the_ranking_in_english() -> None:
    html = ranking_html(CHILDREN, indicator="gia_dinh", locality_name="Quảng Ngãi", lang="en")
    rows = _rows(html)
    assert [r["value"] for r in rows] == ["72.5% ✔", "60% ►", "16% ▼"]
    assert rows[0]["said"] == "— ✔ Target met; Target: 70% · 104%"
    words = "".join(read(html).text)
    assert "Learning families — Quảng Ngãi" in words and "Rate (% of total)" in words
    for vietnamese in ("Mục tiêu", "Tỷ lệ", "Đã đạt", "Gia đình", "đơn vị"):
        assert vietnamese not in words, vietnamese
