"""The indicator registry (data/indicators.toml) as validated pydantic models."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from metrics.config import DATA_DIR
from metrics.normalise import key

LevelId = Literal["tot", "kha", "trung_binh", "muc_do_1", "muc_do_2"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NationalTarget(Strict):
    year: int = Field(ge=2021, le=2035)
    percent: float = Field(ge=0, le=100)
    source: str = Field(min_length=5)
    confirmed: bool


class Model(Strict):
    """A group of indicators. Most are the "mô hình học tập" the decisions name (gia đình học tập,
    dòng họ học tập, …); `is_model = false` groups an indicator that is not one (cán bộ khuyến
    học), so no heading calls it "Xây dựng mô hình …"."""

    id: str
    label_vi: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    is_model: bool = True

    def heading_vi(self) -> str:
        return f"Xây dựng mô hình “{self.label_vi}”" if self.is_model else self.label_vi


class Level(Strict):
    id: LevelId
    label_vi: str
    label_en: str
    scheme: str
    aliases: list[str]

    def label(self, lang: str = "vi") -> str:
        return self.label_vi if lang == "vi" else self.label_en


class Document(Strict):
    """A decision that sets national targets, named in full as reports cite it ("Quyết định số
    387/QĐ-TTg ngày 25/3/2022 của Thủ tướng Chính phủ …"), found in a source by its number."""

    number: str = Field(min_length=3)  # "387/QĐ-TTg"
    name_vi: str = Field(min_length=10)


class Indicator(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    model: str
    order: int
    label_vi: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    short_vi: str = Field(min_length=1)
    short_en: str = Field(min_length=1)
    numerator_vi: str = Field(min_length=1)
    denominator_vi: str = Field(min_length=1)
    numerator_en: str = Field(min_length=1)
    denominator_en: str = Field(min_length=1)
    unit: Literal["%"]
    count_unit_vi: str = Field(min_length=1)
    count_unit_en: str = Field(min_length=1)
    levels: list[LevelId]
    aliases: list[str] = Field(min_length=1)
    legal_basis: str = Field(min_length=5)
    legal_basis_en: str = Field(
        min_length=5
    )  # the documents keep their names; the words between them are English
    # "commune": reported by communes and summed upwards; "province": reported by provincial
    # (and former district) bodies only.
    level_scope: Literal["commune", "province"]
    national_target: list[NationalTarget]
    # How the programme's decisions and the plans restating them word a target of this
    # indicator, its base included ("{pct} người lớn trong gia đình học tập, …"): documents
    # quote a target in these words, not in the dashboard's own label. None: no national target.
    # Decided by the province for every commune of its register (Thông tư 25/2023): a province's
    # rate has every commune as its base, and a commune without a result was not recognised.
    register_base: bool = False
    # The label where the unit's level names the title better ("Đơn vị học tập cấp huyện" for
    # a former district's own units), by locality level.
    label_at_vi: dict[str, str] = Field(default_factory=dict)
    target_words_vi: str | None = Field(default=None, pattern=r"\{pct\}")

    def target_phrase(self, pct: str) -> str:
        """A target as the plans word it: "85% gia đình được công nhận đạt danh hiệu “Gia đình
        học tập”"; without registered words, the rate's own words after the percentage."""
        if self.target_words_vi:
            return self.target_words_vi.format(pct=pct)
        counted = self.numerator_vi.removeprefix("Số ")
        return f"{pct} {counted[0].lower()}{counted[1:]}"

    # The registry holds each indicator's words in both languages; these pick one.
    def label(self, lang: str = "vi", short: bool = False) -> str:
        if lang == "vi":
            return self.short_vi if short else self.label_vi
        return self.short_en if short else self.label_en

    def label_at(self, level: str) -> str:
        """The Vietnamese label as a unit of `level` says it (label_at_vi), else label_vi."""
        return self.label_at_vi.get(level, self.label_vi)

    def count_unit(self, lang: str = "vi") -> str:
        """What the indicator counts, as a count reads: "4.777/8.645 hộ" (households)."""
        return self.count_unit_en if lang == "en" else self.count_unit_vi

    def numerator(self, lang: str = "vi") -> str:
        return self.numerator_vi if lang == "vi" else self.numerator_en

    def denominator(self, lang: str = "vi") -> str:
        return self.denominator_vi if lang == "vi" else self.denominator_en

    def basis(self, lang: str = "vi") -> str:
        return self.legal_basis if lang == "vi" else self.legal_basis_en

    def national_target_for(self, year: int) -> NationalTarget | None:
        for t in self.national_target:
            if t.year == year:
                return t
        return None


class Title(Strict):
    """A title the register of recognitions holds that is no rate: one place assessed as a
    whole above the commune ("Cộng đồng học tập cấp huyện", "cấp tỉnh", Thông tư 25/2023),
    recognised at a level, not recognised, or not yet assessed there."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label_vi: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    short_vi: str = Field(min_length=1)
    short_en: str = Field(min_length=1)
    count_unit_vi: str = Field(min_length=1)
    count_unit_en: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)
    levels: list[LevelId]
    # The locality levels the title is assessed at (old_district, province, old_province).
    places: list[Literal["old_district", "old_province", "province"]] = Field(min_length=1)
    legal_basis: str = Field(min_length=5)
    # The last results' year the title is assessed for (districts: 2024, gone from 7/2025).
    assessed_until: int | None = None

    def label(self, lang: str = "vi", short: bool = False) -> str:
        if lang == "vi":
            return self.short_vi if short else self.label_vi
        return self.short_en if short else self.label_en

    def label_at(self, level: str) -> str:
        return self.label_vi

    def count_unit(self, lang: str = "vi") -> str:
        return self.count_unit_en if lang == "en" else self.count_unit_vi


class Registry(Strict):
    model: list[Model]
    indicator: list[Indicator]
    level: list[Level]
    document: list[Document] = Field(default_factory=list)
    title: list[Title] = Field(default_factory=list)
    _by_key: dict[str, Indicator] | None = PrivateAttr(default=None)
    _titles_by_key: dict[str, Title] | None = PrivateAttr(default=None)

    def title_by_id(self, title_id: str) -> Indicator | Title:
        """A register title: an indicator's (don_vi, cong_dong_xa …) or one of the titles above
        the commune (cong_dong_huyen, cong_dong_tinh)."""
        for t in self.title:
            if t.id == title_id:
                return t
        return self.by_id(title_id)

    def resolve_title(self, text: str) -> Indicator | Title | None:
        """An indicator or a title above the commune by its id or any alias."""
        if self._titles_by_key is None:
            self._titles_by_key = {
                key(alias): t
                for t in self.title
                for alias in (t.id, t.label_vi, t.label_en, t.short_vi, *t.aliases)
            }
        return self._titles_by_key.get(key(text)) or self.resolve_alias(text)

    def register_based(self) -> list[str]:
        """The indicators whose base is every commune of the register (Indicator.register_base)."""
        return [i.id for i in self.indicator if i.register_base]

    @model_validator(mode="after")
    def _cross_checks(self) -> Registry:
        model_ids = {m.id for m in self.model}
        ids = [i.id for i in self.indicator]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique")
        seen: dict[str, str] = {}
        for title in self.title:
            if title.id in ids:
                raise ValueError(f"title {title.id} is also an indicator")
            for alias in [title.id, title.label_vi, title.label_en, title.short_vi, *title.aliases]:
                seen[key(alias)] = title.id
        for ind in self.indicator:
            if ind.model not in model_ids:
                raise ValueError(f"{ind.id}: unknown model {ind.model!r}")
            # Every name resolve_alias() accepts, so no name can silently mean two indicators.
            for alias in [ind.id, ind.label_vi, ind.label_en, ind.short_vi, *ind.aliases]:
                k = key(alias)
                if k in seen and seen[k] != ind.id:
                    raise ValueError(f"alias {alias!r} names both {seen[k]} and {ind.id}")
                seen[k] = ind.id
            years = [t.year for t in ind.national_target]
            if len(years) != len(set(years)):
                raise ValueError(f"{ind.id}: two national targets for one year")
        return self

    def by_id(self, indicator_id: str) -> Indicator:
        for ind in self.indicator:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def ids(self) -> list[str]:
        return [i.id for i in sorted(self.indicator, key=lambda i: i.order)]

    def ordered(self) -> list[Indicator]:
        return sorted(self.indicator, key=lambda i: i.order)

    def in_model_order(self) -> list[Indicator]:
        """As reports list them: by model, models as the registry lists them (gia đình, dòng họ,
        cộng đồng thôn, đơn vị, công dân, cộng đồng xã, then cán bộ khuyến học), each model's
        indicators by `order`."""
        rank = {m.id: n for n, m in enumerate(self.model)}
        return sorted(self.indicator, key=lambda i: (rank[i.model], i.order))

    def documents_cited(self, text: str) -> list[Document]:
        """The registered documents a source text cites by number, in the order it cites them."""
        found = []
        for doc in self.document:
            m = re.search(rf"(?<![\d/]){re.escape(doc.number)}", text)
            if m is not None:
                found.append((m.start(), doc))
        return [doc for _, doc in sorted(found, key=lambda pair: pair[0])]

    def resolve_alias(self, text: str) -> Indicator | None:
        """An indicator id or any alias users write for it (case, marks and spacing ignored)."""
        if self._by_key is None:
            # Built once: an import resolves every row's indicator (30.000 rows: 1,5 million
            # key() calls when each call folded every alias again).
            by_key: dict[str, Indicator] = {}
            for ind in self.indicator:
                for alias in (ind.id, ind.label_vi, ind.label_en, ind.short_vi, *ind.aliases):
                    by_key.setdefault(key(alias), ind)  # the first indicator listed wins, as before
            self._by_key = by_key
        return self._by_key.get(key(text))

    def level_label(self, level_id: str, lang: str = "vi") -> str:
        for lv in self.level:
            if lv.id == level_id:
                return lv.label(lang)
        raise KeyError(level_id)


def load_registry(path: Path | None = None) -> Registry:
    with open(path or DATA_DIR / "indicators.toml", "rb") as fh:
        return Registry.model_validate(tomllib.load(fh))


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load_registry()
