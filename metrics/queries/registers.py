"""Named queries about units and batches: localities, their lineage, the register lookups of
the demo, name resolution and imports, the units in an area (how complete a sum is), and the
import history. With metrics.queries (figures), metrics.queries.targets and the store layer
(metrics/store/), the only modules that hold SQL (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics.store import first_row, query_frame
from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS, LEVEL_COLUMNS, rolled_back_by

_COMMUNE_COUNTS = {
    "province": "SELECT count(*) FROM localities WHERE level = 'commune' AND province_id = ?",
    "old_province": "SELECT count(*) FROM localities WHERE level = 'old_commune' AND old_province_id = ?",
    "old_district": "SELECT count(*) FROM localities WHERE level = 'old_commune' AND parent_id = ?",
}

_IN_FORCE = {
    "observations_current": "SELECT locality_id, year, indicator, total, registered, recognized, "
    + ", ".join(LEVEL_COLUMNS)
    + " FROM observations_current",
    "targets_current": "SELECT locality_id, indicator, target_year, percent FROM targets_current",
    "recognitions_current": "SELECT locality_id, year, indicator, decision_number, name_key, name, "
    "kind, result, decision_date, issuer, criteria_met, criteria_failed, source, self_assessed, "
    "proposal_number, proposal_date, proposal_issuer FROM recognitions_current",
    "place_context_current": "SELECT locality_id, year, "
    + ", ".join(CONTEXT_COUNTS)
    + ", as_of, source FROM place_context_current",
    "education_levels_current": "SELECT locality_id, year, "
    + ", ".join(EDUCATION_FIELDS)
    + ", as_of, source FROM education_levels_current",
    "plan_items_current": "SELECT locality_id, source, item_key, section, item_text, target_pct, "
    "target_year, indicator, achieved_pct, achieved_year, achieved_source FROM plan_items_current",
}


def locality(con: duckdb.DuckDBPyConnection, locality_id: str) -> dict | None:
    frame = query_frame(
        con,
        """SELECT l.*, p.name AS province_name, par.name AS parent_name
           FROM localities l
           LEFT JOIN localities p ON p.id = l.province_id
           LEFT JOIN localities par ON par.id = l.parent_id
           WHERE l.id = ?""",
        [locality_id],
    )
    return frame.row(0, named=True) if frame.height else None


def provinces(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return query_frame(
        con,
        "SELECT id, code, name, short_name, lat, lon FROM localities WHERE level = 'province' ORDER BY short_name COLLATE vi",
    )


def communes_of(con: duckdb.DuckDBPyConnection, province_id: str) -> pl.DataFrame:
    return query_frame(
        con,
        """SELECT id, code, name, short_name, unit_type, lat, lon, area_km2
           FROM localities WHERE level = 'commune' AND province_id = ?
           ORDER BY short_name COLLATE vi, code""",
        [province_id],
    )


def old_districts_of(con: duckdb.DuckDBPyConnection, province_id: str) -> pl.DataFrame:
    return query_frame(
        con,
        """SELECT d.id, d.code, d.name, op.name AS old_province_name
           FROM localities d JOIN localities op ON op.id = d.parent_id
           WHERE d.level = 'old_district' AND d.province_id = ?
           ORDER BY op.name COLLATE vi, d.name COLLATE vi""",
        [province_id],
    )


def predecessors(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    """The old units a current unit came from, with how (merged whole or split)."""
    return query_frame(
        con,
        """SELECT g.old_id AS id, o.level, o.code, o.name, par.name AS parent_name, g.relation
           FROM lineage g JOIN localities o ON o.id = g.old_id
           LEFT JOIN localities par ON par.id = o.parent_id
           WHERE g.new_id = ?
           ORDER BY o.level, par.name COLLATE vi, o.name COLLATE vi""",
        [locality_id],
    )


def successors(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    return query_frame(
        con,
        """SELECT g.new_id AS id, n.level, n.code, n.name, g.relation, g.is_default
           FROM lineage g JOIN localities n ON n.id = g.new_id
           WHERE g.old_id = ? ORDER BY n.name COLLATE vi""",
        [locality_id],
    )


def batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every batch, newest first, with who rolled it back (kept at the end of its note)."""
    frame = query_frame(
        con,
        """SELECT id, created_at, created_by, kind, file_name, file_sha256, rows, synthetic, status,
                  rolled_back_at, note FROM batches ORDER BY id DESC""",
    )
    return frame.with_columns(
        pl.Series("rolled_back_by", [rolled_back_by(n) for n in frame["note"]], dtype=pl.String)
    )


