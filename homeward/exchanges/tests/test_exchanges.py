"""Exchanges and handovers: status events follow, counts add up, the bad input of issue 5."""

import datetime as dt

import pytest
from django.utils import timezone

from homeward.exchanges import actions
from homeward.exchanges.actions import Add, HandoverLine, Remove
from homeward.exchanges.models import ExchangeState, Handover, Outcome, Reason
from homeward.exchanges.selectors import list_history, passed_over_report, removal_report
from homeward.exchanges.tests.conftest import agree_both
from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.registry.models import StatusKind
from homeward.registry.selectors import current_status

TODAY = dt.date(2025, 6, 1)


def exchange_for(world, scene, n=2):
    agree_both(world, scene, n)
    return actions.create_exchange(
        actor=world.mediator,
        negotiation=scene.negotiation,
        date=TODAY,
        place="Border crossing",
        transit_country="by",
    )


def test_an_exchange_needs_both_lists_agreed(world, scene):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_exchange(
            actor=world.mediator, negotiation=scene.negotiation, date=TODAY, place="X"
        )
    assert "agreed" in exc.value.detail["fields"]["negotiation"]


@pytest.mark.parametrize("who", ["ua_officer", "ru_officer", "liaison", "analyst"])
def test_only_the_mediator_and_caseworkers_record_an_exchange(world, scene, who):
    agree_both(world, scene)
    with pytest.raises(Forbidden):
        actions.create_exchange(
            actor=getattr(world, who), negotiation=scene.negotiation, date=TODAY, place="X"
        )


