"""What a data officer relies on when importing: the template's sample is a 2025 commune row,
its "Chỉ tiêu" column offers a list the importer accepts, the preview shows the rate in force →
the file's, and the history says who rolled a batch back and when."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from metrics.indicators import registry
from metrics.inputs import build_template, import_file
from metrics.inputs.flow import preview_changes
from metrics.queries.registers import batches
from metrics.store import connect, transaction
from metrics.store.writes import rollback_batch

IMPORTS = Path(__file__).resolve().parent / "data" / "imports"


@pytest.fixture
def con(demo_db: Path, tmp_path: Path):
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    con = connect(path)
    yield con
    con.close()


def test_long_template_sample_is_a_2025_commune_row() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template("long")))
    head = [c.value for c in wb["Số liệu"][3]]
    sample = dict(zip(head, (c.value for c in wb["Số liệu"][4]), strict=True))
    assert (sample["Năm"], sample["Xã"], sample["Mã xã"]) == (2025, "Xã Đăk Long", "23368")
    assert not sample["Huyện"]  # from 2025 there are no districts


@pytest.mark.parametrize(("kind", "column"), [("long", "F"), ("targets", "C")])
def test_indicator_column_offers_a_list_the_importer_accepts(kind: str, column: str) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template(kind)))  # type: ignore[arg-type]
    sheet = wb["Số liệu" if kind == "long" else "Mục tiêu"]
    rules = sheet.data_validations.dataValidation
    assert len(rules) == 1 and rules[0].type == "list"
    assert str(rules[0].sqref).startswith(f"{column}4:")
    # The list's cells, on the guide sheet: every indicator, each accepted as the importer reads
    # it (metrics.inputs.rules.indicator_known resolves the cell with resolve_alias).
    ref = rules[0].formula1.split("!")[1].replace("$", "")
    offered = [c.value for row in wb["Hướng dẫn"][ref] for c in row]
    reg = registry()
    assert len(offered) == len(reg.indicator)
    assert [getattr(reg.resolve_alias(o), "id", None) for o in offered] == [
        i.id for i in reg.ordered()
    ]


def test_preview_shows_the_rate_in_force_then_the_files(con) -> None:
    result = import_file(con, IMPORTS / "ok_change_dak_long_2025.csv", dry_run=True)
    row = preview_changes(result.preview, result.kind).row(0, named=True)
    assert (row["change"], row["rate_change"]) == ("changed", "55,3% → 86,8%")


def test_a_new_row_shows_only_its_rate() -> None:
    frame = pl.DataFrame(
        {
            "change": ["new"],
            "total": [80],
            "recognized": [41],
            "total_old": [None],
            "recognized_old": [None],
        }
    )
    assert preview_changes(frame, "results")["rate_change"].to_list() == ["51,3%"]


def test_history_records_who_rolled_back_and_when(con) -> None:
    before = batches(con)["id"].max()
    done = import_file(con, IMPORTS / "ok_change_dak_long_2025.csv", user="canbo.qn")
    assert (done.status, done.batch) == ("imported", before + 1)
    with transaction(con):
        rollback_batch(con, done.batch, user="quantri.qn")
    row = batches(con).filter(pl.col("id") == done.batch).row(0, named=True)
    assert (row["status"], row["rolled_back_by"]) == ("rolled_back", "quantri.qn")
    assert row["rolled_back_at"] >= row["created_at"]  # when, beside who
    assert row["note"].startswith("Kết quả")  # what the batch was stays said
    # Batches never rolled back, or rolled back before this was recorded, say nobody.
    others = batches(con).filter(pl.col("id") != done.batch)
    assert others["rolled_back_by"].null_count() == others.height
