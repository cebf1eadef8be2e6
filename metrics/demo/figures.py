"""The demo's synthetic figures, deterministic for a seed: every commune's for 2021–2025, the
old communes' learning communities before the reorganisation, and the provinces' own learning
units.

Stories: each commune gets one trajectory type, so every chart has something to show —
on track, too slow, stalled, falling back, already met. Communes of a few provinces miss a
year (LATE_PROVINCES); in all the others every commune reports, so a national ranking ranks
most provinces whole. metrics.demo writes these figures into the store, in a batch marked
synthetic.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import polars as pl

from metrics.queries import registers as rq
from metrics.store.schema import LEVEL_COLUMNS

DEMO_SEED = 20251
DEMO_YEARS = (2021, 2022, 2023, 2024, 2025)

# Starting rate in 2021 (%) for a typical commune, per indicator.
BASE_RATE = {
    "gia_dinh": 58.0,
    "dong_ho": 48.0,
    "cong_dong_thon": 50.0,
    "don_vi": 62.0,
    "cong_dan_nguoi_lon": 18.0,
    "cong_dan_can_bo": 38.0,
    "ky_nang_so": 40.0,
    "thanh_thao_so": 25.0,
    "can_bo_khuyen_hoc": 20.0,
}
# Where each rate is heading by 2025 for a commune "on track" (the national 2025 target).
GOAL_2025 = {
    "gia_dinh": 70.0,
    "dong_ho": 65.0,
    "cong_dong_thon": 65.0,
    "don_vi": 80.0,
    "cong_dan_nguoi_lon": 40.0,
    "cong_dan_can_bo": 60.0,
    "ky_nang_so": 70.0,
    "thanh_thao_so": 60.0,
    "can_bo_khuyen_hoc": 40.0,
}
# (name, share of communes, multiplier of the pace needed to reach the 2025 goal)
STORIES = (
    ("on_track", 0.34, (0.95, 1.25)),
    ("met", 0.12, (1.3, 1.8)),
    ("too_slow", 0.24, (0.6, 0.9)),
    ("stalled", 0.14, (0.0, 0.4)),
    ("falling", 0.10, (-0.6, -0.15)),
    ("erratic", 0.06, (0.3, 1.1)),
)
# Province where half the communes have not reported 2025 yet (completeness story: kept apart
# from rankings).
HALF_REPORTED_PROVINCE = "66"  # Đắk Lắk
# Provinces where a few communes report late (a year skipped, 2025 not in yet): partial
# figures that still rank (at least 90 % of the communes reported). Quảng Ngãi: 92/96 xã in 2025.
LATE_PROVINCES = ("51", "38", "79", HALF_REPORTED_PROVINCE)
# A commune learning community (Thông tư 25/2023, and Thông tư 44/2014 before it) is a commune
# of its year's register: before the reorganisation the old communes, from 2025 today's.
FIRST_NEW_YEAR = 2025


def generate_observations(communes: pl.DataFrame, seed: int = DEMO_SEED) -> pl.DataFrame:
    """Synthetic commune figures for DEMO_YEARS (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    n = communes.height
    unit_type = communes["unit_type"].to_numpy()
    is_ward = unit_type == "Phường"
    is_special = unit_type == "Đặc khu"
    area = np.clip(
        np.nan_to_num(communes["area_km2"].to_numpy().astype(float), nan=60.0), 1.0, None
    )

    # Magnitudes of a post-2025 commune: ~30,000 people on average, fewer in the mountains.
    households = np.where(
        is_ward, rng.lognormal(np.log(11000), 0.35, n), rng.lognormal(np.log(6800), 0.45, n)
    )
    households = np.where(is_special, rng.uniform(800, 4000, n), households)
    households = households * np.clip((area / 80.0) ** -0.08, 0.7, 1.3)
    households = np.round(np.clip(households, 600, 40000)).astype(np.int64)
    clans = np.round(np.clip(households / rng.uniform(35, 90, n), 8, 400)).astype(np.int64)
    villages = np.round(np.where(is_ward, rng.uniform(18, 70, n), rng.uniform(9, 45, n))).astype(
        np.int64
    )
    organisations = np.round(
        np.where(is_ward, rng.uniform(25, 110, n), rng.uniform(14, 60, n))
    ).astype(np.int64)
    adults = np.round(households * rng.uniform(1.9, 2.5, n)).astype(np.int64)
    staff = np.round(organisations * rng.uniform(9, 18, n)).astype(np.int64)
    cadres = np.round(rng.uniform(6, 35, n)).astype(np.int64)

    totals = {
        "gia_dinh": households,
        "dong_ho": clans,
        "cong_dong_thon": villages,
        "don_vi": organisations,
        "cong_dan_nguoi_lon": adults,
        "cong_dan_can_bo": staff,
        "can_bo_khuyen_hoc": cadres,
    }

    shares = np.array([s[1] for s in STORIES])
    story_idx = rng.choice(len(STORIES), size=n, p=shares / shares.sum())
    # A province-wide effect so provinces differ, and a commune effect shared by indicators.
    province_codes = communes["province_code"].to_numpy()
    uniq = {c: i for i, c in enumerate(sorted(set(province_codes)))}
    prov_idx = [uniq[c] for c in province_codes]
    prov_effect = rng.normal(0, 6, len(uniq))[prov_idx]
    # Provinces also differ in pace, so some are on track as a whole and others fall behind.
    prov_pace = rng.normal(1.0, 0.3, len(uniq))[prov_idx]
    commune_effect = rng.normal(0, 5, n)
    # Communes that skip one year (2022 or 2023), and those not yet reporting 2025.
    late = np.isin(province_codes, LATE_PROVINCES)
    skip_year = np.where((rng.random(n) < 0.05) & late, rng.choice([2022, 2023], n), 0)
    missing_2025 = (rng.random(n) < 0.03) & late
    missing_2025 |= (province_codes == HALF_REPORTED_PROVINCE) & (rng.random(n) < 0.5)

    frames: list[pl.DataFrame] = []
    rates_by_ind: dict[str, np.ndarray] = {}
    for ind, base in BASE_RATE.items():
        lo = np.array([STORIES[i][2][0] for i in story_idx])
        hi = np.array([STORIES[i][2][1] for i in story_idx])
        pace_mult = rng.uniform(lo, hi) * prov_pace
        start = np.clip(base + prov_effect + commune_effect + rng.normal(0, 7, n), 2, 92)
        needed = (GOAL_2025[ind] - start) / 4.0
        needed = np.where(needed < 1.0, 1.0, needed)  # communes above the goal still move up
        slope = needed * pace_mult
        years = np.array(DEMO_YEARS) - DEMO_YEARS[0]
        noise = rng.normal(0, 1.2, (n, len(DEMO_YEARS)))
        erratic = np.array([STORIES[i][0] == "erratic" for i in story_idx])
        noise[erratic] *= 5
        rate = start[:, None] + slope[:, None] * years[None, :] + noise
        rate = np.clip(rate, 0.5, 99.5)
        rates_by_ind[ind] = rate
    # Digital skills are shares of learning citizens, counted after the citizens themselves.
    for ind in ("ky_nang_so", "thanh_thao_so"):
        rates_by_ind[ind] = np.clip(rates_by_ind[ind], 0.5, 99.5)

    growth = 1.0 + 0.008 * (np.array(DEMO_YEARS) - DEMO_YEARS[0])  # populations grow a little
    recognized_citizens = np.zeros((n, len(DEMO_YEARS)), dtype=np.int64)
    for ind in (
        "gia_dinh",
        "dong_ho",
        "cong_dong_thon",
        "don_vi",
        "cong_dan_nguoi_lon",
        "cong_dan_can_bo",
        "can_bo_khuyen_hoc",
    ):
        grows = ind in ("gia_dinh", "cong_dan_nguoi_lon", "cong_dan_can_bo")
        total = np.round(
            totals[ind][:, None] * (growth[None, :] if grows else np.ones_like(growth)[None, :])
        ).astype(np.int64)
        recognized = np.minimum(np.round(total * rates_by_ind[ind] / 100.0).astype(np.int64), total)
        if ind in ("cong_dan_nguoi_lon", "cong_dan_can_bo"):
            recognized_citizens += recognized
        frames.append(_frame(communes, ind, total, recognized, rng))
    for ind in ("ky_nang_so", "thanh_thao_so"):
        total = np.maximum(recognized_citizens, 1)
        recognized = np.minimum(np.round(total * rates_by_ind[ind] / 100.0).astype(np.int64), total)
        frames.append(_frame(communes, ind, total, recognized, rng))
    # Commune learning community: 1 of 1 when recognised; today's communes from 2025 (the years
    # before are the old communes', old_commune_communities). The earlier years are still
    # drawn and thrown away, so that the random stream, and every other demo figure, stays the same.
    p_recognised = np.clip(0.25 + (prov_effect + commune_effect) / 40.0, 0.02, 0.9)
    first_year = np.where(
        rng.random(n) < p_recognised, rng.choice([2021, 2022, 2023, 2024, 2025], n), 9999
    )
    one = np.ones((n, len(DEMO_YEARS)), dtype=np.int64)
    recognised_xa = (np.array(DEMO_YEARS)[None, :] >= first_year[:, None]).astype(np.int64)
    communities = _frame(communes, "cong_dong_xa", one, recognised_xa, rng)
    frames.append(_assessed(communities.filter(pl.col("year") >= FIRST_NEW_YEAR), seed))

    obs = pl.concat(frames)
    skip = pl.DataFrame(
        {"locality_id": communes["id"], "skip_year": skip_year, "missing_2025": missing_2025}
    )
    obs = (
        obs.join(skip, on="locality_id")
        .filter(
            (pl.col("year") != pl.col("skip_year"))
            & ~((pl.col("year") == 2025) & pl.col("missing_2025"))
        )
        .drop("skip_year", "missing_2025")
    )
    return obs


def _frame(
    communes: pl.DataFrame,
    ind: str,
    total: np.ndarray,
    recognized: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    n, ny = total.shape
    # Registered: everyone recognised registered, plus some who registered and fell short.
    extra = np.round((total - recognized) * rng.uniform(0.05, 0.45, (n, ny))).astype(np.int64)
    registered = np.minimum(recognized + extra, total)
    levels: dict[str, np.ndarray | None] = {c: None for c in LEVEL_COLUMNS}
    years = np.broadcast_to(np.array(DEMO_YEARS), (n, ny))
    if ind == "don_vi":
        # Commune-level units carry no rating (the circulars rate provincial and former
        # district units: don_vi_cap_tinh). Ratings are still drawn here and thrown away, so
        # that the random stream, and with it every other demo figure, stays the same.
        for low, high in ((0.55, 0.85), (0.6, 0.95), (0.15, 0.4)):
            rng.uniform(low, high, (n, ny))
    if ind == "cong_dong_xa":
        md2 = ((rng.random((n, ny)) < 0.3) & (recognized > 0)).astype(np.int64)
        levels["level_muc_do_2"] = np.where(years >= 2024, md2, -1)
        levels["level_muc_do_1"] = np.where(years >= 2024, recognized - md2, -1)
    data: dict[str, object] = {
        "locality_id": np.repeat(communes["id"].to_numpy(), ny),
        "year": years.reshape(-1).astype(np.int32),
        "indicator": ind,
        "total": total.reshape(-1),
        "registered": registered.reshape(-1),
        "recognized": recognized.reshape(-1),
    }
    frame = pl.DataFrame(data)
    for col, arr in levels.items():
        if arr is None:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(col))
        else:
            frame = frame.with_columns(
                pl.Series(col, arr.reshape(-1)).cast(pl.Int64).replace(-1, None)
            )
    return frame


def _assessed(communities: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Commune communities as registered for assessment: every recognised one, and about 60 %
    of the others (assessed, not recognised; the rest did not apply). A draw of its own, so the
    other figures keep theirs."""
    rng = np.random.default_rng(seed + 3)
    applied = rng.random(communities.height) < 0.6
    return communities.with_columns(
        pl.max_horizontal(pl.col("recognized"), pl.Series(applied.astype(np.int64))).alias(
            "registered"
        )
    )


def old_commune_communities(
    old_communes: pl.DataFrame, seed: int = DEMO_SEED, real_districts: Iterable[str] = ()
) -> pl.DataFrame:
    """Learning communities of the old communes (`old_communes`: id, district_id, province_code)
    for the demo years before the reorganisation: 1 of 1 when recognised, once recognised
    staying so; Mức độ 1 or 2 from 2024 (Thông tư 25/2023).

    Nothing is invented inside `real_districts`, the old districts a real report speaks for
    (huyện Ia H'Drai, huyện Ba Tơ): their figures stay the report's alone."""
    rng = np.random.default_rng(seed + 2)
    old_communes = old_communes.filter(~pl.col("district_id").is_in(list(real_districts)))
    n = old_communes.height
    years = np.array([y for y in DEMO_YEARS if y < FIRST_NEW_YEAR])
    codes = old_communes["province_code"].to_numpy()
    uniq = {c: i for i, c in enumerate(sorted(set(codes)))}
    effect = rng.normal(0, 6, len(uniq))[[uniq[c] for c in codes]] + rng.normal(0, 5, n)
    p_recognised = np.clip(0.22 + effect / 40.0, 0.02, 0.9)
    first_year = np.where(rng.random(n) < p_recognised, rng.choice(years, n), 9999)
    recognized = (years[None, :] >= first_year[:, None]).astype(np.int64)
    registered = np.maximum(recognized, (rng.random((n, len(years))) < 0.6).astype(np.int64))
    md2 = ((rng.random((n, len(years))) < 0.3) & (recognized > 0)).astype(np.int64)
    rated = np.broadcast_to(years >= 2024, (n, len(years)))
    frame = pl.DataFrame(
        {
            "locality_id": np.repeat(old_communes["id"].to_numpy(), len(years)),
            "year": np.tile(years, n).astype(np.int32),
            "indicator": "cong_dong_xa",
            "total": np.ones(n * len(years), dtype=np.int64),
            "registered": registered.reshape(-1),
            "recognized": recognized.reshape(-1),
        }
    )
    levels = {c: pl.lit(None, dtype=pl.Int64).alias(c) for c in LEVEL_COLUMNS}
    levels["level_muc_do_2"] = (
        pl.when(pl.Series(rated.reshape(-1)))
        .then(pl.Series(md2.reshape(-1)))
        .alias("level_muc_do_2")
    )
    levels["level_muc_do_1"] = (
        pl.when(pl.Series(rated.reshape(-1)))
        .then(pl.Series((recognized - md2).reshape(-1)))
        .alias("level_muc_do_1")
    )
    return frame.with_columns(list(levels.values()))


def generate_province_units(con: duckdb.DuckDBPyConnection, seed: int = DEMO_SEED) -> pl.DataFrame:
    """Provincial learning units (don_vi_cap_tinh), reported by each province — except tỉnh Quảng
    Ngãi, whose figures in the demo are the real ones of its old districts (seed reports)."""
    rng = np.random.default_rng(seed + 1)
    provinces = [pid for code, pid in rq.province_ids_by_code(con).items() if code != "51"]
    rows = []
    for pid in provinces:
        total = int(rng.uniform(60, 220))
        rate = rng.uniform(45, 75)
        pace = rng.uniform(-2, 7)
        for year in DEMO_YEARS:
            r = float(np.clip(rate + pace * (year - 2021) + rng.normal(0, 2), 5, 100))
            rec = min(total, round(total * r / 100))
            reg = min(total, rec + int(rng.uniform(0, 8)))
            old = year <= 2023
            tot = round(rec * 0.7) if old else None
            kha = (rec - tot) if old and tot is not None else None
            md2 = None if old else round(rec * 0.3)
            md1 = None if old or md2 is None else rec - md2
            rows.append(
                {
                    "locality_id": pid,
                    "year": year,
                    "indicator": "don_vi_cap_tinh",
                    "total": total,
                    "registered": reg,
                    "recognized": rec,
                    "level_tot": tot,
                    "level_kha": kha,
                    "level_trung_binh": 0 if old else None,
                    "level_muc_do_1": md1,
                    "level_muc_do_2": md2,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "locality_id": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "total": pl.Int64,
            "registered": pl.Int64,
            "recognized": pl.Int64,
            **{c: pl.Int64 for c in LEVEL_COLUMNS},
        },
    )
