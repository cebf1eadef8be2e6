"""Named queries of the register of recognitions: the entries of an area (and its old units),
a year and a title, and those whose recognition lapses in a given year. Like the other
modules of metrics/queries/ and metrics/store/, it holds SQL (tests/test_layers.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from metrics.store import query_frame

# Which entries lie in an area of each level: a province holds its communes and the old units
# that roll into it; a commune, the old communes merged into it; an old district, its old
# communes. `?` is the area's id.
_IN_AREA = {
    "country": "TRUE",
    "province": "l.province_id = ?",
    "old_province": "(l.old_province_id = ? OR l.id = ?)",
    "old_district": "(l.id = ? OR l.parent_id = ?)",
    "commune": "(l.id = ? OR l.id IN (SELECT old_id FROM lineage WHERE new_id = ?))",
    "old_commune": "l.id = ?",
}

_ENTRIES = """
    SELECT r.name, r.kind, r.locality_id, l.code AS locality_code, l.name AS locality_name,
           l.level AS locality_level, par.name AS parent_name, p.name AS province_name,
           r.year, r.indicator AS title, r.result, r.circular, r.decision_number, r.decision_date,
           r.issuer, r.valid_until, r.criteria_met, r.criteria_failed, r.source, r.synthetic,
           r.batch_id, r.entry, r.self_assessed, r.proposal_number, r.proposal_date,
           r.proposal_issuer
    FROM recognitions_current r
    JOIN localities l ON l.id = r.locality_id
    LEFT JOIN localities par ON par.id = l.parent_id
    LEFT JOIN localities p ON p.id = l.province_id
    WHERE {area}{more}
    ORDER BY r.year, r.indicator, l.name COLLATE vi, r.decision_number, r.entry"""


def _area(level: str, locality_id: str) -> tuple[str, list[object]]:
    clause = _IN_AREA[level]
    return clause, [locality_id] * clause.count("?")


def entries_in(
    con: duckdb.DuckDBPyConnection,
    level: str,
    locality_id: str,
    *,
    year: int | None = None,
    title: str | None = None,
) -> pl.DataFrame:
    """The register's entries in force for an area (its old units included), a year and a title."""
    area, params = _area(level, locality_id)
    more = ""
    if year is not None:
        more += " AND r.year = ?"
        params.append(year)
    if title is not None:
        more += " AND r.indicator = ?"
        params.append(title)
    return query_frame(con, _ENTRIES.format(area=area, more=more), params)


def lapsing_in(
    con: duckdb.DuckDBPyConnection, level: str, locality_id: str, lapse_year: int
) -> pl.DataFrame:
    """Entries in force of an area whose recognition stands until a day of `lapse_year`."""
    area, params = _area(level, locality_id)
    more = " AND r.valid_until BETWEEN ? AND ?"
    params += [date(lapse_year, 1, 1), date(lapse_year, 12, 31)]
    return query_frame(con, _ENTRIES.format(area=area, more=more), params)


def entries_of_place(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, title: str
) -> pl.DataFrame:
    """The entries recorded for exactly this place, year and title (what its count is checked
    against: a province's count is not its communes' lists)."""
    return query_frame(
        con,
        _ENTRIES.format(area="r.locality_id = ?", more=" AND r.year = ? AND r.indicator = ?"),
        [locality_id, year, title],
    )


def reported_recognized(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, title: str
) -> int | None:
    """The recognised count the figures in force give for exactly this place, year and title."""
    frame = query_frame(
        con,
        "SELECT recognized FROM observations_current "
        "WHERE locality_id = ? AND year = ? AND indicator = ?",
        [locality_id, year, title],
    )
    return (
        int(frame["recognized"][0]) if frame.height and frame["recognized"][0] is not None else None
    )
