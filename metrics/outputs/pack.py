"""The conference pack for a place and year: the report draft, the deck, the workbook and one PNG
per chart, named by place and year — as files (`xhht export pack`) or as one .zip (Xuất báo cáo)."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

import duckdb

from metrics import texts
from metrics.name_parts import OLD_LEVELS
from metrics.normalise import file_stem

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from metrics.outputs.context import Context

PACK_PREFIX = "XHHT"


def document_stem(locality: dict, year: int) -> str:
    """Every pack file's name before its suffix: "XHHT_Quang_Ngai_2025" (a province by its short
    name), "XHHT_Xa_Dak_Long_2025", "XHHT_Toan_quoc_2025"; an old unit says so —
    "XHHT_Huyen_Ia_H_Drai_cu_2023", never the bare name a unit of today may carry."""
    name = locality["short_name"] if locality["level"] == "province" else locality["name"]
    old = texts.text("pack_old_unit") if locality["level"] in OLD_LEVELS else ""
    return file_stem(PACK_PREFIX, name, old, year)


def build_pack(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    *,
    kind: str | None = None,
    recipient: str | None = None,
) -> list[tuple[str, bytes]]:
    """The pack's files, in order: (name, content). Chromium draws every chart of the deck and
    every PNG in one batch; the report draft, made by its own module, draws its charts next
    with the same browser. `kind` and `recipient` are the draft's (report_draft.build_report)."""
    # The format modules load python-pptx, python-docx and xlsxwriter: only when a pack is made.
    from metrics.outputs.context import context
    from metrics.outputs.deck import build_deck, slide_charts
    from metrics.outputs.images import export_server
    from metrics.outputs.report_draft import build_report
    from metrics.outputs.workbook import build_workbook

    ctx = context(con, locality_id, year)
    stem = document_stem(ctx.locality, year)
    names = [f"{stem}_bieu_do_{n:02d}_{label}.png" for n, label in enumerate(chart_labels(ctx), 1)]
    slides = list(slide_charts(ctx))
    images = export_server().images(itertools.chain(slides, print_charts(ctx)), "png")
    files: list[tuple[str, bytes]] = []

    report = io.BytesIO()
    build_report(con, locality_id, year, report, kind=kind, recipient=recipient)
    files.append((f"{stem}.docx", report.getvalue()))
    deck = io.BytesIO()
    build_deck(con, locality_id, year, deck, ctx=ctx, pngs=images[: len(slides)])
    files.append((f"{stem}.pptx", deck.getvalue()))
    book = io.BytesIO()
    build_workbook(con, locality_id, year, book, ctx=ctx)
    files.append((f"{stem}.xlsx", book.getvalue()))
    files += zip(names, images[len(slides) :], strict=True)
    return files


def chart_labels(ctx: Context) -> list[str]:
    """Each chart's part of its file name, in the deck's order: "Gia_dinh_hoc_tap",
    "Xep_hang_Gia_dinh_hoc_tap"."""
    from metrics.indicators import registry
    from metrics.outputs.deck import slide_content

    charted, ranked = slide_content(ctx)
    return [file_stem(it.indicator_label) for it in charted] + [
        file_stem(texts.text("ranked_heading"), registry().by_id(ind).label_vi) for ind in ranked
    ]


def print_charts(ctx: Context) -> Iterator[go.Figure]:
    """The pack's PNGs: the deck's charts at print size (1920×1080 or taller), each with its
    source line and, for demo figures, the demo mark inside the image."""
    from metrics.outputs.context import indicator_chart, ranking_chart
    from metrics.outputs.deck import slide_content

    charted, ranked = slide_content(ctx)
    for it in charted:
        yield indicator_chart(ctx, it)
    for ind in ranked:
        yield ranking_chart(ctx, ind)


def pack_zip(files: list[tuple[str, bytes]]) -> bytes:
    """The pack as one .zip, its files at the top level under the names the CLI writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, content in files:
            # A PNG is compressed already: stored, not squeezed again.
            kind = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            z.writestr(name, content, compress_type=kind)
    return out.getvalue()
