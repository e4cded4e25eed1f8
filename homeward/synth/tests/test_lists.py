"""The synthetic lists really contain every variation the benchmark claims, in its proportions.

Each record carries the tags of the variations applied to it; these tests check both that each
tag occurs about as often as the constants in homeward/synth/lists.py say, and that a record so tagged
shows the variation in its text (a diminutive is a diminutive of the person's name, a swapped
date is the true date with day and month swapped, …), against the invented person behind it.
"""

import csv
import datetime as dt
import re
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from homeward.synth import lists as syn

N_REGISTER, N_INQUIRIES = 20_000, 10_000


@pytest.fixture(scope="module")
def data():
    return syn.generate(N_REGISTER, N_INQUIRIES, seed=7, keep_persons=True)


@pytest.fixture(scope="module")
def full():
    return syn.generate(4_000, 2_000, seed=8, full_names=True, keep_persons=True)


def tagged(data, tag, rows=None):
    rows = rows if rows is not None else data.register + data.inquiries
    return [r for r in rows if tag in data.variations[r["id"]].split()]


def share(data, rows, tag):
    return len(tagged(data, tag, rows)) / len(rows)


def tags_of(data, row):
    return set(data.variations[row["id"]].split())


def parse(text):
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007 a date, no zone
    return dt.date.fromisoformat(text)


# --------------------------------------------------------------------------- proportions
# (list, tag, expected share, tolerance); expected shares follow from the constants.
PROPORTIONS = [
    ("register", "style:ru_clerk", 0.65, 0.02),
    ("register", "style:uk_list", 0.20, 0.02),
    ("register", "style:latin_list", 0.15, 0.02),
    ("register", "case:upper", 0.65 * 0.8 + 0.15 * 0.3 + 0.2 * 0.3, 0.02),
    ("register", "patronymic:missing", 0.65 * 0.07 + 0.2 * 0.1 + 0.15 * 0.2, 0.015),
    ("register", "given:uk_in_ru_script", 0.05, 0.015),  # when it differs: Сергий, not Юрий
    ("register", "relation:brother", 2 * 0.04 / 1.095, 0.015),
    ("register", "relation:twin", 2 * 0.005 / 1.095, 0.005),
    ("register", "relation:father_son", 2 * 0.015 / 1.095, 0.01),
    ("register", "relation:namesake", 2 * 0.035 / 1.095, 0.015),
    ("register", "date:full", 0.88, 0.02),
    ("inquiries", "style:family_uk", 0.40, 0.02),
    ("inquiries", "style:family_ru", 0.10, 0.015),
    ("inquiries", "style:ngo", 0.30, 0.02),
    ("inquiries", "style:published", 0.20, 0.02),
    ("inquiries", "not_in_register", 0.12, 0.015),
    ("inquiries", "date:year", 0.8 * 0.06 + 0.2 * 0.08, 0.01),
    ("inquiries", "date:missing", 0.8 * 0.02 + 0.2 * 0.02, 0.006),
    ("inquiries", "patronymic:missing", 0.4 * 0.55 + 0.1 * 0.5 + 0.3 * 0.85 + 0.2 * 0.15, 0.02),
    ("inquiries", "given:informal_latin", 0.30 * 0.3 * 0.96, 0.015),
    ("inquiries", "system:national2010", 0.2 + 0.3 * 0.28, 0.02),
    ("inquiries", "origin:ca", 0.04, 0.01),
    ("inquiries", "origin:ru", 0.10, 0.015),
    ("inquiries", "sex:F", 0.07 * (1 - 0.12) * 0.9, 0.015),
]


@pytest.mark.parametrize(("side", "tag", "expected", "tolerance"), PROPORTIONS)
def test_each_variation_occurs_in_its_documented_proportion(data, side, tag, expected, tolerance):
    rows = data.register if side == "register" else data.inquiries
    assert share(data, rows, tag) == pytest.approx(expected, abs=tolerance)


