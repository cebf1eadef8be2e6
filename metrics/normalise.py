"""Vietnamese text normalisation shared by name resolution and header matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spelling variants that the registers and users write both ways. Applied after tone marks
# are stripped, so "Đắk", "Đăk", "Dak" and "Đak" all become "dak".
_SPELLING_VARIANTS = ((re.compile(r"\bdac\b"), "dak"),)
_APOSTROPHES = re.compile(r"[’'`´‘]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Unmarked(dict[int, int | None]):
    """str.translate's table for strip_marks, filled as characters are met: a combining mark
    (category Mn) → removed, đ/Đ → d/D, anything else → itself. One C-level pass per name
    instead of a Python test per character (names are folded by the ten thousand)."""

    LIMIT = 1 << 14  # characters remembered; hostile input of every code point stays bounded

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        value = None if unicodedata.category(ch) == "Mn" else ord(_DOTLESS.get(ch, ch))
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_DOTLESS = {"đ": "d", "Đ": "D"}
_UNMARKED = _Unmarked()


def strip_marks(text: str) -> str:
    """Remove tone marks and vowel marks; đ → d. Works for NFC and NFD input alike."""
    return unicodedata.normalize("NFD", text).translate(_UNMARKED)


# An import checks every row's province, commune and indicator names against the register: the
# same few thousand names again and again, each folded character by character.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, unmarked, single-spaced words with punctuation turned into spaces."""
    t = strip_marks(nfc(text)).lower()
    t = _APOSTROPHES.sub("", t)  # Ia H'Drai = Ia H’Drai = Ia HDrai
    t = _NOT_WORD.sub(" ", t).strip()
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
