"""The dashboard's figures through the pages: who sees what, and the differencing attacks."""

import csv
import io

import pytest

from homeward.lib.dates import PartialDate
from homeward.registry import actions
from homeward.registry.models import Nationality, StatusKind
from homeward.registry.tests.factories import notified
from homeward.stats.models import Snapshot


def _held(world, n, *, by=None, prefix="Коваль"):
    return [notified(world, by=by, family_name=f"{prefix}{i}") for i in range(n)]


def _csv(client, name, query=""):
    response = client.get(f"/dashboard/{name}.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def _cell(rows, row, col):
    header = rows[0]
    return next(r for r in rows if r[0] == row)[header.index(col)]


def test_an_analyst_cannot_recover_a_small_cell_from_its_row_and_column_totals(client, world):
    _held(world, 12)  # held by RU
    _held(world, 9, by=world.ua_officer, prefix="Иванов")  # held by UA
    died = _held(world, 2, prefix="Мельник")
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    for person in died:
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind=StatusKind.DIED,
            date=PartialDate(2025, 3, 1),
            source=source,
        )
    client.force_login(world.analyst)
    rows = _csv(client, "status")
    assert _cell(rows, "died", "RU") == "<5"
    # Row total, column total, and the other cells of each: none of the subtractions is possible.
    row = next(r for r in rows if r[0] == "died")
    assert row.count("<5") >= 2
    col = [r[rows[0].index("RU")] for r in rows[1:]]
    assert col.count("<5") >= 2
    client.force_login(world.caseworker)
    assert _cell(_csv(client, "status"), "died", "RU") == "2"


def test_two_overlapping_filters_do_not_give_a_small_cell_away(client, world):
    _held(world, 12)
    foreign = _held(world, 3, prefix="Smith")
    for person in foreign:
        Nationality.objects.create(person=person, country="GB")
    client.force_login(world.analyst)
    everyone = _cell(_csv(client, "status", "party=RU"), "notified", "RU")
    soldiers = _cell(_csv(client, "status", "party=RU&category=soldier"), "notified", "RU")
    civilians = _cell(_csv(client, "status", "party=RU&category=civilian"), "notified", "RU")
    foreigners = _cell(_csv(client, "status", "party=RU&category=foreign"), "notified", "RU")
    assert foreigners == "<5"
    assert "<5" in (everyone, soldiers, civilians)


def test_yesterdays_and_todays_figures_are_the_same_snapshot(client, world, settings):
    _held(world, 12)
    client.force_login(world.analyst)
    before = client.get("/dashboard/status.csv").content
    # The default year's search froze the snapshots it looked at; the write freezes none.
    frozen = list(Snapshot.objects.values_list("pk", "as_of", "year").order_by("pk"))
    # A death recorded today, and one backdated into the published month: neither shows in the
    # figures already published, so comparing the two readings reveals nothing.
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    person = notified(world, family_name="Шевченко")
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind=StatusKind.DIED,
        date=PartialDate(2025, 2, 1),
        source=source,
    )
    after = client.get("/dashboard/status.csv").content
    assert before == after
    assert list(Snapshot.objects.values_list("pk", "as_of", "year").order_by("pk")) == frozen


def test_the_dashboard_keeps_its_filters_in_the_links(client, world):
    _held(world, 6)
    client.force_login(world.analyst)
    page = client.get("/dashboard/?party=RU&category=soldier&year=2025").content.decode()
    assert "party=RU&amp;category=soldier&amp;from=2025-01&amp;to=2025-12" in page
    assert 'value="RU" selected' in page
    svg = client.get("/dashboard/flows.svg?party=RU&year=2025")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")


def test_unknown_filters_and_charts_are_harmless(client, world):
    client.force_login(world.analyst)
    assert client.get("/dashboard/?party=%00&category=x&year=99999").status_code == 200
    assert client.get("/dashboard/nope.csv").status_code == 404
    assert client.get("/dashboard/status.gif").status_code == 404


def test_the_charts_speak_ukrainian_and_russian(client, world):
    _held(world, 6)
    client.force_login(world.analyst)
    uk = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Час у полоні" in uk and "Завантажити SVG" in uk
    ru = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Время в плену" in ru


def test_a_caseworkers_figures_follow_every_write(client, world):
    _held(world, 6)
    client.force_login(world.caseworker)
    assert _cell(_csv(client, "status"), "notified", "RU") == "6"
    notified(world, family_name="Гончаренко")
    assert _cell(_csv(client, "status"), "notified", "RU") == "7"
    assert _cell(_csv(client, "status"), "notified", "RU") == "7"


