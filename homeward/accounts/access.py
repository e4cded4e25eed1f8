"""The access helpers: every read of personal data goes through these, so scope lives in one place.

Scopes (DESIGN §2, issue 2):
  caseworker, family liaison   every person
  bureau officer               persons its party detains (or detained), and its own nationals once a
                               notification about them exists; never another party's internal notes
  mediator                     persons on the lists of negotiations it mediates (exchanges app)
  analyst                      no person: aggregates only
  auditor                      no person: actions (ids), never names
  admin                        no person: users, parties, keys
Every view of one person's record is recorded in AccessLog (record_access).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from homeward.lib.errors import Forbidden, NotFound

from .models import AccessKind, AccessLog, Role, User


def request_user(request) -> User:
    """The authenticated user of a request (views and endpoints run behind authentication)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden("Log in first.", code="unauthenticated")
    return user


def require_role(user: User, *roles: str) -> None:
    """Raises Forbidden unless the user is active and has one of the roles."""
    if not user.is_authenticated or not user.is_active or user.role not in roles:
        raise Forbidden("Your role may not do this.", code="forbidden_role")


def person_scope(user: User) -> Q | None:
    """The filter of persons the user may see, or None when the user may see no person at all."""
    from homeward.registry.models import StatusKind

    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in (Role.CASEWORKER, Role.FAMILY_LIAISON):
        return Q()
    if user.role == Role.BUREAU_OFFICER and user.party_id:
        return Q(detentions__detaining_party_id=user.party_id) | Q(
            home_party_id=user.party_id, status_events__kind=StatusKind.NOTIFIED
        )
    if user.role == Role.MEDIATOR and user.party_id:
        # Persons on any list version of a negotiation this party mediates; none until the
        # exchanges app defines those lists.
        from django.core.exceptions import FieldDoesNotExist

        from homeward.registry.models import Person

        try:
            Person._meta.get_field("list_entries")
        except FieldDoesNotExist:
            return Q(pk__in=[])
        return Q(list_entries__version__exchange_list__negotiation__mediator_id=user.party_id)
    return None


def access_persons(user: User, *, include_merged: bool = False) -> QuerySet:
    """Persons the user may see (not merged-away ones unless asked). Raises Forbidden for roles
    that see no personal data, so a caller cannot silently render an empty page for them."""
    from homeward.registry.models import Person

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
):
    """One person the user may see, with the read recorded. A person outside the user's scope is
    reported as not found, so the answer does not reveal that the record exists."""
    from homeward.registry.models import Person

    try:
        key = uuidlib.UUID(str(person_uuid))
    except ValueError:
        raise NotFound("No such person.") from None
    person = access_persons(user, include_merged=True).filter(uuid=key).first()
    if person is None:
        if not Person.objects.filter(uuid=key).exists():
            raise NotFound("No such person.")
        raise NotFound("No such person.", detail={"reason": "outside your scope"})
    if log:
        record_access(user, kind=kind, object_type="person", object_uuid=person.uuid)
    return person


def can_see_person(user: User, person) -> bool:
    scope = person_scope(user)
    if scope is None:
        return False
    if not scope:
        return True
    from homeward.registry.models import Person

    return Person.objects.filter(scope, pk=person.pk).exists()


def record_access(
    user: User,
    *,
    kind: str,
    object_type: str,
    object_uuid=None,
    count: int = 1,
    detail: dict | None = None,
) -> None:
    AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=object_type,
        object_uuid=object_uuid,
        count=count,
        detail=detail or {},
    )


def record_list_access(
    user: User,
    *,
    object_type: str,
    uuids: Iterable,
    kind: str = AccessKind.VIEW,
    detail: dict | None = None,
) -> None:
    """Records a LIST read: which records a page or an API answer returned, so that "who saw
    person X" includes lists. One row per request; ids only, never names."""
    ids = [str(u) for u in uuids]
    if not ids:
        return
    AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=object_type,
        object_uuid=None,
        count=len(ids),
        detail={**(detail or {}), "uuids": ids},
    )


def visible_note_parties(user: User) -> Iterable[int] | None:
    """Parties whose internal notes the user may read; None means all of them (the intermediary)."""
    if user.is_intermediary:
        return None
    return [user.party_id] if user.party_id else []


def can_see_access_log(user: User) -> bool:
    return user.role in (Role.CASEWORKER, Role.AUDITOR)
