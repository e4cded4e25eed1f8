"""homeward plan NEGOTIATION [--size N | --all-for-all] [--balance category,rank] [--as USER]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.models import User
from homeward.exchanges.models import Negotiation, PlanStage, PlanStatus
from homeward.exchanges.planner import BALANCE_ATTRIBUTES, plan
from homeward.exchanges.runs import run_plan
from homeward.lib.errors import DomainError


class Command(BaseCommand):
    help = (
        "Proposes both sides' lists for a negotiation (its UUID or title) from the persons each "
        "side holds; prints each side's count, what is left undone and, with --explain, why each "
        "person is in or out. With --as USER the run is kept and written to the ledger. Runs in "
        "this process, with its progress on stderr (the page queues runs for the worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("negotiation", help="UUID or exact title")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--size", type=int, help="N for an N-for-N exchange")
        group.add_argument("--all-for-all", action="store_true")
        parser.add_argument(
            "--balance",
            default="",
            help="Comma-separated attributes to balance: " + ", ".join(BALANCE_ATTRIBUTES),
        )
        parser.add_argument("--explain", action="store_true", help="Print every person's why")
        parser.add_argument("--json", action="store_true", help="Print the whole plan as JSON")
        parser.add_argument("--as", dest="username", help="Keep the run as this user's")

    def handle(self, *args, **opts):
        key = opts["negotiation"]
        negotiation = (
            Negotiation.objects.filter(uuid=key).first()
            if len(key) == 36
            else Negotiation.objects.filter(title=key).first()
        )
        if negotiation is None:
            raise CommandError(f"No negotiation {key!r}.")
        balance = [b.strip() for b in opts["balance"].split(",") if b.strip()]
        labels = dict(PlanStage.choices)

        def progress(stage: str, percent: int) -> None:
            self.stderr.write(f"{percent:3d} %  {labels.get(stage, stage)}")

        try:
            if opts["username"]:
                user = User.objects.filter(username=opts["username"]).first()
                if user is None:
                    raise CommandError(f"No user {opts['username']!r}.")
                run = run_plan(
                    actor=user,
                    negotiation=negotiation,
                    size=opts["size"],
                    all_for_all=opts["all_for_all"],
                    balance=balance,
                    progress=progress,
                )
                if run.status != PlanStatus.DONE:
                    raise CommandError(f"{run.error.get('message')} {run.error.get('fields')}")
                result = run.result
                self.stderr.write(f"100 %  kept as plan {run.uuid}")
            else:
                result = plan(
                    negotiation,
                    size=opts["size"],
                    all_for_all=opts["all_for_all"],
                    balance=balance,
                    progress=progress,
                ).as_json(lines=opts["explain"] or opts["json"])
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.detail}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{negotiation.title}: count {result['count']} for {result['count']}")
        for code, side in result["sides"].items():
            self.stdout.write(
                f"  {code} gives {side['gives']} ({side['wounded_or_sick']} wounded or sick "
                f"outside the count, {side['in_count']} in the count) of {side['pool']} held; "
                f"{side['refused_verified']} verified refusals never listed"
            )
        for attr, values in result["balance"].items():
            self.stdout.write(
                f"  {attr}: " + ", ".join(f"{v} {n[0]}:{n[1]}" for v, n in values.items())
            )
        if result["solver"].get("used"):
            s = result["solver"]
            self.stdout.write(
                f"  solver: {s['engine']} {s['status']}, {s['groups']} groups, {s['seconds']} s"
            )
        for line in result["undone"]:
            self.stdout.write(f"  undone: {line}")
        if opts["explain"]:
            for code, side in result["sides"].items():
                for line in side["lines"]:
                    mark = "IN " if line["in"] else "out"
                    self.stdout.write(f"{code} {mark} {line['person']}: {'; '.join(line['why'])}")
