"""A place's context in a year (households, people, ethnic minorities, villages, residential
groups, agencies, schools) and its universal-education and literacy levels: the codes, the
sentences reports write ("3.783 hộ/15.500 nhân khẩu (tính đến 31/12/2023), trong đó 2.497 hộ
DTTS/9.608 nhân khẩu, chiếm tỷ lệ 61,99% dân số"), the JSON the CLI prints, and the check of an
imported total of households against the context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from metrics.fmt import fmt_date, fmt_int, fmt_num, fmt_pct
from metrics.name_parts import UNIT_TYPES
from metrics.queries import context as cq
from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS
from metrics.texts import text

# An imported total of households (the gia_dinh indicator's total) that differs from the
# place's context by more than this share of the context's households is flagged in the
# import preview (a warning, the file is still written): the two count the same households,
# but a report's "tổng số hộ" and the year's population count are dated differently, so a few
# percent apart is normal; 10% apart is usually a typo or another place's figure.
HOUSEHOLDS_TOLERANCE = 0.10

# The level codes each universal-education field takes, in order from lowest to highest.
PRESCHOOL_CODES = ("chua_dat", "dat")
LEVEL_3_CODES = ("chua_dat", "muc_do_1", "muc_do_2", "muc_do_3")
LEVEL_2_CODES = ("chua_dat", "muc_do_1", "muc_do_2")
EDUCATION_CODES: dict[str, tuple[str, ...]] = {
    "preschool_5": PRESCHOOL_CODES,
    "primary_school": LEVEL_3_CODES,
    "lower_secondary": LEVEL_3_CODES,
    "literacy": LEVEL_2_CODES,
}
# How a form and a page write each code (Vietnamese; the import reads these back).
CODE_LABEL_VI = {
    "dat": "Đạt",
    "chua_dat": "Chưa đạt",
    "muc_do_1": "Mức độ 1",
    "muc_do_2": "Mức độ 2",
    "muc_do_3": "Mức độ 3",
}


def minority_share(minority_population: int | None, population: int | None) -> float | None:
    """The ethnic-minority share of the population, in percent; None unless both are known
    (and the population is not zero)."""
    if minority_population is None or not population:
        return None
    return minority_population / population * 100


@dataclass(frozen=True)
class PlaceContext:
    """A place's context as a report states it for a year (each count may be unknown)."""

    locality_id: str
    year: int
    counts: dict[str, int | None]
    as_of: date | None
    source: str
    synthetic: bool

    def count(self, name: str) -> int | None:
        return self.counts.get(name)

    @property
    def minority_share_pct(self) -> float | None:
        return minority_share(self.count("minority_population"), self.count("population"))

    def public(self) -> dict:
        """The JSON `xhht context --json` prints (README: keys, numbers, ISO dates)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            **{c: self.count(c) for c in CONTEXT_COUNTS},
            "minority_share_pct": self.minority_share_pct,
            "source": self.source,
            "synthetic": self.synthetic,
        }


@dataclass(frozen=True)
class EducationLevels:
    """The universal-education and literacy standards a place holds in a year, as codes."""

    locality_id: str
    year: int
    levels: dict[str, str | None]
    as_of: date | None
    source: str
    synthetic: bool

    def public(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            **{f: self.levels.get(f) for f in EDUCATION_FIELDS},
            "source": self.source,
            "synthetic": self.synthetic,
        }


def context_for(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> PlaceContext | None:
    """The place's context for the year, else the latest before it; None when the store has none."""
    frame = cq.context_upto(con, locality_id, year)
    if not frame.height:
        return None
    row = frame.row(0, named=True)
    return PlaceContext(
        locality_id=row["locality_id"],
        year=int(row["year"]),
        counts={c: (None if row[c] is None else int(row[c])) for c in CONTEXT_COUNTS},
        as_of=row["as_of"],
        source=row["source"],
        synthetic=bool(row["synthetic"]),
    )


def education_for(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int
) -> EducationLevels | None:
    """The place's universal-education levels for the year, else the latest before it."""
    frame = cq.education_upto(con, locality_id, year)
    if not frame.height:
        return None
    row = frame.row(0, named=True)
    return EducationLevels(
        locality_id=row["locality_id"],
        year=int(row["year"]),
        levels={f: row[f] for f in EDUCATION_FIELDS},
        as_of=row["as_of"],
        source=row["source"],
        synthetic=bool(row["synthetic"]),
    )


