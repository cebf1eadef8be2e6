"""`xhht progress` (metrics/cli_progress.py) run as a user runs it, on the demo store."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.cli.progress import with_labels
from metrics.locality_progress import progress_for

ROOT = Path(__file__).resolve().parents[1]

DOCUMENTED_KEYS = [
    "locality_code",
    "locality_name",
    "indicator",
    "year",
    "total",
    "registered",
    "recognized",
    "rate_pct",
    "rate_registered_pct",
    "target_pct",
    "target_year",
    "target_source",
    "target_2030_pct",
    "status",
    "projected_pct",
    "required_pp_per_year",
    "reporting_communes",
    "communes_in_area",
    "reporting_units",
    "units_in_area",
    "unit_level",
]


def xhht(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metrics.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture(scope="module")
def quang_ngai_2025(demo_db: Path) -> list[dict]:
    res = xhht(
        "progress", "--db", str(demo_db), "--locality", "Quảng Ngãi", "--year", "2025", "--json"
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_json_is_one_object_per_indicator(quang_ngai_2025):
    assert isinstance(quang_ngai_2025, list)
    assert len(quang_ngai_2025) == 11
    assert [o["indicator"] for o in quang_ngai_2025][:2] == ["gia_dinh", "dong_ho"]
    assert len({o["indicator"] for o in quang_ngai_2025}) == 11
    for o in quang_ngai_2025:
        assert set(DOCUMENTED_KEYS) <= set(o)
        # The documented keys come first, in the documented order.
        assert list(o)[: len(DOCUMENTED_KEYS)] == DOCUMENTED_KEYS
        assert (o["locality_code"], o["locality_name"], o["year"]) == (
            "51",
            "Tỉnh Quảng Ngãi",
            2025,
        )


def test_json_values_equal_the_report(quang_ngai_2025, demo_con):
    expected = [
        json.loads(json.dumps(with_labels(it.public()), ensure_ascii=False))
        for it in progress_for(demo_con, "P51", 2025)
    ]
    assert quang_ngai_2025 == expected
    gia_dinh = quang_ngai_2025[0]
    assert gia_dinh["indicator"] == "gia_dinh"
    assert gia_dinh["recognized"] * 100 / gia_dinh["total"] == pytest.approx(gia_dinh["rate_pct"])
    assert (gia_dinh["target_pct"], gia_dinh["target_year"]) == (70.0, 2025)
    # Who set the target: a code, its words beside it (README, `xhht progress --json`).
    assert (gia_dinh["target_scope"], gia_dinh["target_scope_label"]) == ("country", "quốc gia")
    keys = list(gia_dinh)
    assert keys[keys.index("target_scope") + 1] == "target_scope_label"
    assert gia_dinh["communes_in_area"] == 96
    assert 0 < gia_dinh["reporting_communes"] <= 96


def test_readable_table(demo_db):
    res = xhht("progress", "--db", str(demo_db), "--locality", "Quảng Ngãi", "--year", "2025")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.splitlines()[0] == "Tỉnh Quảng Ngãi — 51 — năm 2025"
    assert "Gia đình học tập" in out
    assert "Dữ liệu minh họa" in out
    # Percentages the Vietnamese way: a comma for decimals ("65,2%").
    assert re.search(r"\d+,\d%", out)
    assert not re.search(r"\d+\.\d%", out)
    assert "mục tiêu cấp quốc gia" in out


def test_one_indicator_by_name(demo_db, demo_con):
    res = xhht(
        "progress",
        "--db",
        str(demo_db),
        "--locality",
        "23368",
        "--year",
        "2026",
        "--indicator",
        "gia_dinh",
        "--json",
    )
    assert res.returncode == 0, res.stderr
    [obj] = json.loads(res.stdout)
    # Xã Đăk Long's own plan: 50% in 2026, 85% in 2030.
    assert (
        obj["locality_name"],
        obj["target_pct"],
        obj["target_year"],
        obj["target_2030_pct"],
    ) == (
        "Xã Đăk Long",
        50.0,
        2026,
        85.0,
    )
    assert (obj["target_scope"], obj["target_scope_label"]) == ("commune", "xã")
    [it] = progress_for(demo_con, "X23368", 2026, ["gia_dinh"])
    assert obj == json.loads(json.dumps(with_labels(it.public()), ensure_ascii=False))


def test_ambiguous_locality_exits_1_with_the_candidates(demo_db):
    res = xhht("progress", "--db", str(demo_db), "--locality", "Đăk Long cũ", "--year", "2023")
    assert res.returncode == 1
    assert res.stdout == ""
    assert "khớp với 2 địa bàn" in res.stderr
    # What a user reads: names, parents, "(cũ)" and codes; no store ids, no level codes.
    assert "  - Xã Đăk Long (cũ), huyện Đắk Glei, tỉnh Kon Tum (cũ) — 23368" in res.stderr
    assert "  - Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504" in res.stderr
    assert "OX23368" not in res.stderr and "old_commune" not in res.stderr


def test_unknown_indicator_exits_1(demo_db):
    res = xhht(
        "progress",
        "--db",
        str(demo_db),
        "--locality",
        "Quảng Ngãi",
        "--year",
        "2025",
        "--indicator",
        "khong_co",
    )
    assert res.returncode == 1
    assert "Không có chỉ tiêu “khong_co”" in res.stderr
    assert "gia_dinh" in res.stderr


def test_missing_year_exits_2(demo_db):
    res = xhht("progress", "--db", str(demo_db), "--locality", "Quảng Ngãi")
    assert res.returncode == 2
    assert "--year" in res.stderr


def test_a_province_summed_from_one_old_district_says_so(demo_db):
    # Demo store: tỉnh Quảng Ngãi's "Đơn vị học tập cấp tỉnh, cấp huyện (cũ)" for 2023 is
    # huyện Ia H'Drai's 23/23 alone, one of the province's 23 old districts.
    args = ["progress", "--db", str(demo_db), "--locality", "Quảng Ngãi", "--year", "2023"]
    res = xhht(*args, "--indicator", "don_vi_cap_tinh", "--json")
    assert res.returncode == 0, res.stderr
    [obj] = json.loads(res.stdout)
    assert (obj["recognized"], obj["total"], obj["rate_pct"]) == (23, 23, 100.0)
    assert (obj["reporting_units"], obj["units_in_area"], obj["unit_level"]) == (
        1,
        23,
        "old_district",
    )
    assert obj["complete"] is False
    assert (obj["reporting_communes"], obj["communes_in_area"]) == (None, 96)
    res = xhht(*args, "--indicator", "don_vi_cap_tinh")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[-1].strip() == "chưa đủ: 1/23 huyện cũ báo cáo"
    # Commune figures say the same in their own units.
    [gia_dinh] = json.loads(xhht(*args, "--indicator", "gia_dinh", "--json").stdout)
    assert gia_dinh["unit_level"] == "commune"
    assert (gia_dinh["reporting_units"], gia_dinh["units_in_area"]) == (
        gia_dinh["reporting_communes"],
        gia_dinh["communes_in_area"],
    )
