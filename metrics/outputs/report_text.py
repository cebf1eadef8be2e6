"""The words of the report draft: each indicator's sentence, the place as running text names it,
the next period's targets with each source named once, and the appendix's lists of recognised
units (metrics.outputs.report_draft lays them out)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.completeness import PARTIAL_VI, units_text
from metrics.escaping import without_controls
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import Indicator, registry
from metrics.locality_progress import IndicatorProgress
from metrics.name_parts import lower_type, split_code_suffix
from metrics.progress import Status, required_pace_expr
from metrics.recognitions import RecognitionList
from metrics.resolve import LocalityIndex
from metrics.store_schema import COUNTRY_ID

HORIZON = 2030  # the end of the programme: every report says what is left to reach it


def counted(ind: Indicator) -> str:
    """What a rate is a share of, mid-sentence: "Số hộ gia đình được công nhận …" → "hộ gia đình
    được công nhận …"."""
    text = ind.numerator_vi[0].lower() + ind.numerator_vi[1:]
    return text.removeprefix("số ")


def place_name(con: duckdb.DuckDBPyConnection, locality_id: str) -> str:
    """The unit as a report heads it: "Xã Đăk Long, tỉnh Quảng Ngãi", "Huyện Ia H'Drai (cũ),
    tỉnh Kon Tum (cũ)", "Toàn quốc" (the locality label without its code)."""
    return split_code_suffix(LocalityIndex.from_store(con).label(locality_id))[0]


def where_text(locality_id: str, name: str) -> str:
    """ "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi"; "trên phạm vi toàn quốc"."""
    if locality_id == COUNTRY_ID:
        return "trên phạm vi toàn quốc"
    return f"trên địa bàn {lower_type(name)}"


def levels_text(it: IndicatorProgress, ind: Indicator) -> str:
    """ "trong đó 20 đơn vị xếp loại Tốt, 3 Khá"; "trong đó 560 xã đạt Mức độ 1, 265 Mức độ 2";
    "" when no level is known."""
    parts: list[str] = []
    verb_said = ""
    for level in registry().level:
        n = it.levels.get(level.id)
        if not n:
            continue
        verb = "đạt" if level.id.startswith("muc_do") else "xếp loại"
        if verb == verb_said:
            parts.append(f"{fmt_int(n)} {level.label_vi}")
        else:
            parts.append(f"{fmt_int(n)} {ind.count_unit_vi} {verb} {level.label_vi}")
            verb_said = verb
    return "trong đó " + ", ".join(parts) if parts else ""


def horizon_text(it: IndicatorProgress, year: int) -> str:
    """The pace still needed for the 2030 target ((target − rate) / (2030 − year)), or that it
    is reached; "" without a 2030 target."""
    if it.rate_pct is None or it.target_2030_pct is None:
        return ""
    target = fmt_pct(it.target_2030_pct, 0)
    pace = pl.select(
        required_pace_expr(
            pl.lit(it.rate_pct, pl.Float64), year, pl.lit(it.target_2030_pct), pl.lit(HORIZON)
        )
    ).item()
    if pace == 0:
        if it.status == Status.TARGET_MET and it.target_year == HORIZON:
            return ""  # the verdict has said it
        return f"đã đạt mục tiêu năm {HORIZON} ({target})"
    if pace is None:
        return f"chưa đạt mục tiêu {target} năm {HORIZON}"
    return (
        f"để đạt mục tiêu {target} vào năm {HORIZON}, "
        f"cần tăng bình quân {fmt_num(pace)} điểm phần trăm mỗi năm"
    )


