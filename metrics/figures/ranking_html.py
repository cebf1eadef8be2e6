"""A ranking as one block of HTML bars: the rows, colours, values, target marks and legend of
comparison.ranked_bar, which the browser draws as text and boxes, with no plotly.js.

So sánh xã's first screen is its ranking; plotly.js's load and drawing of it were most of the
page's first view in the browser (bench/browser_views.py). The plotly figure stays for the
downloads (HTML, PNG, SVG), made from the same rows (comparison.ranking_rows). Every name and
note is escaped (html_literal): a name brought in by a file shows as the characters it holds."""

from __future__ import annotations

import polars as pl

from metrics.completeness import RANK_MIN_PCT
from metrics.escaping import html_literal
from metrics.figures.comparison import (
    PARTIAL_LEGEND_COLOUR,
    PARTIAL_OPACITY,
    ranking_rows,
    value_text,
)
from metrics.figures.style import GRID, TARGET
from metrics.fmt import fmt_pct
from metrics.indicators import registry
from metrics.progress import STATUS_STYLE, Status
from metrics.texts import text

AXIS_MAX = 112.0  # the chart's x range, 0–112 %: room right of a full bar for its value
TICKS = (0, 20, 40, 60, 80, 100)
MINOR_TICKS = (20, 60)  # not labelled on a phone
# The hatch of a figure kept apart from the ranking (the chart's "/" pattern), over its colour.
HATCH = "repeating-linear-gradient(135deg, rgba(255,255,255,0.75) 0 2px, transparent 2px 6px)"

STYLE = f"""<style>
.xhht-rank {{ font-size: 0.8125rem; line-height: 1.25; overflow-x: auto; padding-bottom: 0.25rem; }}
.xhht-rank .t {{ font-size: 1.05rem; font-weight: 600; }}
.xhht-rank .sub, .xhht-rank .xt {{ color: rgba(49, 51, 63, 0.7); }}
.xhht-rank .demo {{ color: #B00020; }}
.xhht-rank ul {{ list-style: none; margin: 0; padding: 0; }}
.xhht-rank .legend {{ display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0.5rem 0; }}
.xhht-rank .legend li {{ margin: 0; display: flex; align-items: center; gap: 0.35rem; }}
.xhht-rank .sw {{ display: inline-block; width: 12px; height: 12px; flex: none; }}
.xhht-rank .sw.tg {{ width: 3px; height: 14px; background: {TARGET}; }}
.xhht-rank .rows {{ min-width: 20rem; }}
.xhht-rank .row {{ display: flex; align-items: center; min-height: 22px; margin: 0; }}
.xhht-rank .name {{ flex: 0 0 13rem; padding: 0 0.5rem 0 0; text-align: right;
  font: inherit; color: inherit; background: none; border: 0; cursor: pointer;
  overflow-wrap: anywhere; }}
.xhht-rank .gap .name {{ cursor: default; color: rgba(49, 51, 63, 0.6); flex-basis: auto;
  min-width: 13rem; white-space: nowrap; }}
.xhht-rank .hl .name {{ font-weight: 700; }}
.xhht-rank .track {{ position: relative; flex: 1 1 auto; height: 22px; margin-right: 4.5rem;
  background: repeating-linear-gradient(to right, {GRID} 0 1px, transparent 1px
  {100 * 20 / AXIS_MAX:.4f}%); }}
.xhht-rank .bar {{ position: absolute; left: 0; top: 3px; bottom: 3px; }}
.xhht-rank .hl .bar {{ outline: 3px solid #000; outline-offset: -1px; }}
.xhht-rank .apart .bar {{ opacity: {PARTIAL_OPACITY}; background-image: {HATCH}; }}
.xhht-rank .mark {{ position: absolute; top: 2px; bottom: 2px; width: 3px; margin-left: -1px;
  background: {TARGET}; }}
.xhht-rank .val {{ position: absolute; top: 0; line-height: 22px; white-space: nowrap;
  padding-left: 0.35rem; }}
.xhht-rank .val.past {{ padding-left: 0.6rem; }}
.xhht-rank .axis {{ display: flex; }}
.xhht-rank .axis .ticks {{ position: relative; flex: 1 1 auto; height: 1.2rem;
  margin: 0 4.5rem 0 13rem; }}
.xhht-rank .axis span {{ position: absolute; transform: translateX(-50%);
  color: rgba(49, 51, 63, 0.7); }}
.xhht-rank .xt {{ text-align: center; margin-left: 13rem; }}
.xhht-rank .sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }}
@media (max-width: 640px) {{
  .xhht-rank .name {{ flex-basis: 7.5rem; }}
  .xhht-rank .gap .name {{ min-width: 7.5rem; }}
  .xhht-rank .track {{ margin-right: 3.5rem; }}
  .xhht-rank .axis .ticks {{ margin: 0 3.5rem 0 7.5rem; }}
  .xhht-rank .xt {{ margin-left: 7.5rem; }}
  /* On a phone the track is ~150 px: six labels would run into each other. */
  .xhht-rank .axis span.minor {{ display: none; }}
}}
</style>"""


