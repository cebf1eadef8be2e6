"""Reporting rounds: a province asks its communes for a year's figures; each commune's report
goes not_started → draft → submitted → approved, or back to returned (with the reviewer's
reason) and submitted again. An approval writes the figures as one batch (history, rollback),
and every save, submission, return and approval is an event (who, when, what changed).

Who may do what is metrics.auth's (Principal.may_report, may_review); the SQL is
metrics.store.rounds's; the figures go through the rules of an imported row
(metrics.inputs.round_form). The writes run inside the writer's transaction
(metrics.store.backend.writing), so each rule is checked against the store as it is, under the lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial

import duckdb
import polars as pl

from metrics import texts
from metrics.auth import Principal
from metrics.fmt import fmt_date, fmt_datetime, fmt_int, fmt_pct
from metrics.indicators import registry
from metrics.inputs.forms import HEADER_LABEL, RESULTS
from metrics.inputs.round_form import ReportCheck, check_report, form_columns, texts_of
from metrics.inputs.signed_report import (
    KIND_WORDS,
    MIME,
    SignedReport,
    download_name,
    size_text,
)
from metrics.locality_progress import series_all
from metrics.queries.registers import locality
from metrics.registers import province_id
from metrics.store import rounds as rs
from metrics.store.schema import COUNTRY_ID
from metrics.store.writes import (
    BatchInfo,
    bump_data_version,
    current_user,
    refresh_batch,
    write_batch,
)

STATES = ("not_started", "draft", "submitted", "returned", "approved")
STATE_LABELS = {
    "vi": {
        "not_started": "Chưa bắt đầu",
        "draft": "Đang nhập (nháp)",
        "submitted": "Đã nộp, chờ duyệt",
        "returned": "Bị trả lại",
        "approved": "Đã duyệt",
    },
    "en": {
        "not_started": "Not started",
        "draft": "Draft",
        "submitted": "Submitted",
        "returned": "Returned",
        "approved": "Approved",
    },
}
EDITABLE = frozenset({"not_started", "draft", "returned"})
# A submission beside last year's figures is flagged when its rate moves more than this many
# percentage points, or its total by more than this share.
RATE_FLAG_PP = 20.0
TOTAL_FLAG_PCT = 10.0
MAX_NOTE = 500


class RoundRefused(Exception):
    """What was asked cannot be done (wrong hands, wrong state, bad figures); the message says
    why in Vietnamese (`str`), and in a page's language by `say(lang)` when it was raised with
    its words (a function of the language) rather than a sentence. Nothing was written."""

    def __init__(self, message: str | Callable[[str], str]) -> None:
        self._say = message if callable(message) else None
        super().__init__(message("vi") if callable(message) else message)

    def say(self, lang: str = "vi") -> str:
        return self._say(lang) if self._say is not None else str(self)


def operator() -> Principal:
    """Whoever runs a command at the server's console without --user: writes anywhere,
    recorded under their login name (as imports)."""
    name = current_user()
    return Principal(name=name, display_name=name, role="admin", via="cli")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _when(at: datetime | None) -> str:
    return f"{fmt_datetime(at)}" if at else ""


# --- units ------------------------------------------------------------------------------------


def commune(con: duckdb.DuckDBPyConnection, code: str) -> dict:
    """Today's commune with this official code ("23368" or "X23368"), with its province."""
    raw = code.strip().upper().removeprefix("X")
    loc = locality(con, f"X{raw}") if raw.isdigit() else None
    if loc is None or loc["level"] != "commune":
        raise RoundRefused(
            f"Không có xã nào mã “{code}” trong danh mục hiện nay. Ghi mã xã 5 chữ số (ví dụ "
            "23368); tra mã bằng `xhht localities find TÊN_XÃ`."
        )
    province = locality(con, loc["province_id"])
    assert province is not None
    return {**loc, "province_code": province["code"]}


def province(con: duckdb.DuckDBPyConnection, code: str) -> dict:
    raw = code.strip().upper().removeprefix("P")
    loc = locality(con, province_id(raw)) if raw.isdigit() else None
    if loc is None or loc["level"] != "province":
        raise RoundRefused(
            f"Không có tỉnh nào mã “{code}” trong danh mục hiện nay. Ghi mã tỉnh 2 chữ số (ví dụ 51)."
        )
    return loc


