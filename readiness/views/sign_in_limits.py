"""Failed sign-ins, counted so that guessing is slow and nobody's failures lock out someone else.

Four counts (Flask-Limiter, only failed attempts are deducted), in two families:

- A browser that has signed in to the account before (it holds a signed "known device" cookie naming the
  account) is counted only on its own: failures from that browser for that account. Nobody else's
  failures, from any address, can refuse it.
- Any other attempt is counted per account and address, per account across all addresses (guessing one
  password from many places), and per address across all accounts (guessing many accounts from one place).
  The per-address count is loose, so one hospital's NAT address with its ordinary mistakes never reaches it.

docs/security.md states the policy and names the tests that prove each property.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import current_app, request
from flask_limiter import RequestLimit
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from readiness.extensions import limiter

DEVICE_COOKIE = "readiness_device"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 5  # a shared ward computer remembers the last few people who signed in on it


def attempted_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _address() -> str:
    return request.remote_addr or "unknown"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="sign-in-device")  # type: ignore[arg-type]


def _account_mark(email: str) -> str:
    """The account, as the cookie names it: keyed with the secret, so the cookie does not show the address."""
    key = str(current_app.secret_key).encode()
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()[:20]


def _device() -> dict[str, Any] | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("accounts"), list):
        return None
    return data


def known_device() -> bool:
    """Whether this browser has signed in to the account being tried before."""
    device = _device()
    return device is not None and _account_mark(attempted_email()) in device["accounts"]


def remember_device(response: Response, email: str) -> None:
    """After a correct sign-in, let this browser's later attempts for the account be counted on their own."""
    device = _device() or {"id": secrets.token_urlsafe(16), "accounts": []}
    mark = _account_mark(email)
    accounts = [mark, *(a for a in device["accounts"] if a != mark)][:DEVICE_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"id": device["id"], "accounts": accounts}),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


def _failed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _device_key() -> str:
    device = _device() or {"id": ""}
    return f"device:{device['id']}:{attempted_email()}"


def _limit(setting: str, key: Any, *, for_known_device: bool) -> Any:
    def exempt() -> bool:
        return known_device() != for_known_device

    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key,
        methods=["POST"],
        deduct_when=_failed,
        exempt_when=exempt,
        scope=setting.lower(),
    )


def limited(view: Any) -> Any:
    """Apply the four counts to the sign-in view."""
    for decorate in (
        _limit("SIGN_IN_DEVICE_LIMIT", _device_key, for_known_device=True),
        _limit("SIGN_IN_ACCOUNT_ADDRESS_LIMIT", lambda: f"{attempted_email()}|{_address()}", for_known_device=False),
        _limit("SIGN_IN_ACCOUNT_LIMIT", attempted_email, for_known_device=False),
        _limit("SIGN_IN_ADDRESS_LIMIT", _address, for_known_device=False),
    ):
        view = decorate(view)
    return view


def try_again_at() -> float | None:
    """When the count that refused this request lets the next attempt through (seconds since the epoch)."""
    current: RequestLimit | None = limiter.current_limit
    return float(current.reset_at) if current else None
