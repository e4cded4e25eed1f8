"""The tracing desk end to end in a real browser (headless Chromium), 360 px wide: a liaison
files an inquiry in Ukrainian Cyrillic for a person registered from a Russian-spelled list and
sees that person first with the explanation; a caseworker confirms it in the queue with one key;
the liaison opens the Ukrainian answer and its print view. axe on every page."""

from __future__ import annotations

import pytest

from homeward.conftest import login
from homeward.registry.tests.factories import notified
from homeward.tracing.models import Candidate, Inquiry
from homeward.web.tests.axe import assert_accessible

from .factories import russian_listed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling at 360 px."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)"
            ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"
        )
        print("WIDE", wide)
    assert width <= PHONE["width"], f"the page is {width}px wide"


def test_an_inquiry_from_the_first_call_to_the_letter_home(page, live_server, world):
    person = russian_listed(world)
    notified(
        world, family_name="Олейников", given_name="Пётр", patronymic="Сергеевич", birth_date="1980"
    )
    notified(world, family_name="Коваленко", given_name="Андрій", birth_date="1994")
    page.set_viewport_size(PHONE)

    # The liaison files the inquiry as the mother gives it, in Ukrainian.
    login(page, live_server, "liaison")
    page.goto(f"{live_server.url}/tracing/new/")
    page.fill("#id_family_name", "Олійник")
    page.fill("#id_given_name", "Олександр")
    page.fill("#id_patronymic", "Іванович")
    page.fill("#id_birth_date", "1994")
    # Before leaving the form: the register's best candidate, first, with the reasons.
    first = page.locator("#preview ol.found > li").first
    first.wait_for()
    page.wait_for_function(
        "() => (document.querySelector('#preview ol.found > li')?.innerText || '')"
        ".includes('the same year; the month unknown')"
    )
    text = first.inner_text()
    assert "its Ukrainian and Russian forms" in text
    assert "the same year; the month unknown" in text
    fits(page)
    assert_accessible(page)

    page.fill("#id_requester_name", "Олійник Ганна")
    page.fill("#id_requester_relation", "мати")
    page.select_option("#id_language", "uk")
    page.check("input[name=consent_parties][value=UA]")
    page.click("button:has-text('File the inquiry')")
    page.wait_for_selector("text=Inquiry filed.")
    inquiry = Inquiry.objects.get()
    first = page.locator("ol.found > li").first
    assert "Олейник Александр Иванович" in first.inner_text()
    fits(page)
    assert_accessible(page)

    # A caseworker confirms it in the review queue with one key.
    page.context.clear_cookies()
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/tracing/queue/")
    best = Candidate.objects.filter(inquiry=inquiry).order_by("-score").first()
    assert best.person_id == person.pk
    top = page.locator("#queue > li.candidate").first
    assert top.get_attribute("id") == f"c-{best.uuid}"
    fits(page)
    assert_accessible(page)
    page.keyboard.press("s")
    page.wait_for_selector(f"#c-{best.uuid}.done")
    inquiry.refresh_from_db()
    assert inquiry.linked_person_id == person.pk

    # The liaison prepares the Ukrainian answer and prints it.
    page.context.clear_cookies()
    login(page, live_server, "liaison")
    page.goto(f"{live_server.url}{inquiry.get_absolute_url()}")
    page.click("text=Prepare the answer to the family")
    page.wait_for_selector("article.letter")
    assert page.get_attribute("html", "lang") == "uk"
    letter = page.inner_text("article.letter")
    assert "Шановна(ий) Олійник Ганна" in letter
    assert "Russian Federation" in letter
    fits(page)
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.is_visible("header.top")
    assert not page.is_visible(".letter-tools")
    assert page.is_visible("article.letter")
    page.emulate_media(media="screen")
    page.click("button:has-text('Записати як надісланий')")
    page.wait_for_selector("text=The answer is recorded as sent.")
    inquiry.refresh_from_db()
    assert inquiry.state == "answered"


def test_the_other_tracing_pages_fit_a_phone_and_pass_axe(page, live_server, world):
    from homeward.tracing import actions

    from .factories import UKRAINIAN_INQUIRY

    russian_listed(world)
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    candidate = Candidate.objects.filter(inquiry=inquiry).first()
    page.set_viewport_size(PHONE)
    login(page, live_server, "caseworker")
    for path in ("/tracing/", "/tracing/bulk/", f"/tracing/candidates/{candidate.uuid}/"):
        page.goto(f"{live_server.url}{path}")
        fits(page)
        assert_accessible(page)
    page.context.clear_cookies()
    login(page, live_server, "analyst")
    page.goto(f"{live_server.url}/tracing/")
    assert "fewer than 5" in page.inner_text("main")
    fits(page)
    assert_accessible(page)
