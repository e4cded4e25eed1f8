"""Reports, proposals, decisions and the register beside them: through the API and pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from homeward.claims import actions
from homeward.claims.models import Claim, ClaimStatus, Report
from homeward.ledger.models import Entry
from homeward.lib.dates import PartialDate
from homeward.lib.errors import Forbidden, ValidationFailed
from homeward.registry.models import Person, Source, SourceKind, StatusEvent, StatusKind

TEXT = (
    "Over 1,000 former soldiers joined four units, sources in Russian security structures said.\n"
    "At least 62 prisoners joined the units, according to the Coordination Headquarters."
)


def _report(world, text=TEXT):
    return actions.add_report(actor=world.analyst, text=text, outlet="Test Wire", language="en")


def test_an_analyst_adds_a_report_and_gets_its_claims_proposed(world):
    report = _report(world)
    assert report.source.kind == SourceKind.MEDIA
    assert len(report.sha256) == 64
    claims = list(report.claims.order_by("id"))
    assert [(c.counts, c.low, c.high, c.status) for c in claims] == [
        ("joined_forces", 1001, None, "proposed"),
        ("joined_forces", 62, None, "proposed"),
    ]
    assert claims[0].side.code == "RU" and claims[1].side.code == "UA"
    assert Entry.objects.filter(action="claims.report_added").count() == 1


@pytest.mark.parametrize("role", ["ua_officer", "caseworker", "liaison", "auditor", "admin"])
def test_other_roles_may_not_add_reports(world, role):
    with pytest.raises(Forbidden):
        actions.add_report(actor=world.users()[role], text=TEXT, outlet="X")
    assert Report.objects.count() == 0


def test_a_mediator_may_add_reports(world):
    actions.add_report(actor=world.mediator, text=TEXT, outlet="X")
    assert Report.objects.count() == 1


@pytest.mark.parametrize("text", ["", "   ", "short"])
def test_an_empty_report_is_refused_and_nothing_written(world, text):
    with pytest.raises(ValidationFailed) as exc:
        actions.add_report(actor=world.analyst, text=text, outlet="X")
    assert "text" in exc.value.detail["fields"]
    assert (Report.objects.count(), Source.objects.count(), Entry.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    "low,high,kind,field",
    [
        (100, 50, None, "high"),
        (0.5, 1.5, "share", "high"),
        ("x", None, None, "low"),
        (None, None, None, "low"),
    ],
)
def test_an_impossible_interval_is_refused_and_nothing_changes(world, low, high, kind, field):
    claim = _report(world).claims.first()
    before = Entry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.confirm_claim(actor=world.analyst, claim=claim, low=low, high=high, kind=kind)
    assert field in exc.value.detail["fields"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PROPOSED and claim.low == 1001
    assert Entry.objects.count() == before


def test_a_confirmed_claim_stands_beside_the_register_with_suppression(world):
    report = _report(world)
    src = Source.objects.create(
        kind=SourceKind.INTERVIEW,
        title="i",
        reliability="B",
        credibility="2",
        created_by=world.caseworker,
    )
    for k in range(7):
        p = Person.objects.create(family_name=f"Synthetic{k}", created_by=world.caseworker)
        StatusEvent.objects.create(
            person=p,
            kind=StatusKind.JOINED_FORCES,
            date=PartialDate.parse("2024-01-01"),
            source=src,
            recorded_by=world.caseworker,
        )
    big, small = report.claims.order_by("id")
    actions.confirm_claim(actor=world.analyst, claim=big)
    actions.confirm_claim(actor=world.analyst, claim=small, low=62, high=None)
    assert Entry.objects.filter(action="claims.confirmed").count() == 2
    from homeward.claims import selectors

    text = selectors.gap_text(big, selectors.register_figure(big))
    assert "claimed ≥ 1,001 by sources in Russian security structures (RU) via Test Wire" in text
    assert "register: 7 persons recorded as joined" in text
    assert "7 sourced, of them 7 graded B2 or better" in text
    (group,) = selectors.populations()
    assert group["conflicting"] and len(group["claims"]) == 2


def test_small_register_counts_are_suppressed(world):
    claim = _report(world).claims.first()
    src = Source.objects.create(kind=SourceKind.INTERVIEW, title="i", created_by=world.caseworker)
    p = Person.objects.create(family_name="Synthetic", created_by=world.caseworker)
    StatusEvent.objects.create(
        person=p,
        kind=StatusKind.JOINED_FORCES,
        date=PartialDate.parse("2024-01-01"),
        source=src,
        recorded_by=world.caseworker,
    )
    from homeward.claims import selectors

    assert selectors.register_figure(claim).count is None
    assert "register: < 5" in selectors.register_figure(claim).text()


def test_a_rejected_claim_cannot_be_confirmed(world):
    claim = _report(world).claims.first()
    actions.reject_claim(actor=world.analyst, claim=claim, note="misread")
    with pytest.raises(Exception, match="rejected"):
        actions.confirm_claim(actor=world.analyst, claim=claim)


# --- API ----------------------------------------------------------------------------------------
def test_the_api_adds_a_report_and_confirms_a_claim(client, world):
    client.force_login(world.analyst)
    r = client.post(
        "/api/v1/reports",
        {"text": TEXT, "outlet": "Wire", "language": "en"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    claim = r.json()["claims"][0]
    r = client.post(f"/api/v1/claims/{claim['uuid']}/confirm", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert r.json()["register_figure"].startswith("claimed ≥ 1,001")
    r = client.get("/api/v1/claims?status=confirmed")
    assert [c["uuid"] for c in r.json()] == [claim["uuid"]]
    r = client.post(
        f"/api/v1/claims/{r.json()[0]['uuid']}/reject", {}, content_type="application/json"
    )
    assert r.status_code == 409


def test_the_api_refuses_an_impossible_interval_with_422(client, world):
    claim = _report(world).claims.first()
    client.force_login(world.mediator)
    r = client.post(
        f"/api/v1/claims/{claim.uuid}/confirm",
        {"low": 10, "high": 5},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error"]["detail"]["fields"]["high"]


@pytest.mark.parametrize("role", ["caseworker", "ua_officer", "auditor"])
def test_the_api_is_for_analysts_and_mediators_only(client, world, role):
    client.force_login(world.users()[role])
    assert client.get("/api/v1/reports").status_code == 403
    assert client.get("/api/v1/claims").status_code == 403


# --- pages and uploads --------------------------------------------------------------------------
def test_a_report_uploaded_as_html_is_read_as_text(client, world):
    client.force_login(world.analyst)
    html = f"<html><head><script>var x=1;</script></head><body><p>{TEXT}</p></body></html>"
    upload = SimpleUploadedFile("r.html", html.encode(), content_type="text/html")
    r = client.post("/claims/reports/", {"outlet": "Wire", "language": "en", "file": upload})
    assert r.status_code == 302
    report = Report.objects.get()
    assert "var x" not in report.text and report.claims.count() == 2


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("r.txt", b"\x00\x01\x02binary", "not text"),
        ("r.pdf", b"%PDF-1.4\n%%EOF", "PDF"),
        ("r.exe", b"MZ....", "Only .txt"),
    ],
)
def test_a_file_without_text_is_refused_and_nothing_written(client, world, name, data, message):
    client.force_login(world.analyst)
    upload = SimpleUploadedFile(name, data)
    r = client.post("/claims/reports/", {"outlet": "Wire", "language": "en", "file": upload})
    assert r.status_code == 422 and message in r.content.decode()
    assert Report.objects.count() == 0 and Source.objects.count() == 0


def test_a_pdf_with_no_text_layer_is_refused(client, world):
    from io import BytesIO

    from pypdf import PdfWriter

    buf = BytesIO()
    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.write(buf)
    client.force_login(world.analyst)
    upload = SimpleUploadedFile("scan.pdf", buf.getvalue())
    r = client.post("/claims/reports/", {"outlet": "Wire", "language": "en", "file": upload})
    assert r.status_code == 422 and "no text layer" in r.content.decode()
    assert Report.objects.count() == 0


def test_a_50_mb_upload_is_refused_before_it_is_read(client, world, monkeypatch):
    client.force_login(world.analyst)

    class Big(SimpleUploadedFile):
        def read(self, *args):
            pytest.fail("read a too large upload")

    upload = Big("big.txt", b"a" * 10)
    upload.size = 50 * 1024 * 1024  # the size the server was told; the body is never read
    from homeward.claims import views

    rf = __import__("django.test", fromlist=["RequestFactory"]).RequestFactory()
    request = rf.post("/claims/reports/", {"outlet": "Wire", "language": "en"})
    request.FILES["file"] = upload
    request.user = world.analyst
    request._dont_enforce_csrf_checks = True
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.session = client.session
    request._messages = FallbackStorage(request)
    r = views.reports(request)
    assert r.status_code == 422 and b"too large" in r.content
    assert Report.objects.count() == 0


def test_the_figures_page_shows_counts_beside_claims_and_no_names(client, world):
    report = _report(world)
    for c in report.claims.all():
        actions.confirm_claim(actor=world.analyst, claim=c)
    Person.objects.create(family_name="Synthname", created_by=world.caseworker)
    client.force_login(world.analyst)
    page = client.get("/claims/").content.decode()
    assert "≥ 1,001" in page and "≥ 62" in page and "register:" in page
    assert "Synthname" not in page
    key = Claim.objects.first().population_key
    assert client.get(f"/claims/populations/{key}/").status_code == 200
    assert client.get("/claims/populations/nothing.-.-/").status_code == 404
    client.force_login(world.caseworker)
    assert client.get("/claims/").status_code == 403


# --- the command --------------------------------------------------------------------------------
def test_the_command_prints_one_json_object_keyed_by_file_stem(tmp_path, capsys):
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    files = sorted(str(p) for p in fixtures.glob("*.txt"))
    call_command("claims", "extract", *files, "--json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {Path(f).stem for f in files}
    for claims in out.values():
        for c in claims:
            assert {"counts", "low", "high", "kind", "claimant", "side", "quote"} <= set(c)
            assert c["kind"] in ("count", "share")
    assert out["sample-kyivpost"][0]["low"] == 22


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "Over 100 POWs are held.\x00", "outlet": "W"},
        {"text": TEXT, "outlet": "W\x00"},
        {"text": TEXT, "outlet": "W", "language": "de"},
        {"text": TEXT, "outlet": "W", "url": "javascript:alert(1)"},
        {"text": TEXT, "outlet": "W", "published_on": "2999-01-01"},
        {"text": TEXT, "outlet": "W", "reliability": "Z"},
    ],
)
def test_the_api_refuses_bad_reports_with_422_and_writes_nothing(client, world, payload):
    client.force_login(world.analyst)
    r = client.post("/api/v1/reports", payload, content_type="application/json")
    assert r.status_code == 422, r.content
    assert Report.objects.count() == 0


def test_odd_population_keys_are_unknown(client, world):
    client.force_login(world.analyst)
    # a control character is refused before any lookup, as everywhere in the API (lib/text.py)
    assert client.get("/api/v1/claims", {"population": "held.\x00.-"}).status_code == 422
    assert client.get("/api/v1/claims", {"population": "held.nobody.-"}).json() == []
    r = client.post(
        f"/api/v1/claims/{_report(world).claims.first().uuid}/confirm",
        {"claimant": "a\x00b"},
        content_type="application/json",
    )
    assert r.status_code == 422


@pytest.mark.parametrize(
    "low,expected", [("1,000", 1000), ("0,7", 0.7), ("1 200", 1200), ("62", 62)]
)
def test_bounds_typed_with_separators_are_read_as_written(world, low, expected):
    claim = _report(world).claims.first()
    kind = "share" if expected < 1 else "count"
    claim = actions.confirm_claim(actor=world.analyst, claim=claim, low=low, high="", kind=kind)
    assert claim.low == expected and claim.high is None


def test_the_command_reports_an_unreadable_file_and_reads_the_others(tmp_path, capsys):
    good = tmp_path / "good.text.md"
    good.write_text("Over 100 POWs are held in Ukraine.")
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes("Понад 100 полонених утримує Україна.".encode("utf-16"))
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02")
    call_command("claims", "extract", str(good), str(utf16), str(bad), "--json")
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert [c["low"] for c in out["good.text"]] == [101]
    assert [c["low"] for c in out["wide"]] == [101]
    assert out["bad"] == [] and "bad.bin" in captured.err
    with pytest.raises(CommandError):
        call_command("claims", "extract", str(bad), "--json")


def test_figures_of_different_months_are_a_timeline_not_a_conflict(world):
    from homeward.claims import selectors

    a = actions.add_report(
        actor=world.analyst,
        text="On August 7, 22 Ukrainian soldiers were returned home in an exchange.",
        outlet="A",
        published_on=dt.date(2023, 8, 8),
    )
    b = actions.add_report(
        actor=world.analyst,
        text="On November 3, 84 Ukrainian soldiers were returned home in an exchange.",
        outlet="B",
        published_on=dt.date(2023, 11, 4),
    )
    for c in [*a.claims.all(), *b.claims.all()]:
        actions.confirm_claim(actor=world.analyst, claim=c)
    (group,) = selectors.populations()
    assert len(group["claims"]) == 2 and not group["conflicting"]


def test_a_50_mb_body_is_refused_on_its_declared_length_before_parsing(client, world):
    client.force_login(world.analyst)
    from django.test.client import MULTIPART_CONTENT

    r = client.post(
        "/claims/reports/",
        {"outlet": "W", "text": TEXT},
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert r.status_code == 413 and "larger than 5 MB" in r.content.decode()
    assert Report.objects.count() == 0


def test_the_api_confirms_with_a_corrected_bound_and_keeps_the_other(client, world):
    claim = _report(world).claims.first()
    client.force_login(world.analyst)
    r = client.post(
        f"/api/v1/claims/{claim.uuid}/confirm", {"high": 5000}, content_type="application/json"
    )
    assert r.status_code == 200 and (r.json()["low"], r.json()["high"]) == (1001, 5000)
