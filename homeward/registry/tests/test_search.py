"""Search by any spelling: a Cyrillic or Latin query finds every script."""

import pytest

from homeward.registry.models import Person
from homeward.registry.selectors import PersonFilter, filter_persons

from .factories import notified


@pytest.fixture
def people(world):
    return {
        "uk": notified(
            world, family_name="Петренко", given_name="Олександр", patronymic="Іванович"
        ),
        "ru": notified(
            world, family_name="Шевченко", given_name="Александр", patronymic="Петрович"
        ),
        "latin": notified(
            world,
            by=world.caseworker,
            detaining_party=world.ru,
            family_name="Kovalenko",
            given_name="Serhii",
            patronymic="",
        ),
        "other": notified(
            world, family_name="Мельник", given_name="Ганна", patronymic="Іванівна", sex="F"
        ),
    }


def found(q):
    return set(
        filter_persons(Person.objects.all(), PersonFilter(q=q)).values_list(
            "family_name", flat=True
        )
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Петренко", {"Петренко"}),
        ("Petrenko", {"Петренко"}),
        ("PETRENKO", {"Петренко"}),
        ("петр", {"Петренко"}),  # a prefix; patronymic Петрович matches too
        ("Коваленко", {"Kovalenko"}),
        ("Сергей Коваленко", {"Kovalenko"}),
        ("Shevchenko", {"Шевченко"}),
        ("Oleksandr Petrenko", {"Петренко"}),
        ("Александр Петренко", {"Петренко"}),
        ("Anna Melnyk", {"Мельник"}),
        ("Zzyzx", set()),
    ],
)
def test_a_query_in_any_script_finds_every_spelling(people, query, expected):
    result = found(query)
    if query == "петр":
        assert {"Петренко", "Шевченко"} <= result
    else:
        assert result == expected


def test_filters_combine_with_search(world, people):
    qs = filter_persons(Person.objects.all(), PersonFilter(q="Petrenko", detaining_party="UA"))
    assert not qs.exists()
    qs = filter_persons(
        Person.objects.all(),
        PersonFilter(born_from=None, category="military", detaining_party="RU"),
    )
    assert qs.count() == 4


def test_the_list_api_refuses_a_bad_filter_naming_it(client, world, people):
    client.force_login(world.caseworker)
    body = client.get("/api/v1/persons", {"born_from": "1994-02-30", "status": "lost"}).json()
    assert set(body["error"]["detail"]["fields"]) == {"born_from", "status"}


def test_the_list_page_searches_and_pages(client, world, people):
    client.force_login(world.caseworker)
    page = client.get("/persons/", {"q": "Petrenko"}).content.decode()
    assert "Петренко Олександр Іванович" in page and "Шевченко" not in page
    partial = client.get("/persons/", {"q": "Шевченко"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Шевченко" in partial
