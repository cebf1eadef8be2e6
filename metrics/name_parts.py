"""One comma-separated part of a typed place name ("TP. Hà Nội", "tỉnh Kon Tum cũ") read into
the name, the levels its type prefix allows, and whether it is marked old. Used by metrics.name_lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.normalise import fold, marked_key, marked_words

# Prefixes as folded words → the levels they can name.
PREFIXES: list[tuple[tuple[str, ...], frozenset[str]]] = [
    (("thanh", "pho"), frozenset({"province", "old_province", "old_district"})),
    (("thi", "tran"), frozenset({"old_commune"})),
    (("thi", "xa"), frozenset({"old_district"})),
    (("dac", "khu"), frozenset({"commune"})),
    (("tp",), frozenset({"province", "old_province", "old_district"})),
    (("tt",), frozenset({"old_commune"})),
    (("tx",), frozenset({"old_district"})),
    (("tinh",), frozenset({"province", "old_province"})),
    (("t",), frozenset({"province", "old_province"})),
    (("huyen",), frozenset({"old_district"})),
    (("h",), frozenset({"old_district"})),
    (("quan",), frozenset({"old_district"})),
    (("q",), frozenset({"old_district"})),
    (("xa",), frozenset({"commune", "old_commune"})),
    (("x",), frozenset({"commune", "old_commune"})),
    (("phuong",), frozenset({"commune", "old_commune"})),
    (("p",), frozenset({"commune", "old_commune"})),
]
COUNTRY_WORDS = {"toanquoc", "canuoc", "quocgia", "vietnam", "vn"}
# Abbreviated prefixes written out, to compare "TT. Mường Tè" with the name "Thị trấn Mường Tè".
_FULL_PREFIX = {
    "tp": "thanhpho",
    "tt": "thitran",
    "tx": "thixa",
    "t": "tinh",
    "h": "huyen",
    "q": "quan",
    "x": "xa",
    "p": "phuong",
}
OLD_LEVELS = frozenset({"old_province", "old_district", "old_commune"})
# The type words a register name starts with, as written in the registers.
UNIT_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")
# " — 23538" or " — mã 23538" at the end: the code our candidate lists print after a name.
_CODE_SUFFIX = re.compile(r"\s+[—–]\s*(?:mã\s*)?(\d{1,5})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class NamePart:
    name_key: str
    levels: frozenset[str] | None  # None: no prefix, any level
    whole_key: str  # key of the part with its prefix, in case the "prefix" is part of the name
    old: bool = False
    typed_key: str = ""  # the full name as written, prefix spelled out ("thitranmuongte")
    marked: str = ""  # the name without its prefix, tone marks kept (metrics.normalise.marked_key)
    marked_whole: str = ""  # the whole part, tone marks kept


def _old_marker(words: list[str]) -> int:
    """How many trailing folded words mark the part old: "cũ", "(cũ)", "(trước 7/2025)",
    "trước 1/7/2025", "trước 2025", and "(former)" of an English label pasted back; 0 when
    none."""
    if len(words) > 1 and words[-1] in ("cu", "former"):
        return 1
    for n in (2, 3, 4):  # "truoc 2025", "truoc 7 2025", "truoc 1 7 2025"
        tail = words[-n:]
        if len(words) > n and tail[0] == "truoc" and all(w.isdigit() for w in tail[1:]):
            return n
    return 0


def parse_part(text: str) -> NamePart:
    words = fold(text).split()
    marked = marked_words(text)
    if len(marked) != len(words):  # a character fold() drops: no comparison with marks
        marked = []
    old = False
    n_old = _old_marker(words)
    if n_old:  # "tỉnh Kon Tum cũ", "(cũ)", "(trước 7/2025)"
        words, marked = words[:-n_old], marked[:-n_old]
        old = True
    whole = "".join(words)
    # Marks count only where some were typed: "Dak Ha" is the name typed without marks, not
    # a claim that it is "Ha" rather than "Hà".
    marked_whole = marked_key(" ".join(marked)) if marked != words else ""
    for prefix, levels in PREFIXES:
        n = len(prefix)
        if tuple(words[:n]) == prefix and len(words) > n:
            if old:
                levels = frozenset(lv for lv in levels if lv.startswith("old_")) or levels
            typed = _FULL_PREFIX.get("".join(prefix), "".join(prefix)) + "".join(words[n:])
            rest = marked_key(" ".join(marked[n:])) if marked and marked[n:] != words[n:] else ""
            return NamePart("".join(words[n:]), levels, whole, old, typed, rest, marked_whole)
    return NamePart(whole, OLD_LEVELS if old else None, whole, old, "", marked_whole, marked_whole)


def split_code_suffix(text: str) -> tuple[str, str | None]:
    """("Xã Ia Tơi (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ)", "23538") from a candidate's label
    pasted back; the text unchanged and None when it does not end in a code."""
    m = _CODE_SUFFIX.search(text)
    if m is None or not text[: m.start()].strip():
        return text, None
    return text[: m.start()], m.group(1)


def marked_rest(name: str) -> str:
    """A register name's marked key without its type word ("Xã Thuận Hoà" → "thuậnhoà")."""
    for unit_type in UNIT_TYPES:
        if name.startswith(unit_type + " "):
            return marked_key(name[len(unit_type) + 1 :])
    return marked_key(name)


def lower_type(name: str) -> str:
    """ "Huyện Ia H'Drai" → "huyện Ia H'Drai": a parent's type word as it is written mid-sentence."""
    for unit_type in UNIT_TYPES:
        if name.startswith(unit_type + " "):
            return unit_type.lower() + name[len(unit_type) :]
    return name
