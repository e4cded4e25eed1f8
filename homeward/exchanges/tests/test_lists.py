"""Versioned exchange lists: every edit a new version with its reasons; the bad input of issue 5."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from homeward.exchanges import actions
from homeward.exchanges.actions import Add, Remove
from homeward.exchanges.models import ListEntry, ListVersion, Reason, VersionState
from homeward.exchanges.selectors import access_negotiations, diff, list_history
from homeward.ledger import notes
from homeward.ledger.actions import register_party_key
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import Entry
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.registry import actions as registry
from homeward.registry.tests.factories import notified


@pytest.fixture
def setup(world):
    held_by_ru = [notified(world, family_name=f"Петренко{i}") for i in range(4)]
    held_by_ua = [
        notified(world, by=world.ua_officer, family_name=f"Иванов{i}", home_party_code="RU")
        for i in range(4)
    ]
    negotiation = actions.open_negotiation(
        actor=world.mediator,
        title="Spring exchange",
        party_a=world.ua,
        party_b=world.ru,
        mediator=world.md,
    )
    ua_list = negotiation.lists.get(party=world.ua)
    return negotiation, ua_list, held_by_ru, held_by_ua


def v1(lst):
    return lst.versions.get(number=1)


def test_every_edit_makes_a_new_version_and_keeps_the_old(world, setup):
    _, ua_list, ru_held, ua_held = setup
    v2 = actions.edit_list(
        actor=world.ua_officer,
        base=v1(ua_list),
        add=[
            Add(ru_held[0], "ask", Reason.REQUESTED_BY_FAMILY),
            Add(ua_held[0], "offer", Reason.LONG_CAPTIVITY),
        ],
    )
    v3 = actions.edit_list(
        actor=world.ua_officer, base=v2, remove=[Remove(ru_held[0], Reason.NOT_HELD, "moved")]
    )
    assert list(
        v2.entries.values_list("person__family_name", flat=True).order_by("person__family_name")
    ) == ["Иванов0", "Петренко0"]
    assert list(v3.entries.values_list("person__family_name", flat=True)) == ["Иванов0"]
    assert Entry.objects.filter(action="list.edited").count() == 2


def test_removing_without_a_reason_is_refused_and_changes_nothing(world, setup):
    _, ua_list, ru_held, _ = setup
    v2 = actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.edit_list(actor=world.ua_officer, base=v2, remove=[Remove(ru_held[0], "")])
    assert "every removal says why" in exc.value.detail["fields"]["remove.0.reason"]
    assert ListVersion.objects.filter(exchange_list=ua_list).count() == 2


def test_offering_a_person_the_party_does_not_hold_is_refused(world, setup):
    _, ua_list, ru_held, ua_held = setup
    with pytest.raises(ValidationFailed) as exc:
        actions.edit_list(
            actor=world.ua_officer,
            base=v1(ua_list),
            add=[Add(ru_held[1], "offer", Reason.OTHER, "x")],
        )
    assert "not held by this party" in exc.value.detail["fields"]["add.0.person"]
    with pytest.raises(ValidationFailed) as exc:
        actions.edit_list(
            actor=world.ua_officer,
            base=v1(ua_list),
            add=[Add(ua_held[1], "ask", Reason.OTHER, "x")],
        )
    assert "not held by the other party" in exc.value.detail["fields"]["add.0.person"]


def test_listing_someone_who_died_is_refused(world, setup):
    _, ua_list, ru_held, _ = setup
    source = registry.create_source(
        actor=world.caseworker, kind="notification", title="Death notice"
    )
    registry.record_status_event(
        actor=world.caseworker, person=ru_held[2], kind="died", date="2025-06-01", source=source
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.edit_list(
            actor=world.ua_officer,
            base=v1(ua_list),
            add=[Add(ru_held[2], "ask", Reason.OTHER, "x")],
        )
    assert "dead" in exc.value.detail["fields"]["add.0.person"]


def test_two_officers_editing_the_same_draft_the_second_is_told(world, setup):
    _, ua_list, ru_held, _ = setup
    base = v1(ua_list)
    actions.edit_list(
        actor=world.ua_officer, base=base, add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    with pytest.raises(Conflict) as exc:
        actions.edit_list(
            actor=world.ua_officer, base=base, add=[Add(ru_held[1], "ask", Reason.OTHER, "x")]
        )
    assert "edited since you opened it" in exc.value.message
    assert not ListEntry.objects.filter(person=ru_held[1]).exists()


def test_a_substitution_names_who_replaced_whom(world, setup):
    _, ua_list, ru_held, _ = setup
    v2 = actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    with pytest.raises(ValidationFailed):
        actions.edit_list(
            actor=world.ua_officer, base=v2, remove=[Remove(ru_held[0], Reason.SUBSTITUTED_BY)]
        )
    v3 = actions.edit_list(
        actor=world.ua_officer,
        base=v2,
        add=[Add(ru_held[1], "ask", Reason.WOUNDED_OR_SICK)],
        remove=[Remove(ru_held[0], Reason.SUBSTITUTED_BY, substituted_by=ru_held[1])],
    )
    d = diff(v2, v3)
    assert [r.person_id for r in d.added] == [ru_held[1].pk]
    assert d.added[0].reason == Reason.WOUNDED_OR_SICK
    assert (
        d.removed[0].reason == Reason.SUBSTITUTED_BY
        and d.removed[0].substituted_by == ru_held[1].uuid
    )
    assert d.removed[0].by == "ua_officer"
    backwards = diff(v3, v2)
    assert [r.person_id for r in backwards.added] == [ru_held[0].pk]
    history = list_history(ru_held[0])
    assert (
        history.summary
        == "listed 1 time, removed 1 time: Substituted by Петренко1 Олександр Іванович"
    )
    assert [c.person for c in list_history(ru_held[1]).substituted_for] == [ru_held[0]]


def test_an_agreed_version_carries_both_approvals_and_is_never_edited_again(world, setup):
    negotiation, ua_list, ru_held, _ = setup
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key))
    v2 = actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    with pytest.raises(Forbidden):
        actions.propose_version(actor=world.ru_officer, version=v2)
    actions.propose_version(actor=world.ua_officer, version=v2)
    data = actions.approval_data(v2)
    with pytest.raises(ValidationFailed) as exc:
        actions.approve_version(actor=world.ua_officer, version=v2)
    assert "signature" in exc.value.detail["fields"]
    actions.approve_version(
        actor=world.ua_officer,
        version=v2,
        signature=notes.sign_for_party(key, canonical_json(data)),
    )
    v2 = actions.approve_version(actor=world.ru_officer, version=v2)
    assert v2.state == VersionState.AGREED
    approvals = {a.party.code: a for a in v2.approvals.all()}
    assert approvals["UA"].by == world.ua_officer and approvals["UA"].signature
    assert approvals["RU"].by == world.ru_officer and not approvals["RU"].signature
    assert Entry.objects.filter(action="list.approved").exclude(signature="").count() == 1
    with pytest.raises(Conflict) as exc:
        actions.edit_list(
            actor=world.ua_officer, base=v2, add=[Add(ru_held[1], "ask", Reason.OTHER, "x")]
        )
    assert exc.value.detail["fields"] == {"base": "is agreed"}
    assert not ListEntry.objects.filter(person=ru_held[1]).exists()


def test_a_forged_approval_signature_is_refused(world, setup):
    _, ua_list, ru_held, _ = setup
    register_party_key(
        actor=world.ua_officer,
        party=world.ua,
        public_key_b64=notes.public_b64(Ed25519PrivateKey.generate()),
    )
    v2 = actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    actions.propose_version(actor=world.ua_officer, version=v2)
    with pytest.raises(ValidationFailed):
        actions.approve_version(
            actor=world.ua_officer,
            version=v2,
            signature=notes.sign_for_party(Ed25519PrivateKey.generate(), b"anything"),
        )
    assert not v2.approvals.exists()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("ua_officer", True),
        ("ru_officer", True),
        ("mediator", True),
        ("caseworker", True),
        ("liaison", False),
        ("analyst", False),
        ("auditor", False),
        ("admin", False),
    ],
)
def test_who_sees_a_negotiation(world, setup, who, sees):
    negotiation = setup[0]
    assert access_negotiations(getattr(world, who)).filter(pk=negotiation.pk).exists() is sees


def test_only_a_partys_own_bureau_edits_its_list(world, setup):
    _, ua_list, ru_held, _ = setup
    for who in ("ru_officer", "caseworker", "mediator"):
        with pytest.raises(Forbidden):
            actions.edit_list(
                actor=getattr(world, who),
                base=v1(ua_list),
                add=[Add(ru_held[0], "ask", Reason.OTHER, "x")],
            )


def test_once_listed_the_mediator_sees_the_person(world, setup, client):
    _, ua_list, ru_held, _ = setup
    actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    client.force_login(world.mediator)
    assert client.get(f"/api/v1/persons/{ru_held[0].uuid}").status_code == 200
    assert client.get(f"/api/v1/persons/{ru_held[1].uuid}").status_code == 404


def test_a_paused_negotiation_takes_no_edits_and_its_history_says_who_and_why(world, setup, client):
    negotiation, ua_list, ru_held, _ = setup
    with pytest.raises(Forbidden):
        actions.set_negotiation_state(
            actor=world.liaison, negotiation=negotiation, state="paused", note="x"
        )
    with pytest.raises(ValidationFailed) as exc:
        actions.set_negotiation_state(actor=world.mediator, negotiation=negotiation, state="gone")
    assert "state" in exc.value.detail["fields"]
    actions.set_negotiation_state(
        actor=world.mediator, negotiation=negotiation, state="paused", note="Shelling at the border"
    )
    with pytest.raises(Conflict) as conflict:
        actions.edit_list(
            actor=world.ua_officer,
            base=v1(ua_list),
            add=[Add(ru_held[0], "ask", Reason.OTHER, "x")],
        )
    assert conflict.value.detail["fields"] == {"negotiation": "is paused"}
    assert ListVersion.objects.filter(exchange_list=ua_list).count() == 1
    actions.set_negotiation_state(actor=world.ru_officer, negotiation=negotiation, state="open")
    actions.edit_list(
        actor=world.ua_officer, base=v1(ua_list), add=[Add(ru_held[0], "ask", Reason.OTHER, "x")]
    )
    actions.set_negotiation_state(
        actor=world.caseworker, negotiation=negotiation, state="concluded"
    )
    with pytest.raises(Conflict):
        actions.set_negotiation_state(actor=world.mediator, negotiation=negotiation, state="open")
    history = list(negotiation.events.order_by("at", "id").values_list("state", "by__username"))
    assert history == [
        ("open", "mediator"),
        ("paused", "mediator"),
        ("open", "ru_officer"),
        ("concluded", "caseworker"),
    ]
    assert Entry.objects.filter(action="negotiation.state").count() == 3
    client.force_login(world.ua_officer)
    page = client.get(f"/exchanges/negotiations/{negotiation.uuid}/").content.decode()
    assert "Shelling at the border" in page
