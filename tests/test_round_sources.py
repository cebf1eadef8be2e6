"""An imported figure and a submitted one for the same commune, year and indicator: the newer
wins, at approval too, and the review page's row says which is newer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from page_runs import scrolled_down
from streamlit.testing.v1 import AppTest
from test_rounds import (  # noqa: F401
    APP,
    DAK_LONG,
    GOOD,
    filled_form,
    gia_dinh,
    open_round,
    public_page,
    run,
    store,
)

from metrics.locality_progress import children_progress
from metrics.rounds import status, with_source_notes
from metrics.store import connect

CHANGE = Path(__file__).parent / "data" / "imports" / "ok_change_dak_long_2025.csv"
IMPORTED = (8645, 8000, 7500)  # gia_dinh of Đăk Long in that file
SUBMITTED = (9000, 7000, 6000)  # GOOD's row 5


def notes(path: Path, lang: str = "vi") -> str:
    con = connect(path, read_only=True)
    try:
        states = with_source_notes(status(con, "51", 2025)[1], lang)
    finally:
        con.close()
    assert set(states.filter(states["code"] != DAK_LONG)["source"].to_list()) == {None}
    [note] = states.filter(states["code"] == DAK_LONG)["source"].to_list()
    return note or ""


def submit(capsys, tmp_path: Path) -> None:
    form = filled_form(capsys, tmp_path, DAK_LONG, GOOD)
    code, _, err = run(capsys, "rounds", "submit", str(form), "--unit", DAK_LONG, "--year", "2025",
                       "--user", "xa.daklong")  # fmt: skip
    assert code == 0, err


def approve(capsys) -> str:
    code, out, err = run(capsys, "rounds", "approve", "--province", "51", "--year", "2025",
                         "--unit", DAK_LONG, "--user", "duyet.qn")  # fmt: skip
    assert code == 0, err
    return out


def import_change(capsys) -> None:
    code, _, err = run(capsys, "import", str(CHANGE), "--user", "bien.tap")
    assert code == 0, err


@pytest.fixture()
def today() -> str:
    return f"{date.today():%d/%m/%Y}"


def test_a_file_imported_after_the_submission_stays_in_force(
    capsys,
    store: Path,  # noqa: F811 (the fixture of test_rounds)
    tmp_path: Path,
    today: str,
) -> None:
    assert open_round(capsys)[0] == 0
    submit(capsys, tmp_path)
    assert notes(store) == ""  # the demo's figures are no imported file
    import_change(capsys)
    assert gia_dinh(store, DAK_LONG) == IMPORTED
    assert notes(store) == (
        f"Số liệu nhập từ tệp ngày {today} mới hơn bài nộp ({today}): số nhập được dùng"
    )
    assert notes(store, "en") == (
        f"Figures imported from a file on {today} are newer than the submission ({today}): "
        "the imported figures are used"
    )
    out = approve(capsys)
    # The imported family figures stay; the submission's other two titles are written.
    assert gia_dinh(store, DAK_LONG) == IMPORTED
    batch = int(out.strip().rstrip(".").rsplit(" ", 1)[1])
    code, history, _ = run(capsys, "history", "--json")
    assert f'"id": {batch}' in history and '"rows": 2,' in history
    assert notes(store).startswith(f"Số liệu nhập từ tệp ngày {today} mới hơn bài nộp")


def test_a_submission_newer_than_the_imported_file_replaces_it_when_approved(
    capsys,
    store: Path,  # noqa: F811 (the fixture of test_rounds)
    tmp_path: Path,
    today: str,
) -> None:
    assert open_round(capsys)[0] == 0
    import_change(capsys)
    submit(capsys, tmp_path)
    assert notes(store) == (
        f"Bài nộp ngày {today} mới hơn số liệu nhập từ tệp ngày {today}: khi duyệt, số của bài "
        "nộp được dùng"
    )
    assert gia_dinh(store, DAK_LONG) == IMPORTED
    approve(capsys)
    assert gia_dinh(store, DAK_LONG) == SUBMITTED
    # In force now: the approval's figures, no imported file behind them.
    assert notes(store) == ""


def test_compare_shows_submitted_figures_marked_only_when_asked(
    capsys,
    store: Path,  # noqa: F811 (the fixture of test_rounds)
    tmp_path: Path,
) -> None:
    assert open_round(capsys)[0] == 0
    submit(capsys, tmp_path)
    con = connect(store, read_only=True)
    try:
        approved = children_progress(con, "P51", 2025)
        with_sent = children_progress(con, "P51", 2025, pending=True)
    finally:
        con.close()

    def dak_long(frame):
        return frame.filter(
            (frame["locality_id"] == f"X{DAK_LONG}") & (frame["indicator"] == "gia_dinh")
        ).row(0, named=True)

    assert (dak_long(approved)["total"], dak_long(approved)["recognized"]) == (8645, 4777)
    shown = dak_long(with_sent)
    assert (shown["total"], shown["recognized"], shown["pending"]) == (9000, 6000, True)
    assert shown["sources"] == "Báo cáo xã đã nộp qua ứng dụng, chưa được tỉnh duyệt"
    assert with_sent.filter(with_sent["pending"])["locality_id"].unique().to_list() == [
        f"X{DAK_LONG}"
    ]

    at = public_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    at.run()
    assert at.dataframe  # the table drawn, with its rows
    assert at.toggle(key="compare__pending").value is False
    assert "(chờ duyệt)" not in tables(at)
    at.toggle(key="compare__pending").set_value(True).run()
    assert not at.exception
    assert "Đang hiện cả số liệu xã đã nộp mà tỉnh chưa duyệt (1 xã ở chỉ tiêu này" in "\n".join(
        c.value for c in at.caption
    )
    assert "Đăk Long (chờ duyệt)" in tables(at)

    # Tổng quan: the province's communes (lagging lists, statuses, map) the same way.
    at = public_page(None, loc="P51", ind="gia_dinh", year="2025")
    assert at.toggle(key="overview__pending").value is False
    at.toggle(key="overview__pending").set_value(True).run()
    assert not at.exception
    assert "Đang hiện cả số liệu xã đã nộp mà tỉnh chưa duyệt (1 xã ở chỉ tiêu này" in "\n".join(
        c.value for c in at.caption
    )

    # Hồ sơ địa bàn of the commune: its submission beside its approved figures, marked.
    at = public_page("views/profile.py", loc=f"X{DAK_LONG}", year="2025")
    assert "Đã nộp, chưa duyệt" not in markdown(at)
    at.toggle(key="profile__pending").set_value(True).run()
    assert not at.exception
    page_text = markdown(at)
    assert "Đã duyệt: công nhận/tổng số (tỷ lệ)" in page_text
    assert "4.777/8.645 (55,3%)" in page_text and "6.000/9.000 (66,7%) (chờ duyệt)" in page_text

    # In English, the same figures in English numbers. (The switch is on from the first run:
    # AppTest formats a picker's options again outside the script, where the page's language
    # cannot be read.)
    at = scrolled_down(AppTest.from_file(APP, default_timeout=120))
    for k, v in {"loc": f"X{DAK_LONG}", "year": "2025", "lang": "en"}.items():
        at.query_params[k] = v
    at.session_state["profile__pending"] = True
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception
    page_text = markdown(at)
    assert "4,777/8,645 (55.3%)" in page_text and "6,000/9,000 (66.7%)" in page_text
    assert "4.777/8.645" not in page_text


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes


def tables(at) -> str:
    return "\n".join(d.value.to_csv() for d in [*at.dataframe, *at.table])
