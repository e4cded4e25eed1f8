"""Reads of the register. Derived state (the current status) is computed here, never stored."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower

from homeward.lib.dates import PartialDate, PartialDateError
from homeward.lib.errors import ValidationFailed

from .models import (
    FINAL_STATUSES,
    Category,
    Detention,
    NameKey,
    Nationality,
    Person,
    StatusEvent,
    StatusKind,
)
from .names import query_keys


def _latest_event(person_ref) -> QuerySet:
    # Latest non-superseded event: by its date, then by when it was recorded. A year-only date
    # ("2024") sorts before any day in that year, which is the honest reading of partial dates.
    return StatusEvent.objects.filter(person=person_ref, superseded_by__isnull=True).order_by(
        "-date", "-recorded_at", "-id"
    )


def with_current_status(qs: QuerySet) -> QuerySet:
    """Annotates `current_status` (a StatusKind value or None) on a Person queryset."""
    return qs.annotate(current_status=Subquery(_latest_event(OuterRef("pk")).values("kind")[:1]))


def with_detaining_party(qs: QuerySet) -> QuerySet:
    """Annotates `detaining_party_code`: the party of the latest detention."""
    latest = Detention.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-id")
    return qs.annotate(detaining_party_code=Subquery(latest.values("detaining_party__code")[:1]))


def current_status(person: Person) -> str | None:
    event = _latest_event(person).first()
    return event.kind if event else None


def is_held(person: Person) -> bool:
    status = current_status(person)
    return status is not None and status not in FINAL_STATUSES


def current_detention(person: Person) -> Detention | None:
    return (
        person.detentions.select_related("detaining_party").order_by("-created_at", "-id").first()
    )


def held_by(party_id: int) -> QuerySet:
    """Persons whose latest detention is by this party and who are not exchanged, released, dead
    or escaped: the pool a party can offer in an exchange. (A person transferred to another power
    is held by that power, not by the one that captured them.)"""
    latest = Detention.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-id")
    qs = with_current_status(Person.objects.filter(merged_into__isnull=True))
    qs = qs.annotate(holder_id=Subquery(latest.values("detaining_party_id")[:1]))
    return qs.filter(holder_id=party_id).exclude(current_status__in=list(FINAL_STATUSES))


def timeline(person: Person) -> list[StatusEvent]:
    """All events of a person and of the records merged into it, oldest first, superseded ones
    included (the page shows them struck through)."""
    ids = [person.pk, *person.merged_from.values_list("pk", flat=True)]
    return list(
        StatusEvent.objects.filter(person_id__in=ids)
        .select_related("source", "party", "recorded_by", "supersedes")
        .order_by("date", "recorded_at", "id")
    )


# --- The person list: search, filters, sorting ------------------------------------------------

SORTS = {
    "name": ("family_name", "given_name", "id"),
    "-name": ("-family_name", "-given_name", "-id"),
    "born": ("birth_date", "id"),
    "-born": ("-birth_date", "-id"),
    "registered": ("created_at", "id"),
    "-registered": ("-created_at", "-id"),
}


@dataclass
class PersonFilter:
    q: str = ""
    status: str = ""
    detaining_party: str = ""
    category: str = ""
    nationality: str = ""
    born_from: PartialDate | None = None
    born_to: PartialDate | None = None
    captured_from: PartialDate | None = None
    captured_to: PartialDate | None = None
    sort: str = "name"

    @classmethod
    def from_params(cls, params) -> PersonFilter:
        """From query parameters; raises ValidationFailed naming each bad parameter."""
        errors: dict[str, str] = {}
        f = cls()
        for name in ("q", "status", "detaining_party", "category", "nationality", "sort"):
            value = params.get(name) or ""
            if not isinstance(value, str):
                errors[name] = "must be text"
                continue
            setattr(f, name, value.strip()[:200])
        for name in ("born_from", "born_to", "captured_from", "captured_to"):
            value = params.get(name) or ""
            if value:
                try:
                    setattr(f, name, PartialDate.parse(str(value)))
                except PartialDateError as exc:
                    errors[name] = str(exc)
        if f.status and f.status not in StatusKind.values:
            errors["status"] = "must be one of: " + ", ".join(StatusKind.values)
        if f.category and f.category not in Category.values:
            errors["category"] = "must be one of: " + ", ".join(Category.values)
        if f.sort and f.sort not in SORTS:
            errors["sort"] = "must be one of: " + ", ".join(SORTS)
        f.sort = f.sort or "name"
        if errors:
            raise ValidationFailed("Some filters are not valid.", detail={"fields": errors})
        return f

    def as_dict(self) -> dict[str, str]:
        """Non-empty filters, as text (for the export record and the pager links)."""
        return {
            k: str(v)
            for k, v in self.__dict__.items()
            if v not in ("", None) and not (k == "sort" and v == "name")
        }


def _prefix_bound(key: str) -> str | None:
    """The smallest string above every string starting with `key` (keys are a–z only, which every
    collation orders as ASCII does, so the bound also holds on PostgreSQL's locale collations)."""
    chars = list(key)
    while chars:
        if chars[-1] < "z":
            chars[-1] = chr(ord(chars[-1]) + 1)
            return "".join(chars)
        chars.pop()
    return None


def search_persons(qs: QuerySet, q: str) -> QuerySet:
    """Every query token must be a prefix of one of the person's name keys, in any spelling."""
    for key in query_keys(q):
        keys = NameKey.objects.filter(key__gte=key)
        bound = _prefix_bound(key)
        if bound:
            keys = keys.filter(key__lt=bound)
        qs = qs.filter(pk__in=keys.values("person_id"))
    return qs


def filter_persons(qs: QuerySet, f: PersonFilter) -> QuerySet:
    if f.q:
        qs = search_persons(qs, f.q)
    if f.detaining_party:
        qs = qs.filter(
            pk__in=Detention.objects.filter(detaining_party__code=f.detaining_party.upper()).values(
                "person_id"
            )
        )
    if f.category:
        qs = qs.filter(category=f.category)
    if f.nationality:
        qs = qs.filter(
            pk__in=Nationality.objects.filter(country=f.nationality.upper()).values("person_id")
        )
    if f.born_from:
        qs = qs.filter(birth_date__gte=str(f.born_from))
    if f.born_to:
        # "born up to 1994" includes "1994-12-31": compare with the last day the bound can mean.
        qs = qs.filter(birth_date__lte=f.born_to.latest().isoformat())
    if f.captured_from or f.captured_to:
        det = Detention.objects.all()
        if f.captured_from:
            det = det.filter(captured_on__gte=str(f.captured_from))
        if f.captured_to:
            det = det.filter(captured_on__lte=f.captured_to.latest().isoformat())
        qs = qs.filter(pk__in=det.values("person_id"))
    if f.status:
        qs = with_current_status(qs).filter(current_status=f.status)
    if f.q and f.sort in ("name", "-name"):
        # With a search term the matches are few; ordering by a case-folded expression (which no
        # index serves) makes the planner find them first and sort them, instead of walking the
        # name index hoping to meet fifty matches early (seen taking 250 ms on PostgreSQL when
        # they sort late). It also puts a clerk's "ПЕТРЕНКО" beside "Петренко".
        desc = f.sort.startswith("-")
        return qs.order_by(
            *(
                (Lower(name).desc() if desc else Lower(name).asc())
                for name in ("family_name", "given_name")
            ),
            "-id" if desc else "id",
        )
    return qs.order_by(*SORTS[f.sort])


def attach_current(persons: list[Person]) -> list[Person]:
    """Sets `current_status` and `detaining_party_code` on a page of persons, in two queries
    rather than one correlated subquery per row of the whole filtered set."""
    ids = [p.pk for p in persons]
    latest: dict[int, str] = {}
    for pid, kind in (
        StatusEvent.objects.filter(person_id__in=ids, superseded_by__isnull=True)
        .order_by("person_id", "date", "recorded_at", "id")
        .values_list("person_id", "kind")
    ):
        latest[pid] = kind  # ascending order: the last one seen is the latest
    holder: dict[int, str] = {}
    for pid, code in (
        Detention.objects.filter(person_id__in=ids)
        .order_by("person_id", "created_at", "id")
        .values_list("person_id", "detaining_party__code")
    ):
        holder[pid] = code
    for p in persons:
        # Plain attributes for templates and schemas, like an annotation would give.
        setattr(p, "current_status", latest.get(p.pk))  # noqa: B010
        setattr(p, "current_status_label", StatusKind(latest[p.pk]).label if p.pk in latest else "")  # noqa: B010
        setattr(p, "detaining_party_code", holder.get(p.pk))  # noqa: B010
    return persons
