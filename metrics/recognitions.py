"""The register of recognitions in words and counts: what kind of unit a name is, how a
register's entries add up to the counts reports give, how the register agrees with them, and
the lists (one per title, year and decision) its entries came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from metrics.circulars import (
    NOT_ASSESSED,
    NOT_PASSED,
    RESULT_LABEL,
    UNDECIDED,
    is_yearly,
    result_label,
)
from metrics.fmt import fmt_date
from metrics.indicators import registry
from metrics.normalise import fold
from metrics.series import each
from metrics.texts import text

# The kinds of unit a list names; a list may say the kind itself (column "Loại đơn vị").
KIND_AGENCY = "Cơ quan, đơn vị"
KIND_SCHOOL = "Trường học"
KIND_BUSINESS = "Doanh nghiệp"
KIND_VILLAGE = "Thôn, tổ dân phố"
KIND_CLAN = "Dòng họ"
KIND_COMMUNE = "Xã, phường"
KIND_DISTRICT = "Huyện, quận, thị xã"
KIND_PROVINCE = "Tỉnh, thành phố"
KIND_EN = {
    KIND_AGENCY: "Agency or unit",
    KIND_SCHOOL: "School",
    KIND_BUSINESS: "Business",
    KIND_VILLAGE: "Village or residential group",
    KIND_CLAN: "Clan",
    KIND_COMMUNE: "Commune or ward",
    KIND_DISTRICT: "District",
    KIND_PROVINCE: "Province or city",
}
KINDS = (
    KIND_AGENCY,
    KIND_SCHOOL,
    KIND_BUSINESS,
    KIND_VILLAGE,
    KIND_CLAN,
    KIND_COMMUNE,
    KIND_DISTRICT,
    KIND_PROVINCE,
)

# The first words of a name → its kind (folded; the longest match wins).
_NAME_STARTS: dict[str, str] = {
    "truong": KIND_SCHOOL,
    "mam non": KIND_SCHOOL,
    "mn": KIND_SCHOOL,
    "th": KIND_SCHOOL,
    "thcs": KIND_SCHOOL,
    "thpt": KIND_SCHOOL,
    "cong ty": KIND_BUSINESS,
    "tong cong ty": KIND_BUSINESS,
    "doanh nghiep": KIND_BUSINESS,
    "htx": KIND_BUSINESS,
    "hop tac xa": KIND_BUSINESS,
    "ngan hang": KIND_BUSINESS,
    "thon": KIND_VILLAGE,
    "ban": KIND_VILLAGE,
    "lang": KIND_VILLAGE,
    "buon": KIND_VILLAGE,
    "plei": KIND_VILLAGE,
    "ap": KIND_VILLAGE,
    "khom": KIND_VILLAGE,
    "to dan pho": KIND_VILLAGE,
    "khu pho": KIND_VILLAGE,
    "xom": KIND_VILLAGE,
    "dong ho": KIND_CLAN,
    "ho": KIND_CLAN,
    "xa": KIND_COMMUNE,
    "phuong": KIND_COMMUNE,
    "dac khu": KIND_COMMUNE,
    "thi tran": KIND_COMMUNE,
}
# What a title's units are when the name does not say.
_TITLE_KIND = {
    "don_vi_cap_tinh": KIND_AGENCY,
    "don_vi": KIND_AGENCY,
    "cong_dong_thon": KIND_VILLAGE,
    "cong_dong_xa": KIND_COMMUNE,
    "dong_ho": KIND_CLAN,
    "cong_dong_huyen": KIND_DISTRICT,
    "cong_dong_tinh": KIND_PROVINCE,
}
# Which kinds each title's units may be.
TITLE_KINDS = {
    "don_vi_cap_tinh": (KIND_AGENCY, KIND_SCHOOL, KIND_BUSINESS),
    "don_vi": (KIND_AGENCY, KIND_SCHOOL, KIND_BUSINESS),
    "cong_dong_thon": (KIND_VILLAGE,),
    "cong_dong_xa": (KIND_COMMUNE,),
    "dong_ho": (KIND_CLAN,),
    "cong_dong_huyen": (KIND_DISTRICT,),
    "cong_dong_tinh": (KIND_PROVINCE,),
}


def kind_given(text: str) -> str | None:
    """A kind as a list writes it ("trường học", "Cơ quan") → one of KINDS, else None."""
    folded = fold(text)
    for kind in KINDS:
        if folded and (folded == fold(kind) or fold(kind).startswith(folded)):
            return kind
    return None


def unit_kind(title: str, name: str) -> str:
    """The kind of a unit by its name within its title: "Trường MN Hoa Mai" is a school, "UBND
    xã Ia Tơi" an agency (a commune's office, not the commune)."""
    allowed = TITLE_KINDS[title]
    words = fold(name).split()
    best: tuple[int, str] | None = None
    for start, kind in _NAME_STARTS.items():
        n = len(start.split())
        if words[:n] == start.split() and kind in allowed and (best is None or n > best[0]):
            best = (n, kind)
    return best[1] if best else _TITLE_KIND[title]


