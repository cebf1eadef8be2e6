"""The store's health and its moves: `xhht check`, a content digest, copying between backends,
upgrading an older schema.

A check reads the store as it is (raw tables included, not a reader's copy) and lists every
problem it finds; an empty list means: the schema is this version, every figure belongs to a
recorded batch and a known locality and indicator, each batch holds as many rows as it says,
and the figures in force are exactly what the batches imply.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

import duckdb

from metrics.store import first_row, schema_version
from metrics.store.backend import run_in_store
from metrics.store.schema import (
    CURRENT_QUERIES,
    SCHEMA,
    SCHEMA_VERSION,
    TABLES,
    UPGRADE_5_COLUMNS,
)


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    schema_version: int | None = None
    data_version: int | None = None
    digest: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "schema_version": self.schema_version,
            "data_version": self.data_version,
            "digest": self.digest,
            "counts": self.counts,
            "problems": self.problems,
        }


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    row = first_row(con, sql, params)
    return int(row[0]) if row else 0


# (what is wrong, a query counting the rows where it is wrong)
_ROW_CHECKS = (
    (
        "số liệu đang dùng thuộc lô không còn hiệu lực hoặc không có",
        "SELECT count(*) FROM observations_current c LEFT JOIN batches b ON b.id = c.batch_id "
        "WHERE b.id IS NULL OR b.status <> 'active'",
    ),
    (
        "mục tiêu đang dùng thuộc lô không còn hiệu lực hoặc không có",
        "SELECT count(*) FROM targets_current c LEFT JOIN batches b ON b.id = c.batch_id "
        "WHERE b.id IS NULL OR b.status <> 'active'",
    ),
    (
        "số liệu thuộc lô không có trong bảng batches",
        "SELECT count(*) FROM observations o WHERE o.batch_id NOT IN (SELECT id FROM batches)",
    ),
    (
        "mục tiêu thuộc lô không có trong bảng batches",
        "SELECT count(*) FROM targets t WHERE t.batch_id NOT IN (SELECT id FROM batches)",
    ),
    (
        "số liệu của địa bàn không có trong danh mục",
        "SELECT count(*) FROM observations o WHERE o.locality_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "mục tiêu của địa bàn không có trong danh mục",
        "SELECT count(*) FROM targets t WHERE t.locality_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "số liệu của chỉ tiêu không có trong danh mục chỉ tiêu",
        "SELECT count(*) FROM observations o WHERE o.indicator NOT IN (SELECT id FROM indicators)",
    ),
    (
        "mục tiêu của chỉ tiêu không có trong danh mục chỉ tiêu",
        "SELECT count(*) FROM targets t WHERE t.indicator NOT IN (SELECT id FROM indicators)",
    ),
    (
        "mục công nhận thuộc lô không có trong bảng batches",
        "SELECT count(*) FROM recognitions r WHERE r.batch_id NOT IN (SELECT id FROM batches)",
    ),
    (
        "mục tiêu, nhiệm vụ của kế hoạch thuộc lô không có trong bảng batches",
        "SELECT count(*) FROM plan_items p WHERE p.batch_id NOT IN (SELECT id FROM batches)",
    ),
    (
        "mục tiêu, nhiệm vụ của kế hoạch của địa bàn không có trong danh mục",
        "SELECT count(*) FROM plan_items p WHERE p.locality_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "mục công nhận của địa bàn không có trong danh mục",
        "SELECT count(*) FROM recognitions r WHERE r.locality_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "mục công nhận đang dùng thuộc lô không còn hiệu lực hoặc không có",
        "SELECT count(*) FROM recognitions_current c LEFT JOIN batches b ON b.id = c.batch_id "
        "WHERE b.id IS NULL OR b.status <> 'active'",
    ),
    (
        "đặc điểm địa bàn hoặc mức phổ cập giáo dục thuộc lô không có trong bảng batches",
        "SELECT count(*) FROM (SELECT batch_id FROM place_context UNION ALL "
        "SELECT batch_id FROM education_levels) c WHERE c.batch_id NOT IN (SELECT id FROM batches)",
    ),
    (
        "đặc điểm địa bàn hoặc mức phổ cập giáo dục của địa bàn không có trong danh mục",
        "SELECT count(*) FROM (SELECT locality_id FROM place_context UNION ALL "
        "SELECT locality_id FROM education_levels) c "
        "WHERE c.locality_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "đặc điểm địa bàn hoặc mức phổ cập giáo dục đang dùng thuộc lô không còn hiệu lực hoặc không có",
        "SELECT count(*) FROM (SELECT batch_id FROM place_context_current UNION ALL "
        "SELECT batch_id FROM education_levels_current) c LEFT JOIN batches b ON b.id = c.batch_id "
        "WHERE b.id IS NULL OR b.status <> 'active'",
    ),
    (
        "dòng phả hệ trỏ tới địa bàn không có",
        "SELECT count(*) FROM lineage g WHERE g.old_id NOT IN (SELECT id FROM localities) "
        "OR g.new_id NOT IN (SELECT id FROM localities)",
    ),
    (
        "lô có trạng thái lạ (không phải active / rolled_back)",
        "SELECT count(*) FROM batches WHERE status NOT IN ('active', 'rolled_back')",
    ),
)


# A batch's rows: its figures, targets, list entries, context, education levels and plan items.
_ROWS_OF_BATCHES = """(SELECT batch_id, count(*) AS n FROM (
        SELECT batch_id FROM observations UNION ALL SELECT batch_id FROM targets
        UNION ALL SELECT batch_id FROM recognitions UNION ALL SELECT batch_id FROM place_context
        UNION ALL SELECT batch_id FROM education_levels UNION ALL SELECT batch_id FROM plan_items
        ) a GROUP BY 1)"""
_WRONG_ROW_COUNTS = f"""
    SELECT b.id, b.rows, coalesce(n.n, 0) AS actual
    FROM batches b LEFT JOIN {_ROWS_OF_BATCHES} n ON n.batch_id = b.id
    WHERE b.rows <> coalesce(n.n, 0) ORDER BY b.id"""


def check(con: duckdb.DuckDBPyConnection) -> CheckReport:
    report = CheckReport()
    report.schema_version = schema_version(con)
    if report.schema_version is None:
        report.problems.append(
            "Không phải kho của ứng dụng: thiếu bảng meta hoặc phiên bản lược đồ."
        )
        return report
    if report.schema_version != SCHEMA_VERSION:
        report.problems.append(
            f"Lược đồ phiên bản {report.schema_version}, ứng dụng cần {SCHEMA_VERSION} "
            "(nâng cấp bằng `xhht store upgrade`)."
        )
        return report
    row = first_row(con, "SELECT value FROM meta WHERE key = 'data_version'")
    if row is None:
        report.problems.append("Thiếu phiên bản dữ liệu (meta.data_version).")
    else:
        report.data_version = int(row[0])
    for table in TABLES:
        report.counts[table] = _count(con, f"SELECT count(*) FROM {table}")
    for what, sql in _ROW_CHECKS:
        n = _count(con, sql)
        if n:
            report.problems.append(f"{n} {what}.")
    wrong = con.execute(_WRONG_ROW_COUNTS).fetchall()
    for batch_id, said, actual in wrong:
        report.problems.append(
            f"Lô {batch_id} ghi {said} dòng nhưng có {actual} dòng số liệu, mục tiêu, danh sách công nhận, đặc điểm địa bàn, phổ cập giáo dục và nhiệm vụ kế hoạch."
        )
    for table, query in CURRENT_QUERIES.items():
        extra = _count(con, f"SELECT count(*) FROM (SELECT * FROM {table} EXCEPT ALL ({query}))")
        missing = _count(con, f"SELECT count(*) FROM (({query}) EXCEPT ALL SELECT * FROM {table})")
        if extra or missing:
            report.problems.append(
                f"Bảng {table} khác với tính lại từ các lô: {extra} dòng thừa, {missing} dòng thiếu."
            )
    report.digest = digest(con)
    return report


_DIGEST_ROWS = {
    "round_attachment_files": "t.locality_id || '|' || t.year || '|' || sha256(t.content)",
}


def digest(con: duckdb.DuckDBPyConnection) -> str:
    """SHA-256 over every table's rows as text, sorted: equal stores give equal digests, on
    either backend. `meta.store_id` (a store's own name) is left out, so a copy matches."""
    h = hashlib.sha256()
    for table in TABLES:
        where = " WHERE t.key <> 'store_id'" if table == "meta" else ""
        # A file's bytes count by their SHA-256 (the row as text would be megabytes long).
        row = _DIGEST_ROWS.get(table, "CAST(t AS VARCHAR)")
        rows = con.execute(f"SELECT {row} AS r FROM {table} t{where} ORDER BY r").fetchall()
        h.update(f"{table}\n".encode())
        for (r,) in rows:
            h.update(r.encode())
            h.update(b"\n")
    return h.hexdigest()


def copy_store(
    src: duckdb.DuckDBPyConnection, dst: duckdb.DuckDBPyConnection, *, same_store: bool = False
) -> dict[str, int]:
    """Copy every table of `src` into the empty store `dst` in one transaction. The copy is
    another store (its own store_id), holding the same content; with `same_store` it keeps the
    store_id (a compacted file that replaces its original: readers keep their copies)."""
    counts: dict[str, int] = {}
    dst.execute("BEGIN TRANSACTION")
    try:
        dst.execute(SCHEMA)
        for table in TABLES:
            frame = src.execute(f"SELECT * FROM {table}").to_arrow_table()
            if table == "meta" and not same_store:
                frame = frame.filter([k != "store_id" for k in frame.column("key").to_pylist()])
            dst.register("_copy", frame)
            dst.execute(f"INSERT INTO {table} SELECT * FROM _copy")
            dst.unregister("_copy")
            counts[table] = frame.num_rows
        if not same_store:
            dst.execute("INSERT INTO meta VALUES ('store_id', ?)", [uuid.uuid4().hex])
    except BaseException:
        dst.execute("ROLLBACK")
        raise
    dst.execute("COMMIT")
    return counts


def upgrade(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Inside the writer's transaction, bring an older store to this schema version; returns
    what was done. Version 1 (DuckDB files only) had a batch sequence, current tables made by
    CREATE … AS without keys, and no data version; version 2 had no register of recognitions;
    version 3 no reporting rounds; version 4 no place context or education levels, no steps to a
    decision in the register, no plan items and no signed reports attached to round reports."""
    version = schema_version(con)
    done: list[str] = []
    if version == 1:
        for table in ("observations_current", "targets_current"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DROP SEQUENCE IF EXISTS batch_seq")
        con.execute(SCHEMA)
        for table in ("observations_current", "targets_current"):
            con.execute(f"INSERT INTO {table} {CURRENT_QUERIES[table]} ORDER BY 1, 2, 3")
        con.execute("DELETE FROM meta WHERE key IN ('schema_version', 'data_version', 'store_id')")
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', '2'), ('data_version', '1'), ('store_id', ?)",
            [uuid.uuid4().hex],
        )
        done.append(
            "phiên bản 1 → 2: bảng số liệu đang dùng có khóa chính, bỏ sequence batch_seq, thêm phiên bản dữ liệu"
        )
        # Version 1's demo batch counted its observations but not the province targets it
        # also wrote; the batch's row count is made true (figures are not touched).
        wrong = con.execute(_WRONG_ROW_COUNTS).fetchall()
        for batch_id, said, actual in wrong:
            con.execute("UPDATE batches SET rows = ? WHERE id = ?", [actual, batch_id])
            done.append(
                f"số dòng của lô {batch_id} sửa từ {said} thành {actual} (số liệu và mục tiêu của lô)"
            )
        version = 2
    if version == 2:
        con.execute(SCHEMA)  # adds the register of recognitions; every other table is kept
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", ["3"])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'"
        )
        done.append("phiên bản 2 → 3: thêm sổ công nhận (danh sách đơn vị được công nhận)")
        version = 3
    if version == 3:
        con.execute(SCHEMA)  # adds the reporting rounds' tables; every other table is kept
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", ["4"])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'"
        )
        done.append("phiên bản 3 → 4: thêm vòng báo cáo của các xã (báo cáo, số liệu, nhật ký)")
        version = 4
    if version == 4:
        # The new columns by the store's own engine (PostgreSQL's ALTER on PostgreSQL), then
        # the new tables, which already have them.
        for statement in UPGRADE_5_COLUMNS:
            run_in_store(con, statement)
        con.execute(SCHEMA)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'"
        )
        done.append(
            "phiên bản 4 → 5: thêm đặc điểm địa bàn (số hộ, nhân khẩu, thôn, tổ dân phố, cơ quan, "
            "trường học) và mức phổ cập giáo dục, xóa mù chữ; sổ công nhận ghi các bước đến quyết "
            "định (tự đánh giá, tờ trình); thêm các mục tiêu, nhiệm vụ của kế hoạch; thêm báo cáo "
            "có chữ ký đính kèm báo cáo của xã"
        )
    return done
