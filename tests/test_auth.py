"""Accounts: salted hashes, sign-in, editors limited to their provinces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics.auth import AccountsFile, authenticate, hash_password, load_accounts, verify_password


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
