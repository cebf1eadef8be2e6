"""`xhht rounds open|status|approve|return|submit`: a province's reporting round from the
command line, with `--user` applying that account's unit and role exactly as the pages do."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from metrics.attachment_limit import MAX_ATTACHMENT_MB
from metrics.cli.common import EXIT_OK, EXIT_REFUSED, Refused, add_db, location, writer, year
from metrics.fmt import DATE_FORMAT, fmt_date


def _who(user: str | None):
    from metrics.cli.imports import acting_account
    from metrics.rounds import operator

    return acting_account(user) or operator()


def _deadline(text: str) -> date:
    for fmt in ("%Y-%m-%d", DATE_FORMAT):
        try:
            from datetime import datetime

            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"hạn nộp “{text}” không phải ngày: ghi YYYY-MM-DD (2026-01-15) hoặc 15/01/2026"
    )


def _refusing(func):
    """RoundRefused (and a store that cannot be opened) → the CLI's refusal, exit 1."""

    def run(args: argparse.Namespace) -> int:
        from metrics.rounds import RoundRefused
        from metrics.store import StoreError

        try:
            return func(args)
        except (RoundRefused, StoreError) as exc:
            raise Refused(str(exc)) from exc

    return run


@_refusing
def cmd_open(args: argparse.Namespace) -> int:
    from metrics.rounds import open_round

    who = _who(args.user)
    indicators = [i.strip() for part in args.indicators or [] for i in part.split(",") if i.strip()]
    with writer(args.db, role="mở vòng báo cáo") as con:
        found, new = open_round(
            con, who, args.province, args.year, args.deadline, indicators or None, args.note
        )
    what = "Đã mở" if new else "Đã sửa"
    asked = found["indicators"].count(",") + 1
    print(
        f"{what} vòng báo cáo năm {args.year} của tỉnh mã {args.province}: hạn nộp "
        f"{fmt_date(found['deadline'])}, {asked} chỉ tiêu."
    )
    return EXIT_OK


@_refusing
def cmd_status(args: argparse.Namespace) -> int:
    from metrics.rounds import (
        STATE_LABELS,
        completeness_line,
        days_left,
        state_counts,
        status,
        status_records,
    )
    from metrics.store.backend import reading

    with reading(location(args.db), role="xem vòng báo cáo") as con:
        found, states = status(con, args.province, args.year)
    if args.json:
        print(json.dumps(status_records(states), ensure_ascii=False, indent=2))
        return EXIT_OK
    counts = state_counts(states)
    left = days_left(found["deadline"])
    when = f"còn {left} ngày" if left >= 0 else f"đã quá hạn {-left} ngày"
    print(
        f"Vòng báo cáo năm {args.year} — {found['province']['name']}: hạn nộp "
        f"{fmt_date(found['deadline'])} ({when})."
    )
    print(completeness_line(counts) + ".")
    print(", ".join(f"{STATE_LABELS['vi'][s]}: {n}" for s, n in counts.items()))
    for r in states.iter_rows(named=True):
        extra = f" — {r['reason']}" if r["reason"] and r["state"] == "returned" else ""
        print(f"  {r['code']}  {r['name']:<28} {STATE_LABELS['vi'][r['state']]}{extra}")
    return EXIT_OK


def _review(args: argparse.Namespace, approve: bool) -> int:
    from metrics.rounds import review

    who = _who(args.user)
    codes = [c.strip() for part in args.unit for c in part.split(",") if c.strip()]
    with writer(args.db, role="duyệt báo cáo" if approve else "trả lại báo cáo") as con:
        done = review(
            con, who, args.province, args.year, codes, approve=approve, reason=args.reason
        )
    for r in done:
        if approve:
            written = (
                f"lô {r.batch}"
                if r.batch is not None
                else "không ghi lô mới (số liệu nhập từ tệp sau khi nộp mới hơn, được giữ)"
            )
            print(f"Đã duyệt báo cáo năm {args.year} của {r.name} (mã {r.code}): {written}.")
        else:
            print(f"Đã trả lại báo cáo năm {args.year} của {r.name} (mã {r.code}).")
    return EXIT_OK


@_refusing
def cmd_approve(args: argparse.Namespace) -> int:
    return _review(args, approve=True)


@_refusing
def cmd_return(args: argparse.Namespace) -> int:
    return _review(args, approve=False)


class _FormRefused(Exception):
    """The filled form's rows do not fit the round (inside the write: rolled back)."""

    def __init__(self, problems: list) -> None:
        super().__init__(f"{len(problems)} lỗi")
        self.problems = problems


def _signed_report(text: str):
    """The signed report --attachment names, checked by content; its size is asked before its
    bytes are read."""
    from metrics.inputs.signed_report import AttachmentRefused, check_signed_report, too_large

    path = Path(text)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp đính kèm {path}.")
    refusal = too_large(path.name, path.stat().st_size)
    if refusal:
        raise Refused(refusal + " Kho dữ liệu không thay đổi.")
    try:
        return check_signed_report(path.name, path.read_bytes())
    except AttachmentRefused as exc:
        raise Refused(f"{exc} Kho dữ liệu không thay đổi.") from exc


def _print_form_problems(name: str, problems: list) -> int:
    print(f"Không nộp tệp {name}: có {len(problems)} lỗi. Kho dữ liệu không thay đổi.")
    for p in problems:
        print(f"  - {p}")
    return EXIT_REFUSED


