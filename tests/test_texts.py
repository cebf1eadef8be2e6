"""The text catalogue (data/texts.toml): every key in both languages, every key used in code
present, every key present used. The checkers are tried on planted faults first."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest
from source_ast import parse

from metrics import texts
from metrics.progress import Status

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "metrics").rglob("*.py"), *(ROOT / "dashboard").rglob("*.py")])
TEXT_CALLS = {"t", "text"}  # dashboard.i18n.t(key, ...) and metrics.texts.text(key, lang, ...)


def raw_catalogue() -> dict[str, object]:
    with open(texts.TEXTS_PATH, "rb") as fh:
        return tomllib.load(fh)


def keys_used(source: str) -> set[str]:
    """Keys named as a literal first argument of t(...) / text(...) / texts.text(...)."""
    found = set()
    for node in ast.walk(parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Name):
            is_text_call = func.id in TEXT_CALLS
        else:  # texts.text(...); not other objects' .text() (a spreadsheet row's cell, say)
            is_text_call = (
                isinstance(func, ast.Attribute)
                and func.attr == "text"
                and isinstance(func.value, ast.Name)
                and func.value.id == "texts"
            )
        arg = node.args[0]
        if is_text_call and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
    return found


def dynamic_keys() -> set[str]:
    """Keys built from a value, not written out: Status.label reads status_<value>,
    dashboard.i18n.unit_type reads unit_type_<the folded type word>, texts.level_word reads
    level_<code>, scope_<code> and units_<code>, recognitions.title_words
    recognition_title_<title>."""
    from metrics.name_parts import UNIT_TYPES
    from metrics.normalise import fold

    levels = (
        {f"level_{c}" for c in texts.LEVELS}
        | {f"scope_{c}" for c in texts.SCOPE_LEVELS}
        | {f"units_{c}" for c in texts.UNIT_LEVELS}
    )
    from metrics.circulars import REGISTER_TITLES

    return (
        {f"status_{s.value}" for s in Status}
        | {f"recognition_title_{t}" for t in REGISTER_TITLES}
        | {"unit_type_" + fold(word).replace(" ", "_") for word in UNIT_TYPES}
        | levels
    )


def all_keys_used() -> set[str]:
    used = set(dynamic_keys())
    for path in SOURCES:
        used |= keys_used(path.read_text(encoding="utf-8"))
    return used


# --- the checkers, on planted faults ------------------------------------------------------------


def test_validate_rejects_a_missing_language() -> None:
    with pytest.raises(texts.CatalogueError, match="only_vi: missing or empty 'en'"):
        texts.validate({"only_vi": {"vi": "Năm"}})
    with pytest.raises(texts.CatalogueError, match="only_en: missing or empty 'vi'"):
        texts.validate({"only_en": {"en": "Year"}})


def test_validate_rejects_empty_text_and_unknown_fields() -> None:
    with pytest.raises(texts.CatalogueError, match="blank: missing or empty 'vi'"):
        texts.validate({"blank": {"vi": "  ", "en": "Year"}})
    with pytest.raises(texts.CatalogueError, match="extra: unknown field"):
        texts.validate({"extra": {"vi": "Năm", "en": "Year", "fr": "Année"}})
    with pytest.raises(texts.CatalogueError, match="flat: expected a table"):
        texts.validate({"flat": "Năm"})


def test_keys_used_finds_literal_calls_only() -> None:
    source = 't("a")\ntext("b", "en", year=1)\ntexts.text("c", lang)\nt(name)\nprint("d")\nrow.text("e")\n'
    assert keys_used(source) == {"a", "b", "c"}


# --- the catalogue ---------------------------------------------------------------------------------


def test_every_key_has_vietnamese_and_english() -> None:
    for key, entry in raw_catalogue().items():
        assert isinstance(entry, dict), key
        assert set(entry) == {"vi", "en"}, key
        for lang in ("vi", "en"):
            assert isinstance(entry[lang], str) and entry[lang].strip(), f"{key}: empty {lang}"
    texts.load()  # and the loader's own checks pass


def test_every_key_used_in_code_is_in_the_catalogue() -> None:
    missing = sorted(all_keys_used() - set(texts.catalogue()))
    assert not missing, f"keys used in code but missing from data/texts.toml: {missing}"


def test_every_catalogue_key_is_used() -> None:
    unused = sorted(set(texts.catalogue()) - all_keys_used())
    assert not unused, f"keys in data/texts.toml that no code uses: {unused}"


def test_placeholders_are_plain_names() -> None:
    # "{year}" and "{pct}", never positional "{}" (the caller names what it fills in).
    for key, entry in texts.catalogue().items():
        for lang, value in entry.items():
            for _, field, _, _ in string.Formatter().parse(value):
                if field is not None:
                    assert field.isidentifier(), f"{key} ({lang}): placeholder {{{field}}}"


def test_text_formats_and_falls_back_to_vietnamese() -> None:
    assert texts.text("cards_heading", "vi", year=2025) == "Các chỉ tiêu năm 2025"
    assert texts.text("cards_heading", "en", year=2025) == "Indicators in 2025"
    assert texts.text("year", "fr") == "Năm"
    with pytest.raises(KeyError):
        texts.text("no_such_key", "vi")


def test_status_order_is_declaration_order() -> None:
    from metrics.progress import STATUS_STYLE

    assert Status.ordered() == list(Status)
    assert [STATUS_STYLE[s].order for s in Status] == list(range(len(Status)))
    assert Status.TOO_SLOW.label("en", symbol=True) == "► Progress too slow"


def test_pace_words_one_sentence_in_both_languages() -> None:
    assert texts.pace_words(5.9) == "5,9 điểm phần trăm mỗi năm"
    assert texts.pace_words(6, "en") == "6 percentage points a year"


# --- texts a user sees live in the catalogue ------------------------------------------------------

# A letter only Vietnamese writes (a vowel with its tone or hat, đ): a string holding one is words.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
WORDS_CHECKED = ("dashboard/views", "metrics/outputs")
# Files whose Vietnamese literals have not moved to data/texts.toml yet: none are left. This list
# only shrinks: a file that no longer holds any must leave it, and no file joins it.
WORDS_PENDING: frozenset[str] = frozenset()


def vietnamese_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal holding Vietnamese letters, docstrings aside (they
    describe the code to its reader); the pieces of an f-string count."""
    tree = parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and VIETNAMESE.search(node.value)
    )


def test_vietnamese_literals_found_on_planted_source() -> None:
    planted = '''"""Trang thử: a docstring is not a text."""
label = "Năm"
line = f"Cần tăng {pace} điểm"
key = "gia_dinh"


def f() -> str:
    """Xã: nor is a function's docstring."""
    return "xã"
'''
    assert vietnamese_literals(planted) == [(2, "Năm"), (3, " điểm"), (3, "Cần tăng "), (9, "xã")]


def test_pages_and_exports_take_their_words_from_the_catalogue() -> None:
    found = {}
    for folder in WORDS_CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            literals = vietnamese_literals(path.read_text(encoding="utf-8"))
            if literals or where in WORDS_PENDING:
                found[where] = literals
    new = {f: lits[:3] for f, lits in found.items() if lits and f not in WORDS_PENDING}
    assert not new, f"Vietnamese literals outside data/texts.toml (use texts.text / t): {new}"
    done = sorted(f for f in WORDS_PENDING if not found.get(f))
    assert not done, f"no Vietnamese literal left: remove from WORDS_PENDING: {done}"
