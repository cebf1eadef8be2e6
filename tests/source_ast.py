"""The project's own source as syntax trees, for the tests that read code (layers, texts).

CPython 3.11 keeps one AST recursion counter per interpreter, so `ast.parse` can raise a spurious
SystemError ("AST constructor recursion depth mismatch", python/cpython#106905) while another
thread of the test process (a Streamlit script runner) builds a tree too; parsing again works."""

from __future__ import annotations

import ast
import time

TRIES = 5


def parse(source: str) -> ast.Module:
    for attempt in range(TRIES):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == TRIES - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")
