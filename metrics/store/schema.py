"""The store's schema: its tables, the lists of them that copies and readers use, the queries
behind the figures in force, and the columns that writes fill.

The same SQL runs on a DuckDB file and, through DuckDB's postgres extension, on PostgreSQL
(metrics.store.backend opens either); so the schema uses no sequence and no DuckDB-only DDL.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

SCHEMA_VERSION = 5

LEVEL_COLUMNS = ("level_tot", "level_kha", "level_trung_binh", "level_muc_do_1", "level_muc_do_2")
# A place's context (schema 5): the counts a report states, each optional.
CONTEXT_COUNTS = (
    "households",
    "population",
    "minority_households",
    "minority_population",
    "villages",
    "residential_groups",
    "agencies",
    "schools",
)
# Universal education and literacy (schema 5): one level code each.
EDUCATION_FIELDS = ("preschool_5", "primary_school", "lower_secondary", "literacy")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every administrative unit, current (from 1 July 2025) and pre-2025, with a stable id that
-- carries its era and level: official codes repeat across eras (the new xã Đăk Long has the
-- code of the old xã Đắk Long of huyện Đắk Glei).
CREATE TABLE IF NOT EXISTS localities (
    id TEXT PRIMARY KEY,
    level TEXT NOT NULL,            -- country | province | commune | old_province | old_district | old_commune
    era TEXT NOT NULL,              -- current | legacy
    code TEXT,                      -- official code (mã đơn vị hành chính)
    name TEXT NOT NULL,             -- full name: "Xã Đăk Long"
    short_name TEXT NOT NULL,       -- "Đăk Long"
    unit_type TEXT NOT NULL,        -- Xã, Phường, Đặc khu, Tỉnh, Thành phố, Huyện, Quận, Thị xã, Thị trấn
    parent_id TEXT,
    province_id TEXT,               -- the current province this unit lies in or rolls into
    old_province_id TEXT,           -- for legacy units: their old province
    lat DOUBLE,
    lon DOUBLE,
    area_km2 DOUBLE,
    name_key TEXT NOT NULL          -- metrics.normalise.key(short_name)
);

-- Old unit → new unit. relation: 'merged' (the whole old unit went into the new one) or
-- 'split' (the old unit was divided; its figures cannot be placed in one new unit).
CREATE TABLE IF NOT EXISTS lineage (
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (old_id, new_id)
);

CREATE TABLE IF NOT EXISTS indicators (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    model TEXT NOT NULL,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    short_vi TEXT NOT NULL,
    level_scope TEXT NOT NULL
);

-- Batch ids are max(id) + 1, taken while the writer holds the store's write lock (a DuckDB
-- file admits one writer; on PostgreSQL the writer locks this table), so they are consecutive.
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    kind TEXT NOT NULL,              -- registers | demo | seed | import
    file_name TEXT,
    file_sha256 TEXT,
    rows INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,      -- demo data: every page and export says "dữ liệu minh họa"
    status TEXT NOT NULL DEFAULT 'active',   -- active | rolled_back
    rolled_back_at TIMESTAMP,
    note TEXT
);

CREATE TABLE IF NOT EXISTS observations (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    total BIGINT,
    registered BIGINT,
    recognized BIGINT,
    {", ".join(f"{c} BIGINT" for c in LEVEL_COLUMNS)},
    total_from_register BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, year, indicator)
);

CREATE TABLE IF NOT EXISTS targets (
    locality_id TEXT NOT NULL,       -- 'VN' for the national targets
    indicator TEXT NOT NULL,
    target_year INTEGER NOT NULL,
    percent DOUBLE NOT NULL,
    source TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL DEFAULT TRUE,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, indicator, target_year)
);

-- The figures in force: for each key, the row of the newest active batch. Materialised (and
-- kept up to date, for the keys a batch holds, inside every write and rollback) because every
-- page reads it.
CREATE TABLE IF NOT EXISTS observations_current (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    total BIGINT,
    registered BIGINT,
    recognized BIGINT,
    {", ".join(f"{c} BIGINT" for c in LEVEL_COLUMNS)},
    total_from_register BOOLEAN NOT NULL,
    source TEXT,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, year, indicator)
);

-- The register of recognitions (schema 3): the units recognised one by one, as a decision lists
-- them. A list is (locality, year, title, decision): a newer batch with the same list replaces
-- its entries; rolling it back brings the older entries back.
CREATE TABLE IF NOT EXISTS recognitions (
    batch_id INTEGER NOT NULL,
    entry INTEGER NOT NULL,          -- the entry's place in its batch (the spreadsheet row)
    locality_id TEXT NOT NULL,       -- the commune, old district or province the unit belongs to
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,         -- the title: don_vi_cap_tinh, don_vi, cong_dong_thon, cong_dong_xa, dong_ho
    name TEXT NOT NULL,              -- "Trường MN Hoa Mai"
    name_key TEXT NOT NULL,          -- metrics.normalise.key(name): one unit once per list
    kind TEXT NOT NULL,              -- Cơ quan, đơn vị | Trường học | Doanh nghiệp | Thôn, tổ dân phố | Dòng họ | Xã, phường
    result TEXT NOT NULL,            -- tot | kha | trung_binh | muc_do_1 | muc_do_2 | dat | khong_dat
    circular TEXT NOT NULL,          -- metrics.circulars id
    decision_number TEXT NOT NULL DEFAULT '',
    decision_date DATE,
    issuer TEXT,
    criteria_met TEXT,               -- "1,2,4" (criterion numbers)
    criteria_failed TEXT,
    valid_until DATE,
    source TEXT,
    -- The way to the decision (schema 5): the level the unit claimed when it assessed itself
    -- (NULL: it did not), and the tờ trình that proposed it (NULL: not proposed). A unit that
    -- fell out before the decision has the result '' (undecided).
    self_assessed TEXT,
    proposal_number TEXT,
    proposal_date DATE,
    proposal_issuer TEXT,
    PRIMARY KEY (batch_id, entry)
);

CREATE TABLE IF NOT EXISTS recognitions_current (
    batch_id INTEGER NOT NULL,
    entry INTEGER NOT NULL,
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    result TEXT NOT NULL,
    circular TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date DATE,
    issuer TEXT,
    criteria_met TEXT,
    criteria_failed TEXT,
    valid_until DATE,
    source TEXT,
    synthetic BOOLEAN NOT NULL,
    self_assessed TEXT,
    proposal_number TEXT,
    proposal_date DATE,
    proposal_issuer TEXT,
    PRIMARY KEY (batch_id, entry)
);

-- A place's plan commitments (schema 5): what a plan sets beside the rates ("100% thôn duy trì
-- hoạt động Cộng đồng học tập"), with an optional target percentage and year, an indicator
-- whose figures track it or a later figure typed with its year and source. A plan is
-- (locality, source): a newer batch with the same plan replaces its items.
CREATE TABLE IF NOT EXISTS plan_items (
    batch_id INTEGER NOT NULL,
    entry INTEGER NOT NULL,          -- the item's place in its batch (the spreadsheet row)
    locality_id TEXT NOT NULL,
    source TEXT NOT NULL,            -- the plan: "Báo cáo số …/BC-UBND ngày … (Phần thứ hai)"
    section TEXT NOT NULL DEFAULT '',  -- "Mục tiêu giai đoạn 2026-2030", "Nhiệm vụ trọng tâm năm 2026"
    item_text TEXT NOT NULL,
    item_key TEXT NOT NULL,          -- metrics.normalise.key(item_text): one item once per plan
    target_pct DOUBLE,
    target_year INTEGER,
    indicator TEXT,                  -- an indicator whose figures measure the item
    achieved_pct DOUBLE,             -- a later figure typed for it
    achieved_year INTEGER,
    achieved_source TEXT,
    PRIMARY KEY (batch_id, entry)
);

CREATE TABLE IF NOT EXISTS plan_items_current (
    batch_id INTEGER NOT NULL,
    entry INTEGER NOT NULL,
    locality_id TEXT NOT NULL,
    source TEXT NOT NULL,
    section TEXT NOT NULL,
    item_text TEXT NOT NULL,
    item_key TEXT NOT NULL,
    target_pct DOUBLE,
    target_year INTEGER,
    indicator TEXT,
    achieved_pct DOUBLE,
    achieved_year INTEGER,
    achieved_source TEXT,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (batch_id, entry)
);

-- Reporting rounds (schema 4): a province asks its communes for one year's figures. A commune's
-- report (no row: not started) is a draft, submitted, returned or approved; its figures are the
-- working copy until an approval writes them as one batch; every change is an event.
CREATE TABLE IF NOT EXISTS rounds (
    province_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicators TEXT NOT NULL,        -- "gia_dinh,dong_ho": the indicators asked, registry order
    deadline DATE NOT NULL,
    note TEXT,
    opened_at TIMESTAMP NOT NULL,
    opened_by TEXT NOT NULL,
    PRIMARY KEY (province_id, year)
);

CREATE TABLE IF NOT EXISTS round_reports (
    locality_id TEXT NOT NULL,       -- the commune (X…)
    year INTEGER NOT NULL,
    province_id TEXT NOT NULL,
    state TEXT NOT NULL,             -- draft | submitted | returned | approved
    revision INTEGER NOT NULL,       -- raised by every change: a form saved from an older one is refused
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    submitted_at TIMESTAMP,
    submitted_by TEXT,
    reviewed_at TIMESTAMP,
    reviewed_by TEXT,
    reason TEXT,                     -- why the reviewer returned it
    batch_id INTEGER,                -- the batch its approval wrote
    PRIMARY KEY (locality_id, year)
);

CREATE TABLE IF NOT EXISTS round_figures (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    total BIGINT,
    registered BIGINT,
    recognized BIGINT,
    {", ".join(f"{c} BIGINT" for c in LEVEL_COLUMNS)},
    PRIMARY KEY (locality_id, year, indicator)
);

CREATE TABLE IF NOT EXISTS round_events (
    locality_id TEXT NOT NULL,       -- the commune; the province for the round's own events
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,            -- 1, 2 … per (locality, year)
    happened_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,            -- open | save | submit | return | approve
    revision INTEGER,
    detail TEXT,                     -- what changed, the reason, the batch
    PRIMARY KEY (locality_id, year, seq)
);

-- A place's context in a year (schema 5), as its reports state it at a date: households and
-- people, ethnic-minority households and people, villages and residential groups, agencies and
-- schools. Each count may be unknown. The ethnic-minority share is computed, never stored.
CREATE TABLE IF NOT EXISTS place_context (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    {", ".join(f"{c} BIGINT" for c in CONTEXT_COUNTS)},
    as_of DATE,                      -- "tính đến 31/12/2023"
    source TEXT NOT NULL,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, year)
);

CREATE TABLE IF NOT EXISTS place_context_current (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    {", ".join(f"{c} BIGINT" for c in CONTEXT_COUNTS)},
    as_of DATE,
    source TEXT NOT NULL,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, year)
);

-- Universal education and literacy (schema 5): the standard a place holds in a year, as codes
-- (metrics.place_context): preschool for 5-year-olds dat | chua_dat; primary and lower
-- secondary chua_dat | muc_do_1 | muc_do_2 | muc_do_3; literacy chua_dat | muc_do_1 | muc_do_2.
CREATE TABLE IF NOT EXISTS education_levels (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    {", ".join(f"{c} TEXT" for c in EDUCATION_FIELDS)},
    as_of DATE,
    source TEXT NOT NULL,
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, locality_id, year)
);

CREATE TABLE IF NOT EXISTS education_levels_current (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    {", ".join(f"{c} TEXT" for c in EDUCATION_FIELDS)},
    as_of DATE,
    source TEXT NOT NULL,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, year)
);

-- A commune's signed report attached to its round report (schema 5): what the file is (copied
-- to readers with the other round tables) apart from its bytes (read only when downloaded).
CREATE TABLE IF NOT EXISTS round_attachments (
    locality_id TEXT NOT NULL,       -- the commune (X…)
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,         -- as the commune named it: shown as text, never markup
    kind TEXT NOT NULL,              -- pdf | docx | doc (from the content, not the name)
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    attached_at TIMESTAMP NOT NULL,
    attached_by TEXT NOT NULL,
    PRIMARY KEY (locality_id, year)
);

CREATE TABLE IF NOT EXISTS round_attachment_files (
    locality_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    content BLOB NOT NULL,           -- BYTEA on PostgreSQL
    PRIMARY KEY (locality_id, year)
);

CREATE TABLE IF NOT EXISTS targets_current (
    locality_id TEXT NOT NULL,
    indicator TEXT NOT NULL,
    target_year INTEGER NOT NULL,
    percent DOUBLE NOT NULL,
    source TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL,
    PRIMARY KEY (locality_id, indicator, target_year)
);
"""

