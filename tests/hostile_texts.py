"""Texts a file can bring in that must never act: Markdown images and links, Streamlit
directives, LaTeX, HTML, and spreadsheet formulas — and a store that holds them, imported the
way an officer imports (metrics.inputs.import_file on a copy of the demo store)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from metrics.inputs import import_file
from metrics.store import connect

# Nothing listens on this port: a request to it is the proof that an image was fetched.
TRAP = "127.0.0.1:8999"
EVIL = "https://evil.example"
DAK_LONG = "X23368"  # xã Đăk Long, tỉnh Quảng Ngãi

# Sources of two results rows of xã Đăk Long, 2025 (Gia đình học tập, Dòng họ học tập).
SOURCE_2025 = f'![t](http://{TRAP}/t.png) <a href="{EVIL}">a</a> **đậm** :red[đỏ] $x^2$ `mã` <b>b</b> &amp; a\\b'
SOURCE_LINK = f'[Bấm vào đây]({EVIL}) <a href="{EVIL}">liên kết</a> $$y$$ # không phải tiêu đề'
# Sources of xã Đăk Long's own targets (shown in help tooltips and in the targets table).
FORMULA = f'=HYPERLINK("{EVIL}/?q=1","Bấm")'
# Control characters (a CSV carries them; python-docx refuses them): left out of the report.
CONTROLS = "\x07\x1b[31m"
SOURCE_2027 = f"![h](http://{TRAP}/help.png) [Bấm vào đây]({EVIL}) :material/home: {CONTROLS}"
USER = "**Cán bộ** [x](https://evil.example)"


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def results_csv(path: Path) -> Path:
    """A long-form results file: two rows of xã Đăk Long, 2025, with the hostile sources."""
    return _csv(
        path,
        [
            ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"],
            [2025, "Quảng Ngãi", "Xã Đăk Long", "23368", "gia_dinh", 1300, 1200, 1111, SOURCE_2025],
            [2025, "Quảng Ngãi", "Xã Đăk Long", "23368", "dong_ho", 40, 38, 33, SOURCE_LINK],
        ],
    )


def targets_csv(path: Path) -> Path:
    """xã Đăk Long's own targets for 2027 and 2030, with hostile sources."""
    return _csv(
        path,
        [
            ["Địa bàn", "Tỉnh", "Chỉ tiêu", "Năm", "Mục tiêu (%)", "Nguồn"],
            ["Xã Đăk Long", "Quảng Ngãi", "Gia đình học tập", 2030, "95", FORMULA],
            ["Xã Đăk Long", "Quảng Ngãi", "Gia đình học tập", 2027, "90", SOURCE_2027],
        ],
    )


def hostile_store(demo_db: Path, folder: Path) -> Path:
    """A copy of the demo store with the hostile files imported for xã Đăk Long."""
    store = folder / "hostile.duckdb"
    shutil.copy(demo_db, store)
    con = connect(store)
    try:
        for path in (results_csv(folder / "ket_qua.csv"), targets_csv(folder / "muc_tieu.csv")):
            result = import_file(con, path, user=USER)
            assert result.status == "imported", result.problems
    finally:
        con.close()
    return store
