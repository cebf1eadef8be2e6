"""Reporting rounds from the command line (in process, on a copy of the demo store): opening a
round, a commune's offline form submitted, wrong hands and bad figures refused with the store
unchanged, return and approval, the approval written as one batch that history and rollback
treat as an import; and the two pages through AppTest, signed in as the identity provider would."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from page_runs import scrolled_down
from streamlit.testing.v1 import AppTest

from metrics import cli
from metrics.auth import Account, AccountsFile, hash_password, save_accounts
from metrics.cli.common import writer
from metrics.inputs.round_form import form_columns
from metrics.locality_progress import progress_for
from metrics.rounds import RoundRefused, operator, review, round_standing, save_report
from metrics.store import connect
from metrics.store import rounds as rs
from metrics.store.integrity import digest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
DAK_LONG, DAK_LONG_OTHER = "23368", "21034"  # two communes of tỉnh Quảng Ngãi (51)
HA_NOI_COMMUNE = "00004"


def account(name: str, role: str, unit: str | None = None, provinces: list[str] | None = None):
    return Account(
        name=name,
        role=role,  # type: ignore[arg-type]
        unit=unit,
        provinces=provinces or [],
        password=hash_password("mat-khau-thu", iterations=1000),
    )


@pytest.fixture()
def store(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    accounts = tmp_path / "accounts.toml"
    save_accounts(
        AccountsFile(
            account=[
                account("duyet.qn", "reviewer", "51"),
                account("duyet.hn", "reviewer", "01"),
                account("xa.daklong", "reporter", DAK_LONG),
                account("xa.anphu", "reporter", DAK_LONG_OTHER),
                account("bien.tap", "editor", "51", ["51"]),
            ]
        ),
        accounts,
    )
    monkeypatch.setenv("XHHT_ACCOUNTS", str(accounts))
    monkeypatch.setenv("XHHT_DB", str(path))
    monkeypatch.chdir(tmp_path)
    yield path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def fingerprint(path: Path) -> str:
    con = connect(path, read_only=True)
    try:
        return digest(con)
    finally:
        con.close()


def gia_dinh(path: Path, code: str, year: int = 2025):
    con = connect(path, read_only=True)
    try:
        [item] = [p for p in progress_for(con, f"X{code}", year) if p.indicator == "gia_dinh"]
        return item.total, item.registered, item.recognized
    finally:
        con.close()


def open_round(capsys, user: str = "duyet.qn") -> tuple[int, str, str]:
    return run(
        capsys,
        *("rounds", "open", "--province", "51", "--year", "2025", "--deadline", "2026-01-15"),
        *("--indicators", "gia_dinh", "dong_ho", "cong_dong_xa", "--note", "Nộp trước Tết"),
        *("--user", user),
    )


def filled_form(capsys, tmp_path: Path, code: str, figures: dict[int, list]) -> Path:
    """The round's form from `xhht template round`, filled as a commune officer would."""
    form = tmp_path / f"form_{code}.xlsx"
    assert (
        run(
            capsys,
            "template",
            "round",
            "--unit",
            code,
            "--year",
            "2025",
            "-o",
            str(form),
            "--force",
        )[0]
        == 0
    )
    wb = openpyxl.load_workbook(form)
    ws = wb["Báo cáo"]
    for row, values in figures.items():
        for j, v in enumerate(values):
            ws.cell(row=row, column=6 + j, value=v)
    out = tmp_path / f"filled_{code}.xlsx"
    wb.save(out)
    return out


GOOD = {5: [9000, 7000, 6000], 6: [100, 90, 80], 7: [1, 1, 1, 1, 0]}


