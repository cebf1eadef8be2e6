"""Shared fixtures: one real demo store per test session, built by the same code as `xhht demo`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metrics.demo import build_demo
from metrics.name_lookup import LocalityIndex
from metrics.store import connect

# The small in-memory `store` / `con` fixtures of tests/small_store.py; a module that defines
# fixtures of the same names (test_import, test_store) uses its own.
pytest_plugins = ("small_store",)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    con = connect(path)
    build_demo(con)
    con.close()
    return path


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator:
    """A throwaway PostgreSQL server on 127.0.0.1 for the session (bench/pg_cluster.py: Debian's
    `postgresql`, password sign-in), stopped after. One per xdist worker that needs it."""
    from bench.pg_cluster import running_cluster

    with running_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def demo_con(demo_db: Path):
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def index(demo_con) -> LocalityIndex:
    return LocalityIndex.from_store(demo_con)


# The people the tests import and roll back as: `--user NAME` must name a known account (an
# unknown one is refused), so these tests read an accounts file where each is an admin (every
# province). One password hash for all: hashing is slow on purpose.
OPERATORS = ("an", "binh", "ngat", "ed51", "can_bo_xa", "kiem.thu", "nguyen.van.a")
OPERATORS += ("tran.van.nam", "nguyen.thi.hoa")


@pytest.fixture(scope="session")
def operators_file(tmp_path_factory) -> Path:
    from metrics.auth import Account, AccountsFile, hash_password, save_accounts

    digest = hash_password("mat-khau-van-hanh")
    accounts = AccountsFile(
        account=[Account(name=n, role="admin", password=digest) for n in OPERATORS]
    )
    return save_accounts(accounts, tmp_path_factory.mktemp("operators") / "accounts.toml")


@pytest.fixture
def operators(operators_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XHHT_ACCOUNTS set to the operators' accounts file, for this test and the processes it
    starts."""
    monkeypatch.setenv("XHHT_ACCOUNTS", str(operators_file))
    return operators_file
