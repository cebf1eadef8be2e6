"""A place's plan commitments that are not rates ("100% thôn duy trì hoạt động Cộng đồng học
tập"), as the profile shows them and the draft's "Phương hướng, nhiệm vụ" writes them: the
item, its target and year, and a later figure beside it — one typed with its year and source,
else the latest figure of the indicator that measures it."""

from __future__ import annotations

import polars as pl

from metrics.escaping import without_controls
from metrics.fmt import fmt_pct
from metrics.indicators import registry
from metrics.texts import text

# indicator → (year, rate %): the latest figure of each indicator for the place.
Latest = dict[str, tuple[int, float]]


def pct(value: float) -> str:
    """ "100%", "85,5%": a plan's whole percentage without a decimal."""
    return fmt_pct(value, 0 if float(value).is_integer() else 1)


def target_text(row: dict, lang: str = "vi") -> str:
    """ "100% đến năm 2030", "100%", "đến năm 2030" or "" (no target given)."""
    if row["target_pct"] is not None and row["target_year"] is not None:
        return text("plan_target_by", lang, pct=pct(row["target_pct"]), year=row["target_year"])
    if row["target_pct"] is not None:
        return pct(row["target_pct"])
    if row["target_year"] is not None:
        return text("plan_by_year", lang, year=row["target_year"])
    return ""


def later_text(row: dict, latest: Latest, lang: str = "vi") -> str:
    """The later figure: the one typed for the item ("năm 2026: 95%"), else the latest of the
    indicator that measures it ("Cộng đồng học tập cấp thôn, năm 2025: 87,5%"), else ""."""
    if row["achieved_pct"] is not None:
        return text("plan_achieved", lang, year=row["achieved_year"], pct=pct(row["achieved_pct"]))
    measured = latest.get(row["indicator"] or "")
    if measured is None:
        return ""
    label = registry().by_id(row["indicator"]).label(lang)
    year, rate = measured
    return text("plan_measured", lang, indicator=label, year=year, pct=fmt_pct(rate))


def shown_plan_items(items: pl.DataFrame, latest: Latest, lang: str = "vi") -> pl.DataFrame:
    """The items as the profile's table shows them (table_columns fields plan_*)."""
    rows = [
        {
            "plan_section": r["section"] or None,
            "plan_item": r["item_text"],
            "plan_target": target_text(r, lang) or None,
            "plan_achieved": later_text(r, latest, lang) or None,
            "plan_source": r["source"],
        }
        for r in items.iter_rows(named=True)
    ]
    fields = ("plan_section", "plan_item", "plan_target", "plan_achieved", "plan_source")
    return pl.DataFrame(rows, schema=dict.fromkeys(fields, pl.String))


def plan_groups(items: pl.DataFrame, latest: Latest) -> list[tuple[str, list[str]]]:
    """The items as the draft writes them, under their plan, each source once: ("Kế hoạch số
    …", ["100% thôn duy trì hoạt động Cộng đồng học tập (100% đến năm 2030; năm 2026: 95%);",
    …]). The last item of each plan ends with a full stop."""
    groups: dict[str, list[str]] = {}
    for r in items.iter_rows(named=True):
        target = target_text(r)
        if r["target_pct"] is not None and r["item_text"].startswith(pct(r["target_pct"])):
            # "100% thôn …" says its percentage: the year is what is left to say.
            target = text("plan_by_year", "vi", year=r["target_year"]) if r["target_year"] else ""
        said = [s for s in (target, later_text(r, latest)) if s]
        if r["achieved_source"]:
            said[-1] += f", theo {r['achieved_source']}"
        line = r["item_text"].rstrip(" .;") + (f" ({'; '.join(said)})" if said else "")
        groups.setdefault(r["source"], []).append(without_controls(line) + ";")
    for lines in groups.values():
        lines[-1] = lines[-1][:-1] + "."
    return list(groups.items())
