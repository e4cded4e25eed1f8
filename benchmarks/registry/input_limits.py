"""Bounded work for every input (issue 14): peak memory (RSS) and time of reading a person list.

    .venv/bin/python benchmarks/registry/input_limits.py [--out DIR] [--code ROOT] [--timeout 300]

Writes the synthetic files into DIR (default: a temporary directory), then runs each case in a
fresh child process and reports its peak resident set size (ru_maxrss) and wall time:

- csv-50mb      a 50 MB CSV of synthetic persons (~390,000 rows): checked (dry run), as the
                import does before writing
- xlsx-large    an XLSX of 100,000 synthetic persons (the largest accepted): checked
- xlsx-1m       an XLSX of 1,000,000 rows (the issue's 310 KB file of short rows): checked
- xlsx-bomb     a ~5 KB XLSX declaring A1:XFD1048576 with one cell in its last row: checked
- import-100k   a CSV of 100,000 persons (the largest accepted) imported for real into a fresh
                SQLite database (the whole path: read, validate, write, ledger)

`--code ROOT` runs the cases against another checkout (e.g. the commit before the change, made
with `git archive <commit> homeward | tar -x -C ROOT`) for the before/after comparison. A case
that runs past --timeout seconds is killed and reported as such. Every person is synthetic.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAMILY = [
    "Петренко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Шевченко",
    "Мельник",
    "Іванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильєв",
    "Соколов",
    "Михайлов",
    "Новиков",
]
GIVEN = ["Олександр", "Сергій", "Андрій", "Дмитро", "Іван", "Михайло", "Алексей", "Николай"]
PATRONYMIC = ["Іванович", "Петрович", "Сергійович", "Андреевич", "Николаевич", ""]
HEADER = [
    "id",
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "rank",
    "unit",
    "category",
    "captured_on",
    "capture_place",
]


def person_rows(n: int, seed: int = 14):
    rnd = random.Random(seed)
    for i in range(n):
        yield [
            f"S{i}",
            rnd.choice(FAMILY),
            rnd.choice(GIVEN),
            rnd.choice(PATRONYMIC),
            "M",
            f"{rnd.randint(1965, 2004)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            rnd.choice(["солдат", "сержант", "лейтенант", ""]),
            f"в/ч {rnd.randint(1000, 9999)}",
            "military",
            f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            rnd.choice(["Покровськ", "Бахмут", "Авдіївка", "Курахове"]),
        ]


def write_csv(path: Path, *, rows: int | None = None, size: int | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for row in person_rows(rows or 10**9):
            w.writerow(row)
            if size is not None and f.tell() >= size:
                break


def write_xlsx(path: Path, rows: int, *, short: bool = False) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    if short:
        sheet.append(["id", "family_name"])
        for i in range(rows):
            sheet.append([i, "Х"])
    else:
        sheet.append(HEADER)
        for row in person_rows(rows):
            sheet.append(row)
    book.save(path)


def write_bomb(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "family_name"])
    book.active.append(["A1", "Петренко"])
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension")
                text = (
                    text[:start]
                    + '<dimension ref="A1:XFD1048576"/>'
                    + text[text.index("/>", start) + 2 :]
                )
                text = text.replace(
                    "</sheetData>",
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    "</row></sheetData>",
                )
                data = text.encode()
            dst.writestr(info, data)


# --- child ---------------------------------------------------------------------------------------


def child(case: str, path: str) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    if case == "import-100k":
        os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bench-")
    import django

    django.setup()
    from homeward.accounts.models import Party, PartyKind, Role, User
    from homeward.registry.importing import import_person_list

    content = Path(path).read_bytes()
    started = time.monotonic()
    if case == "import-100k":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        party = Party.objects.create(code="RU", name="Party B", kind=PartyKind.STATE)
        actor = User.objects.create(username="bench", role=Role.CASEWORKER)
        started = time.monotonic()
        result = import_person_list(
            actor=actor,
            content=content,
            file_name=Path(path).name,
            source_kind="list",
            party=party,
        )
    else:
        party = Party(pk=1, code="RU", name="Party B", kind=PartyKind.STATE)
        actor = User(pk=1, username="bench", role=Role.CASEWORKER)
        result = import_person_list(
            actor=actor,
            content=content,
            file_name=Path(path).name,
            source_kind="list",
            party=party,
            dry_run=True,
        )
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = result.errors[0]["message"][:120] if result.errors else ""
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_mb": round(peak_mb),
                "rows": result.rows,
                "created": result.created,
                "ok": result.ok,
                "error": first,
            }
        )
    )


# --- parent --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=None)
    parser.add_argument("--code", default=str(ROOT))
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--cases", default="csv-50mb,xlsx-large,xlsx-1m,xlsx-bomb,import-100k")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "PATH"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    out = Path(args.out or tempfile.mkdtemp(prefix="hw-limits-"))
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "csv-50mb": out / "persons-50mb.csv",
        "xlsx-large": out / "persons-100k.xlsx",
        "xlsx-1m": out / "rows-1m.xlsx",
        "xlsx-bomb": out / "bomb.xlsx",
        "import-100k": out / "persons-100k.csv",
    }
    makers = {
        "csv-50mb": lambda p: write_csv(p, size=50_000_000),
        "xlsx-large": lambda p: write_xlsx(p, 100_000),
        "xlsx-1m": lambda p: write_xlsx(p, 1_000_000, short=True),
        "xlsx-bomb": write_bomb,
        "import-100k": lambda p: write_csv(p, rows=100_000),
    }
    print(f"code: {args.code}")
    print("| case | file | seconds | peak RSS MB | outcome |")
    print("|---|---:|---:|---:|---|")
    for case in args.cases.split(","):
        path = files[case]
        if not path.exists():
            makers[case](path)
        env = {**os.environ, "PYTHONPATH": args.code}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case, str(path)]
        try:
            done = subprocess.run(
                cmd, env=env, cwd=args.code, capture_output=True, text=True, timeout=args.timeout
            )
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
            if not lines:
                outcome = f"crashed: {done.stderr.strip().splitlines()[-1][:100]}"
                seconds = peak = "—"
            else:
                r = json.loads(lines[-1])
                seconds, peak = r["seconds"], r["peak_mb"]
                if r["created"]:
                    outcome = f"imported {r['created']:,} persons"
                elif r["ok"]:
                    outcome = f"{r['rows']:,} rows valid"
                else:
                    outcome = f"refused: {r['error']}"
        except subprocess.TimeoutExpired:
            seconds, peak, outcome = f"> {args.timeout:g}", "—", "killed at the timeout"
        size = path.stat().st_size
        size_text = f"{size / 1e6:.1f} MB" if size > 1e6 else f"{size / 1e3:.1f} KB"
        print(f"| {case} | {size_text} | {seconds} | {peak} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
