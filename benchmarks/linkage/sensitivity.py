"""How the benchmark's figures move with the generator's judgement shares, one at a time.

    .venv/bin/python benchmarks/linkage/sensitivity.py [--register 100000 --inquiries 10000]
        [--seed 2026] [--full-names] [--systems homeward,splink] [--variants a,b,…]

The generator's shares are judgements (README.md, "What the generator writes"). Each variant
here changes some of them in this process only, writes the lists to
data/sensitivity-<size>-<layout>-<seed>/<variant>/ and runs run.py on them (--data, nothing
appended to RESULTS.md). It prints one table: per variant, precision / recall / F1 of each
system. The Splink baseline's F1 is what the issue owner's first trial gives a figure for
(about 0.87 with split names, 0.76 with full names), so the table shows which share moves it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parents[1]))

import run  # noqa: E402

from homeward.synth import lists as synthetic  # noqa: E402

_ASKING = ("family_uk", "family_ru", "ngo")  # the inquiries a family or an NGO writes


def _dates(full: float, year: float, year_month: float, missing: float) -> dict[str, float]:
    return {"full": full, "year": year, "year_month": year_month, "missing": missing}


def _with_dates(base: str, dates: dict[str, float]) -> None:
    styles = synthetic.PROFILES[base]
    for name in _ASKING:
        synthetic.STYLES[name] = replace(styles[name], dates=dates)


def _sparse() -> None:
    synthetic.STYLES.update(synthetic.PROFILES["sparse_dates"])


def _fewer_negatives() -> None:
    _sparse()
    synthetic.REGISTER_GROUPS.update(
        single=0.98, brothers=0.01, twins=0.001, father_son=0.004, namesakes=0.005
    )
    synthetic.NOT_HELD.update(
        unrelated=0.8, brother=0.08, father_or_son=0.05, twin=0.02, namesake=0.05
    )


def _fewer_typos() -> None:
    _sparse()
    for name, style in list(synthetic.STYLES.items()):
        synthetic.STYLES[name] = replace(style, p_typo=tuple(p / 2 for p in style.p_typo))


VARIANTS = {
    "sparse_dates": ("sparse dates (50–55% full, 30% year, 5% year-month, 10–15% none)", _sparse),
    "sparse_fewer_negatives": (
        "sparse dates; register pairs of relatives and namesakes 1/4–1/7, unfound relatives 20%",
        _fewer_negatives,
    ),
    "sparse_fewer_typos": ("sparse dates; every typo share halved", _fewer_typos),
    "dates70": ("70% full, 18% year, 4% year-month, 8% none", lambda: _with_dates(
        "default", _dates(0.70, 0.18, 0.04, 0.08))),
    "dates80": ("80% full, 12% year, 3% year-month, 5% none", lambda: _with_dates(
        "default", _dates(0.80, 0.12, 0.03, 0.05))),
    "default": ("the default: 90% full, 6% year, 2% year-month, 2% none", lambda: None),
}  # fmt: skip


def lists(args: argparse.Namespace, variant: str) -> Path:
    """The variant's lists, generated in a child process with the variant's shares."""
    layout = "full" if args.full_names else "split"
    base = f"sensitivity-{args.register}x{args.inquiries}-{layout}-{args.seed}"
    directory = HERE / "data" / base / variant
    if not (directory / "truth.csv").exists():
        subprocess.run(
            [sys.executable, __file__, "--generate", variant, str(directory), str(args.register),
             str(args.inquiries), str(args.seed), layout],
            check=True,
        )  # fmt: skip
    return directory


def _generate(variant: str, directory: str, register: str, inquiries: str, seed: str, layout: str):
    VARIANTS[variant][1]()
    data = synthetic.generate(
        int(register), int(inquiries), seed=int(seed), full_names=layout == "full"
    )
    synthetic.write(data, directory)
    (Path(directory) / "generator.txt").write_text(run.fingerprint() + "\n")


_ROW = re.compile(r"^\| (\w+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        _generate(*sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--register", type=int, default=100_000)
    ap.add_argument("--inquiries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--full-names", action="store_true")
    ap.add_argument("--systems", default="homeward,splink")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    systems = args.systems.split(",")
    rows = []
    for variant in args.variants.split(","):
        directory = lists(args, variant)
        cmd = [sys.executable, str(HERE / "run.py"), "--data", str(directory), "--no-append"]
        cmd += ["--systems", args.systems] + (["--full-names"] if args.full_names else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        found = {m[1]: m.groups()[1:] for line in out.splitlines() if (m := _ROW.match(line))}
        rows.append((VARIANTS[variant][0], [found.get(s, ("–",) * 3) for s in systems]))
        print(f"  {variant}: done", file=sys.stderr)
    layout = "full" if args.full_names else "split"
    print(
        f"### Sensitivity, {args.register:,} register × {args.inquiries:,} inquiries, "
        f"{layout} names, seed {args.seed}\n"
    )
    print(
        "| family and NGO inquiries' dates; other shares | "
        + " | ".join(f"{s} precision / recall / F1" for s in systems)
        + " |"
    )
    print("|---|" + "---|" * len(systems))
    for label, figures in rows:
        print(f"| {label} | " + " | ".join(" / ".join(f) for f in figures) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
