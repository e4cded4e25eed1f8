"""The engine end to end on synthetic truth, the hard negatives, the index and the boundary."""

import math
import subprocess
import sys

import pytest

from homeward.linkage import engine
from homeward.linkage.dates import parse_birth_date as d
from homeward.linkage.features import Person, features, prepare
from homeward.linkage.index import SearchIndex
from homeward.linkage.model import (
    TF_COLUMNS,
    Scorer,
    date_pattern,
    load_model,
    register_probability,
    term_frequencies,
)
from homeward.linkage.model import probability_of as model_probability
from homeward.synth import lists as synthetic


@pytest.fixture(scope="module")
def dataset():
    # seed 5 is neither the training seed nor the benchmark's; the sparse dates profile (a third
    # of the inquiries with a year or no date) is the harder one, the floors below were set on it
    return synthetic.generate(10_000, 1_000, seed=5, profile="sparse_dates")


@pytest.fixture(scope="module")
def linked(dataset):
    left = [Person.from_row(r) for r in dataset.inquiries]
    right = [Person.from_row(r) for r in dataset.register]
    return engine.link(left, right)


def quality(matches, truth):
    decided = [(m.left_id, m.right_id) for m in matches if m.decision == "match"]
    tp = sum(1 for a, b in decided if truth[a] == b)
    findable = [a for a, b in truth.items() if b]
    top = {}
    for m in matches:
        top.setdefault(m.left_id, []).append(m.right_id)
    in_top5 = sum(1 for a in findable if truth[a] in top.get(a, [])[:5])
    return tp / len(decided), tp / len(findable), in_top5 / len(findable)


def test_quality_on_synthetic_truth_does_not_regress(dataset, linked):
    # Measured with the shipped model: precision 0.997, recall 0.978, top-5 1.0 (before the
    # operating point 0.85 / 3 bits: 0.997, 0.977, 1.0; before the birth levels' m followed the
    # lists' dates and the prior the share of true pairs its rule finds: 0.998, 0.963, 1.0; before
    # the other readings of Latin surnames, full names weighed and columns put back: 0.998, 0.949,
    # 0.994; before the register's probability, sex-aware name classes and whole-agreement term
    # frequencies: 1.0, 0.889, 0.994; before pet forms, swapped columns, sounds-alike surnames and
    # birthplaces: 0.814 and 0.952). These floors fail on any real regression of names, dates or the
    # model; the targets themselves are the benchmark's (RESULTS.md).
    precision, recall, top5 = quality(linked, dataset.truth)
    assert precision >= 0.995
    assert recall >= 0.95
    assert top5 >= 0.995


def test_the_explanation_weighs_what_splink_weighed(dataset):
    # The explanation (model.Scorer, Python) must add up to the weight Splink's SQL gave the
    # pair, term-frequency adjustments and other readings of a surname included.
    left = prepare([Person.from_row(r) for r in dataset.inquiries[:300]])
    right = prepare([Person.from_row(r) for r in dataset.register], start=len(left))
    pairs, final = engine._run(
        left, right, engine="duckdb", train="u", model=None, candidates=5, progress=print
    )
    rows = {r["unique_id"]: r for r in left + right}
    scorer = Scorer(final, final.get("_tf"))
    assert len(pairs) > 300
    for a, b, weight in pairs:
        assert scorer.score(rows[a], rows[b]).weight == pytest.approx(weight, abs=1e-9)


def test_every_match_is_explained(linked):
    for m in linked[:50]:
        assert "surname:" in m.explanation and "birth:" in m.explanation
        assert 0 <= m.score <= 1


