"""Charts of readiness as SVG: a matplotlib Figure straight to bytes, never pyplot. Pure."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from functools import lru_cache

from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

# NHS.UK palette; the RAG colours match static/app.css.
RAG_COLOURS = {"red": "#d5281b", "amber": "#ffb81c", "green": "#007f3b"}
LINE_COLOURS = ("#005eb8", "#330072", "#007f3b", "#d5281b", "#7c2855")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)))
MARKERS = ("o", "s", "^", "D", "v")
TEXT_COLOUR = "#212b32"
# Text stays text (smaller, searchable in the PDF); fixed margins, because constrained layout doubles the cost.
SVG_SETTINGS = {
    "svg.hashsalt": "role-readiness",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "DejaVu Sans"],
    "font.size": 10,
}

StageBar = tuple[str, int, str]  # (title, score 0-100, rag)
TrendSeries = tuple[str, tuple[int, ...]]  # (stage title, score per version)


def svg_bytes(figure: Figure) -> bytes:
    """Render a figure as reproducible SVG (no date, fixed ids)."""
    buffer = io.BytesIO()
    FigureCanvasSVG(figure)
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def data_uri(svg: bytes) -> str:
    """Wrap SVG as a data: URI, so an <img> shows it under a CSP that forbids inline styles."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def stage_chart(stages: Sequence[StageBar]) -> bytes:
    """Draw one horizontal bar per stage, coloured by its RAG rating, scored out of 100."""
    return _stage_chart(tuple(stages))


@lru_cache(maxsize=256)
def _stage_chart(stages: tuple[StageBar, ...]) -> bytes:
    import matplotlib

    with matplotlib.rc_context(SVG_SETTINGS):
        height = 0.55 * len(stages) + 1.0
        figure = Figure(figsize=(7.0, height))
        figure.subplots_adjust(left=0.3, right=0.97, top=1 - 0.15 / height, bottom=0.6 / height)
        axes = figure.add_subplot()
        titles = [title for title, _, _ in stages][::-1]
        scores = [score for _, score, _ in stages][::-1]
        colours = [RAG_COLOURS[rag] for _, _, rag in stages][::-1]
        bars = axes.barh(titles, scores, color=colours, edgecolor=TEXT_COLOUR, linewidth=0.5)
        for bar, (_, score, rag) in zip(bars, reversed(stages), strict=True):
            axes.text(
                bar.get_width() + 1.5,  # outside the bar, always on the light background
                bar.get_y() + bar.get_height() / 2,
                f"{score} ({rag.title()})",
                va="center",
                fontsize=9,
                color=TEXT_COLOUR,
            )
        _tidy(axes, "Score out of 100")
        axes.set_xlim(0, 125)  # room for the labels beyond a full bar
        axes.set_xticks([0, 25, 50, 75, 100])
        return svg_bytes(figure)


def trend_chart(versions: Sequence[int], series: Sequence[TrendSeries]) -> bytes:
    """Draw each stage's score across versions as a line, with distinct markers and dashes."""
    return _trend_chart(tuple(versions), tuple(series))


@lru_cache(maxsize=64)
def _trend_chart(versions: tuple[int, ...], series: tuple[TrendSeries, ...]) -> bytes:
    import matplotlib

    with matplotlib.rc_context(SVG_SETTINGS):
        figure = Figure(figsize=(7.0, 3.6))
        figure.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.12)
        axes = figure.add_subplot()
        for index, (title, scores) in enumerate(series):
            style = index % len(LINE_COLOURS)
            axes.plot(
                versions,
                scores,
                label=title,
                color=LINE_COLOURS[style],
                linestyle=LINE_STYLES[style],
                marker=MARKERS[style],
                linewidth=2,
            )
        axes.set_xticks(list(versions), [f"Version {number}" for number in versions])
        axes.set_ylim(0, 105)
        axes.set_yticks([0, 25, 50, 75, 100])
        axes.set_ylabel("Score out of 100", color=TEXT_COLOUR)
        axes.legend(loc="lower right", fontsize=8, frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return svg_bytes(figure)


def _tidy(axes: Axes, label: str) -> None:
    axes.set_xlabel(label, color=TEXT_COLOUR)
    axes.tick_params(colors=TEXT_COLOUR)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
