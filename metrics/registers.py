"""Build the locality register and the 2025 lineage from the registers published on PyPI.

Sources (read from the installed packages' data files; nothing touches the network):
- `vietnamadminunits`: the 34 provinces and 3,321 communes with coordinates and area, the 63 old
  provinces, their districts and 10,040 old communes, and the old→new conversion tables.
- `vietnam-provinces`: the official codes, names and types of today's units, used to check the
  first register and to take the official division type (xã / phường / đặc khu).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from pathlib import Path

import duckdb
import polars as pl

from metrics.indicators import registry
from metrics.normalise import key
from metrics.store.schema import COUNTRY_ID
from metrics.store.writes import replace_registers

LOCALITY_SCHEMA = {
    "id": pl.String,
    "level": pl.String,
    "era": pl.String,
    "code": pl.String,
    "name": pl.String,
    "short_name": pl.String,
    "unit_type": pl.String,
    "parent_id": pl.String,
    "province_id": pl.String,
    "old_province_id": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "area_km2": pl.Float64,
    "name_key": pl.String,
}


def province_id(code: str) -> str:
    return f"P{code}"


def is_province_id(locality_id: str) -> bool:
    """Whether an id is one of today's provinces ("P51"), not the country, an old province
    ("OP62") or a commune."""
    return locality_id.startswith("P")


def commune_id(code: str) -> str:
    return f"X{code}"


def old_province_id(code: str) -> str:
    return f"OP{code}"


def old_district_id(code: str) -> str:
    return f"OH{code}"


def old_commune_id(code: str) -> str:
    return f"OX{code}"


def _vau_data(name: str) -> Path:
    """A data file of `vietnamadminunits`, found without importing the package: its
    `__init__` compiles some thousand address-parsing patterns (~1 s) this module never uses."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits", name="vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


# The register's columns read here (its tables also hold bounds, aliases and keywords).
_VAU_COLUMNS = {
    "admin_units": (
        "province, ward, provinceShort, wardShort, wardType, provinceCode, provinceLat, "
        "provinceLon, wardCode, wardLat, wardLon, wardAreaKm2, provinceKey, wardKey"
    ),
    "admin_units_legacy": (
        "province, district, ward, provinceShort, districtShort, wardShort, districtType, "
        "wardType, provinceCode, provinceLat, provinceLon, districtCode, districtLat, "
        "districtLon, wardCode, wardLat, wardLon, provinceKey, districtKey, wardKey"
    ),
}