def test_a_round_from_opening_to_approval_on_the_command_line(capsys, store, tmp_path) -> None:
    # Only a reviewer of the province (or an admin) opens its round.
    for user, says in (
        ("xa.daklong", "Tài khoản xa.daklong (reporter) không được mở vòng"),
        ("duyet.hn", "Tài khoản duyet.hn duyệt báo cáo của tỉnh mã 01, không được mở vòng"),
    ):
        before = fingerprint(store)
        code, _, err = open_round(capsys, user)
        assert (code, says in err, fingerprint(store)) == (1, True, before)
    code, out, _ = open_round(capsys)
    assert (code, out.strip()) == (
        0,
        "Đã mở vòng báo cáo năm 2025 của tỉnh mã 51: hạn nộp 15/01/2026, 3 chỉ tiêu.",
    )

    # The offline form: one row per indicator asked, last year's figures beside.
    form = filled_form(capsys, tmp_path, DAK_LONG, GOOD)
    ws = openpyxl.load_workbook(form)["Báo cáo"]
    assert [ws.cell(r, 5).value for r in (5, 6, 7)] == [
        "Gia đình học tập",
        "Dòng họ học tập",
        "Cộng đồng học tập cấp xã",
    ]
    assert ws.cell(4, 11).value == "Năm 2024: tổng số"

    # Bad figures: said with sheet, row and column; nothing changes.
    bad = filled_form(capsys, tmp_path, DAK_LONG, {**GOOD, 5: [9000, 7000, 9500]})
    before = fingerprint(store)
    code, out, _ = run(capsys, "rounds", "submit", str(bad), "--unit", DAK_LONG, "--year", "2025",
                       "--user", "xa.daklong")  # fmt: skip
    assert code == 1 and fingerprint(store) == before
    assert "dòng 5, cột “Công nhận”: Số công nhận (9500) lớn hơn số đăng ký (7000)" in out

    # Wrong hands: another commune's reporter, an editor.
    for user, says in (
        ("xa.anphu", f"Tài khoản xa.anphu báo cáo cho xã mã {DAK_LONG_OTHER}, không được báo cáo cho Xã Đăk Long"),
        ("bien.tap", "Tài khoản bien.tap (editor) không được nhập báo cáo của xã"),
    ):  # fmt: skip
        code, _, err = run(capsys, "rounds", "submit", str(form), "--unit", DAK_LONG, "--year",
                           "2025", "--user", user)  # fmt: skip
        assert (code, fingerprint(store)) == (1, before), err
        assert says in err, err

    good = filled_form(capsys, tmp_path, DAK_LONG, GOOD)
    code, out, _ = run(capsys, "rounds", "submit", str(good), "--unit", DAK_LONG, "--year", "2025",
                       "--user", "xa.daklong")  # fmt: skip
    assert (code, out.strip()) == (
        0,
        "Đã nộp báo cáo năm 2025 của Xã Đăk Long (lần lưu 1, 11 ô thay đổi).",
    )
    # Posted twice: the second is refused, the first stands.
    after_first = fingerprint(store)
    code, _, err = run(capsys, "rounds", "submit", str(good), "--unit", DAK_LONG, "--year", "2025",
                       "--user", "xa.daklong")  # fmt: skip
    assert (code, fingerprint(store)) == (1, after_first)
    assert "đã nộp lúc" in err and "đang chờ duyệt: không sửa được" in err

    code, out, _ = run(capsys, "rounds", "status", "--province", "51", "--year", "2025", "--json")
    rows = json.loads(out)
    assert len(rows) == 96 and list(rows[0]) == [
        "code", "name", "state", "updated_at", "submitted_at", "submitted_by", "reviewed_at",
        "reviewed_by", "reason",
    ]  # fmt: skip
    [mine] = [r for r in rows if r["code"] == DAK_LONG]
    assert (mine["name"], mine["state"], mine["submitted_by"]) == (
        "Xã Đăk Long",
        "submitted",
        "xa.daklong",
    )
    assert {r["state"] for r in rows if r["code"] != DAK_LONG} == {"not_started"}

    # A reviewer of another province cannot approve; a return needs a reason.
    code, _, err = run(capsys, "rounds", "approve", "--province", "51", "--year", "2025", "--unit",
                       DAK_LONG, "--user", "duyet.hn")  # fmt: skip
    assert code == 1 and "không được mở vòng hay duyệt báo cáo của Tỉnh Quảng Ngãi" in err
    code, _, err = run(capsys, "rounds", "return", "--province", "51", "--year", "2025", "--unit",
                       DAK_LONG, "--user", "duyet.qn")  # fmt: skip
    assert code == 1 and "Cần ghi lý do trả lại" in err
    assert fingerprint(store) == after_first

    code, _, _ = run(capsys, "rounds", "return", "--province", "51", "--year", "2025", "--unit",
                     DAK_LONG, "--reason", "Tổng số hộ lệch với điều tra", "--user", "duyet.qn")  # fmt: skip
    assert code == 0
    rows = json.loads(
        run(capsys, "rounds", "status", "--province", "51", "--year", "2025", "--json")[1]
    )
    [mine] = [r for r in rows if r["code"] == DAK_LONG]
    assert (mine["state"], mine["reason"], mine["reviewed_by"]) == (
        "returned",
        "Tổng số hộ lệch với điều tra",
        "duyet.qn",
    )

    before_figures = gia_dinh(store, DAK_LONG)
    assert before_figures != (9000, 7000, 6000)
    fixed = filled_form(capsys, tmp_path, DAK_LONG, {**GOOD, 5: [9100, 7000, 6000]})
    assert run(capsys, "rounds", "submit", str(fixed), "--unit", DAK_LONG, "--year", "2025",
               "--user", "xa.daklong")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "rounds", "approve", "--province", "51", "--year", "2025", "--unit",
                       DAK_LONG, "--user", "duyet.qn")  # fmt: skip
    assert code == 0 and out.startswith("Đã duyệt báo cáo năm 2025 của Xã Đăk Long (mã 23368): lô ")
    batch = int(out.strip().rstrip(".").rsplit(" ", 1)[1])
    # Approved figures are the figures in force; a batch like an import's, with who and when.
    assert gia_dinh(store, DAK_LONG) == (9100, 7000, 6000)
    history = json.loads(run(capsys, "history", "--json")[1])
    [row] = [h for h in history if h["id"] == batch]
    assert (row["kind"], row["created_by"], row["rows"], row["file_name"]) == (
        "round",
        "duyet.qn",
        3,
        "Báo cáo Xã Đăk Long năm 2025",
    )
    assert "nộp" in row["note"] and "bởi xa.daklong" in row["note"]
    # Approved: no new submission.
    code, _, err = run(capsys, "rounds", "submit", str(fixed), "--unit", DAK_LONG, "--year",
                       "2025", "--user", "xa.daklong")  # fmt: skip
    assert code == 1 and "đã được duyệt" in err
    # Rolled back like an import: the figures it superseded come back.
    assert run(capsys, "rollback", str(batch), "--user", "bien.tap")[0] == 0
    assert gia_dinh(store, DAK_LONG) == before_figures
    code, out, _ = run(capsys, "check", "--json")
    assert (code, json.loads(out)["problems"]) == (0, [])


