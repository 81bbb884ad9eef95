"""One blueprint per journey."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from readiness.views import admin, api, auth, home, portfolio, reports, sharing, wizard

    for module in (auth, admin, home, wizard, reports, portfolio, sharing, api):
        app.register_blueprint(module.bp)
