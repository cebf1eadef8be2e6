"""The DuckDB store: transactions, batches that supersede and roll back, refusing foreign files.

These tests need only the schema, so each builds a small empty store in a temporary file."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import polars as pl
import pytest
from small_store import QUANG_NGAI, add_batch, obs, rollback_added, store  # noqa: F401

from metrics import queries as q
from metrics.locality_progress import progress_for
from metrics.queries import registers as rq
from metrics.store import StoreError, check_store, connect, transaction
from metrics.store.schema import (
    CURRENT_QUERIES,
    LEVEL_COLUMNS,
    OBSERVATION_COLUMNS,
    SCHEMA_VERSION,
    TARGET_COLUMNS,
    create_schema,
)
from metrics.store.writes import BatchInfo, insert_frame, new_batch, refresh_current, rollback_batch
from metrics.store.writes import write_batch as store_write_batch

KEY = ("X23368", 2024, "gia_dinh")


@pytest.fixture
def con(tmp_path: Path):
    con = connect(tmp_path / "store.duckdb")
    create_schema(con)
    yield con
    con.close()


@pytest.fixture
def registered(store):  # noqa: F811
    """small_store's store (the registers and national targets), its added batches rolled back."""
    rollback_added(store)
    yield store
    rollback_added(store)


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


def test_newer_batch_supersedes_and_rollback_restores(registered) -> None:
    """The one test of superseding, through every layer that reads a figure: the store's
    current row (and its history), the named queries' commune and province figures, and the
    progress a page shows. A rollback brings the older batch back everywhere."""
    con = registered
    a = rq.communes_of(con, QUANG_NGAI)["id"][0]
    key = (a, 2024, "gia_dinh")

    def seen() -> tuple[int, int, int, float]:
        """The recognised count as the store, the queries (commune, province) and the
        progress of the commune see it, with its rate."""
        [stored] = con.execute(
            "SELECT recognized FROM observations_current "
            "WHERE locality_id = ? AND year = ? AND indicator = ?",
            list(key),
        ).fetchall()
        commune = q.area_figures(con, a).filter(year=2024, indicator="gia_dinh")
        province = q.area_figures(con, QUANG_NGAI).filter(year=2024, indicator="gia_dinh")
        [progress] = progress_for(con, a, 2024, ["gia_dinh"])
        return (
            stored[0],
            commune["recognized"].item(),
            province["recognized"].item(),
            progress.rate_pct,
        )

    first = add_batch(con, [obs(a, 2024, "gia_dinh", 100, 40, source="báo cáo 2024 lần 1")])
    assert seen() == (40, 40, 40, 40.0)
    second = add_batch(con, [obs(a, 2024, "gia_dinh", 100, 60, source="báo cáo 2024 sửa")])
    assert second > first
    assert seen() == (60, 60, 60, 60.0)
    [progress] = progress_for(con, a, 2024, ["gia_dinh"])
    assert progress.sources == ["báo cáo 2024 sửa"]
    # The older figure is kept in the history.
    history = con.execute(
        "SELECT batch_id, recognized FROM observations WHERE locality_id = ? ORDER BY batch_id",
        [a],
    ).fetchall()
    assert history == [(first, 40), (second, 60)]

    with transaction(con):
        rollback_batch(con, second)
    assert seen() == (40, 40, 40, 40.0)
    assert con.execute(
        "SELECT count(*) FROM observations WHERE locality_id = ?", [a]
    ).fetchall() == [(2,)]
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
    # Said in Vietnamese, what the file is not and how to make a store; no DuckDB English.
    assert str(exc.value).startswith(f"Tệp {path} không phải tệp kho dữ liệu")
    assert "xhht init" in str(exc.value) and "IO Error" not in str(exc.value)


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


# -- the figures in force follow each write, for the keys it holds -----------------------------

LOCALITIES = ("X23368", "X23371", "P51")
OBS_KEYS = [
    (loc, year, ind)
    for loc in LOCALITIES
    for year in (2024, 2025)
    for ind in ("gia_dinh", "dong_ho")
]
TARGET_KEYS = [
    (loc, ind, year) for loc in LOCALITIES for ind in ("gia_dinh",) for year in (2026, 2030)
]
LISTS = [
    (loc, 2025, "cong_dong_thon", decision) for loc in LOCALITIES[:2] for decision in ("", "12/QĐ")
]