def test_the_exchange_timeline_counts_each_side_and_the_wounded_outside_the_count(client, world):
    # Rows written directly: the negotiation workflow is the exchanges app's own test subject.
    import datetime as dt

    from homeward.exchanges.models import Exchange, Handover, Negotiation

    negotiation = Negotiation.objects.create(
        title="Round 1", party_a=world.ua, party_b=world.ru, created_by=world.mediator
    )
    exchange = Exchange.objects.create(
        negotiation=negotiation,
        date=dt.date(2025, 6, 1),
        place="Border",
        transit_country="BY",
        state="completed",
        created_by=world.mediator,
    )
    for person in _held(world, 8, prefix="Р"):
        Handover.objects.create(
            exchange=exchange,
            person=person,
            from_party=world.ru,
            outcome="handed_over",
            recorded_by=world.caseworker,
        )
    wounded = _held(world, 8, by=world.ua_officer, prefix="У")
    for i, person in enumerate(wounded):
        person.wounded = i < 2
        person.save(update_fields=["wounded"])
        Handover.objects.create(
            exchange=exchange,
            person=person,
            from_party=world.ua,
            outcome="handed_over",
            recorded_by=world.caseworker,
        )
    client.force_login(world.caseworker)
    rows = _csv(client, "exchanges", "year=2025")
    assert rows[0] == ["", "RU", "UA", "total"]
    assert rows[1] == ["2025-06-01 BY", "8", "8", "16"]
    assert _cell(_csv(client, "exchanges_wounded", "year=2025"), "2025-06-01 BY", "UA") == "2"
    client.force_login(world.analyst)
    assert _cell(_csv(client, "exchanges", "year=2025"), "2025-06-01 BY", "UA") == "8"
    assert _cell(_csv(client, "exchanges_wounded", "year=2025"), "2025-06-01 BY", "UA") == "<5"


def _png_size(body: bytes) -> tuple[int, int]:
    import struct

    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def test_each_chart_exports_as_a_png_of_its_svg_with_the_same_suppression(client, world):
    import zlib

    from homeward.stats.charts import CHARTS, svg_size

    _held(world, 12)
    _held(world, 2, by=world.ua_officer, prefix="Іваненко")
    client.force_login(world.analyst)
    for name in CHARTS:
        svg = client.get(f"/dashboard/{name}.svg?year=2025").content.decode()
        png = client.get(f"/dashboard/{name}.png?year=2025")
        assert png["Content-Type"] == "image/png"
        assert 'filename="' in png["Content-Disposition"] and ".png" in png["Content-Disposition"]
        width, height = svg_size(svg)
        assert _png_size(png.content) == (2 * width, 2 * height)
        # A whole PNG: every chunk's CRC checks out and it ends with IEND.
        body, pos = png.content, 8
        while pos < len(body):
            length = int.from_bytes(body[pos : pos + 4], "big")
            kind, data = body[pos + 4 : pos + 8], body[pos + 8 : pos + 8 + length]
            assert int.from_bytes(body[pos + 8 + length : pos + 12 + length], "big") == (
                zlib.crc32(kind + data)
            )
            pos += 12 + length
        assert kind == b"IEND"
    # The hidden cells are drawn as in the SVG (the grey stub), so the PNG differs from a chart
    # with the true counts: the caseworker's status chart has other bytes.
    svg = client.get("/dashboard/status.svg").content.decode()
    assert 'class="suppressed"' in svg
    analyst_png = client.get("/dashboard/status.png").content
    client.force_login(world.caseworker)
    assert 'class="suppressed"' not in client.get("/dashboard/status.svg").content.decode()
    assert client.get("/dashboard/status.png").content != analyst_png


def test_a_tall_chart_is_rendered_within_the_pixel_bound_and_kept(monkeypatch):
    from homeward.stats import charts

    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    chart = charts.Chart(
        name="flows",
        title="Flows",
        rows=months,
        series=["captured", "exchanged", "released", "died"],
        values=[[40, 12, 7, None] for _ in months],
        totals=[60 for _ in months],
    )
    width, height = charts.svg_size(charts.to_svg(chart, 5))
    assert 4 * width * height > charts.PNG_PIXELS  # twice its size would exceed the bound
    png = charts.to_png(chart, 5)
    w, h = _png_size(png)
    assert w * h <= charts.PNG_PIXELS * 1.01 and w >= width and h >= height
    assert abs(w / h - width / height) < 0.01
    import resvg_py

    monkeypatch.setattr(resvg_py, "svg_to_bytes", lambda **kw: pytest.fail("rendered again"))
    assert charts.to_png(chart, 5) == png  # the same SVG: the kept picture


def _flows_rows(rows):
    return {r[0]: r[1:] for r in rows[1:]}


