"""The dashboard's charts in a real browser: an analyst and a caseworker see the same charts (the
analyst also the claims beside the register), suppression markers only for the analyst; a
screenshot of each chart for each."""

import datetime as dt
import os
import random
from pathlib import Path

import pytest

from homeward.conftest import login
from homeward.stats.charts import CHARTS
from homeward.synth.claims import build_claims
from homeward.synth.stats import build_stats
from homeward.tracing.tests.factories import bare_inquiry
from homeward.web.tests.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every chart of the cubes; the claims beside the register's counts for the analyst, who reads
# claims (a caseworker does not).
NAMES = {"analyst": [*CHARTS, "claims"], "caseworker": list(CHARTS)}


@pytest.fixture
def figures(world):
    build_stats(
        caseworker=world.caseworker,
        ua_officer=world.ua_officer,
        ru_officer=world.ru_officer,
        rng=random.Random(20),
        size=25,
    )
    # The claims chart (the sample reports' claims, long labels) and the inquiry charts.
    build_claims(analyst=world.analyst, log=lambda _: None)
    for day in range(1, 29, 3):
        filed = dt.datetime(2025, 5, day, 9, tzinfo=dt.UTC)
        bare_inquiry(world, created_at=filed, answered_at=filed + dt.timedelta(days=day))


def test_analyst_and_caseworker_see_the_same_charts_suppressed_only_for_the_analyst(
    page, live_server, world, figures, tmp_path
):
    shots = Path(os.environ.get("HOMEWARD_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    seen = {}
    for username in ("analyst", "caseworker"):
        page.context.clear_cookies()
        login(page, live_server, username)
        page.goto(f"{live_server.url}/dashboard/?year=2025")
        sections = page.locator("section.chart")
        seen[username] = [sections.nth(i).get_attribute("id") for i in range(sections.count())]
        for name in NAMES[username]:
            chart = page.locator(f"#chart-{name}")
            chart.screenshot(path=str(shots / f"{username}-{name}.png"))
        markers = page.locator("section.chart .suppressed").count()
        if username == "analyst":
            assert markers > 0
            assert page.locator("#chart-status svg .suppressed").count() > 0
        else:
            assert markers == 0
        assert_accessible(page)
    for username, names in NAMES.items():
        assert seen[username] == [f"chart-{n}" for n in names]
    assert len(list(shots.glob("*.png"))) == sum(len(names) for names in NAMES.values())
