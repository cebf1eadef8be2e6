"""Which rules judge a recognition: for a title and a year, the circular (or the programme's
criteria), the results it gives, its criteria and how long a recognition stands.

- Thông tư 22/2020/TT-BGDĐT rated provincial and former district learning units Tốt, Khá,
  Trung bình or Không đạt, each year (results up to 2023).
- Thông tư 44/2014/TT-BGDĐT rated commune learning communities the same way (up to 2023).
- From 2024, Thông tư 24/2023/TT-BGDĐT (units) and 25/2023/TT-BGDĐT (communes, 5 criteria)
  recognise Mức độ 1 or Mức độ 2, or Không đạt; a recognition stands 3 years.
- Clans, village communities and commune-level units are recognised each year under the
  programme's criteria (QĐ 387/QĐ-TTg, Hội Khuyến học): Đạt or Không đạt, no rating.
- Thông tư 25/2023 also assesses learning communities of a district (until the districts went,
  7/2025) and of a province, as a whole: Mức độ 1 or 2, Không đạt, or — reports say it —
  "chưa triển khai đánh giá" (not yet assessed, which is not "not recognised"). Those titles
  are data (`[[title]]` in data/indicators.toml); before 2024 no rule assessed them.

A unit on a list may also stop before the decision: registered, self-assessed, proposed by a
tờ trình, then decided. Its result is then UNDECIDED ("").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from metrics.indicators import registry
from metrics.normalise import fold

# The titles recognised one by one, which the register of recognitions holds (families are
# too many to list: they stay counted); then the places assessed as a whole above the commune.
UNIT_TITLES = ("don_vi_cap_tinh", "don_vi", "cong_dong_thon", "cong_dong_xa", "dong_ho")
ABOVE_COMMUNE_TITLES = tuple(t.id for t in registry().title)
REGISTER_TITLES = (*UNIT_TITLES, *ABOVE_COMMUNE_TITLES)

NOT_PASSED = "khong_dat"
PASSED = "dat"
# Not yet assessed there ("chưa triển khai đánh giá"): no assessment, so neither recognised
# nor not recognised. Only for the titles above the commune.
NOT_ASSESSED = "chua_danh_gia"
# A unit on a list that the decision did not decide (it stopped at registering, assessing
# itself or being proposed).
UNDECIDED = ""

# Result id → how lists write it (compared folded: marks, case and punctuation aside).
RESULT_WORDS: dict[str, tuple[str, ...]] = {
    "tot": ("Tốt", "Loại tốt", "Xếp loại tốt", "T"),
    "kha": ("Khá", "Loại khá", "Xếp loại khá", "K"),
    "trung_binh": ("Trung bình", "Loại trung bình", "TB"),
    "muc_do_1": ("Mức độ 1", "Mức 1", "MĐ1", "MĐ 1", "Mức độ I", "Đạt mức độ 1"),
    "muc_do_2": ("Mức độ 2", "Mức 2", "MĐ2", "MĐ 2", "Mức độ II", "Đạt mức độ 2"),
    PASSED: ("Đạt", "Công nhận", "Được công nhận", "x"),
    NOT_PASSED: ("Không đạt", "Chưa đạt", "Không công nhận", "Chưa công nhận", "KĐ"),
    NOT_ASSESSED: (
        "Chưa triển khai đánh giá",
        "Chưa đánh giá",
        "Chưa triển khai",
        "Chưa tổ chức đánh giá",
    ),
}
RESULT_LABEL = {rid: words[0] for rid, words in RESULT_WORDS.items()}
# The same results as an English reader is told them (the lists themselves stay in Vietnamese).
RESULT_LABEL_EN = {
    "tot": "Good",
    "kha": "Fair",
    "trung_binh": "Average",
    "muc_do_1": "Level 1",
    "muc_do_2": "Level 2",
    PASSED: "Passed",
    NOT_PASSED: "Not passed",
    NOT_ASSESSED: "Not yet assessed",
}
_RESULT_BY_WORD = {fold(w): rid for rid, words in RESULT_WORDS.items() for w in words}


def result_label(result: str, lang: str = "vi") -> str:
    """A result id as a reader of `lang` reads it ("tot" → "Tốt" / "Good"); an unknown id as is."""
    labels = RESULT_LABEL_EN if lang == "en" else RESULT_LABEL
    return labels.get(result, result)


def parse_result(text: str) -> str | None:
    """The result a list's cell gives ("Loại Tốt" → "tot"), or None for words we don't know."""
    return _RESULT_BY_WORD.get(fold(text)) if text.strip() else None


@dataclass(frozen=True)
class Circular:
    """The rules for some titles over some years."""

    id: str
    name: str  # as reports cite it
    titles: frozenset[str]
    years: tuple[int, int]  # the results' years it applies to, both included
    results: tuple[str, ...]  # result ids it gives, the failing one last
    valid_years: int  # how many years a recognition stands (1: its own year)
    criteria: int  # how many numbered criteria (Tiêu chí 1…N) it has; 0: none to record
    also: tuple[str, ...] = ()  # states it records beside its results (not yet assessed)

    @property
    def states(self) -> tuple[str, ...]:
        """Every result a list may write under it: its results and `also`."""
        return (*self.results, *self.also)

    @property
    def results_text(self) -> str:
        words = [RESULT_LABEL[r] for r in self.states]
        return ", ".join(words[:-1]) + f" hoặc {words[-1]}" if len(words) > 1 else words[0]


_UNITS = frozenset({"don_vi_cap_tinh"})
_COMMUNES = frozenset({"cong_dong_xa"})
_ABOVE = frozenset(ABOVE_COMMUNE_TITLES)
CIRCULARS: tuple[Circular, ...] = (
    Circular(
        "tt22_2020",
        "Thông tư 22/2020/TT-BGDĐT",
        _UNITS,
        (2015, 2023),
        ("tot", "kha", "trung_binh", NOT_PASSED),
        1,
        5,
    ),
    Circular(
        "tt24_2023",
        "Thông tư 24/2023/TT-BGDĐT",
        _UNITS,
        (2024, 2100),
        ("muc_do_1", "muc_do_2", NOT_PASSED),
        3,
        5,
    ),
    Circular(
        "tt44_2014",
        "Thông tư 44/2014/TT-BGDĐT",
        _COMMUNES,
        (2015, 2023),
        ("tot", "kha", "trung_binh", NOT_PASSED),
        1,
        0,
    ),
    Circular(
        "tt25_2023",
        "Thông tư 25/2023/TT-BGDĐT",
        _COMMUNES,
        (2024, 2100),
        ("muc_do_1", "muc_do_2", NOT_PASSED),
        3,
        5,
    ),
    Circular(
        "chuong_trinh",
        "tiêu chí của Chương trình (QĐ 387/QĐ-TTg) và Hội Khuyến học",
        frozenset({"don_vi", "cong_dong_thon", "dong_ho"}),
        (2015, 2100),
        (PASSED, NOT_PASSED),
        1,
        0,
    ),
    Circular(
        "tt25_2023_cap_tren",
        "Thông tư 25/2023/TT-BGDĐT",
        _ABOVE,
        (2024, 2100),
        ("muc_do_1", "muc_do_2", NOT_PASSED),
        3,
        5,
        also=(NOT_ASSESSED,),
    ),
    # Before Thông tư 25/2023 took effect (12/02/2024) no rule assessed a district or a
    # province as a learning community: a report can only say it was not assessed.
    Circular(
        "chua_co_quy_dinh",
        "chưa có quy định đánh giá (Thông tư 25/2023/TT-BGDĐT áp dụng từ kết quả năm 2024)",
        _ABOVE,
        (2015, 2023),
        (),
        1,
        0,
        also=(NOT_ASSESSED,),
    ),
)


def circular_for(title: str, year: int) -> Circular | None:
    """The rules a title's recognitions of a year are judged by (None: not a register title)."""
    for circular in CIRCULARS:
        if title in circular.titles and circular.years[0] <= year <= circular.years[1]:
            return circular
    return None


