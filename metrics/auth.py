"""Accounts of the people who may write to the store (import, roll back).

Viewing needs no sign-in unless the accounts file says so. Accounts live in a TOML file (path:
$XHHT_ACCOUNTS, else .xhht/accounts.toml) with salted PBKDF2-SHA256 password hashes, never the
passwords. An editor is limited to the provinces listed for them; an admin may write anywhere.

    require_login_to_view = false

    [[account]]
    name = "canbo.quangngai"
    display_name = "Cán bộ Sở GD&ĐT Quảng Ngãi"
    role = "editor"            # editor | admin
    provinces = ["51"]         # official province codes
    password = "pbkdf2_sha256$600000$<salt hex>$<hash hex>"
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from metrics.config import PROJECT_ROOT

ENV_ACCOUNTS = "XHHT_ACCOUNTS"
DEFAULT_ACCOUNTS = PROJECT_ROOT / ".xhht" / "accounts.toml"
ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    display_name: str = ""
    role: Literal["editor", "admin"]
    provinces: list[str] = Field(default_factory=list)
    password: str = Field(pattern=r"^pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]+$")

    def may_write(self, province_code: str | None) -> bool:
        if self.role == "admin":
            return True
        return province_code is not None and province_code in self.provinces


class AccountsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    require_login_to_view: bool = False
    account: list[Account] = Field(default_factory=list)


def accounts_path() -> Path:
    return Path(os.environ.get(ENV_ACCOUNTS) or DEFAULT_ACCOUNTS)


def load_accounts(path: Path | None = None) -> AccountsFile:
    path = path or accounts_path()
    if not path.exists():
        return AccountsFile()
    with open(path, "rb") as fh:
        return AccountsFile.model_validate(tomllib.load(fh))


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt_hex, hash_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != SCHEME:
        return False
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations)
    )
    return hmac.compare_digest(digest.hex(), hash_hex)


def authenticate(accounts: AccountsFile, name: str, password: str) -> Account | None:
    for acc in accounts.account:
        if acc.name == name:
            return acc if verify_password(password, acc.password) else None
    # Same work whether or not the name exists, so timing does not reveal account names.
    verify_password(password, hash_password("x", iterations=ITERATIONS))
    return None


def account_toml(account: Account) -> str:
    provinces = ", ".join(f'"{p}"' for p in account.provinces)
    return (
        "\n[[account]]\n"
        f'name = "{account.name}"\n'
        f'display_name = "{account.display_name}"\n'
        f'role = "{account.role}"\n'
        f"provinces = [{provinces}]\n"
        f'password = "{account.password}"\n'
    )
