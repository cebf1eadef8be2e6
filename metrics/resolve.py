"""Name resolution: what a user typed (a name, parent names, a year, maybe a code) → one locality.

Used by every import and by the CLI. The rules, in order:
1. An official code (or one of our ids) wins over names; the year says which era's code it is.
2. The text may carry its parents after commas ("Xã Đăk Long, huyện Đăk Hà, Kon Tum"); explicit
   parent arguments add to them. Each part may start with a type prefix or its abbreviation
   (Xã, xa, P., TP., H., TX., TT., Q., Tỉnh, Đặc khu); "(cũ)" or "cũ" marks an old unit.
3. Names are compared without tone marks, case, spaces or apostrophes, so Đăk/Đắk/Dak and
   Ia H'Drai/Ia H' Drai meet, in NFC or NFD.
4. The year picks the register: figures of 2024 and before name pre-reorganisation units; from
   2025 today's. If nothing matches in that era, the other era is tried.
5. More than one match is refused with the list of candidates, never guessed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

import duckdb

from metrics.store_schema import COUNTRY_ID
from metrics.text import fold, key

REORGANISATION_YEAR = 2025  # figures for 2025 onwards are reported by today's units

# Prefixes as folded words → the levels they can name.
_PREFIXES: list[tuple[tuple[str, ...], frozenset[str]]] = [
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
_COUNTRY_WORDS = {"toanquoc", "canuoc", "quocgia", "vietnam", "vn"}
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

_CODE_WIDTH = {"province": 2, "old_province": 2, "old_district": 3, "commune": 5, "old_commune": 5}

LEVEL_LABEL_VI = {
    "country": "toàn quốc",
    "province": "tỉnh, thành phố",
    "commune": "xã, phường, đặc khu",
    "old_province": "tỉnh cũ",
    "old_district": "huyện cũ",
    "old_commune": "xã cũ",
}


@dataclass(frozen=True)
class NamePart:
    name_key: str
    levels: frozenset[str] | None  # None: no prefix, any level
    whole_key: str  # key of the part with its prefix, in case the "prefix" is part of the name
    old: bool = False
    typed_key: str = ""  # the full name as written, prefix spelled out ("thitranmuongte")


def parse_part(text: str) -> NamePart:
    words = fold(text).split()
    old = False
    if words and words[-1] == "cu":  # "tỉnh Kon Tum cũ", "(cũ)"
        words = words[:-1]
        old = True
    whole = "".join(words)
    for prefix, levels in _PREFIXES:
        n = len(prefix)
        if tuple(words[:n]) == prefix and len(words) > n:
            if old:
                levels = frozenset(lv for lv in levels if lv.startswith("old_")) or levels
            typed = _FULL_PREFIX.get("".join(prefix), "".join(prefix)) + "".join(words[n:])
            return NamePart("".join(words[n:]), levels, whole, old, typed)
    levels_any = frozenset({"old_province", "old_district", "old_commune"}) if old else None
    return NamePart(whole, levels_any, whole, old)


@dataclass
class Candidate:
    id: str
    level: str
    era: str
    code: str | None
    name: str
    label: str  # "Xã Đăk Long, Huyện Đăk Hà, Tỉnh Kon Tum (trước 7/2025)"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "era": self.era,
            "code": self.code,
            "name": self.name,
            "label": self.label,
        }


@dataclass
class Resolution:
    status: Literal["ok", "ambiguous", "not_found"]
    query: str
    locality: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "query": self.query,
            "locality": self.locality.as_dict() if self.locality else None,
            "candidates": [c.as_dict() for c in self.candidates],
            "message": self.message,
        }


class LocalityIndex:
    """An in-memory index of the locality register, built once per store and reused."""

    def __init__(self, rows: list[tuple]) -> None:
        self.by_id: dict[str, dict] = {}
        self.by_key: dict[str, list[str]] = {}
        self.by_code: dict[tuple[str, str], list[str]] = {}
        for (
            lid,
            level,
            era,
            code,
            name,
            short_name,
            parent_id,
            province_id,
            old_province_id,
            name_key,
        ) in rows:
            rec = {
                "id": lid,
                "level": level,
                "era": era,
                "code": code,
                "name": name,
                "short_name": short_name,
                "parent_id": parent_id,
                "province_id": province_id,
                "old_province_id": old_province_id,
            }
            self.by_id[lid] = rec
            self.by_key.setdefault(name_key, []).append(lid)
            self.by_key.setdefault(key(name), []).append(lid)
            if code:
                self.by_code.setdefault((era, code), []).append(lid)
        self._ancestors: dict[str, frozenset[str]] = {}
        self._all_keys = list(self.by_key)

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection) -> LocalityIndex:
        from metrics.register_queries import locality_index_rows  # it imports nothing of resolve

        return cls(locality_index_rows(con))

    # -- helpers -----------------------------------------------------------------------------
    def ancestors(self, lid: str) -> frozenset[str]:
        cached = self._ancestors.get(lid)
        if cached is not None:
            return cached
        out: set[str] = set()
        rec = self.by_id[lid]
        parent = rec["parent_id"]
        while parent:
            out.add(parent)
            parent = self.by_id[parent]["parent_id"]
        for extra in (rec["province_id"], rec["old_province_id"]):
            if extra and extra != lid:
                out.add(extra)
        result = frozenset(out)
        self._ancestors[lid] = result
        return result

    def label(self, lid: str) -> str:
        rec = self.by_id[lid]
        names = [rec["name"]]
        parent = rec["parent_id"]
        while parent and parent != COUNTRY_ID:
            names.append(self.by_id[parent]["name"])
            parent = self.by_id[parent]["parent_id"]
        suffix = " (trước 7/2025)" if rec["era"] == "legacy" else ""
        code = f" — mã {rec['code']}" if rec["code"] else ""
        return ", ".join(names) + suffix + code

    def candidate(self, lid: str) -> Candidate:
        rec = self.by_id[lid]
        return Candidate(lid, rec["level"], rec["era"], rec["code"], rec["name"], self.label(lid))

    def _match_part(self, part: NamePart, levels: frozenset[str] | None = None) -> list[str]:
        wanted = (
            part.levels if levels is None else (levels & part.levels if part.levels else levels)
        )
        found = [
            lid
            for lid in self.by_key.get(part.name_key, [])
            if wanted is None or self.by_id[lid]["level"] in wanted
        ]
        if not found and part.levels is not None and part.whole_key != part.name_key:
            # "Quan Hóa" is a name, not "quận Hóa": try the whole text as the name.
            found = [
                lid
                for lid in self.by_key.get(part.whole_key, [])
                if levels is None or self.by_id[lid]["level"] in levels
            ]
        return list(dict.fromkeys(found))

    # -- the one public entry point --------------------------------------------------------
    def resolve(
        self,
        text: str | None,
        *,
        year: int | None = None,
        province: str | None = None,
        district: str | None = None,
        code: str | None = None,
        levels: frozenset[str] | None = None,
    ) -> Resolution:
        query = ", ".join(p for p in [text, district, province] if p)
        if code and str(code).strip():
            return self._resolve_code(str(code).strip(), year, query or str(code), levels)
        if not text or not text.strip():
            return Resolution("not_found", query, message="Chưa ghi tên địa bàn.")
        stripped = text.strip()
        if stripped in self.by_id and (levels is None or self.by_id[stripped]["level"] in levels):
            return Resolution("ok", query, self.candidate(stripped))
        if stripped.isdigit():
            return self._resolve_code(stripped, year, query, levels)

        parts = [p for p in (s.strip() for s in stripped.split(",")) if p]
        if district:
            parts.append(district)
        if province:
            parts.append(province)
        target = parse_part(parts[0])
        if target.name_key in _COUNTRY_WORDS and len(parts) == 1:
            return Resolution("ok", query, self.candidate(COUNTRY_ID))

        found = self._match_part(target, levels)
        for parent_text in parts[1:]:
            parent_ids = set(self._match_part(parse_part(parent_text)))
            if not parent_ids:
                return Resolution(
                    "not_found",
                    query,
                    candidates=[self.candidate(c) for c in found[:10]],
                    message=f"Không tìm thấy địa bàn cấp trên “{parent_text}” trong danh mục.",
                )
            found = [lid for lid in found if self.ancestors(lid) & parent_ids]

        if year is not None:
            preferred_era = "current" if year >= REORGANISATION_YEAR else "legacy"
            in_era = [lid for lid in found if self.by_id[lid]["era"] == preferred_era]
            if in_era:
                found = in_era

        if len(found) > 1 and target.typed_key:
            # "Thị trấn Mường Tè" where a thị trấn and a xã share the name: the type written decides.
            typed = [lid for lid in found if key(self.by_id[lid]["name"]) == target.typed_key]
            if typed:
                found = typed
        if len(found) > 1 and target.levels is None and len(parts) == 1:
            # A bare name that is also a province's ("Quảng Ngãi") means the province; a city or
            # commune of the same name is written with its prefix ("TP. Quảng Ngãi", "Xã …").
            provincial = [
                lid for lid in found if self.by_id[lid]["level"] in ("province", "old_province")
            ]
            if len(provincial) == 1:
                found = provincial
        if len(found) == 1:
            return Resolution("ok", query, self.candidate(found[0]))
        if len(found) > 1:
            cands = sorted(
                (self.candidate(c) for c in found), key=lambda c: (c.era != "current", c.label)
            )
            hint = "thêm tên huyện (cũ) hoặc tỉnh, hoặc ghi mã đơn vị hành chính"
            return Resolution(
                "ambiguous",
                query,
                candidates=cands,
                message=f"Tên “{query}” khớp với {len(cands)} địa bàn; {hint}.",
            )
        close = difflib.get_close_matches(target.name_key, self._all_keys, n=12, cutoff=0.75)
        near = [lid for k in close for lid in self.by_key[k]]
        if len(parts) > 1:
            # Suggest only units inside the parents the user named.
            scope = set().union(*(self._match_part(parse_part(p)) for p in parts[1:]))
            near = [lid for lid in near if self.ancestors(lid) & scope]
        if levels is not None:
            near = [lid for lid in near if self.by_id[lid]["level"] in levels]
        suggestions = [self.candidate(lid) for lid in dict.fromkeys(near)][:6]
        year_note = f" năm {year}" if year is not None else ""
        return Resolution(
            "not_found",
            query,
            candidates=suggestions,
            message=f"Không tìm thấy địa bàn “{query}”{year_note} trong danh mục; kiểm tra chính tả hoặc ghi mã đơn vị hành chính.",
        )

    def _resolve_code(
        self, code: str, year: int | None, query: str, levels: frozenset[str] | None
    ) -> Resolution:
        code = code.upper()
        if code in self.by_id:
            return Resolution("ok", query, self.candidate(code))
        if not code.isdigit():
            return Resolution(
                "not_found",
                query,
                message=f"Mã “{code}” không phải mã đơn vị hành chính (chỉ gồm chữ số).",
            )
        # A code kept as a number in a spreadsheet has lost its leading zeros (phường Hồng Hà
        # 00097 → 97): pad it to the width of the levels asked for, else guess from its length
        # and then try it as a commune code.
        if levels:
            widths = sorted({_CODE_WIDTH[lv] for lv in levels if lv in _CODE_WIDTH}) or [5]
        else:
            guess = 2 if len(code) <= 2 else (3 if len(code) == 3 else 5)
            widths = [guess] if guess == 5 else [guess, 5]
        widths = [w for w in widths if w >= len(code)] or [len(code)]
        eras = ["current", "legacy"]
        if year is not None and year < REORGANISATION_YEAR:
            eras = ["legacy", "current"]
        for width in widths:
            norm = code.zfill(width)
            for era in eras:
                ids = [
                    lid
                    for lid in self.by_code.get((era, norm), [])
                    if levels is None or self.by_id[lid]["level"] in levels
                ]
                if len(ids) == 1:
                    return Resolution("ok", query, self.candidate(ids[0]))
                if len(ids) > 1:
                    return Resolution(
                        "ambiguous",
                        query,
                        candidates=[self.candidate(i) for i in ids],
                        message=f"Mã {norm} ứng với nhiều đơn vị; ghi thêm tên.",
                    )
        return Resolution(
            "not_found",
            query,
            message=f"Không có đơn vị hành chính mang mã {code.zfill(widths[0])}.",
        )
