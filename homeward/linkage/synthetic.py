"""Synthetic person lists with known truth, for the model's training, tests and benchmark.

Every person is invented. A **register** (RIGHT) is written the way a detaining power's clerks
write: mostly Russian Cyrillic in capitals with a patronymic and a day-first date, some Ukrainian
Cyrillic, some Latin. **Inquiries** (LEFT) are written the way families, NGOs and published lists
write: Ukrainian Cyrillic with a partial date, informal English, the national 2010 romanisation
or another system (BGN/PCGN, ISO 9, German, French, passport). The register also holds the
people a matcher must keep apart: brothers, twins, fathers and sons, namesakes. Some inquiries
seek persons the register does not hold.

Proportions (per inquiry or register record; documented in benchmarks/linkage/README.md) are in
the constants below. Name data here is deliberately this module's own (not the engine's
given-name table), so the engine is not graded against its own dictionary.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import translitua
from iuliia import BGN_PCGN, ICAO_DOC_9303, SCIENTIFIC

# (Ukrainian, Russian, informal English, Ukrainian diminutive) for men; the same for women.
MALE = [
    ("Олександр", "Александр", "Alexander", "Сашко"),
    ("Олексій", "Алексей", "Alexey", "Льоша"),
    ("Сергій", "Сергей", "Sergey", "Сергійко"),
    ("Микола", "Николай", "Nicholas", "Коля"),
    ("Андрій", "Андрей", "Andrew", "Андрійко"),
    ("Дмитро", "Дмитрий", "Dmitry", "Діма"),
    ("Юрій", "Юрий", "Yuri", "Юра"),
    ("Євген", "Евгений", "Eugene", "Женя"),
    ("Іван", "Иван", "Ivan", "Івась"),
    ("Петро", "Петр", "Peter", "Петрик"),
    ("Павло", "Павел", "Paul", "Павлик"),
    ("Михайло", "Михаил", "Michael", "Михась"),
    ("Володимир", "Владимир", "Vladimir", "Вова"),
    ("Василь", "Василий", "Vasily", "Вася"),
    ("Ігор", "Игорь", "Igor", "Ігорко"),
    ("Григорій", "Григорий", "Gregory", "Гриша"),
    ("Федір", "Федор", "Fedor", "Федя"),
    ("Віталій", "Виталий", "Vitaly", "Віталік"),
    ("Анатолій", "Анатолий", "Anatoly", "Толя"),
    ("Вячеслав", "Вячеслав", "Vyacheslav", "Слава"),
    ("Богдан", "Богдан", "Bogdan", "Богданчик"),
    ("Роман", "Роман", "Roman", "Ромко"),
    ("Максим", "Максим", "Maxim", "Макс"),
    ("Денис", "Денис", "Denis", "Денис"),
    ("Віктор", "Виктор", "Victor", "Вітя"),
    ("Олег", "Олег", "Oleg", "Олег"),
    ("Тарас", "Тарас", "Taras", "Тарас"),
    ("Руслан", "Руслан", "Ruslan", "Руслан"),
    ("Артем", "Артем", "Artem", "Тема"),
    ("Владислав", "Владислав", "Vladislav", "Влад"),
    ("Ярослав", "Ярослав", "Yaroslav", "Ярик"),
    ("Валерій", "Валерий", "Valery", "Валера"),
    ("Вадим", "Вадим", "Vadim", "Вадим"),
    ("Костянтин", "Константин", "Konstantin", "Костя"),
    ("Станіслав", "Станислав", "Stanislav", "Стас"),
    ("Леонід", "Леонид", "Leonid", "Льоня"),
    ("Кирило", "Кирилл", "Kirill", "Кирило"),
    ("Степан", "Степан", "Stepan", "Степан"),
    ("Геннадій", "Геннадий", "Gennady", "Гена"),
    ("Назар", "Назар", "Nazar", "Назар"),
]
FEMALE = [
    ("Ганна", "Анна", "Anna", "Ганя"),
    ("Олена", "Елена", "Helen", "Оленка"),
    ("Наталія", "Наталья", "Natalia", "Наталка"),
    ("Ольга", "Ольга", "Olga", "Оля"),
    ("Тетяна", "Татьяна", "Tatiana", "Таня"),
    ("Катерина", "Екатерина", "Catherine", "Катя"),
    ("Марія", "Мария", "Maria", "Марійка"),
    ("Ірина", "Ирина", "Irina", "Іра"),
    ("Юлія", "Юлия", "Julia", "Юля"),
    ("Світлана", "Светлана", "Svetlana", "Світла"),
    ("Оксана", "Оксана", "Oksana", "Оксана"),
    ("Людмила", "Людмила", "Ludmila", "Люда"),
]
CENTRAL_ASIAN = [
    "Алишер",
    "Бахтиёр",
    "Рустам",
    "Фарход",
    "Шерзод",
    "Азамат",
    "Нурлан",
    "Улугбек",
    "Жасур",
    "Санжар",
    "Отабек",
    "Дилшод",
    "Тимур",
    "Айбек",
    "Ержан",
]
CENTRAL_ASIAN_SURNAMES = [
    "Каримов",
    "Рахимов",
    "Юсупов",
    "Алиев",
    "Абдуллаев",
    "Нурматов",
    "Турсунов",
    "Исмаилов",
    "Мирзаев",
    "Хасанов",
    "Садыков",
    "Ахмедов",
    "Усманов",
    "Жумабаев",
    "Сулейменов",
    "Назаров",
    "Эргашев",
]
# Surnames: syllables and suffixes give tens of thousands of plausible Ukrainian surnames.
_ROOTS_A = [
    "Ко",
    "Пе",
    "Ма",
    "Бо",
    "Ли",
    "Гри",
    "Са",
    "Ру",
    "Мо",
    "Ку",
    "Дми",
    "Па",
    "Кли",
    "Ле",
    "Ша",
    "Те",
    "Ва",
    "Ні",
    "Ба",
    "Го",
    "Да",
    "Во",
    "Сте",
    "Фе",
    "Ти",
    "Ча",
    "Ге",
    "Зо",
    "Ми",
    "Хо",
    "Ше",
    "Я",
    "Ю",
    "О",
    "Бі",
    "Че",
    "Же",
    "Ри",
    "Се",
    "Ста",
    "Ка",
]
_ROOTS_B = [
    "вал",
    "тр",
    "рч",
    "нд",
    "с",
    "ць",
    "вч",
    "д",
    "р",
    "зьм",
    "тр",
    "вл",
    "м",
    "вч",
    "рн",
    "ткач",
    "льн",
    "ст",
    "рк",
    "лов",
    "нч",
    "б",
    "шк",
    "хн",
    "гн",
    "л",
    "щ",
    "ків",
    "лин",
    "рем",
    "сн",
    "дор",
    "ліс",
    "вор",
    "пан",
    "круп",
    "шев",
    "мел",
    "гон",
    "кур",
]
_SUFFIXES = [
    ("енко", 30),
    ("чук", 12),
    ("ук", 8),
    ("юк", 6),
    ("ський", 7),
    ("ич", 4),
    ("ов", 5),
    ("ець", 3),
    ("ик", 6),
    ("ак", 4),
    ("ишин", 2),
    ("ко", 3),
    ("ан", 2),
]

REGISTER_SCRIPT = [("ru_upper", 0.6), ("ru", 0.1), ("uk", 0.2), ("latin_national", 0.1)]
INQUIRY_STYLE = [("family_uk", 0.4), ("ngo_latin", 0.3), ("published_latin", 0.2), ("ru", 0.1)]
P_NOT_IN_REGISTER = 0.12
P_RELATIVE = 0.2  # share of register persons with a relative also in the register
P_WOMAN = 0.08
P_CENTRAL_ASIAN = 0.05


@dataclass
class Person:
    key: int
    sex: str
    given: tuple[str, str, str, str] | str
    father: tuple[str, str, str, str] | str
    surname_uk: str
    birth: dt.date
    central_asian: bool = False


@dataclass
class Dataset:
    register: list[dict] = field(default_factory=list)
    inquiries: list[dict] = field(default_factory=list)
    truth: dict[str, str | None] = field(default_factory=dict)  # inquiry id → register id
    full_names: bool = False


def _weighted(rng: random.Random, pairs):
    r = rng.random()
    acc = 0.0
    for value, w in pairs:
        acc += w
        if r < acc:
            return value
    return pairs[-1][0]


def _surnames(rng: random.Random) -> tuple[list[str], list[float]]:
    names = sorted({a + b + s for a in _ROOTS_A for b in _ROOTS_B for s, _ in _SUFFIXES})
    weight = {s: w for s, w in _SUFFIXES}
    rng.shuffle(names)
    # Zipf-like, as surnames are: the commonest about 0.1% of records, the top 100 about 8%.
    weights = [
        weight[next(s for s, _ in _SUFFIXES if n.endswith(s))] / (i + 50) ** 0.7
        for i, n in enumerate(names)
    ]
    return names, weights


class _Names:
    def __init__(self, rng: random.Random):
        self.surnames, self.weights = _surnames(rng)
        self.cum = []
        acc = 0.0
        for w in self.weights:
            acc += w
            self.cum.append(acc)

    def surname(self, rng: random.Random) -> str:
        import bisect

        return self.surnames[
            min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), len(self.surnames) - 1)
        ]


def _male(rng: random.Random):
    # common names more common
    i = min(int(rng.expovariate(1 / 9)), len(MALE) - 1)
    return MALE[i]


def _person(rng: random.Random, names: _Names, key: int) -> Person:
    if rng.random() < P_CENTRAL_ASIAN:
        return Person(
            key,
            "m",
            rng.choice(CENTRAL_ASIAN),
            rng.choice(CENTRAL_ASIAN),
            rng.choice(CENTRAL_ASIAN_SURNAMES),
            _birth(rng),
            central_asian=True,
        )
    sex = "f" if rng.random() < P_WOMAN else "m"
    given = rng.choice(FEMALE) if sex == "f" else _male(rng)
    return Person(key, sex, given, _male(rng), names.surname(rng), _birth(rng))


def _birth(rng: random.Random) -> dt.date:
    return dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))


def _other_given(rng: random.Random, p: Person):
    """A brother's given name: never his sibling's."""
    while True:
        given = _male(rng) if not p.central_asian else rng.choice(CENTRAL_ASIAN)
        if given != p.given and given != p.father:
            return given


def _relative(rng: random.Random, p: Person, key: int, names: _Names) -> Person:
    kind = rng.choice(["brother", "twin", "father", "namesake"])
    if kind == "brother":
        given = _other_given(rng, p)
        birth = p.birth + dt.timedelta(days=rng.choice([-1, 1]) * rng.randrange(300, 2500))
        return Person(key, "m", given, p.father, p.surname_uk, birth, p.central_asian)
    if kind == "twin":
        given = _other_given(rng, p)
        return Person(key, "m", given, p.father, p.surname_uk, p.birth, p.central_asian)
    if kind == "father":
        birth = p.birth - dt.timedelta(days=rng.randrange(20 * 365, 32 * 365))
        father_of_father = _other_given(rng, p)
        return Person(key, "m", p.father, father_of_father, p.surname_uk, birth, p.central_asian)
    # namesake: same surname and given name, another father and birth date
    other_father = _other_given(rng, p)
    return Person(key, p.sex, p.given, other_father, p.surname_uk, _birth(rng), p.central_asian)


# ----------------------------------------------------------------------------- rendering

_UK_TO_RU = str.maketrans(
    {
        "і": "и",
        "ї": "и",
        "є": "е",
        "ґ": "г",
        "'": "",
        "’": "",
        "І": "И",
        "Ї": "И",
        "Є": "Е",
        "Ґ": "Г",
    }
)


def _surname_for(p: Person, script: str) -> str:
    s = p.surname_uk
    if p.sex == "f":
        if s.endswith("ський"):
            s = s[:-5] + ("ська" if script == "uk" else "ская")
        elif s.endswith("ов") or s.endswith("ін") or s.endswith("ев"):
            s = s + "а"
    if script == "ru" and not p.central_asian:
        s = s.translate(_UK_TO_RU)
        if s.endswith("ський"):
            s = s[:-5] + "ский"
    return s


def _patronymic_ru(father: str, sex: str) -> str:
    base = father
    if base.endswith("й"):
        stem = base[:-1]
        return stem + ("евич" if sex == "m" else "евна")
    if base.endswith("а"):
        return base[:-1] + ("ич" if sex == "m" else "ична")
    if base.endswith("ь"):
        return base[:-1] + ("евич" if sex == "m" else "евна")
    return base + ("ович" if sex == "m" else "овна")


def _patronymic_uk(father: str, sex: str) -> str:
    if father.endswith("ій"):
        return father[:-1] + ("йович" if sex == "m" else "ївна")
    if father.endswith("а") or father.endswith("о"):
        return father[:-1] + ("ович" if sex == "m" else "івна")
    if father.endswith("ь"):
        return father[:-1] + ("ьович" if sex == "m" else "івна")
    return father + ("ович" if sex == "m" else "івна")


def _central_asian_patronymic(father: str, sex: str, rng: random.Random, latin: bool) -> str:
    form = rng.random()
    if latin:
        f = ICAO_DOC_9303.translate(father)
        if form < 0.5:
            return f"{f} {'o‘g‘li' if sex == 'm' else 'qizi'}".replace("‘", "'")
        return f + ("ovich" if sex == "m" else "ovna")
    if form < 0.3:
        return f"{father} {'угли' if sex == 'm' else 'кизи'}"
    return _patronymic_ru(father, sex)


_LATIN_SYSTEMS = [
    ("national", lambda t: translitua.translit(t, translitua.UkrainianKMU), 0.35),
    ("bgn", lambda t: translitua.translit(t, translitua.UkrainianBGN), 0.1),
    ("iso9", lambda t: translitua.translit(t, translitua.UkrainianISO9), 0.05),
    ("german", lambda t: translitua.translit(t, translitua.UkrainianGerman), 0.08),
    ("french", lambda t: translitua.translit(t, translitua.UkrainianFrench), 0.07),
    ("passport2007", lambda t: translitua.translit(t, translitua.UkrainianPassport2007), 0.1),
    ("scholarly", lambda t: translitua.translit(t, translitua.UkrainianALALC), 0.05),
    ("ru_icao", lambda t: ICAO_DOC_9303.translate(t.translate(_UK_TO_RU)), 0.1),
    ("ru_bgn", lambda t: BGN_PCGN.translate(t.translate(_UK_TO_RU)), 0.05),
    ("ru_scientific", lambda t: SCIENTIFIC.translate(t.translate(_UK_TO_RU)), 0.05),
]


def _romanise(text: str, rng: random.Random, system: str | None = None) -> str:
    if system is None:
        system = _weighted(rng, [(n, w) for n, _, w in _LATIN_SYSTEMS])
    fn = next(f for n, f, _ in _LATIN_SYSTEMS if n == system)
    return fn(text)


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1 :]
    if op < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i - 1] + text[i:]


def _date(
    d: dt.date,
    rng: random.Random,
    *,
    p_year_only: float,
    p_missing: float,
    p_error: float,
    style: str,
) -> str:
    r = rng.random()
    if r < p_missing:
        return ""
    if r < p_missing + p_year_only:
        return f"{d.year}"
    if rng.random() < p_error:
        err = rng.choice(["swap", "day", "year", "month_only"])
        if err == "swap" and d.day <= 12 and d.day != d.month:
            d = dt.date(d.year, d.day, d.month)
        elif err == "day":
            d = d + dt.timedelta(days=rng.choice([-1, 1]))
        elif err == "year":
            try:
                d = d.replace(year=d.year + rng.choice([-1, 1]))
            except ValueError:
                d = d.replace(year=d.year + 1, day=28)
        elif err == "month_only":
            return f"{d.year}-{d.month:02d}"
    return d.strftime("%d.%m.%Y") if style == "dmy" else d.isoformat()


def _render(p: Person, style: str, rng: random.Random, full: bool) -> dict:
    """One record of person `p` written in `style`."""
    given_ru = p.given if isinstance(p.given, str) else p.given[1]
    given_uk = p.given if isinstance(p.given, str) else p.given[0]
    father_ru = p.father if isinstance(p.father, str) else p.father[1]
    father_uk = p.father if isinstance(p.father, str) else p.father[0]
    patronymic = ""
    date_style = "dmy"
    if style in ("ru_upper", "ru"):
        family, given = _surname_for(p, "ru"), given_ru
        if p.central_asian:
            patronymic = _central_asian_patronymic(father_ru, p.sex, rng, latin=False)
        else:
            patronymic = _patronymic_ru(father_ru, p.sex)
        if style == "ru" and rng.random() < 0.4:
            patronymic = ""
        date = _date(p.birth, rng, p_year_only=0.08, p_missing=0.04, p_error=0.06, style="dmy")
    elif style in ("uk", "family_uk"):
        family, given = _surname_for(p, "uk"), given_uk
        if style == "family_uk" and not isinstance(p.given, str) and rng.random() < 0.08:
            given = p.given[3]  # a diminutive, as a mother writes
        if rng.random() < (0.85 if style == "uk" else 0.5):
            patronymic = (
                _central_asian_patronymic(father_uk, p.sex, rng, latin=False)
                if p.central_asian
                else _patronymic_uk(father_uk, p.sex)
            )
        yo, miss = (0.08, 0.04) if style == "uk" else (0.35, 0.1)
        date = _date(p.birth, rng, p_year_only=yo, p_missing=miss, p_error=0.05, style="dmy")
    elif style in ("latin_national", "published_latin"):
        family = _romanise(_surname_for(p, "uk"), rng, "national")
        given = _romanise(given_uk, rng, "national")
        if rng.random() < 0.7:
            patronymic = (
                _central_asian_patronymic(father_ru, p.sex, rng, latin=True)
                if p.central_asian
                else _romanise(_patronymic_uk(father_uk, p.sex), rng, "national")
            )
        date_style = "iso"
        date = _date(p.birth, rng, p_year_only=0.05, p_missing=0.02, p_error=0.03, style="iso")
    else:  # ngo_latin: informal English or any romanisation, often without patronymic
        system = _weighted(rng, [(n, w) for n, _, w in _LATIN_SYSTEMS])
        family = _romanise(_surname_for(p, "uk"), rng, system)
        if not isinstance(p.given, str) and rng.random() < 0.35:
            given = p.given[2]
        else:
            given = _romanise(given_uk, rng, system)
        if rng.random() < 0.2 and not p.central_asian:
            patronymic = _romanise(_patronymic_uk(father_uk, p.sex), rng, system)
        date_style = "iso"
        date = _date(p.birth, rng, p_year_only=0.3, p_missing=0.1, p_error=0.05, style="iso")
    if rng.random() < 0.04:
        family = _typo(family, rng)
    if rng.random() < 0.02:
        given = _typo(given, rng)
    if style == "ru_upper":
        family, given, patronymic = family.upper(), given.upper(), patronymic.upper()
    elif rng.random() < 0.15:
        family = family.upper()
    del date_style
    record = {"sex": "F" if p.sex == "f" else "M", "birth_date": date}
    if not full:
        record.update(family_name=family, given_name=given, patronymic=patronymic)
        return record
    parts = [given, patronymic, family] if patronymic else [given, family]
    order = rng.random()
    if style in ("ru_upper", "ru", "uk") or order < 0.3:
        parts = [family, given, patronymic] if patronymic else [family, given]
    record["full_name"] = " ".join(x for x in parts if x)
    return record


def generate(n_register: int, n_inquiries: int, *, seed: int, full_names: bool = False) -> Dataset:
    rng = random.Random(seed)
    names = _Names(random.Random(seed ^ 0x5EED))
    data = Dataset(full_names=full_names)
    held: list[Person] = []
    key = 0
    # the register: persons, and for some of them a relative or namesake
    while len(data.register) < n_register:
        p = _person(rng, names, key)
        key += 1
        group = [p]
        if rng.random() < P_RELATIVE and len(data.register) + 1 < n_register:
            group.append(_relative(rng, p, key, names))
            key += 1
        for q in group:
            rid = f"R{len(data.register) + 1:07d}"
            rec = _render(q, _weighted(rng, REGISTER_SCRIPT), rng, full_names)
            data.register.append({"id": rid, **rec})
            held.append(q)
            q.key = len(data.register) - 1
    # inquiries: most seek someone held, some someone who is not
    for i in range(n_inquiries):
        lid = f"Q{i + 1:07d}"
        style = _weighted(rng, INQUIRY_STYLE)
        if rng.random() < P_NOT_IN_REGISTER:
            p = _person(rng, names, -1)
            # half of them have a relative in the register: the hardest "not found"
            if rng.random() < 0.5 and held:
                p = _relative(rng, rng.choice(held), -1, names)
            data.truth[lid] = None
        else:
            p = rng.choice(held)
            data.truth[lid] = data.register[p.key]["id"]
        data.inquiries.append({"id": lid, **_render(p, style, rng, full_names)})
    return data


def write(data: Dataset, directory: str | Path) -> tuple[Path, Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cols = (
        ["id", "full_name", "sex", "birth_date"]
        if data.full_names
        else ["id", "family_name", "given_name", "patronymic", "sex", "birth_date"]
    )
    paths = []
    for name, rows in (("inquiries.csv", data.inquiries), ("register.csv", data.register)):
        path = directory / name
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
        paths.append(path)
    truth = directory / "truth.csv"
    with open(truth, "w", newline="", encoding="utf-8") as f:
        w2 = csv.writer(f)
        w2.writerow(["left_id", "right_id"])
        for lid, rid in data.truth.items():
            w2.writerow([lid, rid or ""])
    return paths[0], paths[1], truth
