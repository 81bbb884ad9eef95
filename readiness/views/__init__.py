"""One blueprint per journey."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

# The largest id a row can have: ids are INTEGER columns, 32-bit on PostgreSQL.
LARGEST_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` that does not match a number no row can have, so it is a 404 rather than an overflow."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    from readiness.views import (
        account,
        admin,
        api,
        assessment,
        auth,
        home,
        notifications,
        portfolio,
        reports,
        sharing,
        wizard,
    )

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    for module in (auth, account, admin, home, notifications, assessment, wizard, reports, portfolio, sharing, api):
        app.register_blueprint(module.bp)
