"""Keep the default SQLite database created and up to date without a separate step."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade


def init_app(app: Flask) -> None:
    policy = app.config["AUTO_UPGRADE_DATABASE"]
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if policy == "always" or (policy == "sqlite-only" and sqlite):
        with app.app_context():
            upgrade()