# A place's context and its education levels (schema 5): raw rows, then those in force.
CONTEXT_TABLES = (
    "place_context",
    "place_context_current",
    "education_levels",
    "education_levels_current",
)
# Every table, in the order a copy writes them (registers before figures).
TABLES = (
    "meta",
    "localities",
    "lineage",
    "indicators",
    "batches",
    "observations",
    "targets",
    "observations_current",
    "targets_current",
    "recognitions",
    "recognitions_current",
    "plan_items",
    "plan_items_current",
    "rounds",
    "round_reports",
    "round_figures",
    "round_events",
    *CONTEXT_TABLES,
    "round_attachments",
    "round_attachment_files",
)
# The attached files' bytes (round_attachment_files) stay in the store: a download reads them.
ROUND_TABLES = ("rounds", "round_reports", "round_figures", "round_events", "round_attachments")
# What readers need: the raw observations/targets (superseded figures) stay in the store.
READ_TABLES = (
    "meta",
    "localities",
    "lineage",
    "indicators",
    "batches",
    "observations_current",
    "targets_current",
    "recognitions_current",
    "plan_items_current",
    *ROUND_TABLES,
    "place_context_current",
    "education_levels_current",
)

COUNTRY_ID = "VN"

OBSERVATION_COLUMNS: Sequence[str] = (
    "locality_id",
    "year",
    "indicator",
    "total",
    "registered",
    "recognized",
    *LEVEL_COLUMNS,
    "total_from_register",
    "source",
    "batch_id",
)
TARGET_COLUMNS: Sequence[str] = (
    "locality_id",
    "indicator",
    "target_year",
    "percent",
    "source",
    "confirmed",
    "batch_id",
)


