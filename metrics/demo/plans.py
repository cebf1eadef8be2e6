"""Plan commitments that are not rates in the demo store: xã Đăk Long's real ones from its
report (data/seed_figures.toml, [[plan_item]]) and invented ones for the demo province and a
few of its communes, written as the demo's (synthetic, "minh họa" in their plan's name)."""

from __future__ import annotations

import polars as pl

from metrics.inputs.forms import PLAN_ITEM_SCHEMA
from metrics.name_lookup import LocalityIndex
from metrics.normalise import key

DEMO_PLAN = "Kế hoạch thực hiện giai đoạn 2026–2030 (minh họa, không phải văn bản thật)"
# (section, item, target %, target year, later figure %, its year): invented examples.
DEMO_PROVINCE_ITEMS = (
    (
        "Mục tiêu cụ thể",
        "100% xã, phường duy trì hoạt động hiệu quả Trung tâm học tập cộng đồng",
        100.0,
        2030,
        96.5,
        2025,
    ),
    (
        "Mục tiêu cụ thể",
        "100% cán bộ, hội viên Hội Khuyến học các cấp được quán triệt các tiêu chí đánh giá "
        "“Công dân học tập”",
        100.0,
        2030,
        None,
        None,
    ),
    (
        "Nhiệm vụ, giải pháp",
        "Tổ chức Tuần lễ hưởng ứng học tập suốt đời hằng năm",
        None,
        None,
        None,
        None,
    ),
)
DEMO_COMMUNE_ITEMS = (
    ("Mục tiêu cụ thể", "100% thôn duy trì hoạt động “Cộng đồng học tập”", 100.0, 2030),
    ("Nhiệm vụ, giải pháp", "Mỗi thôn có ít nhất một tủ sách cộng đồng", 100.0, 2027),
)
DEMO_COMMUNES = 3


def _row(n: int, place: str, source: str, section: str, item: str, **rest: object) -> dict:
    return {
        "locality_id": place,
        "source": source,
        "section": section,
        "item_text": item,
        "item_key": key(item),
        "target_pct": rest.get("target_pct"),
        "target_year": rest.get("target_year"),
        "indicator": rest.get("indicator"),
        "achieved_pct": rest.get("achieved_pct"),
        "achieved_year": rest.get("achieved_year"),
        "achieved_source": rest.get("achieved_source"),
        "_row": n,
    }


def seed_plan_items(index: LocalityIndex, seed: dict) -> pl.DataFrame:
    """The seed reports' plan items (real, not synthetic)."""
    rows = []
    for n, item in enumerate(seed.get("plan_item", []), 1):
        found = index.resolve(item["locality"], year=2025)
        if not found.ok or found.locality is None:
            raise ValueError(f"seed plan item {n}: {found.message}")
        rest = {k: item.get(k) for k in ("target_pct", "target_year", "indicator")}
        rest |= {k: item.get(k) for k in ("achieved_pct", "achieved_year", "achieved_source")}
        rows.append(
            _row(n, found.locality.id, item["source"], item["section"], item["item"], **rest)
        )
    return pl.DataFrame(rows, schema=PLAN_ITEM_SCHEMA)


def demo_plan_items(province_id: str, commune_ids: list[str], skip: set[str]) -> pl.DataFrame:
    """Invented items for a province and its first few communes (those a real report speaks
    for, `skip`, left out); the later figures are as invented as the rest."""
    rows: list[dict] = []
    for section, item, pct, year, achieved, achieved_year in DEMO_PROVINCE_ITEMS:
        rows.append(
            _row(
                len(rows) + 1,
                province_id,
                DEMO_PLAN,
                section,
                item,
                target_pct=pct,
                target_year=year,
                achieved_pct=achieved,
                achieved_year=achieved_year,
                achieved_source="Báo cáo kết quả năm 2025 (minh họa)" if achieved else None,
            )
        )
    for commune in [c for c in commune_ids if c not in skip][:DEMO_COMMUNES]:
        for section, item, pct, year in DEMO_COMMUNE_ITEMS:
            rows.append(
                _row(
                    len(rows) + 1,
                    commune,
                    DEMO_PLAN,
                    section,
                    item,
                    target_pct=pct,
                    target_year=year,
                )
            )
    return pl.DataFrame(rows, schema=PLAN_ITEM_SCHEMA)
