"""One truth across files: every count, rate, target, plan share and status that the pack for a
place and year shows — in the report draft, on the slides, in the workbook — equals what the
pages and `xhht progress --json` read (metrics.locality_progress.progress_for), and the level
counts a sentence writes equal the attached lists'. Made for the kinds of place an official
reports on: the country, a province, a commune with its own targets, an old district with real
figures, and an old district that recognised nobody."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from pptx import Presentation

from metrics.circulars import NOT_PASSED
from metrics.fmt import fmt_int, fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress, progress_for
from metrics.outputs import pack
from metrics.outputs.context import context, lists_of
from metrics.progress import STATUS_STYLE, Status

PLACES = [
    ("VN", 2025),  # the country
    ("P51", 2025),  # tỉnh Quảng Ngãi: 92/96 communes reported, lists with levels
    ("X23368", 2025),  # xã Đăk Long: its own 2026/2030 targets
    ("OH618", 2023),  # huyện Ia H'Drai (cũ): 23/23 units, real
    ("OH535", 2024),  # huyện Ba Tơ (cũ): no unit, no commune recognised, real
]
IDS = [f"{lid}-{year}" for lid, year in PLACES]


@pytest.fixture(scope="module")
def packs(demo_con) -> dict[str, dict[str, bytes]]:
    return {lid: dict(pack.build_pack(demo_con, lid, year)) for lid, year in PLACES}


def _file(files: dict[str, bytes], suffix: str) -> bytes:
    [content] = [v for k, v in files.items() if k.endswith(suffix)]
    return content


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _labels(items: list[IndicatorProgress], level: str) -> dict[str, IndicatorProgress]:
    """Every label a file may give a figure (the registry's, the unit level's) → its figure."""
    out: dict[str, IndicatorProgress] = {}
    for it in items:
        ind = registry().by_id(it.indicator)
        for label in (it.indicator_label, ind.label_vi, ind.label_at(level)):
            out[_squash(label)] = it
    return out


def _status_words(it: IndicatorProgress) -> set[str]:
    """How a file may write the figure's status: the verdict's words (a missed target with its
    year), with or without its symbol; a count without a total as the draft says it."""
    words = Status(it.status).label_for(it.target_year)
    said = {words, f"{STATUS_STYLE[Status(it.status)].symbol} {words}"}
    return said | {"Chưa có tổng số để đánh giá"} if it.rate_pct is None else said


def _check_row(it: IndicatorProgress, counts: str, rate: str, target: str, status: str) -> None:
    if it.total == 1 and registry().by_id(it.indicator).count_unit_vi == "xã":
        # The area is itself the one commune counted: whether it is recognised, never "0/1".
        assert counts.strip() in {"Chưa được công nhận", "Đã được công nhận", "0/1", "1/1"}
        assert counts.startswith("Đã") or counts == "1/1" if it.recognized else True
    elif it.has_data and it.total is not None and it.recognized is not None:
        assert _squash(counts).startswith(f"{fmt_int(it.recognized)}/{fmt_int(it.total)}"), (
            it.indicator,
            counts,
        )
    if it.rate_pct is not None:
        assert rate.strip() == fmt_pct(it.rate_pct), (it.indicator, rate)
    if it.target_pct is not None:
        assert _squash(target).startswith(
            _squash(f"{fmt_pct(it.target_pct, 0)} ({it.target_year})")
        )
    assert status.strip() in _status_words(it), (it.indicator, status)


@pytest.fixture(scope="module")
def truth(demo_con) -> dict[str, list[IndicatorProgress]]:
    return {lid: progress_for(demo_con, lid, year) for lid, year in PLACES}


@pytest.mark.parametrize(("lid", "year"), PLACES, ids=IDS)
def test_the_cli_reads_what_the_pages_read(demo_db: Path, truth, lid: str, year: int) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "metrics.cli", "progress", "--locality", lid, "--year", str(year)]
        + ["--json", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    keys = ("indicator", "total", "registered", "recognized", "rate_pct", "target_pct")
    keys += ("target_year", "status", "plan_pct", "levels")
    said = [{k: row[k] for k in keys} for row in json.loads(out.stdout)]
    assert said == [{k: it.public()[k] for k in keys} for it in truth[lid]]


@pytest.mark.chromium
@pytest.mark.parametrize(("lid", "year"), PLACES, ids=IDS)
def test_the_draft_the_deck_and_the_workbook_say_the_same_figures(
    packs, truth, demo_con, lid: str, year: int
) -> None:
    files = packs[lid]
    level = context(demo_con, lid, year).locality["level"]
    by_label = _labels(truth[lid], level)
    shown = {it.indicator for it in truth[lid]}

    # The report draft's summary table (Bảng 1).
    doc = Document(io.BytesIO(_file(files, ".docx")))
    [summary] = [
        t
        for t in doc.tables
        if len(t.columns) > 2 and _squash(t.rows[0].cells[2].text) == "Côngnhận/Tổngsố"
    ]
    drafted = set()
    for row in summary.rows[1:]:
        cells = [c.text for c in row.cells]
        it = by_label[_squash(cells[1])]
        _check_row(it, cells[2], cells[3], cells[4], cells[6])
        if it.plan_pct is not None:
            assert cells[5] == fmt_pct(it.plan_pct, 0)
        drafted.add(it.indicator)
    assert drafted <= shown and drafted

    # The deck's summary table, over as many slides as it takes.
    prs = Presentation(io.BytesIO(_file(files, ".pptx")))
    decked = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if not (shape.has_table and shape.table.rows[0].cells[0].text == "Chỉ tiêu"):
                continue
            head = [c.text for c in shape.table.rows[0].cells]
            if "Tỷ lệ" not in head:
                continue  # the status-count table
            col = {h: n for n, h in enumerate(head)}
            for row in list(shape.table.rows)[1:]:
                cells = [c.text for c in row.cells]
                it = by_label[_squash(cells[0])]
                counts = cells[col["Công nhận / Tổng số"]].rstrip("¹²³⁴⁵⁶⁷⁸⁹")
                status = cells[col["Đánh giá tiến độ"]]
                _check_row(it, counts, cells[col["Tỷ lệ"]], cells[col["Mục tiêu (năm)"]], status)
                decked.add(it.indicator)
    assert decked == drafted

    # The workbook's summary sheet: numbers as numbers.
    ws = openpyxl.load_workbook(io.BytesIO(_file(files, ".xlsx")))["Tổng hợp"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(n for n, r in enumerate(rows) if r[0] == "STT")
    col = {h: n for n, h in enumerate(rows[header])}
    booked = set()
    for r in rows[header + 1 :]:
        if r[0] is None:
            break
        it = by_label[_squash(r[col["Chỉ tiêu"]])]
        assert (r[col["Tổng số"]], r[col["Công nhận"]]) == (it.total, it.recognized)
        if it.rate_pct is not None:
            assert r[col["Tỷ lệ %"]] == pytest.approx(it.rate_pct, abs=0.05)
        assert (r[col["Mục tiêu %"]], r[col["Năm mục tiêu"]]) == (it.target_pct, it.target_year)
        assert r[col["Đánh giá tiến độ"]] in _status_words(it)
        booked.add(it.indicator)
    assert drafted <= booked <= shown


@pytest.mark.chromium
@pytest.mark.parametrize(("lid", "year"), PLACES, ids=IDS)
def test_level_counts_said_equal_the_attached_lists(
    packs, truth, demo_con, lid: str, year: int
) -> None:
    ctx = context(demo_con, lid, year)
    body = "\n".join(p.text for p in Document(io.BytesIO(_file(packs[lid], ".docx"))).paragraphs)
    listed: dict[str, dict[str, int]] = {}
    for lst in lists_of(demo_con, ctx):
        per = listed.setdefault(lst.title, {})
        for result in lst.entries["result"].to_list():
            per[result] = per.get(result, 0) + 1
    checked = 0
    for it in truth[lid]:
        levels = {k: v for k, v in it.levels.items() if v}
        if not levels or it.indicator not in listed:
            continue
        per = listed[it.indicator]
        if sum(n for r, n in per.items() if r != NOT_PASSED) != it.recognized:
            continue  # the lists held cover part of the area only (the country: one province)
        from_list = {k: v for k, v in per.items() if k in levels or k in it.levels}
        assert from_list == levels, (it.indicator, from_list, levels)
        for level_id, n in levels.items():
            label = registry().level_label(level_id)
            assert re.search(rf"\b{re.escape(fmt_int(n))} (\w+ )*(đạt |xếp loại )?{label}", body)
        checked += 1
    if lid in ("P51", "OH618"):
        assert checked  # the province's commune levels, the old district's 23 Tốt
