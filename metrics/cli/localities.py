"""`xhht localities find`: which unit a name (or code) means, or the candidates."""

from __future__ import annotations

import argparse
import json

from metrics.cli.common import EXIT_OK, EXIT_REFUSED, add_db, candidate_lines, reader, year


def cmd_localities_find(args: argparse.Namespace) -> int:
    from metrics.name_lookup import LocalityIndex, Purpose
    from metrics.texts import level_word

    with reader(args.db) as con:
        index = LocalityIndex.from_store(con)
    res = index.resolve(
        args.text,
        year=args.year,
        province=args.province,
        district=args.district,
        code=args.code,
        purpose=Purpose.VIEW_FIGURES,
    )
    if args.json:
        print(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif res.ok and res.locality:
        loc = res.locality
        print(f"{loc.label}")
        era = "trước 7/2025" if loc.era == "legacy" else "từ 1/7/2025"
        print(f"  cấp: {level_word('level', loc.level)}; {era}")
    else:
        print("\n".join([res.message, *candidate_lines(res)]))
    return EXIT_OK if res.ok else EXIT_REFUSED


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("localities", help="tra cứu danh mục địa bàn")
    loc_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    f = loc_sub.add_parser(
        "find", help="tên (hoặc mã) ứng với địa bàn nào; nếu chưa rõ thì liệt kê các khả năng"
    )
    f.add_argument(
        "text",
        metavar="TEXT",
        help='tên địa bàn, có thể kèm cấp trên: "Xã Đăk Long, huyện Đăk Hà, Kon Tum"',
    )
    f.add_argument(
        "--year",
        type=year,
        help="năm của số liệu: một mã trước 2025 là mã cũ (tên chỉ đơn vị hiện nay, trừ khi ghi “cũ”)",
    )
    f.add_argument("--province", help="tên tỉnh (cấp trên)")
    f.add_argument("--district", help="tên huyện cũ (cấp trên, cho số liệu trước 2025)")
    f.add_argument("--code", help="mã đơn vị hành chính (ưu tiên hơn tên)")
    f.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_db(f)
    f.set_defaults(func=cmd_localities_find)
