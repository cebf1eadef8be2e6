"""Layer rule (README, "Layout"): pages → metrics functions → the store.

`metrics` never imports Streamlit, so the CLI, exports and tests share it; the dashboard holds
no SQL. The checkers are tested on planted violations first, so a pass means something."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from source_ast import parse

ROOT = Path(__file__).resolve().parent.parent
METRICS_FILES = sorted((ROOT / "metrics").rglob("*.py"))
DASHBOARD_FILES = sorted((ROOT / "dashboard").rglob("*.py"))

SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(OR\s+REPLACE\s+)?(TABLE|VIEW)\b|DROP\s+TABLE\b|ATTACH\s)"
)
SQL_CALLS = {"execute", "executemany", "sql", "query", "query_frame", "first_row"}


def streamlit_imports(source: str) -> list[str]:
    """Every way a module names streamlit in an import, static or dynamic."""
    found = []
    for node in ast.walk(parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "streamlit"]
        elif isinstance(node, ast.ImportFrom):
            if node.module and node.module.split(".")[0] == "streamlit" and node.level == 0:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.split(".")[0] == "streamlit"
                ):
                    found.append(arg.value)
    return found


def sql_in_source(source: str) -> list[str]:
    """SQL keywords in the source text and calls that run SQL on a connection."""
    found = [m.group(0).strip() for m in SQL.finditer(source)]
    for node in ast.walk(parse(source)):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in SQL_CALLS:
                found.append(f"{name}()")
    return found


# -- the checkers catch what they must ------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import streamlit.components.v1 as components",
        "from streamlit import session_state",
        "from streamlit.testing.v1 import AppTest",
        "def f():\n    import streamlit\n",
        "import importlib\nst = importlib.import_module('streamlit')",
        "st = __import__('streamlit')",
    ],
)
def test_streamlit_import_checker_catches(source: str) -> None:
    assert streamlit_imports(source) != []


def test_streamlit_import_checker_ignores_lookalikes() -> None:
    assert (
        streamlit_imports(
            "import streamlit_extras_not\nfrom . import streamlit_like\nx = 'streamlit'"
        )
        == []
    )


@pytest.mark.parametrize(
    "source",
    [
        'rows = con.execute("SELECT * FROM observations").fetchall()',
        "frame = query_frame(con, sql)",
        'q = f"""\n  SELECT id\n  FROM localities"""',
        "con.sql(text)",
        '"DELETE FROM targets"',
    ],
)
def test_sql_checker_catches(source: str) -> None:
    assert sql_in_source(source) != []


def test_sql_checker_ignores_ordinary_text() -> None:
    assert sql_in_source('st.selectbox("Select a province", options)\nlabel = "Chọn tỉnh"') == []


# -- the real code ----------------------------------------------------------------------------------


def test_metrics_has_modules_to_check() -> None:
    names = {p.relative_to(ROOT / "metrics").as_posix() for p in METRICS_FILES}
    assert {
        "store/__init__.py",
        "registers.py",
        "name_lookup.py",
        "demo/__init__.py",
        "cli/__init__.py",
        "indicators.py",
    } <= names


@pytest.mark.parametrize("path", METRICS_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_metrics_module_does_not_import_streamlit(path: Path) -> None:
    assert streamlit_imports(path.read_text(encoding="utf-8")) == []


def test_importing_all_of_metrics_does_not_load_streamlit() -> None:
    # Indirect imports count too: import every module in a fresh interpreter.
    modules = [
        "metrics." + ".".join(p.relative_to(ROOT / "metrics").with_suffix("").parts)
        for p in METRICS_FILES
        if p.name not in ("__init__.py", "__main__.py")  # __main__ runs the CLI
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_the_core_loads_no_inputs_demo_or_outputs() -> None:
    # The progress maths, the per-locality progress and the named queries sit under the imports,
    # the demo builder and the documents: importing them (in a fresh interpreter, so that
    # indirect imports count) loads none of those.
    code = (
        "import sys\n"
        "import metrics.progress, metrics.locality_progress, metrics.queries\n"
        "print(sorted(m for m in sys.modules if m.startswith('metrics.')))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr
    loaded = ast.literal_eval(res.stdout.strip())
    assert "metrics.locality_progress" in loaded  # the list is of what was loaded
    above = ("metrics.inputs", "metrics.demo", "metrics.outputs")
    assert [m for m in loaded if m in above or m.startswith(tuple(a + "." for a in above))] == []


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dashboard_holds_no_sql(path: Path) -> None:
    assert sql_in_source(path.read_text(encoding="utf-8")) == []


# The store layer (metrics/store/: schema, writes, opening, copies, checks) and the named queries
# (metrics/queries/) hold every SQL statement of the core; everything else calls them.
SQL_FOLDERS = ("store/", "queries/")
SQL_MODULES = {
    "signin_state.py",  # the sign-in state's own tables (SQLite beside the accounts, or the store's PostgreSQL)
}
# registers.py reads the SQLite file that the PyPI register ships (not our store).
SQL_EXEMPT = {"registers.py": ["SELECT", "execute()"]}


@pytest.mark.parametrize("path", METRICS_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_metrics_sql_lives_only_in_the_store_and_query_modules(path: Path) -> None:
    rel = path.relative_to(ROOT / "metrics").as_posix()
    if rel in SQL_MODULES or rel.startswith(SQL_FOLDERS):
        return
    found = sql_in_source(path.read_text(encoding="utf-8"))
    assert [f for f in found if f not in SQL_EXEMPT.get(rel, [])] == []
