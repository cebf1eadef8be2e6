"""`xhht export {png,svg,pptx,xlsx,docx,pack}`: the conference documents from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from metrics.cli.common import EXIT_OK, Refused, add_db, locality_for_figures, open_copy, year

SUFFIX = {"png": ".png", "svg": ".svg", "pptx": ".pptx", "xlsx": ".xlsx", "docx": ".docx"}
KINDS = [*SUFFIX, "pack"]


def _start_chromium() -> None:
    """Chromium starting on its own thread while the command reads the store, loads the format
    modules and builds the figures; the first image waits for it."""
    from metrics.outputs.images import export_server

    export_server().start_in_background()


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if args.kind == "pack":
        return _export_pack(args, out)
    if out.suffix.lower() != SUFFIX[args.kind]:
        raise Refused(
            f"Tệp ra của định dạng {args.kind} phải có đuôi {SUFFIX[args.kind]} (đang là “{out.name}”)."
        )
    if not out.parent.exists():
        raise Refused(f"Không có thư mục {out.parent}.")
    indicator = None
    if args.kind in ("png", "svg"):
        from metrics.indicators import registry

        ind = registry().resolve_alias(args.indicator or "")
        if ind is None:
            raise Refused(f"Xuất ảnh cần --indicator (một trong: {', '.join(registry().ids())}).")
        indicator = ind.id
    if args.kind != "xlsx":  # the workbook's charts are the spreadsheet's own
        _start_chromium()
    # The format modules load python-pptx, python-docx, xlsxwriter and plotly: only for this
    # command, and after Chromium has begun to start.
    from metrics.outputs.context import chart_export
    from metrics.outputs.deck import build_deck
    from metrics.outputs.images import ExportError
    from metrics.outputs.report_draft import build_report
    from metrics.outputs.workbook import build_workbook

    con = open_copy(args.db)
    try:
        loc = locality_for_figures(con, args.locality, args.year)
        try:
            if args.kind in ("png", "svg"):
                assert indicator is not None
                out.write_bytes(
                    chart_export(con, loc.id, args.year, indicator, args.kind, scale=args.scale)
                )
            elif args.kind == "pptx":
                n = build_deck(con, loc.id, args.year, out)
                print(f"{n} trang chiếu.")
            elif args.kind == "xlsx":
                build_workbook(con, loc.id, args.year, out)
            else:
                build_report(
                    con, loc.id, args.year, out, kind=args.report_kind, recipient=args.recipient
                )
        except ExportError as exc:
            raise Refused(str(exc)) from exc
    finally:
        con.close()
    print(f"Đã xuất {out} ({loc.label}, năm {args.year}).")
    return EXIT_OK


def _export_pack(args: argparse.Namespace, out: Path) -> int:
    """The whole pack into the folder OUT (made if missing), the same files as the page's .zip."""
    if out.exists() and not out.is_dir():
        raise Refused(f"“{out}” là một tệp; bộ tài liệu cần một thư mục (-o THƯ_MỤC).")
    if not out.parent.exists():
        raise Refused(f"Không có thư mục {out.parent}.")
    _start_chromium()
    from metrics.outputs.images import ExportError
    from metrics.outputs.pack import build_pack

    con = open_copy(args.db)
    try:
        loc = locality_for_figures(con, args.locality, args.year)
        try:
            files = build_pack(con, loc.id, args.year)
        except ExportError as exc:
            raise Refused(str(exc)) from exc
    finally:
        con.close()
    out.mkdir(exist_ok=True)
    for name, content in files:
        (out / name).write_bytes(content)
        print(name)
    print(f"Đã xuất {len(files)} tệp vào {out} ({loc.label}, năm {args.year}).")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="xuất ảnh biểu đồ, bộ trình chiếu, bảng tính hoặc dự thảo báo cáo"
    )
    p.add_argument(
        "kind",
        choices=KINDS,
        help="png, svg (một biểu đồ), pptx, xlsx, docx, pack (trọn bộ: docx, pptx, xlsx và ảnh "
        "PNG từng biểu đồ, ghi vào thư mục OUT)",
    )
    p.add_argument("--locality", required=True, metavar="TEXT", help="mã hoặc tên địa bàn")
    p.add_argument("--year", required=True, type=year, help="năm")
    p.add_argument("--indicator", metavar="ID", help="chỉ tiêu của biểu đồ (png, svg)")
    p.add_argument(
        "--scale", type=float, default=1.0, help="hệ số phóng ảnh PNG (2 cho ảnh 3840×2160)"
    )
    p.add_argument(
        "--kind",
        dest="report_kind",
        choices=["so-ket", "nam"],
        help="dự thảo báo cáo (docx): sơ kết giai đoạn hoặc kết quả năm (mặc định: sơ kết khi "
        "năm kết thúc giai đoạn 5 năm, như 2025, 2030; kết quả năm với các năm khác)",
    )
    p.add_argument(
        "--recipient",
        metavar="TEXT",
        help="dự thảo báo cáo (docx): cơ quan nhận báo cáo, ví dụ “Sở Giáo dục và Đào tạo”",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="tệp ghi ra (pack: thư mục)"
    )
    add_db(p)
    p.set_defaults(func=cmd_export)
