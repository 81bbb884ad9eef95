"""Server-side sessions (Flask-Session): the cookie holds only a random id, so ending a session on the server ends it.

Redis keeps them when SESSION_REDIS_URL names one, so every process and host sees the same sessions and a
signed-out session is gone for all of them. Without Redis, a folder on this machine keeps them: enough for
one machine and for the tests, and refused in production mode (see config.refuse_insecure).
"""

from __future__ import annotations

from cachelib.file import FileSystemCache
from flask import Flask
from flask_session import Session
from redis import Redis

# Sessions kept on disk before the oldest are pruned; far above what one machine serves at once.
DISK_SESSIONS = 20_000


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_PERMANENT", True)
    # Write a session back only when a request changed it. Rewriting it after every request (the default)
    # lets a page or file still loading at sign-out write the ended session back, so its cookie works again;
    # the idle limit's last-seen stamp (readiness/services/sessions.py) still renews an active session.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.config.setdefault("SESSION_KEY_PREFIX", "readiness:session:")
    if url := app.config["SESSION_REDIS_URL"]:
        app.config["SESSION_TYPE"] = "redis"
        app.config["SESSION_REDIS"] = Redis.from_url(url)
    else:
        app.config["SESSION_TYPE"] = "cachelib"
        app.config["SESSION_CACHELIB"] = FileSystemCache(
            str(app.config["SESSION_FOLDER"]), threshold=DISK_SESSIONS, mode=0o600
        )
    Session(app)
