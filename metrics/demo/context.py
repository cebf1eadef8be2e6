"""The demo's synthetic context and universal-education levels, deterministic for a seed: tỉnh
Quảng Ngãi's communes and the province in 2025. Households follow each commune's demo count of
families (so an import check against the context finds them close); the rest — people, ethnic
minorities, villages, residential groups, agencies, schools and the four standards — is drawn
within what such communes have. metrics.demo writes them in its synthetic batch; the real
context of huyện Ia H'Drai comes from the seed report (data/seed_figures.toml)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS

CONTEXT_YEAR = 2025
CONTEXT_PROVINCE = "P51"  # tỉnh Quảng Ngãi: its lists are in the demo too (metrics.demo.lists)
AS_OF = date(CONTEXT_YEAR, 12, 31)


def demo_contexts(
    observations: pl.DataFrame, communes: pl.DataFrame, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contexts, education levels) of the province's communes and of the province for
    CONTEXT_YEAR, with the store's columns (batch and source aside). `communes`: id, unit_type
    of the province's communes; `observations`: the demo's figures (families' totals)."""
    rng = np.random.default_rng(seed + 5)

    def last_totals(indicator: str) -> dict[str, int]:
        # Each commune's latest total of an indicator: the context counts what the figures count.
        return dict(
            observations.filter(
                (pl.col("indicator") == indicator)
                & pl.col("total").is_not_null()
                & pl.col("locality_id").is_in(communes["id"].implode())
            )
            .sort("year")
            .group_by("locality_id")
            .agg(pl.col("total").last())
            .iter_rows()
        )

    households_of = last_totals("gia_dinh")
    villages_and_groups_of = last_totals("cong_dong_thon")
    contexts, levels = [], []
    for commune_id, unit_type in communes.select("id", "unit_type").iter_rows():
        households = int(households_of.get(commune_id) or rng.integers(1_500, 6_000))
        population = int(households * rng.uniform(3.6, 4.4))
        # Mountain communes are mostly ethnic minorities; lowland and town ones a few.
        share = rng.choice([rng.uniform(0.6, 0.98), rng.uniform(0.0, 0.08)], p=[0.35, 0.65])
        minority_population = int(population * share)
        minority_households = min(households, int(households * share * rng.uniform(0.95, 1.05)))
        ward = unit_type == "Phường"
        places = villages_and_groups_of.get(commune_id)
        if places is None:
            places = int(rng.integers(8, 30)) if ward else max(4, int(households / 170))
        groups = places if ward else min(places, int(rng.integers(0, 4)))
        villages = places - groups
        contexts.append(
            {
                "locality_id": commune_id,
                "year": CONTEXT_YEAR,
                "households": households,
                "population": population,
                "minority_households": minority_households,
                "minority_population": minority_population,
                "villages": villages,
                "residential_groups": groups,
                "agencies": int(rng.integers(8, 22)),
                "schools": int(rng.integers(3, 9)),
                "as_of": AS_OF,
            }
        )
        levels.append(
            {
                "locality_id": commune_id,
                "year": CONTEXT_YEAR,
                "preschool_5": "dat" if rng.random() < 0.95 else "chua_dat",
                "primary_school": f"muc_do_{rng.choice([2, 3], p=[0.3, 0.7])}",
                "lower_secondary": f"muc_do_{rng.choice([1, 2, 3], p=[0.2, 0.5, 0.3])}",
                "literacy": f"muc_do_{rng.choice([1, 2], p=[0.25, 0.75])}",
                "as_of": AS_OF,
            }
        )
    context_frame = pl.DataFrame(
        contexts, schema_overrides={c: pl.Int64 for c in CONTEXT_COUNTS}
    ).with_columns(pl.col("year").cast(pl.Int32))
    # The province: its communes' counts added up; its standards as the province's report states
    # them (every commune of it need not hold the same).
    province = context_frame.select(
        pl.lit(CONTEXT_PROVINCE).alias("locality_id"),
        pl.lit(CONTEXT_YEAR, dtype=pl.Int32).alias("year"),
        *[pl.col(c).sum() for c in CONTEXT_COUNTS],
        pl.lit(AS_OF).alias("as_of"),
    )
    levels.append(
        {
            "locality_id": CONTEXT_PROVINCE,
            "year": CONTEXT_YEAR,
            "preschool_5": "dat",
            "primary_school": "muc_do_3",
            "lower_secondary": "muc_do_2",
            "literacy": "muc_do_2",
            "as_of": AS_OF,
        }
    )
    education_frame = pl.DataFrame(
        levels, schema_overrides={f: pl.String for f in EDUCATION_FIELDS}
    ).with_columns(pl.col("year").cast(pl.Int32))
    return pl.concat([context_frame, province]), education_frame