def _round(con: duckdb.DuckDBPyConnection, prov: dict, year: int) -> dict:
    found = rs.round_of(con, prov["id"], year)
    if found is None:
        raise RoundRefused(
            lambda lang: texts.text(
                "round_refused_not_open", lang, name=prov["name"], year=year, code=prov["code"]
            )
        )
    return found


def round_indicators(found: Mapping) -> list[str]:
    return [i for i in str(found["indicators"]).split(",") if i]


def reviewable_provinces(who: Principal | None) -> list[str] | None:
    """Official codes of the provinces whose rounds `who` reviews; None: every province."""
    if who is None:
        return []
    if who.role == "admin" or (who.role == "reviewer" and who.unit == COUNTRY_ID):
        return None
    return [who.unit] if who.role == "reviewer" and who.unit else []


def _may_review(who: Principal, prov: dict) -> None:
    if who.may_review(prov["code"]):
        return
    if who.role == "reviewer":
        raise RoundRefused(
            f"Tài khoản {who.name} duyệt báo cáo của tỉnh mã {who.unit}, không được mở vòng hay "
            f"duyệt báo cáo của {prov['name']} (mã {prov['code']}). Kho dữ liệu không thay đổi."
        )
    raise RoundRefused(
        f"Tài khoản {who.name} ({who.role}) không được mở vòng hay duyệt báo cáo: cần tài khoản "
        f"duyệt (reviewer) của {prov['name']} hoặc quản trị viên. Kho dữ liệu không thay đổi."
    )


def _may_report(who: Principal, place: dict) -> None:
    if who.may_report(place["code"]):
        return
    if who.role == "reporter":
        raise RoundRefused(
            f"Tài khoản {who.name} báo cáo cho xã mã {who.unit}, không được báo cáo cho "
            f"{place['name']} (mã {place['code']}). Kho dữ liệu không thay đổi."
        )
    raise RoundRefused(
        f"Tài khoản {who.name} ({who.role}) không được nhập báo cáo của xã: cần tài khoản báo "
        f"cáo (reporter) của {place['name']}. Kho dữ liệu không thay đổi."
    )


# --- opening a round --------------------------------------------------------------------------


def commune_indicators() -> list[str]:
    """What a round asks by default: every title a commune reports, in the registry's order."""
    reg = registry()
    return [i for i in reg.ids() if reg.by_id(i).level_scope == "commune"]


def open_round(
    con: duckdb.DuckDBPyConnection,
    who: Principal,
    province_code: str,
    year: int,
    deadline: date,
    indicators: Sequence[str] | None = None,
    note: str | None = None,
) -> tuple[dict, bool]:
    """Open (or, when open, change the indicators, deadline and note of) a province's round.
    Returns the round and whether it was new."""
    prov = province(con, province_code)
    _may_review(who, prov)
    first, last = RESULTS.years
    if not first <= year <= last:
        raise RoundRefused(
            lambda lang: texts.text("round_refused_year", lang, year=year, first=first, last=last)
        )
    reg = registry()
    asked: list[str] = []
    for text in indicators or commune_indicators():
        ind = reg.resolve_alias(text)
        if ind is None:
            raise RoundRefused(
                f"Không có chỉ tiêu “{text}”. Dùng mã hoặc tên chỉ tiêu, ví dụ gia_dinh, dong_ho."
            )
        if ind.level_scope != "commune":
            raise RoundRefused(f"“{ind.label_vi}” không do xã báo cáo: bỏ chỉ tiêu này khỏi vòng.")
        if ind.id not in asked:
            asked.append(ind.id)
    asked.sort(key=reg.ids().index)
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise RoundRefused(lambda lang: texts.text("round_refused_note_long", lang, n=MAX_NOTE))
    at = now()
    existing = rs.round_of(con, prov["id"], year)
    if existing is None:
        rs.insert_round(con, prov["id"], year, asked, deadline, note, at, who.name)
        detail = f"Mở vòng năm {year}: hạn {fmt_date(deadline)}, {len(asked)} chỉ tiêu"
    else:
        rs.update_round(con, prov["id"], year, asked, deadline, note)
        detail = f"Sửa vòng năm {year}: hạn {fmt_date(deadline)}, {len(asked)} chỉ tiêu"
    rs.add_event(con, prov["id"], year, at, who.name, "open", None, detail)
    bump_data_version(con)
    found = rs.round_of(con, prov["id"], year)
    assert found is not None
    return found, existing is None


