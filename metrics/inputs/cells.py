"""Cell values as text, and the counts, percentages and dates users type as text ("1.234",
"85,5", "10/02/2024")."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from metrics.escaping import without_controls


class FormulaWithoutValue(str):
    """A cell whose file holds a formula but not its value (files written by programs, never
    saved by Excel): it reads as blank, and the rules say why."""

    ref: str  # "G2"
    formula: str  # "=500*2", or "" for a shared formula's copies

    def __new__(cls, ref: str, formula: str) -> FormulaWithoutValue:
        cell = super().__new__(cls, "")
        cell.ref, cell.formula = ref, formula
        return cell


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if type(value) in (int, float) or (type(value) is str and len(value) <= _CACHED_LEN):
        return _plain_text(value)  # a sheet repeats its names and numbers row after row
    return _plain_text_of(value)


# Only short cells are remembered: the cache outlives the import in the app's process, and
# 32.768 cells of Excel's 32.767 characters would hold a gigabyte.
_CACHED_LEN = 200


@lru_cache(maxsize=1 << 15, typed=True)
def _plain_text(value: str | int | float) -> str:
    return _plain_text_of(value)


def _plain_text_of(value: object) -> str:
    # NFD input (macOS, cp1258) → NFC; control characters (a terminal escape, a bell) are never
    # kept: what a file brings in is shown on pages, terminals and exports.
    text = without_controls(unicodedata.normalize("NFC", str(value))).strip()
    return "" if text.lower() in ("nan", "none") else text


_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_WHOLE_AS_DECIMAL = re.compile(r"\d+\.0+")
_WHOLE = re.compile(r"-?\d+")


def parse_count(text: str) -> int | None:
    """'1.234' or '1 234' or '1234' → 1234; raises ValueError for non-integers."""
    t = text.replace("\u00a0", "").replace(" ", "")
    if t.isascii() and t.isdigit():  # most counts: plain digits
        return int(t)
    if t in ("", "-", "–"):
        return None
    if _THOUSANDS.fullmatch(t):
        t = t.replace(".", "")
    if _WHOLE_AS_DECIMAL.fullmatch(t):  # Excel numbers read as text ("1234.0")
        t = t.split(".")[0]
    if not _WHOLE.fullmatch(t):
        raise ValueError(t)
    return int(t)


def parse_percent(text: str) -> float | None:
    """'85,5' or '85.5' or '85,5%' or '1.234,5' → a float; raises ValueError for what is no number."""
    t = text.replace("\u00a0", "").replace(" ", "").rstrip("%")
    if t in ("", "-", "–"):
        return None
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", t):
        t = t.replace(".", "").replace(",", ".")
    return float(t)


_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_WORDS = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)


def parse_date(value: object) -> date | None:
    """A date as lists write it: a spreadsheet date, "10/02/2024" (day first, as Vietnamese
    documents write it), "2024-02-10" or "ngày 10 tháng 02 năm 2024". None when blank; raises
    ValueError for anything else, a day that does not exist included."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern, order in ((_DAY_FIRST, (2, 1, 0)), (_WORDS, (2, 1, 0)), (_ISO, (0, 1, 2))):
        found = pattern.fullmatch(text)
        if found:
            parts = [int(g) for g in found.groups()]
            return date(parts[order[0]], parts[order[1]], parts[order[2]])
    raise ValueError(text)
