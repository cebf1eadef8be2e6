"""`xhht init`, `demo`, `check`, `store copy`, `store upgrade`, `store compact`: making a store, its
health, its moves and its upkeep."""

from __future__ import annotations

import argparse
import json
import time

from metrics.cli.common import EXIT_OK, EXIT_REFUSED, Refused, add_db, location, new_store
from metrics.fmt import fmt_int, fmt_num


def cmd_init(args: argparse.Namespace) -> int:
    from metrics.demo import init_store

    started = time.perf_counter()
    _, where = new_store(args, init_store)
    print(
        f"Đã tạo kho trống {where} với danh mục địa bàn và chỉ tiêu ({fmt_num(time.perf_counter() - started)} giây)."
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from metrics.demo import DemoSummary, build_demo

    started = time.perf_counter()
    summary, where = new_store(args, build_demo)
    assert isinstance(summary, DemoSummary)
    print(
        f"Đã tạo kho minh họa {where}: {fmt_int(summary.communes)} xã, {fmt_int(summary.observations)} số liệu "
        f"minh họa, {summary.seed_observations} số liệu thật từ báo cáo mẫu, {summary.targets} mục tiêu địa "
        f"phương ({fmt_num(time.perf_counter() - started)} giây)."
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from metrics.store import StoreError
    from metrics.store.backend import reading
    from metrics.store.integrity import check

    loc = location(args.db)
    try:
        with reading(loc, role="kiểm tra kho", check=False) as con:
            report = check(con)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    if args.json:
        print(json.dumps({"store": str(loc), **report.as_dict()}, ensure_ascii=False, indent=2))
    elif report.ok:
        print(
            f"Kho {loc} hợp lệ: lược đồ phiên bản {report.schema_version}, phiên bản dữ liệu {report.data_version}, "
            f"{fmt_int(report.counts['batches'])} lô, {fmt_int(report.counts['observations'])} số liệu "
            f"({fmt_int(report.counts['observations_current'])} đang dùng), {fmt_int(report.counts['targets'])} mục tiêu, "
            f"{fmt_int(report.counts['recognitions_current'])} đơn vị trong sổ công nhận."
        )
        print(f"  Mã băm nội dung: {report.digest}")
    else:
        print(f"Kho {loc} có {len(report.problems)} vấn đề:")
        for problem in report.problems:
            print(f"  - {problem}")
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_store_copy(args: argparse.Namespace) -> int:
    from metrics.store import StoreError
    from metrics.store.backend import creating, reading
    from metrics.store.integrity import check, copy_store

    src, dst = location(args.source), location(args.target)
    if str(src) == str(dst):
        raise Refused("Kho nguồn và kho đích là một. Chọn một đích khác.")
    if dst.path is not None and dst.path.exists():
        raise Refused(f"Tệp đích {dst.path} đã có. Chọn tên tệp mới (lệnh này không ghi đè kho).")
    try:
        with reading(src, role="sao chép kho") as scon:
            with creating(dst) as dcon:
                counts = copy_store(scon, dcon)
                after = check(dcon)
            before = check(scon)
    except StoreError as exc:
        if dst.path is not None:
            dst.path.unlink(missing_ok=True)
        raise Refused(str(exc)) from exc
    print(
        f"Đã sao chép {src} → {dst}: {fmt_int(counts['batches'])} lô, {fmt_int(counts['observations'])} số liệu, "
        f"{fmt_int(counts['targets'])} mục tiêu, {fmt_int(counts['recognitions'])} mục sổ công nhận."
    )
    print(f"  Mã băm nội dung nguồn: {before.digest}")
    print(f"  Mã băm nội dung đích:  {after.digest}")
    if after.digest != before.digest or after.counts != before.counts:
        raise Refused(
            f"Bản sao {dst} không khớp với kho nguồn: đừng dùng nó; xóa nó rồi chạy lại lệnh."
        )
    if before.problems:
        print(
            f"  Lưu ý: kho nguồn có {len(before.problems)} vấn đề, bản sao giữ nguyên chúng (xem `xhht check`):"
        )
        for problem in before.problems:
            print(f"  - {problem}")
    return EXIT_OK


def cmd_store_upgrade(args: argparse.Namespace) -> int:
    from metrics.store import StoreError, schema_version
    from metrics.store.backend import writing
    from metrics.store.integrity import upgrade
    from metrics.store.schema import SCHEMA_VERSION

    loc = location(args.db)
    try:
        with writing(loc, role="nâng cấp kho", check=False) as con:
            version = schema_version(con)
            if version is None:
                raise Refused(f"{loc} không phải kho của ứng dụng (thiếu bảng meta).")
            if version > SCHEMA_VERSION:
                raise Refused(
                    f"Kho {loc} có phiên bản {version}, mới hơn ứng dụng (phiên bản {SCHEMA_VERSION})."
                )
            done = upgrade(con)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    if not done:
        print(f"Kho {loc} đã ở phiên bản {SCHEMA_VERSION}, không cần nâng cấp.")
    for step in done:
        print(f"Đã nâng cấp kho {loc}: {step}.")
    return EXIT_OK


def cmd_store_compact(args: argparse.Namespace) -> int:
    from metrics.store import StoreError
    from metrics.store.compact import compact

    loc = location(args.db)
    started = time.perf_counter()
    try:
        done = compact(loc)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    mb = 1024 * 1024
    print(
        f"Đã thu gọn kho {loc}: {fmt_num(done.before_bytes / mb, 1)} MB → "
        f"{fmt_num(done.after_bytes / mb, 1)} MB ({fmt_num(time.perf_counter() - started)} giây)."
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="tạo kho trống với danh mục địa bàn, chỉ tiêu và mục tiêu quốc gia"
    )
    add_db(p)
    p.add_argument("--force", action="store_true", help="thay tệp kho đã có")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="tạo kho với dữ liệu minh họa (34 tỉnh, 3.321 xã, 2021–2025)")
    add_db(p)
    p.add_argument("--force", action="store_true", help="thay tệp kho đã có")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "check",
        help="kiểm tra kho: lược đồ, lô, số liệu mồ côi, bảng đang dùng; mã 1 nếu có vấn đề",
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_db(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("store", help="sao chép, nâng cấp hoặc thu gọn kho")
    store_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    c = store_sub.add_parser(
        "copy", help="sao chép toàn bộ kho (tệp DuckDB ↔ PostgreSQL); đích phải trống"
    )
    c.add_argument("source", metavar="NGUỒN", help="kho nguồn: tệp DuckDB hoặc postgresql://…")
    c.add_argument(
        "target", metavar="ĐÍCH", help="kho đích: tệp mới hoặc cơ sở dữ liệu PostgreSQL trống"
    )
    c.set_defaults(func=cmd_store_copy)
    u = store_sub.add_parser(
        "upgrade", help="nâng cấp kho của phiên bản cũ lên phiên bản hiện tại (giữ số liệu)"
    )
    add_db(u)
    u.set_defaults(func=cmd_store_upgrade)
    k = store_sub.add_parser(
        "compact",
        help="thu gọn kho (trả lại chỗ trống sau nhiều lần nhập và hoàn tác) trong lúc ứng dụng "
        "vẫn phục vụ; lệnh ghi khác chờ tới khi xong",
    )
    add_db(k)
    k.set_defaults(func=cmd_store_compact)
