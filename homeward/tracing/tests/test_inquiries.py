"""Filing an inquiry: the register is searched at once; bad input names its field and writes
nothing; state changes are actions with ledger entries."""

from __future__ import annotations

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.registry.tests.factories import notified
from homeward.tracing import actions
from homeward.tracing.models import Candidate, CandidateOrigin, Inquiry, InquiryState

from .factories import UKRAINIAN_INQUIRY, russian_listed


def test_filing_in_ukrainian_finds_the_person_a_russian_list_registered_first(world):
    person = russian_listed(world)
    notified(world, family_name="Коваленко", given_name="Андрій", birth_date="1990")
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    best = Candidate.objects.filter(inquiry=inquiry).order_by("-score").first()
    assert best is not None and best.person_id == person.pk
    assert best.origin == CandidateOrigin.SEARCH
    parts = {p["comparison"]: p["level"] for p in best.explanation["parts"]}
    assert parts["surname"] == "same name, its Ukrainian and Russian forms"
    assert parts["birth"] == "same year, a month unknown"


@pytest.mark.parametrize(
    "fields",
    [{"family_name": "Олійник"}, {"family_name": "Олійник", "birth_date": "1994"}],
    ids=["surname alone", "surname and year"],
)
def test_little_to_go_on_still_gets_ranked_candidates(world, fields):
    person = russian_listed(world)
    notified(world, family_name="Олейников", given_name="Пётр", birth_date="1980")
    inquiry = actions.file_inquiry(
        actor=world.liaison, fields={**fields, "requester_name": "Ганна"}
    )
    ranked = list(Candidate.objects.filter(inquiry=inquiry).order_by("-score"))
    assert ranked and ranked[0].person_id == person.pk


def test_filing_writes_a_ledger_entry_without_names(world):
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    entry = Entry.objects.get(action="inquiry.filed", object_id=str(inquiry.uuid))
    assert "Олійник" not in entry.event and "Ганна" not in entry.event


@pytest.mark.parametrize(
    "change, field",
    [
        ({"family_name": "", "given_name": "", "full_name": ""}, "family_name"),
        ({"birth_date": "1994-02-30"}, "birth_date"),
        ({"birth_date": "2190"}, "birth_date"),
        ({"home_party": "XX"}, "home_party"),
        ({"consent_parties": ["UA", "ZZ"]}, "consent_parties"),
        ({"language": "de"}, "language"),
        ({"requester_name": ""}, "requester_name"),
        ({"family_name": "Олій\x00ник"}, "family_name"),
    ],
    ids=[
        "no name",
        "impossible date",
        "future date",
        "unknown party",
        "unknown consent party",
        "unknown language",
        "nobody asks",
        "NUL",
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, change, field):
    with pytest.raises(ValidationFailed) as exc:
        actions.file_inquiry(actor=world.liaison, fields={**UKRAINIAN_INQUIRY, **change})
    assert field in exc.value.detail["fields"]
    assert not Inquiry.objects.exists()
    assert not Entry.objects.filter(action="inquiry.filed").exists()


@pytest.mark.parametrize("who", ["ua_officer", "mediator", "analyst", "auditor", "admin"])
def test_only_the_tracing_desk_files(world, who):
    with pytest.raises(Forbidden):
        actions.file_inquiry(actor=getattr(world, who), fields=UKRAINIAN_INQUIRY)


def test_answer_close_reopen_are_actions_with_ledger_entries(world):
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY, search=False)
    actions.answer_inquiry(
        actor=world.liaison, inquiry=inquiry, note="No trace so far; told by phone"
    )
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED and inquiry.answered_at
    with pytest.raises(Conflict):
        actions.answer_inquiry(actor=world.liaison, inquiry=inquiry, note="again")
    actions.close_inquiry(actor=world.liaison, inquiry=inquiry)
    with pytest.raises(ValidationFailed):
        actions.reopen_inquiry(actor=world.liaison, inquiry=inquiry, note="")
    actions.reopen_inquiry(actor=world.liaison, inquiry=inquiry, note="The family called again")
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.REOPENED
    assert list(
        Entry.objects.filter(object_id=str(inquiry.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["inquiry.filed", "inquiry.answered", "inquiry.closed", "inquiry.reopened"]


BULK = (
    "family_name;given_name;birth_date;requester_name;relation;language;consent\n"
    "Олійник;Олександр;1994;Олійник Ганна;мати;uk;UA\n"
    "Petrenko;Oleksandr;1990-05;Petrenko Maria;wife;en;\n"
)


def test_bulk_filing_files_every_row_and_searches_each(world):
    russian_listed(world)
    filed = actions.file_inquiries_from_file(
        actor=world.liaison, content=BULK.encode(), file_name="ngo.csv", partner="NGO Dopomoha"
    )
    assert [i.batch_line for i in filed] == [2, 3]
    first = Inquiry.objects.get(batch_line=2)
    assert (first.language, first.consent_parties, first.channel, first.partner) == (
        "uk",
        ["UA"],
        "ngo",
        "NGO Dopomoha",
    )
    assert Candidate.objects.filter(inquiry=first).exists()
    assert Entry.objects.filter(action="inquiry.filed_bulk").count() == 1


def test_a_bulk_file_with_any_bad_row_files_nothing_and_names_the_lines(world):
    bad = BULK + ";;1994;Someone;;uk;\n" + "Shevchenko;Taras;1994-13;Someone;;uk;\n"
    with pytest.raises(ValidationFailed) as exc:
        actions.file_inquiries_from_file(
            actor=world.liaison, content=bad.encode(), file_name="ngo.csv"
        )
    lines = exc.value.detail["lines"]
    assert set(lines) == {"4", "5"}
    assert "family_name" in lines["4"] and "birth_date" in lines["5"]
    assert not Inquiry.objects.exists()


def test_a_bulk_file_with_an_unknown_column_is_refused_naming_it(world):
    with pytest.raises(ValidationFailed, match="favourite_colour"):
        actions.file_inquiries_from_file(
            actor=world.liaison, content=b"family_name;favourite_colour;requester\nX;blue;Y\n"
        )


def test_the_api_files_and_lists_inquiries_with_their_candidates(client, world):
    person = russian_listed(world)
    client.force_login(world.liaison)
    response = client.post("/api/v1/inquiries", UKRAINIAN_INQUIRY, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["candidates"][0]["person"]["uuid"] == str(person.uuid)
    assert body["candidates"][0]["explanation"]
    # What the comparison needs, and not the register's status or holder.
    assert "status" not in body["candidates"][0]["person"]
    uuid = body["uuid"]
    assert client.get(f"/api/v1/inquiries/{uuid}").json()["state"] == "open"
    assert client.get("/api/v1/inquiries").json()["count"] == 1
    cands = client.get(f"/api/v1/inquiries/{uuid}/candidates").json()
    assert cands[0]["person"]["uuid"] == str(person.uuid)


def test_the_api_names_a_bad_field_with_the_common_error_shape(client, world):
    client.force_login(world.liaison)
    response = client.post(
        "/api/v1/inquiries",
        {"requester_name": "X", "birth_date": "31.02.1990", "family_name": "Y"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "birth_date" in response.json()["error"]["detail"]["fields"]


def test_the_api_changes_state(client, world):
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY, search=False)
    client.force_login(world.liaison)
    url = f"/api/v1/inquiries/{inquiry.uuid}/state"
    assert (
        client.post(url, {"action": "close"}, content_type="application/json").json()["state"]
        == "closed"
    )
    response = client.post(url, {"action": "close"}, content_type="application/json")
    assert response.status_code == 409
