"""Demo data for claims (issue 19): the two sample reports, as short excerpts with their origin,
added by the demo analyst, with every claim the extractor proposes confirmed.

    build_claims(analyst=User(role=analyst), log=print) -> {"reports": 2, "confirmed": N}

Needs: the parties UA and RU (for claimants' sides) and a user with the analyst (or mediator)
role. Makes: two Reports (each a registry Source of kind media, graded), their claims confirmed,
each write with its ledger entry. Idempotent: a report already present (same SHA-256) is skipped.
The claims page then shows each figure beside what the synthetic register holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from homeward.accounts.models import User
from homeward.claims import actions
from homeward.claims.models import ClaimStatus, Report

# Short quoted excerpts (the sentences with figures), not whole articles.
SAMPLES: list[dict] = [
    {
        "title": "Foreign citizens in captivity; the 14 August exchange (excerpt)",
        "outlet": "Страна.ua (via a reprint)",
        "url": "",
        "published_on": dt.date(2024, 8, 15),
        "language": "en",
        "reliability": "C",
        "credibility": "3",
        "text": (
            "More than 100 citizens from 32 countries, excluding Russia, are currently being "
            "held captive in Ukraine.\n"
            "This is according to the Ukrainian intelligence service’s press office, as "
            "reported by the website ‘Страна.ua’.\n"
            "Moscow and Kyiv conducted another prisoner exchange on August 14.\n"
            "Russia returned 84 soldiers from Ukraine’s territory, handing over as many soldiers "
            "to Ukraine.\n"
            "[Excerpt for research on the figures it states.]"
        ),
    },
    {
        "title": "EXPLAINED: Why Russia Doesn't Want Its POWs Back (excerpt)",
        "outlet": "Kyiv Post",
        "url": "https://www.kyivpost.com/",
        "published_on": dt.date(2023, 11, 28),
        "language": "en",
        "reliability": "B",
        "credibility": "3",
        "text": (
            "For nearly four months now, there have been no prisoner swaps between Ukraine and "
            "Russia, the last one taking place on August 7 during which 22 Ukrainian soldiers "
            "were returned home.\n"
            "But since then, thousands of Ukrainian POWs have been languishing in Russian "
            "captivity, while rising rates of desertions mean the number of Russian POWs in "
            "Ukrainian captivity continues to increase.\n"
            "[Excerpt for research on the figures it states.]"
        ),
    },
]


def build_claims(*, analyst: User, log: Callable[[str], None] = print) -> dict[str, int]:
    """Adds the sample reports and confirms their claims; returns what it made."""
    made = {"reports": 0, "confirmed": 0}
    for sample in SAMPLES:
        digest = hashlib.sha256(str(sample["text"]).strip().encode()).hexdigest()
        if Report.objects.filter(sha256=digest).exists():
            continue
        report = actions.add_report(actor=analyst, **sample)
        made["reports"] += 1
        for claim in report.claims.filter(status=ClaimStatus.PROPOSED):
            actions.confirm_claim(actor=analyst, claim=claim)
            made["confirmed"] += 1
    log(f"claims: {made['reports']} report(s), {made['confirmed']} claim(s) confirmed")
    return made