# --- sentences ---------------------------------------------------------------------------------


def area_word(name: str) -> str:
    """The place's own word mid-sentence, as reports write "trên địa bàn huyện": "Huyện Ia
    H'Drai" → "huyện", "Thành phố Hà Nội" → "thành phố"; a name without a type word as it is."""
    for unit_type in UNIT_TYPES:
        if name.startswith(unit_type + " "):
            return unit_type.lower()
    return name


def _when(as_of: date | None, year: int, lang: str) -> str:
    if as_of is not None:
        return text("context_as_of", lang, date=f"{fmt_date(as_of)}")
    return text("context_in_year", lang, year=year)


def context_sentences(ctx: PlaceContext, area: str, lang: str = "vi") -> list[str]:
    """The context as reports write it, `area` being the place's own word ("huyện", "xã";
    in English its name): "Tổng số hộ dân trên địa bàn huyện là 3.783 hộ/15.500 nhân khẩu
    (tính đến 31/12/2023), trong đó có 2.497 hộ DTTS/9.608 nhân khẩu, chiếm tỷ lệ 61,99% dân
    số." then "Huyện có 21 thôn (làng), …". Only what is known is said."""
    hh, people = ctx.count("households"), ctx.count("population")
    m_hh, m_people = ctx.count("minority_households"), ctx.count("minority_population")
    when = _when(ctx.as_of, ctx.year, lang)
    out: list[str] = []
    if hh is not None or people is not None:
        if hh is not None and people is not None:
            size = text(
                "context_households_people",
                lang,
                hh=fmt_int(hh, lang=lang),
                people=fmt_int(people, lang=lang),
            )
        elif hh is not None:
            size = text("context_households", lang, hh=fmt_int(hh, lang=lang))
        else:
            size = text("context_people", lang, people=fmt_int(people, lang=lang))
        sentence = text("context_size", lang, area=area, size=size, when=when)
        if m_hh is not None or m_people is not None:
            if m_hh is not None and m_people is not None:
                minority = text(
                    "context_minority_both",
                    lang,
                    hh=fmt_int(m_hh, lang=lang),
                    people=fmt_int(m_people, lang=lang),
                )
            elif m_hh is not None:
                minority = text("context_minority_households", lang, hh=fmt_int(m_hh, lang=lang))
            else:
                minority = text(
                    "context_minority_people", lang, people=fmt_int(m_people, lang=lang)
                )
            sentence += text("context_of_which", lang, minority=minority)
            share = ctx.minority_share_pct
            if share is not None:
                sentence += text("context_minority_share", lang, share=fmt_pct(share, 2, lang=lang))
        out.append(sentence + ".")
    said = {
        "villages": lambda n: text("context_villages", lang, n=n),
        "residential_groups": lambda n: text("context_residential_groups", lang, n=n),
        "agencies": lambda n: text("context_agencies", lang, n=n),
        "schools": lambda n: text("context_schools", lang, n=n),
    }
    units = [
        say(fmt_int(ctx.count(field), lang=lang))
        for field, say in said.items()
        if ctx.count(field) is not None
    ]
    if units:
        listed = (
            units[0]
            if len(units) == 1
            else ", ".join(units[:-1]) + text("context_and", lang) + units[-1]
        )
        head = area[0].upper() + area[1:]
        out.append(text("context_units", lang, area=head, units=listed) + ".")
    return out


def _standard(field: str, lang: str) -> str:
    """What a field's standard is called mid-sentence: "phổ cập giáo dục tiểu học"."""
    return {
        "preschool_5": lambda: text("education_preschool_5", lang),
        "primary_school": lambda: text("education_primary", lang),
        "lower_secondary": lambda: text("education_lower_secondary", lang),
        "literacy": lambda: text("education_literacy", lang),
    }[field]()


def education_parts(levels: EducationLevels, lang: str = "vi") -> list[str]:
    """Each known standard in words: "đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi",
    "phổ cập giáo dục tiểu học đạt mức độ 3", "xóa mù chữ chưa đạt chuẩn"."""
    parts = []
    for field in EDUCATION_FIELDS:
        code = levels.levels.get(field)
        if code is None:
            continue
        what = _standard(field, lang)
        if field == "preschool_5" and code == "dat":
            parts.append(text("education_reached", lang, what=what))
        elif field == "preschool_5":
            parts.append(text("education_not_reached", lang, what=what))
        elif code == "chua_dat":
            parts.append(text("education_level_not_reached", lang, what=what))
        else:
            parts.append(
                text("education_level", lang, what=what, level=code.removeprefix("muc_do_"))
            )
    return parts


