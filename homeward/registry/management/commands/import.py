from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from homeward.accounts.models import Party
from homeward.lib import personlist
from homeward.lib.errors import DomainError
from homeward.registry.importing import import_person_list
from homeward.registry.models import SourceKind
from homeward.worker.failures import log_failure, summary

from ._actor import command_actor

log = logging.getLogger("homeward.import")


class Command(BaseCommand):
    help = "Imports a person list (CSV or XLSX, DESIGN §7): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source-kind", default=SourceKind.LIST, choices=SourceKind.values)
        parser.add_argument(
            "--party", required=True, help="code of the party that published the list"
        )
        parser.add_argument(
            "--detaining-party", help="code of the party holding the persons (default: --party)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, import nothing"
        )
        parser.add_argument("--user", help="acting user (default: the console account)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:  # the same limits as the page and the API, the size before reading the file
            personlist.check_size(path.stat().st_size, personlist.LIMITS)
        except personlist.PersonListError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from None
        party = Party.objects.filter(code=opts["party"].upper()).first()
        if party is None:
            raise CommandError(f"no party with code {opts['party']!r}")
        detaining = None
        if opts["detaining_party"]:
            detaining = Party.objects.filter(code=opts["detaining_party"].upper()).first()
            if detaining is None:
                raise CommandError(f"no party with code {opts['detaining_party']!r}")
        actor = command_actor(opts["user"])
        bar = tqdm(total=0, unit="rows", desc="checking", disable=opts["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = import_person_list(
                actor=actor,
                content=path.read_bytes(),
                file_name=path.name,
                source_kind=opts["source_kind"],
                party=party,
                detaining_party=detaining,
                dry_run=opts["dry_run"],
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.detail or ''}") from None
        except Exception as exc:
            # Whatever it is (a value the database refuses, a file broken in a way the reader
            # did not expect), the import wrote nothing: say so, without a traceback.
            log_failure(log, "import of", path.name, exc)
            raise CommandError(
                f"{path.name}: the import failed ({summary(exc)}); nothing was imported"
            ) from None
        finally:
            bar.close()
        if not result.ok:
            for e in result.errors:
                where = f"line {e['line']}" if e["line"] else "file"
                self.stderr.write(f"{path.name}: {where}: {e['field']}: {e['message']}")
            if result.error_count > len(result.errors):
                self.stderr.write(f"… and {result.error_count - len(result.errors)} more")
            raise CommandError(f"{result.error_count} problem(s); nothing was imported")
        if result.dry_run:
            self.stdout.write(f"{result.rows} rows are valid; nothing imported (--dry-run)")
        else:
            self.stdout.write(
                f"imported {result.created} persons from {path.name} (source {result.source.uuid})"
            )