def _vau_rows(table: str) -> list[dict]:
    con = sqlite3.connect(f"file:{_vau_data('dataset.db')}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        sql = f"SELECT {_VAU_COLUMNS[table]} FROM {table}"  # noqa: S608 (our constants)
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def _conversion_tables() -> dict:
    return json.loads(_vau_data("converter_2025.json").read_text(encoding="utf-8"))


def _official_current() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """code → (official name, division type) from vietnam-provinces."""
    from vietnam_provinces import Province, Ward

    provinces = {
        f"{int(p.code.value):02d}": (p.name, p.division_type.value) for p in Province.iter_all()
    }
    wards = {f"{int(w.code.value):05d}": (w.name, w.division_type.value) for w in Ward.iter_all()}
    return provinces, wards


def _legacy_name_key(short_name: str) -> str:
    """The register tells same-named old units of one area apart with their type in brackets
    ("Mường Tè (Thị trấn)", "Kỳ Anh (Huyện)"); users write "Thị trấn Mường Tè" or "Mường Tè",
    so the bracket is not part of the name users match against."""
    return key(re.sub(r"\s*\([^()]*\)\s*$", "", short_name))


def _unit_type_of(name: str, fallback: str) -> str:
    for prefix in (
        "Thành phố",
        "Tỉnh",
        "Thị xã",
        "Thị trấn",
        "Huyện",
        "Quận",
        "Phường",
        "Xã",
        "Đặc khu",
    ):
        if name.startswith(prefix + " "):
            return prefix
    return fallback


def build_localities() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (localities, lineage) frames built from the registers."""
    current = _vau_rows("admin_units")
    legacy = _vau_rows("admin_units_legacy")
    official_provinces, official_wards = _official_current()
    conv = _conversion_tables()

    rows: list[dict] = [
        {
            "id": COUNTRY_ID,
            "level": "country",
            "era": "current",
            "code": None,
            "name": "Toàn quốc",
            "short_name": "Toàn quốc",
            "unit_type": "Quốc gia",
            "parent_id": None,
            "province_id": None,
            "old_province_id": None,
            "lat": 16.0,
            "lon": 106.0,
            "area_km2": None,
            "name_key": key("Toàn quốc"),
        }
    ]
    # Current provinces and communes.
    new_province_by_key: dict[str, str] = {}
    new_commune_by_key: dict[tuple[str, str], str] = {}
    seen_provinces: set[str] = set()
    for r in current:
        pcode = r["provinceCode"]
        pid = province_id(pcode)
        new_province_by_key[r["provinceKey"]] = pid
        if pcode not in seen_provinces:
            seen_provinces.add(pcode)
            # The full name ("Tỉnh Quảng Ngãi") is vietnamadminunits'; vietnam-provinces, which
            # carries the short official name, must agree on the code (tests check it).
            pname = r["province"]
            rows.append(
                {
                    "id": pid,
                    "level": "province",
                    "era": "current",
                    "code": pcode,
                    "name": pname,
                    "short_name": r["provinceShort"],
                    "unit_type": _unit_type_of(pname, "Tỉnh"),
                    "parent_id": COUNTRY_ID,
                    "province_id": pid,
                    "old_province_id": None,
                    "lat": r["provinceLat"],
                    "lon": r["provinceLon"],
                    "area_km2": None,
                    "name_key": key(r["provinceShort"]),
                }
            )
        wcode = r["wardCode"]
        # vietnam-provinces 2025.10.1 numbers 123 communes as the draft decision did, so one of
        # its codes can name another commune (its 00226 is Kim Liên, officially 00229): take its
        # spelling only where it names the same commune as the official code here does.
        official_name = official_wards.get(wcode, ("", ""))[0]
        wname = (
            official_name if official_name and key(official_name) == key(r["ward"]) else r["ward"]
        )
        cid = commune_id(wcode)
        # The register's keys are unmarked, except where two communes of a province differ
        # only by tone marks ("xãvănlang" / "xãvănlăng"): match exact keys first.
        new_commune_by_key[(r["provinceKey"], r["wardKey"])] = cid
        new_commune_by_key.setdefault((r["provinceKey"], key(r["wardKey"])), cid)
        rows.append(
            {
                "id": cid,
                "level": "commune",
                "era": "current",
                "code": wcode,
                "name": wname,
                "short_name": r["wardShort"],
                "unit_type": _unit_type_of(wname, r["wardType"]),
                "parent_id": pid,
                "province_id": pid,
                "old_province_id": None,
                "lat": r["wardLat"],
                "lon": r["wardLon"],
                "area_km2": r["wardAreaKm2"],
                "name_key": key(r["wardShort"]),
            }
        )

    # Old provinces → new province (each old province went whole into one new province).
    new_of_old_province: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old_key in old_keys:
            new_of_old_province[old_key] = new_province_by_key[new_key]

    lineage: list[dict] = []
    seen_old_p: set[str] = set()
    seen_old_d: set[str] = set()
    old_commune_by_key: dict[str, str] = {}
    old_district_by_key: dict[str, str] = {}
    for r in legacy:
        opid = old_province_id(r["provinceCode"])
        new_pid = new_of_old_province[r["provinceKey"]]
        if opid not in seen_old_p:
            seen_old_p.add(opid)
            rows.append(
                {
                    "id": opid,
                    "level": "old_province",
                    "era": "legacy",
                    "code": r["provinceCode"],
                    "name": r["province"],
                    "short_name": r["provinceShort"],
                    "unit_type": _unit_type_of(r["province"], "Tỉnh"),
                    "parent_id": None,
                    "province_id": new_pid,
                    "old_province_id": opid,
                    "lat": r["provinceLat"],
                    "lon": r["provinceLon"],
                    "area_km2": None,
                    "name_key": key(r["provinceShort"]),
                }
            )
            lineage.append(
                {"old_id": opid, "new_id": new_pid, "relation": "merged", "is_default": True}
            )
        odid = old_district_id(r["districtCode"])
        old_district_by_key[f"{r['provinceKey']}_{r['districtKey']}_"] = odid
        if odid not in seen_old_d:
            seen_old_d.add(odid)
            rows.append(
                {
                    "id": odid,
                    "level": "old_district",
                    "era": "legacy",
                    "code": r["districtCode"],
                    "name": r["district"],
                    "short_name": r["districtShort"],
                    "unit_type": r["districtType"] or _unit_type_of(r["district"], "Huyện"),
                    "parent_id": opid,
                    "province_id": new_pid,
                    "old_province_id": opid,
                    "lat": r["districtLat"],
                    "lon": r["districtLon"],
                    "area_km2": None,
                    "name_key": _legacy_name_key(r["districtShort"]),
                }
            )
            # A district's figures roll up to the province its old province became.
            lineage.append(
                {"old_id": odid, "new_id": new_pid, "relation": "merged", "is_default": True}
            )
        if not r["ward"]:
            continue  # island districts without communes (they became đặc khu)
        ocid = old_commune_id(r["wardCode"])
        old_commune_by_key[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = ocid
        rows.append(
            {
                "id": ocid,
                "level": "old_commune",
                "era": "legacy",
                "code": r["wardCode"],
                "name": r["ward"],
                "short_name": r["wardShort"],
                "unit_type": r["wardType"] or _unit_type_of(r["ward"], "Xã"),
                "parent_id": odid,
                "province_id": new_pid,
                "old_province_id": opid,
                "lat": r["wardLat"],
                "lon": r["wardLon"],
                "area_km2": None,
                "name_key": _legacy_name_key(r["wardShort"]),
            }
        )

    def old_unit(old_key: str) -> str | None:
        return old_commune_by_key.get(old_key) or old_district_by_key.get(old_key)

    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            new_id = new_commune_by_key.get((new_pkey, new_wkey)) or new_commune_by_key.get(
                (new_pkey, key(new_wkey))
            )
            if new_id is None:
                continue
            for old_key in old_keys:
                oid = old_unit(old_key)
                if oid is not None:
                    lineage.append(
                        {"old_id": oid, "new_id": new_id, "relation": "merged", "is_default": True}
                    )
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            oid = old_unit(old_key)
            if oid is None:
                continue
            for part in parts:
                new_wkey = part["newWardKey"]
                new_id = new_commune_by_key.get((new_pkey, new_wkey)) or new_commune_by_key.get(
                    (new_pkey, key(new_wkey))
                )
                if new_id is not None:
                    lineage.append(
                        {
                            "old_id": oid,
                            "new_id": new_id,
                            "relation": "split",
                            "is_default": bool(part.get("isDefaultNewWard")),
                        }
                    )

    localities = pl.DataFrame(rows, schema=LOCALITY_SCHEMA)
    lineage_df = (
        pl.DataFrame(
            lineage,
            schema={
                "old_id": pl.String,
                "new_id": pl.String,
                "relation": pl.String,
                "is_default": pl.Boolean,
            },
        )
        # A district key can reach one new commune through several of its communes' entries.
        .unique(subset=["old_id", "new_id"], keep="first", maintain_order=True)
    )
    return localities, lineage_df


def load_registers(con: duckdb.DuckDBPyConnection) -> None:
    """Fill localities, lineage and indicators (inside the caller's transaction)."""
    localities, lineage = build_localities()
    indicators = pl.DataFrame(
        [
            {
                "id": i.id,
                "ord": i.order,
                "model": i.model,
                "label_vi": i.label_vi,
                "label_en": i.label_en,
                "short_vi": i.short_vi,
                "level_scope": i.level_scope,
            }
            for i in registry().indicator
        ]
    )
    replace_registers(
        con, localities, lineage.select("old_id", "new_id", "relation", "is_default"), indicators
    )
