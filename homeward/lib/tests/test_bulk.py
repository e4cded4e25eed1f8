"""insert_rows stores values exactly as the ORM would, whichever way the rows travel: executemany
for a few rows, COPY for many on PostgreSQL; and inside the caller's transaction either way."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.accounts.models import AccessKind, AccessLog
from homeward.lib.bulk import COPY_FROM, insert_rows
from homeward.lib.dates import PartialDate
from homeward.registry.models import Person

pytestmark = pytest.mark.django_db
PERSON_COLUMNS = ["family_name", "given_name", "birth_date", "sex", "created_by_id"]


@pytest.mark.parametrize("n", [1, COPY_FROM - 1, COPY_FROM, 3 * COPY_FROM + 5])
def test_rows_read_back_as_the_orm_wrote_them(world, n):
    births = [PartialDate.parse("1990"), PartialDate.parse("1991-02"), None]
    by = world.caseworker.pk
    rows = [(f"Прізвище-{i}", "O'Brien \\ tab\there", births[i % 3], "M", by) for i in range(n)]
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Person, PERSON_COLUMNS, rows) == n
    inserts = [q for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    # many rows on PostgreSQL travel by COPY, which Django's cursor never sees
    assert bool(inserts) == (connection.vendor != "postgresql" or n < COPY_FROM)
    stored = list(Person.objects.order_by("id"))
    assert [
        (p.family_name, p.given_name, p.birth_date, p.sex, p.created_by_id) for p in stored
    ] == rows
    assert len({p.uuid for p in stored}) == n  # a fresh uuid4 each
    assert all(p.created_at >= before for p in stored)

    details = [{"uuids": [str(p.uuid)], "note": 'a "quoted"\nline'} for p in stored]
    insert_rows(
        AccessLog,
        ["user_id", "kind", "object_type", "count", "detail"],
        [(world.caseworker.pk, AccessKind.VIEW, "person_list", 1, d) for d in details],
    )
    assert [a.detail for a in AccessLog.objects.order_by("id")] == details


def test_a_failure_after_many_rows_leaves_nothing(world):
    by = world.caseworker.pk
    rows = [(f"P{i}", "", None, "M", by) for i in range(COPY_FROM * 2)]
    rows.append(("x" * 201, "", None, "M", by))  # longer than the column allows on PostgreSQL
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the driver's own error
        insert_rows(Person, PERSON_COLUMNS, rows)
        if Person.objects.count() == len(rows):  # SQLite does not check lengths
            raise ValueError("roll back as a failing import would")
    assert Person.objects.count() == 0


def test_dates_and_times_survive(world):
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    insert_rows(
        AccessLog,
        ["user_id", "kind", "object_type", "count", "detail", "at"],
        [(world.caseworker.pk, AccessKind.VIEW, "person", 1, {}, when)] * (COPY_FROM + 1),
    )
    assert set(AccessLog.objects.values_list("at", flat=True)) == {when}


def test_reserved_ids_are_the_rows_ids_and_the_sequence_moves_past_them(world):
    import uuid

    from homeward.lib.bulk import reserve_ids

    n = COPY_FROM + 3
    ids = reserve_ids(Person, n)
    if connection.vendor != "postgresql":
        assert ids is None
        return
    assert ids is not None and len(set(ids)) == n
    uuids = [uuid.uuid4() for _ in range(n)]
    by = world.caseworker.pk
    insert_rows(
        Person,
        ["id", "uuid", *PERSON_COLUMNS],
        [
            (pk, u, f"P{i}", "", None, "M", by)
            for i, (pk, u) in enumerate(zip(ids, uuids, strict=True))
        ],
    )
    assert dict(Person.objects.values_list("uuid", "pk")) == dict(zip(uuids, ids, strict=True))
    later = Person.objects.create(family_name="Later", created_by_id=by)
    assert later.pk > max(ids)  # the ORM's next insert does not collide with a reserved id