def test_the_period_is_a_range_of_months_kept_in_the_links_and_applied_to_the_charts(client, world):
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    for i, month in enumerate([1, 3, 3, 7]):
        person = notified(world, family_name=f"Місяць{i}", notified_on=PartialDate(2025, month, 10))
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind=StatusKind.RELEASED,
            date=PartialDate(2025, month, 20),
            source=source,
        )
    client.force_login(world.caseworker)
    page = client.get("/dashboard/?from=2025-02&to=2025-06&party=RU").content.decode()
    assert "party=RU&amp;from=2025-02&amp;to=2025-06" in page
    assert 'value="2025-02"' in page and 'value="2025-06"' in page
    flows = _flows_rows(_csv(client, "flows", "from=2025-02&to=2025-06"))
    assert list(flows) == ["2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert flows["2025-03"][-1] == "4"  # two captured, two released
    # The stock charts are as of the period's end: the person captured and released in July
    # (and registered only now) is not counted yet.
    status = _csv(client, "status", "from=2025-02&to=2025-06")
    assert [r[0] for r in status[1:]] == ["released"]
    assert _cell(status, "released", "total") == "3"
    assert _cell(_csv(client, "status", "from=2025-02&to=2025-07"), "released", "total") == "4"
    # A single month, a year, and nonsense (falls back to the current year).
    assert list(_flows_rows(_csv(client, "flows", "month=2025-07"))) == ["2025-07"]
    assert len(_flows_rows(_csv(client, "flows", "year=2024"))) == 12
    assert client.get("/dashboard/?from=2025-13&to=x").status_code == 200


def test_two_overlapping_periods_do_not_give_a_small_cell_away(client, world):
    # Analyst: January–June against January–July. Were each period suppressed on its own, the
    # difference of two period totals would be July's count, and a month hidden in one period but
    # shown in the other would be read off. The periods are slices of one protected year table:
    # the months they share show the same cells, and no sum over the months is published.
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    for i in range(14):
        month = 7 if i < 2 else 1 + i % 6
        person = notified(world, family_name=f"Період{i}", notified_on=PartialDate(2025, month, 10))
        if i % 3 == 0:
            actions.record_status_event(
                actor=world.caseworker,
                person=person,
                kind=StatusKind.DIED,
                date=PartialDate(2025, month, 20),
                source=source,
            )
    client.force_login(world.analyst)
    short = _flows_rows(_csv(client, "flows", "from=2025-01&to=2025-06"))
    long = _flows_rows(_csv(client, "flows", "from=2025-01&to=2025-07"))
    assert list(long) == [*short, "2025-07"]
    for month, cells in short.items():
        assert long[month] == cells
    assert "<5" in "".join(long["2025-07"])
    for name in ("flows", "exchanges", "status"):
        for rows in (
            _csv(client, name, "from=2025-01&to=2025-06"),
            _csv(client, name, "from=2025-01&to=2025-07"),
        ):
            assert "total" not in [r[0] for r in rows[1:]]
    # The analyst's period stays within one year's table: a range across two years is cut to
    # the end's year, so no sum over a table's edge is ever formed either.
    cut = _flows_rows(_csv(client, "flows", "from=2024-10&to=2025-02"))
    assert list(cut) == ["2025-01", "2025-02"]


def test_the_default_period_ends_with_the_registers_latest_data(client, world):
    # A register whose events end before this year (the demo's: 2023–2025) opens on charts that
    # show them: the caseworker sees the MAX_MONTHS months ending with the latest month holding
    # a flow, the analyst the whole of the latest year with data (one year's protected table).
    from homeward.stats.selectors import MAX_MONTHS

    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    for i in range(6):
        person = notified(world, family_name=f"Давно{i}", notified_on=PartialDate(2024, 5, 10))
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind=StatusKind.RELEASED,
            date=PartialDate(2025, 3, 20),
            source=source,
        )
    client.force_login(world.caseworker)
    flows = _flows_rows(_csv(client, "flows"))
    assert len(flows) == MAX_MONTHS and list(flows)[-1] == "2025-03"
    assert flows["2024-05"][-1] == "6" and flows["2025-03"][-1] == "6"
    page = client.get("/dashboard/").content.decode()
    assert 'value="2025-03"' in page
    # Nonsense falls back to the same default.
    assert _flows_rows(_csv(client, "flows", "from=2025-13&to=x")) == flows
    client.force_login(world.analyst)
    flows = _flows_rows(_csv(client, "flows"))
    assert list(flows) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert flows["2025-03"][-1] == "6"


def test_with_no_data_the_default_period_is_the_current_year(client, world):
    from django.utils import timezone

    year = timezone.now().date().year
    client.force_login(world.caseworker)
    assert list(_flows_rows(_csv(client, "flows"))) == [f"{year}-{m:02d}" for m in range(1, 13)]
