"""`xhht accounts add` and `list`: who may write (salted password hashes in the accounts file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from metrics.cli.common import EXIT_OK, Refused


def _path(args: argparse.Namespace) -> Path:
    from metrics.auth import accounts_path

    return Path(args.file) if args.file else accounts_path()


def cmd_accounts_add(args: argparse.Namespace) -> int:
    import sys

    from pydantic import ValidationError

    from metrics.auth import (
        Account,
        AccountsError,
        add_account,
        hash_password,
        unit_code,
        unit_level,
        unit_refusal,
    )

    path = _path(args)
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise Refused("Mật khẩu cần ít nhất 8 ký tự (đọc từ đầu vào chuẩn, một dòng).")
    unit = unit_code(args.unit) if args.unit else None
    if args.unit and unit is None:
        raise Refused(
            f"--unit “{args.unit}” không hợp lệ: ghi mã xã (5 chữ số, ví dụ 23368), mã tỉnh "
            "(2 chữ số, ví dụ 51) hoặc VN (cả nước)."
        )
    why = unit_refusal(args.role, unit)
    if why:
        raise Refused(f"Thiếu hoặc sai --unit: {why}.")
    provinces = list(args.province or [])
    if args.role == "editor" and not provinces and unit_level(unit) == "province":
        provinces = [str(unit)]  # an editor of a province writes there
    if args.role == "editor" and not provinces:
        raise Refused("Biên tập viên cần ít nhất một --province (mã tỉnh, ví dụ 51).")
    try:
        account = Account(
            name=args.name,
            display_name=args.display_name or args.name,
            role=args.role,
            provinces=provinces,
            unit=unit,
            password=hash_password(password),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = {
            "name": "Tên đăng nhập",
            "display_name": "--display-name",
            "provinces": "--province",
            "unit": "--unit",
        }
        where = field.get(str(err["loc"][0]), str(err["loc"][0])) if err["loc"] else ""
        hint = (
            " Tên đăng nhập gồm chữ không dấu, số và . _ @ + - (tối đa 64 ký tự)."
            if where == "Tên đăng nhập"
            else ""
        )
        raise Refused(f"{where} không hợp lệ: {err['msg']}.{hint}") from exc
    try:
        add_account(account, path)
    except AccountsError as exc:
        raise Refused(str(exc)) from exc
    print(f"Đã thêm tài khoản {args.name} ({args.role}) vào {path}.")
    return EXIT_OK


def cmd_accounts_list(args: argparse.Namespace) -> int:
    from metrics.auth import AccountsError, load_accounts

    path = _path(args)
    try:
        accounts = load_accounts(path)
    except AccountsError as exc:
        raise Refused(str(exc)) from exc
    rows = [
        {
            "name": a.name,
            "display_name": a.display_name,
            "role": a.role,
            "provinces": a.provinces,
            "unit": a.unit,
        }
        for a in accounts.account
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(f"Chưa có tài khoản nào trong {path}.")
    for r in rows:
        where = str(r["unit"] or ", ".join(list(r["provinces"] or [])) or "mọi tỉnh")
        print(f"{r['name']:<24} {r['role']:<8} {where:<12} {r['display_name']}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "accounts", help="tài khoản được ghi dữ liệu (mật khẩu lưu dạng băm có muối)"
    )
    acc_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    a = acc_sub.add_parser("add", help="thêm tài khoản; mật khẩu đọc từ đầu vào chuẩn")
    a.add_argument("name", metavar="NAME")
    a.add_argument(
        "--role",
        choices=["reporter", "reviewer", "editor", "admin", "viewer"],
        default="editor",
        help="reporter: báo cáo số liệu của xã mình; reviewer: mở vòng báo cáo, duyệt hoặc trả "
        "lại báo cáo của các xã trong tỉnh; editor: nhập tệp, hoàn tác trong tỉnh; admin: mọi "
        "việc; viewer: chỉ xem",
    )
    a.add_argument(
        "--unit",
        metavar="MÃ",
        help="đơn vị của tài khoản: mã xã (reporter, ví dụ 23368 hoặc X23368), mã tỉnh "
        "(reviewer, editor, ví dụ 51) hoặc VN",
    )
    a.add_argument(
        "--province",
        action="append",
        metavar="CODE",
        help="mã tỉnh được phép nhập (lặp lại nếu nhiều tỉnh)",
    )
    a.add_argument("--display-name", help="tên hiển thị")
    file_help = "tệp tài khoản (mặc định: $XHHT_ACCOUNTS hoặc .xhht/accounts.toml)"
    a.add_argument("--file", help=file_help)
    a.set_defaults(func=cmd_accounts_add)
    ls = acc_sub.add_parser("list", help="các tài khoản (không in mật khẩu)")
    ls.add_argument("--json", action="store_true", help="in dạng JSON")
    ls.add_argument("--file", help=file_help)
    ls.set_defaults(func=cmd_accounts_list)
