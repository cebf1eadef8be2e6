"""What an import looks up in the store: commune counts, the province of each place, the
figures in force (to tell new from changed), and earlier imports of the same file."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.inputs.forms import Form
from metrics.resolve import Candidate
from metrics.store import first_row, query_frame

# A unit of each level above the commune → the level of its communes and the column of theirs
# that points at it.
_COMMUNES_OF = {
    "province": ("commune", "province_id"),
    "old_province": ("old_commune", "old_province_id"),
    "old_district": ("old_commune", "parent_id"),
}


def communes_in(con: duckdb.DuckDBPyConnection, locality: Candidate) -> int:
    """How many communes the register has in a province, an old province or an old district."""
    level, column = _COMMUNES_OF[locality.level]
    row = first_row(con, f"SELECT count(*) FROM localities WHERE level = ? AND {column} = ?", [level, locality.id])
    return int(row[0]) if row else 0


def provinces_of(con: duckdb.DuckDBPyConnection, locality_ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Place id → (code, name) of the current province it lies in; (None, None) for the country."""
    owners = query_frame(
        con,
        """SELECT l.id, p.code, p.name FROM localities l LEFT JOIN localities p ON p.id = l.province_id
           WHERE l.id IN (SELECT unnest(?::TEXT[]))""",
        [locality_ids],
    )
    return {r["id"]: (r["code"], r["name"]) for r in owners.iter_rows(named=True)}


def figures_in_force(con: duckdb.DuckDBPyConnection, form: Form) -> pl.DataFrame:
    """The store's figures in force of a form: its key and value columns."""
    return query_frame(con, f"SELECT {', '.join(form.key_columns + form.value_columns)} FROM {form.current_table}")


def previously_imported(con: duckdb.DuckDBPyConnection, sha256: str) -> list[int]:
    """Active batches that came from a file with the same content."""
    return [int(r[0]) for r in con.execute("SELECT id FROM batches WHERE file_sha256 = ? AND status = 'active' ORDER BY id", [sha256]).fetchall()]
