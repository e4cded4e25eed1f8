"""The register's prepared records kept between runs are never stale: whatever changed between
two runs (a new person, a merge, an undone merge, an edited name or date, an anonymisation), the
kept records brought up to date are exactly those a cold run prepares, and a run on them decides
every row as a run on a cold cache does."""

from __future__ import annotations

import pytest
from django.utils import timezone

from homeward.reconcile import cache
from homeward.registry.actions import merge_persons, undo_merge
from homeward.registry.models import Person
from homeward.registry.tests.factories import notified

from .conftest import upload

pytestmark = pytest.mark.django_db


def cold():
    return cache.register_table(use_cache=False)


def warm(messages=None):
    return cache.register_table(messages.append if messages is not None else None)


def same(a, b) -> None:
    assert a.num_rows == b.num_rows
    assert a.to_pylist() == b.to_pylist()


def test_an_unchanged_register_is_not_read_again(world, scene, monkeypatch):
    first = warm()
    same(first, cold())

    def refuse(*args, **kwargs):
        raise AssertionError("read the register again")

    monkeypatch.setattr(cache, "prepare_rows", refuse)
    said: list[str] = []
    same(warm(said), first)
    assert any("are current" in m for m in said)


@pytest.mark.parametrize(
    "change",
    ["new person", "merge", "undone merge", "edited name", "edited date", "anonymised"],
)
def test_whatever_changed_the_kept_records_are_a_cold_runs(world, scene, change, monkeypatch):
    p = scene.persons
    merge = merge_persons(actor=world.caseworker, survivor=p[6], merged=p[8], reason="twice")
    warm()  # the cache as it was before the change
    if change == "new person":
        notified(world, family_name="Зайцев", given_name="Тимофій", birth_date="1971-04-03")
    elif change == "merge":
        merge_persons(actor=world.caseworker, survivor=p[0], merged=p[1], reason="one man")
    elif change == "undone merge":
        undo_merge(actor=world.caseworker, merge=merge, reason="two men after all")
    elif change == "edited name":
        Person.objects.filter(pk=p[2].pk).update(given_name="Дмитрій")
    elif change == "edited date":
        Person.objects.filter(pk=p[3].pk).update(birth_date="1979-02-15")
    else:
        Person.objects.filter(pk=p[4].pk).update(anonymised_at=timezone.now())
    reads: list[str] = []
    real = cache.prepare_rows

    def counted(where="", params=None, say=None):
        reads.append(where)
        return real(where, params, say)

    monkeypatch.setattr(cache, "prepare_rows", counted)
    said: list[str] = []
    patched = warm(said)
    monkeypatch.undo()
    same(patched, cold())
    # only the changed block was read again, not the whole register
    assert reads and all(w.strip() for w in reads)
    assert any("blocks changed" in m for m in said)


def test_other_code_or_an_unreadable_file_prepares_everything_again(world, scene, monkeypatch):
    warm()
    path = cache._path()
    monkeypatch.setattr(cache, "_code_version", lambda: "another version")
    said: list[str] = []
    same(warm(said), cold())
    assert any("first run" in m for m in said)
    path.write_bytes(b"not parquet")
    said.clear()
    same(warm(said), cold())
    assert any("first run" in m for m in said)


def test_a_run_on_kept_records_decides_as_a_run_on_a_cold_cache(world, scene, reconcile):
    """Between two runs: a new person the list names, a merge, an edited name. The second run
    (on the kept records, brought up to date) and a third on a cold cache agree row by row."""
    plist = upload(world)
    reconcile(world.caseworker, plist)
    p = scene.persons
    notified(world, family_name="Зайцев", given_name="Тимофій", patronymic="Аркадійович",
             birth_date="1971-04-03")  # fmt: skip
    merge_persons(actor=world.caseworker, survivor=p[6], merged=p[8], reason="registered twice")
    Person.objects.filter(pk=p[4].pk).update(given_name="Степан")
    second = reconcile(world.caseworker, plist)
    cache._path().unlink()
    third = reconcile(world.caseworker, plist)

    def rows(run):
        return sorted(run.outcomes.values_list("entry__line", "outcome", "person_id", "candidates"))

    assert second.status == third.status == "done"
    assert rows(second) == rows(third)
    outcomes = list(second.outcomes.select_related("entry"))
    zaytsev = next(o for o in outcomes if "Зайцев" in str(o.entry.values))
    found = {o.person_id for o in outcomes} | {c["person"] for o in outcomes for c in o.candidates}
    assert zaytsev.outcome in ("matched", "possible")
    new = Person.objects.get(family_name="Зайцев")
    assert zaytsev.person_id == new.pk or str(new.uuid) in {c["person"] for c in zaytsev.candidates}
    # the record merged away is nobody's candidate any more
    assert p[8].pk not in found and str(p[8].uuid) not in found


def test_the_command_prepares_the_register_ahead_of_a_run(world, scene, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reconcile_cache", stdout=out)
    assert "9 register records prepared and current" in out.getvalue()
    monkeypatch.setattr(cache, "prepare_rows", lambda *a, **k: pytest.fail("read again"))
    said: list[str] = []
    assert warm(said).num_rows == 9
    assert any("are current" in m for m in said)
