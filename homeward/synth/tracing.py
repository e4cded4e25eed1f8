"""The tracing desk's part of the demo: families' inquiries about synthetic register persons.

Needs: a register already built (persons with their names, held by UA or RU), a family liaison
and a caseworker. Makes `count` inquiries, each filed through tracing.actions.file_inquiry (so
the register is searched and candidates are queued as at the desk):

  a quarter in Ukrainian Cyrillic (a Russian-written name as a Ukrainian family writes it),
  a quarter in Russian Cyrillic, a quarter in Latin script (passport-style, answer in English),
  a quarter about persons the register does not hold (their candidates, if any, are wrong);
  birth dates whole, year only, or missing, as families give them.

About one in five of the inquiries whose best candidate is the person asked about is then
confirmed by the caseworker and answered (the letter recorded as sent); the rest stay open with
their candidates pending in the review queue. Their dates are then spread over the past seven
months (answers days to weeks after filing), so the dashboard's inquiry charts have a history.
Every person here is synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from homeward.accounts.models import User
from homeward.registry.models import Person
from homeward.synth.population import _RU_LATIN, _UK_LATIN, latin, ru_to_uk
from homeward.tracing import actions
from homeward.tracing.models import AnswerLetter, Candidate, Inquiry

REQUESTERS_UK = ("Олена", "Марія", "Наталія", "Оксана", "Ірина", "Тетяна", "Галина")
REQUESTERS_RU = ("Елена", "Мария", "Наталья", "Ольга", "Ирина", "Татьяна", "Галина")
RELATIONS = ("мати", "дружина", "сестра", "батько", "брат")
UNKNOWN_SURNAMES = ("Вакуленко", "Приходько", "Гнатюк", "Щербань", "Дзюба", "Ляшенко")
UNKNOWN_GIVEN = ("Тарас", "Богдан", "Ярослав", "Остап")


def _birth(person: Person, rng: random.Random) -> str:
    bd = person.birth_date
    if bd is None:
        return ""
    roll = rng.random()
    if roll < 0.5:
        return str(bd)
    if roll < 0.85:
        return str(bd.year)
    return ""


def _cyrillic_is_russian(text: str) -> bool:
    return any(c in "ыэъё" for c in text.lower()) or not any(c in "іїєґ" for c in text.lower())


def build_tracing(
    *,
    rng: random.Random,
    liaison: User,
    caseworker: User,
    count: int = 40,
    answered_share: float = 0.2,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Files `count` inquiries and answers some; returns counts of what it made."""
    pool = list(
        Person.objects.filter(merged_into__isnull=True)
        .exclude(family_name="")
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not pool:
        log("tracing: the register is empty; no inquiry made")
        return {}
    chosen = rng.sample(pool, min(count, len(pool)))
    persons = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
    made = {"inquiries": 0, "answered": 0, "candidates": 0}
    asked_about: dict[int, int] = {}
    filed: list[int] = []
    for i in range(count):
        fields: dict[str, object]
        style = i % 4
        consent = ["UA"] if rng.random() < 0.8 else []
        if style == 3 or i >= len(chosen):
            fields = {
                "family_name": rng.choice(UNKNOWN_SURNAMES),
                "given_name": rng.choice(UNKNOWN_GIVEN),
                "birth_date": str(rng.randint(1970, 2003)),
                "language": "uk",
            }
            about = None
        else:
            person = persons[chosen[i]]
            about = person.pk
            family, given, patronymic = person.family_name, person.given_name, person.patronymic
            if style == 0:
                if _cyrillic_is_russian(family + given):
                    family, given, patronymic = (ru_to_uk(x) for x in (family, given, patronymic))
                fields = {
                    "family_name": family,
                    "given_name": given,
                    "patronymic": patronymic,
                    "language": "uk",
                }
            elif style == 1:
                fields = {
                    "family_name": family,
                    "given_name": given,
                    "patronymic": patronymic,
                    "language": "ru",
                }
            else:
                table = _UK_LATIN if not _cyrillic_is_russian(family + given) else _RU_LATIN
                fields = {
                    "family_name": latin(family, table),
                    "given_name": latin(given, table),
                    "language": "en",
                }
            fields["birth_date"] = _birth(person, rng)
        names = REQUESTERS_RU if fields["language"] == "ru" else REQUESTERS_UK
        fields.update(
            {
                "requester_name": f"{fields['family_name']} {rng.choice(names)}",
                "requester_relation": rng.choice(RELATIONS),
                "requester_contact": f"+380 44 000 {rng.randint(1000, 9999)}",
                "consent_parties": consent,
                "channel": rng.choice(["phone", "office", "ngo"]),
                "circumstances": "Останній зв'язок — телефоном, навесні (синтетичні дані)",
            }
        )
        inquiry = actions.file_inquiry(actor=liaison, fields=fields)
        filed.append(inquiry.pk)
        made["inquiries"] += 1
        if about is not None:
            asked_about[inquiry.pk] = about
    for inquiry_id, person_id in asked_about.items():
        best = Candidate.objects.filter(inquiry_id=inquiry_id).order_by("-score", "id").first()
        if best is None or best.person_id != person_id or rng.random() >= answered_share:
            continue
        actions.decide(
            actor=caseworker,
            candidate_uuid=best.uuid,
            verdict="same",
            reason="Names, date of birth and unit agree (demo)",
        )
        actions.send_answer(actor=liaison, inquiry=Inquiry.objects.get(pk=inquiry_id))
        made["answered"] += 1
    made["candidates"] = Candidate.objects.filter(inquiry_id__in=list(asked_about)).count()
    _spread_over_months(rng, filed)
    log(
        f"tracing: {made['inquiries']} inquiries, {made['answered']} answered, {made['candidates']} candidates"
    )
    return made


# Days an answer took in the demo, and how far back the filings go.
ANSWER_DAYS = (2, 5, 9, 16, 27, 45, 80)
# (from five weeks to seven months ago: the dashboard's default period ends with the register's
# latest month with data, which in the demo is a month or two before its clock)
FILED_DAYS = (35, 220)


def _spread_over_months(rng: random.Random, ids: list[int]) -> None:
    """The demo's inquiries as if filed over the past seven months, and answered days to weeks
    later, so that the dashboard's inquiry charts have a history and some inquiries are overdue.
    Only the inquiries' own dates move (and their letters'); the ledger keeps the time the demo
    ran."""
    now = timezone.now()
    for inquiry in Inquiry.objects.filter(pk__in=ids).order_by("pk"):
        filed = now - dt.timedelta(days=rng.randint(*FILED_DAYS), hours=rng.randint(0, 9))
        changes: dict[str, dt.datetime] = {"created_at": filed}
        if inquiry.answered_at is not None:
            answered = min(now, filed + dt.timedelta(days=rng.choice(ANSWER_DAYS)))
            changes["answered_at"] = answered
            AnswerLetter.objects.filter(inquiry=inquiry).update(sent_at=answered)
        Inquiry.objects.filter(pk=inquiry.pk).update(**changes)
