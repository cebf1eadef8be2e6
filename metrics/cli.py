"""`xhht`: the command-line face of the core.

Exit codes for every command: 0 success, 1 input refused (with the reason), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from metrics.config import ENV_DB, db_path
from metrics.fmt import fmt_int, fmt_num

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class Refused(Exception):
    """The input was understood but cannot be accepted; the message says why (Vietnamese)."""


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="PATH",
        help=f"tệp kho DuckDB (mặc định: biến môi trường {ENV_DB}, nếu không có thì .xhht/xhht.duckdb)",
    )


def _open_existing(path: Path, read_only: bool = True):
    from metrics.store import StoreError, check_store, connect

    try:
        con = connect(path, read_only=read_only)
        check_store(con)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    return con


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists():
        if not force:
            raise Refused(f"Tệp {path} đã có. Dùng --force để thay bằng kho mới (dữ liệu cũ trong tệp sẽ mất).")
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()


def cmd_init(args: argparse.Namespace) -> int:
    from metrics.demo import init_store
    from metrics.store import connect

    path = db_path(args.db)
    _refuse_overwrite(path, args.force)
    started = time.perf_counter()
    con = connect(path)
    try:
        init_store(con)
    finally:
        con.close()
    print(f"Đã tạo kho trống {path} với danh mục địa bàn và chỉ tiêu ({fmt_num(time.perf_counter() - started)} giây).")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from metrics.demo import build_demo
    from metrics.store import connect

    path = db_path(args.db)
    _refuse_overwrite(path, args.force)
    started = time.perf_counter()
    tmp = path.with_name(path.name + ".building")
    if tmp.exists():
        tmp.unlink()
    con = connect(tmp)
    try:
        summary = build_demo(con)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    tmp.replace(path)  # the store appears whole or not at all
    print(
        f"Đã tạo kho minh họa {path}: {fmt_int(summary.communes)} xã, {fmt_int(summary.observations)} số liệu "
        f"minh họa, {summary.seed_observations} số liệu thật từ báo cáo mẫu, {summary.targets} mục tiêu địa "
        f"phương ({fmt_num(time.perf_counter() - started)} giây)."
    )
    return EXIT_OK


def cmd_localities_find(args: argparse.Namespace) -> int:
    from metrics.resolve import LocalityIndex

    con = _open_existing(db_path(args.db))
    try:
        index = LocalityIndex.from_store(con)
    finally:
        con.close()
    res = index.resolve(args.text, year=args.year, province=args.province, district=args.district, code=args.code)
    if args.json:
        print(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif res.ok and res.locality:
        loc = res.locality
        print(f"{loc.label}")
        print(f"  mã trong kho: {loc.id}; cấp: {loc.level}; {'trước 7/2025' if loc.era == 'legacy' else 'hiện nay'}")
    else:
        print(res.message)
        if res.candidates:
            print("Các địa bàn có thể là:" if res.status == "ambiguous" else "Có phải là:")
            for c in res.candidates:
                print(f"  - {c.label}  [{c.id}]")
    return EXIT_OK if res.ok else EXIT_REFUSED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xhht",
        description="Bảng theo dõi chỉ tiêu xây dựng xã hội học tập: kho dữ liệu, danh mục địa bàn, tiến độ.",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", required=True)

    p = sub.add_parser("init", help="tạo kho trống với danh mục địa bàn, chỉ tiêu và mục tiêu quốc gia")
    _add_db(p)
    p.add_argument("--force", action="store_true", help="thay tệp kho đã có")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="tạo kho với dữ liệu minh họa (34 tỉnh, 3.321 xã, 2021–2025)")
    _add_db(p)
    p.add_argument("--force", action="store_true", help="thay tệp kho đã có")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("localities", help="tra cứu danh mục địa bàn")
    loc_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    f = loc_sub.add_parser("find", help="tên (hoặc mã) ứng với địa bàn nào; nếu chưa rõ thì liệt kê các khả năng")
    f.add_argument("text", metavar="TEXT", help="tên địa bàn, có thể kèm cấp trên: \"Xã Đăk Long, huyện Đăk Hà, Kon Tum\"")
    f.add_argument("--year", type=_year, help="năm của số liệu (trước 2025: đơn vị hành chính cũ)")
    f.add_argument("--province", help="tên tỉnh (cấp trên)")
    f.add_argument("--district", help="tên huyện cũ (cấp trên, cho số liệu trước 2025)")
    f.add_argument("--code", help="mã đơn vị hành chính (ưu tiên hơn tên)")
    f.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    _add_db(f)
    f.set_defaults(func=cmd_localities_find)

    _register_extra(sub)
    return parser


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm phải là số nguyên, không phải “{text}”") from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"năm {value} nằm ngoài khoảng 2000–2100")
    return value


# Later commands (progress, import, export …) register themselves here.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _register_extra(sub: argparse._SubParsersAction) -> None:
    for register in EXTRA_COMMANDS:
        register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    _load_command_modules()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Refused as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def _load_command_modules() -> None:
    import importlib

    for name in ("metrics.cli_progress", "metrics.cli_import", "metrics.cli_export"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


if __name__ == "__main__":
    # Run through the imported module, not __main__: later commands register with (and raise
    # the Refused of) `metrics.cli`, which `python -m metrics.cli` would otherwise load twice.
    from metrics import cli as _cli

    sys.exit(_cli.main())
