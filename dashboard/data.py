"""Cached wrappers the pages call: metrics functions over this process's copy of the store.

No SQL and no progress maths here or in the pages: this module calls metrics.queries,
metrics.locality_progress and metrics.progress, and caches the answers. Pages read a copy of the store in
memory (metrics.store.snapshot), never the store itself, so imports from the CLI, other processes or
this app write while pages are served. Every cache key starts with (store, version): a write
anywhere makes the page runs after it key the new figures once the process's new copy is in
place (metrics.store.snapshot: a page waits for it a few seconds at most).
Every read takes its own cursor, so sessions and reruns never share a half-read result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.i18n import lang as page_lang
from metrics import auth, inputs, locality_progress, place_context, rounds, texts
from metrics import queries as q
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.name_lookup import LocalityIndex
from metrics.outputs import cell_safety, images
from metrics.queries import recognitions as recq
from metrics.queries import registers as rq
from metrics.queries import targets as tq
from metrics.registers import is_province_id
from metrics.store import StoreError
from metrics.store import rounds as round_store
from metrics.store.backend import StoreBusy, reading, write_in_progress, writing
from metrics.store.location import parse_location
from metrics.store.schema import COUNTRY_ID, LEVEL_COLUMNS
from metrics.store.snapshot import SnapshotCache
from metrics.store.writes import rollback_batch
from metrics.targets_ahead import targets_ahead as targets_ahead_of

# (the store as XHHT_DB names it — password included for PostgreSQL, so never shown — and
# metrics.store.store_identity of the copy)
StoreKey = tuple[str, str]
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

# This module's answers, cached per state of the store (their first argument, a StoreKey) and
# dropped when a newer state is seen. Only these: the shared figures (dashboard.ui.figure) are
# keyed by the frames they draw, so a write keeps every figure whose figures it did not change,
# and the page runs after it rebuild only those.
_PER_STATE: list[Any] = []


def _per_state(fn: F) -> F:
    cached = st.cache_data(show_spinner=False)(fn)
    _PER_STATE.append(cached)
    return cached  # type: ignore[return-value]


@dataclass(frozen=True)
class StoreState:
    """The open store (`key`), or why there is none: `problem` ("location": XHHT_DB cannot be
    read; "missing": no file at `path`; "busy"; "unreadable"), with the store's own message
    (`detail`, Vietnamese, as the command line says it). The page words it in its language."""

    key: StoreKey | None
    problem: str | None = None
    detail: str = ""
    path: str = ""


@st.cache_resource(show_spinner=False)
def _snapshots(location_text: str) -> SnapshotCache:
    return SnapshotCache(parse_location(location_text))


_seen_versions: set[StoreKey] = set()


def store_state() -> StoreState:
    """The store named by XHHT_DB (or the default path) as this process's newest copy, or what
    is wrong with it."""
    try:
        loc = parse_location(None)
    except StoreError as exc:
        return StoreState(None, "location", str(exc))
    if loc.path is not None and not loc.path.exists():
        return StoreState(None, "missing", path=str(loc.path.resolve()))
    try:
        snapshot = _snapshots(loc.reopen).current()
    except StoreBusy as exc:
        return StoreState(None, "busy", str(exc))
    except StoreError as exc:
        return StoreState(None, "unreadable", str(exc))
    key: StoreKey = (loc.reopen, snapshot.version)
    if key not in _seen_versions:
        # A new state of the store: answers cached for older ones will not be asked for again.
        if _seen_versions:
            for cached in _PER_STATE:
                cached.clear()
        _seen_versions.clear()
        _seen_versions.add(key)
    return StoreState(key)


def _cur(key: StoreKey) -> duckdb.DuckDBPyConnection:
    return _snapshots(key[0]).at(key[1]).cursor()


@_per_state
def years(key: StoreKey) -> list[int]:
    return q.store_years(_cur(key))


@_per_state
def has_synthetic(key: StoreKey) -> bool:
    return q.store_has_synthetic(_cur(key))


@_per_state
def provinces(key: StoreKey) -> pl.DataFrame:
    return rq.provinces(_cur(key))


@_per_state
def communes(key: StoreKey, province_id: str) -> pl.DataFrame:
    return rq.communes_of(_cur(key), province_id)


@_per_state
def old_districts(key: StoreKey, province_id: str) -> pl.DataFrame:
    return rq.old_districts_of(_cur(key), province_id)


@_per_state
def locality(key: StoreKey, locality_id: str) -> dict | None:
    return rq.locality(_cur(key), locality_id)


@_per_state
def predecessors(key: StoreKey, locality_id: str) -> pl.DataFrame:
    return rq.predecessors(_cur(key), locality_id)


@_per_state
def successors(key: StoreKey, locality_id: str) -> pl.DataFrame:
    """The units a former one became part of (today's commune or province)."""
    return rq.successors(_cur(key), locality_id)


@_per_state
def progress(key: StoreKey, locality_id: str, year: int) -> list[IndicatorProgress]:
    return locality_progress.progress_for(
        _cur(key), locality_id, year, series=series_all(key, locality_id)
    )


@_per_state
def children(
    key: StoreKey, parent_id: str, year: int, pending: bool = False, lang: str = "vi"
) -> pl.DataFrame:
    """Each commune of a province (or each province of the country) × indicator, with status;
    `pending`: with the figures submitted and not yet approved (a column says which); its
    completeness notes in `lang`."""
    return locality_progress.children_progress(
        _cur(key), parent_id, year, pending=pending, lang=lang
    )


@_per_state
def series_all(key: StoreKey, locality_id: str) -> pl.DataFrame:
    """Every indicator's yearly figures of one locality: one roll-up, shared by all charts."""
    return locality_progress.series_all(_cur(key), locality_id)


def series(key: StoreKey, locality_id: str, indicator: str) -> pl.DataFrame:
    return series_all(key, locality_id).filter(pl.col("indicator") == indicator)


@_per_state
def recognitions(key: StoreKey, level: str, locality_id: str, year: int) -> pl.DataFrame:
    """The register's entries in force of an area (its old units included) for a year."""
    return recq.entries_in(_cur(key), level, locality_id, year=year)


@_per_state
def lapsing(key: StoreKey, level: str, locality_id: str, lapse_year: int) -> pl.DataFrame:
    """The register's entries of an area whose recognition stands until a day of `lapse_year`."""
    return recq.lapsing_in(_cur(key), level, locality_id, lapse_year)


@_per_state
def place_context_of(
    key: StoreKey, locality_id: str, year: int
) -> tuple[place_context.PlaceContext | None, place_context.EducationLevels | None]:
    """The place's context and universal-education levels for the year (else the latest before)."""
    cur = _cur(key)
    return (
        place_context.context_for(cur, locality_id, year),
        place_context.education_for(cur, locality_id, year),
    )


@_per_state
def targets(key: StoreKey, locality_id: str) -> pl.DataFrame:
    return tq.resolved_targets(_cur(key), locality_id)


def locality_index(key: StoreKey) -> LocalityIndex:
    """The name index changes only with the registers, i.e. with the store itself."""
    return _locality_index(key[0], key[1].split(":")[0], key)


@st.cache_resource(show_spinner=False)
def _locality_index(location_text: str, store_id: str, _key: StoreKey) -> LocalityIndex:
    return LocalityIndex.from_store(_cur(_key))


def status_counts(children_frame: pl.DataFrame, indicator: str) -> dict[str, int]:
    return locality_progress.status_counts(children_frame, indicator)


@_per_state
def levels(key: StoreKey, locality_id: str, indicator: str) -> pl.DataFrame:
    """Counts by level/rating (year, level, count) for one indicator, where reports give them."""
    s = series(key, locality_id, indicator)
    rows = [
        {"year": int(r["year"]), "level": c.removeprefix("level_"), "count": int(r[c])}
        for r in s.iter_rows(named=True)
        for c in LEVEL_COLUMNS
        if r.get(c) is not None
    ]
    if not any(r["count"] for r in rows):
        rows = []  # only zeros: nothing was rated, so there is no breakdown to show
    return pl.DataFrame(rows, schema={"year": pl.Int64, "level": pl.String, "count": pl.Int64})


@_per_state
def plan_items(key: StoreKey, locality_id: str) -> pl.DataFrame:
    """A place's own plan commitments that are not rates."""
    return tq.plan_items_of(_cur(key), locality_id)


@_per_state
def targets_ahead(key: StoreKey, locality_id: str, year: int) -> pl.DataFrame:
    return targets_ahead_of(
        _cur(key),
        locality_id,
        year,
        series=series_all(key, locality_id),
        targets=targets(key, locality_id),
    )


def indicator_ids() -> list[str]:
    return registry().ids()


def is_country(locality_id: str) -> bool:
    return locality_id == COUNTRY_ID


def is_province(locality_id: str) -> bool:
    return is_province_id(locality_id)


# --- Writing: imports and rollbacks ---------------------------------------------------------
# A file is checked on this process's copy; only the write itself takes the store's write lock
# (metrics.store.backend.writing), briefly. Then this process loads the new state at once, so the
# officer sees the write on the next run; other processes on their next page run.


# An upload is read and checked once: the result is kept in the session, keyed by the file's
# content hash, the sheet, the account's provinces and the store state, and reused by every rerun
# and by the write (which counts the changes again against the store under the write lock).
_CHECKED = "import__checked"
_CHECKED_KEPT = 2  # the file checked with the first sheet that holds a table, and a chosen sheet


def preview_import(
    key: StoreKey, name: str, content: bytes, sheet: str | None, allowed_provinces: list[str] | None
) -> inputs.ImportResult:
    """What the file would change (nothing is written); read and checked once per content."""
    allowed = None if allowed_provinces is None else tuple(sorted(allowed_provinces))
    cache_key = (key, name, hashlib.sha256(content).hexdigest(), sheet, allowed)
    kept: dict[tuple, inputs.ImportResult] = st.session_state.setdefault(_CHECKED, {})
    if cache_key not in kept:
        while len(kept) >= _CHECKED_KEPT:
            kept.pop(next(iter(kept)))
        kept[cache_key] = inputs.check_file(
            _cur(key),
            Path(name),
            data=content,
            sheet=sheet,
            index=locality_index(key),
            allowed_provinces=allowed_provinces,
        )
    return kept[cache_key]


def commit_import(key: StoreKey, checked: inputs.ImportResult, user: str) -> inputs.ImportResult:
    """Write a file preview_import checked (not read again): the changes are counted again
    against the store under its write lock, so a file another writer just landed is not written
    twice."""
    if checked.status != "dry_run":
        return checked
    st.session_state.pop(_CHECKED, None)  # written or not, the next run checks afresh
    result = dataclasses.replace(checked, notes=list(checked.notes))
    try:
        with writing(_snapshots(key[0]).loc, role=f"nhập {checked.file_name}") as con:
            inputs.write_checked(con, result, user=user)
    except StoreError as exc:
        return inputs.ImportResult("refused", problems=[inputs.Problem("", None, None, str(exc))])
    _reload(key)
    return result


def writes_running(key: StoreKey) -> bool:
    """Whether an import, a rollback or a report is being written to the store now (by this
    server for any user, or by another process: `xhht import` at the console): not cached, it
    is the moment's answer."""
    return write_in_progress(_snapshots(key[0]).loc)


def rollback(key: StoreKey, batch_id: int, who: auth.Principal) -> str | None:
    """Roll a batch back for `who`; None when done, else why not (Vietnamese). Their province
    rule is checked again under the write lock, on the store itself."""
    try:
        with writing(_snapshots(key[0]).loc, role=f"hoàn tác lô {batch_id}") as con:
            refusal = auth.rollback_refusal(who, batch_id, rq.batch_provinces(con, batch_id))
            if refusal:
                return refusal
            rollback_batch(con, batch_id, user=who.name)
    except StoreError as exc:
        return str(exc)
    _reload(key)
    return None


def _reload(key: StoreKey) -> None:
    with contextlib.suppress(StoreError):  # busy again: the next page run loads it
        _snapshots(key[0]).refresh(wait=5.0)


@_per_state
def batches(key: StoreKey) -> pl.DataFrame:
    return rq.batches(_cur(key))


@_per_state
def template(kind: str) -> bytes:
    return inputs.build_template(kind)  # type: ignore[arg-type]


@_per_state
def provinces_of_active_imports(key: StoreKey) -> dict[int, list[str | None]] | None:
    """Which provinces each active import batch touches (who may roll it back); None when the
    store is busy for longer than a page should wait. The page's copy holds only the figures in
    force, so this reads the store itself, once per store version."""
    try:
        with reading(_snapshots(key[0]).loc, wait=3.0, role="xem lô nhập") as con:
            return rq.provinces_of_active_imports(con)
    except StoreError:
        return None


# --- Exports -----------------------------------------------------------------------------------
ExportError = images.ExportError


def export_available() -> bool:
    return images.ExportServer.find_browser() is not None


def warm_export() -> None:
    """Start the process's chart export server in the background, if it is not running: opened
    on Xuất báo cáo, so the first deck does not wait the 4–6 s a Chromium start takes while the
    user picks the area and the year. A failure here says nothing; the export itself will."""
    server = images.export_server()
    if server.running or not export_available():
        return

    def start() -> None:
        # The export reports its own errors when it runs.
        with contextlib.suppress(Exception):
            server.start()

    threading.Thread(target=start, name="xhht-export-warmup", daemon=True).start()


def export_unavailable_reason() -> str:
    return (
        "Máy chủ chưa có trình duyệt Chromium nên chưa xuất được ảnh biểu đồ, bộ trình chiếu và dự thảo báo cáo "
        "(bảng tính vẫn xuất được). Cài bằng `apt-get install chromium fonts-dejavu-core`."
    )


class DocumentJob:
    """One document a download button offers, made when the button is clicked: the button's
    `data`. Streamlit calls it on a thread of its own, where nothing can be written to the page,
    so it records here how it went (`state`, `error`) for the page's next run to say."""

    def __init__(
        self,
        key: StoreKey,
        kind: str,
        locality_id: str,
        year: int,
        failed: str,
        report: dict[str, str | None] | None = None,
    ) -> None:
        # The process's copy of the store, resolved now: the thread that makes the document runs
        # no script, so it cannot reach Streamlit's caches.
        self._snapshots = _snapshots(key[0])
        self._version = key[1]
        self.kind, self.locality_id, self.year = kind, locality_id, year
        self.report = dict(report or {})  # the draft's kind and recipient (build_report)
        self._failed = failed  # "… {error} …" in the session's language
        self.state: str = "ready"  # → "making" → "made" or "failed"
        self.error = ""
        # What the page offered it for, and its words for "being made" and "made" (export.py).
        self.offer: tuple = ()
        self.making = ""
        self.made = ""

    def __call__(self) -> bytes:
        self.state = "making"
        try:
            content = make_document(
                self._snapshots.at(self._version).cursor(),
                self.kind,
                self.locality_id,
                self.year,
                **self.report,
            )
        except ExportError as exc:  # says itself what to do
            self.error, self.state = str(exc), "failed"
            raise
        except Exception as exc:
            self.error = self._failed.format(error=f"{type(exc).__name__}: {exc}")
            self.state = "failed"
            raise
        self.state = "made"
        return content


def make_document(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    locality_id: str,
    year: int,
    report_kind: str | None = None,
    recipient: str | None = None,
) -> bytes:
    # The format modules load python-pptx, python-docx or xlsxwriter: imported here, when a
    # document is asked for, so that page starts do not pay for them.
    if kind == "zip":
        from metrics.outputs.pack import build_pack, pack_zip

        return pack_zip(build_pack(cur, locality_id, year, kind=report_kind, recipient=recipient))
    buffer = io.BytesIO()
    if kind == "pptx":
        from metrics.outputs.deck import build_deck

        build_deck(cur, locality_id, year, buffer)
    elif kind == "xlsx":
        from metrics.outputs.workbook import build_workbook

        build_workbook(cur, locality_id, year, buffer)
    else:
        from metrics.outputs.report_draft import build_report

        build_report(cur, locality_id, year, buffer, kind=report_kind, recipient=recipient)
    return buffer.getvalue()


def chart_image(fig: go.Figure, source: str, fmt: str, scale: float = 1.0) -> bytes:
    """A page chart at print quality (1920×1080, or 3840×2160 at scale 2) with its source line
    inside; the figure's own "Dữ liệu minh họa" mark stays in it."""
    return images.export_server().image_bytes(
        images.for_print(fig, source=source, synthetic=False), fmt, scale
    )


def table_xlsx(table: pl.DataFrame, name: str) -> bytes:
    sheet = cell_safety.sheet_name(name) or texts.text("export_col_figures", page_lang())
    return cell_safety.xlsx_bytes(table, sheet)


# --- Reporting rounds ------------------------------------------------------------------------
# Read from this process's copy (the round tables are copied with the figures); each write takes
# the store's write lock briefly, checks its rule against the store as it is, and reloads.


@_per_state
def pending_figures(key: StoreKey, province_id: str, year: int, commune_id: str) -> pl.DataFrame:
    """A commune's figures submitted in the year's round, not yet approved (none: empty)."""
    sent = q.pending_commune_figures(_cur(key), province_id, year)
    return sent.filter(pl.col("locality_id") == commune_id)


@_per_state
def round_years(key: StoreKey, province_id: str) -> list[int]:
    return [int(y) for y in round_store.rounds_of(_cur(key), province_id)["year"].to_list()]


@_per_state
def round_status(key: StoreKey, province_code: str, year: int) -> tuple[dict, pl.DataFrame]:
    return rounds.status(_cur(key), province_code, year)


@_per_state
def round_standing(key: StoreKey, locality_id: str, year: int) -> rounds.RoundStanding | None:
    """Where the province's round of the year stands (None: no round, or not a province)."""
    if not is_province(locality_id):
        return None
    return rounds.round_standing(_cur(key), locality_id, year)


@_per_state
def report_view(key: StoreKey, commune_code: str, year: int) -> dict:
    return rounds.report_view(_cur(key), commune_code, year)


@_per_state
def report_review(
    key: StoreKey, commune_code: str, year: int, lang: str = "vi"
) -> tuple[pl.DataFrame, str | None]:
    """A submission beside last year (large changes flagged) and how it stands against the
    figures in force, said in `lang`."""
    view = report_view(key, commune_code, year)
    return rounds.comparison(view, lang), rounds.in_force_note(_cur(key), view, year, lang)


@_per_state
def report_events(key: StoreKey, locality_id: str, year: int | None = None) -> pl.DataFrame:
    return round_store.events(_cur(key), locality_id, year)


def round_write(
    key: StoreKey,
    role: str,
    action: Callable[[duckdb.DuckDBPyConnection], T],
    lang: str | None = None,
) -> T | str:
    """Run a round's write under the store's write lock: its result, or why it was refused
    (in `lang`, the page's language unless given; nothing written)."""
    try:
        with writing(_snapshots(key[0]).loc, role=role) as con:
            out = action(con)
    except rounds.RoundRefused as exc:
        return exc.say(lang or page_lang())
    except StoreError as exc:
        return str(exc)
    _reload(key)
    return out


def attachment_file(
    key: StoreKey, who: auth.Principal | None, commune_code: str, year: int
) -> bytes:
    """The commune's attached signed report for `who`, read from the store when the download
    button is clicked (a deferred download: dashboard/guard.py binds it to the session that was
    given the button). Refused (RoundRefused) for anyone but the commune, its province's
    reviewers and admins; never cached."""
    with reading(_snapshots(key[0]).loc, role="tải báo cáo đính kèm") as con:
        return rounds.attachment_download(con, who, commune_code, year)[2]


def round_template(key: StoreKey, commune_code: str, year: int) -> tuple[str, bytes]:
    return rounds.round_template(_cur(key), commune_code, year)
