"""`xhht template`: the import forms as .xlsx files, with instructions and a sample row."""

from __future__ import annotations

import argparse
from pathlib import Path

from metrics.cli.common import EXIT_OK, Refused


def cmd_template(args: argparse.Namespace) -> int:
    from metrics.inputs import TEMPLATE_FILE_NAMES, build_template

    out = Path(args.output or TEMPLATE_FILE_NAMES[args.kind])
    if out.exists() and not args.force:
        raise Refused(f"Tệp {out} đã có. Dùng --force để ghi đè.")
    out.write_bytes(build_template(args.kind))
    print(f"Đã ghi biểu mẫu {out}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="ghi biểu mẫu nhập liệu .xlsx (có hướng dẫn và dòng mẫu)")
    p.add_argument(
        "kind",
        choices=["wide", "long", "targets", "list"],
        help="wide: kết quả dạng ngang; long: dạng dọc; targets: mục tiêu; "
        "list: danh sách đơn vị được công nhận (mỗi đơn vị một dòng)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="tệp ghi ra (mặc định: tên biểu mẫu)")
    p.add_argument("--force", action="store_true", help="ghi đè tệp đã có")
    p.set_defaults(func=cmd_template)
