"""Figures brought in from the spreadsheets data officers already have: the public API.

A file goes reading (bytes → sheets) → layouts (where the table is) → rules (every row
checked, each problem named by sheet, row, column and fix, in Vietnamese) → flow (what it would
change; written all or nothing as one batch). Also here: legacy encodings and the templates.
"""

from metrics.inputs.cells import parse_count, parse_percent
from metrics.inputs.checking import CheckedSheet
from metrics.inputs.flow import NOTHING_NEW, ImportResult, check_file, import_file, write_checked
from metrics.inputs.layouts import Table, detect_encoding, find_table
from metrics.inputs.legacy_encodings import (
    CONVERTERS,
    ENCODING_LABEL,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from metrics.inputs.limits import MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS
from metrics.inputs.lookups import previously_imported
from metrics.inputs.problems import ImportRefused, Problem
from metrics.inputs.reading import read_workbook
from metrics.inputs.rules import DEFAULT_RULES, Rule
from metrics.inputs.templates import TEMPLATE_FILE_NAMES, build_template

__all__ = [
    "CONVERTERS",
    "DEFAULT_RULES",
    "ENCODING_LABEL",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "NOTHING_NEW",
    "TEMPLATE_FILE_NAMES",
    "CheckedSheet",
    "ImportRefused",
    "ImportResult",
    "Problem",
    "Rule",
    "Table",
    "build_template",
    "check_file",
    "detect_encoding",
    "find_table",
    "import_file",
    "parse_count",
    "parse_percent",
    "previously_imported",
    "read_workbook",
    "tcvn3_to_unicode",
    "vni_to_unicode",
    "write_checked",
]