REGISTER = [
    Person("son", "ПЕТРЕНКО", "АЛЕКСАНДР", "ИВАНОВИЧ", birth_date=d("12.03.1994")),
    Person("twin", "ПЕТРЕНКО", "СЕРГЕЙ", "ИВАНОВИЧ", birth_date=d("12.03.1994")),
    Person("brother", "ПЕТРЕНКО", "ДМИТРИЙ", "ИВАНОВИЧ", birth_date=d("05.07.1990")),
    Person("father", "ПЕТРЕНКО", "ИВАН", "ПЕТРОВИЧ", birth_date=d("01.01.1968")),
    Person("namesake", "ПЕТРЕНКО", "АЛЕКСАНДР", "НИКОЛАЕВИЧ", birth_date=d("30.11.1979")),
    Person("other", "КОВАЛЬСКАЯ", "АННА", "ПЕТРОВНА", birth_date=d("01.07.1988")),
    Person("yakiv", "САЛИНИВ", "ИВАН", "ЯКОВЛЕВИЧ", birth_date=d("24.07.1969")),
    Person("kovchenko", "КОВЧЕНКО", "АНДРИЙ", "СЕРГИЙОВИЧ", birth_date=d("03.11.1978")),
    *[
        Person(
            f"r{i}", f"Прізвище{chr(1072 + i % 30)}{i}", "Іван", birth_date=d(f"{1960 + i % 40}")
        )
        for i in range(300)
    ],
]


def decide_one(person: Person):
    return [m for m in engine.link([person], REGISTER, train="none") if m.decision == "match"]


@pytest.mark.parametrize(
    "inquiry,expected",
    [
        # the family writes in Ukrainian with the year only: the son, not his twin or namesake
        (Person("q", full_name="Олександр Іванович Петренко", birth_date=d("1994")), "son"),
        (Person("q", full_name="Oleksandr Petrenko", birth_date=d("1994-03-12")), "son"),
        (Person("q", full_name="Alexander Petrenko", birth_date=d("1994-12-03")), "son"),
        (Person("q", "Ковальська", "Ганна", birth_date=d("1988-07-01")), "other"),
        (Person("q", "Kovalska", "Hanna", "Petrivna", birth_date=d("1988")), "other"),
        # given and family names in each other's columns
        (Person("q", "Олександр", "Петренко", birth_date=d("12.03.1994")), "son"),
        # a pet form the table does not list; the twin's name is not a pet form of it
        (Person("q", "Петренко", "Олександрик", birth_date=d("12.03.1994")), "son"),
        # Ukrainian patronymic of Яків, Russian of Яков
        (Person("q", "Salyniv", "Ivan", "Yakovych", birth_date=d("1969-07-24")), "yakiv"),
        # the 2004 passport style writes к as c
        (Person("q", "Covchenco", "Andrii", birth_date=d("1978-11-03")), "kovchenko"),
    ],
)
def test_the_sought_person_and_not_a_relative(inquiry, expected):
    assert [m.right_id for m in decide_one(inquiry)] == [expected]


@pytest.mark.parametrize(
    "inquiry",
    [
        # a third twin, a sister, another Petrenko of the same year: nobody in the register
        Person("q", "Петренко", "Андрій", "Іванович", birth_date=d("1994-03-12")),
        Person("q", "Петренко", "Ольга", "Іванівна", birth_date=d("1994-03-12")),
        # a namesake of the son with no date: two Oleksandr Petrenkos, a person decides
        Person("q", "Петренко", "Олександр"),
    ],
)
def test_relatives_and_namesakes_are_never_decided(inquiry):
    assert decide_one(inquiry) == []


def test_birthplace_ranks_the_son_above_his_namesake():
    # no date: the place is all that tells the two Oleksandr Petrenkos apart
    register = [
        Person("son", "ПЕТРЕНКО", "АЛЕКСАНДР", birth_date=d("12.03.1994"), birth_place="Харьков"),
        Person("namesake", "ПЕТРЕНКО", "АЛЕКСАНДР", birth_date=d("1979"), birth_place="Одесса"),
        *REGISTER[7:],
    ]
    inquiry = Person("q", "Петренко", "Олександр", birth_place="Харків")
    found = engine.link([inquiry], register, train="none")
    assert [m.right_id for m in found][:2] == ["son", "namesake"]
    assert "place: the same place in another language" in found[0].explanation
    assert "place: another place" in found[1].explanation


