"""Name resolution against the real register: the spellings and ambiguities of real reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from page_runs import scrolled_down

from metrics.name_lookup import (
    TYPED_FORM_GAP,
    LocalityIndex,
    Purpose,
    Resolution,
    parse_part,
    shown_part,
    typeable,
)
from metrics.store import connect


def ok(res: Resolution) -> str:
    assert res.status == "ok", (res.query, res.status, res.message, [c.id for c in res.candidates])
    assert res.locality is not None
    return res.locality.id


def candidate_ids(res: Resolution) -> set[str]:
    return {c.id for c in res.candidates}


# -- xã Đăk Long: two old communes, one new -----------------------------------------------------


def test_dak_long_in_2023_is_ambiguous_between_the_two_old_communes(index: LocalityIndex) -> None:
    res = index.resolve("Xã Đăk Long", year=2023)
    assert res.status == "ambiguous"
    assert res.locality is None
    assert [c.id for c in res.candidates] == ["OX23504", "OX23368"]
    labels = [c.label for c in res.candidates]
    assert labels == [
        "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504",
        "Xã Đăk Long (cũ), huyện Đắk Glei, tỉnh Kon Tum (cũ) — 23368",
    ]
    assert "khớp với 2 địa bàn" in res.message
    assert "thêm tên huyện (cũ) hoặc tỉnh" in res.message


def test_an_english_label_marks_old_units_former_and_names_the_unit_pasted_back(
    index: LocalityIndex,
) -> None:
    # The names stay as registered; only the mark is in the page's language.
    assert index.label("OX23504", "en") == (
        "Xã Đăk Long (former), huyện Đăk Hà, tỉnh Kon Tum (former) — 23504"
    )
    assert index.label("OH618", "en") == "Huyện Ia H'Drai (former), tỉnh Kon Tum (former) — 618"
    assert index.label("X23368", "en") == "Xã Đăk Long, tỉnh Quảng Ngãi — 23368"
    assert index.label("OX23504") == "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504"
    assert ok(index.resolve(index.label("OX23504", "en"), year=2025)) == "OX23504"
    assert ok(index.resolve("Xã Đăk Long (former), huyện Đăk Hà", year=2025)) == "OX23504"


def test_dak_long_in_2025_is_the_new_commune(index: LocalityIndex) -> None:
    res = index.resolve("Xã Đăk Long", year=2025)
    assert ok(res) == "X23368"
    assert res.locality and (res.locality.label, res.locality.era) == (
        "Xã Đăk Long, tỉnh Quảng Ngãi — 23368",
        "current",
    )


def test_dak_long_with_its_old_district_in_the_text(index: LocalityIndex) -> None:
    assert ok(index.resolve("Đắk Long, huyện Đăk Hà", year=2023)) == "OX23504"
    assert ok(index.resolve("Xã Đăk Long, huyện Đăk Hà, Kon Tum", year=2023)) == "OX23504"
    assert ok(index.resolve("Xã Đắk Long, H. Đắk Glei", year=2024)) == "OX23368"


def test_dak_long_with_district_and_province_arguments(index: LocalityIndex) -> None:
    assert ok(index.resolve("Dak Long", district="Đăk Hà", province="Kon Tum")) == "OX23504"
    assert (
        ok(index.resolve("Dak Long", district="Đăk Hà", province="Kon Tum", year=2023)) == "OX23504"
    )
    assert ok(index.resolve("Dak Long", district="Dak Glei", year=2023)) == "OX23368"


def test_nfd_input_resolves_like_nfc(index: LocalityIndex) -> None:
    text = unicodedata.normalize("NFD", "Xã Đăk Long, tỉnh Quảng Ngãi")
    assert text != unicodedata.normalize("NFC", text)
    assert ok(index.resolve(text, year=2025)) == "X23368"


def test_unaccented_lower_case_input(index: LocalityIndex) -> None:
    assert ok(index.resolve("xa dak long", year=2025)) == "X23368"
    assert ok(index.resolve("XÃ ĐẮK LONG", year=2025)) == "X23368"


def test_a_picker_option_carries_its_typed_form_out_of_sight() -> None:
    label = typeable("Xã Đăk Long")
    assert label == f"Xã Đăk Long{TYPED_FORM_GAP}xa dak long"
    assert shown_part(label) == "Xã Đăk Long"
    assert "quang ngai" in typeable("Quảng Ngãi")
    assert typeable("Hanoi") == "Hanoi"  # nothing to fold: the text as it was


def test_the_old_namesakes_of_todays_dak_long(index: LocalityIndex) -> None:
    found = index.resolve("dak long", year=2025)
    assert ok(found) == "X23368"
    namesakes = index.old_namesakes("dak long", "X23368")
    assert [c.id for c in namesakes] == ["OX23504", "OX23368"]
    assert index.old_namesakes("zzqq", "X23368") == []


def test_old_province_in_a_2025_report_keeps_the_old_communes(index: LocalityIndex) -> None:
    # "tỉnh Kon Tum cũ" names the old province: both old Đăk Long stay candidates.
    res = index.resolve("Xã Đăk Long, tỉnh Kon Tum cũ", year=2025)
    assert res.status == "ambiguous"
    assert candidate_ids(res) == {"OX23504", "OX23368"}


# -- huyện Ia H'Drai ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ia H' Drai",
        "Huyện Ia H’Drai, tỉnh Kon Tum",
        "Huyện Ia H'Drai, tỉnh Kon Tum",
        "H. Ia HDrai",
        "ia h drai, kon tum",
    ],
)
def test_ia_hdrai_spellings(index: LocalityIndex, text: str) -> None:
    res = index.resolve(text, year=2023)
    assert ok(res) == "OH618"
    assert res.locality and res.locality.label == "Huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ) — 618"


# -- prefixes and abbreviations ----------------------------------------------------------------


def test_city_prefix_picks_the_register_of_the_year(index: LocalityIndex) -> None:
    assert ok(index.resolve("TP. Hà Nội", year=2025)) == "P01"
    assert ok(index.resolve("Thành phố Hà Nội", year=2025)) == "P01"
    assert ok(index.resolve("TP. Hà Nội", year=2023)) == "OP01"
    # Without a year, today's and the pre-2025 Hà Nội are both candidates: refused, not guessed.
    res = index.resolve("TP. Hà Nội")
    assert res.status == "ambiguous"
    assert [c.id for c in res.candidates] == ["P01", "OP01"]


def test_ward_prefix(index: LocalityIndex) -> None:
    res = index.resolve("P. Hồng Hà", year=2025)
    assert ok(res) == "X00097"
    assert res.locality is not None and res.locality.name == "Phường Hồng Hà"
    # Before 2025 two phường were called Hồng Hà (Hạ Long and Yên Bái): refused, with both.
    old = index.resolve("P. Hồng Hà", year=2023)
    assert old.status == "ambiguous"
    assert candidate_ids(old) == {"OX06697", "OX04264"}
    assert ok(index.resolve("P. Hồng Hà, TP. Hạ Long", year=2023)) == "OX06697"


def test_district_abbreviation(index: LocalityIndex) -> None:
    res = index.resolve("H. Ba Tơ", year=2024)
    assert ok(res) == "OH535"
    assert res.locality is not None and res.locality.name == "Huyện Ba Tơ"
    assert ok(index.resolve("Huyện Ba Tơ, tỉnh Quảng Ngãi", year=2024)) == "OH535"


def test_province_abbreviation(index: LocalityIndex) -> None:
    assert ok(index.resolve("T. Quảng Ngãi", year=2025)) == "P51"
    assert ok(index.resolve("Quảng Ngãi", year=2025)) == "P51"


def test_old_province_marked_cu(index: LocalityIndex) -> None:
    res = index.resolve("tỉnh Kon Tum cũ")
    assert ok(res) == "OP62"
    assert res.locality is not None and res.locality.level == "old_province"
    assert ok(index.resolve("Tỉnh Kon Tum (cũ)", year=2025)) == "OP62"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thị trấn Mường Tè", "OX03433"),
        ("TT. Mường Tè", "OX03433"),
        ("Xã Mường Tè, huyện Mường Tè", "OX03445"),
        ("Huyện Kỳ Anh", "OH447"),
        ("H. Kỳ Anh", "OH447"),
        ("Thị xã Kỳ Anh", "OH449"),
        ("TX. Kỳ Anh", "OH449"),
        ("Thị trấn Yên Viên", "OX00526"),
        ("Xã Yên Viên, huyện Gia Lâm", "OX00532"),
    ],
)
def test_the_type_written_tells_same_named_units_apart(
    index: LocalityIndex, text: str, expected: str
) -> None:
    # The register tells these apart as "Mường Tè (Thị trấn)" / "Mường Tè (Xã)".
    assert ok(index.resolve(text, year=2023)) == expected


@pytest.mark.parametrize(
    ("text", "district", "expected"),
    [
        ("Mường Tè", "Mường Tè", {"OX03433", "OX03445"}),
        ("Yên Viên", "Gia Lâm", {"OX00526", "OX00532"}),
        ("Kỳ Anh", None, {"OH447", "OH449"}),
        ("Cai Lậy", None, {"OH817", "OH820"}),
    ],
)
def test_a_bare_name_of_two_units_is_refused_with_both(
    index: LocalityIndex, text: str, district: str | None, expected: set[str]
) -> None:
    res = index.resolve(text, district=district, year=2023)
    assert res.status == "ambiguous"
    assert candidate_ids(res) == expected


# -- codes win over names ----------------------------------------------------------------------


def test_codes_name_the_unit_of_the_years_register(index: LocalityIndex) -> None:
    assert ok(index.resolve(None, code="23504", year=2023)) == "OX23504"
    assert ok(index.resolve("23504", year=2023)) == "OX23504"
    assert ok(index.resolve(None, code="23368", year=2025)) == "X23368"
    assert ok(index.resolve(None, code="23368", year=2023)) == "OX23368"
    # 23504 is a code in both eras: today it is xã Đăk Pxi.
    assert ok(index.resolve(None, code="23504", year=2025)) == "X23504"


def test_a_code_wins_over_a_wrong_name(index: LocalityIndex) -> None:
    res = index.resolve("Phường Hoàn Kiếm", code="23504", year=2023)
    assert ok(res) == "OX23504"
    assert ok(index.resolve("Xã Ba Đình", code="23368", year=2025)) == "X23368"


def test_short_codes_are_zero_padded_and_ids_are_accepted(index: LocalityIndex) -> None:
    # A spreadsheet that kept "00097" as a number shows 97.
    communes = frozenset({"commune", "old_commune"})
    assert ok(index.resolve(None, code="97", year=2025, levels=communes)) == "X00097"
    assert ok(index.resolve(None, code="97", year=2023, levels=communes)) == "OX00097"
    assert ok(index.resolve(None, code="1537", year=2025, levels=communes)) == "X01537"
    assert ok(index.resolve(None, code="97", year=2025)) == "X00097"
    assert ok(index.resolve(None, code="51", year=2025)) == "P51"
    assert ok(index.resolve(None, code="618", year=2023)) == "OH618"
    assert ok(index.resolve("OX23504")) == "OX23504"
    assert ok(index.resolve(None, code="ox23504")) == "OX23504"


def test_unknown_or_malformed_codes(index: LocalityIndex) -> None:
    res = index.resolve(None, code="99999", year=2025)
    assert res.status == "not_found"
    assert res.message == "Không có đơn vị hành chính mang mã 99999."
    bad = index.resolve(None, code="abc")
    assert bad.status == "not_found"
    assert "không phải mã đơn vị hành chính" in bad.message


# -- not found, the country, empty input --------------------------------------------------------


def test_unknown_name_is_not_found_with_a_vietnamese_message(index: LocalityIndex) -> None:
    res = index.resolve("Xã Không Có Thật", year=2025)
    assert res.status == "not_found"
    assert res.locality is None
    assert res.message == (
        "Không tìm thấy địa bàn “Xã Không Có Thật” năm 2025 trong danh mục; "
        "kiểm tra chính tả hoặc ghi mã đơn vị hành chính."
    )


def test_unknown_parent_is_named_in_the_message(index: LocalityIndex) -> None:
    res = index.resolve("Xã Đăk Long, huyện Không Có", year=2023)
    assert res.status == "not_found"
    assert res.message == "Không tìm thấy địa bàn cấp trên “huyện Không Có” trong danh mục."


def test_empty_name(index: LocalityIndex) -> None:
    res = index.resolve("   ", year=2025)
    assert res.status == "not_found"
    assert res.message == "Chưa ghi tên địa bàn."


@pytest.mark.parametrize("text", ["Toàn quốc", "toan quoc", "Cả nước", "Việt Nam"])
def test_the_country(index: LocalityIndex, text: str) -> None:
    res = index.resolve(text)
    assert ok(res) == "VN"
    assert res.locality is not None and res.locality.name == "Toàn quốc"
    assert ok(index.resolve(text, year=2023)) == "VN"


# -- other real ambiguities in the register ------------------------------------------------------


def test_binh_an_is_a_xa_in_five_provinces(index: LocalityIndex) -> None:
    res = index.resolve("Xã Bình An", year=2025)
    assert res.status == "ambiguous"
    assert candidate_ids(res) == {"X02296", "X13540", "X21829", "X26389", "X30898"}
    assert "khớp với 5 địa bàn" in res.message
    provinces = {c.label.split(", ")[1].split(" — ")[0] for c in res.candidates}
    assert provinces == {
        "tỉnh Tuyên Quang",
        "tỉnh Ninh Bình",
        "tỉnh Gia Lai",
        "tỉnh Đồng Nai",
        "tỉnh An Giang",
    }
    assert ok(index.resolve("Xã Bình An", province="Gia Lai", year=2025)) == "X21829"
    assert ok(index.resolve("Bình An, tỉnh Đồng Nai", year=2025)) == "X26389"


def test_tan_tien_xa_and_phuong(index: LocalityIndex) -> None:
    # Seven xã and one phường are called Tân Tiến today; "Xã" leaves the phường out.
    res = index.resolve("Xã Tân Tiến", year=2025)
    assert res.status == "ambiguous"
    assert len(res.candidates) == 7
    assert "X07699" not in candidate_ids(res)
    bare = index.resolve("Tân Tiến", year=2025)
    assert bare.status == "ambiguous"
    assert len(bare.candidates) == 8
    assert ok(index.resolve("Phường Tân Tiến", year=2025)) == "X07699"
    assert ok(index.resolve("Tân Tiến", province="Hưng Yên", year=2025)) == "X12583"


def test_tan_lap_before_2025(index: LocalityIndex) -> None:
    res = index.resolve("Xã Tân Lập", year=2023)
    assert res.status == "ambiguous"
    assert len(res.candidates) >= 20
    assert all(c.era == "legacy" and c.level == "old_commune" for c in res.candidates)


# -- the parser ---------------------------------------------------------------------------------


def test_parse_part_reads_prefixes_and_the_old_marker() -> None:
    part = parse_part("TP. Hà Nội")
    assert part.name_key == "hanoi"
    assert part.levels == frozenset({"province", "old_province", "old_district"})
    old = parse_part("tỉnh Kon Tum cũ")
    assert (old.name_key, old.old, old.levels) == ("kontum", True, frozenset({"old_province"}))
    bare = parse_part("Đăk Long")
    assert (bare.name_key, bare.levels) == ("daklong", None)


# -- tone marks tell places apart ------------------------------------------------------------------

VIEW = Purpose.VIEW_FIGURES


@pytest.mark.parametrize("purpose", [Purpose.IMPORT_ROW, Purpose.VIEW_FIGURES])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xã Ba Tơ, Quảng Ngãi", "X21484"),
        ("Xã Ba Tô, Quảng Ngãi", "X21523"),
        ("XÃ BA TƠ, QUẢNG NGÃI", "X21484"),
        ("xã ba tô", "X21523"),
        ("X. Ba  Tơ", "X21484"),
        ("Ba Tơ, tỉnh Quảng Ngãi", "X21484"),
        (unicodedata.normalize("NFD", "Xã Ba Tô, Quảng Ngãi"), "X21523"),
    ],
)
def test_the_name_written_with_its_marks_wins(
    index: LocalityIndex, text: str, expected: str, purpose: Purpose
) -> None:
    # Today's tỉnh Quảng Ngãi has a xã Ba Tơ (21484) and a xã Ba Tô (21523).
    res = index.resolve(text, year=2025, purpose=purpose)
    assert ok(res) == expected


@pytest.mark.parametrize("text", ["Xa Ba To, Quang Ngai", "xa ba to", "Xã Ba To"])
def test_a_name_without_the_telling_marks_lists_both(index: LocalityIndex, text: str) -> None:
    res = index.resolve(text, year=2025)
    assert res.status == "ambiguous"
    assert [c.label for c in res.candidates] == [
        "Xã Ba Tô, tỉnh Quảng Ngãi — 21523",
        "Xã Ba Tơ, tỉnh Quảng Ngãi — 21484",
    ]
    assert "khớp với 2 địa bàn" in res.message


def test_where_the_tone_sits_and_dak_spellings_do_not_tell_units_apart(
    index: LocalityIndex,
) -> None:
    # "Thuỷ" and "Thủy" are one name (old and new tone placement): the phường and the two xã
    # stay candidates whichever way it is typed.
    for text in ("Thanh Thủy", "Thanh Thuỷ"):
        res = index.resolve(text, year=2025)
        assert res.status == "ambiguous"
        assert candidate_ids(res) == {"X19969", "X08674", "X00928"}
    # Đăk = Đắk = Dak; the other marks still count: xã Đăk Hà (23425) vs xã Đắk Ha (24622).
    assert ok(index.resolve("Xã Đắk Hà", year=2023)) == "OX23425"
    assert ok(index.resolve("Xã Dak Hà", year=2023)) == "OX23425"
    assert ok(index.resolve("Xã Đăk Ha", year=2023)) == "OX24622"
    assert ok(index.resolve("Xã Đăk Năng", year=2023)) == "OX23327"
    assert ok(index.resolve("Xã Đắk Nang", year=2023)) == "OX24709"
    unmarked = index.resolve("Xa Dak Ha", year=2023)
    assert unmarked.status == "ambiguous"
    assert candidate_ids(unmarked) == {"OX23425", "OX24622"}
    # Two units spelled alike stay ambiguous, however the Đăk is written.
    for text in ("Xã Đắk Long", "Xã Dak Long", unicodedata.normalize("NFD", "Xã Đăk Long")):
        res = index.resolve(text, year=2023)
        assert res.status == "ambiguous"
        assert candidate_ids(res) == {"OX23504", "OX23368"}


def test_the_type_and_the_marks_pointing_apart_is_refused(index: LocalityIndex) -> None:
    # Before 2025 huyện Ba Tơ had thị trấn Ba Tơ and xã Ba Tô: "Xã Ba Tơ" fits the type of
    # one and the marks of the other.
    res = index.resolve("Xã Ba Tơ", year=2023)
    assert res.status == "ambiguous"
    assert [c.label for c in res.candidates] == [
        "Thị trấn Ba Tơ (cũ), huyện Ba Tơ, tỉnh Quảng Ngãi (cũ) — 21484",
        "Xã Ba Tô (cũ), huyện Ba Tơ, tỉnh Quảng Ngãi (cũ) — 21523",
    ]
    assert ok(index.resolve("Thị trấn Ba Tơ", year=2023)) == "OX21484"
    assert ok(index.resolve("Xã Ba Tô", year=2023)) == "OX21523"


# -- which era a name means ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2021, 2023, 2024, 2025, None])
def test_viewing_figures_an_unmarked_name_is_todays_unit(
    index: LocalityIndex, year: int | None
) -> None:
    res = index.resolve("Xã Ia Tơi, Tỉnh Quảng Ngãi", year=year, purpose=VIEW)
    assert ok(res) == "X23538"
    assert res.locality and res.locality.label == "Xã Ia Tơi, tỉnh Quảng Ngãi — 23538"
    assert ok(index.resolve("Xã Ia Tơi", year=year, purpose=VIEW)) == "X23538"
    province = index.resolve("Tỉnh Quảng Ngãi", year=year, purpose=VIEW)
    assert ok(province) == "P51"
    assert province.locality is not None and province.locality.label == "Tỉnh Quảng Ngãi — 51"
    assert ok(index.resolve("Quảng Ngãi", year=year, purpose=VIEW)) == "P51"
    assert ok(index.resolve("TP. Hà Nội", year=year, purpose=VIEW)) == "P01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # marked old
        ("Xã Ia Tơi (cũ)", "OX23538"),
        ("Xã Ia Tơi cũ", "OX23538"),
        ("Xã Ia Tơi (trước 7/2025)", "OX23538"),
        ("Xã Ia Tơi (trước 1/7/2025)", "OX23538"),
        ("Tỉnh Quảng Ngãi (cũ)", "OP51"),
        ("Xã Ia Tơi, tỉnh Kon Tum cũ", "OX23538"),
        # names an old district
        ("Xã Ia Tơi, huyện Ia H'Drai", "OX23538"),
        ("Ia Tơi, H. Ia H'Drai, Quảng Ngãi", "OX23538"),
        ("Huyện Ba Tơ", "OH535"),
        ("TP. Quảng Ngãi", "OH522"),
        ("Xã Ba Tô, Ba Tơ", "OX21523"),
        # only in the old register
        ("Xã Nghĩa Dũng, tỉnh Quảng Ngãi", "OX21034"),
        ("Xã Kroong", "OX23314"),
        ("Thị trấn Ba Tơ", "OX21484"),
        ("Tỉnh Kon Tum", "OP62"),
    ],
)
def test_viewing_figures_old_units_when_the_text_says_so(
    index: LocalityIndex, text: str, expected: str
) -> None:
    for year in (2023, 2025, None):
        assert ok(index.resolve(text, year=year, purpose=VIEW)) == expected


def test_a_pasted_candidate_label_resolves_to_that_candidate(index: LocalityIndex) -> None:
    for lid in ("OX23538", "X23538", "OX23504", "OX23368", "OH618", "P51", "OP51", "X21484"):
        label = index.label(lid)
        assert ok(index.resolve(label, purpose=VIEW)) == lid, label
        if "(cũ)" in label:
            assert ok(index.resolve(label, year=2025)) == lid, label
    wrong = index.resolve("Xã Ia Tơi, tỉnh Quảng Ngãi — 99999", purpose=VIEW)
    assert wrong.status == "not_found"


def test_importing_a_row_its_year_picks_the_register(index: LocalityIndex) -> None:
    assert ok(index.resolve("Xã Ia Tơi", year=2023)) == "OX23538"
    assert ok(index.resolve("Xã Ia Tơi", year=2025)) == "X23538"
    assert ok(index.resolve("Tỉnh Quảng Ngãi", year=2023)) == "OP51"
    assert ok(index.resolve("Xã Ia Tơi", province="Kon Tum", year=2023)) == "OX23538"
    assert ok(index.resolve("Xã Ia Tơi", district="Ia H'Drai", year=2023)) == "OX23538"


def test_importing_a_row_a_parent_of_another_era_does_not_match_through_the_lineage(
    index: LocalityIndex,
) -> None:
    # Old xã Ia Tơi lies in today's tỉnh Quảng Ngãi only through the lineage; today's xã Ia Tơi
    # is in it: "Ia Tơi, Quảng Ngãi" names today's xã, even in a 2023 row.
    for year in (2023, 2025):
        assert ok(index.resolve("Xã Ia Tơi, Tỉnh Quảng Ngãi", year=year)) == "X23538"
        assert ok(index.resolve("Ia Tơi", province="Quảng Ngãi", year=year)) == "X23538"
        assert ok(index.resolve("Xã Đăk Long", province="Quảng Ngãi", year=year)) == "X23368"
    # When nothing else matches, the lineage still places an old unit in today's province.
    assert ok(index.resolve("Huyện Ia H'Drai, tỉnh Quảng Ngãi", year=2023)) == "OH618"
    assert ok(index.resolve("Xã Kroong, tỉnh Quảng Ngãi", year=2025)) == "OX23314"


def test_candidates_mark_old_units_and_show_their_parents(index: LocalityIndex) -> None:
    res = index.resolve("Xã Ia Tơi")
    assert res.status == "ambiguous"
    assert [c.label for c in res.candidates] == [
        "Xã Ia Tơi, tỉnh Quảng Ngãi — 23538",
        "Xã Ia Tơi (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23538",
    ]
    labels = " ".join(c.label for c in index.resolve("Ia Dom").candidates)
    assert "Xã Ia Dom (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23537" in labels
    for level in ("old_district", "old_commune", "old_province", "legacy", "OX", "OH"):
        assert level not in labels


# -- what a user sees on the command line ----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Năm,Tỉnh,Huyện,Xã,Chỉ tiêu,Tổng số,Đăng ký,Công nhận,Nguồn"
# A 2023 report in the units of 2023: old xã Ia Dom and old xã Ia Tơi (huyện Ia H'Drai, tỉnh
# Kon Tum cũ), both merged whole into today's xã Ia Tơi; old xã Ba Tô of tỉnh Quảng Ngãi cũ.
REPORT_2023 = [
    "2023,Kon Tum,Ia H'Drai,Xã Ia Dom,gia_dinh,600,,300,Báo cáo thử",
    "2023,Tỉnh Kon Tum,,Xã Ia Tơi,gia_dinh,900,,450,Báo cáo thử",
    "2023,Quảng Ngãi,,Xã Ba Tô,gia_dinh,400,,100,Báo cáo thử",
]


def xhht(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "XHHT_DB"}
    return subprocess.run(
        [sys.executable, "-m", "metrics.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reported_2023(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store (`xhht init`) with the 2023 report imported (`xhht import`)."""
    folder = tmp_path_factory.mktemp("names")
    db = folder / "store.duckdb"
    init = xhht("init", "--db", str(db))
    assert init.returncode == 0, init.stderr
    imported = xhht(
        "import", str(write_csv(folder / "bc2023.csv", REPORT_2023)), "--json", "--db", str(db)
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert json.loads(imported.stdout)["new"] == 3
    return db


def progress_json(db: Path, locality: str, year: int = 2023) -> dict:
    res = xhht(
        "progress", "--locality", locality, "--year", str(year), "--indicator", "gia_dinh",
        "--json", "--db", str(db),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    [obj] = json.loads(res.stdout)
    return obj


def test_progress_of_a_name_is_todays_unit_with_its_history(reported_2023: Path) -> None:
    res = xhht(
        "progress", "--locality", "Xã Ia Tơi, Tỉnh Quảng Ngãi", "--year", "2023",
        "--indicator", "gia_dinh", "--db", str(reported_2023),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "Xã Ia Tơi, tỉnh Quảng Ngãi — 23538 — năm 2023"
    assert "750/1.500" in res.stdout  # old Ia Dom 600 + old Ia Tơi 900
    by_id = xhht(
        "progress", "--locality", "X23538", "--year", "2023", "--indicator", "gia_dinh",
        "--db", str(reported_2023),
    )  # fmt: skip
    assert by_id.stdout == res.stdout
    for text in ("Xã Ia Tơi", "ia toi, quang ngai", "Ia Tơi"):
        obj = progress_json(reported_2023, text)
        assert (obj["locality_name"], obj["total"], obj["recognized"]) == ("Xã Ia Tơi", 1500, 750)


def test_progress_of_a_name_marked_old_is_the_old_unit(reported_2023: Path) -> None:
    for text in ("Xã Ia Tơi (cũ)", "Xã Ia Tơi, huyện Ia H'Drai", "Ia Tơi, tỉnh Kon Tum cũ"):
        res = xhht(
            "progress", "--locality", text, "--year", "2023", "--indicator", "gia_dinh",
            "--db", str(reported_2023),
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        assert res.stdout.splitlines()[0] == (
            "Xã Ia Tơi (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23538 — năm 2023"
        )
        assert "450/900" in res.stdout


def test_progress_of_a_province_name_is_todays_province(reported_2023: Path) -> None:
    # Today's tỉnh Quảng Ngãi in 2023: its old communes, Kon Tum cũ's included (600 + 900 + 400).
    today = progress_json(reported_2023, "Tỉnh Quảng Ngãi")
    assert (today["locality_name"], today["total"], today["recognized"]) == (
        "Tỉnh Quảng Ngãi",
        1900,
        850,
    )
    assert progress_json(reported_2023, "Quảng Ngãi") == today
    res = xhht("progress", "--locality", "Tỉnh Quảng Ngãi (cũ)", "--year", "2023",
               "--indicator", "gia_dinh", "--db", str(reported_2023))  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "Tỉnh Quảng Ngãi (cũ) — 51 — năm 2023"


def test_refused_candidates_are_listed_as_users_read_them(reported_2023: Path) -> None:
    res = xhht("progress", "--locality", "Xã Ia Dom (cũ)", "--year", "2023",
               "--db", str(reported_2023))  # fmt: skip
    assert res.returncode == 1
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert "khớp với 2 địa bàn" in lines[0]
    assert lines[1:3] == [
        "Các địa bàn có thể là:",
        "  - Xã Ia Dom (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23537",
    ]
    assert lines[3].startswith("  - Xã Ia Dom (cũ), huyện ")
    assert lines[3].endswith(" (cũ) — 23872")
    for internal in ("OX23537", "OX23872", "old_commune", "old_district", "legacy", "["):
        assert internal not in res.stderr


def test_localities_find_tone_marks(reported_2023: Path) -> None:
    marked = xhht("localities", "find", "Xã Ba Tơ, Quảng Ngãi", "--year", "2025",
                  "--db", str(reported_2023))  # fmt: skip
    assert marked.returncode == 0, marked.stdout
    assert marked.stdout.splitlines() == [
        "Xã Ba Tơ, tỉnh Quảng Ngãi — 21484",
        "  cấp: xã, phường, đặc khu; từ 1/7/2025",
    ]
    unmarked = xhht("localities", "find", "Xa Ba To, Quang Ngai", "--year", "2025",
                    "--db", str(reported_2023))  # fmt: skip
    assert unmarked.returncode == 1
    assert unmarked.stdout.splitlines()[1:] == [
        "Các địa bàn có thể là:",
        "  - Xã Ba Tô, tỉnh Quảng Ngãi — 21523",
        "  - Xã Ba Tơ, tỉnh Quảng Ngãi — 21484",
    ]


def test_export_names_todays_unit(reported_2023: Path, tmp_path: Path) -> None:
    out = tmp_path / "ia_toi.xlsx"
    res = xhht("export", "xlsx", "--locality", "Xã Ia Tơi, Tỉnh Quảng Ngãi", "--year", "2023",
               "-o", str(out), "--db", str(reported_2023))  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"Đã xuất {out} (Xã Ia Tơi, tỉnh Quảng Ngãi — 23538, năm 2023)."


def test_an_imported_row_names_the_unit_of_its_year(reported_2023: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(reported_2023, db)
    rows = [
        # A 2023 row naming today's xã Ia Tơi by its province: old xã Ia Tơi was in tỉnh Kon Tum.
        "2023,Tỉnh Quảng Ngãi,,Xã Ia Tơi,dong_ho,20,,10,Báo cáo thử",
        # The same row without the province: the 2023 register's xã Ia Tơi.
        "2023,,,Xã Ia Tơi,cong_dong_thon,8,,4,Báo cáo thử",
        # Tone marks in a row: xã Ba Tô, not thị trấn Ba Tơ.
        "2023,Quảng Ngãi,Ba Tơ,Xã Ba Tô,dong_ho,30,,15,Báo cáo thử",
    ]
    res = xhht("import", str(write_csv(tmp_path / "more.csv", rows)), "--json", "--db", str(db))
    assert res.returncode == 0, res.stdout + res.stderr
    con = connect(db, read_only=True)
    try:
        placed = con.execute(
            "SELECT indicator, locality_id FROM observations_current "
            "WHERE indicator <> 'gia_dinh' ORDER BY indicator, locality_id"
        ).fetchall()
    finally:
        con.close()
    assert placed == [
        ("cong_dong_thon", "OX23538"),
        ("dong_ho", "OX21523"),
        ("dong_ho", "X23538"),
    ]


# -- the search of the "Hồ sơ địa bàn" page ---------------------------------------------------------


def test_the_profile_search_looks_at_figures(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("XHHT_DB", str(demo_db))
    at = scrolled_down(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120))
    at.query_params["loc"] = "P51"
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="profile__search").set_value("Xã Ia Tơi, Tỉnh Quảng Ngãi").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="profile__com").value == "X23538"
    assert [str(h.value) for h in at.header][
        0
    ] == "Xã Ia Tơi, tỉnh Quảng Ngãi"  # administrative style

    at.text_input(key="profile__search").set_value("Xa Ba To").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("khớp với" in str(c.value) for c in at.caption)
    buttons = [str(b.label) for b in at.button]
    assert "Xã Ba Tô, tỉnh Quảng Ngãi — 21523" in buttons
    assert "Xã Ba Tơ, tỉnh Quảng Ngãi — 21484" in buttons
    assert not any("[" in b or "OX" in b for b in buttons)


def test_the_english_profile_names_a_former_commune_former_in_its_picker(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search's buttons in English: tests/test_browser_names.py.
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("XHHT_DB", str(demo_db))
    at = scrolled_down(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120))
    at.query_params["loc"] = "OX23504"
    at.query_params["lang"] = "en"
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="profile__od")
    assert picker.label == "Former commune (before 7/2025)"
    shown = [str(o).split(TYPED_FORM_GAP)[0] for o in picker.options]
    assert "Xã Đăk Long (former), huyện Đăk Hà, tỉnh Kon Tum (former) — 23504" in shown, shown
    assert not any("cũ" in o for o in shown), shown
