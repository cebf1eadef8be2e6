"""What an import looks up in the store (through metrics.queries): commune counts, the province of
each place, the figures in force (to tell new from changed), and earlier imports of the same file."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.inputs.forms import Form
from metrics.name_lookup import Candidate
from metrics.queries import registers as rq


def communes_in(con: duckdb.DuckDBPyConnection, locality: Candidate) -> int:
    """How many communes the register has in a province, an old province or an old district."""
    return rq.communes_in_area(con, locality.level, locality.id)


def provinces_of(
    con: duckdb.DuckDBPyConnection, locality_ids: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """Place id → (code, name) of the current province it lies in; (None, None) for the country."""
    return rq.provinces_of(con, locality_ids)


def figures_in_force(con: duckdb.DuckDBPyConnection, form: Form) -> pl.DataFrame:
    """The store's figures in force of a form: its key and value columns."""
    return rq.figures_in_force(con, form.current_table, [*form.key_columns, *form.value_columns])


def previously_imported(con: duckdb.DuckDBPyConnection, sha256: str) -> list[int]:
    """Active batches that came from a file with the same content."""
    return rq.active_batches_of_file(con, sha256)
