"""Which children of an area lag on an indicator — the weakest against their target, those falling
back, those that sent no figure — named, so a leader knows whom to call (Tổng quan and the
report draft both read these functions)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.indicators import Indicator, registry
from metrics.locality_progress import owes
from metrics.progress import Status

SHOWN = 5  # the weakest named on the page and in the report; the workbook ranks them all


def owed_by_communes(ind: Indicator) -> bool:
    """Whether a commune reports the indicator itself (metrics.locality_progress.owes)."""
    return owes("commune", ind.id)


def owed(children: pl.DataFrame, indicator: str) -> bool:
    """Whether the children of `children_progress` report the indicator: provinces report every
    indicator; communes those of owed_by_communes."""
    if children.height and (children["unit_type"] == "Tỉnh").all():
        return True
    return owed_by_communes(registry().by_id(indicator))


@dataclass(frozen=True)
class Lagging:
    weakest: pl.DataFrame  # below their target, furthest first: short_name, rate_pct, plan_pct
    falling: pl.DataFrame  # status "falling", lowest rate first
    silent: list[str]  # short names of the children with no figure for the year


def lagging_children(children: pl.DataFrame, indicator: str, shown: int = SHOWN) -> Lagging:
    """The children (metrics.locality_progress.children_progress) that lag on one indicator:
    the `shown` furthest below their target (those at or past it are not lagging), every one
    falling back, and every one that owes a figure and sent none."""
    one = children.filter(pl.col("indicator") == indicator)
    reported = one.filter(pl.col("rate_pct").is_not_null())
    weakest = (
        reported.filter(pl.col("plan_pct").is_not_null() & (pl.col("plan_pct") < 100))
        .sort("plan_pct", "short_name")
        .head(shown)
    )
    falling = reported.filter(pl.col("status") == Status.FALLING.value).sort("rate_pct")
    silent = one.filter(~pl.col("has_data"))["short_name"].to_list() if owed(one, indicator) else []
    return Lagging(weakest, falling, silent)


def silent_children(children: pl.DataFrame) -> list[tuple[str, list[str]]]:
    """Each child that sent no figure for some indicator it reports, with those indicators (in
    the models' order): [("Xã An Phú", ["gia_dinh", …]), …], children in the frame's order."""
    missing: dict[str, list[str]] = {}
    for ind in registry().in_model_order():
        one = children.filter(pl.col("indicator") == ind.id)
        if not one.height or not owed(one, ind.id):
            continue
        for name in one.filter(~pl.col("has_data"))["locality_name"].to_list():
            missing.setdefault(name, []).append(ind.id)
    order = children["locality_name"].unique(maintain_order=True).to_list()
    return [(name, missing[name]) for name in order if name in missing]
