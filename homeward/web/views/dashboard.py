"""The dashboard: every chart of homeward/stats for the filters in the URL (party, category,
year), each with its numbers as a table, downloadable as SVG and CSV."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from homeward.stats.charts import CHARTS, build, categories, label, to_csv, to_svg
from homeward.stats.figures import CATEGORIES
from homeward.stats.selectors import SMALL_COUNT, figures_for

from .common import page_view


def _filters(request) -> dict:
    """Bounded, validated filters; anything unknown falls back to "all"."""
    party = request.GET.get("party", "")[:8]
    category = request.GET.get("category", "")[:16]
    raw_year = request.GET.get("year", "")[:4]
    year = int(raw_year) if raw_year.isdigit() else None
    return {
        "party": party if party.isalnum() else "",
        "category": category if category in CATEGORIES else "",
        "year": year,
    }


def _charts(request):
    f = _filters(request)
    figures = figures_for(request.user, year=f["year"])
    parties = figures["cubes"]["status"].dims[1][:-1]
    if f["party"] not in parties:
        f["party"] = ""
    charts = [
        build(figures["cubes"][spec["cube"]], name, party=f["party"], category=f["category"])
        for name, spec in CHARTS.items()
    ]
    return f, figures, parties, charts


@page_view
def dashboard(request):
    f, figures, parties, charts = _charts(request)
    query = "&".join(
        f"{k}={v}" for k, v in (("party", f["party"]), ("category", f["category"])) if v
    )
    query = "&".join(p for p in (query, f"year={figures['year']}") if p)
    return render(
        request,
        "web/dashboard.html",
        {
            "charts": [
                {
                    "chart": c,
                    "svg": to_svg(c, SMALL_COUNT),
                    "rows": [
                        (label(r), vs, t)
                        for r, vs, t in zip(c.rows, c.values, c.totals, strict=True)
                    ],
                    "series": [label(s) for s in c.series],
                }
                for c in charts
            ],
            "figures": figures,
            "filters": f,
            "parties": parties,
            "categories": categories(),
            "years": list(range(figures["as_of"].year, 2013, -1)),
            "query": query,
            "small": SMALL_COUNT,
        },
    )


@page_view
def chart_file(request, name: str, fmt: str):
    if name not in CHARTS or fmt not in ("svg", "csv"):
        raise Http404
    f, figures, parties, charts = _charts(request)
    chart = next(c for c in charts if c.name == name)
    if fmt == "svg":
        body, ctype = to_svg(chart, SMALL_COUNT), "image/svg+xml"
    else:
        body, ctype = to_csv(chart, SMALL_COUNT), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{figures["as_of"].isoformat()}.{fmt}"'
    )
    return response
