"""Static files with fingerprinted URLs: each URL carries a digest of its file, so browsers may keep it a year.

``url_for("static", filename="app.css")`` gives ``/static/app.css?v=<digest>``. A request whose ``v`` matches
the file's current digest is answered ``Cache-Control: public, max-age=31536000, immutable``; any other
(an old page, a hand-typed URL, the NHS.UK CSS's own ``url(/assets/images/...)``) gets an hour.
Each file is read and hashed once per process, not per request.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, send_from_directory
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from readiness.config import ROOT

NHSUK_DIST = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATIC = ROOT / "static"
# The NHS.UK CSS asks for its images at /assets/images/...; its CSS and JavaScript sit one folder up.
ASSET_FOLDERS = (NHSUK_DIST / "assets", NHSUK_DIST)
ENDPOINTS = frozenset({"static", "assets"})
LONG_LIVED = 365 * 24 * 60 * 60
SHORT_LIVED = 60 * 60


def init_app(app: Flask) -> None:
    app.add_url_rule("/assets/<path:filename>", "assets", serve_asset)
    app.url_defaults(_fingerprint_url)
    app.after_request(_cache_headers)


def serve_asset(filename: str) -> Response:
    """Serve the NHS.UK frontend's compiled files."""
    for folder in ASSET_FOLDERS:
        if (folder / filename).is_file():
            return send_from_directory(folder, filename)
    return send_from_directory(ASSET_FOLDERS[0], filename)  # raises a 404


def file_for(endpoint: str, filename: str) -> Path | None:
    """The file an asset URL names, or None; never a path outside its folder."""
    folders = (STATIC,) if endpoint == "static" else ASSET_FOLDERS
    for folder in folders:
        joined = safe_join(str(folder), filename)
        if joined is not None and Path(joined).is_file():
            return Path(joined)
    return None


def fingerprint(endpoint: str, filename: str) -> str | None:
    """A short digest of the file's content, worked out once per process; in debug mode it follows edits."""
    if current_app.debug:
        path = file_for(endpoint, filename)
        return None if path is None else _digest(path, path.stat().st_mtime_ns)
    return _fingerprint_once(endpoint, filename)


@lru_cache(maxsize=1024)
def _fingerprint_once(endpoint: str, filename: str) -> str | None:
    path = file_for(endpoint, filename)
    return None if path is None else _digest(path, 0)


@lru_cache(maxsize=1024)
def _digest(path: Path, changed: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _fingerprint_url(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in ENDPOINTS and "filename" in values and "v" not in values:
        digest = fingerprint(endpoint, values["filename"])
        if digest is not None:
            values["v"] = digest


def _cache_headers(response: Response) -> Response:
    if request.endpoint not in ENDPOINTS or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    current = request.args.get("v") == fingerprint(request.endpoint, filename)
    response.cache_control.public = True
    response.cache_control.no_cache = None
    response.cache_control.max_age = LONG_LIVED if current else SHORT_LIVED
    response.cache_control.immutable = current
    response.expires = None
    return response
