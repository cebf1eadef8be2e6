"""Legacy Vietnamese encodings (TCVN3/ABC and VNI-Windows) → Unicode, and telling them apart.

The reference tables below are written out from the published code charts, independently of
metrics/inputs/legacy_encodings.py, so a slip in either shows up as a mismatch.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.inputs import detect_encoding
from metrics.inputs.legacy_encodings import (
    CONVERTERS,
    ENCODING_LABEL,
    tcvn3_to_unicode,
    vni_to_unicode,
)

# TCVN3 (ABC), .VnTime font: Unicode letter → the Windows-1252 character stored in the file.
TCVN3_CHART = {
    "à": "µ",
    "á": "¸",
    "ả": "¶",
    "ã": "·",
    "ạ": "¹",
    "ă": "¨",
    "ằ": "»",
    "ắ": "¾",
    "ẳ": "¼",
    "ẵ": "½",
    "ặ": "Æ",
    "â": "©",
    "ầ": "Ç",
    "ấ": "Ê",
    "ẩ": "È",
    "ẫ": "É",
    "ậ": "Ë",
    "đ": "®",
    "è": "Ì",
    "é": "Ð",
    "ẻ": "Î",
    "ẽ": "Ï",
    "ẹ": "Ñ",
    "ê": "ª",
    "ề": "Ò",
    "ế": "Õ",
    "ể": "Ó",
    "ễ": "Ô",
    "ệ": "Ö",
    "ì": "×",
    "í": "Ý",
    "ỉ": "Ø",
    "ĩ": "Ü",
    "ị": "Þ",
    "ò": "ß",
    "ó": "ã",
    "ỏ": "á",
    "õ": "â",
    "ọ": "ä",
    "ô": "«",
    "ồ": "å",
    "ố": "è",
    "ổ": "æ",
    "ỗ": "ç",
    "ộ": "é",
    "ơ": "¬",
    "ờ": "ê",
    "ớ": "í",
    "ở": "ë",
    "ỡ": "ì",
    "ợ": "î",
    "ù": "ï",
    "ú": "ó",
    "ủ": "ñ",
    "ũ": "ò",
    "ụ": "ô",
    "ư": "\u00ad",
    "ừ": "õ",
    "ứ": "ø",
    "ử": "ö",
    "ữ": "÷",
    "ự": "ù",
    "ỳ": "ú",
    "ý": "ý",
    "ỷ": "û",
    "ỹ": "ü",
    "ỵ": "þ",
    "Ă": "¡",
    "Â": "¢",
    "Đ": "§",
    "Ê": "£",
    "Ô": "¤",
    "Ơ": "¥",
    "Ư": "¦",
}

# VNI-Windows: each Unicode row (plain, sắc, huyền, hỏi, ngã, nặng) and its codes.
VNI_CHART = {
    "aáàảãạ": ["a", "aù", "aø", "aû", "aõ", "aï"],
    "âấầẩẫậ": ["aâ", "aá", "aà", "aå", "aã", "aä"],
    "ăắằẳẵặ": ["aê", "aé", "aè", "aú", "aü", "aë"],
    "eéèẻẽẹ": ["e", "eù", "eø", "eû", "eõ", "eï"],
    "êếềểễệ": ["eâ", "eá", "eà", "eå", "eã", "eä"],
    "oóòỏõọ": ["o", "où", "oø", "oû", "oõ", "oï"],
    "ôốồổỗộ": ["oâ", "oá", "oà", "oå", "oã", "oä"],
    "ơớờởỡợ": ["ô", "ôù", "ôø", "ôû", "ôõ", "ôï"],
    "uúùủũụ": ["u", "uù", "uø", "uû", "uõ", "uï"],
    "ưứừửữự": ["ö", "öù", "öø", "öû", "öõ", "öï"],
    "iíìỉĩị": ["i", "í", "ì", "æ", "ó", "ò"],
    "yýỳỷỹỵ": ["y", "yù", "yø", "yû", "yõ", "î"],
    "đ": ["ñ"],
}
VNI_PAIRS = [
    (u, code) for row, codes in VNI_CHART.items() for u, code in zip(row, codes, strict=True)
]


def tcvn3(text: str) -> str:
    return "".join(TCVN3_CHART.get(ch, ch) for ch in text)


def vni(text: str) -> str:
    table = dict(VNI_PAIRS) | {u.upper(): code.upper() for u, code in VNI_PAIRS}
    return "".join(table.get(ch, ch) for ch in text)


# -- the charts, letter by letter -----------------------------------------------------------------


@pytest.mark.parametrize(("letter", "code"), sorted(TCVN3_CHART.items()))
def test_every_tcvn3_letter(letter: str, code: str) -> None:
    assert tcvn3_to_unicode(code) == letter


@pytest.mark.parametrize(("letter", "code"), VNI_PAIRS)
def test_every_vni_letter_lower_and_upper_case(letter: str, code: str) -> None:
    assert vni_to_unicode(code) == letter
    assert vni_to_unicode(code.upper()) == letter.upper()


def test_the_charts_cover_every_vietnamese_letter() -> None:
    vowels = "".join(VNI_CHART).replace("đ", "")
    assert len(vowels) == 72 and len(set(vowels)) == 72
    # TCVN3 has a code for every marked lower-case letter and for the 7 marked capitals only.
    marked = {ch for ch in vowels if unicodedata.normalize("NFD", ch) != ch} | {"đ"}
    assert marked | {"Ă", "Â", "Đ", "Ê", "Ô", "Ơ", "Ư"} == set(TCVN3_CHART)


# -- words as they appear in old workbooks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Gia ®×nh häc tËp", "Gia đình học tập"),
        ("Dßng hä häc tËp", "Dòng họ học tập"),
        ("N¨m", "Năm"),
        ("TØnh", "Tỉnh"),
        ("X·", "Xã"),
        ("ChØ tiªu", "Chỉ tiêu"),
        ("Tæng sè", "Tổng số"),
        ("§¨ng ký", "Đăng ký"),
        ("C«ng nhËn", "Công nhận"),
        ("Qu¶ng Ng·i", "Quảng Ngãi"),
        ("§¨k Long", "Đăk Long"),
        ("C«ng d©n häc tËp", "Công dân học tập"),
        ("Céng ®ång häc tËp cÊp th«n", "Cộng đồng học tập cấp thôn"),
        ("¦u tiªn", "Ưu tiên"),
    ],
)
def test_tcvn3_words(legacy: str, unicode: str) -> None:
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Gia ñình hoïc taäp", "Gia đình học tập"),
        ("Doøng hoï hoïc taäp", "Dòng họ học tập"),
        ("Naêm", "Năm"),
        ("Tænh", "Tỉnh"),
        ("Xaõ", "Xã"),
        ("Chæ tieâu", "Chỉ tiêu"),
        ("Toång soá", "Tổng số"),
        ("Ñaêng kyù", "Đăng ký"),
        ("Coâng nhaän", "Công nhận"),
        ("Quaûng Ngaõi", "Quảng Ngãi"),
        ("Ñaêk Long", "Đăk Long"),
        ("Ngöôøi lôùn", "Người lớn"),
        ("Thaønh thaïo kyõ naêng soá", "Thành thạo kỹ năng số"),
        ("COÂNG NHAÄN", "CÔNG NHẬN"),
        ("ÑAÊNG KYÙ", "ĐĂNG KÝ"),
    ],
)
def test_vni_words(legacy: str, unicode: str) -> None:
    assert vni_to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    "text", ["Nam 2025, Tinh, Xa, Chi tieu", "1.234; 85,5%", "Ia H'Drai (Kon Tum)", ""]
)
def test_ascii_text_passes_through_both_converters(text: str) -> None:
    assert tcvn3_to_unicode(text) == text
    assert vni_to_unicode(text) == text
    assert CONVERTERS["unicode"](text) == text


def test_encoding_labels_shown_to_users() -> None:
    assert ENCODING_LABEL == {"unicode": "Unicode", "tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows"}
    assert list(CONVERTERS) == ["unicode", "tcvn3", "vni"]  # Unicode is tried first


# -- round trips over random Vietnamese text -------------------------------------------------------

_LOWER_LETTERS = "".join(sorted({ch for row in VNI_CHART for ch in row} | set("bcdghklmnpqrstvx")))
_TCVN3_TEXT = st.text(alphabet=_LOWER_LETTERS + "ĂÂĐÊÔƠƯ BCDGHKLMNQRSTVX0123456789,.", max_size=40)
_VNI_TEXT = st.text(alphabet=_LOWER_LETTERS + _LOWER_LETTERS.upper() + " 0123456789,.", max_size=40)


@settings(max_examples=40, deadline=None)
@given(_TCVN3_TEXT)
def test_tcvn3_round_trip(text: str) -> None:
    assert tcvn3_to_unicode(tcvn3(text)) == text


@settings(max_examples=40, deadline=None)
@given(_VNI_TEXT)
def test_vni_round_trip(text: str) -> None:
    assert vni_to_unicode(vni(text)) == text


# -- which encoding a sheet was typed in -----------------------------------------------------------

HEADERS = ["Năm", "Tỉnh", "Xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận"]


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (lambda s: s, "unicode"),
        (tcvn3, "tcvn3"),
        (vni, "vni"),
        (lambda s: unicodedata.normalize("NFD", s), "unicode"),
    ],
    ids=["unicode", "tcvn3", "vni", "nfd"],
)
def test_detect_encoding_from_the_header_row_under_a_title(
    encode: Callable[[str], str], expected: str
) -> None:
    rows: list[list[object]] = [
        [encode("BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP")],
        [],
        [encode(h) for h in HEADERS],
        [
            "2025",
            encode("Quảng Ngãi"),
            encode("Xã Đăk Long"),
            "gia_dinh",
            "9.120",
            "7.000",
            "6.100",
        ],
    ]
    found = detect_encoding(rows)
    assert found is not None
    name, table = found
    assert name == expected
    assert (table.kind, table.header_idx) == ("results", 2)
    assert table.cols == {
        "year": 0,
        "province": 1,
        "commune": 2,
        "indicator": 3,
        "total": 4,
        "registered": 5,
        "recognized": 6,
    }


def test_detect_encoding_without_a_header_row() -> None:
    assert detect_encoding([["Danh sách gửi kèm"], ["Xã Đăk Long", "đã nộp"]]) is None
    assert detect_encoding([]) is None
