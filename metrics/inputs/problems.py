"""What a refused file is told: each problem with its sheet, row and column, and the refusal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    sheet: str
    row: int | None  # as the spreadsheet numbers it (1-based)
    column: str | None  # the header label the user sees, not a column id
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = [f"trang “{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
