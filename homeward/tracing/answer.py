"""What the family may be told, and nothing more (GC III Art. 122–123).

A detaining power informs the prisoner's home power, through the information bureau and the
Central Tracing Agency, of the capture, transfers, releases, repatriations, escapes, admissions
to hospital and deaths, so that the next of kin can be told quickly (Art. 122), and prisoners
may write to their families (Art. 70–71). The answer letter therefore tells:

  held by which party, and since when (the latest detention and its capture date);
  the last status the register derives and its date;
  health, where recorded (hospitalised, wounded);
  how to write: through the intermediary, quoting the inquiry's reference.

It never tells: other persons (no list, no co-detainee), internal notes of any party, places of
internment or capture (a detaining party may keep these from the public; the register has no
per-field "may be told" mark yet, so the letter leaves every place out rather than guess), who
reported what, or the register's matching reasons.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from homeward.registry.models import StatusEvent, StatusKind
from homeward.registry.selectors import current_detention


@dataclass
class AnswerFacts:
    held_by: str = ""  # party name
    held_by_code: str = ""
    since: str = ""  # the capture date, as known (YYYY, YYYY-MM or YYYY-MM-DD)
    status: str = ""  # a StatusKind value
    status_date: str = ""
    hospitalised_on: str = ""
    wounded: bool = False

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AnswerFacts:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def status_label(self) -> str:
        return str(StatusKind(self.status).label) if self.status else ""


def answer_facts(person) -> AnswerFacts:
    """The facts of one registered person a family may be told."""
    facts = AnswerFacts(wounded=bool(person.wounded))
    detention = current_detention(person)
    if detention is not None:
        facts.held_by = detention.detaining_party.name
        facts.held_by_code = detention.detaining_party.code
        facts.since = str(detention.captured_on or "")
    ids = [person.pk, *person.merged_from.values_list("pk", flat=True)]
    events = StatusEvent.objects.filter(person_id__in=ids, superseded_by__isnull=True).order_by(
        "date", "recorded_at", "id"
    )
    latest = None
    for event in events:
        latest = event
        if event.kind == StatusKind.HOSPITALISED:
            facts.hospitalised_on = str(event.date)
    if latest is not None:
        facts.status = latest.kind
        facts.status_date = str(latest.date)
    return facts
