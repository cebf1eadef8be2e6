"""Lists of recognised units for the demo store: the seed report's real list (read through the
import's own checks) and synthetic lists for the communes of one province that follow the demo's
figures exactly: for each place, title and year as many units recognised as the figure says, at
each level as many as it says, and Không đạt for the others that registered.

A list names the units of its decision's day: decisions on the results of 2024 (signed before
1/7/2025) name the old communes and come from their old district's UBND; those on 2025 name
today's communes. Units are named as the reports write them ("Thôn 3", "Trường Tiểu học
Nguyễn Du", "Trạm Y tế xã Đăk Long")."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import polars as pl

from metrics.circulars import NOT_PASSED, PASSED, circular_for, valid_until
from metrics.inputs.checking import check_sheet
from metrics.inputs.forms import RECOGNITIONS
from metrics.name_lookup import LocalityIndex
from metrics.name_parts import lower_type
from metrics.normalise import key
from metrics.recognitions import unit_kind
from metrics.store.schema import LEVEL_COLUMNS

# The province whose communes get demo lists (Quảng Ngãi, where the seed reports come from),
# and how many of its communes list their villages and units.
DEMO_LIST_PROVINCE = "P51"
DEMO_LIST_COMMUNES = 6
COMMUNITY_YEARS = (2024, 2025)  # Thông tư 25/2023's first years: each commune assessed
UNIT_LIST_YEAR = 2025  # the year whose villages and units the listed communes name
_RECORD_COLUMNS = [c for c in RECOGNITIONS.frame_schema if not c.startswith("_")]


def seed_lists(con: duckdb.DuckDBPyConnection, index: LocalityIndex, seed: dict) -> pl.DataFrame:
    """The seed reports' lists as the store's rows, each checked like an imported sheet: its
    heading rows, then "STT, Tên đơn vị, Xếp loại, Nguồn"."""
    frames = []
    for n, item in enumerate(seed.get("recognition_list", []), 1):
        rows: list[list[object]] = [[line] for line in item["heading"]]
        # The way to the decision, where the report gives it: the level each unit claimed and
        # the tờ trình that proposed them all.
        steps = {
            header: item[field]
            for header, field in (
                ("Tự đánh giá", "self_assessed"),
                ("Số tờ trình", "proposal_number"),
                ("Ngày tờ trình", "proposal_date"),
                ("Cơ quan trình", "proposal_issuer"),
            )
            if field in item
        }
        rows.append(["STT", "Tên đơn vị", "Xếp loại", "Nguồn", *steps])
        rows += [
            [i, name, item["result"], item["source"], *steps.values()]
            for i, name in enumerate(item["units"], 1)
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


# A commune's own bodies, as its decisions list them ({xa}: "xã Đăk Long").
_BODIES = (
    "Văn phòng HĐND và UBND {xa}",
    "Phòng Kinh tế {xa}",
    "Phòng Văn hóa - Xã hội {xa}",
    "Trung tâm Phục vụ hành chính công {xa}",
    "Công an {xa}",
    "Ban Chỉ huy Quân sự {xa}",
    "Trạm Y tế {xa}",
    "Ủy ban MTTQ Việt Nam {xa}",
    "Hội Liên hiệp Phụ nữ {xa}",
    "Hội Nông dân {xa}",
    "Hội Cựu chiến binh {xa}",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh {xa}",
    "Hội Khuyến học {xa}",
    "Trung tâm Học tập cộng đồng {xa}",
    "Bưu điện văn hóa {xa}",
    "Hợp tác xã nông nghiệp {ten}",
    "Quỹ tín dụng nhân dân {ten}",
)
# Schools are named after people and, kindergartens, after flowers and birds.
_PEOPLE = (
    "Nguyễn Du",
    "Lê Lợi",
    "Trần Phú",
    "Kim Đồng",
    "Võ Thị Sáu",
    "Lý Tự Trọng",
    "Nguyễn Trãi",
    "Lê Quý Đôn",
    "Chu Văn An",
    "Trần Quốc Toản",
    "Phan Bội Châu",
    "Nguyễn Văn Trỗi",
    "Hùng Vương",
    "Quang Trung",
    "Ngô Quyền",
    "Phạm Văn Đồng",
    "Huỳnh Thúc Kháng",
    "Bế Văn Đàn",
    "Phan Chu Trinh",
    "Lê Hồng Phong",
    "Nguyễn Thị Minh Khai",
    "Đinh Tiên Hoàng",
)
_FLOWERS = (
    "Hoa Mai",
    "Hoa Sen",
    "Sơn Ca",
    "Họa Mi",
    "Măng Non",
    "Tuổi Thơ",
    "Vành Khuyên",
    "Bình Minh",
    "Hướng Dương",
    "Hoa Phượng",
    "Sao Mai",
    "Hoa Hồng",
)
_SCHOOLS = (("Trường Mầm non", 3), ("Trường Tiểu học", 3), ("Trường THCS", 2))
# Branches in each village or residential group, past the commune's bodies and schools.
_BRANCHES = (
    "Chi hội Khuyến học",
    "Chi hội Phụ nữ",
    "Chi hội Nông dân",
    "Chi hội Cựu chiến binh",
    "Chi hội Người cao tuổi",
    "Chi đoàn Thanh niên",
)


def _village_word(commune_name: str) -> str:
    return "Tổ dân phố" if commune_name.startswith("Phường") else "Thôn"


def _unit_names(commune_name: str, short_name: str, villages: int, rng: random.Random) -> list[str]:
    """Every learning unit a commune could list, in the order its decisions list them: its own
    bodies, its schools, then branches village by village."""
    xa = lower_type(commune_name)
    names = [b.format(xa=xa, ten=short_name) for b in _BODIES]
    people = rng.sample(_PEOPLE, sum(n for _, n in _SCHOOLS[1:]))
    flowers = rng.sample(_FLOWERS, _SCHOOLS[0][1])
    names += [f"{_SCHOOLS[0][0]} {f}" for f in flowers]
    for kind, n in _SCHOOLS[1:]:
        names += [f"{kind} {people.pop()}" for _ in range(n)]
    village = _village_word(commune_name)
    names += [f"{b} {village} {i}" for b in _BRANCHES for i in range(1, villages + 1)]
    return names


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
        "kind": unit_kind(title, name),
        "result": result,
        "circular": circular.id,
        "decision_number": number,
        "decision_date": decided,
        "issuer": issuer,
        "criteria_met": None,
        "criteria_failed": None,
        "valid_until": valid_until(circular, year, result, decided),
        "source": None,
        "self_assessed": None,
        "proposal_number": None,
        "proposal_date": None,
        "proposal_issuer": None,
    }


def _level_results(figure: dict) -> list[str]:
    """The results a figure's recognised units hold, level by level as it counts them; those it
    does not rate get PASSED."""
    results: list[str] = []
    for column in LEVEL_COLUMNS:
        results += [column.removeprefix("level_")] * (figure.get(column) or 0)
    return results + [PASSED] * (figure["recognized"] - len(results))


def _community(place: str, name: str, figure: dict, decision: tuple, rng: random.Random) -> dict:
    """A commune's assessment as a learning community: recognised at the figure's level with the
    5 criteria met, or Không đạt with the criteria it missed."""
    if figure["recognized"]:
        [level] = _level_results(figure)
        entry = _entry(place, figure["year"], "cong_dong_xa", name, level, decision)
        entry["criteria_met"] = "1,2,3,4,5"
        return entry
    missed = sorted(set(rng.sample([1, 2, 3, 3, 4, 5, 5, 5], rng.choice([1, 1, 2]))))
    entry = _entry(place, figure["year"], "cong_dong_xa", name, NOT_PASSED, decision)
    entry["criteria_failed"] = ",".join(map(str, missed))
    entry["criteria_met"] = ",".join(str(n) for n in range(1, 6) if n not in missed)
    return entry


def _province_steps(entry: dict, decision: tuple, rng: random.Random) -> None:
    """The way of a commune's assessment to the province's decision: the commune assessed
    itself (a recognised one at its level, now and then a level higher; one not passed at
    Mức độ 1), and the Sở proposed those its checks passed, by one tờ trình."""
    number, decided, _ = decision
    result = entry["result"]
    if result == NOT_PASSED:
        entry["self_assessed"] = "muc_do_1"
        return
    entry["self_assessed"] = "muc_do_2" if result == "muc_do_1" and rng.random() < 0.15 else result
    entry["proposal_number"] = f"{int(number.split('/')[0]) - 40}/TTr-SGDĐT"
    entry["proposal_date"] = decided - timedelta(days=12)
    entry["proposal_issuer"] = "Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi"


def _unit_steps(
    rows: list[dict],
    place: str,
    names: list[str],
    chosen: list[int],
    figure: dict,
    decision: tuple,
    rng: random.Random,
) -> list[dict]:
    """A commune's units on the way to its decision: those recognised assessed themselves and
    were proposed by the commune's Phòng Văn hóa - Xã hội; of the others that registered, a
    third never assessed themselves, a third did and were not proposed, the rest were decided
    Không đạt. Returns the units that did not reach recognition."""
    number, decided, issuer = decision
    proposal = (
        f"{int(number.split('/')[0]) - 3}/TTr-VHXH",
        decided - timedelta(days=7),
        issuer.replace("UBND", "Phòng Văn hóa - Xã hội"),
    )
    for row in rows:
        if row["locality_id"] == place and row["indicator"] == "don_vi":
            row["self_assessed"] = PASSED
            row["proposal_number"], row["proposal_date"], row["proposal_issuer"] = proposal
    others = [i for i in range(len(names)) if i not in set(chosen)]
    fell = sorted(rng.sample(others, min(len(others), figure["registered"] - figure["recognized"])))
    out = []
    for n, i in enumerate(fell):
        step = n % 3
        entry = _entry(
            place, UNIT_LIST_YEAR, "don_vi", names[i], NOT_PASSED if step == 2 else "", decision
        )
        if step >= 1:
            entry["self_assessed"] = PASSED
        if step == 2:
            entry["proposal_number"], entry["proposal_date"], entry["proposal_issuer"] = proposal
        out.append(entry)
    return out


def demo_lists(
    observations: pl.DataFrame, communes: pl.DataFrame, old_communes: pl.DataFrame, seed: int
) -> pl.DataFrame:
    """Synthetic lists for DEMO_LIST_PROVINCE, from the demo's `observations`:

    - each commune that registered as a learning community (cong_dong_xa) in COMMUNITY_YEARS,
      recognised at its figure's level or Không đạt: the old communes (`old_communes`:
      metrics.queries.registers.old_commune_register) by their old district's decision for 2024,
      today's `communes` (id, name, short_name) by the province's for 2025;
    - for DEMO_LIST_COMMUNES communes, their villages and units recognised in UNIT_LIST_YEAR,
      as many as the figures count, by the commune's decision."""
    rng = random.Random(seed + 15)
    figures = {
        (r["locality_id"], r["year"], r["indicator"]): r
        for r in observations.filter(
            pl.col("indicator").is_in(["cong_dong_xa", "cong_dong_thon", "don_vi"])
            & pl.col("locality_id").is_in([*communes["id"], *old_communes["id"]])
        ).iter_rows(named=True)
    }
    rows: list[dict] = []
    places = [
        (
            r["id"],
            r["name"],
            f"UBND {lower_type(r['district_name'])}, {lower_type(r['old_province_name'])}",
        )
        for r in old_communes.iter_rows(named=True)
    ] + [(r["id"], r["name"], "UBND tỉnh Quảng Ngãi") for r in communes.iter_rows(named=True)]
    for year in COMMUNITY_YEARS:
        decisions: dict[str, tuple] = {}
        for place, name, issuer in places:
            figure = figures.get((place, year, "cong_dong_xa"))
            if figure is None or not figure["registered"]:
                continue
            if issuer not in decisions:
                decided = (
                    date(year, 12, 15) if year >= 2025 else date(year, 12, rng.randint(10, 27))
                )
                decisions[issuer] = (f"{rng.randint(1200, 1900)}/QĐ-UBND", decided, issuer)
            entry = _community(place, name, figure, decisions[issuer], rng)
            if year >= 2025:
                _province_steps(entry, decisions[issuer], rng)
            rows.append(entry)
    ids = sorted(communes["id"])
    listed = ids[:: max(1, len(ids) // DEMO_LIST_COMMUNES)][:DEMO_LIST_COMMUNES]
    for commune in communes.filter(pl.col("id").is_in(listed)).sort("id").iter_rows(named=True):
        place, xa = commune["id"], commune["name"]
        # "UBND xã An Phú": the type word in lower case inside a sentence, as documents write it.
        decision = (
            f"{rng.randint(20, 300)}/QĐ-UBND",
            date(UNIT_LIST_YEAR, 12, 10),
            f"UBND {lower_type(xa)}",
        )
        villages = figures.get((place, UNIT_LIST_YEAR, "cong_dong_thon"))
        if villages is None:
            continue
        village = _village_word(xa)
        candidates = {
            "cong_dong_thon": [f"{village} {i}" for i in range(1, villages["total"] + 1)],
            "don_vi": _unit_names(xa, commune["short_name"], villages["total"], rng),
        }
        for title, names in candidates.items():
            figure = figures.get((place, UNIT_LIST_YEAR, title))
            if figure is None or not figure["recognized"]:
                continue
            # The units recognised, drawn among those the commune has, in the list's order.
            names = names[: figure["total"]]
            chosen = sorted(rng.sample(range(len(names)), figure["recognized"]))
            results = _level_results(figure)
            for i, result in zip(chosen, results, strict=True):
                rows.append(_entry(place, UNIT_LIST_YEAR, title, names[i], result, decision))
            if title == "don_vi":
                rows.extend(_unit_steps(rows, place, names, chosen, figure, decision, rng))
    frame = pl.DataFrame(rows, schema={c: RECOGNITIONS.frame_schema[c] for c in _RECORD_COLUMNS})
    return frame.with_columns(
        pl.lit(None, dtype=pl.String).alias("_locality"),
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"),
    )
