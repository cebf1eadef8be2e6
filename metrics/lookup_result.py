"""What a name look-up answers (metrics/name_lookup.py): the purpose it was asked for, the candidate
units as users read them, and the resolution (one unit, several, or none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal


class Purpose(Enum):
    """Why a text is resolved: the same words mean a different unit to someone looking at
    figures and in a row of a report."""

    VIEW_FIGURES = "view_figures"  # progress, export, the pages: today's unit and its history
    IMPORT_ROW = "import_row"  # a report's row: the row's year picks the register


CODE_WIDTH = {"province": 2, "old_province": 2, "old_district": 3, "commune": 5, "old_commune": 5}


@dataclass
class Candidate:
    id: str
    level: str
    era: str
    code: str | None
    name: str
    label: str  # "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "era": self.era,
            "code": self.code,
            "name": self.name,
            "label": self.label,
        }


@dataclass
class Resolution:
    status: Literal["ok", "ambiguous", "not_found"]
    query: str
    locality: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "query": self.query,
            "locality": self.locality.as_dict() if self.locality else None,
            "candidates": [c.as_dict() for c in self.candidates],
            "message": self.message,
        }
