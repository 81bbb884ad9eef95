"""Friendly error pages in the service's own style."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from readiness.views.api import bp as api_blueprint
from readiness.views.api import json_error
from readiness.views.auth import RESUMABLE, back_with_what_was_typed, redirect_to_sign_in

PAGES = {
    400: ("Sorry, there is a problem with your request", "Go back and try again."),
    403: (
        "You do not have permission to see this page",
        "If you think you should, ask the person who runs your assessment or your administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied the entire address.",
    ),
    405: ("Sorry, that action is not allowed here", "Use the buttons on the page rather than typing the address."),
    413: (
        "The file is too large",
        "Files must be smaller than 10MB, so nothing was uploaded. Go back to the page, choose a smaller file "
        "(for example, save the document as a PDF or split it into parts) and upload it again.",
    ),
    429: (
        "Too many attempts",
        "You have tried too many times in a short time. Wait a few minutes, then go back to the page and try again.",
    ),
    500: ("Sorry, there is a problem with the service", "Try again later. Your saved answers are safe."),
}


API_PREFIX = f"{api_blueprint.url_prefix}/"


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int] | Response:
        # An expired session also loses its CSRF token: keep the page and ask to sign in again. A page opened
        # in a session that has since been replaced keeps it too, and shows it again to save.
        if request.endpoint in RESUMABLE:
            return back_with_what_was_typed() if current_user.is_authenticated else redirect_to_sign_in()
        return _http_error(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int] | Response:
        code = error.code or 500
        # Routing errors (404, 405) happen before the API blueprint's own handler can see them.
        if request.path.startswith(API_PREFIX):
            response = json_error(code, error.name)
            response.headers.update((k, v) for k, v in error.get_headers() if k == "Allow")
            return response
        title, advice = PAGES.get(code, PAGES[400 if code < 500 else 500])
        if isinstance(error, CSRFError):
            advice = "Your form expired or came from another site. Go back, reload the page and try again."
        back = _back_link() if code in (413, 429) else None
        return render_template("errors/error.html", title=title, advice=advice, code=code, back=back), code

    @app.errorhandler(500)
    def _unexpected(error: Exception) -> tuple[str, int] | Response:
        if request.path.startswith(API_PREFIX):
            return json_error(500, "Internal Server Error")
        title, advice = PAGES[500]
        return render_template("errors/error.html", title=title, advice=advice, code=500), 500


def _back_link() -> str | None:
    """The page the person came from, when it is one of ours: the way back after a refused upload or attempt."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
