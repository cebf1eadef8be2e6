"""Named queries of targets: which target applies to each locality, indicator and target year.
With the other modules of metrics/queries/ and the store layer (metrics/store/), the only
modules that hold SQL (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics.store import query_frame
from metrics.store.schema import COUNTRY_ID

TARGET_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "locality_id": pl.String,
    "indicator": pl.String,
    "target_year": pl.Int32,
    "percent": pl.Float64,
    "source": pl.String,
    "confirmed": pl.Boolean,
    "scope_id": pl.String,
    "scope_name": pl.String,
    "scope_level": pl.String,
    "synthetic": pl.Boolean,
}


def applicable_targets(con: duckdb.DuckDBPyConnection, locality_ids: Sequence[str]) -> pl.DataFrame:
    """For each locality, indicator and target year, the target that applies: the locality's own,
    else its province's, else the nation's. The one statement of that rule.

    A unit of before 7/2025 is judged by the plans in force for it then: its own, its old
    district's (an old commune), its old province's (tỉnh Kon Tum cũ for huyện Ia H'Drai),
    else the nation's, never today's province's plan, which was not its plan."""
    chain = query_frame(
        con,
        """SELECT id AS locality_id,
                  unnest([id,
                          CASE WHEN level = 'old_commune' THEN parent_id END,
                          CASE WHEN era = 'legacy' THEN old_province_id ELSE province_id END,
                          ?]) AS scope_id,
                  unnest([0, 1, 2, 3]) AS rank
           FROM localities WHERE id IN (SELECT unnest(?::TEXT[]))""",
        [COUNTRY_ID, list(locality_ids)],
    ).drop_nulls("scope_id")
    set_by = query_frame(
        con,
        """SELECT t.locality_id AS scope_id, t.indicator, t.target_year, t.percent, t.source, t.confirmed,
                  l.name AS scope_name, l.level AS scope_level, t.synthetic
           FROM targets_current t JOIN localities l ON l.id = t.locality_id
           WHERE t.locality_id IN (SELECT unnest(?::TEXT[]))""",
        [chain["scope_id"].unique().to_list()],
    )
    keys = ["locality_id", "indicator", "target_year"]
    ranked = (
        chain.join(set_by, on="scope_id").sort("rank").group_by(keys, maintain_order=True).first()
    )
    return ranked.sort(keys).select(list(TARGET_SCHEMA)).cast(TARGET_SCHEMA)  # type: ignore[arg-type]


def resolved_targets(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    """For each indicator and target year, the target that applies to one locality (applicable_targets)."""
    return applicable_targets(con, [locality_id]).drop("locality_id")


PLAN_ITEM_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "source": pl.String,
    "section": pl.String,
    "item_text": pl.String,
    "target_pct": pl.Float64,
    "target_year": pl.Int32,
    "indicator": pl.String,
    "achieved_pct": pl.Float64,
    "achieved_year": pl.Int32,
    "achieved_source": pl.String,
    "synthetic": pl.Boolean,
}


def plan_items_of(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    """A place's own plan commitments in force (plan_items_current), each plan's items in the
    order its file gave them."""
    frame = query_frame(
        con,
        """SELECT source, section, item_text, target_pct, target_year, indicator, achieved_pct,
                  achieved_year, achieved_source, synthetic
           FROM plan_items_current WHERE locality_id = ?
           ORDER BY synthetic, source, batch_id, entry""",
        [locality_id],
    )
    return frame.select(list(PLAN_ITEM_SCHEMA)).cast(PLAN_ITEM_SCHEMA)  # type: ignore[arg-type]
