"""`jarnama keys …` and `jarnama users …`: API keys and console users from the command line.

They work on the configured database (`JARNAMA_DATABASE__URL`) as the trusted actor `cli`, which
the audit log records; there is no caller to restrict.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.errors import JarnamaError
from jarnama.tenancy import service, users
from jarnama.tenancy.models import ApiKey, Role, Scope

CLI_ACTOR = "cli"

keys_app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)
users_app = typer.Typer(help="Manage console users.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@contextmanager
def _unit_of_work() -> Iterator[Session]:
    """A committed transaction on the configured database; service errors exit with status 1."""
    from jarnama.cli import settings_or_exit

    settings = settings_or_exit()
    engine = make_engine(settings.database.url, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield session
    except JarnamaError as exc:
        where = f" ({exc.field})" if exc.field else ""
        err.print(f"[red]error{where}:[/red] {exc.message}", markup=True, highlight=False)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'checkout site'.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope (repeat for several).")],
    role: Annotated[Role, typer.Option(help="What the key may do.")] = Role.ACCOUNT_ADMIN,
    account_id: Annotated[
        int | None, typer.Option(help="The account it acts for (none for network admins).")
    ] = None,
) -> None:
    """Issue an API key and print it once (only its hash is stored)."""
    with _unit_of_work() as session:
        key, plaintext = service.create_api_key(
            session, CLI_ACTOR, name=name, role=role, account_id=account_id, scopes=scope
        )
    out.print("[bold green]API key created.[/bold green] It is shown this once; store it now:")
    out.print(plaintext, markup=False, highlight=False)
    out.print(
        f"prefix {key.prefix} · role {key.role.value} · account {key.account_id or '-'}"
        f" · scopes {','.join(key.scopes)}",
        markup=False,
        highlight=False,
    )


def _all_keys(session: Session, account_id: int | None) -> Iterator[ApiKey]:
    cursor: str | None = None
    while True:
        rows, cursor = service.list_api_keys(
            session, None, account_id=account_id, cursor=cursor, limit=500
        )
        yield from rows
        if cursor is None:
            return


def _when(instant: dt.datetime | None) -> str:
    return "-" if instant is None else f"{instant:%Y-%m-%d %H:%M}"


@keys_app.command("list")
def keys_list(
    account_id: Annotated[int | None, typer.Option(help="Only keys of this account.")] = None,
) -> None:
    """List API keys: prefix, name, role, scopes, created, last used, revoked (never secrets)."""
    table = Table("id")
    table.add_column("prefix", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("role", no_wrap=True)
    for header in ("account", "scopes", "created", "last used", "revoked"):
        table.add_column(header)
    with _unit_of_work() as session:
        for key in _all_keys(session, account_id):
            table.add_row(
                str(key.id),
                key.prefix,
                key.name,
                key.role.value,
                str(key.account_id or "-"),
                ",".join(key.scopes),
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.revoked_at),
            )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key's public prefix.")]) -> None:
    """Revoke an API key by its prefix."""
    with _unit_of_work() as session:
        key = service.revoke_api_key(
            session, CLI_ACTOR, service.api_key_by_prefix(session, prefix).id
        )
    out.print(
        f"revoked {key.prefix} ({key.name}); running servers refuse it within 5 seconds",
        markup=False,
        highlight=False,
    )


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Login e-mail address.")],
    role: Annotated[Role, typer.Option(help="The user's role.")],
    account_id: Annotated[
        int | None, typer.Option(help="The account (none for a network admin).")
    ] = None,
    full_name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a console user; the password is prompted for (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _unit_of_work() as session:
        user = users.create_user(
            session,
            CLI_ACTOR,
            email=email,
            password=password,
            role=role,
            account_id=account_id,
            full_name=full_name,
        )
    out.print(
        f"user {user.id} created: {user.email} ({user.role.value}, account "
        f"{user.account_id or '-'})",
        markup=False,
        highlight=False,
    )
