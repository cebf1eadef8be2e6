"""The DuckDB store: transactions, batches that supersede and roll back, refusing foreign files.

These tests need only the schema, so each builds a small empty store in a temporary file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from metrics.store import StoreError, check_store, connect, transaction
from metrics.store_schema import (
    LEVEL_COLUMNS,
    OBSERVATION_COLUMNS,
    SCHEMA_VERSION,
    TARGET_COLUMNS,
    create_schema,
)
from metrics.store_writes import BatchInfo, insert_frame, new_batch, refresh_current, rollback_batch

KEY = ("X23368", 2024, "gia_dinh")


@pytest.fixture
def con(tmp_path: Path):
    con = connect(tmp_path / "store.duckdb")
    create_schema(con)
    yield con
    con.close()


def observation(recognized: int, total: int = 1000, source: str = "báo cáo") -> dict:
    locality_id, year, indicator = KEY
    row: dict = {c: None for c in OBSERVATION_COLUMNS if c != "batch_id"}
    row.update(
        locality_id=locality_id,
        year=year,
        indicator=indicator,
        total=total,
        registered=recognized,
        recognized=recognized,
        total_from_register=False,
        source=source,
    )
    return row


def write_batch(
    con,
    rows: list[dict],
    kind: str = "import",
    synthetic: bool = False,
    file_name: str = "ket_qua.xlsx",
) -> int:
    """Write figures the way every writer does: one batch, inside one transaction."""
    with transaction(con):
        batch = new_batch(
            con,
            BatchInfo(kind=kind, synthetic=synthetic, created_by="test", file_name=file_name),
            len(rows),
        )
        frame = (
            pl.DataFrame(
                rows,
                schema_overrides={
                    "year": pl.Int32,
                    "total": pl.Int64,
                    "registered": pl.Int64,
                    "recognized": pl.Int64,
                    **{c: pl.Int64 for c in LEVEL_COLUMNS},
                },
            )
            .with_columns(pl.lit(batch).alias("batch_id"))
            .select(OBSERVATION_COLUMNS)
        )
        insert_frame(con, "observations", frame, OBSERVATION_COLUMNS)
        refresh_current(con)
    return batch


def current(con) -> list[tuple]:
    return con.execute(
        "SELECT recognized, total, batch_id, synthetic, source FROM observations_current "
        "WHERE locality_id = ? AND year = ? AND indicator = ?",
        list(KEY),
    ).fetchall()


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


# -- transactions ------------------------------------------------------------------------------


def test_transaction_rolls_back_every_statement_on_an_exception(con) -> None:
    write_batch(con, [observation(500)])
    before = con.execute("SELECT * FROM observations ORDER BY batch_id").fetchall()
    batches_before = count(con, "batches")

    with pytest.raises(ValueError, match="dòng 7 sai"), transaction(con):
        con.execute("DELETE FROM observations")
        new_batch(con, BatchInfo(kind="import", synthetic=False), 1)
        assert count(con, "observations") == 0  # the delete happened inside the transaction
        raise ValueError("dòng 7 sai")

    assert con.execute("SELECT * FROM observations ORDER BY batch_id").fetchall() == before
    assert count(con, "batches") == batches_before
    # The connection is usable afterwards.
    assert current(con)[0][0] == 500


def test_transaction_commits_when_the_block_succeeds(con) -> None:
    with transaction(con):
        con.execute("INSERT INTO meta VALUES ('note', 'đã ghi')")
    assert con.execute("SELECT value FROM meta WHERE key = 'note'").fetchall() == [("đã ghi",)]


def test_a_failing_statement_leaves_nothing_half_written(con) -> None:
    with pytest.raises(duckdb.Error), transaction(con):
        batch = new_batch(con, BatchInfo(kind="import", synthetic=False), 2)
        frame = pl.DataFrame([observation(10), observation(20)]).with_columns(
            pl.lit(batch).alias("batch_id")
        )
        # Two rows with the same key in one batch break the primary key.
        insert_frame(con, "observations", frame.select(OBSERVATION_COLUMNS), OBSERVATION_COLUMNS)
    assert count(con, "observations") == 0
    assert count(con, "batches") == 0


# -- batches: supersede, keep, roll back -------------------------------------------------------


def test_newer_batch_supersedes_and_rollback_restores(con) -> None:
    first = write_batch(con, [observation(500, source="báo cáo 2024 lần 1")])
    assert current(con) == [(500, 1000, first, False, "báo cáo 2024 lần 1")]

    second = write_batch(con, [observation(640, source="báo cáo 2024 sửa")])
    assert second > first
    assert current(con) == [(640, 1000, second, False, "báo cáo 2024 sửa")]
    # The older figure is kept in the history.
    history = con.execute(
        "SELECT batch_id, recognized FROM observations WHERE locality_id = ? ORDER BY batch_id",
        [KEY[0]],
    ).fetchall()
    assert history == [(first, 500), (second, 640)]

    rollback_batch(con, second)
    assert current(con) == [(500, 1000, first, False, "báo cáo 2024 lần 1")]
    assert count(con, "observations") == 2
    status = con.execute(
        "SELECT status, rolled_back_at IS NOT NULL FROM batches WHERE id = ?", [second]
    ).fetchall()
    assert status == [("rolled_back", True)]


def test_rolling_back_the_only_batch_leaves_no_current_figure(con) -> None:
    only = write_batch(con, [observation(500)])
    rollback_batch(con, only)
    assert current(con) == []
    assert count(con, "observations") == 1


def test_other_keys_are_untouched_by_a_newer_batch(con) -> None:
    other = dict(observation(30, total=40), indicator="dong_ho")
    first = write_batch(con, [observation(500), other])
    second = write_batch(con, [observation(640)])
    rows = con.execute(
        "SELECT indicator, recognized, batch_id FROM observations_current ORDER BY indicator"
    ).fetchall()
    assert rows == [("dong_ho", 30, first), ("gia_dinh", 640, second)]


def test_synthetic_flag_comes_from_the_batch(con) -> None:
    write_batch(con, [observation(500)], kind="demo", synthetic=True)
    assert current(con)[0][3] is True
    write_batch(con, [observation(510)], kind="import", synthetic=False)
    assert current(con)[0][3] is False


def test_targets_supersede_and_roll_back_too(con) -> None:
    def write_target(percent: float) -> int:
        with transaction(con):
            batch = new_batch(con, BatchInfo(kind="import", synthetic=False), 1)
            frame = pl.DataFrame(
                [
                    {
                        "locality_id": "X23368",
                        "indicator": "gia_dinh",
                        "target_year": 2030,
                        "percent": percent,
                        "source": "Kế hoạch xã",
                        "confirmed": True,
                        "batch_id": batch,
                    }
                ]
            ).select(TARGET_COLUMNS)
            insert_frame(con, "targets", frame, TARGET_COLUMNS)
            refresh_current(con)
        return batch

    write_target(85.0)
    newer = write_target(88.0)
    assert con.execute("SELECT percent FROM targets_current").fetchall() == [(88.0,)]
    rollback_batch(con, newer)
    assert con.execute("SELECT percent FROM targets_current").fetchall() == [(85.0,)]


def test_rollback_of_an_unknown_batch_is_refused_in_vietnamese(con) -> None:
    write_batch(con, [observation(500)])
    with pytest.raises(StoreError) as exc:
        rollback_batch(con, 999)
    assert str(exc.value) == "Không có lô nhập số 999."
    # Nothing changed, and the connection still works.
    assert current(con)[0][0] == 500


def test_rollback_twice_is_refused(con) -> None:
    batch = write_batch(con, [observation(500)])
    rollback_batch(con, batch)
    with pytest.raises(StoreError) as exc:
        rollback_batch(con, batch)
    assert str(exc.value) == f"Lô nhập số {batch} đã được hoàn tác trước đó."


def test_registers_batch_cannot_be_rolled_back(con) -> None:
    with transaction(con):
        batch = new_batch(con, BatchInfo(kind="registers", synthetic=False), 0)
    with pytest.raises(StoreError) as exc:
        rollback_batch(con, batch)
    assert str(exc.value) == "Không thể hoàn tác danh mục địa bàn và chỉ tiêu."
    assert con.execute("SELECT status FROM batches WHERE id = ?", [batch]).fetchall() == [
        ("active",)
    ]


def test_batch_records_who_what_and_how_many(con) -> None:
    batch = write_batch(con, [observation(500)], file_name="Bao_cao_Dak_Long_2024.xlsx")
    row = con.execute(
        "SELECT kind, created_by, file_name, rows, synthetic, status FROM batches WHERE id = ?",
        [batch],
    ).fetchall()
    assert row == [("import", "test", "Bao_cao_Dak_Long_2024.xlsx", 1, False, "active")]


# -- opening and checking stores ---------------------------------------------------------------


def test_check_store_accepts_our_store(con) -> None:
    check_store(con)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
        (str(SCHEMA_VERSION),)
    ]


def test_check_store_refuses_a_duckdb_file_that_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    other.execute("CREATE TABLE sales (id INTEGER, amount DOUBLE)")
    other.close()
    con = connect(path, read_only=True)
    try:
        with pytest.raises(StoreError) as exc:
            check_store(con)
    finally:
        con.close()
    assert "không phải kho dữ liệu của ứng dụng" in str(exc.value)
    assert "xhht init" in str(exc.value)


def test_check_store_refuses_another_schema_version(con) -> None:
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as exc:
        check_store(con)
    assert str(exc.value) == (
        f"Kho dữ liệu có phiên bản 99, ứng dụng cần phiên bản {SCHEMA_VERSION}. "
        "Kho này mới hơn ứng dụng: cập nhật ứng dụng lên bản mới nhất."
    )


def test_connect_refuses_a_file_that_is_not_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.duckdb"
    path.write_text("Báo cáo kết quả xây dựng xã hội học tập\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError) as exc:
        connect(path, read_only=True)
    assert str(exc.value).startswith(f"Không mở được kho dữ liệu {path}")


def test_connect_read_only_to_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    path = tmp_path / "chua_co.duckdb"
    with pytest.raises(StoreError) as exc:
        connect(path, read_only=True)
    message = str(exc.value)
    assert message.startswith(f"Không tìm thấy kho dữ liệu {path}.")
    assert f"xhht demo --db {path}" in message
    assert not path.exists()


def test_connect_creates_the_folder_for_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.duckdb"
    con = connect(path)
    con.close()
    assert path.exists()