# --- a commune's report -----------------------------------------------------------------------


@dataclass
class Saved:
    state: str
    revision: int
    changes: list[str] = field(default_factory=list)
    check: ReportCheck = field(default_factory=ReportCheck)


def _stored_figures(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> dict:
    frame = rs.report_figures(con, locality_id, year)
    return {
        r["indicator"]: {c: r[c] for c in rs.FIGURE_COLUMNS} for r in frame.iter_rows(named=True)
    }


def _changes(old: Mapping[str, Mapping], new: Mapping[str, Mapping]) -> list[str]:
    reg = registry()
    out = []
    for ind in sorted(set(old) | set(new), key=reg.ids().index):
        for col in form_columns(ind):
            before, after = old.get(ind, {}).get(col), new.get(ind, {}).get(col)
            if before != after:
                shown = [("–" if v is None else fmt_int(v)) for v in (before, after)]
                out.append(
                    f"{reg.by_id(ind).short_vi} – {HEADER_LABEL[col]}: {shown[0]} → {shown[1]}"
                )
    return out


def state_refusal(
    report: Mapping | None, place: Mapping, year: int, lang: str = "vi", *, attach: bool = False
) -> str | None:
    """Why a report cannot be changed now (submitted, approved), or None; `attach`: why its
    signed report cannot be attached or replaced."""
    state = report["state"] if report else "not_started"
    if state not in ("submitted", "approved"):
        return None
    assert report is not None
    if state == "submitted":
        cannot = (
            texts.text("round_cannot_attach", lang)
            if attach
            else texts.text("round_cannot_edit", lang)
        )
        return texts.text(
            "round_refused_submitted",
            lang,
            year=year,
            name=place["name"],
            when=_when(report["submitted_at"]),
            who=report["submitted_by"],
            cannot=cannot,
        )
    return texts.text(
        "round_refused_approved",
        lang,
        year=year,
        name=place["name"],
        when=_when(report["reviewed_at"]),
        who=report["reviewed_by"],
    )


def _not_waiting(lang: str, *, year: int, name: str, state: str) -> str:
    words = STATE_LABELS[lang if lang in STATE_LABELS else "vi"][state].lower()
    return texts.text("round_refused_not_waiting", lang, year=year, name=name, state=words)


def _refused_unchanged(say: Callable[[str], str | None]) -> RoundRefused:
    """A refusal that adds that the store is unchanged."""
    return RoundRefused(lambda lang: f"{say(lang)} {texts.text('round_store_unchanged', lang)}")


def save_report(
    con: duckdb.DuckDBPyConnection,
    who: Principal,
    commune_code: str,
    year: int,
    entered: Mapping[str, Mapping[str, str]],
    *,
    submit: bool,
    revision: int | None = None,
) -> Saved:
    """Save a commune's figures as a draft, or submit them. `revision` is the one the form was
    opened at: when the report changed since (another tab, a form posted twice), the save is
    refused, unless it repeats exactly what is stored. Raises RoundRefused; nothing written."""
    place = commune(con, commune_code)
    _may_report(who, place)
    prov = province(con, place["province_code"])
    found = _round(con, prov, year)
    asked = round_indicators(found)
    current = rs.report(con, place["id"], year)
    if state_refusal(current, place, year):
        raise _refused_unchanged(lambda lang: state_refusal(current, place, year, lang))
    check = check_report(asked, entered, complete=submit)
    if not check.ok:
        raise RoundRefused(
            "Báo cáo chưa hợp lệ, chưa được lưu:\n"
            + "\n".join(f"  - {m}" for m in check.messages())
        )
    old = _stored_figures(con, place["id"], year)
    new = {ind: check.figures[ind] for ind in asked if ind in check.figures}
    changes = _changes(old, new)
    have = int(current["revision"]) if current else 0
    if revision is not None and revision != have:
        if not changes and not submit:
            return Saved(current["state"] if current else "not_started", have, [], check)
        assert current is not None
        raise _refused_unchanged(
            lambda lang: texts.text(
                "round_refused_changed_since",
                lang,
                name=place["name"],
                have=have,
                when=_when(current["updated_at"]),
                who=current["updated_by"],
                revision=revision,
            )
        )
    at = now()
    state = "submitted" if submit else "draft"
    row = dict(current or {})
    row.update(
        locality_id=place["id"],
        year=year,
        province_id=prov["id"],
        state=state,
        revision=have + 1,
        updated_at=at,
        updated_by=who.name,
    )
    if submit:
        row.update(submitted_at=at, submitted_by=who.name)
    rs.put_report(con, row)
    rs.put_figures(con, place["id"], year, new)
    detail = "; ".join(changes) or "không đổi số liệu"
    rs.add_event(
        con, place["id"], year, at, who.name, "submit" if submit else "save", have + 1, detail
    )
    bump_data_version(con)
    return Saved(state, have + 1, changes, check)


# --- the signed report attached ----------------------------------------------------------------


@dataclass(frozen=True)
class Attached:
    file_name: str
    kind: str
    size: int
    revision: int
    replaced: str | None  # the name of the file it replaced


def attach_report(
    con: duckdb.DuckDBPyConnection,
    who: Principal,
    commune_code: str,
    year: int,
    signed: SignedReport,
) -> Attached:
    """Attach the commune's signed report (already checked: metrics.inputs.signed_report) to its
    report of the year, replacing the one it had, while the report is a draft or returned (a
    report not started becomes a draft). Raises RoundRefused; nothing written."""
    place = commune(con, commune_code)
    _may_report(who, place)
    prov = province(con, place["province_code"])
    _round(con, prov, year)
    current = rs.report(con, place["id"], year)
    if state_refusal(current, place, year):
        raise _refused_unchanged(
            lambda lang: state_refusal(current, place, year, lang, attach=True)
        )
    before = rs.attachment(con, place["id"], year)
    at = now()
    have = int(current["revision"]) if current else 0
    row = dict(current or {})
    row.update(
        locality_id=place["id"],
        year=year,
        province_id=prov["id"],
        state="draft",
        revision=have + 1,
        updated_at=at,
        updated_by=who.name,
    )
    rs.put_report(con, row)
    rs.put_attachment(
        con,
        {
            "locality_id": place["id"],
            "year": year,
            "file_name": signed.file_name,
            "kind": signed.kind,
            "size_bytes": signed.size,
            "sha256": hashlib.sha256(signed.content).hexdigest(),
            "attached_at": at,
            "attached_by": who.name,
        },
        signed.content,
    )
    what = f"{signed.file_name} ({KIND_WORDS[signed.kind]}, {size_text(signed.size)})"
    detail = f"Thay {before['file_name']} bằng {what}" if before else f"Đính kèm {what}"
    rs.add_event(con, place["id"], year, at, who.name, "attach", have + 1, detail)
    bump_data_version(con)
    return Attached(
        signed.file_name,
        signed.kind,
        signed.size,
        have + 1,
        before["file_name"] if before else None,
    )


def may_download(who: Principal | None, place: Mapping) -> bool:
    """The commune's own reporter, a reviewer of its province (or of the country), an admin."""
    return who is not None and (
        who.may_report(place["code"]) or who.may_review(place["province_code"])
    )


def attachment_download(
    con: duckdb.DuckDBPyConnection, who: Principal | None, commune_code: str, year: int
) -> tuple[str, str, bytes]:
    """The commune's attached report for `who`: its download name, MIME type and bytes. Read
    from the store itself (readers' copies hold no files). Raises RoundRefused for anyone but
    the commune, its province's reviewers and admins."""
    place = commune(con, commune_code)
    if not may_download(who, place):
        name = who.name if who else "khách chưa đăng nhập"
        raise RoundRefused(
            f"Tài khoản {name} không được tải báo cáo đính kèm của {place['name']}: chỉ xã đó, "
            "người duyệt của tỉnh và quản trị viên được tải."
        )
    meta = rs.attachment(con, place["id"], year)
    content = rs.attachment_content(con, place["id"], year)
    if meta is None or content is None:
        raise RoundRefused(
            lambda lang: texts.text(
                "round_refused_no_attachment", lang, year=year, name=place["name"]
            )
        )
    return download_name(meta["file_name"], meta["kind"]), MIME[meta["kind"]], content


def attachment_line(meta: Mapping | None, lang: str = "vi") -> str | None:
    """ "Bao_cao_ky.pdf — PDF, 1,2 MB — đính kèm 10/01/2026 09:15 bởi xa.23368" (None without)."""
    if not meta:
        return None
    return texts.text(
        "attachment_line",
        lang,
        name=meta["file_name"],
        kind=KIND_WORDS[meta["kind"]],
        size=size_text(int(meta["size_bytes"])),
        at=_when(meta["attached_at"]),
        by=meta["attached_by"],
    )


# --- review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    code: str
    name: str
    batch: int | None


def review(
    con: duckdb.DuckDBPyConnection,
    who: Principal,
    province_code: str,
    year: int,
    commune_codes: Sequence[str],
    *,
    approve: bool,
    reason: str | None = None,
) -> list[Reviewed]:
    """Approve the submissions of these communes (each written as one batch of figures in
    force), or return them with a reason the commune sees. All or nothing: one commune that
    cannot be reviewed refuses them all."""
    prov = province(con, province_code)
    _may_review(who, prov)
    _round(con, prov, year)
    reason = (reason or "").strip() or None
    if not approve and not reason:
        raise RoundRefused(lambda lang: texts.text("round_refused_no_reason", lang))
    if reason and len(reason) > MAX_NOTE:
        raise RoundRefused(lambda lang: texts.text("round_refused_reason_long", lang, n=MAX_NOTE))
    if not commune_codes:
        raise RoundRefused(lambda lang: texts.text("round_refused_none_chosen", lang))
    at = now()
    done: list[Reviewed] = []
    for code in dict.fromkeys(commune_codes):
        place = commune(con, code)
        if place["province_id"] != prov["id"]:
            raise RoundRefused(
                f"{place['name']} (mã {place['code']}) không thuộc {prov['name']}. Kho dữ liệu "
                "không thay đổi."
            )
        current = rs.report(con, place["id"], year)
        state = current["state"] if current else "not_started"
        if state != "submitted":
            raise _refused_unchanged(
                partial(_not_waiting, year=year, name=place["name"], state=state)
            )
        assert current is not None
        batch = _approve(con, who, place, year, current, at) if approve else None
        row = dict(current)
        row.update(
            state="approved" if approve else "returned",
            revision=int(current["revision"]) + 1,
            updated_at=at,
            updated_by=who.name,
            reviewed_at=at,
            reviewed_by=who.name,
            reason=None if approve else reason,
            batch_id=batch,
        )
        rs.put_report(con, row)
        if not approve:
            detail = f"Lý do: {reason}"
        elif batch is None:
            detail = "Không ghi lô mới: số liệu nhập từ tệp sau khi nộp mới hơn, được giữ"
        else:
            detail = f"Ghi thành lô {batch}"
        if approve and reason:
            detail += f"; ghi chú: {reason}"
        rs.add_event(
            con,
            place["id"],
            year,
            at,
            who.name,
            "approve" if approve else "return",
            row["revision"],
            detail,
        )
        done.append(Reviewed(place["code"], place["name"], batch))
    written = [r.batch for r in done if r.batch is not None]
    for batch_id in written:  # the figures in force of each commune approved, nothing else
        refresh_batch(con, batch_id)
    if not written:
        bump_data_version(con)
    return done


def _approve(
    con: duckdb.DuckDBPyConnection,
    who: Principal,
    place: dict,
    year: int,
    report: Mapping,
    at: datetime,
) -> int | None:
    """Write the approved figures as one batch; those a newer imported file already gives are
    left as they are (None: every figure was, and no batch is written)."""
    figures = _stored_figures(con, place["id"], year)
    prov = province(con, place["province_code"])
    asked = round_indicators(_round(con, prov, year))
    check = check_report(asked, texts_of(figures), complete=True)
    if not check.ok:  # checked when submitted; the rules may have changed since
        raise RoundRefused(
            f"Số liệu đã nộp của {place['name']} không còn hợp lệ:\n"
            + "\n".join(f"  - {m}" for m in check.messages())
        )
    # The newer wins: a figure imported from a file after the commune submitted stays in force.
    imported = rs.imported_in_force(con, place["id"], year)
    kept = {
        ind: counts
        for ind, counts in check.figures.items()
        if not (ind in imported and imported[ind] > report["submitted_at"])
    }
    if not kept:
        return None
    submitted = f"nộp {_when(report['submitted_at'])} bởi {report['submitted_by']}"
    source = (
        f"Báo cáo của {place['name']} qua ứng dụng (vòng báo cáo năm {year}, {submitted}, "
        f"duyệt bởi {who.name})"
    )
    frame = pl.DataFrame(
        [
            {
                "locality_id": place["id"],
                "year": year,
                "indicator": ind,
                **{c: counts.get(c) for c in rs.FIGURE_COLUMNS},
                "total_from_register": False,
                "source": source,
            }
            for ind, counts in kept.items()
        ],
        schema={k: v for k, v in RESULTS.frame_schema.items() if not k.startswith("_")},
    )
    info = BatchInfo(
        kind="round",
        synthetic=False,
        created_by=who.name,
        file_name=f"Báo cáo {place['name']} năm {year}",
        note=(
            f"Vòng báo cáo năm {year} — {place['name']} (mã {place['code']}): {submitted} "
            f"(lần lưu {report['revision']}), duyệt lúc {_when(at)} bởi {who.name}"
        ),
    )
    return write_batch(con, info, observations=frame, refresh=False)


# --- what pages and `rounds status` show ------------------------------------------------------


def status(
    con: duckdb.DuckDBPyConnection, province_code: str, year: int
) -> tuple[dict, pl.DataFrame]:
    """The round and one row per commune of the province: code, name, state and who did what when."""
    prov = province(con, province_code)
    found = _round(con, prov, year)
    return {**found, "province": prov}, rs.report_states(con, prov["id"], year)


def state_counts(states: pl.DataFrame) -> dict[str, int]:
    counts = dict(states.group_by("state").len().iter_rows())
    return {s: int(counts.get(s, 0)) for s in STATES}


def completeness_line(counts: Mapping[str, int], lang: str = "vi") -> str:
    """ "78/96 xã đã được duyệt, 9 đã nộp chờ duyệt, 9 chưa nộp": a draft, a returned report
    and one not started are all not yet submitted."""
    total = sum(counts.values())
    waiting = counts.get("submitted", 0)
    approved = counts.get("approved", 0)
    return texts.text(
        "round_completeness",
        lang,
        approved=fmt_int(approved, lang=lang),
        total=fmt_int(total, lang=lang),
        waiting=fmt_int(waiting, lang=lang),
        missing=fmt_int(total - approved - waiting, lang=lang),
    )


@dataclass(frozen=True)
class RoundStanding:
    """Where a province's round of a year stands: its deadline, the communes per state, and how
    many of those not yet submitted have figures in force all the same (from an imported file)."""

    province_id: str
    year: int
    deadline: date
    counts: Mapping[str, int]
    imported: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return self.counts.get("submitted", 0)

    @property
    def not_submitted(self) -> int:
        return self.total - self.counts.get("approved", 0) - self.waiting

    @property
    def complete(self) -> bool:
        return self.counts.get("approved", 0) == self.total

    def line(self, lang: str = "vi") -> str:
        return completeness_line(self.counts, lang)

    def sentence(self, lang: str = "vi") -> str:
        """ "Vòng báo cáo năm 2025 (hạn nộp 15/01/2026): 78/96 xã đã được duyệt, …", and how
        many of the communes not submitted have imported figures."""
        said = texts.text(
            "round_standing",
            lang,
            year=self.year,
            deadline=f"{fmt_date(self.deadline)}",
            line=self.line(lang),
        )
        if self.imported:
            said += " " + texts.text(
                "round_standing_imported", lang, n=fmt_int(self.imported, lang=lang)
            )
        return said


def round_standing(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int
) -> RoundStanding | None:
    """The round of the year of this province (a province's id, "P51"), or None when the
    province has opened none for the year (or the place is not a province): what the
    completeness lines say in place of "4/96 xã chưa báo cáo". One query for the counts."""
    found = rs.round_of(con, locality_id, year)
    if found is None:
        return None
    tally = rs.state_tally(con, locality_id, year)
    counts = {s: 0 for s in STATES}
    imported = 0
    for r in tally.iter_rows(named=True):
        counts[r["state"]] += int(r["communes"])
        if r["has_figures"] and r["state"] not in ("submitted", "approved"):
            imported += int(r["communes"])
    return RoundStanding(locality_id, year, found["deadline"], counts, imported)


# The state a report is left in by each event recorded for a commune.
STATE_AFTER = {
    "save": "draft",
    "attach": "draft",
    "submit": "submitted",
    "return": "returned",
    "approve": "approved",
}


def state_from_events(events: pl.DataFrame) -> str:
    """A commune's report state as its events (the newest first) leave it."""
    for action in events["action"].to_list():
        if action in STATE_AFTER:
            return STATE_AFTER[action]
    return "not_started"


def action_label(action: str, lang: str = "vi") -> str:
    """ "nộp", "trả lại", "duyệt": what an event did, in words."""
    return {
        "open": texts.text("round_action_open", lang),
        "save": texts.text("round_action_save", lang),
        "attach": texts.text("round_action_attach", lang),
        "submit": texts.text("round_action_submit", lang),
        "return": texts.text("round_action_return", lang),
        "approve": texts.text("round_action_approve", lang),
    }.get(action, action)


def history_rows(events: pl.DataFrame, lang: str = "vi") -> list[dict[str, str]]:
    """A commune's round events as rows of words, the newest first: when, who, what was done
    and its detail (the figures changed, the reason returned, the batch an approval wrote)."""
    return [
        {
            texts.text("round_col_when", lang): f"{fmt_datetime(e['happened_at'])}",
            texts.text("round_col_who", lang): e["actor"],
            texts.text("round_col_action", lang): action_label(e["action"], lang),
            texts.text("round_col_detail", lang): e["detail"] or "",
        }
        for e in events.iter_rows(named=True)
    ]


def days_left(deadline: date, today: date | None = None) -> int:
    return (deadline - (today or date.today())).days


def status_records(states: pl.DataFrame) -> list[dict]:
    """`rounds status --json`: one object per commune, times in ISO."""
    keys = (
        "code",
        "name",
        "state",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "reason",
    )
    return [
        {
            k: (r[k].isoformat(timespec="seconds") if isinstance(r[k], datetime) else r[k])
            for k in keys
        }
        for r in states.iter_rows(named=True)
    ]


def asked(
    con: duckdb.DuckDBPyConnection, who: Principal, commune_code: str, year: int
) -> tuple[dict, list[str]]:
    """The commune and the indicators its province's round of the year asks, when `who` may
    report for it (checked again when the report is written)."""
    place = commune(con, commune_code)
    _may_report(who, place)
    found = _round(con, province(con, place["province_code"]), year)
    return place, round_indicators(found)


def report_view(con: duckdb.DuckDBPyConnection, commune_code: str, year: int) -> dict:
    """What a commune's form shows: the round, the report (state, reason), its working figures,
    last year's figures by indicator."""
    place = commune(con, commune_code)
    prov = province(con, place["province_code"])
    found = _round(con, prov, year)
    return {
        "commune": place,
        "province": prov,
        "round": found,
        "indicators": round_indicators(found),
        "report": rs.report(con, place["id"], year),
        "figures": _stored_figures(con, place["id"], year),
        "last_year": last_year_figures(con, place["id"], year),
        "attachment": rs.attachment(con, place["id"], year),
    }


def round_template(
    con: duckdb.DuckDBPyConnection, commune_code: str, year: int
) -> tuple[str, bytes]:
    """The round's form of one commune as a spreadsheet, and its file name."""
    from metrics.inputs.round_form import FormPlace, build_round_template
    from metrics.normalise import file_stem

    view = report_view(con, commune_code, year)
    place = view["commune"]
    form = FormPlace(
        year=year,
        province=view["province"]["name"],
        commune=place["name"],
        code=place["code"],
        deadline=f"{fmt_date(view['round']['deadline'])}",
        note=view["round"]["note"],
    )
    content = build_round_template(form, view["indicators"], view["last_year"], view["figures"])
    return file_stem("Bao cao", place["name"], place["code"], year) + ".xlsx", content


def last_year_figures(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> dict:
    """The commune's figures of the year before (rolled up from its old communes where it had
    none of its own): indicator → counts."""
    frame = series_all(con, locality_id).filter(pl.col("year") == year - 1)
    return {
        r["indicator"]: {c: r[c] for c in rs.FIGURE_COLUMNS} for r in frame.iter_rows(named=True)
    }


def _rate(counts: Mapping | None) -> float | None:
    if not counts or not counts.get("total") or counts.get("recognized") is None:
        return None
    return 100.0 * counts["recognized"] / counts["total"]


def rate(counts: Mapping | None) -> float | None:
    """Recognised / total × 100 (None without a total): the rate the form shows as one types."""
    return _rate(counts)


def comparison(view: Mapping, lang: str = "vi") -> pl.DataFrame:
    """A submission beside last year, per indicator asked: totals, recognised, rates, the rate's
    move in points and the total's change in %, and whether the change is large (`flag`, in
    `lang`)."""
    reg = registry()
    rows = []
    for ind in view["indicators"]:
        now_c, before = view["figures"].get(ind), view["last_year"].get(ind)
        r_now, r_before = _rate(now_c), _rate(before)
        move = None if r_now is None or r_before is None else r_now - r_before
        t_now = (now_c or {}).get("total")
        t_before = (before or {}).get("total")
        change = 100.0 * (t_now - t_before) / t_before if t_now is not None and t_before else None
        flags: list[str] = []
        if move is not None and abs(move) > RATE_FLAG_PP:
            pp = fmt_pct(abs(move), lang=lang).rstrip("%")
            flags.append(
                texts.text("round_flag_rate_up", lang, pp=pp)
                if move > 0
                else texts.text("round_flag_rate_down", lang, pp=pp)
            )
        if change is not None and abs(change) > TOTAL_FLAG_PCT:
            pct = fmt_pct(abs(change), lang=lang)
            flags.append(
                texts.text("round_flag_total_up", lang, pct=pct)
                if change > 0
                else texts.text("round_flag_total_down", lang, pct=pct)
            )
        rows.append(
            {
                "indicator": ind,
                "label": reg.by_id(ind).label_vi,
                "total_before": t_before,
                "recognized_before": (before or {}).get("recognized"),
                "rate_before": r_before,
                "total": t_now,
                "recognized": (now_c or {}).get("recognized"),
                "rate": r_now,
                "rate_move_pp": move,
                "total_change_pct": change,
                "flag": "; ".join(flags),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "label": pl.String,
            "total_before": pl.Int64,
            "recognized_before": pl.Int64,
            "rate_before": pl.Float64,
            "total": pl.Int64,
            "recognized": pl.Int64,
            "rate": pl.Float64,
            "rate_move_pp": pl.Float64,
            "total_change_pct": pl.Float64,
            "flag": pl.String,
        },
    )


def in_force_note(
    con: duckdb.DuckDBPyConnection, view: Mapping, year: int, lang: str = "vi"
) -> str | None:
    """How the figures in force for the commune and year relate to its report: an imported file
    and a submission are told apart, and the newer wins."""
    place, report = view["commune"], view["report"]
    frame = rs.figures_in_force(con, place["id"], year)
    if not frame.height:
        return None
    newest = frame.sort("batch_id").row(-1, named=True)
    batch = {
        "batch": newest["batch_id"],
        "when": _when(newest["batch_at"]),
        "who": newest["batch_by"],
    }
    source = (
        texts.text("round_in_force_source_round", lang, **batch)
        if newest["batch_kind"] == "round"
        else texts.text("round_in_force_source_import", lang, **batch)
    )
    if report and report.get("batch_id") == newest["batch_id"]:
        return texts.text("round_in_force_this", lang, batch=newest["batch_id"])
    if report and report.get("batch_id") and newest["batch_id"] > report["batch_id"]:
        return texts.text(
            "round_in_force_newer_than_approval",
            lang,
            year=year,
            source=source,
            batch=report["batch_id"],
        )
    submitted_at = (report or {}).get("submitted_at")
    if (
        newest["batch_kind"] in ("import", "seed")
        and submitted_at
        and newest["batch_at"] > submitted_at
    ):
        return texts.text(
            "round_in_force_imported_after",
            lang,
            year=year,
            source=source,
            submitted=_when(submitted_at),
        )
    return texts.text("round_in_force_replaced", lang, year=year, source=source)


def source_note(row: Mapping, lang: str = "vi") -> str:
    """A commune's row of the round (metrics.store.rounds.report_states): which is newer, the
    file imported behind its figures in force or its submission ("" when it lacks either)."""
    imported, submitted = row.get("imported_at"), row.get("submitted_at")
    if imported is None or submitted is None:
        return ""
    dates = {"imported": f"{fmt_date(imported)}", "submitted": f"{fmt_date(submitted)}"}
    if imported > submitted:
        return texts.text("round_source_import_newer", lang, **dates)
    if row.get("state") == "approved":
        return texts.text("round_source_submission_used", lang, **dates)
    return texts.text("round_source_submission_newer", lang, **dates)


def with_source_notes(states: pl.DataFrame, lang: str = "vi") -> pl.DataFrame:
    """The round's rows with `source`: each one's source_note (None without one)."""
    notes = [source_note(r, lang) or None for r in states.iter_rows(named=True)]
    return states.with_columns(pl.Series("source", notes, dtype=pl.String))