@_refusing
def cmd_submit(args: argparse.Namespace) -> int:
    """Everything that needs no store first, with nothing held: the account, the filled form
    (read against every title a commune reports), the signed report. Then one short write
    transaction checks the account, the round and its state against the store as it is, and
    attaches and saves; a form row the round does not ask refuses it all (rolled back)."""
    from metrics.inputs.round_form import read_round_file
    from metrics.rounds import asked, attach_report, commune_indicators, save_report
    from metrics.store.backend import reading

    path = Path(args.file)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp {path}.")
    signed = _signed_report(args.attachment) if args.attachment else None
    who = _who(args.user)
    code = args.unit.strip().upper().removeprefix("X")
    content = path.read_bytes()
    entered, problems = read_round_file(path, args.year, code, commune_indicators(), content)
    if problems:
        with reading(location(args.db), role="nộp báo cáo") as con:
            asked(con, who, args.unit, args.year)  # wrong hands are said before the form's rows
        return _print_form_problems(path.name, problems)
    try:
        with writer(args.db, role=f"nộp báo cáo {path.name}") as con:
            place, indicators = asked(con, who, args.unit, args.year)
            if set(entered) - set(indicators):  # rows the round does not ask: said by row
                raise _FormRefused(read_round_file(path, args.year, code, indicators, content)[1])
            if signed is not None:
                attach_report(con, who, args.unit, args.year, signed)
            saved = save_report(con, who, args.unit, args.year, entered, submit=not args.draft)
    except _FormRefused as exc:
        return _print_form_problems(path.name, exc.problems)
    what = "Đã lưu nháp" if args.draft else "Đã nộp"
    extra = f", kèm {signed.file_name}" if signed is not None else ""
    print(
        f"{what} báo cáo năm {args.year} của {place['name']} (lần lưu {saved.revision}, "
        f"{len(saved.changes)} ô thay đổi{extra})."
    )
    return EXIT_OK


USER_HELP = (
    "tài khoản thực hiện (trong tệp tài khoản; đơn vị và vai trò của tài khoản được áp dụng như "
    "trong ứng dụng). Bỏ trống: người vận hành máy chủ"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rounds", help="vòng báo cáo: các xã nộp số liệu, tỉnh duyệt")
    r_sub = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)

    o = r_sub.add_parser("open", help="mở (hoặc sửa) vòng báo cáo của một tỉnh cho một năm")
    o.add_argument("--province", required=True, metavar="MÃ", help="mã tỉnh, ví dụ 51")
    o.add_argument("--year", required=True, type=year, metavar="NĂM")
    o.add_argument("--deadline", required=True, type=_deadline, metavar="NGÀY", help="2026-01-15")
    o.add_argument(
        "--indicators",
        nargs="+",
        metavar="CHỈ_TIÊU",
        help="các chỉ tiêu hỏi (mã hoặc tên; mặc định: mọi chỉ tiêu cấp xã)",
    )
    o.add_argument("--note", help="ghi chú cho các xã")
    o.add_argument("--user", help=USER_HELP)
    add_db(o)
    o.set_defaults(func=cmd_open)

    s = r_sub.add_parser("status", help="trạng thái báo cáo của từng xã")
    s.add_argument("--province", required=True, metavar="MÃ")
    s.add_argument("--year", required=True, type=year, metavar="NĂM")
    s.add_argument("--json", action="store_true", help="in dạng JSON (mỗi xã một đối tượng)")
    add_db(s)
    s.set_defaults(func=cmd_status)

    for name, func, text in (
        (
            "approve",
            cmd_approve,
            "duyệt báo cáo đã nộp: số liệu thành số liệu đang dùng (một lô mỗi xã)",
        ),
        ("return", cmd_return, "trả lại báo cáo đã nộp kèm lý do, để xã sửa và nộp lại"),
    ):
        a = r_sub.add_parser(name, help=text)
        a.add_argument("--province", required=True, metavar="MÃ")
        a.add_argument("--year", required=True, type=year, metavar="NĂM")
        a.add_argument(
            "--unit", required=True, nargs="+", metavar="MÃ_XÃ", help="mã xã (một hoặc nhiều)"
        )
        a.add_argument("--reason", help="lý do trả lại, bắt buộc khi trả lại (xã thấy lý do này)")
        a.add_argument("--user", help=USER_HELP)
        add_db(a)
        a.set_defaults(func=func)

    b = r_sub.add_parser("submit", help="nộp báo cáo của một xã từ biểu mẫu đã điền")
    b.add_argument("file", metavar="FILE", help="biểu mẫu từ `xhht template round` đã điền")
    b.add_argument("--unit", required=True, metavar="MÃ_XÃ")
    b.add_argument("--year", required=True, type=year, metavar="NĂM")
    b.add_argument("--draft", action="store_true", help="chỉ lưu nháp, chưa nộp")
    b.add_argument(
        "--attachment",
        metavar="TỆP_KÝ",
        help=f"báo cáo có chữ ký đính kèm: PDF hoặc Word (.docx, .doc), tối đa {MAX_ATTACHMENT_MB} "
        "MB; thay tệp đã đính kèm trước",
    )
    b.add_argument("--user", help=USER_HELP)
    add_db(b)
    b.set_defaults(func=cmd_submit)
