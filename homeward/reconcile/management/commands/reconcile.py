"""homeward reconcile FILE --published-by CODE: a published list reconciled with the register."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.lib.errors import Conflict, DomainError
from homeward.reconcile import actions
from homeward.reconcile.export import export_report
from homeward.reconcile.models import PublishedList, RunStatus
from homeward.reconcile.runs import carry_out
from homeward.reconcile.selectors import changes_since_previous, report
from homeward.registry.management.commands._actor import command_actor


class Command(BaseCommand):
    help = (
        "Reconciles a published person list (CSV or XLSX, DESIGN §7) with the register: keeps it "
        "as a source, matches every row and prints the figures. The same file again re-runs "
        "the existing list and prints what changed since the last run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--published-by", required=True, help="code of the publishing party")
        parser.add_argument("--title", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--published-on", default="", help="YYYY, YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--user", help="acting user (default: the console account)")
        parser.add_argument("-o", "--output", help="write the report here (.csv or .xlsx)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = command_actor(opts["user"])
        start = time.monotonic()

        def say(message: str) -> None:
            if opts["verbosity"]:
                self.stderr.write(f"[{time.monotonic() - start:6.1f}s] {message}")

        say(f"reading {path.name}…")
        try:
            try:
                plist = actions.upload_published_list(
                    actor=actor,
                    content=path.read_bytes(),
                    file_name=path.name,
                    published_by=opts["published_by"],
                    title=opts["title"],
                    url=opts["url"],
                    published_on=opts["published_on"] or None,
                )
            except Conflict as exc:
                if exc.code != "already_uploaded":
                    raise
                plist = PublishedList.objects.get(uuid=exc.detail["published_list"])
                say(f"this file was uploaded already as {plist.uuid}; reconciling it again")
            run = actions.start_reconciliation(actor=actor, published_list=plist, enqueue=False)
        except DomainError as exc:
            lines = exc.detail.get("lines") or exc.detail.get("fields") or {}
            detail = "; ".join(f"{k}: {v}" for k, v in list(lines.items())[:20])
            raise CommandError(f"{exc.message} {detail}".strip()) from None
        run = carry_out(run, echo=say)
        if run.status != RunStatus.DONE:
            raise CommandError(f"the run failed: {run.error.get('message')}")
        r = report(actor, run)
        out = self.stdout
        out.write(f"list {plist.uuid} · run {run.uuid}")
        out.write(f"of {r.total:,} names:")
        for f in r.figures:
            out.write(f"  {f.value:>7,} {f.label}")
            for p in f.parts:
                out.write(f"  {'':>7} {p.value:>7,} {p.label}")
        changes = changes_since_previous(actor, run)
        if changes is not None:
            out.write(f"since the previous run: {len(changes):,} rows changed")
            for c in changes[:50]:
                out.write(
                    f"  line {c.line}: {c.before} → {c.after}; status {c.status_before} → "
                    f"{c.status_after}"
                )
        if opts["output"]:
            fmt = "xlsx" if opts["output"].lower().endswith(".xlsx") else "csv"
            content, _type, _name = export_report(actor, run, fmt)
            Path(opts["output"]).write_bytes(content)
            say(f"wrote {opts['output']}")
