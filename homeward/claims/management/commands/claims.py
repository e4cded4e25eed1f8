"""homeward claims extract FILE... [--json] [--year YYYY]

Reads each report (.txt, .html or .pdf) and prints the claims the extractor proposes. With
--json: ONE JSON object keyed by each file's name without extension, each a list of claims with
the fields counts, low, high, kind, claimant, side, quote (and held_by, of_party, category,
refers_to, figure). Reads files only; writes nothing to the database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.claims.extract import extract
from homeward.claims.text import MAX_BYTES, NotText, file_text


class Command(BaseCommand):
    help = "Claims read from published reports: `extract` proposes them from files."
    requires_system_checks: list[str] = []  # reads files only; no database, no checks

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        e = sub.add_parser("extract", help="print the claims proposed from report files")
        e.add_argument("files", nargs="+")
        e.add_argument("--json", action="store_true", help="one JSON object keyed by file stem")
        e.add_argument("--year", type=int, help="year for dates written without one")

    def handle(self, *args, verb, **opts):
        out: dict[str, list[dict]] = {}
        failed: list[str] = []
        for name in opts["files"]:
            path = Path(name)
            try:
                if path.stat().st_size > MAX_BYTES:
                    raise NotText(f"larger than {MAX_BYTES // 2**20} MB")
                text = file_text(path.name, path.read_bytes(), any_extension=True)
            except (OSError, NotText) as exc:
                # One unreadable file does not cost the others their claims: it is reported,
                # keyed with no claims, and the command fails only if no file could be read.
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.stderr.write(f"{name}: {reason}")
                failed.append(name)
                out[path.stem] = []
                continue
            year = opts.get("year")
            if year is None:  # a year in the file name ("…-2024-08-14.txt") completes dates
                m = re.search(r"(?:19|20)\d\d", path.stem)
                year = int(m.group(0)) if m else None
            claims = [c.as_dict() for c in extract(text, year=year)]
            for c in claims:
                c.pop("start", None)
            out[path.stem] = claims
        if failed and len(failed) == len(opts["files"]):
            raise CommandError("no file could be read")
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for stem, claims in out.items():
            self.stdout.write(f"{stem}: {len(claims)} claim(s)")
            for c in claims:
                hi = "open" if c["high"] is None else c["high"]
                lo = "open" if c["low"] is None else c["low"]
                self.stdout.write(
                    f"  {c['counts']:<21} {lo}–{hi} {c['kind']:<5} "
                    f"{c['claimant'] or '—'} ({c['side'] or '—'})"
                )
