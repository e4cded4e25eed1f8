"""The demo gains a negotiation with ≥5 versions and one completed exchange with refusals."""

import random

from homeward.exchanges.models import (
    ChangeKind,
    Exchange,
    Handover,
    ListVersion,
    Negotiation,
    Reason,
    VersionChange,
)
from homeward.registry.models import StatusKind
from homeward.registry.selectors import current_status
from homeward.synth.scenario import build


def test_the_demo_scenario(db):
    build(size=40, rng=random.Random(5), log=lambda _: None)
    n = Negotiation.objects.get()
    assert ListVersion.objects.filter(exchange_list__negotiation=n).count() >= 5 + 2
    removals = VersionChange.objects.filter(kind=ChangeKind.REMOVED)
    assert removals.filter(reason=Reason.SUBSTITUTED_BY, substituted_by__isnull=False).count() == 2
    assert removals.exclude(reason=Reason.SUBSTITUTED_BY).count() >= 3
    ex = Exchange.objects.get()
    assert ex.state == "completed"
    refusals = Handover.objects.filter(outcome="refused_verified")
    assert refusals.count() == 2 and all(h.interviewed_by for h in refusals)
    assert ex.counts["lines"] == ex.counts["listed"] == ex.handovers.count()
    gone = Handover.objects.filter(outcome="handed_over").first()
    assert current_status(gone.person) == StatusKind.EXCHANGED
