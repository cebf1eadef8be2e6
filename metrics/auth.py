"""Who may do what: the accounts file, password checks, signed session tokens, and the people an
identity provider (OpenID Connect) signs in, each resolved to one Principal with a role.

Accounts live in a TOML file (path: $XHHT_ACCOUNTS, else .xhht/accounts.toml, mode 600) with
salted PBKDF2-SHA256 password hashes, never the passwords:

    require_login_to_view = false   # true: every page and download needs a signed-in person
    session_hours = 8               # a password sign-in lasts this long (cookie), then ends

    [[account]]
    name = "canbo.quangngai"
    display_name = "Cán bộ Sở GD&ĐT Quảng Ngãi"
    role = "editor"            # reporter | reviewer | editor | admin | viewer
    provinces = ["51"]         # official province codes (an editor's)
    unit = "51"                # the unit the account belongs to: a commune (23368), a province (51), VN
    password = "pbkdf2_sha256$600000$<salt hex>$<hash hex>"

    [oidc]                     # sign-in through the province's identity provider (optional)
    role_claim = "xhht_role"            # claim holding one of the roles
    provinces_claim = "xhht_provinces"  # claim holding the official province codes
    unit_claim = "xhht_unit"            # claim holding the official code of the person's unit

Roles: a viewer reads; a reporter enters and submits its own commune's figures in a reporting
round; a reviewer opens rounds and approves or returns the submissions of the communes of its
province (its unit; a reviewer of VN, any province); an editor also imports and rolls back
within their provinces; an admin does all of it anywhere and manages accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from metrics import signin_state as signin_state_module
from metrics.config import PROJECT_ROOT
from metrics.signin_state import SigninState

ENV_ACCOUNTS = "XHHT_ACCOUNTS"
ENV_SESSION_SECRET = "XHHT_SESSION_SECRET"
DEFAULT_ACCOUNTS = PROJECT_ROOT / ".xhht" / "accounts.toml"
ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"
SESSION_COOKIE = "xhht_session"

Role = Literal["reporter", "reviewer", "editor", "admin", "viewer"]
ROLES: tuple[str, ...] = ("reporter", "reviewer", "editor", "admin", "viewer")
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$"
PROVINCE_PATTERN = r"^\d{2}$"
COMMUNE_PATTERN = r"^\d{5}$"
COUNTRY_UNIT = "VN"


def unit_code(text: str | None) -> str | None:
    """The official code a unit is written with: "23368", "X23368" (the store's id) → "23368";
    "51", "P51" → "51"; "VN" (the country); None when it is none of those."""
    raw = (text or "").strip().upper()
    if raw == COUNTRY_UNIT:
        return COUNTRY_UNIT
    raw = (
        raw.removeprefix("X") if len(raw) == 6 else raw.removeprefix("P") if len(raw) == 3 else raw
    )
    if re.fullmatch(COMMUNE_PATTERN, raw) or re.fullmatch(PROVINCE_PATTERN, raw):
        return raw
    return None


def unit_level(code: str | None) -> str | None:
    """ "commune", "province" or "country" for an official code unit_code gave; None for none."""
    if code is None:
        return None
    if code == COUNTRY_UNIT:
        return "country"
    return "commune" if len(code) == 5 else "province"


def unit_refusal(role: str, unit: str | None) -> str | None:
    """Why a role cannot have that unit (Vietnamese), or None: a reporter belongs to a commune,
    a reviewer to a province or the country."""
    level = unit_level(unit)
    if role == "reporter" and level != "commune":
        return "tài khoản báo cáo (reporter) cần đơn vị là một xã: mã xã 5 chữ số, ví dụ 23368"
    if role == "reviewer" and level not in ("province", "country"):
        return "tài khoản duyệt (reviewer) cần đơn vị là một tỉnh (mã 2 chữ số, ví dụ 51) hoặc VN"
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class AccountsError(Exception):
    """The accounts file cannot be read or an account is not valid; the message says where."""


def _plain_text(value: str, what: str, limit: int) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{what} không được chứa ký tự điều khiển (xuống dòng, tab…)")
    if len(value) > limit:
        raise ValueError(f"{what} dài quá {limit} ký tự")
    return value


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=NAME_PATTERN)
    display_name: str = ""
    role: Role
    provinces: list[str] = Field(default_factory=list)
    unit: str | None = None
    password: str = Field(pattern=r"^pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]+$")

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = unit_code(value)
        if code is None:
            raise ValueError(
                f"đơn vị “{value}” phải là mã xã (5 chữ số), mã tỉnh (2 chữ số) hoặc VN"
            )
        return code

    @model_validator(mode="after")
    def _unit_of_role(self) -> Account:
        why = unit_refusal(self.role, self.unit)
        if why:
            raise ValueError(why)
        return self

    @field_validator("display_name")
    @classmethod
    def _display(cls, value: str) -> str:
        return _plain_text(value, "Tên hiển thị", 120)

    @field_validator("provinces")
    @classmethod
    def _provinces(cls, value: list[str]) -> list[str]:
        bad = [p for p in value if not re.fullmatch(PROVINCE_PATTERN, p)]
        if bad:
            raise ValueError(f"mã tỉnh phải là hai chữ số (ví dụ 51), không phải {bad}")
        return value

    def principal(self) -> Principal:
        return Principal(
            name=self.name,
            display_name=self.display_name or self.name,
            role=self.role,
            provinces=tuple(self.provinces),
            unit=self.unit,
            via="password",
        )

    def may_write(self, province_code: str | None) -> bool:
        return self.principal().may_write(province_code)


class OidcMapping(BaseModel):
    """Which claims of the identity provider's ID token say who someone is and what they may do."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name_claim: str = "email"
    display_claim: str = "name"
    role_claim: str = "xhht_role"
    provinces_claim: str = "xhht_provinces"
    unit_claim: str = "xhht_unit"


class AccountsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    require_login_to_view: bool = False
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    account: list[Account] = Field(default_factory=list)
    oidc: OidcMapping | None = None

    def by_name(self, name: str) -> Account | None:
        return next((a for a in self.account if a.name == name), None)


class Principal(BaseModel):
    """A signed-in person, however they signed in."""

    model_config = ConfigDict(frozen=True)
    name: str
    display_name: str
    role: Role
    provinces: tuple[str, ...] = ()
    unit: str | None = None  # official code: a commune, a province, or VN
    via: Literal["password", "oidc", "cli"] = "password"

    @property
    def unit_level(self) -> str | None:
        return unit_level(self.unit)

    def may_report(self, commune_code: str) -> bool:
        """Enter and submit a commune's figures: its own reporter, or an admin."""
        return self.role == "admin" or (self.role == "reporter" and self.unit == commune_code)

    def may_review(self, province_code: str) -> bool:
        """Open a round and approve or return its submissions: a reviewer of the province (or
        of the country), or an admin."""
        if self.role == "admin":
            return True
        return self.role == "reviewer" and self.unit in (province_code, COUNTRY_UNIT)

    @property
    def may_write_any(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def allowed_provinces(self) -> list[str] | None:
        """Official codes an import is limited to; None: no limit (an admin)."""
        return None if self.role == "admin" else list(self.provinces)

    def may_write(self, province_code: str | None) -> bool:
        if self.role == "admin":
            return True
        return (
            self.role == "editor" and province_code is not None and province_code in self.provinces
        )

    def may_roll_back(self, batch_provinces: Iterable[str | None]) -> bool:
        """A batch is rolled back whole: an editor only when every row lies in their provinces
        (a batch holding another province's row, or the country's, needs an admin)."""
        codes = list(batch_provinces)
        if self.role == "admin":
            return True
        return self.role == "editor" and bool(codes) and all(self.may_write(c) for c in codes)


def rollback_refusal(
    who: Principal, batch_id: int, batch_provinces: list[str | None]
) -> str | None:
    """Why `who` may not roll back the batch (Vietnamese), or None when they may."""
    if who.may_roll_back(batch_provinces):
        return None
    if who.role == "viewer":
        return f"Tài khoản {who.name} chỉ được xem, không được hoàn tác lô {batch_id}."
    outside = sorted({c or "cả nước" for c in batch_provinces if not who.may_write(c)})
    mine = ", ".join(who.provinces) or "không tỉnh nào"
    return (
        f"Lô {batch_id} có số liệu ngoài tỉnh của tài khoản {who.name} (mã {mine}): "
        f"{', '.join(outside) or 'không có dòng nào'}. Một lô được hoàn tác trọn vẹn, nên cần "
        "quản trị viên hoàn tác lô này."
    )


# --- the accounts file ------------------------------------------------------------------------


def accounts_path() -> Path:
    return Path(os.environ.get(ENV_ACCOUNTS) or DEFAULT_ACCOUNTS)


def load_accounts(path: Path | None = None) -> AccountsFile:
    """The accounts file, or no accounts when there is none; AccountsError (Vietnamese, naming
    the file and the field) when it cannot be used, never a TOML or pydantic traceback."""
    path = path or accounts_path()
    if not path.exists():
        return AccountsFile()
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise AccountsError(
            f"Tệp tài khoản {path} không đúng cú pháp TOML ({exc}). Sửa tệp, hoặc tạo lại bằng "
            "`xhht accounts add`."
        ) from exc
    except OSError as exc:
        raise AccountsError(f"Không đọc được tệp tài khoản {path}: {exc.strerror}.") from exc
    try:
        return AccountsFile.model_validate(raw)
    except ValidationError as exc:
        raise AccountsError(f"Tệp tài khoản {path} không hợp lệ: {_first_error(exc)}.") from exc


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}"


def save_accounts(accounts: AccountsFile, path: Path | None = None) -> Path:
    """Write the whole file with a TOML writer (no text is pasted into TOML by hand), to a new
    file readable by its owner only, then move it over the old one in one step."""
    path = path or accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = accounts.model_dump(mode="json", exclude_none=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def add_account(account: Account, path: Path | None = None) -> Path:
    path = path or accounts_path()
    existing = load_accounts(path)
    if existing.by_name(account.name) is not None:
        raise AccountsError(f"Đã có tài khoản “{account.name}” trong {path}.")
    return save_accounts(
        existing.model_copy(update={"account": [*existing.account, account]}), path
    )


# --- passwords --------------------------------------------------------------------------------


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
    acc = accounts.by_name(name)
    if acc is not None:
        return acc if verify_password(password, acc.password) else None
    # Same work whether or not the name exists, so timing does not reveal account names.
    verify_password(password, hash_password("x", iterations=ITERATIONS))
    return None


# --- sessions ---------------------------------------------------------------------------------


def session_secret(accounts_file: Path | None = None) -> str:
    """The key that signs the sign-in form's tokens and the identity provider's cookie:
    $XHHT_SESSION_SECRET (the same on every machine of a service), else a random key kept beside the accounts file (mode 600), made on first use."""
    env = os.environ.get(ENV_SESSION_SECRET)
    if env:
        return env
    path = (accounts_file or accounts_path()).with_name("session_secret")
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting together agree on one key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()


def password_mark(account: Account) -> str:
    """A short digest of the account's password hash: a new password (or a removed account)
    ends the sessions opened with the old one, on every process, without any of them told."""
    return hashlib.sha256(account.password.encode()).hexdigest()[:16]


def signin_state(accounts_file: Path | None = None) -> SigninState:
    """The sign-in state this process shares with every other of the service (the store named
    by $XHHT_DB, or the default file: metrics/signin_state.py says where it is kept)."""
    from metrics.store.location import parse_location

    return signin_state_module.shared(parse_location(None), accounts_file or accounts_path())


def issue_session(account: Account, state: SigninState) -> str:
    """A new session for the account: the cookie carries only its opaque id."""
    return state.open_session(account.name, password_mark(account))


def read_session(token: str | None, accounts: AccountsFile, state: SigninState) -> Account | None:
    """The account a session cookie belongs to, while the session is younger than session_hours,
    has not been ended (sign-out), and the account still exists with the same password."""
    if not token or len(token) > 200:
        return None
    session = state.session(token, accounts.session_hours * 3600)
    if session is None:
        return None
    acc = accounts.by_name(session.name)
    if acc is None or not hmac.compare_digest(session.password_mark, password_mark(acc)):
        # The account went or its password changed: the session ends for good, even if the
        # old password comes back.
        state.end_session(token)
        return None
    return acc


def end_session(token: str | None, state: SigninState) -> None:
    if token and len(token) <= 200:
        state.end_session(token)


# --- wrong passwords --------------------------------------------------------------------------

FAILURE_WINDOW_S = 15 * 60
FAILURES_PER_NAME = 5  # in the window, from addresses the name never signed in from: a pause
FAILURES_PER_ADDRESS = 20  # in the window, from one address over any names: a pause
SLOW_DOWN_MAX_S = 60.0


@dataclass(frozen=True)
class Wait:
    """How long a sign-in attempt must wait (0: none) and why: "name" (that name is being
    guessed from elsewhere), "address" (this address guesses many names), "slow" (the name's
    own known address, slowed down, never shut out)."""

    seconds: float
    why: str = ""


def signin_wait(state: SigninState, name: str, address: str) -> Wait:
    """Whether an attempt for `name` from `address` may be checked now. From an address the name
    has signed in from before, its owner is only slowed down (a doubling wait after five wrong
    passwords from there, at most a minute): guesses from elsewhere never lock them out. From
    any other address, five wrong passwords for the name, or twenty for any names from the
    address, pause it for the rest of the 15 minutes."""
    now = time.time()
    seen = state.failures(name, address, now - FAILURE_WINDOW_S)
    if state.is_known(name, address):
        extra = seen.name_here - FAILURES_PER_NAME
        if extra < 0 or seen.last_here is None:
            return Wait(0.0)
        delay = min(SLOW_DOWN_MAX_S, 2.0**extra)
        left = seen.last_here + delay - now
        return Wait(left, "slow") if left > 0 else Wait(0.0)
    if seen.address_total >= FAILURES_PER_ADDRESS:
        return Wait(_pause_left(state, "address", address, now), "address")
    if seen.name_total >= FAILURES_PER_NAME:
        return Wait(_pause_left(state, "name", name, now), "name")
    return Wait(0.0)


def _pause_left(state: SigninState, column: str, value: str, now: float) -> float:
    # The pause lasts until the newest failure is a window old: guessing on extends it.
    last = state.newest_failure(column, value)
    return max(1.0, (last or now) + FAILURE_WINDOW_S - now)


# --- identity provider ------------------------------------------------------------------------


def principal_from_claims(claims: Mapping[str, object], mapping: OidcMapping) -> Principal | None:
    """The person an identity provider signed in, with the role and provinces its claims give;
    a missing or unknown role reads as viewer (they may look, never write)."""
    name = claims.get(mapping.name_claim) or claims.get("sub")
    if not name:
        return None
    display = claims.get(mapping.display_claim) or name
    role_raw = str(claims.get(mapping.role_claim) or "viewer").strip().lower()
    role: Role = role_raw if role_raw in ROLES else "viewer"  # type: ignore[assignment]
    unit = unit_code(str(claims.get(mapping.unit_claim) or ""))
    if unit_refusal(role, unit):
        # A reporter or reviewer without a unit of their kind could act nowhere: they may look.
        role = "viewer"
    raw = claims.get(mapping.provinces_claim) or []
    if isinstance(raw, str):
        raw = re.split(r"[,\s]+", raw)
    provinces = (
        tuple(
            p
            for p in (str(x).strip() for x in raw if x is not None)
            if re.fullmatch(PROVINCE_PATTERN, p)
        )
        if isinstance(raw, (list, tuple))
        else ()
    )
    return Principal(
        name=_CONTROL.sub(" ", str(name))[:200],
        display_name=_CONTROL.sub(" ", str(display))[:120],
        role=role,
        provinces=provinces,
        unit=unit,
        via="oidc",
    )