def test_the_sparse_dates_profile_gives_a_third_of_family_and_ngo_inquiries_a_year_or_no_date():
    sparse = syn.generate(1_000, N_INQUIRIES, seed=7, profile="sparse_dates")
    rows = sparse.inquiries
    assert share(sparse, rows, "date:year") == pytest.approx(
        0.5 * 0.3 + 0.3 * 0.3 + 0.2 * 0.08, abs=0.02
    )
    assert share(sparse, rows, "date:missing") == pytest.approx(
        0.5 * 0.15 + 0.3 * 0.1 + 0.2 * 0.02, abs=0.015
    )


def test_every_romanisation_system_and_every_rarer_kind_occurs(data):
    seen = Counter(t for r in data.inquiries + data.register for t in tags_of(data, r))
    for system in syn.SYSTEMS:
        assert seen[f"system:{system}"] > 10, system
    for tag in (
        "system:native_latin",
        "given:diminutive",
        "given:ru_in_uk_script",
        "patronymic:native",
        "surname:feminine",
        "date:swapped",
        "date:day_off",
        "date:year_off",
        "date:year_month",
        "columns:swapped",
        "typo:family",
        "typo:given",
        "typo:patronymic",
        "case:surname_upper",
        "sought:brother",
        "sought:twin",
        "sought:father",
        "sought:son",
        "sought:namesake",
        "sought:unrelated",
        "place:given",
        "sex:missing",
    ):
        assert seen[tag] > 10, tag


# --------------------------------------------------------------------------- realisations


def yo(text):
    """Russian clerks write ё as е most of the time; so does the generator."""
    return text.lower().replace("ё", "е")


def check_diminutive(row, p, tags):
    g = p.given_name()
    assert yo(row["given_name"]) in {yo(x) for x in g.dim_uk + g.dim_ru + g.dim_latin}


def check_informal_latin(row, p, tags):
    assert row["given_name"] in p.given_name().latin


def check_ru_in_uk_script(row, p, tags):
    assert row["given_name"] == p.given_name().ru
    assert row["family_name"].lower() == p.surname_entry().uk[p.sex == "F"].lower()


def check_uk_in_ru_script(row, p, tags):
    g = p.given_name()
    assert row["given_name"].lower() == syn.uk_to_ru_letters(g.uk).lower()
    assert g.uk != g.ru and row["given_name"].lower() != g.ru.lower()


def check_russian_form(row, p, tags):
    expected = p.given_name().ru.lower().replace("ё", "е")
    assert row["given_name"].lower().replace("ё", "е") == expected


def check_ukrainian_form(row, p, tags):
    assert row["given_name"].lower() == p.given_name().uk.lower()


def check_patronymic_is_fathers_name(row, p, tags):
    f = p.father_name()
    forms = {f.patronymic_uk[p.sex == "F"], f.patronymic_ru[p.sex == "F"]}
    assert yo(row["patronymic"]) in {yo(x) for x in forms}


def check_native_patronymic(row, p, tags):
    cyrillic = ("угли", "кизи", "улы", "кызы", "уулу", "углі", "кізі", "ули", "кизи")
    words = {"o'g'li", "qizi", "uly", "qyzy", "uulu", "kyzy", *cyrillic}
    words |= {syn.romanise(w, system) for w in cyrillic for system in syn.SYSTEMS}
    words = {yo(w) for w in words}
    assert p.origin in syn.CA_NATIONS
    assert any(yo(row["patronymic"]).endswith(w) for w in words)
    f = p.father_name()
    names = {f.latin[0], f.ru, f.uk}
    names |= {syn.romanise(n, t[7:]) for n in (f.ru, f.uk) for t in tags if t[7:] in syn.SYSTEMS}
    assert any(yo(row["patronymic"]).startswith(yo(n)) for n in names)


def check_missing_patronymic(row, p, tags):
    assert row["patronymic"] == ""


def clean_family_name(p, tags):
    """The family name as the record's script or system writes it, before any slip."""
    s, female = p.surname_entry(), p.sex == "F"
    if "script:uk" in tags:
        return s.uk[female]
    if "script:ru" in tags:
        return s.ru[female]
    (system,) = [t.split(":")[1] for t in tags if t.startswith("system:")]
    if system == "native_latin":
        return s.latin[female]
    source = syn.SYSTEMS[system][0]
    return syn.romanise((s.uk if source == "uk" else s.ru)[female], system)


