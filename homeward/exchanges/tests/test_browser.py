"""In a real browser: a mediator, both bureau officers and a caseworker carry a negotiation from
the first draft to a completed exchange, and the substitution and the refusal stay traceable."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from homeward.conftest import login
from homeward.exchanges.models import Exchange, ListVersion, Negotiation
from homeward.ledger.actions import register_party_key
from homeward.ledger.notes import public_b64, sign_for_party
from homeward.registry.tests.factories import notified
from homeward.registry.worker import run_forever
from homeward.web.tests.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def latest(party_code):
    return (
        ListVersion.objects.filter(exchange_list__party__code=party_code)
        .order_by("-number")
        .first()
    )


def test_from_first_draft_to_a_completed_exchange(page, live_server, transactional_db, world):
    ru = [notified(world, family_name=f"Петренко{i}") for i in range(3)]
    ua = [
        notified(world, by=world.ua_officer, family_name=f"Иванов{i}", home_party_code="RU")
        for i in range(2)
    ]
    url = live_server.url

    # The mediator opens the negotiation.
    as_user(page, live_server, "mediator")
    page.goto(f"{url}/exchanges/")
    page.click("#open-negotiation summary")
    page.fill("#id_title", "Browser round")
    page.select_option("#id_party_a", "UA")
    page.select_option("#id_party_b", "RU")
    page.select_option("#id_mediator", "MD")
    page.click("#open-negotiation button[type=submit]")
    page.wait_for_selector("h1 >> text=Browser round")
    assert_accessible(page)
    negotiation = Negotiation.objects.get()

    # The mediator asks the planner for a 1-for-1 proposal: queued, carried out by the worker,
    # and the page (polling) shows the result without a reload.
    page.click("#planner summary")
    page.fill("#id_size", "1")
    page.click("#planner button[type=submit]")
    page.wait_for_selector("#plan-state >> text=Queued")
    run_forever(once=True)  # the worker's step (`homeward worker --once`)
    page.wait_for_selector("#plan-state >> text=Done")
    assert "long_captivity" in page.inner_text("#plan-body")
    page.goto(f"{url}/exchanges/negotiations/{negotiation.uuid}/")

    # UA's officer drafts the list: asks for two RU-held, offers two of its own.
    as_user(page, live_server, "ua_officer")
    page.goto(f"{url}/exchanges/versions/{latest('UA').uuid}/?q=Олександр")
    for p in (ru[0], ru[1], ua[0], ua[1]):
        page.check(f"input[name=add][value='{p.uuid}']")
    page.select_option("#id_add_reason", "long_captivity")
    page.click("button[name=save]")
    page.wait_for_selector("h1 >> text=version 2")
    assert_accessible(page)

    # A removal without a reason is refused, nothing saved.
    page.check(f"input[name=remove][value='{ru[1].uuid}']")
    page.click("button[name=save]")
    page.wait_for_selector("text=every removal says why")
    assert latest("UA").number == 2

    # Then a substitution: ru[1] replaced by ru[2].
    page.goto(f"{url}/exchanges/versions/{latest('UA').uuid}/?q=Петренко2")
    page.check(f"input[name=add][value='{ru[2].uuid}']")
    page.select_option("#id_add_reason", "wounded_or_sick")
    page.check(f"input[name=remove][value='{ru[1].uuid}']")
    page.select_option(f"select[name=reason_{ru[1].uuid}]", "substituted_by")
    page.select_option(f"select[name=sub_{ru[1].uuid}]", str(ru[2].uuid))
    page.fill(f"input[name=text_{ru[1].uuid}]", "Wounded first")
    page.click("button[name=save]")
    page.wait_for_selector("h1 >> text=version 3")
    page.click("button[name=propose]")
    page.wait_for_selector("#version-state >> text=Proposed")

    # RU's officer approves UA's list, drafts and proposes its own, approves it.
    as_user(page, live_server, "ru_officer")
    ua_v3 = latest("UA")
    page.goto(f"{url}/exchanges/versions/{ua_v3.uuid}/")
    page.click("button[name=approve]")
    page.wait_for_selector("text=RU: ru_officer")
    page.goto(f"{url}/exchanges/versions/{latest('RU').uuid}/?q=Олександр")
    for p in (ru[0], ru[2], ua[0], ua[1]):
        page.check(f"input[name=add][value='{p.uuid}']")
    page.select_option("#id_add_reason", "requested_by_family")
    page.click("button[name=save]")
    page.wait_for_selector("h1 >> text=version 2")
    page.click("button[name=propose]")
    page.wait_for_selector("#version-state >> text=Proposed")
    page.click("button[name=approve]")
    page.wait_for_selector("text=RU: ru_officer")

    # UA has registered a signing key: its officer signs the bytes the page shows and pastes
    # the signature; both lists are agreed.
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=public_b64(key))
    as_user(page, live_server, "ua_officer")
    for code in ("UA", "RU"):
        page.goto(f"{url}/exchanges/versions/{latest(code).uuid}/")
        data = page.inner_text("#approval-data").strip().encode()
        page.fill("#id_signature", sign_for_party(key, data))
        page.click("button[name=approve]")
        page.wait_for_selector("#version-state >> text=Agreed")
        assert "verified on arrival with the party's key" in page.inner_text("#approvals")
    page.goto(f"{url}/exchanges/versions/{latest('UA').uuid}/")
    assert page.locator("button[name=save]").count() == 0  # an agreed version has no edit form

    # The mediator records the exchange.
    as_user(page, live_server, "mediator")
    page.goto(f"{url}/exchanges/negotiations/{negotiation.uuid}/")
    page.fill("#id_place", "Border crossing")
    page.fill("#id_transit", "BY")
    page.click("#new-exchange button[type=submit]")
    page.wait_for_selector("#exchange-state >> text=Planned")
    exchange = Exchange.objects.get()

    # The caseworker records the handovers, one refusal verified in a private interview.
    as_user(page, live_server, "caseworker")
    page.goto(f"{url}/exchanges/exchanges/{exchange.uuid}/")
    for p in (ru[0], ru[2], ua[0]):
        page.select_option(f"select[name=outcome_{p.uuid}]", "handed_over")
    page.select_option(f"select[name=outcome_{ua[1].uuid}]", "refused_verified")
    page.click("button[name=record]")
    page.wait_for_selector("text=interviewed_by")  # refused: who interviewed?
    for p in (ru[0], ru[2], ua[0]):
        page.select_option(f"select[name=outcome_{p.uuid}]", "handed_over")
    page.select_option(f"select[name=outcome_{ua[1].uuid}]", "refused_verified")
    page.fill(f"input[name=interviewed_by_{ua[1].uuid}]", "Delegate K.")
    page.fill(f"input[name=interviewed_on_{ua[1].uuid}]", exchange.date.isoformat())
    page.click("button[name=record]")
    page.wait_for_selector("button[name=complete]")
    page.click("button[name=complete]")
    page.wait_for_selector("#exchange-state >> text=Completed")
    assert "4" in page.inner_text("dl.facts")

    # Every removal, substitution and refusal traces back to who, when and why.
    page.goto(f"{url}/exchanges/persons/{ru[1].uuid}/history/")
    summary = page.inner_text("#history-summary")
    assert "removed 1 time: Substituted by Петренко2" in summary
    assert "ua_officer" in page.inner_text("table")
    page.goto(f"{url}/exchanges/persons/{ua[1].uuid}/history/")
    assert "Delegate K." in page.inner_text("main")
