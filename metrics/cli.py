"""`xhht`: the command-line face of the core.

Exit codes for every command: 0 success, 1 input refused (with the reason), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from metrics.config import ENV_DB
from metrics.fmt import fmt_int, fmt_num

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class Refused(Exception):
    """The input was understood but cannot be accepted; the message says why (Vietnamese)."""


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="KHO",
        help=f"kho dữ liệu: tệp DuckDB hoặc postgresql://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY_CHỦ:CỔNG/CSDL "
             f"(mặc định: biến môi trường {ENV_DB}, nếu không có thì .xhht/xhht.duckdb)",
    )


def location(text: str | None):
    """The store --db names (else $XHHT_DB, else the default file), or Refused saying why not."""
    from metrics.backend import parse_location
    from metrics.store import StoreError

    try:
        return parse_location(text)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _open_existing(text: str | None, role: str = "đọc"):
    """A copy of the store in memory for a command that reads: the store itself is held only
    while the copy is taken, so imports and the app go on meanwhile."""
    from metrics.snapshot import load
    from metrics.store import StoreError

    try:
        return load(location(text), role=role).con
    except StoreError as exc:
        raise Refused(str(exc)) from exc


@contextmanager
def writer(text: str | None, role: str):
    """The store's write lock and one transaction (see metrics.backend.writing)."""
    from metrics.backend import writing
    from metrics.store import StoreError

    try:
        with writing(location(text), role=role) as con:
            yield con
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _remove_file_store(path: Path, force: bool) -> None:
    if path.exists():
        if not force:
            raise Refused(f"Tệp {path} đã có. Dùng --force để thay bằng kho mới (dữ liệu cũ trong tệp sẽ mất).")
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()


def _new_store(args: argparse.Namespace, build: Callable[[duckdb.DuckDBPyConnection], object]) -> tuple[object, str]:
    """Build a new store with `build`: a file appears whole or not at all (built beside it, then
    renamed over it); a PostgreSQL database must hold no store yet and gets it in transactions."""
    from metrics.backend import StoreLocation, creating
    from metrics.store import StoreError

    loc = location(args.db)
    try:
        if loc.is_postgres:
            if args.force:
                raise Refused("--force chỉ dùng cho tệp DuckDB. Với PostgreSQL, dùng một cơ sở dữ liệu trống "
                              "(createdb) hoặc tự xóa các bảng cũ.")
            with creating(loc) as con:
                return build(con), str(loc)
        assert loc.path is not None
        path = loc.path
        if path.exists() and not args.force:
            raise Refused(f"Tệp {path} đã có. Dùng --force để thay bằng kho mới (dữ liệu cũ trong tệp sẽ mất).")
        tmp = path.with_name(path.name + ".building")
        tmp.unlink(missing_ok=True)
        try:
            with creating(StoreLocation(str(tmp), path=tmp, is_default=loc.is_default)) as con:
                out = build(con)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _remove_file_store(path, force=True)
        tmp.replace(path)  # the store appears whole or not at all
        return out, str(path)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def cmd_init(args: argparse.Namespace) -> int:
    from metrics.demo import init_store

    started = time.perf_counter()
    _, where = _new_store(args, init_store)
    print(f"Đã tạo kho trống {where} với danh mục địa bàn và chỉ tiêu ({fmt_num(time.perf_counter() - started)} giây).")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from metrics.demo import DemoSummary, build_demo

    started = time.perf_counter()
    summary, where = _new_store(args, build_demo)
    assert isinstance(summary, DemoSummary)
    print(
        f"Đã tạo kho minh họa {where}: {fmt_int(summary.communes)} xã, {fmt_int(summary.observations)} số liệu "
        f"minh họa, {summary.seed_observations} số liệu thật từ báo cáo mẫu, {summary.targets} mục tiêu địa "
        f"phương ({fmt_num(time.perf_counter() - started)} giây)."
    )
    return EXIT_OK


def cmd_localities_find(args: argparse.Namespace) -> int:
    from metrics.resolve import LocalityIndex

    con = _open_existing(args.db)
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
        if getattr(args, "json", False):
            # --json callers read stdout: the refusal is a JSON object there too.
            print(json.dumps({"status": "refused", "problems": [{"sheet": None, "row": None, "column": None,
                                                                  "message": str(exc)}]}, ensure_ascii=False, indent=2))
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # `xhht … | head`: the reader left; not an error of ours.
        sys.stderr.close()
        return EXIT_OK


def _load_command_modules() -> None:
    import importlib

    for name in ("metrics.cli_progress", "metrics.cli_import", "metrics.cli_export", "metrics.cli_store"):
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
