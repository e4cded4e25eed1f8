"""The demo's published list: a few hundred names a party put on a website, reconciled.

`build_reconcile(...)` needs a register that already holds persons detained by `publisher`
(the demo's register and, for the exchange figures, its negotiation) and makes:

- two second records of persons already registered (the same man notified twice by two clerks),
  so that the list has rows with two equal candidates: *possible*, for a caseworker's review;
- a published list by `publisher` of `size` rows (CSV in cp1251 with a single ФИО column and
  day-first dates, as such sites publish): about three in four name persons the register holds
  (in capitals, surname first, some in Latin), one in ten nobody it holds (invented by the
  synthetic generator), a few names listed twice;
- one reconciliation run of it, carried out in-process, with every outcome present: matched,
  possible, unknown, duplicate.

Every person here is synthetic. Returns a one-line summary.
"""

from __future__ import annotations

import random

from homeward.accounts.models import Party, User
from homeward.reconcile import actions
from homeward.reconcile.runs import carry_out
from homeward.registry.actions import notify_capture
from homeward.registry.models import Person
from homeward.registry.selectors import held_by
from homeward.synth import lists as synthetic


def _written(p: Person, rng: random.Random) -> str:
    name = " ".join(x for x in (p.family_name.upper(), p.given_name, p.patronymic) if x)
    if rng.random() < 0.25:
        name = synthetic.romanise(name, "national2010")
    return name


def _dmy(date) -> str:
    if date is None:
        return ""
    text = str(date)
    if len(text) == 10:
        y, m, d = text.split("-")
        return f"{d}.{m}.{y}"
    return text[:4]


def build_reconcile(
    *,
    caseworker: User,
    publisher: Party,
    rng: random.Random,
    size: int = 300,
    title: str = "Soldiers the other side refuses to take back (as published)",
) -> str:
    held = list(
        held_by(publisher.pk)
        .filter(birth_date__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[: size * 4]
    )
    if len(held) < 10:
        return "published list: skipped (the register holds too few persons of the publisher)"
    rng.shuffle(held)
    n_known = min(len(held) - 2, int(size * 0.75))
    known = list(Person.objects.filter(pk__in=held[:n_known]).order_by("pk"))
    rng.shuffle(known)
    # Two men the publisher's clerks notified twice: their rows get two equal candidates.
    twice = known[:2]
    for p in twice:
        notify_capture(
            actor=caseworker,
            detaining_party=publisher,
            fields={
                "family_name": p.family_name,
                "given_name": p.given_name,
                "patronymic": p.patronymic,
                "birth_date": str(p.birth_date),
                "sex": p.sex,
                "home_party_code": p.home_party.code if p.home_party else "",
            },
        )
    rows = [(_written(p, rng), _dmy(p.birth_date)) for p in known]
    n_unknown = max(3, size // 10)
    invented = synthetic.generate(0, n_unknown, seed=rng.randrange(10**6), full_names=True)
    rows += [(r["full_name"], r["birth_date"]) for r in invented.inquiries]
    rng.shuffle(rows)
    rows += [rows[i] for i in rng.sample(range(len(rows)), max(2, size // 50))]
    lines = ["ФИО;Дата рождения"] + [f"{name};{born}" for name, born in rows]
    content = ("\r\n".join(lines) + "\r\n").encode("cp1251", errors="replace")
    plist = actions.upload_published_list(
        actor=caseworker,
        content=content,
        file_name="published-list.csv",
        published_by=publisher.code,
        title=title,
        url="https://example.org/published-list",
    )
    run = actions.start_reconciliation(actor=caseworker, published_list=plist, enqueue=False)
    run = carry_out(run)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(run.counts.items()))
    return f"published list of {plist.rows} names reconciled: {counts}"
