from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.lib.errors import DomainError
from homeward.registry.exporting import FORMATS, export_persons
from homeward.registry.selectors import PersonFilter

from ._actor import command_actor


class Command(BaseCommand):
    help = "Exports persons within the acting user's scope as CSV or XLSX. The export is recorded."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "-o", "--output", help="file to write (default: standard output, CSV only)"
        )
        parser.add_argument("--user", help="acting user (default: the console account)")
        for name in (
            "q",
            "status",
            "detaining-party",
            "category",
            "nationality",
            "born-from",
            "born-to",
            "captured-from",
            "captured-to",
            "sort",
        ):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args, **opts):
        params = {
            k: opts[k]
            for k in (
                "q",
                "status",
                "detaining_party",
                "category",
                "nationality",
                "born_from",
                "born_to",
                "captured_from",
                "captured_to",
                "sort",
            )
        }
        try:
            flt = PersonFilter.from_params(params)
            data, rows = export_persons(
                actor=command_actor(opts["user"]), flt=flt, fmt=opts["format"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.detail or ''}") from None
        if opts["output"]:
            Path(opts["output"]).write_bytes(data)
            self.stderr.write(f"{rows} persons written to {opts['output']}")
        elif opts["format"] == "xlsx":
            raise CommandError("XLSX needs --output FILE")
        else:
            sys.stdout.buffer.write(data)