def test_accounts_say_their_unit(capsys, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "acc.toml"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("mat-khau-dai\n" * 4))
    assert run(capsys, "accounts", "add", "xa.x", "--role", "reporter", "--unit", "X23368",
               "--file", str(path))[0] == 0  # fmt: skip
    code, _, err = run(capsys, "accounts", "add", "xa.y", "--role", "reporter", "--unit", "51",
                       "--file", str(path))  # fmt: skip
    assert code == 1 and "cần đơn vị là một xã" in err
    code, _, err = run(capsys, "accounts", "add", "t.z", "--role", "reviewer", "--file", str(path))
    assert code == 1 and "cần đơn vị là một tỉnh" in err
    rows = json.loads(run(capsys, "accounts", "list", "--json", "--file", str(path))[1])
    assert [(r["name"], r["role"], r["unit"]) for r in rows] == [("xa.x", "reporter", "23368")]


# --- the pages ------------------------------------------------------------------------------------

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "khoa-thu",
    "client_id": "xhht",
    "client_secret": "bi-mat",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def page(path: str, **claims: str) -> AppTest:
    """A page as someone the identity provider signed in (claims carry role and unit)."""
    at = scrolled_down(AppTest.from_file(APP, default_timeout=120))
    at.run()
    at.switch_page(path)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **claims}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    return text.replace("\\", "")


