"""Every write about reports and claims: keyword-only, one transaction, one ledger entry each.

Analysts and mediators add reports and decide on claims (issue 19); no personal data is involved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from types import EllipsisType

from django.db import transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Party, Role, User
from homeward.ledger.actions import append
from homeward.lib.dates import PartialDate
from homeward.lib.errors import Conflict, ValidationFailed
from homeward.registry.models import Source, SourceKind

from .extract import extract
from .models import Claim, ClaimKind, ClaimStatus, Counts, Language, PopulationCategory, Report
from .text import MAX_CHARS

ROLES = (Role.ANALYST, Role.MEDIATOR)
TEXT_MIN = 20
MAX_PROPOSALS = 500


def _nul_free(**fields: str) -> dict[str, str]:
    """PostgreSQL text cannot hold NUL; such input is refused, naming the field."""
    return {k: "contains a NUL byte" for k, v in fields.items() if v and "\x00" in v}


def _party(code: str | None, field: str, errors: dict[str, str]) -> Party | None:
    if not code:
        return None
    party = Party.objects.filter(code=code.upper()).first()
    if party is None:
        errors[field] = f"no party with code {code!r}"
    return party


@transaction.atomic
def add_report(
    *,
    actor: User,
    text: str,
    outlet: str,
    title: str = "",
    url: str = "",
    published_on: dt.date | None = None,
    language: str = Language.EN,
    reliability: str = "F",
    credibility: str = "6",
    file_name: str = "",
) -> Report:
    """Stores a report as a media Source with its SHA-256 and proposes its claims."""
    require_role(actor, *ROLES)
    errors: dict[str, str] = _nul_free(
        text=text, outlet=outlet, title=title, url=url, file_name=file_name
    )
    if errors:
        raise ValidationFailed("NUL bytes are not text.", detail={"fields": errors})
    text = (text or "").strip()
    if not text:
        errors["text"] = "is empty"
    elif len(text) < TEXT_MIN:
        errors["text"] = f"is shorter than {TEXT_MIN} characters"
    elif len(text) > MAX_CHARS:
        errors["text"] = f"is longer than {MAX_CHARS:,} characters"
    outlet = (outlet or "").strip()
    if not outlet:
        errors["outlet"] = "is required"
    elif len(outlet) > 200:
        errors["outlet"] = "is longer than 200 characters"
    title = (title or "").strip() or (text.split("\n", 1)[0][:120] if text else "")
    if len(title) > 300:
        errors["title"] = "is longer than 300 characters"
    if url and (len(url) > 1000 or not url.startswith(("http://", "https://"))):
        errors["url"] = "must be an http(s) address of at most 1000 characters"
    if language not in Language.values:
        errors["language"] = "must be one of: " + ", ".join(Language.values)
    if len(reliability) != 1 or reliability not in "ABCDEF":
        errors["reliability"] = "must be a letter A to F (Admiralty scale)"
    if len(credibility) != 1 or credibility not in "123456":
        errors["credibility"] = "must be a digit 1 to 6 (Admiralty scale)"
    if published_on and published_on > timezone.now().date():
        errors["published_on"] = f"{published_on} is in the future"
    if errors:
        raise ValidationFailed("The report is not valid.", detail={"fields": errors})
    digest = hashlib.sha256(text.encode()).hexdigest()
    if Report.objects.filter(sha256=digest).exists():
        raise Conflict(
            "This report is here already.", code="duplicate_report", detail={"sha256": digest}
        )
    proposals = extract(text, year=published_on.year if published_on else None)[:MAX_PROPOSALS]
    source = Source.objects.create(
        kind=SourceKind.MEDIA,
        title=f"{outlet}: {title}"[:300],
        date=PartialDate.from_date(published_on) if published_on else None,
        reliability=reliability,
        credibility=credibility,
        file_name=file_name[:255],
        file_sha256=digest,
        note=url,
        created_by=actor,
    )
    report = Report.objects.create(
        source=source,
        title=title,
        outlet=outlet,
        url=url,
        published_on=published_on,
        language=language,
        text=text,
        sha256=digest,
        file_name=file_name[:255],
        created_by=actor,
    )
    parties = {p.code: p for p in Party.objects.filter(code__in=["UA", "RU"])}
    rows = []
    for c in proposals:
        d = c.as_dict()
        rows.append(
            Claim(
                report=report,
                counts=c.counts,
                low=c.low,
                high=c.high,
                kind=c.kind,
                held_by=parties.get(c.held_by or ""),
                of_party=parties.get(c.of_party or ""),
                category=c.category or "",
                refers_to=_iso_date(c.refers_to) or published_on,
                claimant=(c.claimant or "")[:300],
                side=parties.get(c.side or ""),
                quote=c.quote,
                figure=c.figure[:200],
                proposed={k: d[k] for k in ("counts", "low", "high", "kind", "claimant", "side")},
            )
        )
    Claim.objects.bulk_create(rows)
    append(
        actor=actor,
        action="source.created",
        object_type="source",
        object_id=source.uuid,
        data={"kind": SourceKind.MEDIA, "grade": source.grade, "file_sha256": digest},
    )
    append(
        actor=actor,
        action="claims.report_added",
        object_type="report",
        object_id=report.uuid,
        data={
            "outlet": outlet,
            "url": url,
            "published_on": str(published_on) if published_on else None,
            "language": language,
            "sha256": digest,
            "proposed": len(rows),
        },
    )
    return report


def _iso_date(value: str | None) -> dt.date | None:
    if not value or value.startswith("--"):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _number(value, field: str, errors: dict[str, str]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):  # "0,7" as a Ukrainian or Russian keyboard writes it
        value = value.strip().replace("\u00a0", "").replace(" ", "")
        # "1,000" is a thousand; "0,7" is a decimal comma.
        value = value.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", value) else value
        value = value.replace(",", ".")
    try:
        v = float(value)
    except (TypeError, ValueError):
        errors[field] = "is not a number"
        return None
    if not math.isfinite(v) or v < 0 or v > 1e9:
        errors[field] = "must be a number from 0 to 1,000,000,000"
        return None
    return v


@transaction.atomic
def confirm_claim(
    *,
    actor: User,
    claim: Claim,
    counts: str | None = None,
    low: float | str | None | EllipsisType = ...,  # ... (the default): keep as proposed
    high: float | str | None | EllipsisType = ...,
    kind: str | None = None,
    claimant: str | None = None,
    side: str | None = None,
    held_by: str | None = None,
    of_party: str | None = None,
    category: str | None = None,
    refers_to: dt.date | None = None,
    note: str = "",
) -> Claim:
    """Confirms a claim, with the analyst's corrections; an impossible interval changes nothing."""
    require_role(actor, *ROLES)
    nul = _nul_free(claimant=claimant or "", note=note, counts=counts or "", side=side or "")
    if nul:
        raise ValidationFailed("NUL bytes are not text.", detail={"fields": nul})
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == ClaimStatus.REJECTED:
        raise Conflict("This claim was rejected; it cannot be confirmed.", code="claim_rejected")
    errors: dict[str, str] = {}
    new_counts = counts or claim.counts
    if new_counts not in Counts.values:
        errors["counts"] = "must be one of: " + ", ".join(Counts.values)
    new_kind = kind or claim.kind
    if new_kind not in ClaimKind.values:
        errors["kind"] = "must be count or share"
    new_low = claim.low if low is ... else _number(low, "low", errors)
    new_high = claim.high if high is ... else _number(high, "high", errors)
    if new_low is None and new_high is None and "low" not in errors:
        errors["low"] = "an interval needs a low or a high bound"
    if new_low is not None and new_high is not None and new_low > new_high:
        errors["high"] = f"is below low ({new_low:g} > {new_high:g})"
    if new_kind == ClaimKind.SHARE:
        for f, v in (("low", new_low), ("high", new_high)):
            if v is not None and v > 1:
                errors[f] = "a share is between 0 and 1"
    if category and category not in PopulationCategory.values:
        errors["category"] = "must be one of: " + ", ".join(PopulationCategory.values)
    if claimant is not None and len(claimant) > 300:
        errors["claimant"] = "is longer than 300 characters"
    parties = {}
    for f, code in (("side", side), ("held_by", held_by), ("of_party", of_party)):
        if code is not None:
            parties[f] = _party(code, f, errors) if code else None
    if refers_to and refers_to > timezone.now().date():
        errors["refers_to"] = f"{refers_to} is in the future"
    if errors:
        raise ValidationFailed("The claim is not valid.", detail={"fields": errors})
    claim.counts, claim.kind, claim.low, claim.high = new_counts, new_kind, new_low, new_high
    if claimant is not None:
        claim.claimant = claimant.strip()
    for f, p in parties.items():
        setattr(claim, f, p)
    if category is not None:
        claim.category = category
    if refers_to is not None:
        claim.refers_to = refers_to
    claim.note = note[:2000]
    claim.status = ClaimStatus.CONFIRMED
    claim.decided_by, claim.decided_at = actor, timezone.now()
    claim.save()
    append(
        actor=actor,
        action="claims.confirmed",
        object_type="claim",
        object_id=claim.uuid,
        data={
            "report": str(claim.report.uuid),
            "counts": claim.counts,
            "low": claim.low,
            "high": claim.high,
            "kind": claim.kind,
            "population": claim.population_key,
            "claimant": claim.claimant,
            "side": claim.side.code if claim.side else None,
            "refers_to": str(claim.refers_to) if claim.refers_to else None,
            "corrected": _corrected(claim),
        },
    )
    return claim


def _corrected(claim: Claim) -> bool:
    p = claim.proposed or {}
    return any(
        p.get(k) != v
        for k, v in (
            ("counts", claim.counts),
            ("low", claim.low),
            ("high", claim.high),
            ("kind", claim.kind),
        )
    )


@transaction.atomic
def reject_claim(*, actor: User, claim: Claim, note: str = "") -> Claim:
    """Rejects a proposal (not a figure about persons, misread, duplicate …)."""
    require_role(actor, *ROLES)
    if "\x00" in note:
        raise ValidationFailed("NUL bytes are not text.", detail={"fields": {"note": "NUL"}})
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == ClaimStatus.CONFIRMED:
        raise Conflict("This claim is confirmed; it cannot be rejected.", code="claim_confirmed")
    claim.status = ClaimStatus.REJECTED
    claim.note = note[:2000]
    claim.decided_by, claim.decided_at = actor, timezone.now()
    claim.save()
    append(
        actor=actor,
        action="claims.rejected",
        object_type="claim",
        object_id=claim.uuid,
        data={"report": str(claim.report.uuid), "note": claim.note},
    )
    return claim