def _left(pct: float | None) -> str:
    return f"{100 * min(max(pct or 0.0, 0.0), AXIS_MAX) / AXIS_MAX:.2f}%"


def _row(row: dict, highlight_id: str | None, lang: str) -> str:
    name = html_literal(row["short_name"].replace("\u200b", ""))  # the chart's unique gap names
    if not row["status"]:  # a gap row: how many are left out between the ends
        return f'<li class="row gap"><span class="name">{name}</span></li>'
    status = Status(row["status"])
    value = value_text(row, lang)
    target = (
        f"{text('fig_target', lang)}: {fmt_pct(row['target_pct'], lang=lang)}"
        f" · {fmt_pct(row['plan_pct'], 0, lang=lang)}"
    )
    # What the chart's hover said, as the row's tooltip and, for a screen reader, its text.
    said = f"{status.label(lang, symbol=True)}; {target}"
    hover = f"{row['short_name']}\n{value}\n{status.label(lang, symbol=True)}\n{target}"
    highlighted = highlight_id is not None and row["locality_id"] == highlight_id
    classes = "row" + (" hl" if highlighted else "") + (" apart" if row["apart"] else "")
    # The value stands right of whichever ends further right: the bar or the target mark.
    past = (row["target_pct"] or 0.0) > row["rate_pct"]  # clear of the mark, as on the chart
    end = row["target_pct"] if past else row["rate_pct"]
    mark = (
        f'<span class="mark" style="left:{_left(row["target_pct"])}"></span>'
        if row["target_pct"] is not None
        else ""
    )
    return (
        f'<li class="{classes}" data-id="{html_literal(row["locality_id"])}"'
        f' title="{html_literal(hover)}">'
        f'<button type="button" class="name" aria-pressed="{str(highlighted).lower()}">'
        f"{'▶ ' if highlighted else ''}{name}</button>"
        '<span class="track">'
        f'<span class="bar" style="width:{_left(row["rate_pct"])};'
        f'background-color:{STATUS_STYLE[status].colour}"></span>{mark}'
        f'<span class="val{" past" if past else ""}" style="left:{_left(end)}">{html_literal(value)}'
        f'<span class="sr"> — {html_literal(said)}</span></span>'
        "</span></li>"
    )


def ranking_html(
    children: pl.DataFrame,
    *,
    indicator: str,
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
    ends: int | None = None,
) -> str:
    """The ranking ranked_bar draws with the same arguments, as one HTML block: its title and
    subtitle, a legend entry per status present (its symbol and words), the target mark and the
    hatch of a figure kept apart; then a row per child from the highest down, each a button with
    the child's name (`data-id` its locality id, for a click to highlight it), its bar in its
    status's colour, its target mark and its value; the axis under them."""
    rows = ranking_rows(
        children, indicator=indicator, highlight_id=highlight_id, lang=lang, ends=ends
    )
    ind = registry().by_id(indicator)
    title = f"{ind.label(lang)} — {locality_name}".strip(" —")
    year = next((r["year"] for r in rows if r["year"]), "")
    subtitle = f"{year} · {text('fig_rate', lang)}"
    present = {Status(r["status"]) for r in rows if r["status"]}
    legend = [
        f'<li><span class="sw" style="background-color:{STATUS_STYLE[s].colour}"></span>'
        f"{html_literal(s.label(lang, symbol=True))}</li>"
        for s in Status.ordered()
        if s in present
    ]
    if any(r["target_pct"] is not None for r in rows):
        legend.append(
            f'<li><span class="sw tg"></span>{html_literal(text("fig_target", lang))}</li>'
        )
    if any(r["apart"] for r in rows):
        legend.append(
            f'<li><span class="sw" style="background-color:{PARTIAL_LEGEND_COLOUR};'
            f'opacity:{PARTIAL_OPACITY};background-image:{HATCH}"></span>'
            f"{html_literal(text('fig_partial_legend', lang, pct=RANK_MIN_PCT))}</li>"
        )
    body = (
        "".join(_row(r, highlight_id, lang) for r in reversed(rows))
        if rows
        else f'<li class="row gap"><span class="name">{html_literal(text("fig_no_data", lang))}</span></li>'
    )
    minor = ' class="minor"'
    ticks = "".join(
        f'<span{minor if v in MINOR_TICKS else ""} style="left:{_left(v)}">{v}%</span>'
        for v in TICKS
    )
    demo = (
        f'<div class="demo">{html_literal(text("fig_synthetic_note", lang))}</div>'
        if synthetic
        else ""
    )
    return (
        f'{STYLE}<div class="xhht-rank" role="figure" aria-label="{html_literal(title)}">'
        f'<div class="t">{html_literal(title)}</div>'
        f'<div class="sub">{html_literal(subtitle)}</div>{demo}'
        f'<ul class="legend">{"".join(legend)}</ul>'
        f'<ul class="rows">{body}</ul>'
        f'<div class="axis" aria-hidden="true"><div class="ticks">{ticks}</div></div>'
        f'<div class="xt" aria-hidden="true">{html_literal(text("fig_rate", lang))}</div>'
        "</div>"
    )
