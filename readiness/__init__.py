"""Role readiness: prepare a new NHS workforce role against HEE's good practice cycle."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the application; ``config`` overrides the environment (tests use it)."""
    from readiness import cli, database, errors, mail, security, session_store, static_files, templating, views
    from readiness.config import ROOT, load_config
    from readiness.extensions import compress, csrf, db, limiter, login_manager, migrate
    from readiness.services import catalogue

    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(load_config(ROOT / "instance", config))
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Only behind that many proxies of our own are X-Forwarded-* true; otherwise anyone could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    templating.init_app(app)  # first: it sets Jinja options before anything creates the environment
    static_files.init_app(app)
    db.init_app(app)
    session_store.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    compress.init_app(app)
    catalogue.init_app(app)
    database.init_app(app)
    views.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
