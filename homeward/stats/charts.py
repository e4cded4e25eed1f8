"""The dashboard's charts: slices of the figure cubes, drawn as plain SVG (no JavaScript, prints),
with the same numbers as a table and as CSV.

A chart never computes a figure: it reads cells of a cube, so a hidden cell stays hidden in the
picture, the table and the CSV alike (drawn as a hatched stub marked "<5").
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from homeward.registry.models import StatusKind

from .figures import CATEGORIES, NONE
from .suppression import TOTAL, Cube

# Each chart is a slice of one cube of figures.compute (its rows and series dimensions); the
# party and category filters apply where the cube has those dimensions.
CHARTS: dict[str, dict] = {
    "flows": {
        "title": _("Persons captured, exchanged, released and died, by month"),
        "cube": "flows",
        "period": True,  # rows are months or dated exchanges: the period's slice
        "rows": "month",
        "series": "flow",
    },
    "exchanges": {
        "title": _("Exchanges: persons handed over by each side"),
        "cube": "exchanges",
        "period": True,  # rows are months or dated exchanges: the period's slice
        "rows": "exchange",
        "series": "party",
    },
    "exchanges_wounded": {
        "title": _("Exchanges: wounded and sick among them (outside the count)"),
        "cube": "exchanges_wounded",
        "period": True,  # rows are months or dated exchanges: the period's slice
        "rows": "exchange",
        "series": "party",
    },
    "nationality": {
        "title": _("Foreign nationals held, by nationality"),
        "cube": "nationality",
        "rows": "country",
        "series": "party",
    },
    "refusals": {
        "title": _("Refusals of repatriation: verified and unverified"),
        "cube": "refusals",
        "rows": "refusal",
        "series": "party",
    },
    "joined": {
        "title": _("“Joined the detaining party's forces” events by source grade"),
        "cube": "joined",
        "rows": "grade",
        "series": "party",
    },
    "captivity": {
        "title": _("Time in captivity"),
        "cube": "captivity",
        "rows": "duration",
        "series": "party",
    },
    "status": {
        "title": _("Persons by current status and detaining party"),
        "cube": "status",
        "rows": "status",
        "series": "party",
    },
    # Tracing: counts of families' inquiries (no party or category: the filters do not apply).
    "inquiries": {
        "title": _("Families' inquiries filed and answered, by month"),
        "cube": "inquiries",
        "period": True,
        "rows": "month",
        "series": "inquiry",
    },
    "answer_time": {
        "title": _("Inquiries: time to answer, and time waited by those still unanswered"),
        "cube": "answer_time",
        "rows": "wait",
        "series": "inquiry",
    },
}

LABELS = {
    "captured": _("captured"),
    "exchanged": _("exchanged"),
    "released": _("released"),
    "died": _("died"),
    "soldier": _("soldier"),
    "civilian": _("civilian"),
    "foreign": _("foreign national"),
    "lt3m": _("under 3 months"),
    "3-6m": _("3 to 6 months"),
    "6-12m": _("6 to 12 months"),
    "1-2y": _("1 to 2 years"),
    "gt2y": _("over 2 years"),
    "filed": _("filed"),
    "answered": _("answered"),
    "waiting": _("still unanswered"),
    "lt1w": _("within a week"),
    "1-4w": _("1 to 4 weeks"),
    "1-3m": _("1 to 3 months"),
    "gt3m": _("over 3 months"),
    "claimed": _("claimed"),
    "register": _("in the register"),
    NONE: _("no status"),
    TOTAL: _("Total"),
}

PALETTE = ["#1f5f8b", "#c0392b", "#2e8b57", "#8e6c00", "#6a3d9a", "#555555"]


def label(code: str) -> str:
    if code in LABELS:
        return str(LABELS[code])
    return str(dict(StatusKind.choices).get(code, code))


@dataclass
class Chart:
    name: str
    title: str
    rows: list[str]
    series: list[str]
    values: list[list[int | None]]  # [row][series]; None: hidden
    totals: list[int | None]  # the series dimension's total for each row
    # False where a row's series do not add up to anything (a claim beside the register's count).
    show_totals: bool = True


def build(
    cube: Cube,
    name: str,
    *,
    party: str = "",
    category: str = "",
    period: tuple[str, str] | None = None,
) -> Chart:
    """The chart `name` as a slice of `cube`: cells are read, never summed, so a suppressed cube
    stays safe whatever the filters (a period only keeps the rows dated within it)."""
    spec = CHARTS[name]
    row_dim = cube.names.index(spec["rows"])
    series_dim = cube.names.index(spec["series"])
    fixed: dict[int, str] = {}
    for dim, value in (("party", party), ("category", category)):
        if dim in cube.names and cube.names.index(dim) not in (row_dim, series_dim):
            members = cube.dims[cube.names.index(dim)]
            fixed[cube.names.index(dim)] = value if value in members else TOTAL
    series = [m for m in cube.dims[series_dim][:-1]]
    if spec["series"] == "party" and party:
        series = [m for m in series if m == party]
    rows = cube.dims[row_dim][:-1]
    if period and spec.get("period"):
        rows = [r for r in rows if period[0] <= r[:7] <= period[1]]

    def cell(row: str, ser: str) -> int | None:
        codes = []
        for d in range(len(cube.dims)):
            codes.append(row if d == row_dim else ser if d == series_dim else fixed[d])
        return cube.get(*codes)

    values = [[cell(r, s) for s in series] for r in rows]
    totals = [cell(r, TOTAL) for r in rows]
    return Chart(name, str(spec["title"]), rows, series, values, totals)


def to_csv(chart: Chart, small: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    totals = [TOTAL.strip("_")] if chart.show_totals else []
    writer.writerow(["", *chart.series, *totals])
    for row, values, total in zip(chart.rows, chart.values, chart.totals, strict=True):
        cells = [*values, total] if chart.show_totals else values
        writer.writerow([row, *(f"<{small}" if v is None else v for v in cells)])
    return out.getvalue()


def _short(text: str, limit: int = 33) -> str:
    # The full label is in the table beside the chart and in the CSV. 33 characters of 11 px
    # DejaVu Sans fit the 224 px left of the bars (36 ran past the picture's left edge).
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_svg(chart: Chart, small: int) -> str:
    """Horizontal grouped bars: one group per row, one bar per series; a hidden value is a grey
    stub marked "<small" so the reader sees that something is there but not how much."""
    bar, gap, left, width = 12, 10, 230, 700
    known = [v for vs in chart.values for v in vs if v is not None]
    top = max(known, default=0) or 1
    scale = (width - left - 60) / top
    legend_h = 20 * ((len(chart.series) + 3) // 4)
    y = 30 + legend_h
    parts = []
    for i, ser in enumerate(chart.series):
        lx, ly = 10 + (i % 4) * 150, 30 + (i // 4) * 20
        parts.append(
            f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{ly}">{escape(label(ser))}</text>'
        )
    for row, values in zip(chart.rows, chart.values, strict=True):
        group_h = max(1, len(values)) * bar
        parts.append(
            f'<text x="{left - 6}" y="{y + group_h / 2 + 4:.0f}" text-anchor="end">'
            f"{escape(_short(label(row)))}</text>"
        )
        for i, v in enumerate(values):
            colour = PALETTE[i % len(PALETTE)]
            if v is None:
                parts.append(
                    f'<rect class="suppressed" x="{left}" y="{y}" width="8" height="{bar - 2}" '
                    f'fill="#bbbbbb"/><text class="suppressed" x="{left + 12}" y="{y + bar - 3}">'
                    f"&lt;{small}</text>"
                )
            else:
                w = v * scale
                parts.append(
                    f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" fill="{colour}">'
                    f"<title>{escape(label(chart.series[i]))}: {v}</title></rect>"
                    f'<text x="{left + w + 4:.1f}" y="{y + bar - 3}">{v}</text>'
                )
            y += bar
        y += gap
    height = y + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-{chart.name}-title" font-family="sans-serif" '
        f'font-size="11"><title id="chart-{chart.name}-title">{escape(chart.title)}</title>'
        f'<text x="10" y="14" font-weight="bold">{escape(chart.title)}</text>'
        + "".join(parts)
        + "</svg>"
    )


@functools.cache
def _fonts() -> dict:
    """DejaVu Sans (Latin and Cyrillic) if the system has it: loading one font is a third of the
    time of scanning every system font on each render. Otherwise the system's fonts."""
    for root in ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts"):
        regular = sorted(Path(root).glob("**/DejaVuSans.ttf"))
        if regular:
            bold = regular[0].with_name("DejaVuSans-Bold.ttf")
            files = [str(regular[0])] + ([str(bold)] if bold.exists() else [])
            return {
                "skip_system_fonts": True,
                "font_files": files,
                "sans_serif_family": "DejaVu Sans",
            }
    return {}


