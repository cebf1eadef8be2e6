"""Text typed with the legacy Vietnamese encodings TCVN3 (ABC) and VNI-Windows, → Unicode.

Old workbooks were typed with ".VnTime" (TCVN3) or "VNI-Times" fonts: the file holds Windows
code page 1252 characters that only those fonts drew as Vietnamese ("Gia ®×nh häc tËp",
"Gia ñình hoïc taäp"). metrics.inputs.layouts.detect_encoding tries each conversion on the header
row and keeps the one under which the table's headers are recognised; every cell of that sheet is
then converted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# TCVN3 (ABC): one byte per letter. Capitals with tone marks were drawn by a separate font
# (.VnTimeH) with the lower-case codes, so only the 7 marked capitals have codes of their own.
_TCVN3 = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏ\u00d1\u00aaÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_UNICODE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
assert len(_TCVN3) == len(_TCVN3_UNICODE)
_TCVN3_MAP = dict(zip(_TCVN3, _TCVN3_UNICODE, strict=True))

# VNI-Windows: a base letter followed by one mark character (two for some vowels).
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_TONES_UPPER = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# After â/ê/ô (circumflex) and ă (breve) the tone characters differ.
_VNI_CIRCUMFLEX_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def nfc(s: str) -> str:
        return unicodedata.normalize("NFC", s)

    for lower in (True, False):
        case: Callable[[str], str] = (lambda s: s) if lower else str.upper
        tones = _VNI_TONES if lower else _VNI_TONES_UPPER
        circ = (
            _VNI_CIRCUMFLEX_TONES
            if lower
            else {k.upper(): v for k, v in _VNI_CIRCUMFLEX_TONES.items()}
        )
        breve = _VNI_BREVE_TONES if lower else {k.upper(): v for k, v in _VNI_BREVE_TONES.items()}
        for vowel in "aeouy":
            base = case(vowel)
            for mark, comb in tones.items():
                table[base + mark] = nfc(base + comb)
        for vowel in "aeo":  # circumflex: â ê ô
            base = case(vowel)
            table[base + case("â")] = nfc(base + "\u0302")
            for mark, comb in circ.items():
                table[base + mark] = nfc(base + "\u0302" + comb)
        a = case("a")
        table[a + case("ê")] = nfc(a + "\u0306")  # ă
        for mark, comb in breve.items():
            table[a + mark] = nfc(a + "\u0306" + comb)
        # ơ and ư are single characters (ô, ö), followed by the plain tone marks.
        for code, letter in ((case("ô"), case("ơ")), (case("ö"), case("ư"))):
            table[code] = letter
            for mark, comb in tones.items():
                table[code + mark] = nfc(letter + comb)
    # i and y with tones are single characters.
    table.update(
        {
            "í": "í",
            "ì": "ì",
            "æ": "ỉ",
            "ó": "ĩ",
            "ò": "ị",
            "Í": "Í",
            "Ì": "Ì",
            "Æ": "Ỉ",
            "Ó": "Ĩ",
            "Ò": "Ị",
            "î": "ỵ",
            "Î": "Ỵ",
            "ñ": "đ",
            "Ñ": "Đ",
        }
    )
    return table


_VNI_MAP = _build_vni()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_MAP, key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    return "".join(_TCVN3_MAP.get(ch, ch) for ch in text)


def vni_to_unicode(text: str) -> str:
    return _VNI_RE.sub(lambda m: _VNI_MAP[m.group(0)], text)


CONVERTERS: dict[str, Callable[[str], str]] = {
    "unicode": lambda s: s,
    "tcvn3": tcvn3_to_unicode,
    "vni": vni_to_unicode,
}
ENCODING_LABEL = {"unicode": "Unicode", "tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows"}
