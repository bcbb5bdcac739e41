"""Test fixtures: every database test runs on SQLite and on the real PostgreSQL.

The schema is built by the real migrations once per run and backend; each test runs inside a
transaction that is rolled back, and the app under test shares that transaction (its commits
become SAVEPOINT releases). PostgreSQL tests use a schema of their own per run, so parallel
runs on one server do not collide. Without a reachable server they are skipped with the reason
printed, unless CI is set, where they fail.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from jarnama.app import create_app
from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker
from jarnama.core.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "JARNAMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_engine() -> tuple[Engine, str]:
    schema = f"jarnama_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        admin.dispose()
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable: {type(exc).__name__}: {exc}"
        if ON_CI:
            pytest.fail(message + " (CI is set, so PostgreSQL tests must run)")
        # The reason must be visible in the run's output, not only in the skip summary.
        sys.stderr.write(f"\nSKIP postgresql tests: {message}\n")
        pytest.skip(message)
    admin.dispose()
    from sqlalchemy import create_engine

    engine = create_engine(
        POSTGRES_URL,
        connect_args={"options": f"-csearch_path={schema}"},
        pool_size=5,
        max_overflow=5,
    )
    return engine, schema


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database of each backend, shared by the whole run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "jarnama.db"
        eng = make_engine(f"sqlite:///{path}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    eng, schema = _postgres_engine()
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions bound to the test's transaction; their commits release SAVEPOINTs."""
    return make_sessionmaker(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking state directly."""
    with session_factory() as sess:
        yield sess


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests, independent of the developer's environment and .env."""
    return Settings(
        _env_file=None,
        environment="test",
        database={"url": f"sqlite:///{tmp_path}/unused.db"},
        auth={"secret_key": "test-secret"},
        log_json=False,
        events={"log_dir": f"{tmp_path}/events"},
        # No ghost-ads holdout unless a test asks for one: the default 5% split hashes campaign
        # ids, which differ between runs on PostgreSQL, so a fixed test user would sometimes be
        # held out. Holdout tests set shares themselves (tests/measurement/test_ghosts.py).
        measurement={"store_dir": f"{tmp_path}/analytics", "holdout_share": "0"},
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    """The app under test, sharing the test's transaction."""
    return create_app(settings, session_factory=session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the app under test."""
    with TestClient(app) as test_client:
        yield test_client
