"""The dashboard: every chart of homeward/stats for the filters in the URL (party, category, and
a period of months: from=YYYY-MM&to=YYYY-MM, or year=YYYY, or month=YYYY-MM), each with its
numbers as a table, downloadable as PNG, SVG and CSV."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.models import Role
from homeward.claims import actions as claim_actions
from homeward.claims import selectors as claim_selectors
from homeward.ledger.models import Entry
from homeward.stats.actions import publish_figures
from homeward.stats.charts import (
    CHARTS,
    Chart,
    build,
    categories,
    label,
    to_csv,
    to_png,
    to_svg,
)
from homeward.stats.figures import CATEGORIES
from homeward.stats.models import Release
from homeward.stats.selectors import SMALL_COUNT, figures_for

from .common import page_view

PUBLISHERS = {Role.ANALYST, Role.CASEWORKER, Role.ADMIN}


def _filters(request) -> dict:
    """Bounded, validated filters; anything unknown falls back to "all"."""
    party = request.GET.get("party", "")[:8]
    category = request.GET.get("category", "")[:16]
    # The period: from/to months; a year or a single month are shorthands for one. Validated
    # (and clamped to what the role may see) by stats.selectors.
    first, last = request.GET.get("from", "")[:7], request.GET.get("to", "")[:7]
    year, month = request.GET.get("year", "")[:4], request.GET.get("month", "")[:7]
    if not (first or last):
        if month:
            first = last = month
        elif year.isdigit():
            first, last = f"{year}-01", f"{year}-12"
    return {
        "party": party if party.isalnum() else "",
        "category": category if category in CATEGORIES else "",
        "from": first,
        "to": last,
    }


def _charts(request):
    f = _filters(request)
    figures = figures_for(request.user, first=f["from"] or None, last=f["to"] or None)
    f["from"], f["to"] = figures["period"]
    parties = figures["cubes"]["status"].dims[1][:-1]
    if f["party"] not in parties:
        f["party"] = ""
    charts = [
        build(
            figures["cubes"][spec["cube"]],
            name,
            party=f["party"],
            category=f["category"],
            period=figures["period"],
        )
        for name, spec in CHARTS.items()
    ]
    if request.user.role in CLAIM_READERS:
        charts.append(_claims_chart(f))
    return f, figures, parties, charts


# Who sees the claims beside the register's figures: those who read the claims pages (analysts,
# mediators), with the register's counts suppressed as those pages show them.
CLAIM_READERS = set(claim_actions.ROLES)


def _claims_chart(f: dict) -> Chart:
    rows = claim_selectors.chart_rows(f["to"], f["party"])
    return Chart(
        name="claims",
        title=str(_("Figures claimed in public reports beside the register's counts")),
        rows=[label for label, _c, _r in rows],
        series=["claimed", "register"],
        values=[[claimed, register] for _l, claimed, register in rows],
        totals=[None for _ in rows],
        show_totals=False,
    )


@page_view
def dashboard(request):
    f, figures, parties, charts = _charts(request)
    query = "&".join(
        f"{k}={v}" for k, v in (("party", f["party"]), ("category", f["category"])) if v
    )
    query = "&".join(p for p in (query, f"from={f['from']}&to={f['to']}") if p)
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
            "query": query,
            "small": SMALL_COUNT,
        },
    )


@page_view
def chart_file(request, name: str, fmt: str):
    if fmt not in ("svg", "csv", "png"):
        raise Http404
    f, figures, parties, charts = _charts(request)
    chart = next((c for c in charts if c.name == name), None)
    if chart is None:  # an unknown chart, or one this role does not see
        raise Http404
    body: str | bytes
    if fmt == "svg":
        body, ctype = to_svg(chart, SMALL_COUNT), "image/svg+xml"
    elif fmt == "png":
        body, ctype = to_png(chart, SMALL_COUNT), "image/png"
    else:
        body, ctype = to_csv(chart, SMALL_COUNT), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{f["from"]}-{f["to"]}-{figures["as_of"].isoformat()}.{fmt}"'
    )
    return response


@page_view
def figures(request):
    """The public figures: publish a release (its bytes enter the ledger) and list releases."""
    if request.method == "POST":
        raw = request.POST.get("year", "")[:4]
        release = publish_figures(actor=request.user, year=int(raw) if raw.isdigit() else None)
        return redirect("web:figures_release", uuid=release.uuid)
    return render(
        request,
        "stats/figures.html",
        {"releases": Release.objects.all()[:50], "may_publish": request.user.role in PUBLISHERS},
    )


@page_view
def figures_release(request, uuid):
    release = Release.objects.filter(uuid=uuid).first()
    if release is None:
        raise Http404
    if request.GET.get("format") == "csv":
        response = HttpResponse(release.csv.encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="homeward-figures-{release.as_of.isoformat()}.csv"'
        )
        return response
    blocks = []
    for block in release.csv.split("# ")[2:]:
        name, _, body = block.partition("\n")
        rows = list(csv.reader(io.StringIO(body)))
        blocks.append({"title": CHARTS[name]["title"], "header": rows[0], "rows": rows[1:]})
    entry = Entry.objects.filter(object_type="figures_release", object_id=str(release.uuid)).first()
    return render(
        request, "stats/release.html", {"release": release, "blocks": blocks, "entry": entry}
    )
