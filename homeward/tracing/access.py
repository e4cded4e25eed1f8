"""Who sees what on the tracing desk (DESIGN §2, issue 16 item 6). Every read goes through here.

  family liaison   every inquiry; of a candidate person only what the comparison needs (names,
                   sex, birth date and place, home party, category, service number), never their
                   status, detention, notes or the register's person page
  caseworker       every inquiry and candidate, with the person's current status and holder
  bureau officer   inquiries linked to a national of their party whose capture was notified,
                   and only when the family consented to share with that party
  analyst          counts only (inquiry_counts), small counts suppressed
  others           nothing
Every view of an inquiry and of a candidate's personal data is recorded (record_access /
record_list_access). Something out of scope answers exactly like something that does not exist.
"""

from __future__ import annotations

import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from homeward.accounts.access import record_access, record_list_access
from homeward.accounts.models import AccessKind, Role, User
from homeward.lib.errors import Forbidden, NotFound
from homeward.registry.models import Person, PersonName, StatusKind

from .models import Candidate, CandidateKind, Inquiry, InquiryState

DESK = (Role.CASEWORKER, Role.FAMILY_LIAISON)
SMALL_COUNT = 5


def sees_inquiries(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role in DESK or (user.role == Role.BUREAU_OFFICER and user.party_id))
    )


def access_inquiries(user: User) -> QuerySet:
    """Inquiries the user may see. Forbidden for roles that see none (analysts see counts)."""
    if not sees_inquiries(user):
        raise Forbidden("Your role does not see inquiries.", code="no_personal_data")
    qs = Inquiry.objects.all()
    if user.role in DESK:
        return qs
    # A bureau officer: inquiries linked to the party's notified nationals whose family consented
    # to share with the party. Consent is a JSON list; containment lookups are not portable to
    # every SQLite build, so it is checked here over the (few) linked inquiries.
    notified = Person.objects.filter(
        home_party_id=user.party_id, status_events__kind=StatusKind.NOTIFIED
    ).values("pk")
    code = user.party.code if user.party else ""
    ids = [
        i.pk
        for i in qs.filter(linked_person__in=notified).only("pk", "consent_parties")
        if code in (i.consent_parties or [])
    ]
    return qs.filter(pk__in=ids)


def access_inquiry(
    user: User, inquiry_uuid, *, kind: str = AccessKind.VIEW, log: bool = True
) -> Inquiry:
    try:
        key = uuidlib.UUID(str(inquiry_uuid))
    except ValueError:
        raise NotFound("No such inquiry.") from None
    inquiry = (
        access_inquiries(user)
        .select_related("linked_person", "home_party")
        .filter(uuid=key)
        .first()
    )
    if inquiry is None:
        raise NotFound("No such inquiry.")
    if log:
        record_access(user, kind=kind, object_type="inquiry", object_uuid=inquiry.uuid)
    return inquiry


def access_candidates(user: User) -> QuerySet:
    """Candidates the user may review or look at: caseworkers all; liaisons those of inquiries
    (never the register's own duplicates). Forbidden otherwise."""
    if not user.is_authenticated or not user.is_active or user.role not in DESK:
        raise Forbidden("Your role does not review candidates.", code="forbidden_role")
    qs = Candidate.objects.all()
    if user.role == Role.FAMILY_LIAISON:
        qs = qs.filter(kind=CandidateKind.INQUIRY_PERSON)
    return qs


def access_candidate(user: User, candidate_uuid) -> Candidate:
    try:
        key = uuidlib.UUID(str(candidate_uuid))
    except ValueError:
        raise NotFound("No such candidate.") from None
    candidate = (
        access_candidates(user)
        .select_related("inquiry", "person", "other_person")
        .filter(uuid=key)
        .first()
    )
    if candidate is None:
        raise NotFound("No such candidate.")
    return candidate


