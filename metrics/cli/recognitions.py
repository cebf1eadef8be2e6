"""`xhht recognitions list` and `expiring`: who was recognised in an area, and whose
recognition lapses the year after."""

from __future__ import annotations

import argparse
import json
from datetime import date

from metrics.cli.common import EXIT_OK, Refused, add_db, locality_for_figures, reader, year


def _title(text: str | None) -> str | None:
    from metrics.circulars import REGISTER_TITLES
    from metrics.indicators import registry

    if text is None:
        return None
    ind = registry().resolve_title(text)
    titles = ", ".join(REGISTER_TITLES)
    if ind is None or ind.id not in REGISTER_TITLES:
        raise Refused(f"Danh hiệu “{text}” không có sổ công nhận. Các danh hiệu có sổ: {titles}.")
    return ind.id


def _print_entries(entries: list[dict], demo: bool) -> None:
    from metrics import texts
    from metrics.circulars import NOT_ASSESSED, RESULT_LABEL, is_yearly
    from metrics.indicators import registry
    from metrics.recognitions import decision_text, proposal_text, valid_text

    if demo:
        print(texts.text("register_demo", "vi"))
    reg = registry()
    for e in entries:
        decided = e["decision_date"]
        decision = decision_text(
            e["decision_number"], date.fromisoformat(decided) if decided else None, e["issuer"]
        )
        until = valid_text(e)
        valid = (
            ""
            if until is None
            else f"; {until}"
            if is_yearly(e["title"], e["year"])
            else f"; hiệu lực đến {until}"
        )
        failed = (
            f"; không đạt tiêu chí {', '.join(map(str, e['criteria_failed']))}"
            if e["criteria_failed"]
            else ""
        )
        steps = ""
        if e["self_assessed"]:
            steps += f"; tự đánh giá {RESULT_LABEL.get(e['self_assessed'], e['self_assessed'])}"
        if e["proposal_number"] or e["proposal_date"]:
            dated = e["proposal_date"]
            proposed = proposal_text(
                e["proposal_number"],
                date.fromisoformat(dated) if dated else None,
                e["proposal_issuer"],
            )
            steps += f"; {proposed[0].lower()}{proposed[1:]}"
        result = e["result_label"] or "chưa có quyết định"
        if e["result"] == NOT_ASSESSED or not (e["decision_number"] or e["decision_date"]):
            print(
                f"{e['year']}  {reg.title_by_id(e['title']).short_vi:<20} {e['name']} "
                f"({e['kind']}, {e['locality']}){steps} — {result}"
            )
            continue
        print(
            f"{e['year']}  {reg.title_by_id(e['title']).short_vi:<20} {e['name']} ({e['kind']}, "
            f"{e['locality']}){steps} — {result}; {decision}{valid}{failed}"
        )


def cmd_list(args: argparse.Namespace) -> int:
    import polars as pl

    from metrics.circulars import ABOVE_COMMUNE_TITLES
    from metrics.indicators import registry
    from metrics.queries.recognitions import entries_in, reported_recognized
    from metrics.recognitions import counts_of_place, funnel, public_entries, recognition_lists

    title = _title(args.title)
    with reader(args.db) as con:
        loc = locality_for_figures(con, args.locality, args.year)
        frame = entries_in(con, loc.level, loc.id, year=args.year, title=title)
        # The list of exactly this place beside the count its figures report, per title.
        titles = frame.filter(pl.col("locality_id") == loc.id)["title"].unique().to_list()
        reported = {t: reported_recognized(con, loc.id, args.year, t) for t in titles}
        counts = counts_of_place(frame, loc.id, reported)
    entries = public_entries(frame)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    # The places assessed as a whole (a district's learning community) are no unit of a list.
    units = sum(1 for e in entries if e["title"] not in ABOVE_COMMUNE_TITLES)
    print(f"{loc.label} — danh sách công nhận năm {args.year}: {units} đơn vị")
    for t, count in counts:
        ind = registry().title_by_id(t)
        if count.not_assessed and not count.listed:
            print(f"  {ind.label_vi}: chưa triển khai đánh giá")
            continue
        print(f"  {ind.label_vi}: {count.sentence(ind.count_unit_vi)}")
    for listed in recognition_lists(frame):
        way = funnel(listed.entries)
        if way is not None:
            print(f"  {listed.heading}: {way.sentence()}")
            unit = registry().title_by_id(listed.title).count_unit_vi
            for line in way.fell_out(unit):
                print(f"    {line}")
    if not entries:
        print("Chưa có danh sách công nhận nào cho địa bàn và năm này.")
    _print_entries(entries, any(e["synthetic"] for e in entries))
    return EXIT_OK


def cmd_expiring(args: argparse.Namespace) -> int:
    from metrics.queries.recognitions import lapsing_in
    from metrics.recognitions import public_entries

    with reader(args.db) as con:
        loc = locality_for_figures(con, args.locality, args.year)
        frame = lapsing_in(con, loc.level, loc.id, args.year + 1)
    entries = public_entries(frame.sort(["valid_until", "locality_name", "name"]))
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{loc.label} — công nhận hết hiệu lực trong năm {args.year + 1}: {len(entries)} đơn vị")
    if not entries:
        print(f"Không có công nhận nào hết hiệu lực trong năm {args.year + 1}.")
    _print_entries(entries, any(e["synthetic"] for e in entries))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "recognitions", help="sổ công nhận: đơn vị được công nhận và thời hạn công nhận"
    )
    rec = p.add_subparsers(dest="subcommand", metavar="LỆNH", required=True)
    for name, func, help_text, year_help in (
        (
            "list",
            cmd_list,
            "danh sách đơn vị được đánh giá, công nhận của một địa bàn trong một năm",
            "năm của kết quả công nhận",
        ),
        (
            "expiring",
            cmd_expiring,
            "công nhận hết hiệu lực trong năm sau năm đã chọn (theo từng xã)",
            "năm hiện tại: liệt kê công nhận hết hiệu lực trong năm sau",
        ),
    ):
        c = rec.add_parser(name, help=help_text)
        c.add_argument(
            "--locality",
            required=True,
            metavar="TEXT",
            help='mã hoặc tên địa bàn ("Quảng Ngãi", "Huyện Ia H\'Drai, Kon Tum", 23368)',
        )
        c.add_argument("--year", required=True, type=year, help=year_help)
        if name == "list":
            c.add_argument(
                "--title",
                metavar="ID",
                help="chỉ một danh hiệu (mã hoặc tên, ví dụ don_vi_cap_tinh, “Dòng họ học tập”)",
            )
        c.add_argument("--json", action="store_true", help="in mảng JSON (xem README)")
        add_db(c)
        c.set_defaults(func=func)
