"""National-scale data for the benchmark: the demo's figures for every commune and indicator
(2021–2025) plus each commune's own 2026 and 2030 targets; the ×10 stress option adds years
2015–2020 and figures of all ~10,000 pre-2025 communes (2015–2024), which roll up through the
lineage.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from metrics.demo import build_demo
from metrics.demo.figures import DEMO_SEED
from metrics.store import query_frame, transaction
from metrics.store.schema import LEVEL_COLUMNS
from metrics.store.writes import BatchInfo, refresh_current, write_batch

COMMUNE_INDICATORS = (
    "gia_dinh",
    "dong_ho",
    "cong_dong_thon",
    "don_vi",
    "cong_dan_nguoi_lon",
    "cong_dan_can_bo",
    "ky_nang_so",
    "thanh_thao_so",
    "can_bo_khuyen_hoc",
)
SOURCE = "Dữ liệu minh họa quy mô toàn quốc (benchmark)"


def commune_targets(con: duckdb.DuckDBPyConnection, seed: int = DEMO_SEED) -> pl.DataFrame:
    rng = np.random.default_rng(seed + 7)
    ids = query_frame(con, "SELECT id FROM localities WHERE level = 'commune' ORDER BY id")[
        "id"
    ].to_list()
    rows = []
    for cid in ids:
        for ind in COMMUNE_INDICATORS:
            t2026 = float(np.round(rng.uniform(40, 85)))
            rows.append((cid, ind, 2026, t2026))
            rows.append((cid, ind, 2030, float(min(100.0, t2026 + np.round(rng.uniform(5, 20))))))
    frame = pl.DataFrame(
        rows, schema=["locality_id", "indicator", "target_year", "percent"], orient="row"
    )
    return frame.with_columns(
        pl.lit("Kế hoạch của UBND xã (minh họa)").alias("source"), pl.lit(True).alias("confirmed")
    )


def old_commune_history(con: duckdb.DuckDBPyConnection, seed: int = DEMO_SEED) -> pl.DataFrame:
    """Figures of every pre-2025 commune for 2015–2024 (the ×10 stress data)."""
    rng = np.random.default_rng(seed + 11)
    ids = query_frame(con, "SELECT id FROM localities WHERE level = 'old_commune' ORDER BY id")[
        "id"
    ].to_numpy()
    years = np.arange(2015, 2025)
    frames = []
    for ind in COMMUNE_INDICATORS:
        n = len(ids)
        total = np.round(rng.uniform(50, 4000, n)).astype(np.int64)
        start = rng.uniform(10, 60, n)
        slope = rng.uniform(-1, 4, n)
        rate = np.clip(start[:, None] + slope[:, None] * (years - 2015)[None, :], 0, 100)
        rec = np.minimum(np.round(total[:, None] * rate / 100).astype(np.int64), total[:, None])
        frames.append(
            pl.DataFrame(
                {
                    "locality_id": np.repeat(ids, len(years)),
                    "year": np.tile(years, n).astype(np.int32),
                    "indicator": ind,
                    "total": np.repeat(total, len(years)),
                    "registered": rec.reshape(-1),
                    "recognized": rec.reshape(-1),
                }
            )
        )
    out = pl.concat(frames)
    return out.with_columns([pl.lit(None, dtype=pl.Int64).alias(c) for c in LEVEL_COLUMNS])


def build_national(con: duckdb.DuckDBPyConnection, stress: bool = False) -> dict[str, int]:
    summary = build_demo(con)
    with transaction(con):
        targets = commune_targets(con)
        write_batch(
            con,
            BatchInfo(kind="demo", synthetic=True, created_by="bench", note=SOURCE),
            targets=targets,
            refresh=False,
        )
        extra = 0
        if stress:
            hist = old_commune_history(con).with_columns(
                pl.lit(False).alias("total_from_register"), pl.lit(SOURCE).alias("source")
            )
            write_batch(
                con,
                BatchInfo(kind="demo", synthetic=True, created_by="bench", note=SOURCE),
                observations=hist,
                refresh=False,
            )
            extra = hist.height
        refresh_current(con)
    return {"observations": summary.observations + extra, "targets": targets.height}
