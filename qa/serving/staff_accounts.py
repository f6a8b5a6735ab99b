"""Staff accounts: a small users file of names and salted scrypt password hashes.

The file lives outside the repository (default `var/staff-users`, git-ignored; QA_STAFF_USERS_FILE)
and is readable by its owner only. One account per line, `name:scrypt$n$r$p$salt$hash` with hex
salt and hash; `qa staff add NAME` writes it, so nobody edits hashes by hand. The accounts let a
mark, an upload or a rebuild say which staff member did it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import ConfigError

_PRIVATE = 0o600
# scrypt's cost: about 50 ms and 16 MiB per check on this project's two-core machines, which
# makes guessing slow while a login still feels instant.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD_CHARS = 10


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def check_new_account(name: str, password: str) -> None:
    """Refuse a name the file cannot hold or a password too short to be worth hashing."""
    if not NAME.fullmatch(name):
        raise ConfigError(
            f"staff name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")


@dataclass(frozen=True)
class StaffAccounts:
    """The accounts of one users file (empty when the file does not exist)."""

    path: Path
    hashes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> StaffAccounts:
        if not path.exists():
            return cls(path)
        hashes: dict[str, str] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, sep, stored = line.strip().partition(":")
            if not sep or not NAME.fullmatch(name) or not stored.startswith("scrypt$"):
                raise ConfigError(
                    f"setting staff_users_file (QA_STAFF_USERS_FILE) {path}, line {number}: "
                    "expected name:scrypt$…; write accounts with `qa staff add NAME`"
                )
            hashes[name] = stored
        return cls(path, hashes)

    @property
    def names(self) -> list[str]:
        return sorted(self.hashes)

    def check(self, name: str, password: str) -> bool:
        """Whether `password` is `name`'s; an unknown name costs the same hashing time."""
        stored = self.hashes.get(name)
        if stored is None:
            password_matches(password, hash_password("", b"\0" * _SALT_BYTES))
            return False
        return password_matches(password, stored)

    def with_password(self, name: str, password: str) -> StaffAccounts:
        check_new_account(name, password)
        return StaffAccounts(self.path, {**self.hashes, name: hash_password(password)})

    def without(self, name: str) -> StaffAccounts:
        if name not in self.hashes:
            raise ConfigError(f"no staff account {name!r} in {self.path}")
        return StaffAccounts(self.path, {k: v for k, v in self.hashes.items() if k != name})

    def save(self) -> None:
        """Write the file atomically (a reader sees the old accounts or the new, never half),
        readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(f"{name}:{self.hashes[name]}\n" for name in self.names)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".staff-users-")
        try:
            os.fchmod(fd, _PRIVATE)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("# qa staff accounts: name:scrypt hash. Edit with `qa staff`.\n" + text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
