"""`xhht check`, `xhht store copy`, `xhht store upgrade`: the store's health and its moves."""

from __future__ import annotations

import argparse
import json

from metrics import cli
from metrics.fmt import fmt_int


def cmd_check(args: argparse.Namespace) -> int:
    from metrics.backend import reading
    from metrics.integrity import check
    from metrics.store import StoreError

    loc = cli.location(args.db)
    try:
        with reading(loc, role="kiểm tra kho", check=False) as con:
            report = check(con)
    except StoreError as exc:
        raise cli.Refused(str(exc)) from exc
    if args.json:
        print(json.dumps({"store": str(loc), **report.as_dict()}, ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"Kho {loc} hợp lệ: lược đồ phiên bản {report.schema_version}, phiên bản dữ liệu {report.data_version}, "
              f"{fmt_int(report.counts['batches'])} lô, {fmt_int(report.counts['observations'])} số liệu "
              f"({fmt_int(report.counts['observations_current'])} đang dùng), {fmt_int(report.counts['targets'])} mục tiêu.")
        print(f"  Mã băm nội dung: {report.digest}")
    else:
        print(f"Kho {loc} có {len(report.problems)} vấn đề:")
        for problem in report.problems:
            print(f"  - {problem}")
    return cli.EXIT_OK if report.ok else cli.EXIT_REFUSED


def cmd_store_copy(args: argparse.Namespace) -> int:
    from metrics.backend import creating, reading
    from metrics.integrity import check, copy_store
    from metrics.store import StoreError

    src, dst = cli.location(args.source), cli.location(args.target)
    if str(src) == str(dst):
        raise cli.Refused("Kho nguồn và kho đích là một. Chọn một đích khác.")
    if dst.path is not None and dst.path.exists():
        raise cli.Refused(f"Tệp đích {dst.path} đã có. Chọn tên tệp mới (lệnh này không ghi đè kho).")
    try:
        with reading(src, role="sao chép kho") as scon:
            with creating(dst) as dcon:
                counts = copy_store(scon, dcon)
                after = check(dcon)
            before = check(scon)
    except StoreError as exc:
        if dst.path is not None:
            dst.path.unlink(missing_ok=True)
        raise cli.Refused(str(exc)) from exc
    print(f"Đã sao chép {src} → {dst}: {fmt_int(counts['batches'])} lô, {fmt_int(counts['observations'])} số liệu, "
          f"{fmt_int(counts['targets'])} mục tiêu.")
    print(f"  Mã băm nội dung nguồn: {before.digest}")
    print(f"  Mã băm nội dung đích:  {after.digest}")
    if after.digest != before.digest or after.counts != before.counts:
        raise cli.Refused(f"Bản sao {dst} không khớp với kho nguồn: đừng dùng nó; xóa nó rồi chạy lại lệnh.")
    if before.problems:
        print(f"  Lưu ý: kho nguồn có {len(before.problems)} vấn đề, bản sao giữ nguyên chúng (xem `xhht check`):")
        for problem in before.problems:
            print(f"  - {problem}")
    return cli.EXIT_OK


def cmd_store_upgrade(args: argparse.Namespace) -> int:
    from metrics.backend import writing
    from metrics.integrity import upgrade
    from metrics.store import SCHEMA_VERSION, StoreError, schema_version

    loc = cli.location(args.db)
    try:
        with writing(loc, role="nâng cấp kho", check=False) as con:
            version = schema_version(con)
            if version is None:
                raise cli.Refused(f"{loc} không phải kho của ứng dụng (thiếu bảng meta).")
            if version > SCHEMA_VERSION:
                raise cli.Refused(f"Kho {loc} có phiên bản {version}, mới hơn ứng dụng (phiên bản {SCHEMA_VERSION}).")
            done = upgrade(con)
    except StoreError as exc:
        raise cli.Refused(str(exc)) from exc
    if not done:
        print(f"Kho {loc} đã ở phiên bản {SCHEMA_VERSION}, không cần nâng cấp.")
    for step in done:
        print(f"Đã nâng cấp kho {loc}: {step}.")
    return cli.EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="kiểm tra kho: lược đồ, lô, số liệu mồ côi, bảng đang dùng; mã 1 nếu có vấn đề")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    cli._add_db(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("store", help="sao chép hoặc nâng cấp kho")
    store_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    c = store_sub.add_parser("copy", help="sao chép toàn bộ kho (tệp DuckDB ↔ PostgreSQL); đích phải trống")
    c.add_argument("source", metavar="NGUỒN", help="kho nguồn: tệp DuckDB hoặc postgresql://…")
    c.add_argument("target", metavar="ĐÍCH", help="kho đích: tệp mới hoặc cơ sở dữ liệu PostgreSQL trống")
    c.set_defaults(func=cmd_store_copy)
    u = store_sub.add_parser("upgrade", help="nâng cấp kho của phiên bản cũ lên phiên bản hiện tại (giữ số liệu)")
    cli._add_db(u)
    u.set_defaults(func=cmd_store_upgrade)


cli.EXTRA_COMMANDS.append(register)
