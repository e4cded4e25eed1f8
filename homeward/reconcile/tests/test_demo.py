"""The demo's published list has every outcome."""

from __future__ import annotations

import random

import pytest

from homeward.linkage.dates import parse_birth_date
from homeward.reconcile.models import Outcome, PublishedList
from homeward.registry.tests.factories import notified
from homeward.synth import lists as synthetic
from homeward.synth.reconcile import build_reconcile

pytestmark = pytest.mark.django_db


def test_the_demo_list_has_every_outcome(world):
    register = synthetic.generate(60, 0, seed=11).register
    for row in register:
        born = parse_birth_date(row["birth_date"])
        if not (born.day and row["family_name"] and row["given_name"]):
            continue
        notified(
            world,
            family_name=row["family_name"],
            given_name=row["given_name"],
            patronymic=row["patronymic"],
            birth_date=str(born),
        )
    summary = build_reconcile(
        caseworker=world.caseworker, publisher=world.ru, rng=random.Random(7), size=40
    )
    run = PublishedList.objects.get().runs.get()
    assert set(run.counts) == set(Outcome.values), summary
    assert "reconciled" in summary
