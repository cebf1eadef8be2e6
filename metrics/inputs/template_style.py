"""The look the import templates share (xlsxwriter format properties): the header row, the
sheet's title, the guide's text and a bordered cell."""

from __future__ import annotations

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
