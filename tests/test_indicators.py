"""The indicator registry (data/indicators.toml): contents, national targets, validation, aliases."""

from __future__ import annotations

import copy
import tomllib
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics.config import DATA_DIR
from metrics.indicators import Registry, load_registry, registry

REGISTRY_FILE = DATA_DIR / "indicators.toml"

ALL_IDS = [
    "gia_dinh",
    "dong_ho",
    "cong_dong_thon",
    "don_vi",
    "cong_dan_nguoi_lon",
    "cong_dan_can_bo",
    "ky_nang_so",
    "thanh_thao_so",
    "can_bo_khuyen_hoc",
    "cong_dong_xa",
    "don_vi_cap_tinh",
]

# The national targets (README "Data", data/indicators.toml): id → (2025 %, 2030 %, decision cited).
NATIONAL = {
    "gia_dinh": (70, 85, "387"),
    "dong_ho": (65, 75, "387"),
    "cong_dong_thon": (65, 75, "387"),
    "don_vi": (80, 90, "387"),
    "cong_dan_nguoi_lon": (40, 60, "677"),
    "cong_dan_can_bo": (60, 80, "677"),
    "ky_nang_so": (70, 90, "677"),
    "thanh_thao_so": (60, 80, "677"),
    "can_bo_khuyen_hoc": (40, 70, "387"),
}


@pytest.fixture
def raw() -> dict:
    """A fresh, mutable copy of the valid registry, as TOML loads it."""
    with open(REGISTRY_FILE, "rb") as fh:
        return tomllib.load(fh)


def indicator(raw: dict, indicator_id: str) -> dict:
    return next(i for i in raw["indicator"] if i["id"] == indicator_id)


def validation_message(data: dict) -> str:
    with pytest.raises(ValidationError) as exc:
        Registry.model_validate(data)
    return str(exc.value)


# -- contents ----------------------------------------------------------------------------------


def test_registry_lists_the_eleven_indicators_in_display_order() -> None:
    assert registry().ids() == ALL_IDS
    assert [i.order for i in registry().ordered()] == list(range(1, 12))


@pytest.mark.parametrize("indicator_id", ALL_IDS)
def test_every_indicator_has_labels_unit_and_legal_basis(indicator_id: str) -> None:
    ind = registry().by_id(indicator_id)
    for text in (
        ind.label_vi,
        ind.label_en,
        ind.short_vi,
        ind.short_en,
        ind.numerator_vi,
        ind.denominator_vi,
        ind.numerator_en,
        ind.denominator_en,
        ind.count_unit_vi,
    ):
        assert text.strip() == text and len(text) >= 2
    assert ind.unit == "%"
    # Short labels fit a chart axis and are shorter than the full ones.
    assert len(ind.short_vi) <= 20 and len(ind.short_vi) < len(ind.label_vi)
    assert len(ind.short_en) <= 20 and len(ind.short_en) < len(ind.label_en)
    # The legal basis names the decision or circular the indicator comes from.
    assert any(
        doc in ind.legal_basis
        for doc in ("QĐ 387", "QĐ 677", "Thông tư 25/2023", "Thông tư 22/2020")
    ), ind.legal_basis
    assert ind.aliases, "users need at least one alias to write in spreadsheets"


def test_labels_are_vietnamese_and_english() -> None:
    gd = registry().by_id("gia_dinh")
    assert (gd.label_vi, gd.label_en, gd.short_vi, gd.short_en) == (
        "Gia đình học tập",
        "Learning families",
        "Gia đình HT",
        "Families",
    )
    assert registry().by_id("cong_dong_xa").label_vi == "Cộng đồng học tập cấp xã"
    assert registry().by_id("don_vi_cap_tinh").level_scope == "province"
    assert {i.level_scope for i in registry().indicator if i.id != "don_vi_cap_tinh"} == {"commune"}


def test_legal_basis_of_commune_and_provincial_unit_titles() -> None:
    assert "Thông tư 25/2023" in registry().by_id("cong_dong_xa").legal_basis
    basis = registry().by_id("don_vi_cap_tinh").legal_basis
    assert "Thông tư 22/2020" in basis and "Thông tư 24/2023" in basis


def test_levels_of_the_rated_titles() -> None:
    assert registry().by_id("don_vi").levels == []  # commune-level units: no rating
    assert registry().by_id("don_vi_cap_tinh").levels == [
        "tot",
        "kha",
        "trung_binh",
        "muc_do_1",
        "muc_do_2",
    ]
    assert registry().by_id("cong_dong_xa").levels == ["muc_do_1", "muc_do_2"]
    assert registry().by_id("gia_dinh").levels == []
    assert [
        registry().level_label(lv) for lv in ("tot", "kha", "trung_binh", "muc_do_1", "muc_do_2")
    ] == ["Tốt", "Khá", "Trung bình", "Mức độ 1", "Mức độ 2"]


