"""Numbers as the reader's language writes them: Vietnamese 3.783 and 85,5%, English 3,783 and
85.5% (`lang`, "vi" unless a page or export in English says "en")."""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

DASH = "–"
# What Plotly's `layout.separators` takes for each language: the decimal mark, then thousands.
SEPARATORS = {"vi": ",.", "en": ".,"}
POINTS_UNIT = {"vi": "điểm %", "en": "pp"}


def separators(lang: str = "vi") -> str:
    return SEPARATORS["en" if lang == "en" else "vi"]


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _half_up(value: float | int, decimals: int) -> Decimal | float:
    """Round halves away from zero as reports and spreadsheets do (41/80 = 51,25% → "51,3%"),
    on 15 significant digits like Excel (so 41/80*100 = 51.24999999999999 counts as 51.25),
    never giving a negative zero."""
    if isinstance(value, float) and math.isinf(value):
        return value
    exact = str(value) if isinstance(value, numbers.Integral) else f"{float(value):.15g}"
    rounded = Decimal(exact).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)


def _marks(english_text: str, lang: str) -> str:
    """Python writes 3,783.3; Vietnamese swaps the marks (3.783,3)."""
    if lang == "en":
        return english_text
    return english_text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_int(value: float | int | None, *, lang: str = "vi") -> str:
    """3783 → "3.783" (English "3,783")."""
    if _missing(value):
        return DASH
    assert value is not None
    return _marks(f"{_half_up(value, 0):,.0f}", lang)


def fmt_num(value: float | int | None, decimals: int = 1, *, lang: str = "vi") -> str:
    """3783.25 → "3.783,3" (English "3,783.3"); a trailing zero decimal dropped (85.0 → "85")."""
    if _missing(value):
        return DASH
    assert value is not None
    text = f"{_half_up(value, decimals):,.{decimals}f}"
    if decimals and text.endswith("." + "0" * decimals):
        text = text[: -(decimals + 1)]
    return _marks(text, lang)


def fmt_pct(value: float | int | None, decimals: int = 1, *, lang: str = "vi") -> str:
    """85.5 → "85,5%" (English "85.5%")."""
    return DASH if _missing(value) else f"{fmt_num(value, decimals, lang=lang)}%"


def fmt_points(
    value: float | int | None, decimals: int = 1, signed: bool = True, *, lang: str = "vi"
) -> str:
    """A change as a signed number, its unit left to the sentence: "+4,1", "−0,3", "0"."""
    if _missing(value):
        return DASH
    assert value is not None
    rounded = _half_up(value, decimals)  # the sign of what is shown: −0,04 is "0"
    sign = "+" if signed and rounded > 0 else ("−" if rounded < 0 else "")
    return f"{sign}{fmt_num(abs(float(rounded)), decimals, lang=lang)}"


def fmt_pp(
    value: float | int | None, decimals: int = 1, signed: bool = True, *, lang: str = "vi"
) -> str:
    """Percentage points: "+4,1 điểm %" (English "+4.1 pp")."""
    if _missing(value):
        return DASH
    unit = POINTS_UNIT["en" if lang == "en" else "vi"]
    return f"{fmt_points(value, decimals, signed, lang=lang)} {unit}"


# Dates the Vietnamese way, day first: every page, document and CLI line uses these.
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
EXCEL_DATE_FORMAT = "dd/mm/yyyy"  # the same day first in a spreadsheet cell's number format


def fmt_date(value: date) -> str:
    """date(2025, 3, 7) → "07/03/2025"."""
    return f"{value:{DATE_FORMAT}}"


def fmt_datetime(value: datetime) -> str:
    """datetime(2025, 3, 7, 9, 5) → "07/03/2025 09:05"."""
    return f"{value:{DATETIME_FORMAT}}"
