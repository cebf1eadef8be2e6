"""`xhht import`, `xhht history`, `xhht rollback`: bringing figures in, and taking them back."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from metrics import cli
from metrics.fmt import fmt_int


def cmd_import(args: argparse.Namespace) -> int:
    """Check on a copy of the store (the store is not held while a large file is read), then
    take the write lock only to write."""
    from metrics.importer import check_file, write_checked

    path = Path(args.file)
    if not path.is_file():
        raise cli.Refused(f"Không tìm thấy tệp {path}.")
    con = cli._open_existing(args.db, role=f"nhập {path.name}")
    try:
        result = check_file(con, path, sheet=args.sheet)
    finally:
        con.close()
    if result.status != "refused" and not args.dry_run:
        with cli.writer(args.db, role=f"nhập {path.name}") as wcon:
            write_checked(wcon, result, user=args.user)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        if result.status == "refused":
            print(f"Không nhập tệp {path.name}: có {len(result.problems)} lỗi. Kho dữ liệu không thay đổi.")
            for p in result.problems:
                print(f"  - {p}")
        else:
            what = "Sẽ nhập" if result.status == "dry_run" else "Đã nhập"
            kind = "số liệu kết quả" if result.kind == "results" else "mục tiêu"
            batch = f" (lô {result.batch})" if result.batch else ""
            print(f"{what} {fmt_int(result.rows)} dòng {kind} từ trang “{result.sheet}”{batch}: "
                  f"{fmt_int(result.new)} mới, {fmt_int(result.changed)} thay đổi, {fmt_int(result.unchanged)} không đổi.")
        for note in result.notes:
            print(f"  · {note}")
    return cli.EXIT_REFUSED if result.status == "refused" else cli.EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from metrics.queries import batches

    con = cli._open_existing(args.db)
    try:
        frame = batches(con)
    finally:
        con.close()
    if args.json:
        print(json.dumps(frame.with_columns(frame["created_at"].cast(str), frame["rolled_back_at"].cast(str)).to_dicts(), ensure_ascii=False, indent=2))
        return cli.EXIT_OK
    kinds = {"registers": "danh mục", "demo": "minh họa", "seed": "báo cáo mẫu", "import": "nhập tệp"}
    for b in frame.iter_rows(named=True):
        state = "đang dùng" if b["status"] == "active" else f"đã hoàn tác {b['rolled_back_at']:%d/%m/%Y %H:%M}"
        print(f"Lô {b['id']:>4}  {b['created_at']:%d/%m/%Y %H:%M}  {kinds.get(b['kind'], b['kind']):<12} "
              f"{fmt_int(b['rows']):>9} dòng  {b['created_by']:<14} {b['file_name'] or '':<30} {state}")
    return cli.EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from metrics.store import StoreError, rollback_batch

    try:
        with cli.writer(args.db, role=f"hoàn tác lô {args.batch}") as con:
            rollback_batch(con, args.batch)
    except StoreError as exc:
        raise cli.Refused(str(exc)) from exc
    print(f"Đã hoàn tác lô {args.batch}: các số liệu trước đó (nếu có) được dùng lại.")
    return cli.EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from metrics.templates import TEMPLATE_FILE_NAMES, build_template

    out = Path(args.output or TEMPLATE_FILE_NAMES[args.kind])
    if out.exists() and not args.force:
        raise cli.Refused(f"Tệp {out} đã có. Dùng --force để ghi đè.")
    out.write_bytes(build_template(args.kind))
    print(f"Đã ghi biểu mẫu {out}.")
    return cli.EXIT_OK


def cmd_accounts_add(args: argparse.Namespace) -> int:
    import sys

    from metrics.auth import Account, account_toml, accounts_path, hash_password, load_accounts

    path = Path(args.file) if args.file else accounts_path()
    try:
        existing = load_accounts(path)
    except Exception as exc:
        raise cli.Refused(f"Tệp tài khoản {path} không hợp lệ: {exc}") from exc
    if any(a.name == args.name for a in existing.account):
        raise cli.Refused(f"Đã có tài khoản “{args.name}” trong {path}.")
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise cli.Refused("Mật khẩu cần ít nhất 8 ký tự (đọc từ đầu vào chuẩn, một dòng).")
    if args.role == "editor" and not args.province:
        raise cli.Refused("Biên tập viên cần ít nhất một --province (mã tỉnh, ví dụ 51).")
    account = Account(name=args.name, display_name=args.display_name or args.name, role=args.role,
                      provinces=list(args.province or []), password=hash_password(password))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(account_toml(account))
    print(f"Đã thêm tài khoản {args.name} ({args.role}) vào {path}.")
    return cli.EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="nhập kết quả hoặc mục tiêu từ tệp Excel/CSV (tất cả hoặc không gì cả)")
    p.add_argument("file", metavar="FILE", help="tệp .xlsx, .xls hoặc .csv")
    p.add_argument("--sheet", help="tên trang (mặc định: trang đầu tiên có bảng hợp lệ)")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ thay đổi gì, không ghi")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--user", help="người nhập (mặc định: tên đăng nhập)")
    cli._add_db(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("history", help="các lô đã nhập")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    cli._add_db(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("rollback", help="hoàn tác một lô nhập; số liệu cũ mà nó thay thế được dùng lại")
    p.add_argument("batch", type=int, metavar="BATCH", help="số lô (xem `xhht history`)")
    cli._add_db(p)
    p.set_defaults(func=cmd_rollback)


    p = sub.add_parser("accounts", help="tài khoản được ghi dữ liệu (mật khẩu lưu dạng băm có muối)")
    acc_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    a = acc_sub.add_parser("add", help="thêm tài khoản; mật khẩu đọc từ đầu vào chuẩn")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=["editor", "admin"], default="editor")
    a.add_argument("--province", action="append", metavar="CODE", help="mã tỉnh được phép nhập (lặp lại nếu nhiều tỉnh)")
    a.add_argument("--display-name", help="tên hiển thị")
    a.add_argument("--file", help="tệp tài khoản (mặc định: $XHHT_ACCOUNTS hoặc .xhht/accounts.toml)")
    a.set_defaults(func=cmd_accounts_add)

    p = sub.add_parser("template", help="ghi biểu mẫu nhập liệu .xlsx (có hướng dẫn và dòng mẫu)")
    p.add_argument("kind", choices=["wide", "long", "targets"], help="wide: kết quả dạng ngang; long: dạng dọc; targets: mục tiêu")
    p.add_argument("-o", "--output", metavar="OUT", help="tệp ghi ra (mặc định: tên biểu mẫu)")
    p.add_argument("--force", action="store_true", help="ghi đè tệp đã có")
    p.set_defaults(func=cmd_template)


cli.EXTRA_COMMANDS.append(register)
