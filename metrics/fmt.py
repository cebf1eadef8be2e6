"""Numbers the Vietnamese way: 3.783 for thousands, 85,5% for decimals."""

from __future__ import annotations

import math

DASH = "–"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(value: float | int | None) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    return f"{round(value):,}".replace(",", ".")


def fmt_num(value: float | int | None, decimals: int = 1) -> str:
    """3783.25 → "3.783,3"; trailing ",0" dropped (85.0 → "85")."""
    if _missing(value):
        return DASH
    assert value is not None
    text = f"{value:,.{decimals}f}"
    if decimals and text.endswith("." + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_pct(value: float | int | None, decimals: int = 1) -> str:
    return DASH if _missing(value) else f"{fmt_num(value, decimals)}%"


def fmt_pp(value: float | int | None, decimals: int = 1, signed: bool = True) -> str:
    """Percentage points: "+4,1 điểm %"."""
    if _missing(value):
        return DASH
    assert value is not None
    sign = "+" if signed and value > 0 else ("−" if value < 0 else "")
    return f"{sign}{fmt_num(abs(value), decimals)} điểm %"
