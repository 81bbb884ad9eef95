"""Security headers, a Content-Security-Policy that allows no inline script without a nonce, and no caching of
anything private."""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, g, request

from readiness import static_files


def init_app(app: Flask) -> None:
    # The NHS.UK CSS loads its Frutiger font from the NHS font host; an empty FONT_ORIGIN allows only our own.
    font_src = " ".join(filter(None, ["'self'", app.config.get("FONT_ORIGIN", "")]))

    @app.before_request
    def _refuse_nul_characters() -> None:
        # No keyboard types a NUL, PostgreSQL cannot store one, and it hides text from reviewers.
        values = [*request.args.values(), *(request.form.values() if request.method == "POST" else ())]
        if any("\x00" in value for value in values):
            abort(400)

    @app.context_processor
    def _inject_nonce() -> dict[str, str]:
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def _headers(response: Response) -> Response:
        nonce = csp_nonce()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self'; img-src 'self' data:; font-src {font_src}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint not in static_files.ENDPOINTS:
            keep_private(response)
        return response


def csp_nonce() -> str:
    """This response's script nonce, made when first asked for (``g`` lasts one request): an error page
    raised before any ``before_request`` ran (a CSRF refusal, a rate limit) gets one too, the same in its
    HTML and its header."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def keep_private(response: Response) -> None:
    """Every response but the static files may show someone's data: no browser or proxy may keep a copy.

    A view that already chose a private policy keeps it; anything else (``send_file``'s ``no-cache``, which a
    shared cache may store, or nothing at all) becomes ``no-store``.
    """
    if "private" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
