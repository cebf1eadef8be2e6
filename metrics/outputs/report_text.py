"""The words of the report draft: the issuing body and place as the form of Nghị định 30/2020
writes them, the căn cứ, each indicator's sentence, the strengths and shortfalls read from the
figures, the targets ahead with the pace each needs, the placeholders an official fills in, and
the appendix's lists (metrics.outputs.report_draft lays them out)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import polars as pl

from metrics import texts
from metrics.circulars import NOT_PASSED
from metrics.completeness import PARTIAL_VI
from metrics.escaping import without_controls
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import Indicator, registry
from metrics.locality_progress import IndicatorProgress, owes
from metrics.name_lookup import LocalityIndex
from metrics.name_parts import OLD_LEVELS, lower_type, split_code_suffix
from metrics.progress import BASELINE_FIRST_YEAR, Status, required_pace_expr
from metrics.recognitions import (
    RecognitionList,
    above_commune_states,
    funnel,
    lists_shown,
    recognition_lists,
)
from metrics.store.schema import COUNTRY_ID
from metrics.texts import level_word, pace_words

HORIZON = 2030  # the end of the programme: every report says what is left to reach it

# --- placeholders: what the official writes, never invented here ------------------------------

FILL_LEAD = texts.text("draft_fill_lead")
BODY_TO_FILL = texts.text("draft_body_to_fill")
PLACE_TO_FILL = texts.text("draft_place_to_fill")
SIGNER_TO_FILL = texts.text("draft_signer_to_fill")
NAME_TO_FILL = texts.text("draft_name_to_fill")
# Every placeholder the draft writes (the layout highlights each; the tests find them).
PLACEHOLDER_RE = re.compile(
    r"\[(?:"
    + re.escape(FILL_LEAD)
    + r"[^\]]*|"
    + "|".join(
        re.escape(p[1:-1]) for p in (BODY_TO_FILL, PLACE_TO_FILL, SIGNER_TO_FILL, NAME_TO_FILL)
    )
    + r")\]"
)


def to_fill(what: str) -> str:
    """ "[Đề nghị cán bộ bổ sung: nguyên nhân của các hạn chế]"."""
    return f"[{FILL_LEAD}{what}]"


# --- words as officials write them --------------------------------------------------------------

_APOSTROPHES = re.compile(r"(?<=\w)[’‘ʼ](?=\w)")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def as_written(text: str) -> str:
    """The one form the draft prints: the straight apostrophe in names ("Ia H'Drai", whether
    typed ’ or '), dates as dd/mm/yyyy ("24/2/2023" → "24/02/2023"), no control characters."""
    text = _APOSTROPHES.sub("'", without_controls(text))
    return _DATE.sub(lambda m: f"{int(m[1]):02d}/{int(m[2]):02d}/{m[3]}", text)


KINDS = {"so-ket": texts.text("draft_kind_stage"), "nam": texts.text("draft_kind_year")}


def default_kind(year: int) -> str:
    """A five-year stage ends (2025, 2030): the sơ kết of the stage; any other year: its result."""
    return "so-ket" if year % 5 == 0 else "nam"


def period_start(year: int) -> int:
    """The first year of the stage a sơ kết covers: the programme's start (2021)."""
    return min(BASELINE_FIRST_YEAR, year)


def summary_line(kind: str, year: int, where: str = "") -> str:
    """The document's summary under "BÁO CÁO" (Nghị định 30/2020: trích yếu), with the area
    (`where`: "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi") when given."""
    at = f" {where}" if where else ""
    if kind == "so-ket":
        return texts.text(
            "draft_summary_stage",
            period_start=period_start(year),
            year=year,
            at=at,
            year_after=year + 1,
            end_year=max(HORIZON, year + 1),
        )
    return texts.text("draft_summary_year", year=year, at=at, year_after=year + 1)


def counted(ind: Indicator) -> str:
    """What a rate is a share of, mid-sentence: "Số hộ gia đình được công nhận …" → "hộ gia đình
    được công nhận …"."""
    text = ind.numerator_vi[0].lower() + ind.numerator_vi[1:]
    return text.removeprefix(texts.text("draft_counted_prefix"))


@dataclass(frozen=True)
class Place:
    """The place a draft reports on, and the words its era and level use."""

    id: str
    level: str  # country | province | commune | old_province | old_district | old_commune
    unit_type: str  # "Xã", "Tỉnh", "Huyện", "Thị xã" …
    name: str  # as a report heads it: "Xã Đăk Long, tỉnh Quảng Ngãi"; "Toàn quốc"
    own_name: str  # "Xã Đăk Long", "Huyện Ia H'Drai"
    short_name: str  # "Đăk Long"

    @property
    def old(self) -> bool:
        return self.level in OLD_LEVELS

    @property
    def has_ubnd(self) -> bool:
        """A body of today that issues the report: the UBND of a province or a commune. The
        country's report and an old unit's (whose UBND is gone) name theirs as a placeholder."""
        return self.level in ("province", "commune")

    def issuer_lines(self) -> list[str]:
        """The issuing body, top left: ["ỦY BAN NHÂN DÂN", "XÃ ĐĂK LONG"]."""
        if not self.has_ubnd:
            return [BODY_TO_FILL]
        return [texts.text("draft_issuer_committee"), self.own_name.upper()]

    def body(self) -> str:
        """The body in running text: "Ủy ban nhân dân xã Đăk Long"."""
        if not self.has_ubnd:
            return to_fill(texts.text("draft_body_to_name"))
        return texts.text("draft_body", own_name=lower_type(self.own_name))

    def number_line(self) -> str:
        return (
            texts.text("draft_number_line_ubnd")
            if self.has_ubnd
            else texts.text("draft_number_line_other")
        )

    def date_line(self) -> str:
        """Place and date (Nghị định 30/2020): "Đăk Long, ngày … tháng … năm 20…"."""
        where = self.short_name if self.has_ubnd else PLACE_TO_FILL
        return texts.text("draft_date_line", where=where)

    def signer_lines(self) -> list[str]:
        if not self.has_ubnd:
            return [SIGNER_TO_FILL]
        return [
            texts.text("draft_signer_on_behalf"),
            texts.text("draft_signer_for_chair"),
            texts.text("draft_signer_vice_chair"),
        ]

    def where(self) -> str:
        """ "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi"; "trên phạm vi toàn quốc"."""
        return where_text(self.id, self.name)

    def communes_word(self) -> str:
        """The communes of the area as its era names them: after 1/7/2025 "xã, phường, đặc khu";
        before, a district's "xã, thị trấn", a town's "xã, phường", a province's "xã, phường,
        thị trấn"."""
        if not self.old:
            return texts.text("level_commune")
        return {
            texts.text("unit_type_huyen"): texts.text("draft_communes_district"),
            texts.text("unit_type_quan"): texts.text("draft_communes_urban_district"),
            texts.text("unit_type_thi_xa"): texts.text("export_communes_wards"),
        }.get(
            self.unit_type,
            texts.text("draft_communes_old_province")
            if self.level == "old_province"
            else texts.text("word_communes"),
        )

    def era(self, text: str) -> str:
        """An indicator's words as the place's era writes them: an old district's own units are
        "cấp huyện" (not "cấp tỉnh (và cấp huyện cũ)"); before 1/7/2025 a district is a
        "huyện", not a "huyện cũ", and communes are what communes_word says."""
        if not self.old:
            return text
        if self.level == "old_district":
            text = text.replace(
                texts.text("draft_era_province_and_former_district"),
                texts.text("draft_era_district_level"),
            )
            text = text.replace(
                texts.text("draft_era_province_former_district"),
                texts.text("draft_era_district_level"),
            )
        text = text.replace(
            texts.text("draft_era_province_and_former_district"),
            texts.text("draft_era_province_district_level"),
        )
        text = text.replace(
            texts.text("draft_era_district_level_former"), texts.text("draft_era_district_level")
        )
        text = text.replace(texts.text("level_commune"), self.communes_word())
        for level in (
            texts.text("draft_era_district"),
            texts.text("word_communes"),
            texts.text("word_provinces"),
        ):
            text = text.replace(texts.text("draft_era_former", level=level), level)
        return text

    def label(self, ind: Indicator) -> str:
        return self.era(ind.label_vi)

    def counted(self, ind: Indicator) -> str:
        return self.era(counted(ind))

    def unit(self, ind: Indicator) -> str:
        """The count unit; an old area's communes in its era's words."""
        if ind.count_unit_vi == level_word("units", "commune"):
            return self.communes_word() if self.old else ind.count_unit_vi
        return ind.count_unit_vi

    def owes(self, ind: Indicator) -> bool:
        """Whether the place reports the indicator (a commune does not report the province's
        units, nor recognise itself: metrics.lagging)."""
        return owes(self.level, ind.id)


def place_of(con: duckdb.DuckDBPyConnection, loc: dict) -> Place:
    return Place(
        id=loc["id"],
        level=loc["level"],
        unit_type=loc.get("unit_type") or "",
        name=place_name(con, loc["id"]),
        own_name=loc["name"],
        short_name=loc.get("short_name") or loc["name"],
    )


def place_name(con: duckdb.DuckDBPyConnection, locality_id: str) -> str:
    """The unit as a report heads it: "Xã Đăk Long, tỉnh Quảng Ngãi", "Huyện Ia H'Drai (cũ),
    tỉnh Kon Tum (cũ)", "Toàn quốc" (the locality label without its code)."""
    return split_code_suffix(LocalityIndex.from_store(con).label(locality_id))[0]


def where_text(locality_id: str, name: str) -> str:
    """ "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi"; "trên phạm vi toàn quốc"."""
    if locality_id == COUNTRY_ID:
        return texts.text("draft_where_country")
    return texts.text("draft_where_area", name=lower_type(name))


# --- documents -----------------------------------------------------------------------------------


def source_name(source: str) -> str:
    """How a target's source is named in full: the registered decision it cites first (its notes
    on how the figure was read stay in the store); any other text as typed."""
    cited = registry().documents_cited(source)
    return cited[0].name_vi if cited else without_controls(source).strip()


def source_short(source: str) -> str:
    """A source named again after the căn cứ named it in full: "Quyết định số 387/QĐ-TTg"; a
    source that cites no registered document, as typed."""
    cited = registry().documents_cited(source)
    return (
        cited[0].name_vi.split(texts.text("draft_dated_word"))[0]
        if cited
        else without_controls(source).strip()
    )


def plan_ref(source: str | None, scope_name: str | None) -> str:
    """Which plan a target comes from, inside a sentence: "Quyết định số 387/QĐ-TTg"; a plan not
    registered by its owner ("kế hoạch của xã Đăk Long")."""
    cited = registry().documents_cited(source or "")
    if cited:
        return cited[0].name_vi.split(texts.text("draft_dated_word"))[0]
    if scope_name and scope_name != texts.text("country"):
        return texts.text("draft_plan_of", scope_name=lower_type(scope_name))
    return source_short(source or "") or texts.text("draft_plan_word")


_SCOPE_ORDER = {"country": 0, "province": 1, "old_province": 1, "commune": 2}


def basis_documents(targets: pl.DataFrame) -> list[str]:
    """The plans and decisions whose targets are in force for the place, each once, in full:
    the nation's first, then the province's, then the place's own; a source citing several
    registered decisions gives each of them."""
    rows = sorted(
        targets.iter_rows(named=True),
        key=lambda r: (_SCOPE_ORDER.get(r["scope_level"], 3), r["target_year"]),
    )
    names: list[str] = []
    for row in rows:
        cited = registry().documents_cited(row["source"])
        for name in [d.name_vi for d in cited] or [without_controls(row["source"]).strip()]:
            if name and name not in names:
                names.append(name)
    return names


# --- one indicator's sentence --------------------------------------------------------------------

_VERB = re.compile(texts.text("draft_verbs_pattern"))


def none_text(phrase: str, unit: str) -> str:
    """ "Không có hộ gia đình nào được công nhận …" (never "có 0 hộ")."""
    m = _VERB.search(phrase)
    if m is None:
        return texts.text("draft_none_unit", unit=unit, phrase=phrase)
    return texts.text(
        "draft_none_split", subject=phrase[: m.start()], predicate=phrase[m.start() + 1 :]
    )


def levels_text(it: IndicatorProgress, ind: Indicator, unit: str | None = None) -> str:
    """ "trong đó 20 đơn vị xếp loại Tốt, 3 Khá"; "trong đó 560 xã đạt Mức độ 1, 265 Mức độ 2";
    "" when no level is known."""
    parts: list[str] = []
    verb_said = ""
    for level in registry().level:
        n = it.levels.get(level.id)
        if not n:
            continue
        verb = (
            texts.text("draft_levels_reached")
            if level.id.startswith("muc_do")
            else texts.text("draft_levels_rated")
        )
        if verb == verb_said:
            parts.append(f"{fmt_int(n)} {level.label_vi}")
        else:
            parts.append(f"{fmt_int(n)} {unit or ind.count_unit_vi} {verb} {level.label_vi}")
            verb_said = verb
    return texts.text("draft_levels_lead") + ", ".join(parts) if parts else ""


def passed_targets(it: IndicatorProgress, targets: pl.DataFrame | None, year: int) -> list[dict]:
    """The targets after the one judged (or after the year, without one) that the rate already
    reaches, earliest first: a commune behind the national 2025 target may be past its own 2026
    target, and the sentence says both."""
    if targets is None or it.rate_pct is None or not targets.height:
        return []
    after = it.target_year if it.target_year is not None else year
    rows = targets.filter(
        (pl.col("indicator") == it.indicator)
        & (pl.col("target_year") > after)
        & (pl.col("percent") <= it.rate_pct)
    ).sort("target_year")
    return list(rows.iter_rows(named=True))


def passed_text(rows: list[dict]) -> str:
    """ "đã vượt mục tiêu năm 2026 (50%, kế hoạch của xã Đăk Long)"."""
    said = [
        texts.text(
            "draft_passed_target",
            target_year=r["target_year"],
            percent=fmt_pct(r["percent"], 0),
            plan_ref=plan_ref(r["source"], r["scope_name"]),
        )
        for r in rows
    ]
    return texts.text("draft_passed_lead") + texts.text("context_and").join(said) if said else ""


def target_text(it: IndicatorProgress) -> str:
    """ "bằng 79% kế hoạch năm 2025 (mục tiêu 70% theo Quyết định số 387/QĐ-TTg)"; "" without one."""
    if it.plan_pct is None or it.target_year is None or it.target_pct is None:
        return ""
    ref = plan_ref(it.target_source, it.target_scope_name)
    return texts.text(
        "draft_target_share",
        plan_pct=fmt_pct(it.plan_pct, 0),
        target_year=it.target_year,
        target_pct=fmt_pct(it.target_pct, 0),
        ref=ref,
    )


# Statuses that say nothing of the pace: a sentence leaves them out (its figure says the rest).
_SILENT_STATUSES = {Status.NO_TARGET.value, Status.NOT_REPORTED.value}


def indicator_sentence(
    it: IndicatorProgress,
    year: int,
    unit_name: str | None = None,
    place: Place | None = None,
    targets: pl.DataFrame | None = None,
) -> str:
    """A report sentence: "Tỷ lệ hộ gia đình được công nhận danh hiệu “Gia đình học tập” đạt
    62,3% (…), bằng 89% kế hoạch năm 2025 (mục tiêu 70% theo …), tăng 4,1 điểm phần trăm so với
    năm 2024; đúng tiến độ; đã vượt mục tiêu năm 2026 (…)". None recognised: "Không có … nào
    được công nhận …". When the area is itself the one commune counted, whether it is
    recognised ("Xã Đăk Long chưa được công nhận …"), never "0/1 xã"; `unit_name` names it.
    `place` gives the era's words (an old district's units are "cấp huyện"); `targets` the
    later targets the figure already passes."""
    ind = registry().by_id(it.indicator)
    label = place.label(ind) if place else ind.label_vi
    if not it.has_data:
        return texts.text("draft_sentence_no_figures", label=label, year=year)
    phrase = place.counted(ind) if place else counted(ind)
    unit = place.unit(ind) if place else ind.count_unit_vi
    recognised = phrase.partition(texts.text("draft_recognised_words"))
    if it.total == 1 and ind.count_unit_vi == texts.text("word_communes") and recognised[1]:
        done = (
            texts.text("draft_sentence_already")
            if it.recognized
            else texts.text("draft_sentence_not_yet")
        )
        text = texts.text(
            "draft_sentence_one_commune",
            unit_name=unit_name or it.locality_name,
            done=done,
            recognised=recognised[2],
        )
        rated = [lv.label_vi for lv in registry().level if it.levels.get(lv.id)]
        return text + (f", {texts.text('context_and').join(rated)}" if rated else "") + "."
    levels = levels_text(it, ind, unit)
    if not it.recognized:
        text = none_text(phrase, unit)
        if it.total:
            text += texts.text("draft_sentence_total", total=fmt_int(it.total), unit=unit)
    elif it.rate_pct is None:
        text = texts.text(
            "draft_sentence_count", recognized=fmt_int(it.recognized), phrase=phrase
        ) + (f", {levels}" if levels else "")
        if it.rate_registered_pct is not None:
            text += texts.text(
                "draft_sentence_registered",
                registered=fmt_int(it.registered),
                unit=unit,
                rate_registered_pct=fmt_pct(it.rate_registered_pct),
            )
        text += texts.text("draft_sentence_no_total")
    else:
        counts = f"{fmt_int(it.recognized)}/{fmt_int(it.total)} {unit}"
        if it.assessed is not None:  # every commune of the register is the base
            counts += texts.text(
                "draft_sentence_assessed", assessed=fmt_int(it.assessed), unit=unit
            )
        counts += f", {levels}" if levels else ""
        text = texts.text(
            "draft_sentence_rate",
            phrase=phrase,
            rate_pct=fmt_pct(it.rate_pct),
            counts=counts,
        )
    clauses: list[str] = []
    if it.rate_pct is not None:
        target = target_text(it)
        if target:
            text += f", {target}"
        if it.change_pp is not None:
            if abs(it.change_pp) < 0.05:
                text += texts.text("draft_sentence_same", year_before=year - 1)
            else:
                verb = (
                    texts.text("draft_sentence_up")
                    if it.change_pp > 0
                    else texts.text("draft_sentence_down")
                )
                text += texts.text(
                    "draft_sentence_change",
                    verb=verb,
                    change_pp=fmt_num(abs(it.change_pp)),
                    year_before=year - 1,
                )
        if it.status not in _SILENT_STATUSES:
            clauses.append(Status(it.status).label_for(it.target_year).lower())
        passed = passed_text(passed_targets(it, targets, year))
        if passed:
            clauses.append(passed)
    if clauses:
        text += "; " + "; ".join(clauses)
    if it.partial_note:  # "(chưa đủ: số liệu của 1/23 huyện cũ đã báo cáo)": several units only
        reported = it.partial_note.removeprefix(f"{PARTIAL_VI}: ").removesuffix(
            texts.text("draft_sentence_reported_suffix")
        )
        reported = place.era(reported) if place else reported
        text += texts.text("draft_sentence_partial", partial=PARTIAL_VI, reported=reported)
    return text + "."


def status_text(it: IndicatorProgress) -> str:
    """The status in a table cell; a figure without a total is not "Chưa báo cáo"."""
    if it.has_data and it.status == Status.NOT_REPORTED.value:
        return texts.text("draft_status_no_total")
    return Status(it.status).label_for(it.target_year)


# --- the assessment, read from the figures -----------------------------------------------------

GOOD = {Status.TARGET_MET.value, Status.ON_TRACK.value}
# No verdict either way: not a strength, not a shortfall.
NEUTRAL = {Status.NOT_ASSESSABLE.value, Status.NO_TARGET.value, Status.NOT_REPORTED.value}


def _figure(it: IndicatorProgress, place: Place) -> str:
    ind = registry().by_id(it.indicator)
    if it.rate_pct is None:
        return f"{fmt_int(it.recognized)} {place.unit(ind)}"
    return fmt_pct(it.rate_pct)


def strengths(
    items: list[IndicatorProgress], place: Place, targets: pl.DataFrame, year: int
) -> list[str]:
    """One line per indicator that met its target, keeps pace with it, or already passes a later
    one: "Gia đình học tập: 72,0%; đã đạt mục tiêu (mục tiêu năm 2025: 70% theo …)."."""
    lines = []
    for it in items:
        if not it.has_data or it.rate_pct is None:
            continue
        ind = registry().by_id(it.indicator)
        said = []
        if it.status in GOOD and it.target_pct is not None:
            ref = plan_ref(it.target_source, it.target_scope_name)
            said.append(
                texts.text(
                    "draft_strength_target",
                    status=Status(it.status).label().lower(),
                    target_year=it.target_year,
                    target_pct=fmt_pct(it.target_pct, 0),
                    ref=ref,
                )
            )
        passed = passed_text(passed_targets(it, targets, year))
        if passed:
            said.append(passed)
        if not said and it.target_pct is None and it.total and it.recognized == it.total:
            said.append(
                texts.text(
                    "draft_strength_all_recognised", total=fmt_int(it.total), unit=place.unit(ind)
                )
            )
        if said:
            lines.append(f"{place.label(ind)}: {_figure(it, place)}; {'; '.join(said)}.")
    return lines


def shortfalls(items: list[IndicatorProgress], place: Place, year: int) -> list[str]:
    """One line per indicator behind its target or going back (every status that is neither
    good nor without a verdict), then the indicators the place owes and did not report."""
    lines = []
    for it in items:
        if not it.has_data or it.status in GOOD or it.status in NEUTRAL:
            continue
        ind = registry().by_id(it.indicator)
        text = f"{place.label(ind)}: {_figure(it, place)}"
        target = target_text(it)
        text += f", {target}" if target else ""
        lines.append(f"{text}; {Status(it.status).label().lower()}.")
    missing = missing_names(items, place)
    if missing:
        lines.append(texts.text("draft_no_figures_on", year=year, missing="; ".join(missing)))
    return lines


def missing_names(
    items: list[IndicatorProgress], place: Place, among: list[IndicatorProgress] | None = None
) -> list[str]:
    """The indicators of `among` (all `items` by default) the place reports and has no figure
    for, by label; by what they count where a label could be read as a figure just reported
    ("Đơn vị học tập" beside "Đơn vị học tập cấp huyện")."""
    reg = registry()
    reported = [place.label(reg.by_id(it.indicator)) for it in items if it.has_data]
    names = []
    for it in among if among is not None else items:
        ind = reg.by_id(it.indicator)
        if it.has_data or not place.owes(ind):
            continue
        label = place.label(ind)
        names.append(place.counted(ind) if any(r.startswith(label) for r in reported) else label)
    return names


def lagging_line(label: str, weakest: pl.DataFrame, falling: pl.DataFrame) -> str:
    """ "Gia đình học tập — thấp nhất so với mục tiêu: An Phú (52,2%, đạt 75% kế hoạch), …;
    đang đi lùi (3): Ba Động, …" ("" when none lags)."""
    parts = []
    if weakest.height:
        parts.append(
            texts.text("draft_lagging_lowest")
            + ", ".join(
                texts.text(
                    "draft_lagging_unit",
                    short_name=r["short_name"],
                    rate_pct=fmt_pct(r["rate_pct"]),
                    plan_pct=fmt_pct(r["plan_pct"], 0),
                )
                for r in weakest.iter_rows(named=True)
            )
        )
    if falling.height:
        parts.append(
            f"{Status.FALLING.label().lower()} ({fmt_int(falling.height)}): "
            + ", ".join(falling["short_name"].to_list())
        )
    return f"{label} — {'; '.join(parts)}." if parts else ""


# --- the targets ahead -------------------------------------------------------------------------


def pace_text(rate: float, year: int, target: float, target_year: int) -> str:
    """ "năm 2025 đạt 55,3%, cần tăng bình quân 5,9 điểm phần trăm mỗi năm"; "… đã đạt"."""
    pace = pl.select(
        required_pace_expr(pl.lit(rate, pl.Float64), year, pl.lit(target), pl.lit(target_year))
    ).item()
    now = texts.text("draft_pace_now", year=year, rate=fmt_pct(rate))
    if pace == 0:
        return texts.text("draft_pace_reached", now=now)
    if pace is None:
        return now
    return texts.text("draft_pace_needed", now=now, pace_words=pace_words(pace))


def target_groups(
    targets: pl.DataFrame,
    after: int,
    items: list[IndicatorProgress] | None = None,
    place: Place | None = None,
) -> list[tuple[str, list[str]]]:
    """The targets of the years after `after`, grouped by source, each source once, each target
    with the pace it needs from the figure of `after` (given `items`):
    [("Quyết định số 387/QĐ-TTg", ["Đến năm 2030: 85% hộ gia đình được công nhận … (năm 2025
    đạt 62,3%, cần tăng bình quân 4,5 điểm phần trăm mỗi năm)."]), …]. Years in order,
    indicators in the models' order (Registry.in_model_order)."""
    reg = registry()
    rank = {ind.id: n for n, ind in enumerate(reg.in_model_order())}
    rates = {it.indicator: it.rate_pct for it in items or []}
    rows = (
        targets.filter(pl.col("target_year") > after)
        .with_columns(pl.col("indicator").replace_strict(rank, return_dtype=pl.Int64).alias("_r"))
        .sort("target_year", "_r")
    )
    groups: dict[str, list[str]] = {}
    for row in rows.iter_rows(named=True):
        ind = reg.by_id(row["indicator"])
        pct = fmt_pct(row["percent"], 0)
        if row.get("scope_level") == "country" and ind.target_words_vi:
            # The programme's own target, in the words of the decisions and plans restating it.
            line = texts.text(
                "draft_target_by_year_programme",
                target_year=row["target_year"],
                target_phrase=ind.target_phrase(pct),
            )
        else:
            phrase = place.counted(ind) if place else counted(ind)
            line = texts.text(
                "draft_target_by_year", target_year=row["target_year"], pct=pct, phrase=phrase
            )
        rate = rates.get(ind.id)
        if rate is not None:
            line += f" ({pace_text(rate, after, row['percent'], row['target_year'])})"
        groups.setdefault(source_short(row["source"]), []).append(line + ";")
    for lines in groups.values():
        lines[-1] = lines[-1][:-1] + "."
    return list(groups.items())


# --- the register in the results ------------------------------------------------------------------


def register_lines(entries: pl.DataFrame, locality_id: str) -> list[str]:
    """What the results say of the register beside the rates: the learning communities above
    the commune ("Cộng đồng học tập cấp huyện: chưa triển khai đánh giá."), then each list
    that records the way to its decision ("Đơn vị học tập … năm 2023: đăng ký 23, tự đánh giá
    23, đề nghị 23 (Tờ trình số …), công nhận 23 (Quyết định số …).") and where units fell
    out. [] when the register holds neither."""
    if not entries.height:
        return []
    lines = [f"{without_controls(said)}." for _, said in above_commune_states(entries, locality_id)]
    shown, _ = lists_shown(recognition_lists(entries))
    for lst in shown:
        way = funnel(lst.entries)
        if way is None:
            continue
        title = registry().title_by_id(lst.title)
        proposed = f" ({'; '.join(way.proposals)})" if way.proposals else ""
        decided = f" ({lst.decision})" if lst.decision else ""
        line = texts.text(
            "draft_register_line",
            title=title.label_vi,
            year=lst.year,
            registered=fmt_int(way.registered),
            self_assessed=fmt_int(way.self_assessed),
            proposed=fmt_int(way.proposed),
            proposals=proposed,
            recognized=fmt_int(way.recognized),
            decided=decided,
        )
        fell = way.fell_out(title.count_unit_vi)
        lines.append(without_controls(" ".join([line, *fell])))
    return lines


# --- the appendix ----------------------------------------------------------------------------------

APPENDIX_HEADING = texts.text("draft_appendix_heading")


def not_recognised_text(lst: RecognitionList) -> str:
    """What the appendix says of a list's units assessed and not recognised (its table holds
    the recognised only, as a decision's attachment does); "" when there are none."""
    failed = lst.entries.filter(pl.col("result") == NOT_PASSED).height
    if not failed:
        return ""
    unit = registry().title_by_id(lst.title).count_unit_vi
    if lst.recognized:
        text = texts.text(
            "draft_not_recognised_besides",
            recognized=fmt_int(lst.recognized),
            unit=unit,
            failed=fmt_int(failed),
        )
    else:
        text = texts.text("draft_not_recognised_none", unit=unit, failed=fmt_int(failed))
    if lst.entries["criteria_failed"].is_not_null().any():
        text += texts.text("draft_not_recognised_criteria")
    return text + "."


def other_lists_text(rest: list[RecognitionList]) -> str:
    """The lead-in to the lists the appendix names without printing them."""
    units = sum(lst.entries.height for lst in rest)
    return texts.text("draft_other_lists", rest=len(rest), units=fmt_int(units))


def listed_line(lst: RecognitionList) -> str:
    """ "Danh sách Cộng đồng học tập cấp thôn năm 2025 — Quyết định số … (12 thôn, tổ dân
    phố được công nhận)"."""
    unit = registry().title_by_id(lst.title).count_unit_vi
    return texts.text(
        "draft_listed_line", heading=lst.heading, recognized=fmt_int(lst.recognized), unit=unit
    )
