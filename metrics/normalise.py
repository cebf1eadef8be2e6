"""Vietnamese text normalisation shared by name resolution and header matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# An import checks every row's province, commune and indicator names against the register: the
# same few thousand names again and again, each folded character by character.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, unmarked, single-spaced words with punctuation turned into spaces."""
    t = strip_marks(nfc(text)).lower()
    t = re.sub(r"[’'`´‘]", "", t)  # Ia H'Drai = Ia H’Drai = Ia HDrai
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    for pattern, replacement in _SPELLING_VARIANTS:
        t = pattern.sub(replacement, t)
    return t


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Compact comparison key: fold() without spaces ("Ia H' Drai" → "iahdrai")."""
    return fold(text).replace(" ", "")


# The five tone marks (huyền, sắc, ngã, hỏi, nặng), as combining characters. The other marks
# (ă, â, ê, ô, ơ, ư, đ) make a different letter and stay where they are.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@lru_cache(maxsize=1 << 16)
def _marked_word(word: str) -> str:
    if fold(word) == "dak":  # Đăk, Đắk, Đak, Dak: one name, spelled all four ways in the registers
        return "dak"
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(sorted(ch for ch in decomposed if ch in _TONE_MARKS))
    rest = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    # The tone goes to the end of the syllable: "Hoà" (old placement) = "Hòa" (new placement).
    return unicodedata.normalize("NFC", rest) + tones


def marked_words(text: str) -> list[str]:
    """The words of `text` with their marks kept: NFC, lower-case, punctuation and apostrophes
    removed. Splits where fold() splits, so the two lists line up word for word."""
    t = re.sub(r"[’'`´‘]", "", nfc(text).lower())
    return [w for w in re.split(r"[\W_]+", t) if w]


def marked_key(text: str) -> str:
    """Compact comparison key that keeps the marks: "Ba Tơ" ≠ "Ba Tô", while "Hoà" = "Hòa"
    (where the tone sits) and Đăk = Đắk = Dak (as key() has them) still meet."""
    return "".join(_marked_word(w) for w in marked_words(text))


def file_stem(*parts: object) -> str:
    """A file name people can read and every system accepts: the parts in ASCII without tone
    marks, joined by "_" ("XHHT", "Quảng Ngãi", 2025 → "XHHT_Quang_Ngai_2025"). Names, not ids."""
    words = [re.sub(r"[^A-Za-z0-9]+", "_", strip_marks(nfc(str(p)))).strip("_") for p in parts]
    return "_".join(w for w in words if w) or "xhht"