@pytest.mark.parametrize(
    "left,right,comparison,level",
    [
        # a pet form of two names meets either, weighing less than a form of one name
        (("Ворак", "Alex"), ("ВОРАК", "ОЛЕКСАНДР"), "given", "a pet form of this or another name"),
        (("Ворак", "Alex"), ("ВОРАК", "АЛЕКСЕЙ"), "given", "a pet form of this or another name"),
        (("Ворак", "Alex"), ("ВОРАК", "АНДРІЙ"), "given", "different"),
        # a surname in another convention's spelling is the same name
        (("Covalenco", "Ivan"), ("КОВАЛЕНКО", "ІВАН"), "surname", "same name, spelt with c for к"),
        (("Chevtchouk", "Ivan"), ("ШЕВЧУК", "ІВАН"), "surname", "same name, spelt the French way"),
        (("Kasakow", "Iwan"), ("КАЗАКОВ", "ІВАН"), "surname", "same name, spelt the German way"),
    ],
)
def test_how_two_records_agree_is_what_the_explanation_says(left, right, comparison, level):
    scorer = Scorer(load_model())
    score = scorer.score(features(Person("a", *left), 0), features(Person("b", *right), 1))
    part = next(p for p in score.parts if p.comparison == comparison)
    assert part.level == level
    if level == "a pet form of this or another name":
        assert 0 < part.weight < 5


def test_a_name_weighs_as_much_in_another_script_and_its_rarity_counts_in_full():
    register = [
        Person("r", "ПЕТРЕНКО", "ОЛЕКСАНДР"),
        *[Person(f"p{i}", "ПЕТРЕНКО", "ІВАН") for i in range(9)],  # 10 % are Petrenkos
        # 90 other surnames, each once
        *[Person(f"o{a}{b}", f"ОНИЩ{a}{b}УК", "ІВАН") for a in "БВДЗКЛМНП" for b in "БВДЗКЛМНРТ"],
    ]
    rows = [features(p, i) for i, p in enumerate(register)]
    tf = term_frequencies({"sn": [r["sn"] for r in rows], "gc": [r["gc"] for r in rows]})
    scorer = Scorer(load_model(), tf)

    def surname(left, right):
        part = next(p for p in scorer.score(features(left, 900), right).parts)
        return part.level, part.weight

    same = surname(Person("a", "Петренко", "Олександр"), rows[0])
    across = surname(Person("b", "Petrenko", "Oleksandr"), rows[0])
    assert same[0] == "same spelling" and across[0] == "same across scripts"
    assert same[1] == pytest.approx(across[1])
    # the whole agreement's u against the name's share: m / 0.1, not a part of it
    m = next(
        lv["m_probability"]
        for c in load_model()["comparisons"]
        if c["output_column_name"] == "surname"
        for lv in c["comparison_levels"]
        if lv.get("label_for_charts") == "same name"
    )
    assert same[1] == pytest.approx(math.log2(m / 0.1))
    assert register[10].family_name == "ОНИЩББУК"
    rarer = surname(Person("c", "Онищббук", "Іван"), rows[10])
    assert rarer[1] == pytest.approx(math.log2(m / 0.01))


def test_the_only_record_that_fits_is_likelier_than_its_pair_alone_says():
    # A name and a year, no more: as a pair, Olena Lysenko born 1990 is one of however many the
    # register might hold; the register holds one, or two.
    others = [
        Person(f"o{a}{b}", f"КОВАЛ{a}{b}ЕНКО", "ІВАН", birth_date=d("1970"))
        for a in "БВДЗКЛМНП"
        for b in "БВДЗКЛМНРТ"
    ]
    one = [Person("r1", "ЛИСЕНКО", "ОЛЕНА", birth_date=d("03.04.1990")), *others]
    two = [*one, Person("r2", "Лисенко", "Олена", birth_date=d("1990"))]
    inquiry = Person("q", "Lysenko", "Olena", birth_date=d("1990"), sex="F")

    alone = engine.link([inquiry], one, train="none")[0]
    assert alone.right_id == "r1"
    assert alone.score > model_probability(alone.weight)
    assert "register: no other record fits as well (+" in alone.explanation

    both = engine.link([inquiry], two, train="none")
    assert {m.right_id for m in both[:2]} == {"r1", "r2"}
    assert all(m.score < model_probability(m.weight) for m in both[:2])
    assert all("register: other records fit too (-" in m.explanation for m in both[:2])
    assert all(m.decision == "possible" for m in both)