def valid_until(circular: Circular, year: int, result: str, decided: date | None) -> date | None:
    """The last day a recognition stands, for the recognitions that stand for a term: under
    Thông tư 24/25, 3 years from the decision's date, or (no date given) 3 years counted from
    the end of the results' year. A yearly result (Thông tư 22/2020, 44/2014, the programme's
    titles) is the result of its year and has no expiry (None); a failed assessment recognises
    nothing (None)."""
    if result in (NOT_PASSED, NOT_ASSESSED, UNDECIDED) or circular.valid_years == 1:
        return None
    start = decided if decided is not None else date(year + 1, 1, 1)
    try:
        end = start.replace(year=start.year + circular.valid_years)
    except ValueError:  # 29 February: the anniversary is 1 March
        end = date(start.year + circular.valid_years, 3, 1)
    return end - timedelta(days=1)


def is_yearly(title: str, year: int) -> bool:
    """Whether a title's result of `year` is a yearly result (no term to lapse)."""
    circular = circular_for(title, year)
    return circular is None or circular.valid_years == 1


# A decision for a year's results is signed in that year or early the next (seed reports:
# results of 2023 recognised by a decision of 10/02/2024).
DECISION_YEARS_AFTER = 1


def decision_date_fits(year: int, decided: date) -> bool:
    return year <= decided.year <= year + DECISION_YEARS_AFTER


_CRITERION = re.compile(r"^(?:tieu chi|tc)\s*(?:so\s*)?(\d{1,2})\b")


def criterion_number(header: str) -> int | None:
    """The number of a criterion column: "Tiêu chí 3", "TC3", "Tiêu chí số 3: Cơ sở vật chất"."""
    found = _CRITERION.match(fold(header))
    return int(found.group(1)) if found else None


# How a criterion cell says met or not met.
CRITERION_MET = frozenset({"dat", "x", "co", "1", "v"})
CRITERION_NOT_MET = frozenset({"khong dat", "chua dat", "khong", "0", "kd"})


def criterion_value(text: str) -> bool | None:
    """True (met), False (not met) or None (blank); raises ValueError for other words."""
    folded = fold(text)
    if not folded:
        return None
    if folded in CRITERION_MET:
        return True
    if folded in CRITERION_NOT_MET:
        return False
    raise ValueError(text)