RECOGNITION_COLUMNS: Sequence[str] = (
    "batch_id",
    "entry",
    "locality_id",
    "year",
    "indicator",
    "name",
    "name_key",
    "kind",
    "result",
    "circular",
    "decision_number",
    "decision_date",
    "issuer",
    "criteria_met",
    "criteria_failed",
    "valid_until",
    "source",
)
# Columns schema 5 added to the register: after `synthetic` in recognitions_current, where
# ALTER TABLE … ADD COLUMN puts them in an upgraded store.
RECOGNITION_STEP_COLUMNS: Sequence[str] = (
    "self_assessed",
    "proposal_number",
    "proposal_date",
    "proposal_issuer",
)
PLAN_ITEM_COLUMNS: Sequence[str] = (
    "batch_id",
    "entry",
    "locality_id",
    "source",
    "section",
    "item_text",
    "item_key",
    "target_pct",
    "target_year",
    "indicator",
    "achieved_pct",
    "achieved_year",
    "achieved_source",
)
# Version 4 → 5: the columns added to tables a version-4 store already has (idempotent; new
# tables come from SCHEMA).
UPGRADE_5_COLUMNS = tuple(
    f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}"
    for table in ("recognitions", "recognitions_current")
    for column, kind in (
        ("self_assessed", "TEXT"),
        ("proposal_number", "TEXT"),
        ("proposal_date", "DATE"),
        ("proposal_issuer", "TEXT"),
    )
)


