"""`xhht context`: a place's context (households, people, villages, agencies, schools) and its
universal-education and literacy levels for a year."""

from __future__ import annotations

import argparse
import json

from metrics.cli.common import EXIT_OK, add_db, locality_for_figures, open_copy, year


def cmd_context(args: argparse.Namespace) -> int:
    from metrics.place_context import (
        area_word,
        context_for,
        context_sentences,
        education_for,
        education_sentence,
    )
    from metrics.texts import text

    con = open_copy(args.db)
    try:
        loc = locality_for_figures(con, args.locality, args.year)
        ctx = context_for(con, loc.id, args.year)
        edu = education_for(con, loc.id, args.year)
    finally:
        con.close()
    if args.json:
        print(
            json.dumps(
                {
                    "locality": {"code": loc.code, "name": loc.name, "level": loc.level},
                    "year": args.year,
                    "context": ctx.public() if ctx else None,
                    "education": edu.public() if edu else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(f"{loc.label} — năm {args.year}")
    if (ctx and ctx.synthetic) or (edu and edu.synthetic):
        print(text("synthetic"))
    area = area_word(loc.name)  # "huyện", "xã", "tỉnh"
    if ctx is None:
        print(f"Đặc điểm địa bàn: chưa có số liệu đến năm {args.year}.")
    else:
        print("Đặc điểm địa bàn: " + " ".join(context_sentences(ctx, area)))
        print(f"  Nguồn: {ctx.source}")
    if edu is None:
        print(f"Phổ cập giáo dục, xóa mù chữ: chưa có số liệu đến năm {args.year}.")
    else:
        print(education_sentence(edu, loc.name))
        print(f"  Nguồn: {edu.source}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "context",
        help="đặc điểm địa bàn (số hộ, nhân khẩu, DTTS, thôn, tổ dân phố, cơ quan, trường học) "
        "và mức phổ cập giáo dục, xóa mù chữ của một địa bàn trong một năm",
    )
    p.add_argument(
        "--locality",
        required=True,
        metavar="TEXT",
        help='mã hoặc tên địa bàn ("Huyện Ia H\'Drai, Kon Tum", "Xã Đăk Long, Quảng Ngãi", 23368)',
    )
    p.add_argument(
        "--year",
        required=True,
        type=year,
        help="năm (nếu năm này chưa có số liệu, dùng năm gần nhất trước đó)",
    )
    p.add_argument("--json", action="store_true", help="in một đối tượng JSON (xem README)")
    add_db(p)
    p.set_defaults(func=cmd_context)
