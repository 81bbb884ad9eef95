"""Find or start a PostgreSQL server for the tests, and migrate test databases."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from psycopg import sql

CANDIDATES = ("postgresql://postgres@127.0.0.1:5432/postgres",)


def postgres_server() -> str | None:
    """Return a maintenance URL of a reachable server: TEST_DATABASE_URL first, then the local one."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    if os.environ.get("TEST_SKIP_POSTGRES"):
        return None
    for url in ([explicit] if explicit else []) + list(CANDIDATES):
        try:
            with psycopg.connect(_plain(url), connect_timeout=2):
                return url
        except psycopg.Error:
            continue
    return None


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _with_database(url: str, name: str) -> str:
    base = _plain(url).rsplit("/", 1)[0]
    return f"postgresql+psycopg://{base.removeprefix('postgresql://')}/{name}"


def create_database(url: str, name: str) -> str:
    with psycopg.connect(_plain(url), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(url, name)


def drop_database(url: str, database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(_plain(url), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def truncate_all(database_url: str) -> None:
    with psycopg.connect(_plain(database_url), autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            connection.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
            )


def migrate(database_url: str, instance: Path) -> None:
    """Bring a database to the latest schema with the project's migrations."""
    from flask_migrate import upgrade

    from readiness import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance,
            "AUTO_UPGRADE_DATABASE": "never",
            "SECRET_KEY": "migration-only-secret-key-for-tests",
        }
    )
    with app.app_context():
        upgrade()
        from readiness.extensions import db

        db.engine.dispose()
