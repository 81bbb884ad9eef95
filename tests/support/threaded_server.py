"""Serve an app on a free loopback port in a thread, for browsers and truly parallel requests."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server


def _closing_early(app: Any) -> Any:
    """Read each response body whole and close it before sending.

    Werkzeug's development server (3.1) skips the body's ``close()`` when the client resets the connection
    while the server drains the request; a browser that leaves a page mid-download (a favicon, say) then
    leaves a file open, which the suite's ``-W error`` turns into a failure in whichever test is running.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@contextmanager
def threaded_server(app: Flask) -> Iterator[str]:
    """Yield the base URL of ``app`` served on 127.0.0.1; stop the server afterwards."""
    server = make_server("127.0.0.1", 0, _closing_early(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
