"""Importing a file: check it against a store and say what it would change (new, changed,
unchanged), then write it as one batch, all or nothing, through metrics.store.writes.write_batch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from metrics.circulars import RESULT_LABEL
from metrics.fmt import fmt_int, fmt_pct
from metrics.inputs.checking import CheckedSheet, check_sheet
from metrics.inputs.forms import FORMS
from metrics.inputs.lookups import figures_in_force, previously_imported, provinces_of
from metrics.inputs.problems import ImportRefused, Problem
from metrics.inputs.reading import read_workbook
from metrics.inputs.rules import outside_allowed_provinces
from metrics.name_lookup import LocalityIndex
from metrics.place_context import CODE_LABEL_VI, context_gaps, households_gaps
from metrics.progress import rate_expr
from metrics.store import transaction
from metrics.store.schema import EDUCATION_FIELDS
from metrics.store.writes import BatchInfo, file_sha256, write_batch


@dataclass
class ImportResult:
    status: str  # imported | dry_run | refused
    kind: str | None = None  # results | targets | recognitions | context | education | plans
    sheet: str | None = None
    batch: int | None = None
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the file is written with but a reader should look at first (a total of households
    # far from the place's context): a warning, never a refusal.
    warnings: list[str] = field(default_factory=list)
    preview: pl.DataFrame | None = None
    # What a write needs once the file is checked (kept out of as_dict).
    parsed: CheckedSheet | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    sheet_names: list[str] = field(default_factory=list)  # every sheet of the file, for a chooser

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "kind": self.kind,
            "sheet": self.sheet,
            "batch": self.batch,
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "problems": [p.as_dict() for p in self.problems],
            "notes": self.notes,
            "warnings": self.warnings,
        }


def _diff(con: duckdb.DuckDBPyConnection, parsed: CheckedSheet) -> pl.DataFrame:
    """The checked rows, each marked new, changed or unchanged against the figures in force."""
    form = FORMS[parsed.kind]
    keys, values = list(form.key_columns), list(form.value_columns)
    current = figures_in_force(con, form)
    current = current.rename({v: f"{v}_old" for v in values}).with_columns(
        pl.lit(True).alias("_exists")
    )
    incoming = parsed.frame.join(
        current.cast({k: parsed.frame.schema[k] for k in keys}), on=keys, how="left"
    )
    same = pl.all_horizontal([pl.col(v).eq_missing(pl.col(f"{v}_old")) for v in values])
    return incoming.with_columns(
        pl.when(pl.col("_exists").is_null())
        .then(pl.lit("new"))
        .when(same)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("changed"))
        .alias("change")
    )


def check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sheet: str | None = None,
    data: bytes | None = None,
    index: LocalityIndex | None = None,
    allowed_provinces: Sequence[str] | None = None,
) -> ImportResult:
    """Read and check a file against a store (any reader: a copy in memory will do) and say what
    it would change. Status "dry_run", or "refused" with every problem; nothing is written.

    `allowed_provinces` (official codes) limits an editor to their provinces; None: no limit."""
    try:
        sheets = read_workbook(path, data)
    except ImportRefused as exc:
        return ImportResult("refused", problems=exc.problems)
    names = [s for s, _ in sheets]
    if sheet is not None:
        chosen = [s for s in sheets if s[0] == sheet]
        if not chosen:
            return ImportResult(
                "refused",
                problems=[
                    Problem(
                        sheet,
                        None,
                        None,
                        f"Không có trang “{sheet}” trong tệp. Các trang: {', '.join(names)}.",
                    )
                ],
                sheet_names=names,
            )
        sheets = chosen
    index = index or LocalityIndex.from_store(con)
    parsed: CheckedSheet | None = None
    first_problems: list[Problem] = []
    # The first sheet with a table is the one imported (a workbook often opens on its instructions).
    for name, rows in sheets:
        attempt = check_sheet(con, index, name, rows)
        if attempt.kind:
            parsed = attempt
            break
        first_problems = first_problems or attempt.problems
    del sheets  # the cells: only the checked rows are kept
    if parsed is None:
        return ImportResult("refused", problems=first_problems, sheet_names=names)
    if allowed_provinces is not None and parsed.frame.height:
        province_of = provinces_of(con, parsed.frame["locality_id"].unique().to_list())
        parsed.problems.extend(
            outside_allowed_provinces(
                parsed.sheet, parsed.frame, province_of, set(allowed_provinces)
            )
        )
    if parsed.problems:
        return ImportResult(
            "refused",
            kind=parsed.kind,
            sheet=parsed.sheet,
            rows=parsed.frame.height + len(parsed.problems),
            problems=parsed.problems,
            notes=parsed.notes,
            sheet_names=names,
        )
    result = ImportResult(
        "dry_run",
        kind=parsed.kind,
        sheet=parsed.sheet,
        notes=parsed.notes,
        parsed=parsed,
        file_name=path.name,
        file_sha256=file_sha256(path) if data is None else hashlib.sha256(data).hexdigest(),
        sheet_names=names,
    )
    _count_changes(con, result)
    if parsed.kind == "recognitions":
        result.notes.extend(_entries_left_out(con, parsed))
    result.warnings.extend(_households_far_apart(con, parsed))
    assert result.file_sha256 is not None
    earlier = previously_imported(con, result.file_sha256)
    if earlier:
        result.notes.append(
            f"Tệp có nội dung giống hệt tệp đã nhập ở lô {', '.join(map(str, earlier))}."
        )
    return result


def _entries_left_out(con: duckdb.DuckDBPyConnection, parsed: CheckedSheet) -> list[str]:
    """A list replaces its decision's list whole: the units in force that the file leaves out
    would leave the list. Said before anything is written."""
    form = FORMS["recognitions"]
    lists = ["locality_id", "year", "indicator", "decision_number"]
    current = figures_in_force(con, form)
    incoming = parsed.frame.select([*lists, "name_key"]).cast({"year": current.schema["year"]})
    touched = current.join(incoming.select(lists).unique(), on=lists, how="semi")
    gone = touched.join(incoming, on=[*lists, "name_key"], how="anti")
    if not gone.height:
        return []
    names = ", ".join(sorted(gone["name"].to_list())[:5]) + (", …" if gone.height > 5 else "")
    return [
        f"{gone.height} đơn vị đang có trong danh sách của cùng quyết định không có trong tệp "
        f"({names}): khi ghi, danh sách của tệp thay cả danh sách cũ, các đơn vị này không còn "
        "trong danh sách. Nếu tệp chỉ bổ sung, thêm các đơn vị này vào tệp."
    ]


def _households_far_apart(con: duckdb.DuckDBPyConnection, parsed: CheckedSheet) -> list[str]:
    """A total of households (Gia đình học tập) far from the place's context, either way: the
    file's families against the context in the store, or the file's context against the
    families in force (metrics.place_context.HOUSEHOLDS_TOLERANCE)."""
    if parsed.kind == "results":
        rows = parsed.frame.filter(
            (pl.col("indicator") == "gia_dinh") & pl.col("total").is_not_null()
        ).to_dicts()
        return [
            gap.message(
                "Tổng số hộ gia đình (Gia đình học tập) trong tệp", "đặc điểm địa bàn trong kho"
            )
            for gap in households_gaps(con, rows)
        ]
    if parsed.kind == "context":
        return [
            gap.message(
                "Tổng số hộ gia đình (Gia đình học tập) đang dùng trong kho",
                "đặc điểm địa bàn trong tệp",
            )
            for gap in context_gaps(con, parsed.frame.to_dicts())
        ]
    return []


def _count_changes(con: duckdb.DuckDBPyConnection, result: ImportResult) -> None:
    assert result.parsed is not None
    diff = _diff(con, result.parsed)
    counts = {
        k: int(diff.filter(pl.col("change") == k).height) for k in ("new", "changed", "unchanged")
    }
    result.rows, result.preview = diff.height, diff
    result.new, result.changed, result.unchanged = (
        counts["new"],
        counts["changed"],
        counts["unchanged"],
    )


def preview_changes(preview: pl.DataFrame, kind: str | None, lang: str = "vi") -> pl.DataFrame:
    """The checked rows with what a changed row changes as a reader checks it: the rate (or the
    target) in force → the file's, "52,1% → 55,3%" ("52.1% → 55.3%" in English); a new or
    unchanged row shows the file's."""
    if kind == "recognitions":
        return preview.with_columns(
            pl.when(pl.col("change") == "changed")
            .then(
                pl.col("result_old").replace_strict(RESULT_LABEL, default="")
                + " → "
                + pl.col("result").replace_strict(RESULT_LABEL, default="")
            )
            .otherwise(pl.col("result").replace_strict(RESULT_LABEL, default=""))
            .alias("rate_change")
        )
    if kind in ("context", "education"):
        return preview.with_columns(
            pl.Series("rate_change", [_context_change(r, kind) for r in preview.to_dicts()])
        )
    if kind == "results":
        new = rate_expr(pl.col("recognized"), pl.col("total"))
        old = rate_expr(pl.col("recognized_old"), pl.col("total_old"))
    elif kind == "plans":
        new, old = pl.col("target_pct"), pl.col("target_pct_old")
    else:
        new, old = pl.col("percent"), pl.col("percent_old")
    pairs = preview.select(pl.col("change"), new.alias("new"), old.alias("old")).iter_rows()
    return preview.with_columns(
        pl.Series(
            "rate_change",
            [
                f"{fmt_pct(o, lang=lang)} → {fmt_pct(n, lang=lang)}"
                if change == "changed"
                else fmt_pct(n, lang=lang)
                for change, n, o in pairs
            ],
            dtype=pl.String,
        )
    )


