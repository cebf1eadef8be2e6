"""A place's progress as its pages show it: one row per indicator against its target
(summary_frame), how many of its communes reported (communes_reporting), the figures summed from
incomplete reports (partial_groups) and the documents behind its figures (source_groups)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from metrics.completeness import completeness_text, partial_text
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress, progress_frame
from metrics.progress import Status
from metrics.texts import level_word

# The summary's columns, in order (metrics.table_columns names their headings).
SUMMARY_COLUMNS = {
    "indicator_label": pl.String,
    "rate_pct": pl.Float64,
    "target_pct": pl.Float64,
    "target_year": pl.Int64,
    "plan_pct": pl.Float64,
    "status_label": pl.String,
    "recognized": pl.Int64,
    "total": pl.Int64,
    "change_pp": pl.Float64,
    "target_scope": pl.String,
    "projected_pct": pl.Float64,
    "completeness": pl.String,
}


def summary_frame(items: Sequence[IndicatorProgress], lang: str = "vi") -> pl.DataFrame:
    """Every indicator with a figure, in the order given: its rate against its target, status,
    counts, change and who set the target, in `lang`'s words (SUMMARY_COLUMNS); the figures
    are progress_frame's."""
    with_data = [it for it in items if it.has_data]
    if not with_data:
        return pl.DataFrame(schema=SUMMARY_COLUMNS)
    reg = registry()
    words = pl.DataFrame(
        {
            "indicator_label": [reg.by_id(it.indicator).label(lang) for it in with_data],
            "status_label": [
                Status(it.status).label_for(it.target_year, lang, symbol=True) for it in with_data
            ],
            "target_scope": [level_word("scope", it.target_scope, lang) for it in with_data],
            "completeness": [
                completeness_text(it.reporting_units, it.units_in_area, it.unit_level, lang)
                for it in with_data
            ],
        },
        schema={
            k: pl.String
            for k in ("indicator_label", "status_label", "target_scope", "completeness")
        },
    )
    figures = progress_frame(with_data).drop("indicator_label", "status_label", "target_scope")
    return pl.concat([figures, words], how="horizontal").select(
        pl.col(name).cast(dtype) for name, dtype in SUMMARY_COLUMNS.items()
    )


@dataclass(frozen=True)
class CommunesReporting:
    """How many of an area's communes reported a year; `reported` is None when not counted."""

    reported: int | None
    in_area: int

    @property
    def missing(self) -> int:
        return self.in_area - (self.reported or 0)


def communes_reporting(items: Sequence[IndicatorProgress]) -> CommunesReporting | None:
    """How many of the area's communes reported the year, read on the indicator most of them
    reported (Tổng quan and Hồ sơ say "4/96 xã chưa báo cáo"); None without a figure or when
    the area has no communes to count."""
    have = [it for it in items if it.has_data]
    if not have:
        return None
    ref = max(have, key=lambda it: it.reporting_communes or 0)
    if not ref.communes_in_area:
        return None
    return CommunesReporting(ref.reporting_communes, ref.communes_in_area)


def partial_groups(items: Sequence[IndicatorProgress], lang: str = "vi") -> dict[str, list[str]]:
    """The figures summed from units not all of which reported, by their note in `lang`:
    {"chưa đủ: 1/23 huyện cũ báo cáo": ["gia_dinh", "dong_ho"]}, notes and indicators in the
    order given."""
    groups: dict[str, list[str]] = {}
    for it in items:
        note = partial_text(it.reporting_units, it.units_in_area, it.unit_level, lang)
        if it.has_data and note:
            groups.setdefault(note, []).append(it.indicator)
    return groups


@dataclass(frozen=True)
class SourceGroup:
    """One document behind a place's figures: the years and indicators it gave figures for;
    `demo` when it is the source of a synthetic (demo) batch, said in the reader's words."""

    source: str
    years: list[int]
    indicators: list[str]
    demo: bool


def source_groups(series_by_indicator: Mapping[str, pl.DataFrame]) -> list[SourceGroup]:
    """The documents behind each indicator's yearly figures (rows with `year`, `sources` and
    `demo_sources`, as metrics.locality_progress.series_all gives them), grouped by document in
    its name's order; each with its years in order and its indicators in registry order."""
    years: dict[str, set[int]] = {}
    indicators: dict[str, set[str]] = {}
    demo: set[str] = set()
    for indicator, series in series_by_indicator.items():
        for row in series.iter_rows(named=True):
            for src in _listed(row["sources"]):
                years.setdefault(src, set()).add(int(row["year"]))
                indicators.setdefault(src, set()).add(indicator)
            demo.update(_listed(row["demo_sources"]))
    order = {ind.id: n for n, ind in enumerate(registry().indicator)}
    return [
        SourceGroup(
            source=src,
            years=sorted(years[src]),
            indicators=sorted(indicators[src], key=lambda i: order.get(i, len(order))),
            demo=src in demo,
        )
        for src in sorted(years)
    ]


def _listed(values: Iterable[str] | None) -> list[str]:
    return list(values or [])
