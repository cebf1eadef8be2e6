"""Which language this session uses, and its texts. Pages ask for text by key: t("heading").

The texts themselves are data (data/texts.toml, through metrics.texts); this module only adds
the session's language."""

from __future__ import annotations

import streamlit as st

from metrics.progress import STATUS_STYLE, Status
from metrics.texts import SCOPE_LEVELS, level_word, text

LANGS = {"vi": "Tiếng Việt", "en": "English"}


def lang() -> str:
    value = st.session_state.get("lang", "vi")
    return value if value in LANGS else "vi"


def t(key: str, **kwargs: object) -> str:
    return text(key, lang(), **kwargs)


def unit_type(word: str) -> str:
    """A unit's type word ("Xã", "Tỉnh") in the session's language; a word the catalogue lacks, as is."""
    from metrics.normalise import fold
    from metrics.texts import catalogue

    key = "unit_type_" + fold(word).replace(" ", "_")
    return t(key) if key in catalogue() else word


def unit_types() -> dict[str, str]:
    """Every unit type word → its word in the session's language, for `pl.col(...).replace`
    (polars' worker threads do not see the session)."""
    from metrics.name_parts import UNIT_TYPES

    return {word: unit_type(word) for word in UNIT_TYPES}


def status_badge(status: str, target_year: int | None = None) -> str:
    """Symbol + words + colour (HTML span); colour is never the only carrier. A missed target
    names its year (Status.label_for)."""
    style = STATUS_STYLE[Status(status)]
    return (
        f"<span style='color:{style.colour};font-weight:600'>"
        f"{Status(status).label_for(target_year, lang(), symbol=True)}</span>"
    )


def ind_label(indicator_id: str, short: bool = False) -> str:
    from metrics.indicators import registry

    return registry().title_by_id(indicator_id).label(lang(), short=short)


def ind_labels(short: bool = False) -> dict[str, str]:
    """Every indicator's label in the session's language, for `pl.col(...).replace_strict`:
    polars runs `map_elements` on worker threads, where the session (and its language) is unseen."""
    from metrics.indicators import registry

    return {ind.id: ind.label(lang(), short=short) for ind in registry().indicator}


def scope_names() -> dict[str, str]:
    """Who set a target, code → words as a table column says them: "quốc gia" / "national"."""
    return {code: level_word("scope", code, lang()) or code for code in SCOPE_LEVELS}


def scope_text(scope: str | None) -> str:
    """ "mục tiêu quốc gia" / "national target" for a level's code (IndicatorProgress.target_scope)."""
    if scope is None:
        return ""
    return t("scope_target", scope=level_word("scope", scope, lang()))
