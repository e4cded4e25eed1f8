"""The tracing part of the demo makes open and answered inquiries in three scripts."""

from __future__ import annotations

import random

from homeward.registry.tests.factories import notified
from homeward.synth.tracing import build_tracing
from homeward.tracing.models import AnswerLetter, Candidate, Inquiry


def test_build_tracing_makes_inquiries_in_three_scripts_some_answered_some_pending(world):
    for family, given, born in [
        ("Олейник", "Александр", "1994-03-12"),
        ("Кузьмин", "Сергей", "1988-07-01"),
        ("Ковальчук", "Андрій", "1990-01-20"),
        ("Мельник", "Василь", "1985-05-05"),
        ("Ермаков", "Павел", "1992-11-11"),
        ("Бондаренко", "Ігор", "1979-02-02"),
    ]:
        notified(world, family_name=family, given_name=given, patronymic="", birth_date=born)
    made = build_tracing(
        rng=random.Random(7),
        liaison=world.liaison,
        caseworker=world.caseworker,
        count=8,
        answered_share=0.5,
        log=lambda _m: None,
    )
    assert made["inquiries"] == Inquiry.objects.count() == 8
    assert {"uk", "ru", "en"} <= set(Inquiry.objects.values_list("language", flat=True))
    assert any(i.family_name.isascii() for i in Inquiry.objects.all())
    assert Candidate.objects.filter(state="pending").exists()
    assert AnswerLetter.objects.count() == made["answered"] >= 1
