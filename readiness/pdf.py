"""Render the board pack's HTML to PDF with WeasyPrint, fetching nothing from outside the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from readiness.config import ROOT

ALLOWED_FOLDERS = (ROOT / "static",)


class LocalFetcher(URLFetcher):
    """Serve data: URIs and files under the app's static folder; refuse every other address."""

    def __init__(self, folders: tuple[Path, ...] = ALLOWED_FOLDERS) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.folders = tuple(folder.resolve() for folder in folders)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Fetch a data: URI or an allowed local file."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise ValueError(f"refusing to fetch {url}: the board pack uses only the app's own files")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.folders) or not path.is_file():
            raise ValueError(f"refusing to fetch {url}: not one of the app's static files")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})


def render(html: str) -> bytes:
    """Render HTML (whose relative links point into static/) as a tagged, accessible PDF."""
    document = HTML(string=html, base_url=(ROOT / "static").as_uri() + "/", url_fetcher=LocalFetcher())
    # Full fonts: subsetting costs about 0.4 s a pack and saves almost nothing with Liberation Sans.
    return document.write_pdf(pdf_variant="pdf/ua-1", full_fonts=True)


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix, "application/octet-stream"
    )
