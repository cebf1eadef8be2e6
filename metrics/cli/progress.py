"""`xhht progress`: where a locality stands on each indicator for a year."""

from __future__ import annotations

import argparse
import json

from metrics.cli.common import EXIT_OK, Refused, add_db, locality_for_figures, reader, year

# Keys whose value is a level's code, each followed in the JSON by its words (`<key>_label`).
SCOPE_KEYS = ("target_scope", "later_target_met_scope")


def with_labels(item: dict) -> dict:
    """An item's public keys, each scope code followed by its Vietnamese words:
    "target_scope": "province", "target_scope_label": "tỉnh"."""
    from metrics.texts import level_word

    out: dict = {}
    for key, value in item.items():
        out[key] = value
        if key in SCOPE_KEYS:
            out[f"{key}_label"] = level_word("scope", value)
    return out


def cmd_progress(args: argparse.Namespace) -> int:
    from metrics.fmt import fmt_int, fmt_pct, fmt_pp
    from metrics.indicators import registry
    from metrics.locality_progress import progress_for
    from metrics.texts import level_word, pace_words, text

    reg = registry()
    indicators = None
    if args.indicator:
        ind = reg.resolve_alias(args.indicator)
        if ind is None:
            raise Refused(
                f"Không có chỉ tiêu “{args.indicator}”. Các mã chỉ tiêu: {', '.join(reg.ids())}."
            )
        indicators = [ind.id]
    with reader(args.db) as con:
        loc = locality_for_figures(con, args.locality, args.year)
        items = progress_for(con, loc.id, args.year, indicators)
    if args.json:
        print(json.dumps([with_labels(it.public()) for it in items], ensure_ascii=False, indent=2))
        return EXIT_OK
    synthetic = any(it.synthetic for it in items)
    print(f"{loc.label} — năm {args.year}")
    if synthetic:
        print(text("synthetic"))
    header = f"{'Chỉ tiêu':<44} {'Công nhận/Tổng số':>22} {'Tỷ lệ':>8} {'Mục tiêu':>16} {'Đạt KH':>8}  Đánh giá tiến độ"
    print(header)
    print("-" * len(header))
    for it in items:
        if not it.has_data:
            counts = f"chưa có số liệu năm {args.year}"
        else:
            counts = f"{fmt_int(it.recognized)}/{fmt_int(it.total)}"
        target = (
            f"{fmt_pct(it.target_pct, 0)} ({it.target_year})" if it.target_pct is not None else "–"
        )
        print(
            f"{it.indicator_label[:44]:<44} {counts:>22} {fmt_pct(it.rate_pct):>8} {target:>16} "
            f"{fmt_pct(it.plan_pct, 0):>8}  {it.status_label}"
        )
        notes = []
        if it.rate_pct is None and it.rate_registered_pct is not None:
            notes.append(f"tỷ lệ trên số đăng ký: {fmt_pct(it.rate_registered_pct)}")
        if it.partial_note:  # "chưa đủ: 1/23 huyện cũ báo cáo", "chưa đủ: 92/96 xã báo cáo"
            notes.append(it.partial_note)
        if it.required_pp_per_year:
            notes.append(f"cần tăng {pace_words(it.required_pp_per_year)} đến {it.target_year}")
        if it.change_pp is not None:
            notes.append(f"so với năm trước {fmt_pp(it.change_pp)}")
        if it.target_scope:
            notes.append(f"mục tiêu cấp {level_word('scope', it.target_scope)}")
        if it.unplaceable:
            notes.append(f"{it.unplaceable} xã cũ bị chia tách, không quy được số liệu")
        if notes:
            print(f"{'':<44}   " + "; ".join(notes))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "progress", help="tiến độ của một địa bàn so với mục tiêu, theo từng chỉ tiêu"
    )
    p.add_argument(
        "--locality",
        required=True,
        metavar="TEXT",
        help='mã hoặc tên địa bàn ("Quảng Ngãi", "Xã Đăk Long, Quảng Ngãi", 23368)',
    )
    p.add_argument("--year", required=True, type=year, help="năm đánh giá")
    p.add_argument(
        "--indicator", metavar="ID", help="chỉ một chỉ tiêu (mã hoặc tên, ví dụ gia_dinh)"
    )
    p.add_argument(
        "--json", action="store_true", help="in mảng JSON, mỗi chỉ tiêu một đối tượng (xem README)"
    )
    add_db(p)
    p.set_defaults(func=cmd_progress)
