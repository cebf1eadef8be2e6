"""`xhht accounts add`: who may write (salted password hashes in the accounts file)."""

from __future__ import annotations

import argparse
from pathlib import Path

from metrics.cli.common import EXIT_OK, Refused


def cmd_accounts_add(args: argparse.Namespace) -> int:
    import sys

    from metrics.auth import Account, account_toml, accounts_path, hash_password, load_accounts

    path = Path(args.file) if args.file else accounts_path()
    try:
        existing = load_accounts(path)
    except Exception as exc:
        raise Refused(f"Tệp tài khoản {path} không hợp lệ: {exc}") from exc
    if any(a.name == args.name for a in existing.account):
        raise Refused(f"Đã có tài khoản “{args.name}” trong {path}.")
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise Refused("Mật khẩu cần ít nhất 8 ký tự (đọc từ đầu vào chuẩn, một dòng).")
    if args.role == "editor" and not args.province:
        raise Refused("Biên tập viên cần ít nhất một --province (mã tỉnh, ví dụ 51).")
    account = Account(
        name=args.name,
        display_name=args.display_name or args.name,
        role=args.role,
        provinces=list(args.province or []),
        password=hash_password(password),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(account_toml(account))
    print(f"Đã thêm tài khoản {args.name} ({args.role}) vào {path}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "accounts", help="tài khoản được ghi dữ liệu (mật khẩu lưu dạng băm có muối)"
    )
    acc_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    a = acc_sub.add_parser("add", help="thêm tài khoản; mật khẩu đọc từ đầu vào chuẩn")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=["editor", "admin"], default="editor")
    a.add_argument(
        "--province",
        action="append",
        metavar="CODE",
        help="mã tỉnh được phép nhập (lặp lại nếu nhiều tỉnh)",
    )
    a.add_argument("--display-name", help="tên hiển thị")
    a.add_argument(
        "--file", help="tệp tài khoản (mặc định: $XHHT_ACCOUNTS hoặc .xhht/accounts.toml)"
    )
    a.set_defaults(func=cmd_accounts_add)
