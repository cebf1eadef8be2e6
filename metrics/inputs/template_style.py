"""The look and the pieces the import templates share: the header row, the sheet's title, the
guide's text and a bordered cell (xlsxwriter format properties); a form's data sheet and guide,
its drop-downs' choices listed on the guide and the rules that offer them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from metrics.fmt import EXCEL_DATE_FORMAT

HEADER_ROW = 2  # 0-based: the title, a blank row, then the headers
FIRST_DATA_ROW = HEADER_ROW + 1  # the sample row
MAX_TEMPLATE_ROW = 20_000  # the drop-downs reach this row

HEAD = {
    "bold": True,
    "bg_color": "#DCE6F1",
    "border": 1,
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
}
TITLE = {"bold": True, "font_size": 13}
TEXT = {"text_wrap": True, "valign": "top"}
CELL = {"border": 1}


@dataclass
class FormSheets:
    """A form's sheets as form_sheets leaves them: `row`, the guide's last row written."""

    data: Worksheet
    guide: Worksheet
    row: int
    title: Format
    text: Format

    def choice_list(self, named: str, choices: Sequence[str]) -> str:
        """A drop-down's choices listed on the guide under "Danh sách chọn của cột …:" (a list
        with commas in its words, as the titles have, cannot be written into the rule itself);
        the range a rule reads them from."""
        self.row += 2
        self.guide.write(self.row, 0, f"Danh sách chọn của cột {named}:", self.title)
        first = self.row + 1
        for choice in choices:
            self.row += 1
            self.guide.write(self.row, 0, choice, self.text)
        return f"='{self.guide.get_name()}'!$A${first + 1}:$A${self.row + 1}"

    def pick_from(self, header: str, col: int, source: str) -> None:
        """The drop-down of column `col` below the headers, from `source`: a warning, not a stop
        (the importer reads other spellings too: "Loại tốt", "x" for a criterion met, an id)."""
        self.data.data_validation(
            FIRST_DATA_ROW,
            col,
            MAX_TEMPLATE_ROW,
            col,
            {
                "validate": "list",
                "source": source,
                "error_type": "warning",
                "error_title": header,
                "error_message": "Nên chọn trong danh sách (xem trang Hướng dẫn).",
            },
        )


def form_sheets(
    wb: xlsxwriter.Workbook,
    sheets: tuple[str, str],
    titles: tuple[str, str],
    headers: Sequence[str],
    sample: Mapping[str, object],
    notes: Sequence[str],
) -> FormSheets:
    """A form's two sheets in `wb`, named `sheets` (the data, the guide) and headed `titles`:
    the data sheet's headers and its sample row (dates written as dates, day first), frozen
    below them; the guide's notes, a bullet each."""
    head = wb.add_format(HEAD)
    title = wb.add_format(TITLE)
    text = wb.add_format(TEXT)
    cell = wb.add_format(CELL)
    day = wb.add_format({"border": 1, "num_format": EXCEL_DATE_FORMAT})
    data = wb.add_worksheet(sheets[0])
    guide = wb.add_worksheet(sheets[1])

    data.write(0, 0, titles[0], title)
    data.write_row(HEADER_ROW, 0, list(headers), head)
    for c, header in enumerate(headers):
        value = sample[header]
        if isinstance(value, date):
            data.write_datetime(FIRST_DATA_ROW, c, value, day)
        else:
            data.write(FIRST_DATA_ROW, c, value, cell)
    data.freeze_panes(FIRST_DATA_ROW, 0)

    guide.set_column(0, 0, 110)
    guide.write(0, 0, titles[1], title)
    r = 2
    for line in notes:
        guide.write(r, 0, f"• {line}", text)
        r += 1
    return FormSheets(data, guide, r, title, text)
