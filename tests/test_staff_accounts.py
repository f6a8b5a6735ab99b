"""Staff accounts: salted scrypt hashes in a private users file, written atomically."""

from __future__ import annotations

import stat

import pytest

from qa.errors import ConfigError
from qa.serving.staff_accounts import StaffAccounts, hash_password, password_matches
from ui.server import staff_access

PASSWORD = "correct horse battery"


def test_a_password_matches_only_its_own_hash_and_is_never_stored(tmp_path):
    accounts = StaffAccounts.load(tmp_path / "users").with_password("alice", PASSWORD)
    accounts.save()
    text = (tmp_path / "users").read_text()
    assert PASSWORD not in text and "alice:scrypt$" in text
    loaded = StaffAccounts.load(tmp_path / "users")
    assert loaded.check("alice", PASSWORD)
    assert not loaded.check("alice", PASSWORD + "!") and not loaded.check("bob", PASSWORD)
    # The same password hashes differently each time (a fresh salt).
    assert hash_password(PASSWORD) != hash_password(PASSWORD)
    assert not password_matches(PASSWORD, "md5$abc")


def test_the_users_file_is_private_and_replaced_whole(tmp_path):
    path = tmp_path / "var" / "users"
    StaffAccounts.load(path).with_password("alice", PASSWORD).save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    StaffAccounts.load(path).with_password("bob", PASSWORD).without("alice").save()
    assert StaffAccounts.load(path).names == ["bob"]
    assert [p.name for p in path.parent.iterdir()] == ["users"]  # no temporary file left


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [("al ice", PASSWORD, "staff name"), ("alice", "short", "at least 10"), ("", PASSWORD, "name")],
)
def test_bad_names_and_short_passwords_are_refused(tmp_path, name, password, why):
    with pytest.raises(ConfigError, match=why):
        StaffAccounts.load(tmp_path / "users").with_password(name, password)


def test_a_damaged_users_file_names_the_setting_and_the_line(tmp_path):
    path = tmp_path / "users"
    path.write_text("# comment\nalice:scrypt$1$2$3$00$00\nbob:plaintext\n")
    with pytest.raises(ConfigError, match=r"QA_STAFF_USERS_FILE.*line 3"):
        StaffAccounts.load(path)


def test_removing_an_unknown_account_says_so(tmp_path):
    with pytest.raises(ConfigError, match="no staff account 'carol'"):
        StaffAccounts.load(tmp_path / "users").without("carol")


def test_file_accounts_and_the_environment_account_both_log_in(tmp_path):
    accounts = StaffAccounts.load(tmp_path / "u").with_password("alice", PASSWORD)
    access = staff_access(
        {"QA_STAFF_USER": "ops", "QA_STAFF_PASSWORD": "envpass"}, "0.0.0.0", accounts
    )
    assert access.enabled and access.auth is not None and "2 staff account" in access.note
    assert access.auth("alice", PASSWORD) and access.auth("ops", "envpass")
    assert not access.auth("alice", "envpass") and not access.auth("ops", PASSWORD)
    only_file = staff_access({}, "0.0.0.0", accounts)
    assert only_file.enabled and only_file.auth is not None and only_file.auth("alice", PASSWORD)
