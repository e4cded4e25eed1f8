"""Claims pages: thin views; reads through selectors, writes through actions. Counts only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.access import require_role
from homeward.lib.errors import DomainError, ValidationFailed
from homeward.web.views.common import field_errors, page_view

from . import actions, selectors
from .models import Claim, ClaimKind, ClaimStatus, Counts, Language, PopulationCategory, Report
from .text import MAX_BYTES, NotText, file_text


def _refused(request, exc: DomainError) -> None:
    fields = field_errors(exc)
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    messages.error(request, f"{exc.message} {detail}".strip())


@page_view
def figures(request):
    require_role(request.user, *actions.ROLES)
    return render(request, "claims/figures.html", {"groups": selectors.populations()})


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            "The date is not valid.", detail={"fields": {field: "use YYYY-MM-DD"}}
        ) from exc


@page_view
def reports(request):
    require_role(request.user, *actions.ROLES)
    if request.method == "POST" and _declared_size(request) > MAX_BYTES + FORM_MARGIN:
        # Refused on the declared length, before Django parses (and spools) the body.
        messages.error(
            request, _("The upload is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
        )
        return _reports_page(request, {}, status=413)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            text = request.POST.get("text", "")
            upload = request.FILES.get("file")
            file_name = ""
            if upload is not None:
                # Bound the size before reading a byte of it.
                if upload.size is None or upload.size > MAX_BYTES:
                    raise ValidationFailed(
                        "The file is too large.",
                        detail={"fields": {"file": f"larger than {MAX_BYTES // 2**20} MB"}},
                    )
                try:
                    text = file_text(upload.name or "", upload.read(MAX_BYTES + 1))
                except NotText as exc:
                    raise ValidationFailed(str(exc), detail={"fields": {"file": str(exc)}}) from exc
                file_name = upload.name or ""
            report = actions.add_report(
                actor=request.user,
                text=text,
                outlet=request.POST.get("outlet", ""),
                title=request.POST.get("title", ""),
                url=request.POST.get("url", ""),
                published_on=_date(request.POST.get("published_on", ""), "published_on"),
                language=request.POST.get("language", "en"),
                reliability=request.POST.get("reliability", "F"),
                credibility=request.POST.get("credibility", "6"),
                file_name=file_name,
            )
            return redirect("claims:report", uuid=report.uuid)
        except DomainError as exc:
            _refused(request, exc)
    return _reports_page(request, form, status=422 if request.method == "POST" else 200)


FORM_MARGIN = 256 * 1024  # the form's other fields around the file


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _reports_page(request, form, *, status: int):
    return render(
        request,
        "claims/reports.html",
        {
            "reports": Report.objects.select_related("source")[:200],
            "languages": Language.choices,
            "form": form,
            "max_mb": MAX_BYTES // 2**20,
        },
        status=status,
    )


@page_view
def report(request, uuid):
    require_role(request.user, *actions.ROLES)
    rep = Report.objects.select_related("source").filter(uuid=uuid).first()
    if rep is None:
        raise Http404
    rows = []
    for c in rep.claims.select_related("report", "side", "held_by", "of_party"):
        gap = None
        if c.status == ClaimStatus.CONFIRMED:
            gap = selectors.gap_text(c, selectors.register_figure(c))
        rows.append({"claim": c, "gap": gap})
    return render(
        request,
        "claims/report.html",
        {
            "report": rep,
            "rows": rows,
            "counts": Counts.choices,
            "kinds": ClaimKind.choices,
            "categories": PopulationCategory.choices,
        },
    )


@page_view
def decide(request, uuid):
    require_role(request.user, *actions.ROLES)
    claim = Claim.objects.select_related("report").filter(uuid=uuid).first()
    if claim is None:
        raise Http404
    if request.method != "POST":
        return redirect("claims:report", uuid=claim.report.uuid)
    try:
        if request.POST.get("decision") == "reject":
            actions.reject_claim(actor=request.user, claim=claim, note=request.POST.get("note", ""))
            messages.success(request, _("Claim rejected."))
        else:
            actions.confirm_claim(
                actor=request.user,
                claim=claim,
                counts=request.POST.get("counts") or None,
                kind=request.POST.get("kind") or None,
                low=request.POST.get("low", ""),
                high=request.POST.get("high", ""),
                claimant=request.POST.get("claimant"),
                category=request.POST.get("category"),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Claim confirmed."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(f"{claim.report.get_absolute_url()}#claim-{claim.uuid}")


@page_view
def population(request, key):
    require_role(request.user, *actions.ROLES)
    if len(key) > 100:
        raise Http404
    claims = selectors.population_claims(key)
    if not claims:
        raise Http404
    rows = [
        {"claim": c, "text": selectors.gap_text(c, selectors.register_figure(c))} for c in claims
    ]
    return render(
        request,
        "claims/population.html",
        {
            "label": selectors.population_label(claims[0]),
            "rows": rows,
            "figure": selectors.register_figure(claims[-1]),
        },
    )
