"""The embedded demo store: the registers, the national targets, synthetic figures for every
commune (metrics.demo.figures) and the seed reports' real figures, each in its own batch.

Everything generated sits in a batch marked `synthetic`, so pages and exports can say
"Dữ liệu minh họa". The real figures of the seed reports and the real national and commune
targets go into batches that are not synthetic (data/seed_figures.toml, data/indicators.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from metrics.config import DATA_DIR
from metrics.demo.context import CONTEXT_PROVINCE, demo_contexts
from metrics.demo.figures import (
    DEMO_SEED,
    generate_observations,
    generate_province_units,
    old_commune_communities,
)
from metrics.demo.lists import DEMO_LIST_PROVINCE, demo_lists, seed_lists
from metrics.demo.plans import demo_plan_items, seed_plan_items
from metrics.indicators import registry
from metrics.name_lookup import LocalityIndex
from metrics.queries import registers as rq
from metrics.registers import load_registers
from metrics.store import transaction
from metrics.store.schema import (
    CONTEXT_COUNTS,
    COUNTRY_ID,
    EDUCATION_FIELDS,
    LEVEL_COLUMNS,
    create_schema,
)
from metrics.store.writes import BatchInfo, refresh_current, write_batch
from metrics.texts import text

# The source line of every invented figure: the catalogue's sentence (Hồ sơ says it in the
# reader's language). Readers know these figures by their batch's `synthetic` flag.
DEMO_SOURCE = text("sources_demo", "vi")

# A few provinces set their own targets (synthetic, labelled as such).
DEMO_PROVINCE_TARGETS = {
    "01": {"gia_dinh": (80, 88), "cong_dan_nguoi_lon": (50, 65), "ky_nang_so": (80, 95)},
    "79": {"gia_dinh": (75, 85), "don_vi": (85, 95), "thanh_thao_so": (65, 85)},
    "51": {"gia_dinh": (72, 82), "dong_ho": (67, 76), "cong_dong_thon": (67, 78)},
}


@dataclass(frozen=True)
class DemoSummary:
    communes: int
    observations: int
    targets: int
    seed_observations: int


def _with_source(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(False).alias("total_from_register"),
        pl.lit(source).alias("source"),
    )


def national_targets() -> pl.DataFrame:
    rows = [
        {
            "locality_id": COUNTRY_ID,
            "indicator": ind.id,
            "target_year": t.year,
            "percent": float(t.percent),
            "source": t.source,
            "confirmed": t.confirmed,
        }
        for ind in registry().indicator
        for t in ind.national_target
    ]
    return pl.DataFrame(rows)


def read_seed(path: Path | None = None) -> dict:
    with open(path or DATA_DIR / "seed_figures.toml", "rb") as fh:
        return tomllib.load(fh)


def seed_observations(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, seed: dict
) -> pl.DataFrame:
    """The seed reports' real figures as the store's rows (not yet written)."""
    obs_rows = []
    for item in seed["observation"]:
        res = index.resolve(item["locality"], year=item["year"])
        if not res.ok or res.locality is None:
            raise ValueError(f"seed locality {item['locality']!r}: {res.message}")
        total = item.get("total")
        from_register = bool(item.get("total_from_register", False))
        if total is None and from_register:
            # The number of communes in the district is what the register knows.
            total = rq.communes_in_area(con, "old_district", res.locality.id)
        obs_rows.append(
            {
                "locality_id": res.locality.id,
                "year": item["year"],
                "indicator": item["indicator"],
                "total": total,
                "registered": item.get("registered"),
                "recognized": item.get("recognized"),
                **{c: item.get(c) for c in LEVEL_COLUMNS},
                "total_from_register": from_register,
                "source": item["source"],
            }
        )
    return pl.DataFrame(
        obs_rows,
        schema_overrides={
            c: pl.Int64 for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)
        },
    )


def _seed_place(index: LocalityIndex, item: dict) -> str:
    res = index.resolve(item["locality"], year=item["year"])
    if not res.ok or res.locality is None:
        raise ValueError(f"seed locality {item['locality']!r}: {res.message}")
    return res.locality.id


def seed_contexts(index: LocalityIndex, seed: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The seed reports' real contexts and universal-education levels as the store's rows."""
    contexts = [
        {
            "locality_id": _seed_place(index, item),
            "year": item["year"],
            **{c: item.get(c) for c in CONTEXT_COUNTS},
            "as_of": item.get("as_of"),
            "source": item["source"],
        }
        for item in seed.get("context", [])
    ]
    levels = [
        {
            "locality_id": _seed_place(index, item),
            "year": item["year"],
            **{f: item.get(f) for f in EDUCATION_FIELDS},
            "as_of": item.get("as_of"),
            "source": item["source"],
        }
        for item in seed.get("education", [])
    ]
    return (
        pl.DataFrame(
            contexts,
            schema_overrides={"year": pl.Int32, **{c: pl.Int64 for c in CONTEXT_COUNTS}},
        ),
        pl.DataFrame(
            levels, schema_overrides={"year": pl.Int32, **{f: pl.String for f in EDUCATION_FIELDS}}
        ),
    )


