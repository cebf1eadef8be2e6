"""Comparison charts: the children of a locality (communes or provinces) side by side — ranked by
rate, as a children × indicators heatmap, and as a status map."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import plotly.graph_objects as go
import polars as pl

from metrics.completeness import RANK_MIN_PCT
from metrics.escaping import plotly_literal
from metrics.figures.style import TARGET, base_layout, finish, no_data_note
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.progress import LAGGING, STATUS_STYLE, Status
from metrics.texts import text

LEGEND_TOP = 88  # px: the ranked bars' legend, below the title and the subtitle
LEGEND_ROW = 22  # px: one legend entry of 13 px text
ENDS_SLACK = 10  # a ranking at most this much longer than its two ends is shown whole


def shows_ends(ranked: int, ends: int) -> bool:
    """Whether a ranking of `ranked` ranked units (those kept apart not counted) shows only its
    `ends` highest and `ends` lowest: the one rule of So sánh xã, the deck and the chart."""
    return ranked > 2 * ends + ENDS_SLACK


GAP = "rgba(0,0,0,0)"  # the "⋯ N xã khác ⋯" row has no bar
LABEL_GAP = 1.2  # x units (of 0–112 %) between a bar's end and its value
# … and between a target mark and a value written past it: the mark is drawn across the row,
# so the value keeps a clear gap from it even on a phone's narrow chart.
TARGET_GAP = 2.5
# A figure kept apart from the ranking: hatched and faded, in its bar and in the legend.
PARTIAL_HATCH = "/"
PARTIAL_OPACITY = 0.55
PARTIAL_LEGEND_COLOUR = "#9E9E9E"


def _ends_of(rows: list[dict], ends: int, highlight_id: str | None, lang: str) -> list[dict]:
    """The `ends` lowest and highest rows (rows run from the lowest, the bottom of the chart),
    the highlighted one wherever it stands, and a gap row naming how many are left out between
    them."""
    kept = set(range(ends)) | set(range(len(rows) - ends, len(rows)))
    kept |= {i for i, r in enumerate(rows) if highlight_id and r["locality_id"] == highlight_id}
    shown: list[dict] = []
    skipped = 0
    for i, row in enumerate(rows):
        if i not in kept:
            skipped += 1
            continue
        if skipped:
            shown.append(_gap_row(skipped, len(shown), lang))
            skipped = 0
        shown.append(row)
    return shown


def _gap_row(skipped: int, position: int, lang: str) -> dict:
    # A name of its own per gap (the axis is categorical: two equal names would be one row).
    label = text("fig_ranking_gap", lang, n=skipped) + "\u200b" * position
    return {
        "locality_id": None,
        "short_name": label,
        "status": None,
        "rate_pct": None,
        "target_pct": None,
        "plan_pct": None,
        "year": None,
        "partial_note": "",
        "apart": False,
    }


def ranking_rows(
    children: pl.DataFrame,
    *,
    indicator: str,
    highlight_id: str | None = None,
    lang: str = "vi",
    ends: int | None = None,
) -> list[dict]:
    """The rows of a ranking on `indicator`, from the lowest (the bottom of a chart) to the
    highest: figures kept apart (`rankable` false) first, then the ranked ones; with `ends`, a
    long ranking's ends, the highlighted child and a gap row ("⋯ N đơn vị khác ⋯", no status)
    where others are left out. Each row: locality_id, short_name, status, rate_pct, target_pct,
    plan_pct, year, partial_note, apart. The chart (ranked_bar) and the page's HTML bars
    (metrics.figures.ranking_html) draw these same rows."""
    note = pl.col("partial_note") if "partial_note" in children.columns else pl.lit("")
    apart = ~pl.col("rankable") if "rankable" in children.columns else pl.lit(False)
    sub = (
        children.filter((pl.col("indicator") == indicator) & pl.col("rate_pct").is_not_null())
        .with_columns(note.fill_null("").alias("partial_note"), apart.alias("apart"))
        .sort(["apart", "rate_pct"], descending=[True, False])
    )
    used = (
        "locality_id",
        "short_name",
        "status",
        "rate_pct",
        "target_pct",
        "plan_pct",
        "year",
        "partial_note",
        "apart",
    )
    rows: list[dict] = list(sub.select(used).iter_rows(named=True))
    # The ends are those of the ranking; figures kept apart stay below it, the `ends` highest
    # of them at most (the table, the workbook and the note name them all).
    apart_rows = [r for r in rows if r["apart"]]
    ranked_rows = rows[len(apart_rows) :]
    if ends is not None and shows_ends(len(ranked_rows), ends):
        ranked_rows = _ends_of(ranked_rows, ends, highlight_id, lang)
    if ends is not None and len(apart_rows) > ends:
        apart_rows = apart_rows[-ends:]
    return apart_rows + ranked_rows


def value_text(row: dict, lang: str) -> str:
    """What a ranking writes beside a bar: the rate, the status's symbol and a partial figure's
    note ("85,5% ✔ · chưa đủ: 1/23 huyện cũ báo cáo"); "" for a gap row."""
    if not row["status"]:
        return ""
    return f"{fmt_pct(row['rate_pct'], lang=lang)} {STATUS_STYLE[Status(row['status'])].symbol}" + (
        f" · {row['partial_note']}" if row["partial_note"] else ""
    )


def ranked_bar(
    children: pl.DataFrame,
    *,
    indicator: str,
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
    ends: int | None = None,
) -> go.Figure:
    """Children (communes or provinces) sorted by rate, coloured by status with the status symbol
    in the text, each child's target marked, and one child highlighted.

    With `ends`, a ranking longer than 2 × ends + ENDS_SLACK shows only its `ends` highest and
    lowest bars (and the highlighted child, wherever it stands) and a row "⋯ N đơn vị khác ⋯"
    where the others are left out: 164 bars made a chart 3.900 px tall that took a browser
    ~0,3 s to draw, when a reader looks at who leads and who lags.

    `children` is metrics.locality_progress.children_progress (any indicators; this one is kept).
    A figure kept apart from the ranking (`rankable` false: fewer than RANK_MIN_PCT % of its
    units reported) comes below the ranked ones, hatched, with its `partial_note` ("chưa đủ:
    1/23 huyện cũ báo cáo") in its text and the hatch explained in the legend; a ranked figure
    of which a few units did not report says how many did ("92/96 xã").

    Each value is written to the right of its bar and of its target mark, whichever ends
    further right, so the target line never runs through a label.
    """
    ind = registry().by_id(indicator)
    rows = ranking_rows(
        children, indicator=indicator, highlight_id=highlight_id, lang=lang, ends=ends
    )
    names = [plotly_literal(r["short_name"]) for r in rows]
    colours = [STATUS_STYLE[Status(r["status"])].colour if r["status"] else GAP for r in rows]
    lines = [
        {"width": 3 if r["locality_id"] == highlight_id else 0, "color": "#000000"} for r in rows
    ]
    values = [value_text(r, lang) for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[r["rate_pct"] for r in rows],
            y=names,
            orientation="h",
            marker={
                "color": colours,
                "line": {"width": [ln["width"] for ln in lines], "color": "#000000"},
                "pattern": {"shape": [PARTIAL_HATCH if r["apart"] else "" for r in rows]},
                "opacity": [PARTIAL_OPACITY if r["apart"] else 1.0 for r in rows],
            },
            # The value is written by the text trace below, clear of the target mark; the bar
            # keeps it for its hover.
            text=values,
            textposition="none",
            customdata=[
                [
                    r["locality_id"],
                    Status(r["status"]).label(lang, symbol=True) if r["status"] else "",
                    fmt_pct(r["target_pct"], lang=lang),
                    fmt_pct(r["plan_pct"], 0, lang=lang),
                ]
                for r in rows
            ],
            hovertemplate=[
                "<b>%{y}</b><br>%{text}<br>%{customdata[1]}<br>"
                + text("fig_target", lang)
                + ": %{customdata[2]} · %{customdata[3]}<extra></extra>"
                if r["status"]
                else "%{y}<extra></extra>"
                for r in rows
            ],
            name=ind.label(lang),
            showlegend=False,
        )
    )
    targets = [r["target_pct"] for r in rows]
    if rows and any(t is not None for t in targets):
        fig.add_trace(
            go.Scatter(
                x=targets,
                y=names,
                mode="markers",
                marker={"symbol": "line-ns", "size": 14, "line": {"width": 2.5, "color": TARGET}},
                name=text("fig_target", lang),
                text=[fmt_pct(t, lang=lang) for t in targets],
                hovertemplate="%{y}: " + text("fig_target", lang) + " %{text}<extra></extra>",
            )
        )
    # The values, each just right of whichever ends further right: its bar or its target mark.
    fig.add_trace(
        go.Scatter(
            x=[
                (
                    r["target_pct"] + TARGET_GAP
                    if (r["target_pct"] or 0) > r["rate_pct"]
                    else r["rate_pct"] + LABEL_GAP
                )
                if r["status"]
                else None
                for r in rows
            ],
            y=names,
            mode="text",
            # Past a target mark, an en space too: a gap in pixels, as wide on a phone.
            text=[
                "\u2002" + v if v and (r["target_pct"] or 0) > (r["rate_pct"] or 0) else v
                for r, v in zip(rows, values, strict=True)
            ],
            textposition="middle right",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # One legend entry per status present, so the colours are explained in words. Their one
    # point has no x and an existing name for y: a y of None added an empty row per status at
    # the top of the ranking.
    present = {Status(r["status"]) for r in rows if r["status"]}
    for st in (s for s in Status.ordered() if s in present):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=names[:1],
                mode="markers",
                marker={"color": STATUS_STYLE[st].colour, "size": 12, "symbol": "square"},
                name=st.label(lang, symbol=True),
                hoverinfo="skip",
            )
        )
    if any(r["apart"] for r in rows):
        # The hatch of a figure kept apart, explained: a bar of its own with no value, drawn
        # over (barmode "overlay") rather than beside the ranked bars.
        fig.add_trace(
            go.Bar(
                x=[None],
                y=names[:1],
                orientation="h",
                marker={
                    "color": PARTIAL_LEGEND_COLOUR,
                    "pattern": {"shape": PARTIAL_HATCH},
                    "opacity": PARTIAL_OPACITY,
                },
                name=text("fig_partial_legend", lang, pct=RANK_MIN_PCT),
                hoverinfo="skip",
            )
        )
    if highlight_id is not None:
        hl = [r for r in rows if r["locality_id"] == highlight_id]
        if hl:
            fig.add_annotation(
                x=0,
                y=plotly_literal(hl[0]["short_name"]),
                text="▶",
                showarrow=False,
                xanchor="right",
                xshift=-2,
                font={"size": 14},
            )
    title = f"{ind.label(lang)} — {locality_name}".strip(" —")
    year = next((r["year"] for r in rows if r["year"]), "")
    subtitle = f"{year} · {text('fig_rate', lang)}"
    fig.update_xaxes(range=[0, 112], ticksuffix="%", title=text("fig_rate", lang))
    fig.update_yaxes(type="category", automargin=True, tickfont={"size": 11})
    base_layout(fig, title, subtitle, synthetic, lang)
    # One row per name, exactly: plotly pads an axis for the target marks' size, which left
    # four or five empty rows above the first name.
    fig.update_yaxes(range=[-0.5, len(rows) - 0.5], autorange=False)
    entries = sum(1 for tr in fig.data if tr.showlegend is not False)
    height = max(360, 22 * len(rows) + 170 + LEGEND_ROW * entries)
    fig.update_layout(
        height=height,
        bargap=0.25,
        barmode="overlay",
        # The legend under the subtitle, its top LEGEND_TOP px from the figure's top, its
        # entries one under another at any width, and exactly their room above the plot: a
        # legend standing on the plot grows upwards over the title when it wraps, and room
        # kept for six entries leaves an empty band over the bars when there are three.
        margin={"t": LEGEND_TOP + LEGEND_ROW * entries + 8},
        legend={
            "orientation": "v",
            "yref": "container",
            "y": 1 - LEGEND_TOP / height,
            "yanchor": "top",
            "x": 0,
            "entrywidth": 0,
        },
    )
    if not rows:
        no_data_note(fig, lang)
    return finish(fig)


# Share of the target reached, 0–120 % (capped): oranges below the target, darker the further
# behind; blues from the target on. The hue changes at exactly 100 %, so 90 %, 100 % and 105 %
# never look alike (a smooth scale drew them in one colour). Orange/blue read with colour-blindness.
PLAN_CAP = 120.0
PLAN_COLOURS = [
    [0.0, "#B35806"],
    [60 / PLAN_CAP, "#F1A340"],
    [99.99 / PLAN_CAP, "#FEE0B6"],
    [100 / PLAN_CAP, "#D1E5F0"],
    [1.0, "#2166AC"],
]


def heatmap(
    children: pl.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Children × indicators coloured by the share of the target reached ("Đạt N% kế hoạch"),
    with the value as text. Rows ordered by the mean share of their ranked figures, weakest at
    the top; a figure kept apart from rankings (`rankable` false, "chưa đủ: 1/23 huyện cũ báo
    cáo") is marked "*" and left out of that order, and a row with only such figures comes
    last."""
    reg = registry()
    ids = [
        i for i in (indicators or reg.ids()) if i in set(children["indicator"].unique().to_list())
    ]
    note = pl.col("partial_note") if "partial_note" in children.columns else pl.lit("")
    apart = ~pl.col("rankable") if "rankable" in children.columns else pl.lit(False)
    sub = children.filter(
        pl.col("indicator").is_in(ids) & pl.col("plan_pct").is_not_null()
    ).with_columns(
        pl.when(apart).then(note).otherwise(pl.lit("")).fill_null("").alias("partial_note")
    )
    ids = [i for i in ids if i in set(sub["indicator"].unique().to_list())]
    whole = pl.col("plan_pct").filter(pl.col("partial_note") == "")
    order = (
        sub.group_by("locality_id", "short_name")
        .agg(whole.mean().alias("_m"))
        .sort("_m", descending=False, nulls_last=True, maintain_order=True)
    )
    child_ids = order["locality_id"].to_list()
    names = [plotly_literal(n) for n in order["short_name"].to_list()]
    # Only the columns used: iterating all ~50 columns of the children frame cost more than the rest.
    lookup = {
        (r["locality_id"], r["indicator"]): r
        for r in sub.select("locality_id", "indicator", "plan_pct", "partial_note").iter_rows(
            named=True
        )
    }
    z: list[list[float | None]] = []
    cells: list[list[str]] = []
    notes: list[list[str]] = []
    for cid in child_ids:
        zr: list[float | None] = []
        tr: list[str] = []
        nr: list[str] = []
        for i in ids:
            r = lookup.get((cid, i))
            zr.append(None if r is None else min(float(r["plan_pct"]), PLAN_CAP))
            mark = "*" if r is not None and r["partial_note"] else ""
            tr.append("" if r is None else fmt_num(r["plan_pct"], 0, lang=lang) + mark)
            nr.append("" if r is None or not mark else f"<br>{r['partial_note']}")
        z.append(zr)
        cells.append(tr)
        notes.append(nr)
    xlabels = [reg.by_id(i).label(lang, short=True) for i in ids]
    ylabels = [
        f"▶ {n}" if cid == highlight_id else n for cid, n in zip(child_ids, names, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xlabels,
            y=ylabels,
            text=cells,
            customdata=notes,
            texttemplate="%{text}",
            textfont={"size": 10},
            zmin=0,
            zmax=PLAN_CAP,
            colorscale=PLAN_COLOURS,
            colorbar={
                "title": {"text": text("fig_plan_short", lang), "font": {"size": 12}},
                "ticksuffix": "%",
            },
            hovertemplate="%{y} · %{x}<br>"
            + text("fig_of_target", lang, pct="%{text}%")
            + "%{customdata}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 11})
    fig.update_xaxes(side="top", type="category", tickangle=-30)
    title = f"{text('fig_plan', lang)} — {locality_name}".strip(" —")
    partial = any(r["partial_note"] for r in lookup.values())
    subtitle = text("fig_heatmap_partial", lang, pct=RANK_MIN_PCT) if partial else None
    base_layout(fig, title, subtitle, synthetic, lang)
    fig.update_layout(height=max(320, 20 * len(child_ids) + 210), margin={"t": 170})
    if not ids or not child_ids:
        no_data_note(fig, lang)
    return finish(fig)


# The rooms the overview gives the map, as Chromium lays it out: the plot's width and height
# (the longer side of a region fills one of them) and the chart's width, in px, at a phone's
# 390 px, between, and at 1440 px. Names are placed so that they are clear in each room, and
# at a little less than each room's scale (plotly pads the plot round its points).
MAP_ROOMS = ((312.0, 384.0, 358.0), (412.0, 393.0, 469.0), (512.0, 402.0, 580.0))
MAP_PADDED = (0.85, 1.0)
NAME_CHAR_PX = 6.3  # a name's width per character at 10 px, DejaVu Sans (a little generous)
NAME_LINE_PX = 16.0  # a name's box height (Chromium draws 11–12 px)
NAME_SLACK_PX = 4.0  # added to a name's width: a short name's letters run wider
MARKER_PAD_PX = 1.5  # a marker's white outline and a hair of room round it
CHART_EDGE_PX = 12.0  # a name keeps this far inside the chart's edge


def _marker_px(size: float | None, biggest: float) -> float:
    """A map point's marker size: 7 px, up to 25 px for the largest total."""
    return 7 + 18 * math.sqrt((size or 0) / biggest)


Box = tuple[float, float, float, float]  # left, bottom, right, top in px, y upwards


def _overlap(a: Box, b: Box) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _inside(a: Box, b: Box) -> bool:
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


# Where a name may sit round its point, the first that clears everything kept: above, below,
# right, left (plotly's textposition words).
NAME_PLACES = ("top center", "bottom center", "middle right", "middle left")


def _name_box(cx: float, cy: float, size: float, width: float, place: str) -> Box:
    """The box a name's text takes at `place` round its point, a little larger than Chromium
    draws it (measured: 11–12 px high, 2–2.5 px clear of the marker above or beside it, and
    from 1.5 px inside it below, where plotly sets the text's baseline)."""
    r = size / 2
    w = width + NAME_SLACK_PX
    h = NAME_LINE_PX
    if place == "top center":
        return (cx - w / 2, cy + r + 1, cx + w / 2, cy + r + 1 + h)
    if place == "bottom center":
        return (cx - w / 2, cy - r + 2 - h, cx + w / 2, cy - r + 2)
    if place == "middle right":
        return (cx + r + 1, cy - h / 2, cx + r + 1 + w, cy + h / 2)
    return (cx - r - 1 - w, cy - h / 2, cx - r - 1, cy + h / 2)


@dataclass(frozen=True)
class MapNames:
    """Where names sit on a status map: each named point's place (a NAME_PLACES word, None for
    a name left off), and in each view checked (a room of MAP_ROOMS at a scale of MAP_PADDED)
    the names' boxes (None for a name left off), the markers' boxes and the room a name may
    use, in px with y upwards, for checking."""

    places: list[str | None]
    views: list[tuple[list[Box | None], list[Box], Box]]


def name_boxes(
    points: Sequence[tuple[float, float, str, float]],
    mean_lat: float,
    markers: Sequence[tuple[float, float, float]],
) -> MapNames:
    """Where the names of the (lon, lat, name, marker size in px) points, taken in the order
    given (the first the most important), sit on a map of every (lon, lat, marker size)
    marker: a name takes the first place round its point (NAME_PLACES) where, in every view,
    its box stays within the markers' height and the chart's width and overlaps no name
    already placed and no other point's marker; with none, it is left to the point's hover and the table."""
    if not markers:
        return MapNames([None] * len(points), [])
    cos = math.cos(math.radians(mean_lat))
    xs = [m[0] * cos for m in markers]
    ys = [m[1] for m in markers]
    x0, y0 = min(xs), min(ys)
    span_x, span_y = (max(xs) - x0) or 1e-6, (max(ys) - y0) or 1e-6
    scales = [
        (min(w / span_x, h / span_y) * pad, chart_w)
        for w, h, chart_w in MAP_ROOMS
        for pad in MAP_PADDED
    ]
    views: list[tuple[list[Box | None], list[Box], Box]] = []
    for scale, chart_w in scales:
        marker_boxes = []
        for lon, lat, size in markers:
            mx, my = (lon * cos - x0) * scale, (lat - y0) * scale
            r = size / 2 + MARKER_PAD_PX
            marker_boxes.append((mx - r, my - r, mx + r, my + r))
        # A name may reach beside the plot (cliponaxis off) but not past the chart's edge,
        # nor above or below the points, where the title and the legend are.
        middle = span_x * scale / 2
        room = (
            middle - chart_w / 2 + CHART_EDGE_PX,
            min(m[1] for m in marker_boxes),
            middle + chart_w / 2 - CHART_EDGE_PX,
            max(m[3] for m in marker_boxes),
        )
        views.append(([], marker_boxes, room))
    places: list[str | None] = []
    for lon, lat, name, size in points:
        width = len(name) * NAME_CHAR_PX
        # Its own marker it sits against; every other it must clear.
        others = [(m[0], m[1]) != (lon, lat) for m in markers]
        found: str | None = None
        boxes: list[Box] = []
        for place in NAME_PLACES:
            boxes = [
                _name_box((lon * cos - x0) * scale, (lat - y0) * scale, size, width, place)
                for scale, _ in scales
            ]
            if all(
                _inside(box, room)
                and not any(k is not None and _overlap(box, k) for k in kept)
                and not any(
                    _overlap(box, m) for m, o in zip(marker_boxes, others, strict=True) if o
                )
                for box, (kept, marker_boxes, room) in zip(boxes, views, strict=True)
            ):
                found = place
                break
        places.append(found)
        for box, (kept, _, _) in zip(boxes, views, strict=True):
            kept.append(box if found else None)
    return MapNames(places, views)


def name_places(
    points: Sequence[tuple[float, float, str, float]],
    mean_lat: float,
    markers: Sequence[tuple[float, float, float]] | None = None,
) -> list[str | None]:
    """Where each point's name sits (a NAME_PLACES word), None for a name left off
    (name_boxes); `markers` defaults to the named points' own."""
    every = markers if markers is not None else [(p[0], p[1], p[3]) for p in points]
    return name_boxes(points, mean_lat, every).places


def map_markers(sub: pl.DataFrame, size_col: str = "total") -> list[tuple[float, float, float]]:
    """Every point the map draws, as (lon, lat, marker size in px): what a name must not cover."""
    sizes = [v for v in sub[size_col].to_list() if v is not None] if size_col in sub.columns else []
    biggest = max(sizes, default=1) or 1
    return [
        (r["lon"], r["lat"], _marker_px(r.get(size_col), biggest))
        for r in sub.iter_rows(named=True)
        if r["lat"] is not None and r["lon"] is not None
    ]


def status_map(
    children: pl.DataFrame,
    *,
    indicator: str,
    size_col: str = "total",
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
    children_are: Literal["communes", "provinces"] = "communes",
) -> go.Figure:
    """Points at each child's lat/lon coloured (and shaped) by status, sized by `size_col`; the
    children that lag (metrics.progress.LAGGING) carry their names, so a leader sees where they
    are without pointing at each. `children_are` says what the points are, for the subtitle.

    A plain scatter with equal aspect (longitude scaled by cos(latitude)): no tiles, no
    topojson, so it draws with no network."""
    ind = registry().by_id(indicator)
    sub = children.filter(
        (pl.col("indicator") == indicator)
        & pl.col("lat").is_not_null()
        & pl.col("lon").is_not_null()
    )
    fig = go.Figure()
    sizes = [v for v in sub[size_col].to_list() if v is not None] if size_col in sub.columns else []
    biggest = max(sizes, default=1) or 1
    marker_symbol = {
        Status.TARGET_MET: "circle",
        Status.ON_TRACK: "triangle-up",
        Status.TOO_SLOW: "triangle-right",
        Status.LIMITED: "square",
        Status.FALLING: "triangle-down",
        Status.TARGET_MISSED: "x",
        Status.NOT_ASSESSABLE: "circle-open",
        Status.NO_TARGET: "line-ew-open",
        Status.NOT_REPORTED: "x-thin-open",
    }
    lats = [v for v in sub["lat"].to_list() if v is not None]
    mean_lat = sum(lats) / len(lats) if lats else 16.0
    # The lagging units are named, the worst status first and the largest first within one,
    # as many as fit without overlapping.
    candidates = sorted(
        (r for r in sub.iter_rows(named=True) if r["status"] in {s.value for s in LAGGING}),
        key=lambda r: (-STATUS_STYLE[Status(r["status"])].order, -(r.get(size_col) or 0)),
    )
    places = name_places(
        [
            (r["lon"], r["lat"], r["short_name"], _marker_px(r.get(size_col), biggest))
            for r in candidates
        ],
        mean_lat,
        map_markers(sub, size_col),
    )
    shown_names = {
        r["locality_id"]: place
        for r, place in zip(candidates, places, strict=True)
        if place is not None
    }
    hidden_names = len(candidates) - len(shown_names)
    for st in Status.ordered():
        part = sub.filter(pl.col("status") == st.value)
        if part.height == 0:
            continue
        rows = list(part.iter_rows(named=True))
        named = st in LAGGING
        fig.add_trace(
            go.Scatter(
                x=[r["lon"] for r in rows],
                y=[r["lat"] for r in rows],
                mode="markers+text" if named else "markers",
                textposition=[shown_names.get(r["locality_id"], "top center") for r in rows],
                cliponaxis=False,  # a name may reach beside the plot (name_boxes)
                textfont={"size": 10, "color": "#333333"},
                name=st.label(lang, symbol=True),
                marker={
                    "color": STATUS_STYLE[st].colour,
                    "symbol": marker_symbol[st],
                    "size": [_marker_px(r.get(size_col), biggest) for r in rows],
                    "line": {
                        "width": [2.5 if r["locality_id"] == highlight_id else 0.5 for r in rows],
                        "color": [
                            "#000000" if r["locality_id"] == highlight_id else "#FFFFFF"
                            for r in rows
                        ],
                    },
                    "opacity": 0.9,
                },
                text=[plotly_literal(r["short_name"]) for r in rows],
                # A name drawn only where it fits; the hover names every point.
                texttemplate=["%{text}" if r["locality_id"] in shown_names else "" for r in rows],
                customdata=[
                    [
                        r["locality_id"],
                        fmt_pct(r["rate_pct"], lang=lang),
                        fmt_int(r.get(size_col), lang=lang),
                    ]
                    for r in rows
                ],
                hovertemplate="<b>%{text}</b><br>%{customdata[1]} · "
                + text("fig_households", lang)
                + " %{customdata[2]}<extra>"
                + st.label(lang, symbol=True)
                + "</extra>",
            )
        )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(
        visible=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(mean_lat)),
        constrain="domain",
    )
    title = f"{ind.label(lang)} — {locality_name}".strip(" —")
    year = sub["year"][0] if sub.height else ""
    if children_are == "provinces":  # a province's point is where the register places it
        subtitle = text("fig_map_subtitle_provinces", lang, year=year)
    else:
        subtitle = text("fig_map_subtitle_communes", lang, year=year)
    if hidden_names:
        subtitle += "\n" + text("fig_map_names_hidden", lang, n=hidden_names)
    base_layout(fig, title, subtitle, synthetic, lang)
    # Top margin for the title and the subtitle's lines.
    fig.update_layout(
        height=560 + (18 if hidden_names else 0),
        plot_bgcolor="#F4F6F8",
        legend={"y": -0.02},
        margin={"t": 108 + (18 if hidden_names else 0)},
    )
    if sub.height == 0:
        no_data_note(fig, lang)
    return finish(fig)
