"""The progress chart: one indicator of one locality over time — actual rates, the trajectory to
the targets, the targets and the projection."""

from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from metrics import progress_values as pv
from metrics.figures.style import (
    ACTUAL,
    NARROW,
    PROJECTION,
    TARGET,
    TRAJECTORY,
    base_layout,
    finish,
    no_data_note,
)
from metrics.fmt import fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.store.schema import COUNTRY_ID
from metrics.texts import level_word, text


def _targets_map(targets: pl.DataFrame | Mapping[int, float] | None) -> dict[int, float]:
    if targets is None:
        return {}
    if isinstance(targets, pl.DataFrame):
        return {int(r["target_year"]): float(r["percent"]) for r in targets.iter_rows(named=True)}
    return {int(k): float(v) for k, v in targets.items()}


def _plans(
    targets: pl.DataFrame | Mapping[int, float] | None, lang: str = "vi"
) -> dict[int, str | None]:
    """Whose plan each target year's target is, by the level that set it ("quốc gia", "xã" …;
    None when the targets do not say)."""
    if not isinstance(targets, pl.DataFrame) or "scope_level" not in targets.columns:
        return {}
    return {
        int(r["target_year"]): level_word("scope", r["scope_level"], lang)
        for r in targets.iter_rows(named=True)
    }


LOW_LABEL_PCT = 8.0  # a rate below this is labelled above its point, clear of the year axis


