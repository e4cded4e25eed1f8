"""The tracing pages without a browser: the form, its live candidates, errors on their fields."""

from __future__ import annotations

from homeward.tracing.models import Inquiry

from .factories import UKRAINIAN_INQUIRY, russian_listed


def test_the_form_shows_candidates_while_typing_and_without_javascript(client, world):
    russian_listed(world)
    client.force_login(world.liaison)
    typed = {"family_name": "Олійник", "birth_date": "1994", "sex": "U"}
    fragment = client.post("/tracing/new/preview/", typed, HTTP_HX_REQUEST="true").content.decode()
    assert "Олейник Александр Иванович" in fragment and "<html" not in fragment
    page = client.post("/tracing/new/preview/", typed).content.decode()
    assert "<html" in page and "Олейник Александр Иванович" in page
    assert 'value="Олійник"' in page  # the form comes back as typed
    assert not Inquiry.objects.exists()


def test_a_bad_date_is_shown_on_its_field_and_nothing_is_filed(client, world):
    client.force_login(world.liaison)
    data = {**UKRAINIAN_INQUIRY, "birth_date": "1994-02-30", "sex": "U", "channel": "phone"}
    data.pop("consent_parties")
    page = client.post("/tracing/new/", data).content.decode()
    assert "has no day 30" in page
    assert not Inquiry.objects.exists()


def test_filing_on_the_page_leads_to_the_inquiry_with_its_candidates(client, world):
    russian_listed(world)
    client.force_login(world.liaison)
    data = {**UKRAINIAN_INQUIRY, "sex": "U", "channel": "phone", "consent_parties": ["UA"]}
    response = client.post("/tracing/new/", data, follow=True)
    inquiry = Inquiry.objects.get()
    assert response.redirect_chain[-1][0] == inquiry.get_absolute_url()
    page = response.content.decode()
    assert "Олейник Александр Иванович" in page
    assert "the same name, its Ukrainian and Russian forms" in page
    assert inquiry.consent_parties == ["UA"]


def test_the_bulk_page_names_bad_lines(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.liaison)
    content = "family_name;birth_date;requester_name\nОлійник;1994;Ганна\n;1994;Ганна\n".encode()
    page = client.post(
        "/tracing/bulk/", {"file": SimpleUploadedFile("ngo.csv", content)}
    ).content.decode()
    assert "Rows to correct" in page and "<td>3</td>" in page
    assert not Inquiry.objects.exists()


def test_an_analyst_files_nothing_and_a_bureau_officer_reviews_nothing(client, world):
    client.force_login(world.analyst)
    assert client.get("/tracing/new/").status_code == 403
    client.force_login(world.ua_officer)
    assert client.get("/tracing/").status_code == 200
    assert client.get("/tracing/queue/").status_code == 403
