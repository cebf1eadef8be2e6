"""Where the store lives: --db, else $XHHT_DB, else a git-ignored default beside the project."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = PROJECT_ROOT / ".xhht" / "xhht.duckdb"
ENV_DB = "XHHT_DB"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_DB)
    if from_env:
        return Path(from_env)
    return DEFAULT_DB
