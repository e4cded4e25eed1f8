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

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        e = sub.add_parser("extract", help="print the claims proposed from report files")
        e.add_argument("files", nargs="+")
        e.add_argument("--json", action="store_true", help="one JSON object keyed by file stem")
        e.add_argument("--year", type=int, help="year for dates written without one")

    def handle(self, *args, verb, **opts):
        out: dict[str, list[dict]] = {}
        for name in opts["files"]:
            path = Path(name)
            try:
                if path.stat().st_size > MAX_BYTES:
                    raise CommandError(f"{name}: larger than {MAX_BYTES // 2**20} MB")
                text = file_text(path.name, path.read_bytes())
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror or exc}") from exc
            except NotText as exc:
                raise CommandError(f"{name}: {exc}") from exc
            year = opts.get("year")
            if year is None:  # a year in the file name ("…-2024-08-14.txt") completes dates
                m = re.search(r"(?:19|20)\d\d", path.stem)
                year = int(m.group(0)) if m else None
            claims = [c.as_dict() for c in extract(text, year=year)]
            for c in claims:
                c.pop("start", None)
            out[path.stem] = claims
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