def progress_chart(
    series: pl.DataFrame,
    item: IndicatorProgress,
    targets: pl.DataFrame | Mapping[int, float] | None = None,
    *,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Actual rates by year, the straight trajectory from the baseline to the targets, the targets
    (2025/2026/2030) marked, and the projection from the recent trend (dashed).

    `series` has columns year and rate_pct (metrics.locality_progress.series_frame); `targets` the
    resolved targets of the indicator (target_year, percent), or {year: percent}.
    """
    ind = registry().by_id(item.indicator)
    label = ind.label(lang)
    tmap = _targets_map(targets)
    if item.target_year is not None and item.target_pct is not None:
        tmap.setdefault(item.target_year, item.target_pct)
    # Targets of different plans are never joined into one line (a national 70% for 2025 and a
    # commune's own 50% for 2026 are not a path that drops 20 points): the trajectory runs to
    # the targets of the plan the year is judged by; another plan's targets are markers named
    # with their plan.
    plan_of = _plans(targets, lang)
    judged = plan_of.get(item.target_year or 0)
    own_plan = {y: v for y, v in tmap.items() if plan_of.get(y, judged) == judged}
    others = {y: v for y, v in tmap.items() if y not in own_plan}
    pts = [
        (int(r["year"]), float(r["rate_pct"]))
        for r in series.sort("year").iter_rows(named=True)
        if r.get("rate_pct") is not None and int(r["year"]) <= item.year
    ]
    fig = go.Figure()
    if pts:
        fig.add_trace(
            go.Scatter(
                x=[y for y, _ in pts],
                y=[v for _, v in pts],
                mode="lines+markers+text",
                name=text("fig_actual", lang),
                line={"color": ACTUAL, "width": 3},
                marker={"size": 8},
                text=[fmt_pct(v, lang=lang) for _, v in pts],
                # Under each point, but above one near 0 % (there it would sit on the years) and
                # above one past a target of its year (that target's label reads under its star,
                # _label_positions).
                textposition=[
                    "top center"
                    if v < LOW_LABEL_PCT or (tmap.get(y) is not None and tmap[y] < v)
                    else "bottom center"
                    for y, v in pts
                ],
                textfont={"size": 11, "color": ACTUAL},
                cliponaxis=False,  # the first year's label reaches past the axis on a phone
                hovertemplate="%{x}: %{text}<extra></extra>",
            )
        )
    # The trajectory: baseline → each later target, in order (docs/method.md).
    if item.base_year is not None and item.base_pct is not None:
        later = sorted((y, v) for y, v in own_plan.items() if y > item.base_year)
        if later:
            xs = [item.base_year, *[y for y, _ in later]]
            ys = [item.base_pct, *[v for _, v in later]]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=text("fig_trajectory", lang),
                    line={"color": TRAJECTORY, "width": 1.5, "dash": "dot"},
                    text=[fmt_pct(v, lang=lang) for v in ys],
                    hovertemplate="%{x}: %{text}<extra>"
                    + text("fig_trajectory", lang)
                    + "</extra>",
                )
            )
    # Projection from the last actual point to each later target year.
    proj_pts: list[tuple[int, float]] = []
    if pts:
        last_year, last_val = pts[-1]
        proj_years = sorted(y for y in tmap if y > last_year)
        proj = [(y, pv.project(pts, item.year, y)) for y in proj_years]
        proj_pts = [(y, v) for y, v in proj if v is not None]
        if proj_pts:
            xs = [last_year, *[y for y, _ in proj_pts]]
            ys = [last_val, *[v for _, v in proj_pts]]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=text("fig_projection", lang),
                    line={"color": PROJECTION, "width": 2, "dash": "dash"},
                    marker={"size": 6, "symbol": "circle-open"},
                    text=[fmt_pct(v, lang=lang) for v in ys],
                    hovertemplate="%{x}: %{text}<extra>"
                    + text("fig_projection", lang)
                    + "</extra>",
                )
            )
    # The line a target's label must keep off: the actual figure of that year, else the
    # projection's.
    line_at = {**dict(proj_pts), **dict(pts)}
    for group, plan in ((own_plan, judged if others else None), (others, None)):
        if not group:
            continue
        ty = sorted(group)
        scopes = [plan_of.get(y) if group is others else plan for y in ty]
        names = {sc for sc in scopes if sc}
        legend = text("fig_target", lang)
        if names:
            legend = text("fig_target_of_plans", lang, plans=", ".join(sorted(names)))
        fig.add_trace(
            go.Scatter(
                x=ty,
                y=[group[y] for y in ty],
                mode="markers+text",
                name=legend,
                marker={
                    "symbol": "star" if group is own_plan else "star-open",
                    "size": 15,
                    "color": TARGET,
                    "line": {
                        "width": 1 if group is own_plan else 2,
                        "color": "white" if group is own_plan else TARGET,
                    },
                },
                text=[
                    text(
                        "fig_target_of_plan",
                        lang,
                        year=y,
                        pct=fmt_pct(group[y], lang=lang),
                        plan=sc,
                    )
                    if sc
                    else text("fig_target_of", lang, year=y, pct=fmt_pct(group[y], lang=lang))
                    for y, sc in zip(ty, scopes, strict=True)
                ],
                textposition=_label_positions(ty, group, line_at),
                textfont={"color": TARGET, "size": 11},
                cliponaxis=False,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    years = [y for y, _ in pts] + list(tmap)
    if years:
        fig.update_xaxes(
            range=[min(years) - 0.5, max(years) + 0.9], dtick=1, title=text("year", lang)
        )
    values = [v for _, v in pts] + list(tmap.values())
    top = max(values, default=100.0)
    fig.update_yaxes(
        range=[0, max(10.0, math.ceil(top / 10) * 10 + 10)],
        ticksuffix="%",
        title=text("fig_rate", lang),
    )
    # The demo's invented figures have no report behind them: their source is that they are
    # illustrative, not a dash.
    demo = text("fig_synthetic_note", lang) if item.demo_sources else "–"
    sources = "; ".join(item.report_sources) or demo
    subtitle = f"{text('fig_source', lang)}: {_short(sources, 140)}"
    # The country is named in the page's language; a province or commune by its own name.
    place = text("country", lang) if item.locality_id == COUNTRY_ID else item.locality_name
    title = f"{label} — {place}"
    if not pts:
        no_data_note(fig, lang)
    base_layout(fig, title, subtitle, synthetic, lang)
    # The legend at the foot of the figure, not at a share of the plot's height below it: on a
    # phone the years stand on end and the legend (four lines there) sat over them and "Năm".
    fig.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"})
    fig.layout.meta = {**fig.layout.meta, NARROW: _narrow(fig, lang)}
    return finish(fig)


def _narrow(fig: go.Figure, lang: str) -> dict:
    """What a phone draws instead (dashboard/static/chart_view.js applies it to a chart narrower
    than NARROW_PX): ten years share ~300 px there, so each year's value and "Mục tiêu 2025 (quốc
    gia): 70%" beside its star ran into each other, the axis title and the line. The latest
    value alone is written, and each target as its percentage: the legend says which stars are
    whose, and a tap on any point gives it in full."""
    traces: dict[str, dict] = {}
    for i, tr in enumerate(fig.data):
        if tr.name == text("fig_actual", lang) and tr.text:
            traces[str(i)] = {"text": ["" for _ in tr.text[:-1]] + [tr.text[-1]]}
        elif tr.mode == "markers+text" and tr.text:
            short = [fmt_pct(v, lang=lang) for v in tr.y]
            traces[str(i)] = {
                "text": short,
                "hovertext": list(tr.text),
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
    return {"traces": traces}


def _label_positions(
    years: list[int], targets: Mapping[int, float], lines: Mapping[int, float]
) -> list[str]:
    """Where each target's label sits. Above its star, or below it where the line drawn at that
    year (the actual figure, else the projection, `lines`) passes above the star, so the label
    never lies on the line. Targets a year or two apart (2025 and 2026) read away from each
    other, the earlier leftwards, the later rightwards; the last one reads leftwards (at the
    axis' right end, on a phone "Mục tiêu 2030: 80%" ran off the chart), and two close labels
    that would then read the same way on the same side are put on opposite sides."""
    vertical = [
        "bottom" if lines.get(y) is not None and lines[y] > targets[y] else "top" for y in years
    ]
    horizontal = ["center"] * len(years)
    for i in range(1, len(years)):
        if years[i] - years[i - 1] <= 2:
            if horizontal[i - 1] == "center":
                horizontal[i - 1] = "left"
            horizontal[i] = "right"
    if horizontal:
        horizontal[-1] = "left"
    for i in range(1, len(years)):
        close = years[i] - years[i - 1] <= 2
        if close and horizontal[i] == horizontal[i - 1] and vertical[i] == vertical[i - 1]:
            vertical[i] = "bottom" if vertical[i] == "top" else "top"
    return [f"{v} {h}" for v, h in zip(vertical, horizontal, strict=True)]


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