def test_no_date_and_an_unplaceable_given_name_still_find_the_surname():
    # "Alex" is Олександр's or Олексій's: no class to block on, no date: surname + first letter
    register = [
        Person("r", "ЛЕВИЦКИЙ", "АЛЕКСАНДР", "ВАСИЛЬЕВИЧ", birth_date=d("10.08.1977")),
        Person("x", "ЛЕВИЦКИЙ", "ИГОРЬ", birth_date=d("1980")),
    ]
    found = engine.link([Person("q", "Levitskiy", "Alex")], register, train="none")
    assert [m.right_id for m in found] == ["r"]


def test_a_short_list_with_nothing_to_estimate_the_prior_from_still_links():
    # no pair agrees on surname, given name and full date: the prior cannot be estimated
    found = engine.link(
        [Person("q", "Петренко", "Олександр", birth_date=d("1994"))],
        [Person("r", "ПЕТРЕНКО", "АЛЕКСАНДР", birth_date=d("12.03.1994"))],
    )
    assert [m.right_id for m in found] == ["r"]


def test_a_surname_past_recognition_is_found_by_the_date_and_the_name():
    # French and the 2004 passport style write Ж as J: no surname key agrees with ЖЕЗЬМУН
    register = [
        Person("r", "ЖЕЗЬМУН", "ДАНИИЛ", "ЗАХАРОВИЧ", birth_date=d("30.11.1977")),
        Person("x", "ЖЕЗЬМУН", "ДАНИИЛ", "ЗАХАРОВИЧ", birth_date=d("30.11.1978")),
    ]
    found = engine.link([Person("q", "Jezmoun", "Danylo", birth_date=d("1977-11-30"))], register)
    assert [m.right_id for m in found] == ["r"]


def test_the_register_probability_is_bayes_over_the_candidates():
    # prior·N = held: a lone candidate's odds are its pair odds over (1 − held)
    prior, n, held = 1e-5, 50_000, 0.5
    w = -1.0  # pair probability 1/3
    assert register_probability(w, 2**w, prior, n, held) == pytest.approx(0.5 / (0.5 + 0.5))
    # three candidates that fit equally: a third each at most
    assert register_probability(w, 3 * 2**w, prior, n, held) == pytest.approx(0.5 / 2.0)
    # not held at all is impossible only in the limit: never above 1
    assert register_probability(40.0, 2**40, prior, n, 0.95) <= 1.0


def test_dedupe_finds_the_same_person_twice():
    persons = [
        Person("1", "ПЕТРЕНКО", "АЛЕКСАНДР", "ИВАНОВИЧ", birth_date=d("12.03.1994")),
        Person("2", full_name="Oleksandr Ivanovych Petrenko", birth_date=d("1994-03-12")),
        Person("3", "ПЕТРЕНКО", "СЕРГЕЙ", "ИВАНОВИЧ", birth_date=d("12.03.1994")),
        *REGISTER[5:],
    ]
    pairs = engine.dedupe(persons, train="none")
    decided = {(m.left_id, m.right_id) for m in pairs if m.decision == "match"}
    assert decided == {("1", "2")}


def test_search_index_agrees_with_the_batch_run(tmp_path, dataset):
    right = [Person.from_row(r) for r in dataset.register]
    index = SearchIndex.build(right, tmp_path / "index.sqlite3")
    assert len(index) == len(right)
    # the index scores with the shipped model, its prior 1/N and the register's frequencies
    rows = [features(p, i) for i, p in enumerate(right)]
    model = load_model()
    model["probability_two_random_records_match"] = 1 / len(right)
    scorer = Scorer(model, term_frequencies({c: [r[c] for r in rows] for c in TF_COLUMNS}))
    by_id = {r["source_id"]: r for r in rows}
    found = 0
    for r in dataset.inquiries[:200]:
        person = Person.from_row(r)
        results = index.search(person, limit=5)
        query = features(person, -1)
        for m in results:
            assert m.weight == pytest.approx(scorer.score(query, by_id[m.right_id]).weight)
        found += dataset.truth[r["id"]] in [m.right_id for m in results]
    findable = sum(1 for r in dataset.inquiries[:200] if dataset.truth[r["id"]])
    assert found / findable >= 0.9  # 169/182 measured on the current generator


