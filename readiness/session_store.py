"""Server-side sessions (Flask-Session): the cookie holds only a random id, so ending a session on the server ends it.

Redis keeps them when SESSION_REDIS_URL names one, so every process and host sees the same sessions and a
signed-out session is gone for all of them. Without Redis, a folder on this machine keeps them: enough for
one machine and for the tests, and refused in production mode (see config.refuse_insecure).

An ended session stays ended. A request that loaded a session before sign-out deleted it (a slow report, a
file still downloading) would otherwise write it back when it finishes, and a copy of its cookie would work
again. So a session is written only when a request changed it, and one loaded from the store is written
back only while the store still holds it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cachelib.file import FileSystemCache
from flask import Flask, current_app, has_request_context, request
from flask_session.base import ServerSideSession
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.defaults import Defaults
from flask_session.redis import RedisSessionInterface
from redis import Redis

# Sessions kept on disk before the oldest are pruned; far above what one machine serves at once.
DISK_SESSIONS = 20_000


class _EndedStayEnded:
    def _loaded_from_store(self: Any, session: ServerSideSession) -> bool:
        """Whether this request's session is the one its cookie named (not new, and not given a new id since)."""
        return has_request_context() and request.cookies.get(self.get_cookie_name(current_app)) == session.sid


class RedisSessions(_EndedStayEnded, RedisSessionInterface):
    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        if not self._loaded_from_store(session):
            super()._upsert_session(session_lifetime, session, store_id)
            return
        # XX: only overwrite a key that still exists, in one step, so no other request can end it in between.
        self.client.set(store_id, self.serializer.encode(session), ex=int(session_lifetime.total_seconds()), xx=True)


class FolderSessions(_EndedStayEnded, CacheLibSessionInterface):
    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        # Check, then write: one machine's folder, where the window between the two is microseconds.
        if self._loaded_from_store(session) and not self.cache.has(store_id):
            return
        super()._upsert_session(session_lifetime, session, store_id)


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("SESSION_PERMANENT", True)
    config.setdefault("SESSION_KEY_PREFIX", "readiness:session:")
    # Rewriting every session after every request (the default) costs a write per request and widens the
    # window above; the idle limit's last-seen stamp (readiness/services/sessions.py) renews an active one.
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    options = {
        "key_prefix": config["SESSION_KEY_PREFIX"],
        "use_signer": False,  # the id is 32 random bytes; a signature would add nothing
        "permanent": config["SESSION_PERMANENT"],
        "sid_length": config.get("SESSION_ID_LENGTH", Defaults.SESSION_ID_LENGTH),
        "serialization_format": config.get("SESSION_SERIALIZATION_FORMAT", Defaults.SESSION_SERIALIZATION_FORMAT),
    }
    if url := config["SESSION_REDIS_URL"]:
        app.session_interface = RedisSessions(app, client=Redis.from_url(url), **options)
    else:
        folder = FileSystemCache(str(config["SESSION_FOLDER"]), threshold=DISK_SESSIONS, mode=0o600)
        app.session_interface = FolderSessions(app, client=folder, **options)
