"""The reporting rounds' SQL: the rounds, each commune's report (state, who, when), its working
figures and its events, read from a store or a reader's copy and written inside the writer's
transaction. The rules (who may do what, which state follows which) are metrics.rounds'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import polars as pl

from metrics.store import first_row, query_frame
from metrics.store.schema import LEVEL_COLUMNS

FIGURE_COLUMNS: Sequence[str] = ("total", "registered", "recognized", *LEVEL_COLUMNS)
_FIGURES = ", ".join(FIGURE_COLUMNS)
# The batches of figures read from a file (an import, the sample reports' real figures).
IMPORTED_KINDS = "('import', 'seed')"


# --- reading ----------------------------------------------------------------------------------


def round_of(con: duckdb.DuckDBPyConnection, province_id: str, year: int) -> dict | None:
    frame = query_frame(
        con, "SELECT * FROM rounds WHERE province_id = ? AND year = ?", [province_id, year]
    )
    return frame.row(0, named=True) if frame.height else None


def rounds_of(con: duckdb.DuckDBPyConnection, province_id: str) -> pl.DataFrame:
    """The province's rounds, the newest year first."""
    return query_frame(
        con, "SELECT * FROM rounds WHERE province_id = ? ORDER BY year DESC", [province_id]
    )


def report_states(con: duckdb.DuckDBPyConnection, province_id: str, year: int) -> pl.DataFrame:
    """Every commune of the province with its report of the year (state not_started without
    one), in the order communes are listed, and when the newest file imported behind its
    figures in force for the year was written (imported_at; None when none is)."""
    return query_frame(
        con,
        f"""WITH imported AS (
               SELECT o.locality_id, max(b.created_at) AS imported_at
               FROM observations_current o JOIN batches b ON b.id = o.batch_id
               JOIN localities c ON c.id = o.locality_id
               WHERE o.year = ? AND c.province_id = ? AND b.kind IN {IMPORTED_KINDS}
               GROUP BY o.locality_id)
           SELECT l.id AS locality_id, l.code, l.name, coalesce(r.state, 'not_started') AS state,
                  coalesce(r.revision, 0) AS revision, r.updated_at, r.updated_by,
                  r.submitted_at, r.submitted_by, r.reviewed_at, r.reviewed_by, r.reason,
                  r.batch_id, i.imported_at
           FROM localities l
           LEFT JOIN round_reports r ON r.locality_id = l.id AND r.year = ?
           LEFT JOIN imported i ON i.locality_id = l.id
           WHERE l.level = 'commune' AND l.province_id = ?
           ORDER BY l.short_name COLLATE vi, l.code""",
        [year, province_id, year, province_id],
    )


def imported_in_force(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int
) -> dict[str, datetime]:
    """indicator → when the file behind the commune's figure in force was imported, for the
    figures in force that came from an imported file (not from a round's approval or the demo)."""
    frame = query_frame(
        con,
        f"""SELECT o.indicator, b.created_at FROM observations_current o
            JOIN batches b ON b.id = o.batch_id
            WHERE o.locality_id = ? AND o.year = ? AND b.kind IN {IMPORTED_KINDS}""",
        [locality_id, year],
    )
    return dict(frame.iter_rows())


def state_tally(con: duckdb.DuckDBPyConnection, province_id: str, year: int) -> pl.DataFrame:
    """How many communes of the province stand in each state of the year's reports, split by
    whether the commune already has figures of its own in force for the year (imported, or
    approved): state, has_figures, communes."""
    return query_frame(
        con,
        """SELECT coalesce(r.state, 'not_started') AS state,
                  EXISTS (SELECT 1 FROM observations_current o
                          WHERE o.locality_id = l.id AND o.year = ?) AS has_figures,
                  count(*) AS communes
           FROM localities l
           LEFT JOIN round_reports r ON r.locality_id = l.id AND r.year = ?
           WHERE l.level = 'commune' AND l.province_id = ?
           GROUP BY 1, 2 ORDER BY 1, 2""",
        [year, year, province_id],
    )