def check_feminine_surname(row, p, tags):
    s = p.surname_entry()
    assert p.sex == "F" and s.uk[1] != s.uk[0]
    assert yo(row["family_name"]) == yo(clean_family_name(p, tags))
    masculine = clean_family_name(syn.Person(**{**_fields(p), "sex": "M"}), tags)
    assert yo(row["family_name"]) != yo(masculine)


def _fields(p):
    return {name: getattr(p, name) for name in syn.Person.__slots__}


def check_upper(row, p, tags):
    assert row["family_name"].isupper() and row["given_name"].isupper()


def check_surname_upper(row, p, tags):
    assert row["family_name"].isupper() and not row["given_name"].isupper()


def check_swapped_columns(row, p, tags):
    # the family name's column holds the given name, as a form filled the wrong way round
    assert row["family_name"].lower().replace("ё", "е") != row["given_name"].lower()
    g = p.given_name()
    names = {g.uk, g.ru, *g.latin, *g.dim_uk, *g.dim_ru, *g.dim_latin}
    latin = {syn.romanise(n, s) for n in (g.uk, g.ru) for s in syn.SYSTEMS}
    assert row["family_name"].lower() in {n.lower() for n in names | latin}


def check_romanisation(row, p, tags):
    (system,) = [t.split(":")[1] for t in tags if t.startswith("system:")]
    assert row["family_name"].lower() == clean_family_name(p, tags).lower()
    assert not re.search("[А-Яа-яЁёІіЇїЄєҐґ]", row["family_name"] + row["given_name"])
    if system in ("national2010", "icao_ru", "passport2007_uk", "german_uk", "german_ru"):
        assert (row["family_name"] + row["given_name"] + row["patronymic"]).isascii()


def check_date_full(row, p, tags):
    assert parse(row["birth_date"]) == p.birth


def check_date_year(row, p, tags):
    assert row["birth_date"] == str(p.birth.year)


def check_date_year_month(row, p, tags):
    assert row["birth_date"] == f"{p.birth.year}-{p.birth.month:02d}"


def check_date_missing(row, p, tags):
    assert row["birth_date"] == ""


def check_date_swapped(row, p, tags):
    d = parse(row["birth_date"])
    assert (d.year, d.month, d.day) == (p.birth.year, p.birth.day, p.birth.month) and d != p.birth


def check_date_day_off(row, p, tags):
    assert abs((parse(row["birth_date"]) - p.birth).days) == 1


def check_date_year_off(row, p, tags):
    d = parse(row["birth_date"])
    assert abs(d.year - p.birth.year) == 1 and d.month == p.birth.month


def check_typo_in_family_name(row, p, tags):
    family, clean = yo(row["family_name"]), yo(clean_family_name(p, tags))
    assert family != clean and abs(len(family) - len(clean)) <= 1


