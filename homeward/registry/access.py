"""The access policy for persons: which persons each role may see, and the logged ways to read them.

Scopes (DESIGN §2, issues 2 and 14):
  caseworker                   every person
  bureau officer               persons its party detains (or detained), and its own nationals once a
                               notification about them exists; never another party's internal notes
  mediator                     persons on the lists of negotiations it mediates (exchanges app)
  family liaison               no person here: tracing shows a liaison, of a candidate, only what
                               the comparison needs, through its own logged helpers
  analyst                      no person: aggregates only
  auditor                      no person: actions (ids), never names
  admin                        no person: users, parties, keys
Every view of one person's record is recorded in AccessLog (record_access), every list of persons
with the ids it showed (record_list_access).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from homeward.accounts.guards import record_access
from homeward.accounts.models import AccessKind, Role, User
from homeward.lib.errors import Forbidden, NotFound

from .models import Person, StatusKind


def person_scope(user: User) -> Q | None:
    """The filter of persons the user may see, or None when the user may see no person at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.CASEWORKER:
        return Q()
    if user.role == Role.BUREAU_OFFICER and user.party_id:
        return Q(detentions__detaining_party_id=user.party_id) | Q(
            home_party_id=user.party_id, status_events__kind=StatusKind.NOTIFIED
        )
    if user.role == Role.MEDIATOR and user.party_id:
        # Persons on any list version of a negotiation this party mediates (the exchanges app
        # defines the reverse relation `list_entries`).
        return Q(list_entries__version__exchange_list__negotiation__mediator_id=user.party_id)
    return None


def access_persons(user: User, *, include_merged: bool = False) -> QuerySet[Person]:
    """Persons the user may see (not merged-away ones unless asked). Raises Forbidden for roles
    that see no personal data, so a caller cannot silently render an empty page for them."""
    scope = person_scope(user)
    if scope is None:
        raise Forbidden(
            "Your role sees aggregate figures only, not persons.", code="no_personal_data"
        )
    qs = Person.objects.all()
    if scope:  # Q() is falsy: no filter, no join, no DISTINCT
        qs = Person.objects.filter(pk__in=Person.objects.filter(scope).values("pk"))
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    return qs


def access_person(
    user: User, person_uuid: uuidlib.UUID | str, *, kind: str = AccessKind.VIEW, log: bool = True
) -> Person:
    """One person the user may see, with the read recorded. A person outside the user's scope is
    reported exactly as an unknown one (same error, same detail, same queries: one scoped lookup,
    never a second "does it exist at all?"), so the answer does not reveal that the record exists.
    """
    try:
        key = uuidlib.UUID(str(person_uuid))
    except ValueError:
        raise NotFound("No such person.") from None
    person = access_persons(user, include_merged=True).filter(uuid=key).first()
    if person is None:
        raise NotFound("No such person.")
    if log:
        record_access(user, kind=kind, object_type="person", object_uuid=person.uuid)
    return person


def can_see_person(user: User, person: Person) -> bool:
    scope = person_scope(user)
    if scope is None:
        return False
    if not scope:
        return True
    return Person.objects.filter(scope, pk=person.pk).exists()


def visible_note_parties(user: User) -> Iterable[int] | None:
    """Parties whose internal notes the user may read; None means all of them (the caseworker).
    A family liaison reads no party's internal notes."""
    if user.role == Role.CASEWORKER:
        return None
    if user.role == Role.FAMILY_LIAISON:
        return []
    return [user.party_id] if user.party_id else []
