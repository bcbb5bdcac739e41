"""`jarnama keys …` and `jarnama users …` against a real (file) database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from jarnama.tenancy import credentials, passwords, service
from jarnama.tenancy.models import AccountKind, ApiKey, AuditEntry, User

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A migrated SQLite file the CLI is pointed at through JARNAMA_DATABASE__URL."""
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _account(engine: Engine) -> int:
    with transaction(make_sessionmaker(engine)) as session:
        return service.create_account(session, "test", kind=AccountKind.ADVERTISER, name="Acme").id


def test_keys_create_prints_the_key_once(cli_db: Engine) -> None:
    account_id = _account(cli_db)
    result = runner.invoke(
        app,
        [
            "keys",
            "create",
            "--name",
            "shop",
            "--account-id",
            str(account_id),
            "--scope",
            "auctions",
            "--scope",
            "read",
        ],
    )
    assert result.exit_code == 0, result.output
    plaintext = next(w for w in result.stdout.split() if w.startswith("jk_"))
    with make_sessionmaker(cli_db)() as session:
        key = session.scalars(select(ApiKey)).one()
        assert key.secret_hash == credentials.digest(plaintext)
        assert key.scopes == ["auctions", "read"]
        assert key.account_id == account_id
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_key")).one()
        assert entry.actor == "cli"
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0
    assert key.prefix in listed.stdout
    assert plaintext not in listed.stdout
    revoked = runner.invoke(app, ["keys", "revoke", key.prefix])
    assert revoked.exit_code == 0, revoked.output
    with make_sessionmaker(cli_db)() as session:
        assert session.scalars(select(ApiKey)).one().revoked_at is not None


def test_keys_create_reports_service_errors(cli_db: Engine) -> None:
    result = runner.invoke(
        app, ["keys", "create", "--name", "x", "--role", "account_admin", "--scope", "read"]
    )
    assert result.exit_code == 1
    assert "account_id" in result.output
    missing = runner.invoke(app, ["keys", "revoke", "nosuchprefix"])
    assert missing.exit_code == 1


def test_users_create_reads_the_password_from_stdin(cli_db: Engine) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "ops@network.kz",
            "--role",
            "network_admin",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    with make_sessionmaker(cli_db)() as session:
        made = session.scalars(select(User)).one()
        assert made.account_id is None
        assert made.password_hash.startswith("$argon2id$")
        assert passwords.verify(made.password_hash, "a long enough secret")


def test_users_create_prompts_and_checks_length(cli_db: Engine) -> None:
    account_id = _account(cli_db)
    short = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "a@acme.kz",
            "--role",
            "account_admin",
            "--account-id",
            str(account_id),
        ],
        input="short\nshort\n",
    )
    assert short.exit_code == 1
    assert "password" in short.output
    ok = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "a@acme.kz",
            "--role",
            "account_admin",
            "--account-id",
            str(account_id),
        ],
        input="a long enough secret\na long enough secret\n",
    )
    assert ok.exit_code == 0, ok.output
