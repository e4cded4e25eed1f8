"""The register search behind the form: one index file per database, opened by every process,
brought up to date with the persons registered since instead of built again, and still right
after a write (a person registered a moment ago is found by the next search)."""

from __future__ import annotations

import json

import pytest

from homeward.lib.dates import PartialDate
from homeward.linkage.index import SearchIndex
from homeward.registry import actions as registry
from homeward.registry.tests.factories import notified
from homeward.tracing import search
from homeward.tracing.models import Inquiry

from .factories import russian_listed


def inquiry(**fields) -> Inquiry:
    return Inquiry(**{"family_name": "Олійник", **fields})


def ids(found) -> list[int]:
    return [f.person_id for f in found]


@pytest.fixture
def fresh_process(monkeypatch):
    """Forget the indexes this process holds, as a new server process would start."""
    monkeypatch.setattr(search, "_current", {})


@pytest.fixture
def no_rebuild(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the index was built again")

    monkeypatch.setattr(SearchIndex, "build", refuse)


def test_a_person_registered_a_moment_ago_is_found_without_a_rebuild(world, monkeypatch):
    russian_listed(world)
    search.search_register(inquiry())  # the index exists now
    path = search.register_index().path
    monkeypatch.setattr(SearchIndex, "build", None)  # a rebuild would fail
    added = notified(world, family_name="Шевчук", given_name="Тарас", birth_date="1991")
    found = search.search_register(inquiry(family_name="Шевчук", given_name="Тарас"))
    assert ids(found)[0] == added.pk
    assert search.register_index().path == path


def test_a_new_process_opens_the_index_on_disk_and_adds_what_it_lacks(
    world, fresh_process, monkeypatch
):
    first = russian_listed(world)
    search.register_index()
    monkeypatch.setattr(search, "_current", {})  # another process, the file on disk
    later = notified(world, family_name="Шевчук", given_name="Тарас", birth_date="1991")
    monkeypatch.setattr(SearchIndex, "build", None)
    assert ids(search.search_register(inquiry(given_name="Олександр")))[0] == first.pk
    assert ids(search.search_register(inquiry(family_name="Шевчук")))[0] == later.pk


def test_while_the_index_catches_up_with_a_large_import_new_persons_are_found_by_name(
    world, monkeypatch
):
    russian_listed(world)
    search.register_index()
    monkeypatch.setattr(search, "INLINE_ADD", 1)  # one spelling a search
    news = [
        notified(world, family_name=name, given_name="Тарас", birth_date="1991")
        for name in ("Бондар", "Ткаченко", "Шевчук")
    ]
    found = search.search_register(inquiry(family_name="Шевчук"))
    assert ids(found)[0] == news[-1].pk
    covered = search._covers(search.register_index())
    assert covered is not None and covered.name < search._stamp().name


def test_a_surname_alone_is_answered_from_the_index_in_one_query(
    world, django_assert_max_num_queries
):
    person = russian_listed(world)
    notified(world, family_name="Олейников", given_name="Пётр", birth_date="1980")
    notified(world, family_name="Коваленко", given_name="Пётр", birth_date="1980")
    search.register_index()
    for fields in ({}, {"birth_date": PartialDate(1994, None, None)}):
        with django_assert_max_num_queries(1):  # the freshness stamp
            found = search.search_register(inquiry(**fields))
        assert ids(found)[0] == person.pk
        assert found[0].decision == "name"


def test_a_given_name_alone_still_gets_candidates(world):
    person = russian_listed(world)
    found = search.search_register(inquiry(family_name="", given_name="Олександр"))
    assert person.pk in ids(found)


def test_a_merge_in_a_large_register_shows_the_survivor(world, monkeypatch):
    survivor = russian_listed(world)
    merged = russian_listed(world, given_name="Олександр", patronymic="Іванович")
    search.register_index()
    monkeypatch.setattr(search, "INLINE_REBUILD", 0)  # too large to rebuild on a request
    monkeypatch.setattr(SearchIndex, "build", None)
    registry.merge_persons(
        actor=world.caseworker, survivor=survivor, merged=merged, reason="same person"
    )
    found = search.search_register(inquiry(given_name="Олександр", birth_date=None))
    assert survivor.pk in ids(found) and merged.pk not in ids(found)


def test_a_merge_in_a_small_register_rebuilds_the_index(world):
    survivor = russian_listed(world)
    merged = russian_listed(world, given_name="Олександр", patronymic="Іванович")
    before = search.register_index()
    registry.merge_persons(
        actor=world.caseworker, survivor=survivor, merged=merged, reason="same person"
    )
    assert search.register_index() is not before
    found = search.search_register(inquiry(given_name="Олександр"))
    assert survivor.pk in ids(found) and merged.pk not in ids(found)


def test_an_index_of_another_register_is_not_used(world, fresh_process):
    russian_listed(world)
    index = search.register_index()
    covers = {"name": index.size, "name_at": "another", "merges": "0/None"}
    index.set_meta("covers", json.dumps(covers))
    search._current.clear()
    index.close()
    rebuilt = search.register_index()
    assert search._covers(rebuilt) == search._stamp()
