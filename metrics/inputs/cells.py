"""Cell values as text, and the counts and percentages users type as text ("1.234", "85,5")."""

from __future__ import annotations

import re
import unicodedata

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
    # NFD input (macOS, cp1258) → NFC; control characters (a terminal escape, a bell) are never
    # kept: what a file brings in is shown on pages, terminals and exports.
    text = without_controls(unicodedata.normalize("NFC", str(value))).strip()
    return "" if text.lower() in ("nan", "none") else text


def parse_count(text: str) -> int | None:
    """'1.234' or '1 234' or '1234' → 1234; raises ValueError for non-integers."""
    t = text.replace("\u00a0", "").replace(" ", "")
    if t in ("", "-", "–"):
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    if re.fullmatch(r"\d+\.0+", t):  # Excel numbers read as text ("1234.0")
        t = t.split(".")[0]
    if not re.fullmatch(r"-?\d+", t):
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
