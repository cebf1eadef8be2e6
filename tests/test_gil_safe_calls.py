"""Calls that hung the app: polars' `map_elements` runs Python on polars' own threads, which wait
for Python's lock, and pyarrow's threaded `to_pandas` waits for its pool while holding it; with
several page runs at once (after a write, when every page is worked out anew) the whole process
stopped. Code the app, the CLI and the exports run works values out in its own thread
(`metrics.series.each`) and converts with `use_threads=False`. The
checker is tried on planted calls first, so a pass means something."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "metrics").rglob("*.py"), *(ROOT / "dashboard").rglob("*.py")])


def unsafe_calls(source: str) -> list[int]:
    """Lines calling `.map_elements(...)`, or `.to_pandas(...)` without `use_threads=False`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "map_elements":
            found.append(node.lineno)
        elif node.func.attr == "to_pandas":
            threads = [k for k in node.keywords if k.arg == "use_threads"]
            off = (
                bool(threads)
                and isinstance(threads[0].value, ast.Constant)
                and threads[0].value.value is False
            )
            if not off:
                found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    "source",
    [
        "x = frame['a'].map_elements(fold, return_dtype=pl.String)",
        "x = pl.col('a').map_elements(f)",
        "df = frame.to_pandas()",
        "df = frame.to_pandas(use_threads=True)",
    ],
)
def test_the_checker_catches(source: str) -> None:
    assert unsafe_calls(source) == [1]


def test_the_checker_lets_the_safe_forms_pass() -> None:
    assert unsafe_calls("df = frame.to_pandas(use_threads=False)\nmap_elements = 1") == []


def test_there_are_files_to_check() -> None:
    assert len(FILES) > 50


def test_no_module_calls_polars_threads_into_python() -> None:
    found = {
        str(p.relative_to(ROOT)): lines
        for p in FILES
        if (lines := unsafe_calls(p.read_text(encoding="utf-8")))
    }
    assert found == {}
