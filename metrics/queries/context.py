"""Named queries of a place's context (households, people, villages, agencies, schools) and its
universal-education levels: the rows in force of a place up to a year, and what an import
compares its households with."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics.store import query_frame
from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS

_CONTEXT = "locality_id, year, " + ", ".join(CONTEXT_COUNTS) + ", as_of, source, synthetic"
_EDUCATION = "locality_id, year, " + ", ".join(EDUCATION_FIELDS) + ", as_of, source, synthetic"


def context_upto(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> pl.DataFrame:
    """The place's context in force for the year, else for the latest year before it (one row
    or none): a report of 2024 states the households counted at the end of 2023."""
    return query_frame(
        con,
        f"""SELECT {_CONTEXT} FROM place_context_current
            WHERE locality_id = ? AND year <= ? ORDER BY year DESC LIMIT 1""",
        [locality_id, year],
    )


def education_upto(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> pl.DataFrame:
    """The place's universal-education levels in force for the year, else for the latest year
    before it (one row or none)."""
    return query_frame(
        con,
        f"""SELECT {_EDUCATION} FROM education_levels_current
            WHERE locality_id = ? AND year <= ? ORDER BY year DESC LIMIT 1""",
        [locality_id, year],
    )


def households_of(con: duckdb.DuckDBPyConnection, locality_ids: Sequence[str]) -> pl.DataFrame:
    """Every context in force of these places that counts households: locality_id, year,
    households, as_of, source (an imported total of families is compared with it)."""
    return query_frame(
        con,
        """SELECT locality_id, year, households, as_of, source FROM place_context_current
           WHERE households IS NOT NULL AND locality_id IN (SELECT unnest(?::TEXT[]))
           ORDER BY locality_id, year""",
        [list(locality_ids)],
    )


def family_totals_of(con: duckdb.DuckDBPyConnection, locality_ids: Sequence[str]) -> pl.DataFrame:
    """The place's own figure in force of families (gia_dinh) with a total: locality_id, year,
    total (an imported context's households are compared with it)."""
    return query_frame(
        con,
        """SELECT locality_id, year, total FROM observations_current
           WHERE indicator = 'gia_dinh' AND total IS NOT NULL
             AND locality_id IN (SELECT unnest(?::TEXT[]))
           ORDER BY locality_id, year""",
        [list(locality_ids)],
    )
