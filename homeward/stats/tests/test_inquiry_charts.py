"""The tracing desk's figures on the dashboard: inquiries filed and answered by month, the time
to answer and the time waited, live for a caseworker and frozen and suppressed for an analyst."""

import datetime as dt

from homeward.stats.models import Snapshot
from homeward.stats.selectors import safe_figures
from homeward.tracing.models import InquiryState
from homeward.tracing.tests.factories import bare_inquiry

from .test_dashboard_figures import _cell, _csv


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _inquiries(world):
    answered = InquiryState.ANSWERED
    # March: three filed; one answered in 3 days, one in 40 days (in April), one never.
    bare_inquiry(
        world,
        created_at=_at("2025-03-05 10:00"),
        answered_at=_at("2025-03-08 09:00"),
        state=answered,
    )
    bare_inquiry(
        world,
        created_at=_at("2025-03-05 11:00"),
        answered_at=_at("2025-04-14 12:00"),
        state=answered,
    )
    bare_inquiry(world, created_at=_at("2025-03-06 12:00"))
    # April: one still open, one closed without an answer (it waits for nothing).
    bare_inquiry(world, created_at=_at("2025-04-01 08:00"))
    bare_inquiry(
        world,
        created_at=_at("2025-04-02 08:00"),
        closed_at=_at("2025-04-03 08:00"),
        state=InquiryState.CLOSED,
    )


def test_a_caseworker_sees_inquiries_filed_and_answered_by_month(client, world):
    _inquiries(world)
    client.force_login(world.caseworker)
    rows = _csv(client, "inquiries", "from=2025-01&to=2025-12")
    assert [_cell(rows, "2025-03", c) for c in ("filed", "answered", "total")] == ["3", "1", "4"]
    assert [_cell(rows, "2025-04", c) for c in ("filed", "answered")] == ["2", "1"]
    assert _cell(rows, "2025-05", "filed") == "0"
    # As of the end of 2025: answered within a week and within 1–3 months; two still waiting
    # for over three months; the closed one waits for nothing.
    rows = _csv(client, "answer_time", "from=2025-01&to=2025-12")
    assert _cell(rows, "lt1w", "answered") == "1"
    assert _cell(rows, "1-3m", "answered") == "1"
    assert _cell(rows, "gt3m", "waiting") == "2"
    assert sum(int(_cell(rows, w, "waiting")) for w in ("lt1w", "1-4w", "1-3m", "gt3m")) == 2
    # As of the end of March: the one answered in April was still waiting then.
    rows = _csv(client, "answer_time", "from=2025-03&to=2025-03")
    assert sum(int(_cell(rows, w, "answered")) for w in ("lt1w", "1-4w", "1-3m", "gt3m")) == 1
    assert _cell(rows, "1-4w", "waiting") == "2"


def test_an_analyst_sees_small_inquiry_counts_suppressed(client, world):
    _inquiries(world)
    client.force_login(world.analyst)
    rows = _csv(client, "inquiries", "year=2025")
    assert _cell(rows, "2025-03", "filed") == "<5"
    assert _cell(rows, "2025-04", "answered") == "<5"
    page = client.get("/dashboard/?year=2025", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Запити родин" in page


def test_a_snapshot_frozen_before_the_inquiry_charts_gets_them_and_keeps_its_figures(client, world):
    _inquiries(world)
    safe_figures(year=2025)
    snap = Snapshot.objects.get(year=2025)
    for name in ("inquiries", "answer_time"):
        del snap.data[name]
    snap.save()
    status = snap.data["status"]
    client.force_login(world.analyst)
    rows = _csv(client, "inquiries", "year=2025")
    assert _cell(rows, "2025-03", "filed") == "<5"
    snap.refresh_from_db()
    assert {"inquiries", "answer_time"} <= snap.data.keys()
    assert snap.data["status"] == status


def test_the_figures_follow_an_inquiry_filed_answered_or_closed_after_a_first_read(client, world):
    from django.utils import timezone

    from homeward.tracing.models import Inquiry

    _inquiries(world)
    client.force_login(world.caseworker)
    period = "from=2025-01&to=2026-12"

    def waiting_and_answered():
        rows = _csv(client, "answer_time", period)
        buckets = ("lt1w", "1-4w", "1-3m", "gt3m")
        return (
            sum(int(_cell(rows, w, "waiting")) for w in buckets),
            sum(int(_cell(rows, w, "answered")) for w in buckets),
        )

    assert waiting_and_answered() == (2, 2)  # kept now
    waiting = Inquiry.objects.filter(answered_at__isnull=True, closed_at__isnull=True)
    first, second = waiting.order_by("pk")
    Inquiry.objects.filter(pk=first.pk).update(answered_at=timezone.now(), state="answered")
    assert waiting_and_answered() == (1, 3)
    Inquiry.objects.filter(pk=second.pk).update(closed_at=timezone.now(), state="closed")
    assert waiting_and_answered() == (0, 3)
    bare_inquiry(world, created_at=timezone.now())
    assert waiting_and_answered() == (1, 3)