def indicator_sentence(it: IndicatorProgress, year: int, unit_name: str | None = None) -> str:
    """A report sentence: "Tỷ lệ hộ gia đình được công nhận danh hiệu “Gia đình học tập” đạt
    62,3% (…), bằng 89% kế hoạch năm 2025, tăng 4,1 điểm phần trăm so với năm 2024; …". When the
    area is itself the one commune counted, whether it is recognised ("Xã Đăk Long chưa được công
    nhận …"), never "0/1 xã"; `unit_name` names it (its own name by default)."""
    ind = registry().by_id(it.indicator)
    if not it.has_data:
        return f"{ind.label_vi}: chưa có số liệu năm {year}."
    if it.rate_pct is None:
        base = f"{ind.label_vi}: có {fmt_int(it.recognized)} {ind.count_unit_vi} được công nhận"
        if it.rate_registered_pct is not None:
            base += f" trên {fmt_int(it.registered)} {ind.count_unit_vi} đăng ký ({fmt_pct(it.rate_registered_pct)} số đăng ký)"
        return base + " (chưa có tổng số để tính tỷ lệ)."
    recognised = counted(ind).partition("được công nhận")
    if it.total == 1 and ind.count_unit_vi == "xã" and recognised[1]:
        done = "đã" if it.recognized else "chưa"
        text = f"{unit_name or it.locality_name} {done} được công nhận{recognised[2]}"
        rated = [lv.label_vi for lv in registry().level if it.levels.get(lv.id)]
        return text + (f", {' và '.join(rated)}" if rated else "") + "."
    levels = levels_text(it, ind)
    counts = f"{fmt_int(it.recognized)}/{fmt_int(it.total)} {ind.count_unit_vi}"
    counts += f", {levels}" if levels else ""
    text = f"Tỷ lệ {counted(ind)} đạt {fmt_pct(it.rate_pct)} ({counts})"
    if it.plan_pct is not None and it.target_year is not None:
        text += f", bằng {fmt_pct(it.plan_pct, 0)} kế hoạch năm {it.target_year}"
    if it.change_pp is not None:
        if abs(it.change_pp) < 0.05:
            text += f", bằng năm {year - 1}"
        else:
            verb = "tăng" if it.change_pp > 0 else "giảm"
            text += f", {verb} {fmt_num(abs(it.change_pp))} điểm phần trăm so với năm {year - 1}"
    text += f"; {Status(it.status).label().lower()}"
    horizon = horizon_text(it, year)
    if horizon:
        text += f"; {horizon}"
    if it.partial_note:  # "(chưa đủ: số liệu của 1/23 huyện cũ đã báo cáo)": several units only
        reported = units_text(it.reporting_units, it.units_in_area, it.unit_level)
        text += f" ({PARTIAL_VI}: số liệu của {reported} đã báo cáo)"
    return text + "."


def source_name(source: str) -> str:
    """How a target's source is named in the report: the registered decision it cites first, in
    full (its notes on how the figure was read stay in the store); any other text as typed."""
    cited = registry().documents_cited(source)
    return cited[0].name_vi if cited else without_controls(source).strip()


def target_groups(targets: pl.DataFrame, after: int) -> list[tuple[str, list[str]]]:
    """The targets of the years after `after`, grouped by source, each source once:
    [("Quyết định số 387/QĐ-TTg …", ["Đến năm 2030: 85% hộ gia đình được công nhận …; 75% dòng
    họ …"]), …]. Years in order, indicators in the models' order (Registry.in_model_order)."""
    reg = registry()
    rank = {ind.id: n for n, ind in enumerate(reg.in_model_order())}
    rows = (
        targets.filter(pl.col("target_year") > after)
        .with_columns(pl.col("indicator").replace_strict(rank, return_dtype=pl.Int64).alias("_r"))
        .sort("target_year", "_r")
    )
    groups: dict[str, dict[int, list[str]]] = {}
    for row in rows.iter_rows(named=True):
        by_year = groups.setdefault(source_name(row["source"]), {})
        phrase = f"{fmt_pct(row['percent'], 0)} {counted(reg.by_id(row['indicator']))}"
        by_year.setdefault(row["target_year"], []).append(phrase)
    return [
        (source, [f"Đến năm {y}: {'; '.join(phrases)}." for y, phrases in by_year.items()])
        for source, by_year in groups.items()
    ]


APPENDIX_HEADING = "Phụ lục: Danh sách đơn vị được công nhận"


def not_recognised_text(lst: RecognitionList) -> str:
    """What the appendix says of a list's units assessed and not recognised (its table holds
    the recognised only, as a decision's attachment does); "" when there are none."""
    failed = lst.entries.height - lst.recognized
    if not failed:
        return ""
    unit = registry().by_id(lst.title).count_unit_vi
    if lst.recognized:
        text = (
            f"Ngoài {fmt_int(lst.recognized)} {unit} được công nhận nêu trên, "
            f"{fmt_int(failed)} {unit} được đánh giá nhưng không đạt"
        )
    else:
        text = (
            f"Không có {unit} nào được công nhận: {fmt_int(failed)} {unit} được đánh giá nhưng "
            "không đạt"
        )
    if lst.entries["criteria_failed"].is_not_null().any():
        text += " (tiêu chí không đạt của từng đơn vị: xem bảng tính xuất cùng địa bàn, năm)"
    return text + "."


def other_lists_text(rest: list[RecognitionList]) -> str:
    """The lead-in to the lists the appendix names without printing them."""
    units = sum(lst.entries.height for lst in rest)
    return (
        f"Còn {len(rest)} danh sách khác ({fmt_int(units)} đơn vị) không in trong phụ lục này; toàn bộ "
        "danh sách có trong bảng tính (.xlsx) xuất cùng địa bàn, năm (trang “Danh sách khác”):"
    )


def listed_line(lst: RecognitionList) -> str:
    """ "Danh sách Cộng đồng học tập cấp thôn năm 2025 — Quyết định số … (12 thôn, tổ dân
    phố được công nhận)"."""
    unit = registry().by_id(lst.title).count_unit_vi
    return f"{lst.heading} ({fmt_int(lst.recognized)} {unit} được công nhận)"
