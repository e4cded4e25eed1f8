"""A register of a few persons held by RU, a published list naming some of them as a website
writes them, and a negotiation with lists. Every name here is synthetic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from homeward.exchanges import actions as ex
from homeward.exchanges.actions import Add, Remove
from homeward.exchanges.models import Reason
from homeward.registry.models import Person, StatusKind
from homeward.registry.tests.factories import notified

# (family, given, patronymic, birth date) as the RU clerk wrote them
REGISTER = [
    ("Петренко", "Олександр", "Іванович", "1994-03-12"),
    ("Коваленко", "Андрій", "Петрович", "1988-07-01"),
    ("Шевчук", "Дмитро", "Олегович", "1990-11-23"),
    ("Бондаренко", "Сергій", "Васильович", "1979-02-14"),
    ("Ткаченко", "Василь", "Миколайович", "1985-05-30"),
    ("Кравченко", "Максим", "Юрійович", "1999-09-09"),
    ("Мельник", "Ігор", "Степанович", "1992-01-17"),
    ("Олійник", "Роман", "Богданович", "1996-06-06"),
    # the same man registered twice by two clerks: a list naming him has two equal candidates
    ("Мельник", "Ігор", "Степанович", "1992-01-17"),
]


@dataclass
class Scene:
    persons: list[Person]


def list_csv(
    rows: list[tuple[str, str]], *, encoding: str = "utf-8", header="ФИО;Дата рождения"
) -> bytes:
    lines = [header] + [f"{name};{born}" for name, born in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# A published list: five register persons as a website writes them (Russian forms, day-first
# dates), one listed twice, two persons the register does not hold.
PUBLISHED = [
    ("ПЕТРЕНКО Александр Иванович", "12.03.1994"),
    ("Коваленко Андрей Петрович", "01.07.1988"),
    ("Шевчук Дмитрий Олегович", "23.11.1990"),
    ("Бондаренко Сергей Васильевич", "14.02.1979"),
    ("Ткаченко Василий Николаевич", "30.05.1985"),
    ("Коваленко Андрей Петрович", "01.07.1988"),
    ("Зайцев Тимофей Аркадьевич", "03.04.1971"),
    ("Лисовский Эдуард Германович", "19.12.1968"),
    ("Мельник Игорь Степанович", "17.01.1992"),
]


@pytest.fixture
def scene(world) -> Scene:
    persons = [
        notified(world, family_name=f, given_name=g, patronymic=p, birth_date=b)
        for f, g, p, b in REGISTER
    ]
    return Scene(persons)


@pytest.fixture
def negotiation(world, scene):
    """Petrenko and Kovalenko on UA's current list; Shevchuk added then removed (duplicate)."""
    n = ex.open_negotiation(
        actor=world.mediator,
        title="Spring exchange",
        party_a=world.ua,
        party_b=world.ru,
        mediator=world.md,
    )
    ua_list = n.lists.get(party=world.ua)
    v2 = ex.edit_list(
        actor=world.ua_officer,
        base=ua_list.versions.get(number=1),
        add=[Add(p, "ask", Reason.REQUESTED_BY_FAMILY) for p in scene.persons[:3]],
    )
    ex.edit_list(
        actor=world.ua_officer,
        base=v2,
        remove=[Remove(scene.persons[2], Reason.DUPLICATE, "listed under two spellings")],
    )
    return n


def refused(world, person: Person, *, verified: bool) -> None:
    from homeward.registry.actions import create_source, record_status_event

    src = create_source(actor=world.caseworker, kind="interview", title="ICRC interview")
    record_status_event(
        actor=world.caseworker,
        person=person,
        kind=StatusKind.REFUSED_VERIFIED if verified else StatusKind.REFUSED_UNVERIFIED,
        date="2025-06-01",
        source=src,
    )


def upload(world, content=None, **kw):
    from homeward.reconcile import actions

    return actions.upload_published_list(
        actor=kw.pop("actor", world.caseworker),
        content=content if content is not None else list_csv(PUBLISHED, encoding="cp1251"),
        file_name=kw.pop("file_name", "site.csv"),
        published_by=kw.pop("published_by", "RU"),
        **kw,
    )


@pytest.fixture
def reconcile(django_capture_on_commit_callbacks):
    """Starts a run and lets the task run (tests' default backend runs it on enqueue)."""
    from homeward.reconcile import actions

    def go(actor, plist):
        with django_capture_on_commit_callbacks(execute=True):
            run = actions.start_reconciliation(actor=actor, published_list=plist)
        run.refresh_from_db()
        return run

    return go


@pytest.fixture(autouse=True)
def english():
    """Labels are read in English here: a page test that switched the language (the test client
    runs in this thread) must not leave its language behind for the next test."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path):
    """Each test keeps the register's prepared records (reconcile/cache.py) in its own
    directory: a test never starts from another test's cache."""
    settings.VAR_DIR = tmp_path
