"""Configuration: safe defaults, a kept secret key, and a production mode that refuses danger."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.config import InsecureConfigurationError, load_config


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 64 and load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path: Path) -> None:
    assert load_config(tmp_path)["PASSWORD_HASH_METHOD"] == "scrypt"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'readiness.sqlite'}"


def test_postgres_urls_use_psycopg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/readiness")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/readiness"


def test_production_refuses_an_insecure_configuration_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_MODE", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(InsecureConfigurationError) as error:
        load_config(tmp_path)
    message = str(error.value)
    assert "SECRET_KEY" in message and "PostgreSQL" in message and "RATELIMIT_STORAGE_URI" in message
    assert "SESSION_REDIS_URL" in message


def test_production_starts_with_a_secure_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_MODE", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/readiness")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]


def test_sessions_share_the_limiters_redis_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/2")
    monkeypatch.delenv("SESSION_REDIS_URL", raising=False)
    assert load_config(tmp_path)["SESSION_REDIS_URL"] == "redis://127.0.0.1:6379/2"
    monkeypatch.setenv("SESSION_REDIS_URL", "redis://sessions.internal:6379/0")
    assert load_config(tmp_path)["SESSION_REDIS_URL"] == "redis://sessions.internal:6379/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.delenv("SESSION_REDIS_URL")
    assert load_config(tmp_path)["SESSION_REDIS_URL"] == ""
