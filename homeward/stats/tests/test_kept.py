"""The caseworker's counts kept in the database (kept.py): moved by any process's refresh, never
read once a refresh has passed them by, bounded in number."""

import datetime as dt

from homeward.accounts.models import Role, User
from homeward.lib.dates import PartialDate
from homeward.registry import actions
from homeward.registry.models import StatusKind
from homeward.registry.tests.factories import notified
from homeward.stats import facts, kept, selectors
from homeward.stats.figures import month_range
from homeward.stats.models import KeptCounts, RefreshLock

from . import reference


def _full_counts(monkeypatch):
    """Records each count over every person (pids None), the 1.7 s path at 200,000."""
    calls = []
    real = kept.counts

    def spy(*, as_of, months, pids=None):
        if pids is None:
            calls.append((as_of, months[0], months[-1]))
        return real(as_of=as_of, months=months, pids=pids)

    monkeypatch.setattr(kept, "counts", spy)
    return calls


def _caseworker():
    return User.objects.filter(role=Role.CASEWORKER).first()


def _matches_reference(shown):
    expected = reference.compute(as_of=shown["as_of"], months=month_range(*shown["period"]))
    for name, cube in expected.items():
        assert shown["cubes"][name].values == cube.values, name


def test_another_process_refresh_moves_the_kept_counts(world, monkeypatch):
    people = [notified(world, family_name=f"Облік{i}") for i in range(4)]
    calls = _full_counts(monkeypatch)
    first = selectors.figures_for(_caseworker())
    assert len(calls) == 1  # counted once, then kept
    assert KeptCounts.objects.filter(is_default=True).count() == 1

    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    actions.record_status_event(
        actor=world.caseworker,
        person=people[2],
        kind=StatusKind.DIED,
        # Within the default period (which ends with the register's latest month with data).
        date=PartialDate.parse(first["period"][1] + "-20"),
        source=source,
    )
    # The worker, or the analyst's snapshot, refreshes the facts: not the caseworker's page.
    assert facts.refresh() == 1
    shown = selectors.figures_for(_caseworker())
    assert len(calls) == 1  # read from the moved counts, not counted afresh
    assert shown["cubes"]["status"].values != first["cubes"]["status"].values
    _matches_reference(shown)


def test_counts_a_refresh_passed_by_are_not_read(world, monkeypatch):
    notified(world, family_name="Облік")
    calls = _full_counts(monkeypatch)
    selectors.figures_for(_caseworker())
    # A refresh that did not move the row (as if it had started before the row was kept).
    RefreshLock.objects.filter(pk=1).update(runs=RefreshLock.objects.get(pk=1).runs + 1)
    selectors.figures_for(_caseworker())
    assert len(calls) == 2


def test_kept_counts_are_bounded_and_keep_the_default_period(world, monkeypatch):
    notified(world, family_name="Облік")
    selectors.figures_for(_caseworker())
    for year in (2021, 2022, 2023, 2024, 2025):
        selectors.figures_for(_caseworker(), first=f"{year}-01", last=f"{year}-12")
    assert KeptCounts.objects.count() == kept.MAX_KEPT
    assert KeptCounts.objects.filter(is_default=True).count() == 1
    keys = set(KeptCounts.objects.values_list("key", flat=True))
    assert kept.key_of(dt.date(2025, 12, 31), "2025-01", "2025-12") in keys
    assert kept.key_of(dt.date(2021, 12, 31), "2021-01", "2021-12") not in keys


def test_a_refresh_of_everyone_drops_the_kept_counts(world):
    notified(world, family_name="Облік")
    selectors.figures_for(_caseworker())
    assert KeptCounts.objects.exists()
    facts.DirtyPerson.objects.create(person_id=None)
    assert facts.refresh() == -1
    assert not KeptCounts.objects.exists()