CONTEXT_COLUMNS: Sequence[str] = (
    "locality_id",
    "year",
    *CONTEXT_COUNTS,
    "as_of",
    "source",
    "batch_id",
)
EDUCATION_COLUMNS: Sequence[str] = (
    "locality_id",
    "year",
    *EDUCATION_FIELDS,
    "as_of",
    "source",
    "batch_id",
)


@dataclass(frozen=True)
class CurrentTable:
    """A table of figures in force: for each `keys` value, the rows of the newest active batch
    that holds it. `rank` (a window over one key's active rows) and `keep` choose them.

    Its SQL is plain enough for PostgreSQL itself as well as DuckDB (no QUALIFY), so on
    PostgreSQL a write's refresh runs inside the database instead of through DuckDB."""

    name: str
    source: str
    columns: Sequence[str]
    keys: tuple[str, ...]
    rank: str
    keep: str
    # Columns a later schema version added: after `synthetic`, as ALTER … ADD COLUMN placed them.
    tail: Sequence[str] = ()

    def query(self, touched_by: int | None = None) -> str:
        """The rows in force (the source's columns, then `synthetic`). With `touched_by`, only
        those of the keys that batch holds: what writing or rolling it back can change."""
        where = ""
        if touched_by is not None:
            match = " AND ".join(f"t.{k} = s.{k}" for k in self.keys)
            where = (
                f" WHERE EXISTS (SELECT 1 FROM {self.source} t "
                f"WHERE t.batch_id = {int(touched_by)} AND {match})"
            )
        cols = ", ".join([*self.columns, "synthetic", *self.tail])
        source_cols = ", ".join(f"s.{c}" for c in self.columns)
        tail = "".join(f", s.{c}" for c in self.tail)
        rank = self.rank.format(partition=", ".join(f"s.{k}" for k in self.keys))
        return (
            f"SELECT {cols} FROM (SELECT {source_cols}, b.synthetic{tail}, {rank} AS pick "
            f"FROM {self.source} s JOIN batches b ON b.id = s.batch_id AND b.status = 'active'"
            f"{where}) ranked WHERE {self.keep}"
        )

    def insert(self, touched_by: int | None = None) -> str:
        cols = ", ".join([*self.columns, "synthetic", *self.tail])
        return f"INSERT INTO {self.name} ({cols}) {self.query(touched_by)}"

    def delete_touched(self, batch_id: int) -> str:
        """Delete the rows in force of the keys the batch holds."""
        match = " AND ".join(f"t.{k} = c.{k}" for k in self.keys)
        return (
            f"DELETE FROM {self.name} c WHERE EXISTS (SELECT 1 FROM {self.source} t "
            f"WHERE t.batch_id = {int(batch_id)} AND {match})"
        )

    def holds(self, batch_id: int) -> str:
        """One row when the batch has rows in the source table, none otherwise."""
        return f"SELECT 1 FROM {self.source} WHERE batch_id = {int(batch_id)} LIMIT 1"