def commune_register(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every current commune with its type, area and province code (the demo's generator)."""
    return query_frame(
        con,
        """SELECT l.id, l.code, l.unit_type, l.area_km2, p.code AS province_code
           FROM localities l JOIN localities p ON p.id = l.province_id
           WHERE l.level = 'commune' ORDER BY l.code""",
    )


def old_commune_register(
    con: duckdb.DuckDBPyConnection, province_id: str | None = None
) -> pl.DataFrame:
    """Every old commune (of one current province), with its old district and old province
    (their names as documents write them) and its current province's code (the demo)."""
    where, params = ("AND c.province_id = ?", [province_id]) if province_id else ("", [])
    return query_frame(
        con,
        f"""SELECT c.id, c.code, c.name, c.parent_id AS district_id, d.name AS district_name,
                   op.name AS old_province_name, p.code AS province_code
            FROM localities c JOIN localities d ON d.id = c.parent_id
            JOIN localities op ON op.id = c.old_province_id
            JOIN localities p ON p.id = c.province_id
            WHERE c.level = 'old_commune' {where} ORDER BY c.code""",
        params,
    )


def province_ids_by_code(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Official province code → store id, for the current provinces."""
    frame = query_frame(
        con, "SELECT code, id FROM localities WHERE level = 'province' ORDER BY code"
    )
    return dict(frame.iter_rows())


def locality_index_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """What metrics.name_lookup.LocalityIndex is built from: every unit of both eras."""
    return con.execute(
        """SELECT id, level, era, code, name, short_name, parent_id, province_id,
                  old_province_id, name_key FROM localities"""
    ).fetchall()


# Which column ties a commune to each kind of area: fixed queries, no column name from outside.


def communes_in_area(con: duckdb.DuckDBPyConnection, level: str, locality_id: str) -> int:
    """How many communes the register has in a province, an old province or an old district."""
    row = first_row(con, _COMMUNE_COUNTS[level], [locality_id])
    return int(row[0]) if row else 0


def units_by_province(
    con: duckdb.DuckDBPyConnection, province_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """How many units of each level lie in each current province (the province counts itself):
    locality_id (the province), unit_level, units_in_area."""
    where, params = "", list[object]()
    if province_ids is not None:
        where, params = " AND province_id IN (SELECT unnest(?::TEXT[]))", [list(province_ids)]
    return query_frame(
        con,
        f"""SELECT province_id AS locality_id, level AS unit_level, count(*) AS units_in_area
            FROM localities WHERE province_id IS NOT NULL AND level <> 'country'{where}
            GROUP BY ALL""",
        params,
    )


def units_under(con: duckdb.DuckDBPyConnection, parent_id: str, level: str) -> int:
    """How many units of a level have this parent (the old communes of an old district…)."""
    row = first_row(
        con, "SELECT count(*) FROM localities WHERE parent_id = ? AND level = ?", [parent_id, level]
    )
    return int(row[0]) if row else 0


def provinces_of(
    con: duckdb.DuckDBPyConnection, locality_ids: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """Place id → (code, name) of the current province it lies in; (None, None) for the country."""
    owners = query_frame(
        con,
        """SELECT l.id, p.code, p.name FROM localities l LEFT JOIN localities p ON p.id = l.province_id
           WHERE l.id IN (SELECT unnest(?::TEXT[]))""",
        [locality_ids],
    )
    return {r["id"]: (r["code"], r["name"]) for r in owners.iter_rows(named=True)}


def batch_provinces(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[str | None]:
    """Official codes of the current provinces a batch's rows lie in; None stands for rows of
    the whole country (national targets) or of a place with no province."""
    frame = query_frame(
        con,
        """SELECT DISTINCT p.code FROM (
               SELECT locality_id FROM observations WHERE batch_id = ?
               UNION SELECT locality_id FROM targets WHERE batch_id = ?
               UNION SELECT locality_id FROM recognitions WHERE batch_id = ?
               UNION SELECT locality_id FROM place_context WHERE batch_id = ?
               UNION SELECT locality_id FROM education_levels WHERE batch_id = ?
           ) r
           LEFT JOIN localities l ON l.id = r.locality_id
           LEFT JOIN localities p ON p.id = l.province_id
           ORDER BY p.code NULLS LAST""",
        [batch_id] * 5,
    )
    return frame["code"].to_list()


def provinces_of_active_imports(con: duckdb.DuckDBPyConnection) -> dict[int, list[str | None]]:
    """batch_provinces for every active import batch (and round approval) at once (the rollback list)."""
    frame = query_frame(
        con,
        """SELECT DISTINCT r.batch_id, p.code FROM (
               SELECT batch_id, locality_id FROM observations
               UNION SELECT batch_id, locality_id FROM targets
               UNION SELECT batch_id, locality_id FROM recognitions
               UNION SELECT batch_id, locality_id FROM place_context
               UNION SELECT batch_id, locality_id FROM education_levels
           ) r
           JOIN batches b ON b.id = r.batch_id AND b.kind IN ('import', 'round') AND b.status = 'active'
           LEFT JOIN localities l ON l.id = r.locality_id
           LEFT JOIN localities p ON p.id = l.province_id""",
    )
    out: dict[int, list[str | None]] = {}
    for row in frame.iter_rows(named=True):
        out.setdefault(row["batch_id"], []).append(row["code"])
    return out


def figures_in_force(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> pl.DataFrame:
    """The figures in force of one table (observations_current or targets_current): the named
    columns, selected from a fixed query (no name from outside enters the SQL)."""
    return query_frame(con, _IN_FORCE[table]).select(list(columns))


def active_batches_of_file(con: duckdb.DuckDBPyConnection, sha256: str) -> list[int]:
    """Active batches that came from a file with the same content."""
    return [
        int(r[0])
        for r in con.execute(
            "SELECT id FROM batches WHERE file_sha256 = ? AND status = 'active' ORDER BY id",
            [sha256],
        ).fetchall()
    ]
