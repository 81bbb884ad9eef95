"""Configuration read from the environment, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from readiness.mail import settings as mail_settings

ROOT = Path(__file__).resolve().parent.parent


class InsecureConfigurationError(RuntimeError):
    """Production mode was asked for with settings that are not safe."""


def _secret_key(instance: Path) -> str:
    """Use SECRET_KEY, or generate one once and keep it in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'readiness.sqlite'}")
    # Deployments often hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _redis_url(uri: str) -> str:
    """The limiter's store, when it is Redis, also keeps the sessions unless SESSION_REDIS_URL names another."""
    return uri if uri.startswith(("redis://", "rediss://", "unix://")) else ""


def load_config(instance: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app's configuration from the environment and any overrides (tests)."""
    overrides = overrides or {}
    mode = overrides.get("MODE", os.environ.get("READINESS_MODE", "development"))
    instance = Path(overrides.get("INSTANCE_PATH", instance))
    production = mode == "production"
    limiter_storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    config: dict[str, Any] = {
        "MODE": mode,
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Evidence and board packs live in the database every host shares. This is only where
        # earlier releases kept evidence on one host's disk, read to move those files in.
        "LEGACY_UPLOAD_FOLDER": Path(os.environ.get("UPLOAD_FOLDER", instance / "evidence")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024 + 64 * 1024,
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        # Evidence given more than this many days ago is flagged as stale on reports and portfolios.
        "EVIDENCE_STALE_DAYS": int(os.environ.get("EVIDENCE_STALE_DAYS", "365")),
        "QUESTIONNAIRE_ROOT": Path(os.environ.get("QUESTIONNAIRE_ROOT", ROOT / "questionnaires")),
        "RATELIMIT_STORAGE_URI": limiter_storage,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins allowed; see docs/security.md for how the four counts keep people from locking each other out.
        "SIGN_IN_DEVICE_LIMIT": os.environ.get("SIGN_IN_DEVICE_LIMIT", "5 per 15 minutes"),
        "SIGN_IN_ACCOUNT_ADDRESS_LIMIT": os.environ.get("SIGN_IN_ACCOUNT_ADDRESS_LIMIT", "5 per 15 minutes"),
        "SIGN_IN_ACCOUNT_LIMIT": os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "20 per hour"),
        "SIGN_IN_ADDRESS_LIMIT": os.environ.get("SIGN_IN_ADDRESS_LIMIT", "100 per 15 minutes"),
        # How many reverse proxies in front of the app to believe about the client's address, scheme and host.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Server-side sessions: in Redis when one is named (several processes and hosts share it), else on disk.
        "SESSION_REDIS_URL": os.environ.get("SESSION_REDIS_URL", _redis_url(limiter_storage)),
        "SESSION_FOLDER": Path(os.environ.get("SESSION_FOLDER", instance / "sessions")),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", os.environ.get("SESSION_MINUTES", "120"))),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        "PASSWORD_RESET_HOURS": int(os.environ.get("PASSWORD_RESET_HOURS", "24")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode != "development",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": mode != "development",
        "WTF_CSRF_TIME_LIMIT": None,  # tie tokens to the session, so a long page is not lost
        # scrypt by default; only the tests choose something cheaper, to stay quick.
        "PASSWORD_HASH_METHOD": "scrypt",
        "AUTO_UPGRADE_DATABASE": os.environ.get("AUTO_UPGRADE_DATABASE", "sqlite-only"),
        # The address people reach the service at, for links in emails (never taken from a request's Host).
        "SERVICE_URL": os.environ.get("SERVICE_URL", "").rstrip("/"),
        # The NHS.UK frontend's CSS loads the Frutiger font from here; the CSP allows it (empty: none).
        "FONT_ORIGIN": os.environ.get("FONT_ORIGIN", "https://assets.nhs.uk").rstrip("/"),
        # Pages, JSON and CSV compress with Brotli or gzip, whichever the browser asks for first. Files sent
        # as streams (static files, evidence) are left alone: Flask-Compress would not close them, and nginx
        # compresses the static files in production.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_STREAMS": False,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/xml",
            "image/svg+xml",
        ],
        **mail_settings(),
    }
    config.update(overrides)
    # A session lasts while it is used: each request pushes its expiry on by the idle limit.
    config.setdefault("PERMANENT_SESSION_LIFETIME", config["SESSION_IDLE_MINUTES"] * 60)
    if production:
        refuse_insecure(config)
    return config


def refuse_insecure(config: dict[str, Any]) -> None:
    """Refuse to start production with settings that would put data at risk, saying why."""
    problems = []
    if not os.environ.get("SECRET_KEY"):
        problems.append("SECRET_KEY must be set in the environment (a generated key is per machine)")
    elif len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY must be at least 32 characters")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL must name a PostgreSQL database, not SQLite")
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("session cookies must be Secure")
    if config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        problems.append("RATELIMIT_STORAGE_URI must be a shared store (for example redis://) across processes")
    if not config["SESSION_REDIS_URL"]:
        problems.append("sessions need a shared store: set SESSION_REDIS_URL (or a redis:// RATELIMIT_STORAGE_URI)")
    if problems:
        raise InsecureConfigurationError("refusing to start in production mode: " + "; ".join(problems))
