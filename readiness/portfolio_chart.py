"""The portfolio heatmap: mean stage scores by organisation, as SVG. Pure; never pyplot."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

# Red, amber, green as in the NHS palette, so the chart reads like the RAG tags beside it.
RAG_COLOURS = LinearSegmentedColormap.from_list("rag", ["#d5281b", "#ffeb3b", "#007f3b"])


@dataclass(frozen=True, slots=True)
class HeatRow:
    label: str
    bids: int
    scores: tuple[float | None, ...]  # one mean score (0-100) per stage; None if no bid scored it


def heatmap_svg(rows: Sequence[HeatRow], stage_titles: Sequence[str]) -> bytes:
    """Draw mean stage scores as a grid of coloured, labelled cells; return reproducible SVG bytes."""
    height = 1.6 + 0.42 * max(len(rows), 1)
    figure = Figure(figsize=(9, height), dpi=72)
    axes = figure.add_subplot()
    values = [[float("nan") if score is None else score for score in row.scores] for row in rows] or [
        [float("nan")] * len(stage_titles)
    ]
    axes.imshow(values, cmap=RAG_COLOURS, vmin=0, vmax=100, aspect="auto")
    for y, row in enumerate(rows):
        for x, score in enumerate(row.scores):
            label = "n/a" if score is None else f"{score:.0f}"
            colour = "#212b32" if score is not None and 40 <= score < 85 else "#ffffff"
            axes.text(x, y, label, ha="center", va="center", color=colour, fontsize=10)
    axes.set_xticks(range(len(stage_titles)), labels=[_wrap(title) for title in stage_titles], fontsize=9)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(rows)), labels=[f"{_short(row.label)} ({row.bids})" for row in rows], fontsize=9)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "portfolio", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _wrap(title: str) -> str:
    words = title.split()
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "\n" + " ".join(words[half:]) if len(words) > 2 else title
