"""Who is asking, may their role do this, and the record of what they read.

The person policy (which persons a user may see) lives with persons, in homeward/registry/access.py;
this module knows nothing of persons, so both may import it without a cycle.
homeward.accounts.access re-exports both for callers.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from homeward.lib.errors import Forbidden

from .models import AccessedRecord, AccessKind, AccessLog, Role, User


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


def record_access(
    user: User,
    *,
    kind: str,
    object_type: str,
    object_uuid=None,
    count: int = 1,
    detail: dict | None = None,
) -> AccessLog:
    """Records a read of one record (or an export, with its filters and row count)."""
    return AccessLog.objects.create(
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
    uuids: Iterable[uuidlib.UUID | str],
    kind: str = AccessKind.LIST,
    detail: dict | None = None,
) -> AccessLog | None:
    """Records a list read: one AccessLog row for the request and one AccessedRecord per record
    returned, so "who saw person X" finds list reads too (who_saw). An empty list logs nothing:
    no personal data was read.

    Costs two INSERTs in one transaction per page (the log row, then one multi-row insert of at
    most a page of ids);
    callers pass the uuids of the rows actually rendered or returned, never the whole filter.
    """
    keys = list(dict.fromkeys(uuidlib.UUID(str(u)) for u in uuids))
    if not keys:
        return None
    with transaction.atomic():  # one commit, not two: the page pays one fsync
        log = AccessLog.objects.create(
            user=user, kind=kind, object_type=object_type, count=len(keys), detail=detail or {}
        )
        _insert_records(log.pk, keys)
    return log


def _insert_records(log_id: int, keys: list[uuidlib.UUID]) -> None:
    """One multi-row INSERT per 400 ids, written by hand: bulk_create builds a model instance
    and compiles a statement per call, which cost more than the write itself (benchmarks/
    registry/RESULTS.md). Values go through the field's own conversion (uuid on PostgreSQL,
    32 hex characters on SQLite)."""
    field = AccessedRecord._meta.get_field("object_uuid")
    table = connection.ops.quote_name(AccessedRecord._meta.db_table)
    log_col = connection.ops.quote_name("log_id")
    uuid_col = connection.ops.quote_name("object_uuid")
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 400):
            chunk = keys[start : start + 400]
            params: list = []
            for key in chunk:
                params += [log_id, field.get_db_prep_value(key, connection)]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({log_col}, {uuid_col}) VALUES {values}",  # noqa: S608 - names from the model, values bound
                params,
            )


def who_saw(object_uuid: uuidlib.UUID | str) -> QuerySet[AccessLog]:
    """Every read of one record, single-record views and list reads alike, newest first."""
    key = uuidlib.UUID(str(object_uuid))
    listed = AccessedRecord.objects.filter(object_uuid=key).values("log_id")
    return AccessLog.objects.filter(Q(object_uuid=key) | Q(pk__in=listed)).order_by("-at", "-pk")


def can_see_access_log(user: User) -> bool:
    return user.role in (Role.CASEWORKER, Role.AUDITOR)
