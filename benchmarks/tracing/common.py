"""What the tracing benchmarks share: a fresh database, the parties and users, synthetic
inquiries as Inquiry rows, the machine they ran on, and RESULTS.md.

Every person here is synthetic (homeward.synth.lists).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None, *, fresh: bool = True) -> None:
    """Django on a temporary SQLite file (or `database_url`, flushed when `fresh`), migrated."""
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif "HOMEWARD_VAR" not in os.environ:
        os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bench-tracing-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    if not fresh:
        return
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def world():
    """Two state parties, an intermediary, a caseworker and a family liaison."""
    from homeward.accounts.models import Party, PartyKind, Role, User

    ua, _ = Party.objects.get_or_create(code="UA", defaults={"name": "Ukraine", "kind": "state"})
    ru, _ = Party.objects.get_or_create(
        code="RU", defaults={"name": "Russian Federation", "kind": PartyKind.STATE}
    )
    ni, _ = Party.objects.get_or_create(
        code="NI", defaults={"name": "Neutral Intermediary", "kind": PartyKind.INTERMEDIARY}
    )
    caseworker = User.objects.filter(username="bench_caseworker").first() or (
        User.objects.create_user(
            username="bench_caseworker", password="x", role=Role.CASEWORKER, party=ni
        )
    )
    liaison = User.objects.filter(username="bench_liaison").first() or (
        User.objects.create_user(
            username="bench_liaison", password="x", role=Role.FAMILY_LIAISON, party=ni
        )
    )
    return ua, ru, caseworker, liaison


def partial_date(text: str):
    from homeward.lib.dates import PartialDate
    from homeward.linkage.dates import BadDate, parse_birth_date

    try:
        d = parse_birth_date(text)
    except BadDate:
        return None
    if d.year is None:
        return None
    return PartialDate(d.year, d.month, d.day if d.month else None)


def create_inquiries(rows: list[dict], liaison, *, batch: int = 5000) -> list[int]:
    """Open inquiries from generator rows (the family's spelling as written); returns their ids
    in the rows' order."""
    from homeward.tracing.models import Inquiry

    ids: list[int] = []
    for start in range(0, len(rows), batch):
        objs = [
            Inquiry(
                family_name=(r.get("family_name") or "")[:200],
                given_name=(r.get("given_name") or "")[:200],
                patronymic=(r.get("patronymic") or "")[:200],
                full_name=(r.get("full_name") or "")[:400],
                birth_date=partial_date(r.get("birth_date") or ""),
                birth_place=(r.get("birth_place") or "")[:200],
                sex=r.get("sex") if r.get("sex") in ("M", "F") else "U",
                requester_name="Synthetic requester",
                created_by=liaison,
            )
            for r in rows[start : start + batch]
        ]
        Inquiry.objects.bulk_create(objs)
        ids.extend(o.pk for o in objs)
    return ids


def person_list_csv(rows: list[dict]) -> bytes:
    """Generator register rows as a DESIGN §7 person list."""
    import csv
    import io

    cols = [
        "id",
        "family_name",
        "given_name",
        "patronymic",
        "full_name",
        "sex",
        "birth_date",
        "birth_place",
    ]
    present = [c for c in cols if any(r.get(c) for r in rows[:1000]) or c == "id"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(present)
    for r in rows:
        w.writerow([r.get(c, "") for c in present])
    return buf.getvalue().encode()


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def machine() -> str:
    cpu, cores = platform.processor() or "unknown CPU", 0
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            cores += 1
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return (
        f"{cpu}, {cores or os.cpu_count()} cores, {mem_kib / 2**20:.0f} GiB RAM, "
        f"Python {platform.python_version()}; shared with other engineers' builds and "
        "test runs while measured"
    )


def append_results(text: str) -> None:
    path = HERE / "RESULTS.md"
    if not path.exists():
        path.write_text("# Tracing benchmark results\n\nNewest last; see README.md.\n")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" + text.rstrip() + "\n")


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