@dataclass(frozen=True)
class RegisterCount:
    """What a register implies for one area, title and year, beside what was reported."""

    listed: int  # entries in the register that were decided (assessed)
    recognized: int  # entries whose result recognises the unit
    by_result: dict[str, int]  # result id → entries
    reported: int | None  # the recognised count the figures give (None: no figure)
    not_assessed: int = 0  # entries "chưa triển khai đánh giá"

    @property
    def agrees(self) -> bool | None:
        return None if self.reported is None else self.reported == self.recognized

    def sentence(self, unit: str, lang: str = "vi") -> str:
        """ "Danh sách: 23 đơn vị được công nhận (23 Tốt) — khớp số báo cáo (23)." (in `lang`;
        results in the circulars' own words, "Tốt", "Mức độ 1", or in English, "Good")."""
        results = ", ".join(
            f"{n} {result_label(r, lang)}" for r, n in self.by_result.items() if r != NOT_PASSED
        )
        failed = self.by_result.get(NOT_PASSED, 0)
        said = text("register_count_head", lang, n=self.recognized, unit=unit)
        if results:
            said += f" ({results})"
        if failed:
            said += text("register_count_failed", lang, n=failed)
        if self.reported is None:
            return said + text("register_count_no_report", lang)
        if self.agrees:
            return said + text("register_count_agrees", lang, n=self.reported)
        diff = self.recognized - self.reported
        more = text("register_count_more", lang) if diff > 0 else text("register_count_fewer", lang)
        return said + text(
            "register_count_differs",
            lang,
            reported=self.reported,
            more=more,
            diff=abs(diff),
            unit=unit,
        )


def counts_of_place(
    entries: pl.DataFrame, locality_id: str, reported: dict[str, int | None]
) -> list[tuple[str, RegisterCount]]:
    """Per title listed for exactly this place (not its communes' or old units' lists), the
    count its list implies beside the one reported (`reported`: title → recognised count)."""
    own = entries.filter(pl.col("locality_id") == locality_id)
    return [
        (title, register_count(own.filter(pl.col("title") == title), reported.get(title)))
        for title in own["title"].unique(maintain_order=True).to_list()
    ]


def register_count(entries: pl.DataFrame, reported: int | None) -> RegisterCount:
    """The counts a register's entries (of one area, title and year) imply."""
    every = entries["result"].to_list() if entries.height else []
    results = [r for r in every if r not in (UNDECIDED, NOT_ASSESSED)]
    by_result: dict[str, int] = {}
    for r in results:
        by_result[r] = by_result.get(r, 0) + 1
    order = list(RESULT_LABEL)
    by_result = dict(sorted(by_result.items(), key=lambda kv: order.index(kv[0])))
    recognized = sum(n for r, n in by_result.items() if r != NOT_PASSED)
    return RegisterCount(len(results), recognized, by_result, reported, every.count(NOT_ASSESSED))


def is_recognised(result: str) -> bool:
    """Whether a result recognises the unit (not Không đạt, not undecided, not unassessed)."""
    return result not in (NOT_PASSED, NOT_ASSESSED, UNDECIDED)


