"""Name resolution: what a user typed (a name, parent names, a year, maybe a code) → one locality.

Used by every import, by the CLI and by the pages' search. Every call says its purpose:
Purpose.VIEW_FIGURES (progress, export, localities find, the pages) or Purpose.IMPORT_ROW (a
row of a report; the default). The rules, in order:
1. An official code (or one of our ids) wins over names; the year says which era's code it is.
2. The text may carry its parents after commas ("Xã Đăk Long, huyện Đăk Hà, Kon Tum"); explicit
   parent arguments add to them. Each part may start with a type prefix or its abbreviation
   (Xã, xa, P., TP., H., TX., TT., Q., Tỉnh, Đặc khu); "cũ", "(cũ)" or "(trước 7/2025)" marks an
   old unit. A candidate's label pasted back ("…, tỉnh Kon Tum (cũ) — 23538") names it.
3. Names are matched without tone marks, case, spaces or apostrophes, so Đăk/Đắk/Dak and
   Ia H'Drai/Ia H' Drai meet, in NFC or NFD.
4. A parent matches a unit of its own era ("Ia Tơi, huyện Ia H'Drai, tỉnh Kon Tum") or, through
   the lineage, the current province an old unit now lies in; the lineage counts only when no
   candidate has that parent in its own era.
5. Which era: viewing figures, a name means today's unit, which carries its history across the
   reorganisation, unless it is marked old, names an old district (as itself, its parent or by
   its type: "TP. Quảng Ngãi"), or exists only in the old register. Importing a row, the row's
   year picks the register (2024 and before: pre-reorganisation units; from 2025 today's); if
   nothing matches in that era, the other era is tried.
6. Ties among what is left: the type written ("Thị trấn Mường Tè" against xã Mường Tè), then
   the name written with its tone marks (compared in NFC, any case, the same prefix and spacing
   rules; where the tone sits, Hoà/Hòa, and Đăk/Đắk/Dak do not count): "Xã Ba Tơ" is xã Ba Tơ,
   not xã Ba Tô. Text typed without marks ("Xa Ba To") breaks no tie; the type pointing to one
   unit and the marks to another ("Xã Ba Tơ" where there are thị trấn Ba Tơ and xã Ba Tô) is a
   tie too. A bare name that is also a province's means the province.
7. More than one match is refused with the list of candidates, never guessed. Every candidate
   reads as a user writes it: name, "(cũ)" for an old unit, its parents, its code ("Xã Ia Tơi
   (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23538"); no store ids or level codes.
"""

from __future__ import annotations

import difflib

import duckdb

from metrics.lookup_result import CODE_WIDTH, Candidate, Purpose, Resolution
from metrics.name_parts import (
    COUNTRY_WORDS,
    NamePart,
    lower_type,
    marked_rest,
    parse_part,
    split_code_suffix,
)
from metrics.normalise import fold, key, marked_key
from metrics.store.schema import COUNTRY_ID
from metrics.texts import text

__all__ = [
    "Candidate",
    "LocalityIndex",
    "Purpose",
    "Resolution",
    "parse_part",
]

REORGANISATION_YEAR = 2025  # figures for 2025 onwards are reported by today's units

# Streamlit's selectbox filters its options as one types by the typed letters' in-order match
# in the option's text, lower-cased with its marks kept: "dak long" or "quang ngai" would find
# nothing. An option's text carries its folded form (rule 3's, fold()) after a run of em spaces
# no picker is as wide as, so it is matched but not seen (options and the box show one line).
TYPED_FORM_GAP = "\u2003" * 120


def typeable(label: str) -> str:
    """A picker option's text that the picker's own filter finds typed without tone marks, in
    any case, đ typed as d: "Đăk Long" + gap + "dak long". Unchanged when nothing folds."""
    folded = fold(label)
    return label if folded == label.lower() else f"{label}{TYPED_FORM_GAP}{folded}"


