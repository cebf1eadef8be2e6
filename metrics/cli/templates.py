"""`xhht template`: the import forms as .xlsx files, with instructions and a sample row."""

from __future__ import annotations

import argparse
from pathlib import Path

from metrics.cli.common import EXIT_OK, Refused, add_db, location, year


def cmd_template(args: argparse.Namespace) -> int:
    from metrics.inputs import TEMPLATE_FILE_NAMES, build_template

    if args.kind == "round":
        return _round_template(args)
    kind = ALIASES.get(args.kind, args.kind)
    out = Path(args.output or TEMPLATE_FILE_NAMES[kind])
    if out.exists() and not args.force:
        raise Refused(f"Tệp {out} đã có. Dùng --force để ghi đè.")
    out.write_bytes(build_template(kind))
    print(f"Đã ghi biểu mẫu {out}.")
    return EXIT_OK


# Other names a template answers to: "pcgd" (phổ cập giáo dục) is the universal-education form.
ALIASES = {"pcgd": "education"}


def _round_template(args: argparse.Namespace) -> int:
    """The round's form for one commune, from the store: the indicators asked, its working
    figures, last year's beside."""
    from metrics.rounds import RoundRefused, round_template
    from metrics.store import StoreError
    from metrics.store.backend import reading

    if not args.unit or not args.year:
        raise Refused("Biểu mẫu vòng báo cáo cần --unit MÃ_XÃ và --year NĂM.")
    try:
        with reading(location(args.db), role="tạo biểu mẫu") as con:
            name, content = round_template(con, args.unit, args.year)
    except (RoundRefused, StoreError) as exc:
        raise Refused(str(exc)) from exc
    out = Path(args.output or name)
    if out.exists() and not args.force:
        raise Refused(f"Tệp {out} đã có. Dùng --force để ghi đè.")
    out.write_bytes(content)
    print(f"Đã ghi biểu mẫu báo cáo {out}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="ghi biểu mẫu nhập liệu .xlsx (có hướng dẫn và dòng mẫu)")
    p.add_argument(
        "kind",
        choices=[
            "wide",
            "long",
            "targets",
            "list",
            "context",
            "education",
            "pcgd",
            "plans",
            "round",
        ],
        help="wide: kết quả dạng ngang; long: dạng dọc; targets: mục tiêu; "
        "list: danh sách đơn vị được công nhận (mỗi đơn vị một dòng, có tự đánh giá, tờ trình); "
        "context: đặc điểm địa bàn (số hộ, nhân khẩu, thôn, tổ dân phố, cơ quan, trường học); "
        "education (hoặc pcgd): mức phổ cập giáo dục, xóa mù chữ; "
        "plans: mục tiêu, nhiệm vụ của kế hoạch (không phải tỷ lệ chỉ tiêu); "
        "round: biểu mẫu vòng báo cáo của một xã (cần --unit, --year)",
    )
    p.add_argument("--unit", metavar="MÃ_XÃ", help="xã của biểu mẫu vòng báo cáo")
    p.add_argument("--year", type=year, metavar="NĂM", help="năm của vòng báo cáo")
    add_db(p)
    p.add_argument("-o", "--output", metavar="OUT", help="tệp ghi ra (mặc định: tên biểu mẫu)")
    p.add_argument("--force", action="store_true", help="ghi đè tệp đã có")
    p.set_defaults(func=cmd_template)
