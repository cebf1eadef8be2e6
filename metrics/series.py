"""A function of each value of a polars Series, worked out in the caller's thread.

Not polars' `map_elements`: polars runs the Python function on its own threads, which wait for
Python's lock, and a page run that holds that lock while it waits for polars' threads (some of
polars' calls do) hangs the whole app process (seen with gdb after writes, when every session's
page is worked out anew). tests/test_gil_safe_calls.py keeps `map_elements` out of the code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def each(values: pl.Series, fn: Callable[[Any], Any], dtype: Any = pl.String) -> pl.Series:  # noqa: ANN401
    """`fn` of each value, None staying None."""
    return pl.Series(values.name, [None if v is None else fn(v) for v in values], dtype=dtype)