def report(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> dict | None:
    frame = query_frame(
        con,
        "SELECT * FROM round_reports WHERE locality_id = ? AND year = ?",
        [locality_id, year],
    )
    return frame.row(0, named=True) if frame.height else None


def report_figures(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> pl.DataFrame:
    return query_frame(
        con,
        f"SELECT indicator, {_FIGURES} FROM round_figures WHERE locality_id = ? AND year = ? "
        "ORDER BY indicator",
        [locality_id, year],
    )


def events(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int | None = None
) -> pl.DataFrame:
    """What was done to a commune's reports (or a province's rounds), the newest first."""
    where, params = (
        ("AND year = ?", [locality_id, year]) if year is not None else ("", [locality_id])
    )
    return query_frame(
        con,
        f"""SELECT year, seq, happened_at, actor, action, revision, detail FROM round_events
            WHERE locality_id = ? {where} ORDER BY year DESC, seq DESC""",
        params,
    )


ATTACHMENT_COLUMNS: Sequence[str] = (
    "locality_id",
    "year",
    "file_name",
    "kind",
    "size_bytes",
    "sha256",
    "attached_at",
    "attached_by",
)


def attachment(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> dict | None:
    """What a commune's report has attached (name, kind, size, who, when), without its bytes."""
    frame = query_frame(
        con,
        f"SELECT {', '.join(ATTACHMENT_COLUMNS)} FROM round_attachments "
        "WHERE locality_id = ? AND year = ?",
        [locality_id, year],
    )
    return frame.row(0, named=True) if frame.height else None


def attachment_content(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> bytes | None:
    """The attached file's bytes (from the store itself: readers' copies do not hold them)."""
    row = first_row(
        con,
        "SELECT content FROM round_attachment_files WHERE locality_id = ? AND year = ?",
        [locality_id, year],
    )
    return bytes(row[0]) if row else None


def figures_in_force(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> pl.DataFrame:
    """A commune's own figures in force for a year, with the batch each comes from (an import
    or a round's approval) and when it was written."""
    return query_frame(
        con,
        f"""SELECT o.indicator, {", ".join(f"o.{c}" for c in FIGURE_COLUMNS)}, o.batch_id,
                   b.kind AS batch_kind, b.created_at AS batch_at, b.created_by AS batch_by
            FROM observations_current o JOIN batches b ON b.id = o.batch_id
            WHERE o.locality_id = ? AND o.year = ? ORDER BY o.indicator""",
        [locality_id, year],
    )


# --- writing (inside metrics.store.backend.writing) -------------------------------------------------


def insert_round(
    con: duckdb.DuckDBPyConnection,
    province_id: str,
    year: int,
    indicators: Sequence[str],
    deadline: date,
    note: str | None,
    at: datetime,
    by: str,
) -> None:
    con.execute(
        "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
        [province_id, year, ",".join(indicators), deadline, note, at, by],
    )


def update_round(
    con: duckdb.DuckDBPyConnection,
    province_id: str,
    year: int,
    indicators: Sequence[str],
    deadline: date,
    note: str | None,
) -> None:
    con.execute(
        "UPDATE rounds SET indicators = ?, deadline = ?, note = ? WHERE province_id = ? AND year = ?",
        [",".join(indicators), deadline, note, province_id, year],
    )


def put_report(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Write a commune's report row whole (its key: locality_id, year)."""
    con.execute(
        "DELETE FROM round_reports WHERE locality_id = ? AND year = ?",
        [row["locality_id"], row["year"]],
    )
    columns = (
        "locality_id",
        "year",
        "province_id",
        "state",
        "revision",
        "updated_at",
        "updated_by",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "reason",
        "batch_id",
    )
    con.execute(
        f"INSERT INTO round_reports ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row.get(c) for c in columns],
    )


def put_figures(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, figures: dict[str, dict]
) -> None:
    """Replace a report's working figures: indicator → {column: count or None}."""
    con.execute("DELETE FROM round_figures WHERE locality_id = ? AND year = ?", [locality_id, year])
    if not figures:
        return
    # One statement for every row: on PostgreSQL each statement is a round trip to the server.
    marks = "(" + ", ".join("?" for _ in range(3 + len(FIGURE_COLUMNS))) + ")"
    con.execute(
        f"INSERT INTO round_figures (locality_id, year, indicator, {_FIGURES}) VALUES "
        + ", ".join(marks for _ in figures),
        [
            v
            for indicator, counts in figures.items()
            for v in (locality_id, year, indicator, *(counts.get(c) for c in FIGURE_COLUMNS))
        ],
    )


def add_event(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    at: datetime,
    actor: str,
    action: str,
    revision: int | None,
    detail: str | None,
) -> None:
    row = first_row(
        con,
        "SELECT coalesce(max(seq), 0) + 1 FROM round_events WHERE locality_id = ? AND year = ?",
        [locality_id, year],
    )
    assert row is not None
    con.execute(
        "INSERT INTO round_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [locality_id, year, int(row[0]), at, actor, action, revision, detail],
    )


def put_attachment(con: duckdb.DuckDBPyConnection, row: dict, content: bytes) -> None:
    """Attach a file to a commune's report, replacing the one it had (key: locality_id, year)."""
    key = [row["locality_id"], row["year"]]
    for table in ("round_attachments", "round_attachment_files"):
        con.execute(f"DELETE FROM {table} WHERE locality_id = ? AND year = ?", key)
    con.execute(
        f"INSERT INTO round_attachments ({', '.join(ATTACHMENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in ATTACHMENT_COLUMNS)})",
        [row[c] for c in ATTACHMENT_COLUMNS],
    )
    con.execute(
        "INSERT INTO round_attachment_files (locality_id, year, content) VALUES (?, ?, ?)",
        [*key, content],
    )