@dataclass(frozen=True)
class Funnel:
    """The way one list came to its decision: how many units registered, assessed themselves,
    were proposed by a tờ trình and were recognised, and who fell out at each step."""

    registered: int
    self_assessed: int
    proposed: int
    decided: int
    recognized: int
    not_self_assessed: list[str]  # registered, no self-assessment
    not_proposed: list[str]  # assessed themselves, not proposed
    not_decided: list[str]  # proposed (or assessed), no decision yet
    not_passed: list[str]  # decided Không đạt
    claimed: dict[str, int]  # the levels claimed in self-assessment → units
    proposals: list[str]  # the tờ trình, as documents cite them, each once

    def sentence(self, lang: str = "vi") -> str:
        """ "Đăng ký 25, tự đánh giá 23, đề nghị 23, công nhận 23." """
        return text(
            "funnel_counts",
            lang,
            registered=self.registered,
            assessed=self.self_assessed,
            proposed=self.proposed,
            recognized=self.recognized,
        )

    def fell_out(self, unit: str, lang: str = "vi") -> list[str]:
        """Where units fell out, one line per step that lost any, naming up to five (`unit`:
        what the title counts, "đơn vị", "xã")."""

        def named(names: list[str]) -> str:
            return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")

        lines = []
        if self.not_self_assessed:
            n, names = len(self.not_self_assessed), named(self.not_self_assessed)
            lines.append(text("funnel_not_self_assessed", lang, n=n, unit=unit, names=names))
        if self.not_proposed:
            n, names = len(self.not_proposed), named(self.not_proposed)
            lines.append(text("funnel_not_proposed", lang, n=n, unit=unit, names=names))
        if self.not_decided:
            n, names = len(self.not_decided), named(self.not_decided)
            lines.append(text("funnel_not_decided", lang, n=n, unit=unit, names=names))
        if self.not_passed:
            n, names = len(self.not_passed), named(self.not_passed)
            lines.append(text("funnel_not_passed", lang, n=n, unit=unit, names=names))
        # A list cut short ends with its ellipsis, not "…." as well.
        return [line.replace("….", "…") for line in lines]

    def how(self, lang: str = "vi") -> list[str]:
        """The levels the units claimed and the tờ trình that proposed them, as two lines."""
        lines = []
        if self.claimed:
            levels = ", ".join(f"{result_label(r, lang)} {n}" for r, n in self.claimed.items())
            lines.append(text("funnel_claimed", lang, levels=levels))
        if self.proposals:
            lines.append(text("funnel_proposed_by", lang, proposals="; ".join(self.proposals)))
        return lines


def funnel(entries: pl.DataFrame) -> Funnel | None:
    """A list's way to its decision, or None when the list records no step before the decision
    (a list as a decision attaches it says who was recognised, not who registered)."""
    rows = [r for r in entries.iter_rows(named=True) if r["result"] != NOT_ASSESSED]
    stepped = any(
        r.get("self_assessed") or r.get("proposal_number") or r.get("proposal_date") for r in rows
    )
    if not rows or not stepped:
        return None
    assessed = [r for r in rows if r.get("self_assessed")]
    proposed = [r for r in rows if r.get("proposal_number") or r.get("proposal_date")]
    decided = [r for r in rows if r["result"] != UNDECIDED]
    claimed: dict[str, int] = {}
    for r in assessed:
        claimed[r["self_assessed"]] = claimed.get(r["self_assessed"], 0) + 1
    proposals = [
        proposal_text(r.get("proposal_number"), r.get("proposal_date"), r.get("proposal_issuer"))
        for r in proposed
    ]
    return Funnel(
        registered=len(rows),
        self_assessed=len(assessed),
        proposed=len(proposed),
        decided=len(decided),
        recognized=sum(1 for r in rows if is_recognised(r["result"])),
        not_self_assessed=[
            r["name"] for r in rows if not r.get("self_assessed") and r["result"] == UNDECIDED
        ],
        not_proposed=[
            r["name"]
            for r in assessed
            if not (r.get("proposal_number") or r.get("proposal_date")) and r["result"] == UNDECIDED
        ],
        not_decided=[r["name"] for r in proposed if r["result"] == UNDECIDED],
        not_passed=[r["name"] for r in rows if r["result"] == NOT_PASSED],
        claimed=claimed,
        proposals=list(dict.fromkeys(p for p in proposals if p)),
    )


def proposal_text(number: str | None, dated: date | None, issuer: str | None) -> str:
    """A tờ trình as documents cite it: "Tờ trình số 32a/TTr-PGDĐT ngày 05/02/2024 của Phòng
    Giáo dục và Đào tạo huyện"; the parts not given left out ("" for none)."""
    return cited("Tờ trình", number, dated, issuer)