def shown_part(label: str) -> str:
    """What a reader sees of a typeable() option's text."""
    return label.split(TYPED_FORM_GAP, 1)[0]


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
        from metrics.queries.registers import locality_index_rows  # it imports nothing of resolve

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

    def label(self, lid: str, lang: str = "vi") -> str:
        """What a user reads for a unit: its name, then its parents up to the province, old units
        marked "(cũ)" ("(former)" in English; the names stay as registered), then its official
        code. "Xã Ia Tơi (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23538"; "Xã Ia Tơi, tỉnh
        Quảng Ngãi — 23538". Old districts are marked only when they are the unit itself: every
        huyện is an old one."""

        def marked(name: str, old: bool) -> str:
            return text("old_unit_mark", lang, name=name) if old else name

        rec = self.by_id[lid]
        names = [marked(rec["name"], rec["era"] == "legacy")]
        parent = rec["parent_id"]
        while parent and parent != COUNTRY_ID:
            up = self.by_id[parent]
            old = up["era"] == "legacy" and up["level"] != "old_district"
            names.append(marked(lower_type(up["name"]), old))
            parent = up["parent_id"]
        code = f" — {rec['code']}" if rec["code"] else ""
        return ", ".join(names) + code

    def chain(self, lid: str) -> frozenset[str]:
        """The unit's parents in its own era (xã cũ → huyện cũ → tỉnh cũ; xã → tỉnh → VN),
        without the current province an old unit rolls into through the lineage."""
        out: set[str] = set()
        parent = self.by_id[lid]["parent_id"]
        while parent:
            out.add(parent)
            parent = self.by_id[parent]["parent_id"]
        return frozenset(out)

    def marks_match(self, lid: str, part: NamePart) -> bool:
        """The unit's name is the typed one with its tone marks too (NFC, any case, the same
        prefix and spacing rules; Hoà = Hòa and Đăk = Đắk = Dak still meet)."""
        if not part.marked:
            return False
        rec = self.by_id[lid]
        names = {marked_key(rec["short_name"]), marked_rest(rec["name"])}
        return part.marked in names or part.marked_whole == marked_key(rec["name"])

    def marked_exactly(self, lid: str, part: NamePart) -> bool:
        """The typed name with its marks and, if a type was written, that type too."""
        name = self.by_id[lid]["name"]
        typed_ok = not part.typed_key or key(name) == part.typed_key
        return self.marks_match(lid, part) and typed_ok

    def candidate(self, lid: str) -> Candidate:
        rec = self.by_id[lid]
        return Candidate(lid, rec["level"], rec["era"], rec["code"], rec["name"], self.label(lid))

    def old_namesakes(self, text: str, chosen: str) -> list[Candidate]:
        """The former units named as `text` names, besides `chosen` (the unit a search opened):
        "dak long" opens today's xã Đăk Long, and two former xã Đăk Long (of huyện Đăk Hà and
        of huyện Đắk Glei) had that name too."""
        name, comma, rest = text.partition(",")
        found = self.resolve(f"{name} (cũ){comma}{rest}", purpose=Purpose.VIEW_FIGURES)
        shared = [found.locality] if found.locality else found.candidates
        if found.status == "not_found":
            return []
        return [c for c in shared if c.id != chosen and c.era == "legacy"]

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
        purpose: Purpose = Purpose.IMPORT_ROW,
    ) -> Resolution:
        """The unit `text` names (with optional parent names and code), or the candidates.

        `purpose` says which era an unmarked name means: Purpose.VIEW_FIGURES (progress, export,
        the pages) takes today's unit, which carries its history across the reorganisation;
        Purpose.IMPORT_ROW (a row of a report, the default) takes the register of `year`."""
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
        # A candidate's label pasted back ("…, tỉnh Kon Tum (cũ) — 23538"): the code narrows.
        stripped, code_shown = split_code_suffix(stripped)

        parts = [p for p in (s.strip() for s in stripped.split(",")) if p]
        if district:
            parts.append(district)
        if province:
            parts.append(province)
        target = parse_part(parts[0])
        if target.name_key in COUNTRY_WORDS and len(parts) == 1:
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
            inside = [lid for lid in found if self.ancestors(lid) & parent_ids]
            # A parent of the unit's own era beats one reached through the lineage: in 2023
            # xã Ia Tơi of huyện Ia H'Drai was in tỉnh Kon Tum, not in tỉnh Quảng Ngãi, which
            # today's xã Ia Tơi is in.
            found = [lid for lid in inside if self.chain(lid) & parent_ids] or inside
        if code_shown is not None:
            found = [lid for lid in found if self.by_id[lid]["code"] == code_shown]

        found = self._pick_era(found, target, year, purpose)
        if len(found) > 1 and target.typed_key:
            # "Thị trấn Mường Tè" where a thị trấn and a xã share the name: the type written
            # decides, unless it points to one unit and the tone marks to another ("Xã Ba Tơ"
            # where there are thị trấn Ba Tơ and xã Ba Tô): then both stay candidates.
            typed = [lid for lid in found if key(self.by_id[lid]["name"]) == target.typed_key]
            if typed and not any(self.marks_match(lid, target) for lid in typed):
                typed += [lid for lid in found if self.marks_match(lid, target)]
            if typed:
                found = list(dict.fromkeys(typed))
        if len(found) > 1:
            # "Ba Tơ" where xã Ba Tơ and xã Ba Tô are both candidates: the marks decide.
            exact = [lid for lid in found if self.marked_exactly(lid, target)]
            if exact:
                found = exact
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
        return self._not_found(target, parts, query, year, levels)

    def _pick_era(
        self, found: list[str], target: NamePart, year: int | None, purpose: Purpose
    ) -> list[str]:
        """Viewing figures, an unmarked name means today's unit (old ones remain when the text
        is marked old, names an old district, or nothing current matches). Importing a row, the
        row's year picks the register, the other era when nothing matches in it."""
        preferred: str | None = None
        if purpose is Purpose.VIEW_FIGURES:
            # "TP. Quảng Ngãi" is the old city (a huyện-level unit), not today's province.
            typed_eras = {
                self.by_id[lid]["era"]
                for lid in found
                if target.typed_key and key(self.by_id[lid]["name"]) == target.typed_key
            }
            if not target.old and typed_eras != {"legacy"}:
                preferred = "current"
        elif year is not None:
            preferred = "current" if year >= REORGANISATION_YEAR else "legacy"
        in_era = [lid for lid in found if self.by_id[lid]["era"] == preferred]
        return in_era or found

    def _not_found(
        self,
        target: NamePart,
        parts: list[str],
        query: str,
        year: int | None,
        levels: frozenset[str] | None,
    ) -> Resolution:
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
            widths = sorted({CODE_WIDTH[lv] for lv in levels if lv in CODE_WIDTH}) or [5]
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