def random_batch(rng: random.Random) -> dict[str, pl.DataFrame | None]:
    """Observations, targets and lists of recognised units over a few shared keys."""
    obs = [
        dict(observation(rng.randint(0, 900)), locality_id=loc, year=year, indicator=ind)
        for loc, year, ind in rng.sample(OBS_KEYS, rng.randint(0, 4))
    ]
    tgt = [
        {
            "locality_id": loc,
            "indicator": ind,
            "target_year": year,
            "percent": float(rng.randint(50, 95)),
            "source": "Kế hoạch",
            "confirmed": True,
        }
        for loc, ind, year in rng.sample(TARGET_KEYS, rng.randint(0, 2))
    ]
    rec = [
        {
            "locality_id": loc,
            "year": year,
            "indicator": ind,
            "name": f"Thôn {n}",
            "name_key": f"thon {n}",
            "kind": "Thôn, tổ dân phố",
            "result": "dat",
            "circular": "ct",
            "decision_number": decision,
            "decision_date": None,
            "issuer": None,
            "criteria_met": None,
            "criteria_failed": None,
            "valid_until": None,
            "source": "Danh sách",
        }
        for loc, year, ind, decision in rng.sample(LISTS, rng.randint(0, 2))
        for n in range(1, rng.randint(1, 3) + 1)
    ]
    for row, entry in enumerate(rec, start=1):
        entry["_row"] = row  # the entry's place in its batch
    return {
        "observations": frame_of(obs) if obs else None,
        "targets": pl.DataFrame(tgt) if tgt else None,
        "recognitions": pl.DataFrame(
            rec, schema_overrides={"decision_date": pl.Date, "valid_until": pl.Date}
        )
        if rec
        else None,
    }


def frame_of(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema_overrides={
            "year": pl.Int32,
            **{c: pl.Int64 for c in ("total", "registered", "recognized", *LEVEL_COLUMNS)},
        },
    )


def differences_from_recompute(con) -> dict[str, tuple[int, int]]:
    """Per table of figures in force: rows it has that a recompute from the batches has not,
    and the reverse (what `xhht check` compares)."""
    out = {}
    for table, query in CURRENT_QUERIES.items():
        extra = count_rows(con, f"SELECT * FROM {table} EXCEPT ALL ({query})")
        missing = count_rows(con, f"({query}) EXCEPT ALL SELECT * FROM {table}")
        if extra or missing:
            out[table] = (extra, missing)
    return out


def count_rows(con, sql: str) -> int:
    return con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]


@pytest.mark.parametrize("seed", range(3))
def test_writes_and_rollbacks_keep_the_figures_in_force_equal_to_a_recompute(
    con, seed: int
) -> None:
    rng = random.Random(seed)
    active: list[int] = []
    for step in range(30):
        version = int(
            con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        )
        with transaction(con):
            if active and rng.random() < 0.35:
                batch = active.pop(rng.randrange(len(active)))
                rollback_batch(con, batch)
            else:
                active.append(
                    store_write_batch(
                        con,
                        BatchInfo(kind="import", synthetic=rng.random() < 0.3),
                        **random_batch(rng),
                    )
                )
        assert differences_from_recompute(con) == {}, f"step {step}"
        after = int(
            con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        )
        assert after == version + 1  # every write tells readers
    assert count(con, "observations_current") > 0


def test_a_write_leaves_the_rows_in_force_of_other_keys_where_they_are(con) -> None:
    """A write rewrites the figures in force of its own keys only: every other row keeps its
    place (rowid), where a rebuild of the table would have written all of them again."""
    many = [
        dict(observation(i), locality_id=f"X{i:05d}", year=2025, indicator="gia_dinh")
        for i in range(300)
    ]
    with transaction(con):
        store_write_batch(
            con, BatchInfo(kind="import", synthetic=False), observations=frame_of(many)
        )
    where = "SELECT rowid, locality_id, recognized, batch_id FROM observations_current"
    before = con.execute(f"{where} WHERE locality_id <> 'X00007' ORDER BY 2").fetchall()
    one = [dict(observation(999), locality_id="X00007", year=2025)]
    with transaction(con):
        batch = store_write_batch(
            con, BatchInfo(kind="import", synthetic=False), observations=frame_of(one)
        )
    assert con.execute(f"{where} WHERE locality_id <> 'X00007' ORDER BY 2").fetchall() == before
    assert con.execute(
        "SELECT recognized, batch_id FROM observations_current WHERE locality_id = 'X00007'"
    ).fetchall() == [(999, batch)]
    with transaction(con):
        rollback_batch(con, batch)
    assert con.execute(f"{where} WHERE locality_id <> 'X00007' ORDER BY 2").fetchall() == before
    assert con.execute(
        "SELECT recognized FROM observations_current WHERE locality_id = 'X00007'"
    ).fetchall() == [(7,)]