def cited(document: str, number: str | None, dated: date | None, issuer: str | None) -> str:
    """A document as documents cite it: "<document> số <number> ngày <dd/mm/yyyy> của
    <issuer>", the parts not given left out ("" when none is)."""
    if not (number or dated or issuer):
        return ""
    said = document + (f" số {number}" if number else "")
    if dated:
        said += f" ngày {fmt_date(dated)}"
    return said + (f" của {issuer}" if issuer else "")


# -- the register as readers see it ------------------------------------------------------------


def public_entries(frame: pl.DataFrame) -> list[dict]:
    """Entries as `xhht recognitions … --json` gives them (keys documented in the README)."""
    out = []
    for r in frame.iter_rows(named=True):
        out.append(
            {
                "name": r["name"],
                "kind": r["kind"],
                "locality_code": r["locality_code"],
                "locality": r["locality_name"],
                "year": r["year"],
                "title": r["title"],
                "result": r["result"] or None,
                "result_label": RESULT_LABEL.get(r["result"]) if r["result"] else None,
                "decision_number": r["decision_number"] or None,
                "decision_date": r["decision_date"].isoformat() if r["decision_date"] else None,
                "issuer": r["issuer"],
                "valid_until": r["valid_until"].isoformat()
                if r["valid_until"] and not is_yearly(r["title"], r["year"])
                else None,
                "circular": r["circular"],
                "criteria_failed": _numbers(r["criteria_failed"]),
                "criteria_met": _numbers(r["criteria_met"]),
                "synthetic": r["synthetic"],
                "source": r["source"],
                "self_assessed": r.get("self_assessed"),
                "proposal_number": r.get("proposal_number") or None,
                "proposal_date": r["proposal_date"].isoformat() if r.get("proposal_date") else None,
                "proposal_issuer": r.get("proposal_issuer"),
            }
        )
    return out


def _numbers(text: str | None) -> list[int]:
    return [int(n) for n in text.split(",")] if text else []


def criteria_not_met(frame: pl.DataFrame) -> pl.DataFrame:
    """Per criterion, how many assessed entries did not meet it (most often first): what the
    units and communes of an area need help with. Entries without criteria are left out."""
    counts: dict[int, list[int]] = {}
    for met, failed in frame.select("criteria_met", "criteria_failed").iter_rows():
        for n in _numbers(met):
            counts.setdefault(n, [0, 0])[0] += 1
        for n in _numbers(failed):
            counts.setdefault(n, [0, 0])[1] += 1
    rows = [
        {"criterion": n, "not_met": f, "assessed": m + f} for n, (m, f) in sorted(counts.items())
    ]
    schema = {"criterion": pl.Int64, "not_met": pl.Int64, "assessed": pl.Int64}
    return pl.DataFrame(rows, schema=schema).sort(
        ["not_met", "criterion"], descending=[True, False]
    )


def title_words(title: str, lang: str = "vi") -> str:
    """A recognition's own title, as a register names one unit's: "Cộng đồng học tập cấp xã",
    "Learning community (commune level)" (not the indicator's short heading, "Communes")."""
    return text(f"recognition_title_{title}", lang)


