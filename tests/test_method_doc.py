"""The written method (docs/method.md and its English twin) says what the code does: the
thresholds, the base year, the projection window and the target years are the code's own."""

from __future__ import annotations

import re

from metrics import progress as pm
from metrics.fmt import fmt_num
from metrics.method_doc import method_text


def headings(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def test_both_languages_have_the_same_sections() -> None:
    vi, en = headings(method_text("vi")), headings(method_text("en"))
    assert vi == ["Mục tiêu áp dụng", "Cách tính tỷ lệ", "Cách đánh giá tiến độ", "Sổ công nhận"]
    assert en == [
        "Which target applies",
        "How rates are computed",
        "How progress is judged",
        "The register of recognitions",
    ]


def test_the_register_s_rules_are_the_code_s() -> None:
    from metrics.circulars import CIRCULARS, RESULT_LABEL

    text = " ".join(method_text("vi").split())  # as read: a line break is a space
    for circular in CIRCULARS:
        if circular.id == "chuong_trinh":
            continue
        assert circular.name in text
        if circular.results:
            first, second = circular.results[:2]
            assert f"{RESULT_LABEL[first]}, {RESULT_LABEL[second]}" in text
        for also in circular.also:
            assert f'"{RESULT_LABEL[also]}"' in text
        if circular.valid_years > 1:
            assert f"hiệu lực {circular.valid_years} năm" in text
        if circular.criteria and circular.id == "tt25_2023":
            assert f"{circular.criteria} tiêu chí" in text


def test_the_vietnamese_method_states_the_codes_thresholds() -> None:
    text = method_text("vi")
    assert f"tỷ số ≥ {fmt_num(pm.ON_TRACK_RATIO, 2)}" in text
    assert f"tỷ số ≥ {fmt_num(pm.TOO_SLOW_RATIO, 2)}" in text
    assert f"tỷ số ≥ {fmt_num(pm.LIMITED_RATIO, 0)}" in text
    assert f"từ năm {pm.BASELINE_FIRST_YEAR}" in text
    assert f"qua {pm.PROJECTION_WINDOW} năm gần nhất" in text
    assert (
        "(" + ", ".join(str(y) for y in pm.TARGET_YEARS[:-1]) + f" hoặc {pm.TARGET_YEARS[-1]})"
        in text
    )


def test_the_english_method_states_the_codes_thresholds() -> None:
    text = method_text("en")
    assert f"ratio ≥ {pm.ON_TRACK_RATIO:.2f}" in text
    assert f"≥ {pm.TOO_SLOW_RATIO:.2f}" in text
    assert f"from {pm.BASELINE_FIRST_YEAR}" in text
    assert f"last {pm.PROJECTION_WINDOW} years" in text


def test_no_file_in_the_repository_cites_documents_outside_it() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    outside = re.compile(r"DESIGN\.md|STYLE\.md|shared/seeds")
    cited = [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".md", ".toml"}
        and ".venv" not in p.parts
        and p.name != Path(__file__).name
        and outside.search(p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert cited == []
