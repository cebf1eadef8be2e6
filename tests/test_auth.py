"""Accounts: salted hashes, sign-in, editors limited to their provinces."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from pydantic import ValidationError

from metrics.auth import (
    Account,
    AccountsError,
    AccountsFile,
    OidcMapping,
    Principal,
    authenticate,
    end_session,
    hash_password,
    issue_session,
    load_accounts,
    principal_from_claims,
    read_session,
    rollback_refusal,
    session_secret,
    verify_password,
)
from metrics.signin_state import SigninState, _Sqlite


def test_hash_is_salted_and_verifies() -> None:
    first = hash_password("matkhau-123", iterations=1000)
    second = hash_password("matkhau-123", iterations=1000)
    assert first != second  # a fresh salt each time
    assert first.startswith("pbkdf2_sha256$1000$")
    assert verify_password("matkhau-123", first)
    assert not verify_password("matkhau-124", first)
    assert not verify_password("matkhau-123", "md5$abc")


def test_cli_adds_account_without_storing_the_password(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    cmd = [
        sys.executable,
        "-m",
        "metrics.cli",
        "accounts",
        "add",
        "canbo.qn",
        "--province",
        "51",
        "--file",
        str(accounts),
    ]
    done = subprocess.run(
        cmd, input="mat-khau-rat-dai\n", capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Đã thêm tài khoản canbo.qn (editor)" in done.stdout
    text = accounts.read_text(encoding="utf-8")
    assert "mat-khau-rat-dai" not in text
    loaded = load_accounts(accounts)
    account = authenticate(loaded, "canbo.qn", "mat-khau-rat-dai")
    assert account is not None and account.provinces == ["51"]
    assert authenticate(loaded, "canbo.qn", "sai-mat-khau") is None
    assert authenticate(loaded, "khong-co", "mat-khau-rat-dai") is None
    assert account.may_write("51") and not account.may_write("01")

    again = subprocess.run(
        cmd, input="mat-khau-rat-dai\n", capture_output=True, text=True, check=False
    )
    assert again.returncode == 1
    assert "Đã có tài khoản “canbo.qn”" in again.stderr

    short = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli",
            "accounts",
            "add",
            "b",
            "--province",
            "51",
            "--file",
            str(accounts),
        ],
        input="ngan\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert short.returncode == 1
    assert "ít nhất 8 ký tự" in short.stderr


def test_accounts_file_refuses_unknown_keys_and_plain_passwords() -> None:
    with pytest.raises(ValidationError, match="password"):
        AccountsFile.model_validate(
            {"account": [{"name": "a", "role": "editor", "password": "plaintext"}]}
        )
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        AccountsFile.model_validate(
            {
                "account": [
                    {
                        "name": "a",
                        "role": "editor",
                        "password": hash_password("x", iterations=1),
                        "rank": 1,
                    }
                ]
            }
        )
    assert load_accounts(Path("/nonexistent/accounts.toml")).account == []


# --- the accounts file is written by a TOML writer, validated, private ------------------------


def _add(accounts: Path, name: str, *extra: str, password: str = "mat-khau-rat-dai"):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli",
            "accounts",
            "add",
            name,
            "--file",
            str(accounts),
            *extra,
        ],
        input=f"{password}\n",
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_display_name_with_quotes_is_kept_as_typed_and_the_file_stays_valid(
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "accounts.toml"
    done = _add(accounts, "canbo.qn", "--province", "51", "--display-name", 'A "B" \\ [x] = y')
    assert done.returncode == 0, done.stderr
    second = _add(accounts, "admin.tw", "--role", "admin", "--display-name", "Quản trị")
    assert second.returncode == 0, second.stderr
    loaded = load_accounts(accounts)
    assert [a.display_name for a in loaded.account] == ['A "B" \\ [x] = y', "Quản trị"]
    assert [a.role for a in loaded.account] == ["editor", "admin"]
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600


def test_a_name_that_could_smuggle_a_role_is_refused_and_the_file_unchanged(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    assert _add(accounts, "canbo.qn", "--province", "51").returncode == 0
    before = accounts.read_bytes()
    smuggled = _add(accounts, "ke.gian", "--province", "51", "--display-name", 'X"\nrole = "admin')
    assert smuggled.returncode == 1
    assert "--display-name không hợp lệ" in smuggled.stderr
    assert "ký tự điều khiển" in smuggled.stderr
    bad_name = _add(accounts, 'ten "la"', "--province", "51")
    assert bad_name.returncode == 1
    assert "Tên đăng nhập không hợp lệ" in bad_name.stderr
    bad_code = _add(accounts, "canbo.hn", "--province", "Hà Nội")
    assert bad_code.returncode == 1
    assert "mã tỉnh phải là hai chữ số" in bad_code.stderr
    assert accounts.read_bytes() == before
    assert [a.name for a in load_accounts(accounts).account] == ["canbo.qn"]


def test_a_broken_accounts_file_is_explained_not_a_traceback(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[[account]]\nname = "a\n', encoding="utf-8")
    with pytest.raises(AccountsError, match="không đúng cú pháp TOML"):
        load_accounts(accounts)
    listed = subprocess.run(
        [sys.executable, "-m", "metrics.cli", "accounts", "list", "--file", str(accounts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 1
    assert "Traceback" not in listed.stderr
    assert f"Tệp tài khoản {accounts} không đúng cú pháp TOML" in listed.stderr


# --- sessions ----------------------------------------------------------------------------------


def _file(**settings: object) -> AccountsFile:
    return AccountsFile(
        account=[
            Account(
                name="canbo.qn",
                role="editor",
                provinces=["51"],
                password=hash_password("mat-khau-qn", iterations=1000),
            )
        ],
        **settings,  # type: ignore[arg-type]
    )


def _state(tmp_path: Path) -> SigninState:
    return SigninState(_Sqlite(tmp_path / "signin.sqlite"), "test")


def test_a_session_names_its_account_until_it_expires_or_ends(tmp_path: Path) -> None:
    accounts = _file(session_hours=1)
    state = _state(tmp_path)
    token = issue_session(accounts.account[0], state)
    found = read_session(token, accounts, state)
    assert found is not None and found.name == "canbo.qn"
    assert read_session(token[:-2] + "xx", accounts, state) is None  # altered
    assert read_session(None, accounts, state) is None
    assert read_session(token, accounts, _state(tmp_path / "khac")) is None  # another service's
    with mock.patch("metrics.signin_state.time.time", return_value=time.time() + 3601):
        assert read_session(token, accounts, state) is None  # past session_hours
    assert read_session(token, accounts, state) == accounts.account[0]  # still the same person
    end_session(token, state)
    assert read_session(token, accounts, state) is None  # signed out
    # The cookie is an opaque id; the state keeps only its digest, never the id itself.
    assert "canbo" not in token and token not in (tmp_path / "signin.sqlite").read_bytes().decode(
        "latin-1"
    )


def test_a_new_password_or_a_removed_account_ends_its_sessions(tmp_path: Path) -> None:
    accounts = _file()
    state = _state(tmp_path)
    token = issue_session(accounts.account[0], state)
    renewed = accounts.model_copy(
        update={
            "account": [
                accounts.account[0].model_copy(
                    update={"password": hash_password("mat-khau-moi", iterations=1000)}
                )
            ]
        }
    )
    assert read_session(token, renewed, state) is None
    assert read_session(token, accounts, state) is None  # the old password back: still ended
    other = issue_session(accounts.account[0], state)
    assert read_session(other, AccountsFile(), state) is None
    assert read_session(other, accounts, state) is None


def test_the_session_key_is_made_once_and_kept_private(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("XHHT_SESSION_SECRET", raising=False)
    accounts = tmp_path / "accounts.toml"
    first = session_secret(accounts)
    assert len(first) == 64 and session_secret(accounts) == first
    assert stat.S_IMODE((tmp_path / "session_secret").stat().st_mode) == 0o600
    monkeypatch.setenv("XHHT_SESSION_SECRET", "chung-cho-moi-may")
    assert session_secret(accounts) == "chung-cho-moi-may"


# --- who may do what ---------------------------------------------------------------------------


def test_claims_from_the_identity_provider_give_role_and_provinces() -> None:
    mapping = OidcMapping()
    editor = principal_from_claims(
        {
            "email": "an@qn.gov.vn",
            "name": "Nguyễn An",
            "xhht_role": "Editor",
            "xhht_provinces": ["51", "xx"],
        },
        mapping,
    )
    assert editor and (editor.name, editor.display_name, editor.role, editor.provinces) == (
        "an@qn.gov.vn",
        "Nguyễn An",
        "editor",
        ("51",),
    )
    assert principal_from_claims({"sub": "k", "xhht_provinces": "51, 01"}, mapping).provinces == (  # type: ignore[union-attr]
        "51",
        "01",
    )
    stranger = principal_from_claims({"sub": "x", "xhht_role": "superuser"}, mapping)
    assert stranger is not None and stranger.role == "viewer" and not stranger.may_write_any
    assert principal_from_claims({}, mapping) is None


def test_an_editor_rolls_back_only_batches_wholly_in_their_provinces() -> None:
    editor = _file().account[0].principal()
    assert editor.may_roll_back(["51"])
    assert not editor.may_roll_back(["51", "01"])  # one Hà Nội row is enough to refuse
    assert not editor.may_roll_back([None])  # the country's rows
    assert not editor.may_roll_back([])
    refusal = rollback_refusal(editor, 7, ["01", "51"])
    assert (
        refusal is not None
        and "Lô 7 có số liệu ngoài tỉnh của tài khoản canbo.qn (mã 51): 01" in refusal
    )
    admin = Principal(name="a", display_name="a", role="admin")
    assert admin.may_roll_back(["01", None]) and rollback_refusal(admin, 7, ["01"]) is None


def test_the_sign_in_state_on_postgresql_is_one_for_every_process(pg_cluster) -> None:  # noqa: ANN001
    """A store on PostgreSQL keeps the sign-in state in its own database: a session opened by
    one process is ended by another, and wrong passwords count across them."""
    from metrics.signin_state import _Postgres
    from metrics.store.location import parse_location

    pg_cluster.psql("CREATE DATABASE dang_nhap OWNER xhht")
    url = pg_cluster.url("dang_nhap")
    accounts = _file()
    here = SigninState(_Postgres(parse_location(url)), "pg")
    token = issue_session(accounts.account[0], here)
    assert read_session(token, accounts, here) == accounts.account[0]
    here.record_failure("canbo.qn", "10.0.0.1")
    elsewhere = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from metrics.signin_state import SigninState, _Postgres\n"
            "from metrics.store.location import parse_location\n"
            "s = SigninState(_Postgres(parse_location(sys.argv[1])), 'pg')\n"
            "s.record_failure('canbo.qn', '10.0.0.2')\n"
            "s.end_session(sys.argv[2])\n",
            url,
            token,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert read_session(token, accounts, here) is None
    seen = here.failures("canbo.qn", "10.0.0.1", time.time() - 60)
    assert (seen.name_total, seen.name_here, seen.address_total) == (2, 1, 1)
