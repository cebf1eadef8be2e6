"""`xhht import`, `history`, `rollback`: bringing figures in, and taking them back."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.cli.common import EXIT_OK, EXIT_REFUSED, Refused, add_db, open_copy, reader, writer
from metrics.fmt import fmt_datetime, fmt_int

if TYPE_CHECKING:
    from metrics.auth import Principal


def acting_account(user: str | None) -> Principal | None:
    """The account `--user` names, whose province rules then apply to this write as in the app;
    None without `--user` (the operator at the server's console, recorded under their login
    name, writes anywhere). A name that is no account is refused, naming the accounts file
    read: a mistyped name must never write without its rules."""
    from metrics.auth import AccountsError, accounts_path, load_accounts

    if user is None:
        return None
    path = accounts_path()
    try:
        accounts = load_accounts(path)
    except AccountsError as exc:
        raise Refused(str(exc)) from exc
    account = accounts.by_name(user)
    if account is not None:
        return account.principal()
    if not path.exists():
        found = "tệp này không tồn tại (đặt biến môi trường XHHT_ACCOUNTS nếu tệp ở nơi khác)"
    elif not accounts.account:
        found = "tệp này chưa có tài khoản nào"
    else:
        names = ", ".join(a.name for a in accounts.account[:10])
        more = (
            f" và {len(accounts.account) - 10} tài khoản khác" if len(accounts.account) > 10 else ""
        )
        found = f"các tài khoản có trong tệp: {names}{more}"
    raise Refused(
        f"--user “{user}” không phải tài khoản nào trong tệp tài khoản {path}: {found}. "
        "Kho dữ liệu không thay đổi. Ghi đúng tên tài khoản, tạo tài khoản bằng "
        "`xhht accounts add`, hoặc bỏ --user để ghi với quyền người vận hành máy chủ."
    )


def cmd_import(args: argparse.Namespace) -> int:
    """Check on a copy of the store (the store is not held while a large file is read), then
    take the write lock only to write."""
    from metrics.inputs import check_file, write_checked

    path = Path(args.file)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp {path}.")
    who = acting_account(args.user)
    con = open_copy(args.db, role=f"nhập {path.name}")
    try:
        result = check_file(
            con, path, sheet=args.sheet, allowed_provinces=who.allowed_provinces if who else None
        )
    finally:
        con.close()
    if result.status != "refused" and not args.dry_run:
        with writer(args.db, role=f"nhập {path.name}") as wcon:
            write_checked(wcon, result, user=args.user)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        if result.status == "refused":
            print(
                f"Không nhập tệp {path.name}: có {len(result.problems)} lỗi. Kho dữ liệu không thay đổi."
            )
            for p in result.problems:
                print(f"  - {p}")
        else:
            what = "Sẽ nhập" if result.status == "dry_run" else "Đã nhập"
            from metrics.inputs.forms import ROWS_OF  # the import pipeline loads on use only

            kind = ROWS_OF[result.kind or "results"]
            batch = f" (lô {result.batch})" if result.batch else ""
            print(
                f"{what} {fmt_int(result.rows)} dòng {kind} từ trang “{result.sheet}”{batch}: "
                f"{fmt_int(result.new)} mới, {fmt_int(result.changed)} thay đổi, {fmt_int(result.unchanged)} không đổi."
            )
        for note in result.notes:
            print(f"  · {note}")
        for warning in result.warnings:
            print(f"  ! Cảnh báo: {warning}")
    return EXIT_REFUSED if result.status == "refused" else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from metrics.queries.registers import batches

    with reader(args.db) as con:
        frame = batches(con)
    if args.json:
        print(
            json.dumps(
                frame.with_columns(
                    frame["created_at"].cast(str), frame["rolled_back_at"].cast(str)
                ).to_dicts(),
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    kinds = {
        "registers": "danh mục",
        "demo": "minh họa",
        "seed": "báo cáo mẫu",
        "import": "nhập tệp",
        "round": "vòng báo cáo",
    }
    for b in frame.iter_rows(named=True):
        state = (
            "đang dùng"
            if b["status"] == "active"
            else f"đã hoàn tác {fmt_datetime(b['rolled_back_at'])}"
        )
        print(
            f"Lô {b['id']:>4}  {fmt_datetime(b['created_at'])}  {kinds.get(b['kind'], b['kind']):<12} "
            f"{fmt_int(b['rows']):>9} dòng  {b['created_by']:<14} {b['file_name'] or '':<30} {state}"
        )
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from metrics.auth import rollback_refusal
    from metrics.queries.registers import batch_provinces
    from metrics.store import StoreError
    from metrics.store.writes import rollback_batch

    who = acting_account(args.user)
    try:
        with writer(args.db, role=f"hoàn tác lô {args.batch}") as con:
            if who is not None:
                refusal = rollback_refusal(who, args.batch, batch_provinces(con, args.batch))
                if refusal:
                    raise Refused(refusal)
            rollback_batch(con, args.batch, user=args.user)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    print(f"Đã hoàn tác lô {args.batch}: các số liệu trước đó (nếu có) được dùng lại.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="nhập kết quả hoặc mục tiêu từ tệp Excel/CSV (tất cả hoặc không gì cả)"
    )
    p.add_argument("file", metavar="FILE", help="tệp .xlsx, .xls hoặc .csv")
    p.add_argument("--sheet", help="tên trang (mặc định: trang đầu tiên có bảng hợp lệ)")
    p.add_argument(
        "--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ thay đổi gì, không ghi"
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument(
        "--user",
        help="tài khoản nhập (trong tệp tài khoản; quy tắc tỉnh của tài khoản được áp dụng như "
        "trong ứng dụng). Bỏ trống: người vận hành máy chủ, ghi theo tên đăng nhập hệ thống",
    )
    add_db(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("history", help="các lô đã nhập")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    add_db(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "rollback", help="hoàn tác một lô nhập; số liệu cũ mà nó thay thế được dùng lại"
    )
    p.add_argument("batch", type=int, metavar="BATCH", help="số lô (xem `xhht history`)")
    p.add_argument(
        "--user",
        help="tài khoản hoàn tác (trong tệp tài khoản; quy tắc tỉnh của tài khoản được áp dụng "
        "như trong ứng dụng). Bỏ trống: người vận hành máy chủ",
    )
    add_db(p)
    p.set_defaults(func=cmd_rollback)