# (tag, the check a record so tagged must pass, only records without these tags)
REALISATIONS = [
    ("given:diminutive", check_diminutive, {"typo:given", "columns:swapped"}),
    ("given:informal_latin", check_informal_latin, {"typo:given", "columns:swapped"}),
    ("given:ru_in_uk_script", check_ru_in_uk_script, {"typo:given", "typo:family", "columns:swapped"}),
    ("given:uk_in_ru_script", check_uk_in_ru_script, {"typo:given", "columns:swapped"}),
    ("given:ru", check_russian_form, {"typo:given", "columns:swapped", "script:latin"}),
    ("given:uk", check_ukrainian_form, {"typo:given", "columns:swapped", "script:latin"}),
    ("patronymic:uk", check_patronymic_is_fathers_name, {"typo:patronymic", "script:latin", "origin:ca"}),
    ("patronymic:ru", check_patronymic_is_fathers_name, {"typo:patronymic", "script:latin", "origin:ca"}),
    ("patronymic:native", check_native_patronymic, {"typo:patronymic"}),
    ("patronymic:missing", check_missing_patronymic, set()),
    ("surname:feminine", check_feminine_surname, {"typo:family", "columns:swapped", "origin:ca"}),
    ("case:upper", check_upper, {"columns:swapped"}),
    ("case:surname_upper", check_surname_upper, {"columns:swapped"}),
    ("columns:swapped", check_swapped_columns, {"typo:given", "typo:family"}),
    ("script:latin", check_romanisation, {"typo:family", "columns:swapped"}),
    ("date:full", check_date_full, set()),
    ("date:year", check_date_year, set()),
    ("date:year_month", check_date_year_month, set()),
    ("date:missing", check_date_missing, set()),
    ("date:swapped", check_date_swapped, set()),
    ("date:day_off", check_date_day_off, set()),
    ("date:year_off", check_date_year_off, set()),
    ("typo:family", check_typo_in_family_name, {"columns:swapped"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tag", "check", "unless"), REALISATIONS, ids=[t for t, _, _ in REALISATIONS]
)
def test_a_record_tagged_with_a_variation_shows_it(data, tag, check, unless):
    rows = [r for r in tagged(data, tag) if not tags_of(data, r) & unless]
    assert len(rows) >= 10
    for row in rows:
        check(row, data.persons[row["id"]], tags_of(data, row))


def test_the_register_mostly_reads_like_a_russian_clerks_list(data):
    first = data.register[:200]
    upper = sum(r["family_name"].isupper() and r["given_name"].isupper() for r in first)
    cyrillic = sum(bool(re.search("[А-Яа-я]", r["family_name"])) for r in first)
    dmy = sum(bool(re.fullmatch(r"\d\d\.\d\d\.\d{4}", r["birth_date"])) for r in first)
    assert upper > 100 and cyrillic > 150 and dmy > 140


# --------------------------------------------------------------------------- hard negatives


def _groups(data, key):
    out = defaultdict(list)
    for r in data.register:
        out[key(data.persons[r["id"]])].append(r["id"])
    return out


def test_twins_share_surname_father_and_birth_date_but_not_the_given_name(data):
    twins = tagged(data, "relation:twin", data.register)
    groups = _groups(data, lambda p: (p.origin, p.surname, p.father, p.birth))
    for r in twins:
        p = data.persons[r["id"]]
        others = [data.persons[i] for i in groups[(p.origin, p.surname, p.father, p.birth)]]
        assert any(o is not p and o.given != p.given for o in others)


def test_brothers_share_surname_and_patronymic_and_are_born_years_apart(data):
    groups = _groups(data, lambda p: (p.origin, p.surname, p.father))
    for r in tagged(data, "relation:brother", data.register):
        p = data.persons[r["id"]]
        others = [data.persons[i] for i in groups[(p.origin, p.surname, p.father)]]
        assert any(
            o is not p and o.given != p.given and 300 <= abs((o.birth - p.birth).days) <= 3700
            for o in others
        )


def test_a_sons_patronymic_is_his_fathers_given_name(data):
    by_surname = _groups(data, lambda p: (p.origin, p.surname))
    pairs = 0
    for r in tagged(data, "relation:father_son", data.register):
        p = data.persons[r["id"]]
        for i in by_surname[(p.origin, p.surname)]:
            o = data.persons[i]
            if o.father == p.given and 20 * 365 <= (o.birth - p.birth).days <= 34 * 365:
                pairs += 1
                break
    # every pair has one father; each father is found from his own record
    assert pairs >= len(tagged(data, "relation:father_son", data.register)) / 2


def test_namesakes_share_the_full_name_but_not_birth_date_or_place(data):
    groups = _groups(data, lambda p: (p.origin, p.surname, p.given, p.sex))
    for r in tagged(data, "relation:namesake", data.register):
        p = data.persons[r["id"]]
        others = [data.persons[i] for i in groups[(p.origin, p.surname, p.given, p.sex)]]
        assert any(o is not p and o.birth != p.birth and o.place != p.place for o in others)


def test_truth_points_at_the_same_person_and_the_unfound_are_not_held(data):
    held = {id(p) for rid, p in data.persons.items() if rid.startswith("R")}
    held_keys = {
        (p.origin, p.sex, p.given, p.father, p.surname, p.birth)
        for rid, p in data.persons.items()
        if rid.startswith("R")
    }
    for r in data.inquiries:
        p, rid = data.persons[r["id"]], data.truth[r["id"]]
        if rid is None:
            assert id(p) not in held
            assert (p.origin, p.sex, p.given, p.father, p.surname, p.birth) not in held_keys
        else:
            assert data.persons[rid] is p


def test_half_of_the_unfound_are_relatives_of_someone_held(data):
    unfound = tagged(data, "not_in_register", data.inquiries)
    related = [r for r in unfound if "sought:unrelated" not in tags_of(data, r)]
    assert len(related) / len(unfound) == pytest.approx(0.5, abs=0.06)


# --------------------------------------------------------------------------- Central Asia


def test_central_asian_patronymics_come_in_native_and_russian_forms(data):
    patronymics = [r["patronymic"] for r in tagged(data, "origin:ca") if r["patronymic"]]
    assert any(p.endswith("o'g'li") for p in patronymics)
    assert any(p.endswith("qizi") or p.endswith("кизи") or p.endswith("kyzy") for p in patronymics)
    assert any(p.lower().endswith("ович") for p in patronymics)
    assert any(p.lower().endswith("ovich") for p in patronymics)


# --------------------------------------------------------------------------- full names


def test_full_names_come_in_either_order(full):
    for row in full.register[:300] + full.inquiries[:300]:
        tags = tags_of(full, row)
        p = full.persons[row["id"]]
        words = row["full_name"].split()
        assert len(words) >= 2
        if {"typo:family", "typo:given"} & tags:
            continue
        forms = {yo(clean_family_name(p, tags))}
        first, last = yo(words[0]), yo(words[-1])
        if "order:surname_first" in tags:
            assert first in forms
        else:
            assert last in forms
    assert share(full, full.inquiries, "order:given_first") > 0.5
    assert share(full, full.register, "order:surname_first") > 0.7


# --------------------------------------------------------------------------- files and API


def test_the_files_follow_the_person_list_format(tmp_path, full):
    small = syn.generate(300, 100, seed=3)
    left, right, truth = syn.write(small, tmp_path / "split")
    with open(left, encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [
        "id",
        "family_name",
        "given_name",
        "patronymic",
        "sex",
        "birth_date",
        "birth_place",
    ]
    syn.write(full, tmp_path / "full")
    with open(tmp_path / "full" / "register.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "full_name", "sex", "birth_date", "birth_place"]
    date = re.compile(r"(\d{4}(-\d\d(-\d\d)?)?|\d\d\.\d\d\.\d{4})?")
    assert all(date.fullmatch(r["birth_date"]) for r in rows)
    with open(truth, encoding="utf-8") as f:
        truth_rows = list(csv.DictReader(f))
    assert list(truth_rows[0]) == ["left_id", "right_id"]
    assert len(truth_rows) == 100
    assert sum(1 for t in truth_rows if t["right_id"] == "") > 3
    with open(tmp_path / "split" / "variations.csv", encoding="utf-8") as f:
        assert sum(1 for _ in f) == 401


def test_the_same_seed_gives_the_same_lists_and_another_seed_others():
    a, b = syn.generate(500, 100, seed=1), syn.generate(500, 100, seed=1)
    c = syn.generate(500, 100, seed=2)
    assert a.register == b.register and a.inquiries == b.inquiries and a.truth == b.truth
    assert a.register != c.register


def test_sizes_are_exact_and_ids_unique(data):
    assert len(data.register) == N_REGISTER and len(data.inquiries) == N_INQUIRIES
    assert len({r["id"] for r in data.register + data.inquiries}) == N_REGISTER + N_INQUIRIES
    assert set(data.truth) == {r["id"] for r in data.inquiries}


def test_the_generator_uses_neither_django_nor_the_engines_name_tables():
    code = (
        "import sys, homeward.synth.lists; "
        "bad = [m for m in sys.modules if m.startswith('django') or m in "
        "('homeward.linkage.names', 'homeward.linkage.model', 'homeward.linkage.features')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