def education_sentence(levels: EducationLevels, name: str, lang: str = "vi") -> str:
    """ "Phổ cập giáo dục, xóa mù chữ (năm 2023): Huyện Ia H'Drai đạt chuẩn phổ cập giáo dục mầm
    non cho trẻ em 5 tuổi; phổ cập giáo dục tiểu học đạt mức độ 3; …"; "" when nothing is known."""
    parts = education_parts(levels, lang)
    if not parts:
        return ""
    return text(
        "education_sentence",
        lang,
        when=_when(levels.as_of, levels.year, lang),
        name=name,
        parts="; ".join(parts),
    )


# --- the check of an imported total of households ------------------------------------------------


@dataclass(frozen=True)
class HouseholdsGap:
    """An imported total of households and the context's, too far apart (HOUSEHOLDS_TOLERANCE)."""

    row: int | None
    place: str
    year: int
    imported: int
    households: int
    context_year: int
    as_of: date | None

    @property
    def share(self) -> float:
        return abs(self.imported - self.households) / self.households

    def message(self, imported_what: str, held_what: str) -> str:
        """Vietnamese, as the import preview says it."""
        where = f"Dòng {self.row}: " if self.row is not None else ""
        when = f"tính đến {fmt_date(self.as_of)}" if self.as_of else f"năm {self.context_year}"
        return (
            f"{where}{imported_what} của {self.place}, năm {self.year}, là {fmt_int(self.imported)} "
            f"hộ, {held_what} ghi {fmt_int(self.households)} hộ ({when}): lệch "
            f"{fmt_num(self.share * 100)}%, quá {fmt_num(HOUSEHOLDS_TOLERANCE * 100, 0)}%. "
            "Kiểm tra lại số hộ; nếu cả hai đều đúng, vẫn có thể ghi."
        )


def too_far_apart(imported: int | None, households: int | None) -> bool:
    if imported is None or not households:
        return False
    return abs(imported - households) / households > HOUSEHOLDS_TOLERANCE


def households_gaps(con: duckdb.DuckDBPyConnection, rows: Sequence[dict]) -> list[HouseholdsGap]:
    """Imported families rows (locality_id, year, total, _row, _locality) whose total differs
    from the context of the place (that year, else the latest before it) by more than the
    tolerance."""
    ids = sorted({r["locality_id"] for r in rows})
    held = cq.households_of(con, ids) if ids else None
    if held is None or not held.height:
        return []
    by_place: dict[str, list[dict]] = {}
    for c in held.iter_rows(named=True):
        by_place.setdefault(c["locality_id"], []).append(c)
    gaps = []
    for r in rows:
        earlier = [c for c in by_place.get(r["locality_id"], []) if c["year"] <= r["year"]]
        if not earlier:
            continue
        c = earlier[-1]
        if too_far_apart(r["total"], c["households"]):
            gaps.append(
                HouseholdsGap(
                    r.get("_row"),
                    r.get("_locality") or r["locality_id"],
                    int(r["year"]),
                    int(r["total"]),
                    int(c["households"]),
                    int(c["year"]),
                    c["as_of"],
                )
            )
    return gaps


def context_gaps(con: duckdb.DuckDBPyConnection, rows: Sequence[dict]) -> list[HouseholdsGap]:
    """Imported context rows (locality_id, year, households, as_of, _row, _locality) whose
    households differ from the place's families total in force for the same year by more than
    the tolerance (the other way round from households_gaps)."""
    ids = sorted({r["locality_id"] for r in rows if r.get("households") is not None})
    if not ids:
        return []
    totals = {
        (t["locality_id"], int(t["year"])): int(t["total"])
        for t in cq.family_totals_of(con, ids).iter_rows(named=True)
    }
    gaps = []
    for r in rows:
        total = totals.get((r["locality_id"], int(r["year"])))
        if total is not None and too_far_apart(total, r.get("households")):
            gaps.append(
                HouseholdsGap(
                    r.get("_row"),
                    r.get("_locality") or r["locality_id"],
                    int(r["year"]),
                    total,
                    int(r["households"]),
                    int(r["year"]),
                    r.get("as_of"),
                )
            )
    return gaps
