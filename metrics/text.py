"""Vietnamese text normalisation shared by name resolution and header matching."""

from __future__ import annotations

import re
import unicodedata

# Spelling variants that the registers and users write both ways. Applied after tone marks
# are stripped, so "Đắk", "Đăk", "Dak" and "Đak" all become "dak".
_SPELLING_VARIANTS = ((re.compile(r"\bdac\b"), "dak"),)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove tone marks and vowel marks; đ → d. Works for NFC and NFD input alike."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lower-case, unmarked, single-spaced words with punctuation turned into spaces."""
    t = strip_marks(nfc(text)).lower()
    t = re.sub(r"[’'`´‘]", "", t)  # Ia H'Drai = Ia H’Drai = Ia HDrai
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    for pattern, replacement in _SPELLING_VARIANTS:
        t = pattern.sub(replacement, t)
    return t


def key(text: str) -> str:
    """Compact comparison key: fold() without spaces ("Ia H' Drai" → "iahdrai")."""
    return fold(text).replace(" ", "")