def test_the_fast_weight_is_the_explained_weight(dataset):
    rows = [features(Person.from_row(r), i) for i, r in enumerate(dataset.register)]
    by_id = {r["source_id"]: r for r in rows}
    scorer = Scorer(load_model(), term_frequencies({c: [r[c] for r in rows] for c in TF_COLUMNS}))
    for i, r in enumerate(dataset.inquiries[:300]):
        query = features(Person.from_row(r), -1)
        others = [rows[(i * 37 + k) % len(rows)] for k in range(3)]
        truth = dataset.truth[r["id"]]
        for right in ([by_id[truth]] if truth else []) + others:
            assert scorer.weight(query, right) == pytest.approx(scorer.score(query, right).weight)


def test_search_reads_only_candidates(tmp_path):
    index = SearchIndex.build(REGISTER, tmp_path / "i.sqlite3")
    reads = []
    index.db.set_trace_callback(reads.append)
    results = index.search(Person("q", full_name="Oleksandr Petrenko", birth_date=d("1994")))
    assert results[0].right_id == "son" and results[0].decision == "match"
    # keyed lookups only: no statement scans the record table without a key
    assert all("WHERE" in sql for sql in reads if "FROM record" in sql or "FROM key" in sql)


def test_the_package_never_imports_django():
    code = (
        "import sys, homeward.linkage.engine, homeward.linkage.index, homeward.linkage.lists, "
        "homeward.linkage.train, homeward.synth.lists; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={}
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("left", "right", "pattern"),
    [
        ("12.03.1994", "1994-03-12", "FF"),
        ("12.03.1994", "03.1994", "FM"),
        ("1994", "12.03.1994", "FY"),
        ("03.1994", "1994", "MY"),
        ("1994", "1995", "YY"),
        ("", "12.03.1994", None),
    ],
)
def test_what_two_records_give_of_a_birth_date(left, right, pattern):
    a = features(Person("a", "Петренко", "Олександр", birth_date=d(left)), 0)
    b = features(Person("b", "ПЕТРЕНКО", "АЛЕКСАНДР", birth_date=d(right)), 1)
    assert date_pattern(a, b) == date_pattern(b, a) == pattern


@pytest.fixture(scope="module")
def trained_on_each_profile():
    """The model a batch run ends with, and the lists' true held share, on lists whose inquiries
    mostly give a whole date (default) and on lists where a third give a year or nothing."""
    out = {}
    for profile in ("default", "sparse_dates"):
        data = synthetic.generate(10_000, 1_000, seed=6, profile=profile)
        left = prepare([Person.from_row(r) for r in data.inquiries])
        right = prepare([Person.from_row(r) for r in data.register], start=len(left))
        _, final = engine._run(
            left, right, engine="duckdb", train="u", model=None, candidates=5, progress=print
        )
        held = sum(1 for r in data.truth.values() if r) / len(data.truth)
        out[profile] = (final, held, len(right))
    return out


def _birth_weights(model: dict) -> dict[str, float]:
    birth = next(c for c in model["comparisons"] if c["output_column_name"] == "birth")
    return {
        lv["label_for_charts"]: math.log2(lv["m_probability"] / lv["u_probability"])
        for lv in birth["comparison_levels"]
        if "m_probability" in lv
    }


@pytest.mark.parametrize("level", ["same day", "same year, a month unknown", "a day apart"])
def test_a_date_level_weighs_the_same_however_often_the_lists_give_it(
    trained_on_each_profile, level
):
    # u is estimated on the lists at hand, and so is m's share of each mix of whole dates and
    # years: a year agreeing weighs what it weighs whether one inquiry in ten gives only the
    # year or one in three (with m kept from training: 2 bits more on the first lists)
    dense = _birth_weights(trained_on_each_profile["default"][0])
    sparse = _birth_weights(trained_on_each_profile["sparse_dates"][0])
    assert dense[level] == pytest.approx(sparse[level], abs=0.5)


@pytest.mark.parametrize("profile", ["default", "sparse_dates"])
def test_the_prior_says_how_many_of_the_persons_sought_are_held(trained_on_each_profile, profile):
    # prior × register size: the share of inquiries whose person the register holds, estimated
    # from pairs agreeing on names and whole date, as many as the lists' dates let agree
    final, held, size = trained_on_each_profile[profile]
    assert final["probability_two_random_records_match"] * size == pytest.approx(held, abs=0.08)
