"""Lists of recognised units for the demo store: the seed report's real list (read through the
import's own checks) and synthetic lists for the communes of one province, consistent with the
demo's counts (as many units recognised as the figures say)."""

from __future__ import annotations

import random
from datetime import date

import duckdb
import polars as pl

from metrics.circulars import NOT_PASSED, PASSED, circular_for, valid_until
from metrics.inputs.checking import check_sheet
from metrics.inputs.forms import RECOGNITIONS
from metrics.name_parts import lower_type
from metrics.resolve import LocalityIndex
from metrics.text import key

# The province whose communes get demo lists (Quảng Ngãi, where the seed reports come from),
# and how many of its communes list their villages and units.
DEMO_LIST_PROVINCE = "P51"
DEMO_LIST_COMMUNES = 6
_RECORD_COLUMNS = [c for c in RECOGNITIONS.frame_schema if not c.startswith("_")]


def seed_lists(con: duckdb.DuckDBPyConnection, index: LocalityIndex, seed: dict) -> pl.DataFrame:
    """The seed reports' lists as the store's rows, each checked like an imported sheet: its
    heading rows, then "STT, Tên đơn vị, Xếp loại, Nguồn"."""
    frames = []
    for n, item in enumerate(seed.get("recognition_list", []), 1):
        rows: list[list[object]] = [[line] for line in item["heading"]]
        rows.append(["STT", "Tên đơn vị", "Xếp loại", "Nguồn"])
        rows += [
            [i, name, item["result"], item["source"]] for i, name in enumerate(item["units"], 1)
        ]
        checked = check_sheet(con, index, f"danh sách {n}", rows)
        if checked.problems:
            raise ValueError(f"seed list {n}: {'; '.join(map(str, checked.problems))}")
        frames.append(checked.frame)
    return _numbered(frames)


def _numbered(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The lists' rows one after another, each with its place in the batch as `_row`."""
    if not frames:
        return pl.DataFrame(schema=RECOGNITIONS.frame_schema)
    frame = pl.concat(frames, how="vertical")
    return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"))


_DON_VI_NAMES = (
    "UBND {xa}",
    "Trường Mầm non {xa}",
    "Trường Tiểu học {xa}",
    "Trường THCS {xa}",
    "Trạm Y tế {xa}",
    "Công an {xa}",
    "Hợp tác xã nông nghiệp {xa}",
    "Bưu điện văn hóa {xa}",
    "Trung tâm Học tập cộng đồng {xa}",
)


def _entry(place: str, year: int, title: str, name: str, result: str, decision: tuple) -> dict:
    number, decided, issuer = decision
    circular = circular_for(title, year)
    assert circular is not None
    return {
        "locality_id": place,
        "year": year,
        "indicator": title,
        "name": name,
        "name_key": key(name),
        "kind": "",
        "result": result,
        "circular": circular.id,
        "decision_number": number,
        "decision_date": decided,
        "issuer": issuer,
        "criteria_met": None,
        "criteria_failed": None,
        "valid_until": valid_until(circular, year, result, decided),
        "source": None,
    }


def demo_lists(observations: pl.DataFrame, communes: pl.DataFrame, seed: int) -> pl.DataFrame:
    """`communes`: the communes of DEMO_LIST_PROVINCE (id, name)."""
    """Synthetic lists for the communes of DEMO_LIST_PROVINCE: every commune's assessment as a
    learning community (2024, 2025: Mức độ 1/2 with the 5 criteria met where the figures say
    recognised, else Không đạt with the criteria missed), and for a few communes their
    recognised villages and units of 2025, as many as the figures count."""
    from metrics.recognitions import unit_kind

    rng = random.Random(seed + 15)
    names = dict(communes.select("id", "name").iter_rows())
    in_province = set(communes["id"])
    rows: list[dict] = []
    figures = observations.filter(pl.col("locality_id").is_in(list(in_province)))
    issuer = "UBND tỉnh Quảng Ngãi"
    for year, decided in ((2024, date(2024, 12, 20)), (2025, date(2025, 12, 15))):
        decision = (f"{rng.randint(1200, 1900)}/QĐ-UBND", decided, issuer)
        communities = figures.filter(
            (pl.col("year") == year) & (pl.col("indicator") == "cong_dong_xa")
        ).sort("locality_id")
        for place, recognized in communities.select("locality_id", "recognized").iter_rows():
            if recognized:
                level = "muc_do_2" if rng.random() < 0.3 else "muc_do_1"
                entry = _entry(place, year, "cong_dong_xa", names[place], level, decision)
                entry["criteria_met"] = "1,2,3,4,5"
            elif rng.random() < 0.6:  # assessed and not recognised (the others did not apply)
                missed = sorted(rng.sample([1, 2, 3, 3, 4, 5, 5, 5], rng.choice([1, 1, 2])))
                missed = sorted(set(missed))
                entry = _entry(place, year, "cong_dong_xa", names[place], NOT_PASSED, decision)
                entry["criteria_failed"] = ",".join(map(str, missed))
                entry["criteria_met"] = ",".join(str(n) for n in range(1, 6) if n not in missed)
            else:
                continue
            entry["kind"] = unit_kind("cong_dong_xa", names[place])
            rows.append(entry)
    listed = sorted(in_province)[:: max(1, len(in_province) // DEMO_LIST_COMMUNES)]
    for place in listed[:DEMO_LIST_COMMUNES]:
        xa = names[place]
        # "UBND xã An Phú": the type word in lower case inside a sentence, as documents write it.
        decision = (f"{rng.randint(20, 300)}/QĐ-UBND", date(2025, 12, 10), f"UBND {lower_type(xa)}")
        for title in ("cong_dong_thon", "don_vi"):
            found = figures.filter(
                (pl.col("locality_id") == place)
                & (pl.col("year") == 2025)
                & (pl.col("indicator") == title)
            )
            if not found.height or not found["recognized"][0]:
                continue
            recognized = int(found["recognized"][0])
            village = "Tổ dân phố" if xa.startswith("Phường") else "Thôn"
            for i in range(1, recognized + 1):
                if title == "cong_dong_thon":
                    name = f"{village} {i}"
                elif i <= len(_DON_VI_NAMES):
                    name = _DON_VI_NAMES[i - 1].format(xa=xa)
                else:
                    name = f"Cơ quan, đơn vị số {i} ({xa})"
                entry = _entry(place, 2025, title, name, PASSED, decision)
                entry["kind"] = unit_kind(title, name)
                rows.append(entry)
    frame = pl.DataFrame(rows, schema={c: RECOGNITIONS.frame_schema[c] for c in _RECORD_COLUMNS})
    return frame.with_columns(
        pl.lit(None, dtype=pl.String).alias("_locality"),
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"),
    )