# -- national targets --------------------------------------------------------------------------


@pytest.mark.parametrize(("indicator_id", "expected"), NATIONAL.items())
def test_national_targets_match_the_design(
    indicator_id: str, expected: tuple[int, int, str]
) -> None:
    pct_2025, pct_2030, decision = expected
    ind = registry().by_id(indicator_id)
    t2025 = ind.national_target_for(2025)
    t2030 = ind.national_target_for(2030)
    assert t2025 is not None and t2030 is not None
    assert (t2025.percent, t2030.percent) == (pct_2025, pct_2030)
    assert [t.year for t in ind.national_target] == [2025, 2030]
    # The 2025 figures are the decisions' own. QĐ 387's 2030 figures were read from provincial
    # plans; QĐ 677 (the Chương trình on learning citizens) states its 2030 targets itself.
    assert t2025.confirmed is True
    assert f"{decision}/QĐ-TTg" in t2025.source
    assert f"{decision}/QĐ-TTg" in t2030.source
    if decision == "677":
        assert t2030.confirmed is True
        assert "Xây dựng mô hình Công dân học tập giai đoạn 2021–2030" in t2030.source
        assert "chưa đối chiếu" not in t2030.source
    else:
        assert t2030.confirmed is False
        # Restated word for word by the plans that implement it; not checked against the text.
        assert "kế hoạch thực hiện của địa phương nhắc lại" in t2030.source
        assert "chưa đối chiếu nguyên văn" in t2030.source
    assert ind.national_target_for(2026) is None


def test_targets_quoted_in_the_decisions_words() -> None:
    reg = registry()
    # Each target's base as the decisions and the plans word it, not the dashboard's label.
    assert reg.by_id("cong_dan_nguoi_lon").target_phrase("60%") == (
        "60% người lớn trong gia đình học tập, dòng họ học tập, cộng đồng học tập đạt danh hiệu "
        "“Công dân học tập”"
    )
    assert (
        reg.by_id("cong_dan_can_bo")
        .target_phrase("80%")
        .startswith("80% cán bộ, công chức, viên chức, người lao động trong đơn vị học tập")
    )
    assert reg.by_id("gia_dinh").target_phrase("85%") == (
        "85% gia đình được công nhận đạt danh hiệu “Gia đình học tập”"
    )
    # A title without registered words reads from its numerator.
    assert reg.by_id("cong_dong_xa").target_phrase("50%") == (
        "50% xã, phường, đặc khu được công nhận “Cộng đồng học tập” cấp xã"
    )
    for ind in reg.indicator:
        assert (ind.target_words_vi is None) == (not ind.national_target), ind.id


@pytest.mark.parametrize("indicator_id", ["cong_dong_xa", "don_vi_cap_tinh"])
def test_titles_without_a_national_percentage(indicator_id: str) -> None:
    assert registry().by_id(indicator_id).national_target == []


# -- validation (dbt style: the valid file, one field broken) ----------------------------------


def test_the_file_in_the_repository_is_valid(raw: dict) -> None:
    reg = Registry.model_validate(raw)
    assert reg.ids() == ALL_IDS
    assert load_registry(REGISTRY_FILE).ids() == ALL_IDS


def test_unknown_key_is_refused(raw: dict) -> None:
    indicator(raw, "dong_ho")["colour"] = "red"
    message = validation_message(raw)
    assert "colour" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_key_in_a_national_target_is_refused(raw: dict) -> None:
    indicator(raw, "gia_dinh")["national_target"][0]["percentage"] = 70
    message = validation_message(raw)
    assert "national_target.0.percentage" in message
    assert "Extra inputs are not permitted" in message


@pytest.mark.parametrize("field", ["label_vi", "label_en", "short_vi", "legal_basis", "unit"])
def test_missing_field_is_refused(raw: dict, field: str) -> None:
    del indicator(raw, "ky_nang_so")[field]
    message = validation_message(raw)
    assert field in message
    assert "Field required" in message


def test_empty_label_is_refused(raw: dict) -> None:
    indicator(raw, "ky_nang_so")["label_vi"] = ""
    message = validation_message(raw)
    assert "label_vi" in message
    assert "at least 1 character" in message


def test_alias_shared_by_two_indicators_is_refused(raw: dict) -> None:
    indicator(raw, "dong_ho")["aliases"].append("GĐHT")  # already an alias of gia_dinh
    message = validation_message(raw)
    assert "alias 'GĐHT' names both gia_dinh and dong_ho" in message


