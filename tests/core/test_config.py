"""Settings: JARNAMA_ variables, nested sections, .env, every problem at once, masked display."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.config import Settings, load_settings, masked
from jarnama.core.errors import ConfigurationError


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No JARNAMA_ variables from the developer's shell, and a working directory without .env."""
    for name in list(os.environ):
        if name.startswith("JARNAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings.port == 8000
    assert settings.database.url == "sqlite:///./jarnama.db"
    assert settings.money.rates == []
    assert settings.money.max_rate_age_days == 7
    assert settings.base_url == "http://127.0.0.1:8000"


def test_prefix_and_nested_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JARNAMA_PORT", "9001")
    monkeypatch.setenv("JARNAMA_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("JARNAMA_DATABASE__URL", "postgres://app:pw@db.internal:5432/jarnama")
    monkeypatch.setenv("JARNAMA_AUTH__SESSION_TTL_HOURS", "3")
    monkeypatch.setenv("JARNAMA_LIMITS__MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("JARNAMA_MONEY__MAX_RATE_AGE_DAYS", "3")
    monkeypatch.setenv(
        "JARNAMA_MONEY__RATES",
        '[{"currency": "USD", "on": "2026-01-15", "kzt": "506.12"},'
        ' {"currency": "RUB", "on": "2026-01-15", "kzt": "646", "quantity": 100}]',
    )
    monkeypatch.setenv("PORT", "1")  # without the prefix: not ours
    monkeypatch.setenv("JARNAMA_NOT_A_SETTING", "x")  # unknown names are ignored
    settings = load_settings()
    assert settings.port == 9001
    assert settings.log_level == "DEBUG"
    # postgres:// is normalised to the psycopg 3 driver.
    assert settings.database.url == "postgresql+psycopg://app:pw@db.internal:5432/jarnama"
    assert settings.auth.session_ttl_hours == 3
    assert settings.limits.max_body_bytes == 2048
    assert settings.money.max_rate_age_days == 3
    usd, rub = settings.money.rates
    assert (usd.currency, usd.on, usd.kzt, usd.quantity) == (
        "USD",
        dt.date(2026, 1, 15),
        Decimal("506.12"),
        1,
    )
    assert rub.quantity == 100


def test_a_whole_section_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JARNAMA_AUTH", '{"secret_key": "from-json", "session_ttl_hours": 2}')
    settings = load_settings()
    assert settings.auth.secret_key.get_secret_value() == "from-json"
    assert settings.auth.session_ttl_hours == 2


def test_dotenv_is_read_and_the_environment_wins(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text(
        "JARNAMA_PORT=9100\nJARNAMA_NETWORK_NAME='Magnum Media'\nJARNAMA_AUTH__SECRET_KEY=dotenv\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.port == 9100
    assert settings.network_name == "Magnum Media"
    assert settings.auth.secret_key.get_secret_value() == "dotenv"
    monkeypatch.setenv("JARNAMA_PORT", "9200")
    assert load_settings().port == 9200
    assert load_settings(_env_file=None).network_name == "Jarnama network"


def test_every_invalid_value_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JARNAMA_PORT", "99999")
    monkeypatch.setenv("JARNAMA_DATABASE__URL", "mysql://root@localhost/jarnama")
    monkeypatch.setenv("JARNAMA_AUTH__SESSION_TTL_HOURS", "forever")
    monkeypatch.setenv("JARNAMA_LOG_LEVEL", "LOUD")
    monkeypatch.setenv("JARNAMA_MONEY__RATES", "[not json")
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = caught.value.message
    for name in (
        "JARNAMA_PORT",
        "JARNAMA_DATABASE__URL",
        "JARNAMA_AUTH__SESSION_TTL_HOURS",
        "JARNAMA_LOG_LEVEL",
        "JARNAMA_MONEY__RATES",
    ):
        assert name in message, (name, message)
    assert "must be a sqlite:/// or postgresql:// URL" in message


def test_invalid_values_in_dotenv_and_in_nested_lists(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text("JARNAMA_PORT=0\n", encoding="utf-8")
    monkeypatch.setenv(
        "JARNAMA_MONEY__RATES", '[{"currency": "GBP", "on": "2026-01-15", "kzt": "-1"}]'
    )
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = caught.value.message
    assert "JARNAMA_PORT" in message
    assert "JARNAMA_MONEY__RATES__0__CURRENCY" in message
    assert "JARNAMA_MONEY__RATES__0__KZT" in message


def test_masked_hides_every_secret() -> None:
    settings = Settings(
        _env_file=None,
        database={"url": "postgresql://jarnama:s3cr3t@db:5432/jarnama?sslmode=require"},
        auth={"secret_key": "signing-key"},
        demo_admin_key="jk_admin_secret",
        demo_advertiser_key="jk_adv_secret",
        redis_url="redis://:redis-pass@cache:6379/0",
    )
    shown = masked(settings)
    text = json.dumps(shown)
    for secret in ("s3cr3t", "signing-key", "jk_admin_secret", "jk_adv_secret", "redis-pass"):
        assert secret not in text
    assert shown["database"]["url"] == (
        "postgresql+psycopg://jarnama:********@db:5432/jarnama?sslmode=require"
    )
    assert shown["auth"]["secret_key"] == "********"
    assert shown["demo_admin_key"] == "********"
    assert shown["redis_url"] == "redis://:********@cache:6379/0"
    # A URL without a password is shown as it is.
    plain = Settings(_env_file=None, database={"url": "postgresql://postgres@db/x"})
    assert masked(plain)["database"]["url"] == "postgresql+psycopg://postgres@db/x"


def test_config_show_prints_the_effective_configuration_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JARNAMA_PORT", "9300")
    monkeypatch.setenv("JARNAMA_DATABASE__URL", "postgresql://app:hunter2@db:5432/jarnama")
    monkeypatch.setenv("JARNAMA_AUTH__SECRET_KEY", "top-secret-signing-key")
    monkeypatch.setenv("JARNAMA_DEMO_ADMIN_KEY", "jk_demo_admin_key_value")
    monkeypatch.setenv("JARNAMA_DEMO_ADVERTISER_KEY", "jk_demo_adv_key_value")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    for secret in (
        "hunter2",
        "top-secret-signing-key",
        "jk_demo_admin_key_value",
        "jk_demo_adv_key_value",
    ):
        assert secret not in result.output
    shown = json.loads(result.stdout)
    assert shown["port"] == 9300
    assert shown["database"]["url"] == "postgresql+psycopg://app:********@db:5432/jarnama"
    assert shown["auth"]["secret_key"] == "********"
    assert shown["demo_admin_key"] == shown["demo_advertiser_key"] == "********"
    assert shown["money"]["max_rate_age_days"] == 7


def test_config_show_lists_every_problem_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JARNAMA_PORT", "http")
    monkeypatch.setenv("JARNAMA_DATABASE__URL", "oracle://x")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert "JARNAMA_PORT" in result.output
    assert "JARNAMA_DATABASE__URL" in result.output