NEWEST_ROW = "row_number() OVER (PARTITION BY {partition} ORDER BY s.batch_id DESC)"
NEWEST_BATCH = "max(s.batch_id) OVER (PARTITION BY {partition})"

CURRENT_TABLES = (
    CurrentTable(
        "observations_current",
        "observations",
        OBSERVATION_COLUMNS,
        ("locality_id", "year", "indicator"),
        NEWEST_ROW,
        "pick = 1",
    ),
    CurrentTable(
        "targets_current",
        "targets",
        TARGET_COLUMNS,
        ("locality_id", "indicator", "target_year"),
        NEWEST_ROW,
        "pick = 1",
    ),
    # A list is replaced whole: the entries of the newest active batch holding that list.
    CurrentTable(
        "recognitions_current",
        "recognitions",
        RECOGNITION_COLUMNS,
        ("locality_id", "year", "indicator", "decision_number"),
        NEWEST_BATCH,
        "pick = batch_id",
        tail=RECOGNITION_STEP_COLUMNS,
    ),
    # A plan is replaced whole, as a list is.
    CurrentTable(
        "plan_items_current",
        "plan_items",
        PLAN_ITEM_COLUMNS,
        ("locality_id", "source"),
        NEWEST_BATCH,
        "pick = batch_id",
    ),
    CurrentTable(
        "place_context_current",
        "place_context",
        CONTEXT_COLUMNS,
        ("locality_id", "year"),
        NEWEST_ROW,
        "pick = 1",
    ),
    CurrentTable(
        "education_levels_current",
        "education_levels",
        EDUCATION_COLUMNS,
        ("locality_id", "year"),
        NEWEST_ROW,
        "pick = 1",
    ),
)


# The whole recompute of each *_current table: what `xhht check` compares it with.
CURRENT_QUERIES = {t.name: t.query() for t in CURRENT_TABLES}


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)
    con.execute("DELETE FROM meta WHERE key IN ('schema_version', 'data_version', 'store_id')")
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?), ('data_version', '0'), ('store_id', ?)",
        [str(SCHEMA_VERSION), uuid.uuid4().hex],
    )


# Who rolled a batch back goes at the end of its note (the time is in rolled_back_at): a remark
# about that batch, which every schema version can hold. Written by metrics.store.writes
# (rollback_batch), read by metrics.queries.registers (the import history).
ROLLED_BACK_BY = "Hoàn tác bởi: "


def rolled_back_by(note: str | None) -> str | None:
    """The user a batch's note says rolled it back, if any."""
    if not note or ROLLED_BACK_BY not in note:
        return None
    return note.rsplit(ROLLED_BACK_BY, 1)[1].strip() or None