def shown_entries(frame: pl.DataFrame, lang: str = "vi") -> pl.DataFrame:
    """Entries as a page lists them: the unit, its kind and place, the title, the result, the
    decision in one phrase, the last day it stands and the criteria it missed."""
    rows = []
    for r in frame.iter_rows(named=True):
        decision = r["decision_number"] or ""
        if r["decision_date"]:
            decision += (
                f" ({fmt_date(r['decision_date'])})"
                if decision
                else f"{fmt_date(r['decision_date'])}"
            )
        failed = _numbers(r["criteria_failed"])
        rows.append(
            {
                "unit_name": r["name"],
                "unit_kind": KIND_EN.get(r["kind"], r["kind"]) if lang == "en" else r["kind"],
                "locality_name": r["locality_name"],
                "title_label": title_words(r["title"], lang),
                "result_label": result_label(r["result"], lang)
                if r["result"]
                else text("recognition_undecided", lang),
                "decision": decision or None,
                "valid_until_text": valid_text(r, lang),
                "criteria_failed_text": ", ".join(map(str, failed)) or None,
                "self_assessed_text": result_label(r["self_assessed"], lang)
                if r.get("self_assessed")
                else None,
                "proposal": _proposal_short(r) or None,
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys((*SHOWN_ENTRY_FIELDS, *STEP_FIELDS), pl.String))


def valid_text(entry: dict, lang: str = "vi") -> str | None:
    """ "19/12/2027" under Thông tư 24/25; a yearly result is the result of its year and does
    not lapse: "kết quả năm 2023" (whatever an older store recorded as its end). The one
    wording of how long a recognition stands: the pages' table and `xhht recognitions`."""
    if entry["result"] in (NOT_PASSED, NOT_ASSESSED, UNDECIDED):
        return None
    if is_yearly(entry["title"], entry["year"]):
        return text("recognition_yearly_result", lang, year=entry["year"])
    until = entry["valid_until"]
    if isinstance(until, str):  # public_entries' ISO date
        until = date.fromisoformat(until)
    return fmt_date(until) if until else None


def _proposal_short(entry: dict) -> str:
    """ "32a/TTr-PGDĐT (05/02/2024)", as the decision column says its decision."""
    number, dated = entry.get("proposal_number") or "", entry.get("proposal_date")
    if dated:
        return f"{number} ({fmt_date(dated)})" if number else fmt_date(dated)
    return number


SHOWN_ENTRY_FIELDS = (
    "unit_name",
    "unit_kind",
    "locality_name",
    "title_label",
    "result_label",
    "decision",
    "valid_until_text",
    "criteria_failed_text",
)
# The way to the decision, shown when a list records it.
STEP_FIELDS = ("self_assessed_text", "proposal")

# The register's columns a page sorts it by (a column of SHOWN_ENTRY_FIELDS → how): names and
# places by their letters (Đ with D, marks aside), results from the highest, decisions and the
# last day a recognition stands by date. A unit's name settles ties.
SORT_FIELDS = ("unit_name", "locality_name", "result_label", "decision", "valid_until_text")
_RESULT_RANK = {rid: i for i, rid in enumerate(RESULT_LABEL)}


def sorted_entries(frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """The register's entries in the order of the column `by` (one of SORT_FIELDS); as listed
    when `by` is empty. Entries without the value (no decision, no last day) come last."""
    if not by or frame.height == 0:
        return frame
    name = pl.lit(each(frame["name"], fold))
    keys: dict[str, list[pl.Expr]] = {
        "unit_name": [name],
        "locality_name": [pl.lit(each(frame["locality_name"], fold))],
        "result_label": [pl.col("result").replace_strict(_RESULT_RANK, default=len(_RESULT_RANK))],
        "decision": [pl.col("decision_date"), pl.col("decision_number")],
        "valid_until_text": [pl.col("valid_until")],
    }
    return frame.sort([*keys[by], name], nulls_last=True, maintain_order=True)


def entries_matching(frame: pl.DataFrame, words: str) -> pl.DataFrame:
    """The entries whose unit name or place holds `words`, typed with or without marks and in
    any case ("truong mn" finds "Trường MN Hoa Mai")."""
    wanted = fold(words)
    if not wanted:
        return frame
    text = frame.select(
        pl.concat_str([pl.col("name"), pl.col("locality_name")], separator=" ", ignore_nulls=True)
    ).to_series()
    return frame.filter(each(text, fold).str.contains(wanted, literal=True))


# -- the lists the register holds, as decisions attach them -----------------------------------

# The order lists are shown in: the titles assessed across a province or a former district
# first (its units, its communes), then each commune's own lists together (units, villages,
# clans). So when an area has many lists and only the first keep a sheet or a place in the
# report's appendix, those are the area-wide ones, not one commune's villages.
LIST_ORDER = (
    "cong_dong_tinh",
    "cong_dong_huyen",
    "don_vi_cap_tinh",
    "cong_dong_xa",
    "don_vi",
    "cong_dong_thon",
    "dong_ho",
)
_AREA_WIDE = frozenset({"cong_dong_tinh", "cong_dong_huyen", "don_vi_cap_tinh", "cong_dong_xa"})
# How many lists an export shows one by one; the rest are grouped (workbook) or named by count
# (report). A province's communes each decide their own lists: 96 sheets would be unreadable.
MAX_LISTS_SHOWN = 10


def decision_text(number: str | None, decided: date | None, issuer: str | None) -> str:
    """A decision as documents cite it: "Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND
    huyện Ia H'Drai, tỉnh Kon Tum"; the parts a list did not give left out ("" for none)."""
    return cited("Quyết định", number, decided, issuer)


@dataclass(frozen=True)
class RecognitionList:
    """One list of the register: the units one decision recognised (or assessed) for a title
    and a year, in the list's own order."""

    title: str
    year: int
    decision_number: str
    decision_date: date | None
    issuer: str | None
    entries: pl.DataFrame  # rows of recognition_queries.entries_in

    @property
    def synthetic(self) -> bool:
        return bool(self.entries["synthetic"].any())

    @property
    def recognized(self) -> int:
        return sum(1 for r in self.entries["result"].to_list() if is_recognised(r))

    @property
    def decision(self) -> str:
        return decision_text(self.decision_number, self.decision_date, self.issuer)

    @property
    def heading(self) -> str:
        """ "Danh sách Đơn vị học tập cấp tỉnh, cấp huyện (cũ) năm 2023 — Quyết định số
        87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum"."""
        label = registry().title_by_id(self.title).label_vi
        return f"Danh sách {label} năm {self.year} — {self.decision or 'chưa ghi quyết định'}"

    @property
    def sources(self) -> list[str]:
        """The documents the list's real entries were read from, each once (a demo entry's
        source is the demo's own line: the export marks demo data in its own words)."""
        real = self.entries.filter(~pl.col("synthetic"))["source"].to_list()
        return list(dict.fromkeys(s for s in real if s))


def recognition_lists(entries: pl.DataFrame) -> list[RecognitionList]:
    """The register's entries (recognition_queries.entries_in) as the lists they came in: one
    per year, title and decision (number, date, issuer: two communes may both number a
    decision 23/QĐ-UBND): the area-wide lists first, then each place's lists in LIST_ORDER."""
    keys = ["year", "title", "decision_number", "decision_date", "issuer"]
    lists = [
        RecognitionList(
            title=title,
            year=year,
            decision_number=number or "",
            decision_date=decided,
            issuer=issuer,
            entries=group,
        )
        for (year, title, number, decided, issuer), group in entries.group_by(
            keys, maintain_order=True
        )
        # A place "not yet assessed" is no list: its state is said (above_commune_states).
        if set(group["result"]) != {NOT_ASSESSED}
    ]
    return sorted(
        lists,
        key=lambda r: (
            r.year,
            r.title not in _AREA_WIDE,
            fold(r.entries["locality_name"][0]),  # a commune's own lists side by side
            LIST_ORDER.index(r.title),
            r.decision_date or date.min,
            fold(r.decision_number),
        ),
    )


def lists_shown(
    lists: list[RecognitionList],
) -> tuple[list[RecognitionList], list[RecognitionList]]:
    """The lists an export shows one by one and the rest: all of them up to MAX_LISTS_SHOWN;
    beyond, the first MAX_LISTS_SHOWN − 1, the place of the last taken by the rest together."""
    if len(lists) <= MAX_LISTS_SHOWN:
        return lists, []
    return lists[: MAX_LISTS_SHOWN - 1], lists[MAX_LISTS_SHOWN - 1 :]


# -- the places assessed as a whole above the commune ------------------------------------------


def above_commune_states(
    entries: pl.DataFrame, locality_id: str, lang: str = "vi"
) -> list[tuple[str, str]]:
    """For each title above the commune (Cộng đồng học tập cấp huyện, cấp tỉnh) recorded for
    exactly this place: (title, "Cộng đồng học tập cấp huyện: chưa triển khai đánh giá"); a
    decided result wins over an earlier "not yet assessed", and names its decision."""
    from metrics.circulars import ABOVE_COMMUNE_TITLES

    reg = registry()
    said = []
    own = entries.filter(pl.col("locality_id") == locality_id) if entries.height else entries
    for title in ABOVE_COMMUNE_TITLES:
        rows = [r for r in own.iter_rows(named=True) if r["title"] == title] if own.height else []
        if not rows:
            continue
        decided = [r for r in rows if r["result"] not in (NOT_ASSESSED, UNDECIDED)]
        row = decided[-1] if decided else rows[-1]
        label = reg.title_by_id(title).label(lang)
        if row["result"] in (NOT_ASSESSED, UNDECIDED):
            state = text("above_commune_not_assessed", lang)
        elif row["result"] == NOT_PASSED:
            state = text("above_commune_not_passed", lang)
        else:
            state = text("above_commune_recognised", lang, level=result_label(row["result"], lang))
        decision = decision_text(row["decision_number"], row["decision_date"], row["issuer"])
        said.append((title, f"{label}: {state}" + (f" ({decision})" if decision else "")))
    return said
