"""The written method (docs/method.md, docs/method.en.md): read for the Phương pháp page."""

from __future__ import annotations

from functools import cache

from metrics.config import PROJECT_ROOT

DOCS_DIR = PROJECT_ROOT / "docs"


@cache
def method_text(lang: str = "vi") -> str:
    """How targets apply, how rates are summed through the 2025 reorganisation, how progress is
    judged: the same text a reader of the repository finds in docs/."""
    name = "method.md" if lang == "vi" else "method.en.md"
    return (DOCS_DIR / name).read_text(encoding="utf-8")