def _context_change(row: dict, kind: str) -> str:
    """What a context row says (households/people; or the four levels), a changed one as
    "3.700 hộ → 3.783 hộ"."""
    if kind == "context":

        def said(suffix: str) -> str:
            hh, people = row.get(f"households{suffix}"), row.get(f"population{suffix}")
            return f"{fmt_int(hh)} hộ/{fmt_int(people)} nhân khẩu"

    else:

        def said(suffix: str) -> str:
            codes = [row.get(f"{f}{suffix}") for f in EDUCATION_FIELDS]
            return " · ".join(CODE_LABEL_VI.get(c or "", "–") for c in codes)

    if row["change"] == "changed":
        return f"{said('_old')} → {said('')}"
    return said("")


NOTHING_NEW = "Mọi số liệu trong tệp đã có trong kho, không có gì thay đổi: không tạo lô mới."


def write_checked(
    con: duckdb.DuckDBPyConnection, result: ImportResult, *, user: str | None = None
) -> ImportResult:
    """Write a checked file as one batch, inside the writer's transaction (metrics.store.backend.writing).

    The changes are counted again against the store as it is now, under the write lock: a file
    another writer landed meanwhile is not written twice."""
    parsed = result.parsed
    assert parsed is not None and result.status == "dry_run", (
        "write_checked takes the result of check_file"
    )
    _count_changes(con, result)
    result.status = "imported"
    if result.new == 0 and result.changed == 0:
        result.notes.append(NOTHING_NEW)
        return result
    info = BatchInfo(
        kind="import",
        synthetic=False,
        created_by=user,
        file_name=result.file_name,
        file_sha256=result.file_sha256,
        note=f"{FORMS[parsed.kind].batch_note} — trang {parsed.sheet}",
    )
    if parsed.kind == "results":
        result.batch = write_batch(con, info, observations=parsed.frame)
    elif parsed.kind == "recognitions":
        result.batch = write_batch(con, info, recognitions=parsed.frame)
    elif parsed.kind == "context":
        result.batch = write_batch(con, info, contexts=parsed.frame)
    elif parsed.kind == "education":
        result.batch = write_batch(con, info, education=parsed.frame)
    elif parsed.kind == "plans":
        result.batch = write_batch(con, info, plan_items=parsed.frame)
    else:
        result.batch = write_batch(con, info, targets=parsed.frame)
    return result


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
    data: bytes | None = None,
    index: LocalityIndex | None = None,
    allowed_provinces: Sequence[str] | None = None,
) -> ImportResult:
    """Check a file and (unless dry_run) write it as one batch through one read-write connection
    (tests, one-process tools). A refused file writes nothing. Processes that share a store use
    check_file on their copy, then write_checked under metrics.store.backend.writing."""
    result = check_file(
        con, path, sheet=sheet, data=data, index=index, allowed_provinces=allowed_provinces
    )
    if result.status == "refused" or dry_run:
        return result
    with transaction(con):
        return write_checked(con, result, user=user)