@dataclass
class PersonSide:
    """One register person as a reviewer's comparison shows it. `extra` is filled for
    caseworkers only (status, holder, rank, unit)."""

    uuid: uuidlib.UUID
    names: list[str]
    sex: str
    birth_date: str
    birth_place: str
    home_party: str
    category: str
    service_number: str
    merged: bool
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "uuid": str(self.uuid),
            "names": self.names,
            "sex": self.sex,
            "birth_date": self.birth_date,
            "birth_place": self.birth_place,
            "home_party": self.home_party,
            "category": self.category,
            "service_number": self.service_number,
            "merged": self.merged,
            **self.extra,
        }


def _side(user: User, person: Person, spellings: list[str]) -> PersonSide:
    side = PersonSide(
        uuid=person.uuid,
        names=spellings or [person.display_name],
        sex=person.sex,
        birth_date=str(person.birth_date or ""),
        birth_place=person.birth_place,
        home_party=person.home_party.code if person.home_party else "",
        category=person.category,
        service_number=person.service_number,
        merged=person.merged_into_id is not None,
    )
    if user.role == Role.CASEWORKER:
        status = getattr(person, "current_status", None)
        side.extra = {
            "rank": person.rank,
            "unit": person.unit,
            "status": str(StatusKind(status).label) if status else "",
            "detaining_party": getattr(person, "detaining_party_code", None) or "",
        }
    return side


def candidate_sides(user: User, candidates: list[Candidate]) -> dict[int, PersonSide]:
    """The comparison view of every person the candidates name, keyed by person id, with ONE
    access-log row for the persons shown (record_list_access)."""
    ids = set()
    for c in candidates:
        ids.add(c.person_id)
        if c.other_person_id:
            ids.add(c.other_person_id)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("home_party")}
    if user.role == Role.CASEWORKER:
        from homeward.registry.selectors import attach_current

        attach_current(list(persons.values()))  # status and holder of all, in two queries
    spellings: dict[int, list[str]] = {}
    for pid, f, g, p in (
        PersonName.objects.filter(person_id__in=ids)
        .order_by("-is_primary", "id")
        .values_list("person_id", "family_name", "given_name", "patronymic")
    ):
        text = " ".join(x for x in (f, g, p) if x)
        if text not in spellings.setdefault(pid, []):
            spellings[pid].append(text)
    sides = {pid: _side(user, p, spellings.get(pid, [])) for pid, p in persons.items()}
    record_list_access(
        user,
        object_type="person",
        uuids=[p.uuid for p in persons.values()],
        detail={"via": "tracing candidates"},
    )
    return sides


def candidate_view(user: User, candidate: Candidate) -> dict:
    """One candidate as its reviewer sees it (the comparison), with the read logged."""
    sides = candidate_sides(user, [candidate])
    return {
        "person": sides[candidate.person_id].as_json(),
        "other_person": sides[candidate.other_person_id].as_json()
        if candidate.other_person_id
        else None,
    }


def inquiry_counts(user: User) -> dict[str, int | None]:
    """Inquiries by state, for anyone on the desk and for analysts; counts under SMALL_COUNT
    are suppressed (None) for roles that see no personal data."""
    if not user.is_authenticated or not user.is_active or user.role not in (*DESK, Role.ANALYST):
        raise Forbidden("Your role does not see these figures.", code="forbidden_role")
    counts = Counter(Inquiry.objects.values_list("state", flat=True).order_by())
    suppress = user.role == Role.ANALYST
    return {
        state: (
            None if suppress and 0 < counts.get(state, 0) < SMALL_COUNT else counts.get(state, 0)
        )
        for state in InquiryState.values
    }


def pending_count(user: User) -> int | None:
    """Candidates waiting for review, for the navigation (None for roles that do not review)."""
    try:
        qs = access_candidates(user)
    except Forbidden:
        return None
    from .selectors import waiting_count

    # As the queue counts (pairs whose record was merged away are not reviewed), on its indexes.
    return waiting_count(qs)