def load_seed_figures(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, path: Path | None = None
) -> tuple[int, int]:
    """Insert the seed reports' real figures and targets (not synthetic). Returns (obs, targets)."""
    seed = read_seed(path)
    obs = seed_observations(con, index, seed)
    tgt = seed["targets"]
    res = index.resolve(tgt["locality"], year=2025)
    if not res.ok or res.locality is None:
        raise ValueError(f"seed locality {tgt['locality']!r}: {res.message}")
    target_rows = [
        {
            "locality_id": res.locality.id,
            "indicator": ind,
            "target_year": year,
            "percent": float(pct),
            "source": tgt["source"],
            "confirmed": True,
        }
        for ind, pair in tgt["values"].items()
        for year, pct in zip((2026, 2030), pair, strict=True)
    ]
    contexts, education = seed_contexts(index, seed)
    write_batch(
        con,
        BatchInfo(
            kind="seed",
            synthetic=False,
            created_by="xhht demo",
            file_name="data/seed_figures.toml",
            note="Số liệu thật từ các báo cáo mẫu",
        ),
        observations=obs,
        targets=pl.DataFrame(target_rows),
        recognitions=seed_lists(con, index, seed),
        contexts=contexts,
        education=education,
        plan_items=seed_plan_items(index, seed),
        refresh=False,
    )
    return obs.height, len(target_rows)


def init_store(con: duckdb.DuckDBPyConnection) -> None:
    """An empty store: schema, registers, indicators and the national targets."""
    with transaction(con):
        create_schema(con)
        load_registers(con)
        write_batch(
            con,
            BatchInfo(
                kind="registers",
                synthetic=False,
                created_by="xhht init",
                file_name="data/indicators.toml",
                note="Chỉ tiêu quốc gia (QĐ 387/QĐ-TTg, QĐ 677/QĐ-TTg)",
            ),
            targets=national_targets(),
        )


def build_demo(con: duckdb.DuckDBPyConnection, seed: int = DEMO_SEED) -> DemoSummary:
    init_store(con)
    index = LocalityIndex.from_store(con)
    communes = rq.commune_register(con)
    # The old districts a real report speaks for: the demo invents nothing inside them.
    real = seed_observations(con, index, read_seed())
    real_districts = {
        place
        for place in real["locality_id"]
        if (rq.locality(con, place) or {}).get("level") == "old_district"
    }
    with transaction(con):
        obs = pl.concat(
            [
                generate_observations(communes, seed),
                old_commune_communities(rq.old_commune_register(con), seed, real_districts),
                generate_province_units(con, seed),
            ],
            how="vertical_relaxed",
        )
        code_to_id = rq.province_ids_by_code(con)
        prov_targets = [
            {
                "locality_id": code_to_id[code],
                "indicator": ind,
                "target_year": year,
                "percent": float(pct),
                "source": "Kế hoạch của UBND tỉnh (minh họa)",
                "confirmed": True,
            }
            for code, inds in DEMO_PROVINCE_TARGETS.items()
            for ind, pair in inds.items()
            for year, pct in zip((2026, 2030), pair, strict=True)
        ]
        contexts, education = demo_contexts(obs, rq.communes_of(con, CONTEXT_PROVINCE), seed)
        write_batch(
            con,
            BatchInfo(kind="demo", synthetic=True, created_by="xhht demo", note=DEMO_SOURCE),
            observations=_with_source(obs, DEMO_SOURCE),
            targets=pl.DataFrame(prov_targets),
            recognitions=demo_lists(
                obs,
                rq.communes_of(con, DEMO_LIST_PROVINCE),
                rq.old_commune_register(con, DEMO_LIST_PROVINCE),
                seed,
            ).with_columns(pl.lit(DEMO_SOURCE).alias("source")),
            contexts=contexts.with_columns(pl.lit(DEMO_SOURCE).alias("source")),
            education=education.with_columns(pl.lit(DEMO_SOURCE).alias("source")),
            plan_items=demo_plan_items(
                DEMO_LIST_PROVINCE,
                sorted(rq.communes_of(con, DEMO_LIST_PROVINCE)["id"]),
                {
                    found.locality.id
                    for item in read_seed().get("plan_item", [])
                    if (found := index.resolve(item["locality"], year=2025)).locality
                },
            ),
            refresh=False,
        )
        n_seed_obs, n_seed_targets = load_seed_figures(con, index)
        refresh_current(con)
    return DemoSummary(
        communes=communes.height,
        observations=obs.height,
        targets=len(prov_targets) + n_seed_targets,
        seed_observations=n_seed_obs,
    )