def test_handovers_write_status_events_and_the_counts_add_up(world, scene):
    exchange = exchange_for(world, scene)
    assert exchange.transit_country == "BY"
    ru0, ru1 = scene.held_by_ru[:2]
    ua0, ua1 = scene.held_by_ua[:2]
    actions.record_handovers(
        actor=world.caseworker,
        exchange=exchange,
        lines=[
            HandoverLine(ru0, Outcome.HANDED_OVER),
            HandoverLine(
                ru1,
                Outcome.REFUSED_VERIFIED,
                interviewed_by="ICRC delegate K.",
                interviewed_on=TODAY - dt.timedelta(days=2),
            ),
            HandoverLine(ua0, Outcome.HANDED_OVER),
        ],
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.complete_exchange(actor=world.mediator, exchange=exchange)
    assert "1 of 4" in exc.value.detail["fields"]["handovers"]
    assert exc.value.detail["missing"] == [str(ua1.uuid)]
    actions.record_handovers(
        actor=world.mediator,
        exchange=exchange,
        lines=[HandoverLine(ua1, Outcome.WITHHELD, reason="under investigation")],
    )
    exchange = actions.complete_exchange(actor=world.mediator, exchange=exchange)
    assert exchange.state == ExchangeState.COMPLETED
    assert exchange.counts == {
        "by_party": {
            "RU": {"handed_over": 1, "refused_verified": 1},
            "UA": {"handed_over": 1, "withheld": 1},
        },
        "listed": 4,
        "lines": 4,
    }
    assert current_status(ru0) == StatusKind.EXCHANGED
    assert current_status(ua0) == StatusKind.EXCHANGED
    assert current_status(ru1) == StatusKind.REFUSED_VERIFIED
    refusal = Handover.objects.get(person=ru1).status_event
    assert "ICRC delegate K." in refusal.note and refusal.source.kind == "interview"
    assert current_status(ua1) == StatusKind.NOTIFIED  # withheld: still held
    assert Entry.objects.filter(action="exchange.completed").count() == 1
    assert "handed over on 2025-06-01" in list_history(ru0).summary
    with pytest.raises(Conflict):
        actions.record_handovers(
            actor=world.mediator, exchange=exchange, lines=[HandoverLine(ru0, "handed_over")]
        )


def test_a_handover_for_a_person_not_on_the_agreed_list_is_refused(world, scene):
    exchange = exchange_for(world, scene)
    stranger = scene.held_by_ru[3]
    with pytest.raises(ValidationFailed) as exc:
        actions.record_handovers(
            actor=world.caseworker,
            exchange=exchange,
            lines=[
                HandoverLine(scene.held_by_ru[0], Outcome.HANDED_OVER),
                HandoverLine(stranger, Outcome.HANDED_OVER),
            ],
        )
    assert exc.value.detail["fields"] == {
        "lines.1.person": "is not on the agreed lists of this exchange"
    }
    assert not Handover.objects.exists()
    assert current_status(scene.held_by_ru[0]) == StatusKind.NOTIFIED


def test_a_refusal_without_its_private_interview_is_refused(world, scene):
    exchange = exchange_for(world, scene)
    with pytest.raises(ValidationFailed) as exc:
        actions.record_handovers(
            actor=world.caseworker,
            exchange=exchange,
            lines=[HandoverLine(scene.held_by_ru[0], Outcome.REFUSED_VERIFIED)],
        )
    assert "private interview" in exc.value.detail["fields"]["lines.0.interviewed_by"]
    with pytest.raises(ValidationFailed) as exc:
        actions.record_handovers(
            actor=world.caseworker,
            exchange=exchange,
            lines=[HandoverLine(scene.held_by_ru[0], Outcome.WITHHELD)],
        )
    assert "lines.0.reason" in exc.value.detail["fields"]
    assert not Handover.objects.exists()


def test_handovers_wait_for_the_day_of_the_exchange(world, scene):
    agree_both(world, scene)
    exchange = actions.create_exchange(
        actor=world.caseworker,
        negotiation=scene.negotiation,
        date=timezone.localdate() + dt.timedelta(days=3),
        place="Bridge",
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.record_handovers(
            actor=world.caseworker,
            exchange=exchange,
            lines=[HandoverLine(scene.held_by_ru[0], Outcome.HANDED_OVER)],
        )
    assert "exchange.date" in exc.value.detail["fields"]


def test_the_removal_report_counts_names_removed_from_a_proposed_list(world, scene):
    ua_v1 = scene.ua_list.versions.get(number=1)
    ru = scene.held_by_ru
    v2 = actions.edit_list(
        actor=world.ua_officer,
        base=ua_v1,
        add=[Add(p, "ask", Reason.REQUESTED_BY_FAMILY) for p in ru[:3]],
    )
    # Removed from a draft: not in the report.
    v3 = actions.edit_list(
        actor=world.ua_officer, base=v2, remove=[Remove(ru[2], Reason.DUPLICATE)]
    )
    actions.propose_version(actor=world.ua_officer, version=v3)
    actions.counter_version(actor=world.ru_officer, version=v3, note="Петренко0 is not held")
    actions.edit_list(
        actor=world.ua_officer,
        base=v3,
        add=[Add(ru[3], "ask", Reason.WOUNDED_OR_SICK)],
        remove=[
            Remove(ru[0], Reason.NOT_HELD, "RU says transferred"),
            Remove(ru[1], Reason.SUBSTITUTED_BY, substituted_by=ru[3]),
        ],
    )
    report = removal_report(scene.negotiation.__class__.objects.all())
    assert report["total"] == 2
    assert {r["reason"]: r["n"] for r in report["by_reason"]} == {
        "not_held": 1,
        "substituted_by": 1,
    }
    assert report["by_who"][0]["by__username"] == "ua_officer"


def test_a_counter_proposal_says_what_is_wanted_and_comes_from_the_other_side(world, scene):
    v2 = actions.edit_list(
        actor=world.ua_officer,
        base=scene.ua_list.versions.get(number=1),
        add=[Add(scene.held_by_ru[0], "ask", Reason.LONG_CAPTIVITY)],
    )
    actions.propose_version(actor=world.ua_officer, version=v2)
    with pytest.raises(Forbidden):
        actions.counter_version(actor=world.ua_officer, version=v2, note="x")
    with pytest.raises(ValidationFailed):
        actions.counter_version(actor=world.ru_officer, version=v2, note=" ")
    v2 = actions.counter_version(actor=world.mediator, version=v2, note="add the wounded")
    assert v2.state == "countered"
    assert list(v2.events.values_list("state", "by__username", "note")) == [
        ("proposed", "ua_officer", ""),
        ("countered", "mediator", "add the wounded"),
    ]


def test_persons_passed_over_twice_while_later_captives_went_home(world, scene):
    """Two exchanges; RU's first captive (captured 2022-01) is never offered while later captives
    go home each time: passed over twice. Persons captured after the latest one sent are not."""
    from homeward.exchanges.models import Negotiation

    ru = scene.held_by_ru  # captured 2022-01 … 2022-04
    for round_, person in enumerate((ru[2], ru[3])):
        negotiation = (
            scene.negotiation
            if round_ == 0
            else actions.open_negotiation(
                actor=world.mediator,
                title="Second",
                party_a=world.ua,
                party_b=world.ru,
                mediator=world.md,
            )
        )
        lists = {lst.party.code: lst for lst in negotiation.lists.all()}
        versions = []
        for code, officer in (("UA", world.ua_officer), ("RU", world.ru_officer)):
            add = [Add(person, "offer" if code == "RU" else "ask", Reason.LONG_CAPTIVITY)]
            v = actions.edit_list(actor=officer, base=lists[code].versions.get(number=1), add=add)
            actions.propose_version(actor=officer, version=v)
            versions.append(v)
        for v in versions:
            for officer in (world.ua_officer, world.ru_officer):
                actions.approve_version(actor=officer, version=v)
        exchange = actions.create_exchange(
            actor=world.caseworker,
            negotiation=negotiation,
            date=TODAY + dt.timedelta(days=round_),
            place="Bridge",
        )
        actions.record_handovers(
            actor=world.caseworker,
            exchange=exchange,
            lines=[HandoverLine(person, Outcome.HANDED_OVER)],
        )
        actions.complete_exchange(actor=world.caseworker, exchange=exchange)
    report = passed_over_report(Negotiation.objects.all())
    assert [(r["person"], r["times"]) for r in report] == [(ru[0], 2), (ru[1], 2)]