# A PNG holds at most this many pixels: resvg's time and the PNG's encoding grow with them (the
# 36-month flows chart is 700 × 2,148 CSS pixels: 6 million pixels at twice its size, 350 ms).
PNG_PIXELS = 2_500_000


def to_png(chart: Chart, small: int, *, zoom: float = 2) -> bytes:
    """The SVG above rendered by resvg (a Rust renderer from PyPI, no system library): the same
    picture, hidden cells drawn as hidden, at `zoom` times its size in CSS pixels (less for a
    picture that would exceed PNG_PIXELS, never less than its own size). The same SVG gives the
    same bytes, so the picture is kept in the cache under the SVG's digest."""
    svg = to_svg(chart, small)
    width, height = svg_size(svg)
    zoom = max(1.0, min(zoom, (PNG_PIXELS / max(1, width * height)) ** 0.5))
    key = "stats:png:" + hashlib.sha256(f"{zoom:.3f}:{svg}".encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return kept
    import resvg_py

    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, background="#ffffff", **_fonts()))
    cache.set(key, png, timeout=3600)
    return png


def svg_size(svg: str) -> tuple[int, int]:
    """The width and height of a chart's viewBox."""
    _, _, w, h = svg.split('viewBox="', 1)[1].split('"', 1)[0].split()
    return int(float(w)), int(float(h))


def categories() -> list[tuple[str, str]]:
    return [(c, label(c)) for c in CATEGORIES]