def test_reporter_fills_the_form_and_the_reviewer_approves_it(capsys, store) -> None:
    assert open_round(capsys)[0] == 0
    at = page("views/report_form.py", email="bc@daklong.vn", xhht_role="reporter",
              xhht_unit=DAK_LONG)  # fmt: skip
    assert "**Chưa bắt đầu** ·" in at.markdown[0].value
    assert [b.label for b in at.button][:2] == ["Lưu nháp", "Nộp báo cáo"]
    fields = {(i // 3, ti.label): ti for i, ti in enumerate(at.text_input[:6])}
    fields[(0, "Tổng số")].input("1.000").run()
    fields[(0, "Đăng ký")].input("900").run()
    at.text_input[2].input("950").run()
    # Said at its field before saving, and saving is held back.
    assert [plain(e.value) for e in at.error] == [
        "Số công nhận (950) lớn hơn số đăng ký (900): số công nhận không thể vượt số đăng ký, "
        "số đăng ký không thể vượt tổng số; kiểm tra lại các cột này."
    ]
    assert at.button[0].disabled and at.button[1].disabled
    at.text_input[2].input("800").run()
    assert "Tỷ lệ công nhận: 80%" in [c.value for c in at.caption]
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["Đã lưu nháp (lần lưu 1). Có thể quay lại nhập tiếp."]
    # Submitting needs every indicator.
    at.button[1].click().run()
    assert "Dòng họ học tập: chưa nhập số liệu" in plain(at.error[0].value)
    at.text_input[3].input("100").run()
    at.text_input[4].input("90").run()
    at.text_input[5].input("80").run()
    at.text_input[6].input("1").run()
    at.text_input[7].input("1").run()
    at.text_input[8].input("1").run()
    at.button[1].click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert at.markdown[0].value.startswith("**Đã nộp, chờ duyệt**")
    assert all(ti.disabled for ti in at.text_input) and "Nộp báo cáo" not in [
        b.label for b in at.button
    ]

    # Another commune's reporter sees only its own commune.
    other = page("views/report_form.py", email="bc@anphu.vn", xhht_role="reporter",
                 xhht_unit=DAK_LONG_OTHER)  # fmt: skip
    assert other.subheader[0].value == "Xã An Phú — báo cáo năm 2025"

    rv = page("views/review.py", email="duyet@qn.vn", xhht_role="reviewer", xhht_unit="51")
    assert plain(rv.markdown[0].value).startswith(
        "**0/96 xã đã được duyệt, 1 đã nộp chờ duyệt, 95 chưa nộp** · hạn nộp 15/01/2026"
    )
    assert [(m.label, m.value) for m in rv.metric] == [
        ("Chưa bắt đầu", "95"),
        ("Đang nhập (nháp)", "0"),
        ("Đã nộp, chờ duyệt", "1"),
        ("Bị trả lại", "0"),
        ("Đã duyệt", "0"),
    ]
    # Beside last year: a total that fell by over 10 % is flagged.
    assert (
        "| Gia đình học tập | 4.793/8.578 (55,9%) | 800/1.000 (80%) | ⚠ tỷ lệ tăng 24,1 điểm %; tổng số giảm 88,3% |"
        in plain(rv.markdown[1].value)
    )
    [pick] = [m for m in rv.multiselect if m.label == "Chọn các xã để duyệt cùng lúc"]
    pick.select(DAK_LONG).run()
    [approve] = [b for b in rv.button if b.label == "Duyệt 1 xã đã chọn"]
    approve.click().run()
    assert not rv.exception
    assert [plain(s.value) for s in rv.success] == ["Đã duyệt 1 báo cáo: Xã Đăk Long."]
    assert gia_dinh(store, DAK_LONG) == (1000, 900, 800)

    # A reviewer of another province is shown no round of Quảng Ngãi; a viewer nothing.
    hn = page("views/review.py", email="duyet@hn.vn", xhht_role="reviewer", xhht_unit="01")
    assert hn.selectbox == [] or "Tỉnh Quảng Ngãi" not in [
        o for s in hn.selectbox for o in s.options
    ]
    viewer = page("views/review.py", email="xem@vn", xhht_role="viewer")
    assert viewer.info[0].value.startswith("Trang này dành cho người duyệt của tỉnh")


def test_the_review_page_in_english_says_its_flags_notes_and_refusals_in_english(
    capsys, store, tmp_path
) -> None:
    assert open_round(capsys)[0] == 0
    form = filled_form(capsys, tmp_path, DAK_LONG, {5: [1000, 900, 800], 6: [100, 90, 80],
                                                   7: [1, 1, 1, 1, 0]})  # fmt: skip
    submit = ("rounds", "submit", str(form), "--unit", DAK_LONG, "--year", "2025")
    assert run(capsys, *submit, "--user", "xa.daklong")[0] == 0
    at = page("views/review.py", email="duyet@qn.vn", xhht_role="reviewer", xhht_unit="51")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(plain(m.value) for m in at.markdown)
    assert "| ⚠ rate up 24.1 percentage points; total down 88.3% |" in shown
    notes = [plain(i.value) for i in at.info if "figures in force" in i.value]
    assert len(notes) == 1 and notes[0].startswith(
        "The commune's figures in force for 2025 come from import batch 2 ("
    ), notes
    assert notes[0].endswith(
        "). When approved, this (newer) report replaces them; the old batch stays in the history."
    )
    assert "tỷ lệ" not in shown and "Số liệu đang dùng" not in " ".join(i.value for i in at.info)

    # A refusal: said in the page's language on a page, in Vietnamese on the command line.
    again = run(capsys, *submit, "--user", "xa.daklong")
    assert again[0] == 1
    assert "đã nộp lúc" in again[2] and "Kho dữ liệu không thay đổi." in again[2]
    con = connect(store)
    try:
        with pytest.raises(RoundRefused) as refused:
            review(con, operator(), "51", 2025, [], approve=True)
    finally:
        con.close()
    assert str(refused.value) == "Chưa chọn xã nào."
    assert refused.value.say("en") == "No commune is chosen."


def a_round_under_way(capsys, tmp_path: Path) -> None:
    """Quảng Ngãi's 2025 round with Đăk Long approved, An Phú returned, Bình Sơn submitted and
    Vạn Tường's draft saved; the 92 other communes have not started."""
    assert open_round(capsys)[0] == 0
    for code, user, draft in (
        (DAK_LONG, "xa.daklong", False),
        (DAK_LONG_OTHER, "xa.anphu", False),
        ("21040", None, False),
        ("21061", None, True),
    ):
        form = filled_form(capsys, tmp_path, code, GOOD)
        args = ["rounds", "submit", str(form), "--unit", code, "--year", "2025"]
        args += ["--draft"] * draft + (["--user", user] if user else [])
        assert run(capsys, *args)[0] == 0
    review_args = ("--province", "51", "--year", "2025", "--user", "duyet.qn")
    assert run(capsys, "rounds", "approve", "--unit", DAK_LONG, *review_args)[0] == 0
    assert (
        run(
            capsys,
            *("rounds", "return", "--unit", DAK_LONG_OTHER, *review_args),
            *("--reason", "Tổng số hộ gia đình thấp bất thường, kiểm tra lại"),
        )[0]
        == 0
    )


def warnings(at: AppTest) -> list[str]:
    """The page's warnings but the demo data's banner."""
    banner = ("Dữ liệu minh họa", "Illustrative data")
    return [plain(w.value) for w in at.warning if not w.value.startswith(banner)]


def public_page(path: str | None, **params: str) -> AppTest:
    at = scrolled_down(AppTest.from_file(APP, default_timeout=120))
    for k, v in params.items():
        at.query_params[k] = v
    if path:
        at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_completeness_lines_say_where_the_round_stands(capsys, store, tmp_path) -> None:
    # Before any round: the communes with figures, as always.
    before = public_page(None, loc="P51", year="2025")
    assert warnings(before) == [
        "4/96 xã chưa báo cáo số liệu năm 2025; tỷ lệ dưới đây tính trên các xã đã báo cáo."
    ]
    a_round_under_way(capsys, tmp_path)
    # A draft and a returned report are not submitted; of the 94 not submitted, 90 have the
    # figures the province imported (92 communes of Quảng Ngãi have 2025 figures in the demo).
    line = (
        "Vòng báo cáo năm 2025 (hạn nộp 15/01/2026): 1/96 xã đã được duyệt, 1 đã nộp chờ "
        "duyệt, 94 chưa nộp. Trong số xã chưa nộp, 90 xã đã có số liệu từ tệp nhập."
    )
    at = public_page(None, loc="P51", year="2025")
    assert warnings(at) == [line + " 1 báo cáo chờ duyệt chưa được tính vào các tỷ lệ dưới đây."]
    profile = public_page("views/profile.py", loc="P51", year="2025")
    # The completeness list, among the page's Markdown (the place's context comes before it).
    assert f"- {line}" in [ln for m in profile.markdown for ln in plain(m.value).splitlines()]
    english = public_page(None, loc="P51", year="2025", lang="en")
    assert warnings(english) == [
        "Reporting round 2025 (deadline 15/01/2026): 1/96 communes approved, 1 submitted "
        "awaiting review, 94 not submitted. Of the communes not submitted, 90 have figures from "
        "an imported file. Reports awaiting review (1) are not yet in the rates below."
    ]
    # Another province, and another year of this one, have no round: the old line stays.
    other_year = public_page(None, loc="P51", year="2024")
    assert all("Vòng báo cáo" not in plain(w.value) for w in other_year.warning)

    con = connect(store, read_only=True)
    try:
        standing = round_standing(con, "P51", 2025)
    finally:
        con.close()
    assert standing and (
        standing.counts["draft"],
        standing.counts["returned"],
        standing.imported,
    ) == (1, 1, 90)

    # Once every commune is approved the line is a quiet caption.
    entered = {
        ind: dict(zip(form_columns(ind), map(str, GOOD[row]), strict=False))
        for ind, row in (("gia_dinh", 5), ("dong_ho", 6), ("cong_dong_xa", 7))
    }
    with writer(str(store), role="thử") as con:
        codes = [(r["code"], r["state"]) for r in rs.report_states(con, "P51", 2025).iter_rows(named=True)
                 if r["state"] != "approved"]  # fmt: skip
        for code, state in codes:
            if state != "submitted":
                save_report(con, operator(), code, 2025, entered, submit=True)
        codes = [code for code, _ in codes]
        review(con, operator(), "51", 2025, codes, approve=True)
    done = public_page(None, loc="P51", year="2025")
    assert not any("Vòng báo cáo" in plain(w.value) for w in done.warning)
    assert (
        "Vòng báo cáo năm 2025 (hạn nộp 15/01/2026): 96/96 xã đã được duyệt, 0 đã nộp chờ "
        "duyệt, 0 chưa nộp." in [plain(c.value) for c in done.caption]
    )


def test_a_communes_profile_shows_its_report_history(capsys, store, tmp_path) -> None:
    a_round_under_way(capsys, tmp_path)
    at = public_page("views/profile.py", loc=f"X{DAK_LONG}", year="2025")
    [history] = [e for e in at.expander if e.label.startswith("Lịch sử báo cáo")]
    assert history.label == "Lịch sử báo cáo năm 2025 — Đã duyệt"
    rows = [r.split(" | ") for r in plain(history.markdown[0].value).splitlines()[2:]]
    assert [r[1:3] for r in rows] == [["duyet.qn", "duyệt"], ["xa.daklong", "nộp"]]
    assert rows[0][3].startswith("Ghi thành lô ")
    assert "Gia đình HT – Tổng số: – → 9.000" in rows[1][3]
    returned = public_page("views/profile.py", loc=f"X{DAK_LONG_OTHER}", year="2025")
    [history] = [e for e in returned.expander if e.label.startswith("Lịch sử báo cáo")]
    assert history.label == "Lịch sử báo cáo năm 2025 — Bị trả lại"
    assert "Lý do: Tổng số hộ gia đình thấp bất thường, kiểm tra lại" in plain(
        history.markdown[0].value
    )
    # A commune that has not started shows no history; a province none either.
    quiet = public_page("views/profile.py", loc="X21085", year="2025")
    assert not [e for e in quiet.expander if e.label.startswith("Lịch sử báo cáo")]
    province = public_page("views/profile.py", loc="P51", year="2025")
    assert not [e for e in province.expander if e.label.startswith("Lịch sử báo cáo")]
