from __future__ import annotations

import pytest

from homeward.reconcile import actions
from homeward.reconcile.models import Outcome, RunStatus
from homeward.reconcile.selectors import report

from .conftest import PUBLISHED, list_csv

pytestmark = pytest.mark.django_db


def upload(world, content=None, **kw):
    return actions.upload_published_list(
        actor=kw.pop("actor", world.caseworker),
        content=content if content is not None else list_csv(PUBLISHED, encoding="cp1251"),
        file_name=kw.pop("file_name", "site.csv"),
        published_by=kw.pop("published_by", "RU"),
        **kw,
    )


def test_a_cp1251_list_with_one_name_column_lands_each_row_in_one_outcome(
    world, scene, django_capture_on_commit_callbacks
):
    plist = upload(world, title="1,000 soldiers Kyiv refuses to take back")
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_reconciliation(actor=world.caseworker, published_list=plist)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    got = {o.entry.line: (o.outcome, o.person_id) for o in run.outcomes.select_related("entry")}
    print(got)
    assert got[2] == (Outcome.MATCHED, scene.persons[0].pk)
    assert got[7][0] == Outcome.DUPLICATE
    assert got[8][0] == Outcome.UNKNOWN
    r = report(world.caseworker, run)
    assert r.total == 8