def test_alias_differing_only_in_marks_is_still_a_duplicate(raw: dict) -> None:
    indicator(raw, "dong_ho")["aliases"].append("gia dinh hoc tap")
    message = validation_message(raw)
    assert "names both gia_dinh and dong_ho" in message


def test_short_label_clashing_with_another_indicators_alias_is_refused(raw: dict) -> None:
    # resolve_alias() also accepts short_vi and label_en, so they must be unique too.
    indicator(raw, "dong_ho")["short_vi"] = "GDHT"
    message = validation_message(raw)
    assert "'GDHT' names both gia_dinh and dong_ho" in message


def test_unknown_model_is_refused(raw: dict) -> None:
    indicator(raw, "don_vi")["model"] = "school"
    message = validation_message(raw)
    assert "don_vi: unknown model 'school'" in message


def test_duplicate_indicator_id_is_refused(raw: dict) -> None:
    twin = copy.deepcopy(indicator(raw, "gia_dinh"))
    twin["aliases"] = ["something else"]
    raw["indicator"].append(twin)
    assert "indicator ids must be unique" in validation_message(raw)


def test_two_national_targets_for_one_year_are_refused(raw: dict) -> None:
    targets = indicator(raw, "dong_ho")["national_target"]
    targets.append(dict(targets[0], percent=66))
    assert "dong_ho: two national targets for one year" in validation_message(raw)


def test_percentage_above_100_is_refused(raw: dict) -> None:
    indicator(raw, "dong_ho")["national_target"][1]["percent"] = 120
    message = validation_message(raw)
    assert "national_target.1.percent" in message
    assert "less than or equal to 100" in message


def test_target_without_confirmed_flag_is_refused(raw: dict) -> None:
    del indicator(raw, "dong_ho")["national_target"][1]["confirmed"]
    message = validation_message(raw)
    assert "national_target.1.confirmed" in message
    assert "Field required" in message


def test_bad_id_is_refused(raw: dict) -> None:
    indicator(raw, "dong_ho")["id"] = "Dòng họ"
    message = validation_message(raw)
    assert "String should match pattern" in message


def test_load_registry_reports_the_problem_of_a_broken_file(tmp_path: Path) -> None:
    text = REGISTRY_FILE.read_text(encoding="utf-8")
    assert text.count('model = "clan"') == 1
    broken = tmp_path / "indicators.toml"
    broken.write_text(text.replace('model = "clan"', 'model = "clann"'), encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_registry(broken)
    assert "dong_ho: unknown model 'clann'" in str(exc.value)


# -- aliases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator_id"),
    [
        ("GĐHT", "gia_dinh"),
        ("gdht", "gia_dinh"),
        ("gia dinh hoc tap", "gia_dinh"),
        ("  GIA ĐÌNH HỌC TẬP ", "gia_dinh"),
        (unicodedata.normalize("NFD", "Gia đình học tập"), "gia_dinh"),
        (unicodedata.normalize("NFD", "Dòng họ học tập"), "dong_ho"),
        ("DHHT", "dong_ho"),
        ("CĐHT thôn", "cong_dong_thon"),
        ("ĐVHT", "don_vi"),
        ("ĐVHT cấp huyện", "don_vi_cap_tinh"),
        ("CĐHT cấp xã", "cong_dong_xa"),
        ("Công dân học tập", "cong_dan_nguoi_lon"),
        ("CBCCVC", "cong_dan_can_bo"),
        ("Kỹ năng số", "ky_nang_so"),
        ("Thành thạo kỹ năng số", "thanh_thao_so"),
        ("CBKH", "can_bo_khuyen_hoc"),
        ("Learning families", "gia_dinh"),
        ("thanh_thao_so", "thanh_thao_so"),
    ],
)
def test_alias_resolution(text: str, indicator_id: str) -> None:
    found = registry().resolve_alias(text)
    assert found is not None, text
    assert found.id == indicator_id


@pytest.mark.parametrize("text", ["Học sinh giỏi", "", "gia dinh van hoa", "don_vi_cap"])
def test_unknown_names_resolve_to_nothing(text: str) -> None:
    assert registry().resolve_alias(text) is None


def test_every_name_of_an_indicator_resolves_to_it() -> None:
    for ind in registry().indicator:
        for name in [ind.id, ind.label_vi, ind.label_en, ind.short_vi, *ind.aliases]:
            found = registry().resolve_alias(name)
            assert found is not None and found.id == ind.id, (name, found and found.id)
