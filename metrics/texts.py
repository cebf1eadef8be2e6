"""The catalogue of texts a user sees (data/texts.toml), in Vietnamese and English.

Pages (through dashboard.i18n.t), figures and exports ask for text by key:
`text("cards_heading", lang, year=2025)`. The catalogue is loaded and checked once: every key
has a non-empty Vietnamese and English text and nothing else. No Streamlit here.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from metrics.config import DATA_DIR

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
TEXTS_PATH = DATA_DIR / "texts.toml"


class CatalogueError(ValueError):
    """data/texts.toml is malformed: a key lacks a language, has an empty text or an unknown field."""


def validate(raw: dict[str, object]) -> dict[str, dict[str, str]]:
    """The catalogue as key → {vi, en}; every problem found is listed in one CatalogueError."""
    problems: list[str] = []
    catalogue: dict[str, dict[str, str]] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            problems.append(f"{key}: expected a table {{vi = ..., en = ...}}")
            continue
        for lang in LANGS:
            value = entry.get(lang)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{key}: missing or empty {lang!r} text")
        extra = sorted(set(entry) - set(LANGS))
        if extra:
            problems.append(f"{key}: unknown field(s) {', '.join(extra)}")
        catalogue[key] = {lang: entry.get(lang, "") for lang in LANGS}
    if problems:
        raise CatalogueError("data/texts.toml: " + "; ".join(problems))
    return catalogue


def load(path: Path | None = None) -> dict[str, dict[str, str]]:
    with open(path or TEXTS_PATH, "rb") as fh:
        return validate(tomllib.load(fh))


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return load()


def text(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for `key` in `lang` (Vietnamese for an unknown language), formatted with `fmt`."""
    entry = catalogue()[key]
    value = entry[lang if lang in LANGS else DEFAULT_LANG]
    return value.format(**fmt) if fmt else value


# The levels of units (metrics.store.schema's codes). Their words are the catalogue's
# level_<code>, scope_<code> and units_<code>.
LEVELS = ("country", "province", "commune", "old_province", "old_district", "old_commune")
# Who may set a target (scope_<code>) and whose reports make up a figure (units_<code>).
SCOPE_LEVELS = ("country", "province", "commune", "old_province", "old_district", "old_commune")
UNIT_LEVELS = ("province", "commune", "old_province", "old_district", "old_commune")


def pace_words(pace: float, lang: str = DEFAULT_LANG) -> str:
    """The pace still needed, the one way every page, export and the CLI say it: "5,9 điểm
    phần trăm mỗi năm" ("5.9 percentage points a year")."""
    from metrics.fmt import fmt_num

    return text("pace_per_year", lang, pace=fmt_num(pace, lang=lang))


def level_word(kind: str, code: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """The words for a level's code: kind "level" ("tỉnh, thành phố"), "scope" (who set a
    target: "tỉnh" / "provincial") or "units" (whose reports: "huyện cũ" / "former districts").
    None stays None; a code the catalogue lacks is returned as it is."""
    if code is None:
        return None
    key = f"{kind}_{code}"
    return text(key, lang) if key in catalogue() else code
