"""`qa staff`: add, remove and list the staff accounts of the users file (QA_STAFF_USERS_FILE)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from qa.config import Settings
from qa.errors import ConfigError
from qa.serving.staff_accounts import MIN_PASSWORD_CHARS, StaffAccounts
from ui.cli.common import Handler


def add_parsers(sub: Any) -> None:
    sp = sub.add_parser(
        "staff",
        help="add, remove or list staff accounts for the staff app",
        description=(
            "Staff accounts for the staff app at /staff/: each mark, upload and rebuild records "
            "who made it. Names and salted scrypt hashes are kept in the users file "
            "(QA_STAFF_USERS_FILE, default var/staff-users, readable by its owner only); "
            "passwords are never stored. The running app reads the file when it starts."
        ),
        epilog=(
            "Examples: qa staff add alice   (asks for the password twice) | "
            "printf '%s\\n' \"$PW\" | qa staff add bob --password-stdin | qa staff list"
        ),
    )
    actions = sp.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account, or set a new password for one")
    add.add_argument("name", help="letters, digits, '.', '_', '@' or '-'")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    remove = actions.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    actions.add_parser("list", help="list the account names")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigError("no terminal to ask the password on; use --password-stdin")
    first = getpass.getpass(
        f"password for {args.name} (at least {MIN_PASSWORD_CHARS} characters): "
    )
    if getpass.getpass("again: ") != first:
        raise ConfigError("the two passwords differ; nothing was changed")
    return first


def _cmd_staff(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    path = settings.serving.staff_users_file
    accounts = StaffAccounts.load(path)
    if args.action == "list":
        print("\n".join(accounts.names) if accounts.names else f"no staff accounts in {path}")
        return 0
    if args.action == "add":
        existed = args.name in accounts.names
        accounts.with_password(args.name, _password(args)).save()
        print(f"{'password changed for' if existed else 'added'} {args.name} in {path}")
        return 0
    accounts.without(args.name).save()
    print(f"removed {args.name} from {path}")
    return 0


HANDLERS: dict[str, Handler] = {"staff": _cmd_staff}
