"""A synthetic population for the demo and the register benchmark. Pure Python; no Django.

Every person generated here is synthetic: names are drawn at random from common-name pools, so a
combination may coincide with a real person's name by chance, never by design; birth dates, units
and service numbers are random. The generator writes names the way each side's clerks do:
Ukrainian clerks write Russian soldiers' names in Ukrainian Cyrillic (Олександр, Іванов, Алексєєв);
Russian clerks write Ukrainians' names in Russian (Александр, Олейник, Хмельницкий); foreigners
mostly in Latin. Each person also carries the other script's spelling and sometimes a Latin one,
which the demo adds as further spellings from other sources.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# Given names: (Ukrainian, Russian, Ukrainian patronymic m/f, Russian patronymic m/f).
MALE = [
    ("Олександр", "Александр", "Олександрович", "Олександрівна", "Александрович", "Александровна"),
    ("Сергій", "Сергей", "Сергійович", "Сергіївна", "Сергеевич", "Сергеевна"),
    ("Андрій", "Андрей", "Андрійович", "Андріївна", "Андреевич", "Андреевна"),
    ("Дмитро", "Дмитрий", "Дмитрович", "Дмитрівна", "Дмитриевич", "Дмитриевна"),
    ("Микола", "Николай", "Миколайович", "Миколаївна", "Николаевич", "Николаевна"),
    ("Юрій", "Юрий", "Юрійович", "Юріївна", "Юрьевич", "Юрьевна"),
    ("Іван", "Иван", "Іванович", "Іванівна", "Иванович", "Ивановна"),
    ("Петро", "Пётр", "Петрович", "Петрівна", "Петрович", "Петровна"),
    ("Павло", "Павел", "Павлович", "Павлівна", "Павлович", "Павловна"),
    ("Михайло", "Михаил", "Михайлович", "Михайлівна", "Михайлович", "Михайловна"),
    ("Володимир", "Владимир", "Володимирович", "Володимирівна", "Владимирович", "Владимировна"),
    ("Василь", "Василий", "Васильович", "Василівна", "Васильевич", "Васильевна"),
    ("Ігор", "Игорь", "Ігорович", "Ігорівна", "Игоревич", "Игоревна"),
    ("Олег", "Олег", "Олегович", "Олегівна", "Олегович", "Олеговна"),
    ("Віктор", "Виктор", "Вікторович", "Вікторівна", "Викторович", "Викторовна"),
    ("Богдан", "Богдан", "Богданович", "Богданівна", "Богданович", "Богдановна"),
    ("Роман", "Роман", "Романович", "Романівна", "Романович", "Романовна"),
    ("Максим", "Максим", "Максимович", "Максимівна", "Максимович", "Максимовна"),
    ("Денис", "Денис", "Денисович", "Денисівна", "Денисович", "Денисовна"),
    ("Артем", "Артём", "Артемович", "Артемівна", "Артёмович", "Артёмовна"),
    ("Віталій", "Виталий", "Віталійович", "Віталіївна", "Витальевич", "Витальевна"),
    ("Євген", "Евгений", "Євгенович", "Євгенівна", "Евгеньевич", "Евгеньевна"),
    ("Олексій", "Алексей", "Олексійович", "Олексіївна", "Алексеевич", "Алексеевна"),
    ("Григорій", "Григорий", "Григорович", "Григорівна", "Григорьевич", "Григорьевна"),
    ("Степан", "Степан", "Степанович", "Степанівна", "Степанович", "Степановна"),
    ("Ярослав", "Ярослав", "Ярославович", "Ярославівна", "Ярославович", "Ярославовна"),
    (
        "Костянтин",
        "Константин",
        "Костянтинович",
        "Костянтинівна",
        "Константинович",
        "Константиновна",
    ),
    ("Вадим", "Вадим", "Вадимович", "Вадимівна", "Вадимович", "Вадимовна"),
    ("Руслан", "Руслан", "Русланович", "Русланівна", "Русланович", "Руслановна"),
    ("Анатолій", "Анатолий", "Анатолійович", "Анатоліївна", "Анатольевич", "Анатольевна"),
    ("Станіслав", "Станислав", "Станіславович", "Станіславівна", "Станиславович", "Станиславовна"),
    ("Ілля", "Илья", "Ілліч", "Іллівна", "Ильич", "Ильинична"),
    ("Федір", "Фёдор", "Федорович", "Федорівна", "Фёдорович", "Фёдоровна"),
    ("Яків", "Яков", "Якович", "Яківна", "Яковлевич", "Яковлевна"),
    ("Тарас", "Тарас", "Тарасович", "Тарасівна", "Тарасович", "Тарасовна"),
    ("Назар", "Назар", "Назарович", "Назарівна", "Назарович", "Назаровна"),
]
FEMALE = [
    ("Ганна", "Анна"),
    ("Олена", "Елена"),
    ("Наталія", "Наталья"),
    ("Ольга", "Ольга"),
    ("Тетяна", "Татьяна"),
    ("Катерина", "Екатерина"),
    ("Марія", "Мария"),
    ("Ірина", "Ирина"),
    ("Юлія", "Юлия"),
    ("Світлана", "Светлана"),
    ("Оксана", "Оксана"),
    ("Людмила", "Людмила"),
    ("Галина", "Галина"),
    ("Вікторія", "Виктория"),
    ("Надія", "Надежда"),
    ("Віра", "Вера"),
]
# Ukrainian surnames: (Ukrainian, Russian clerk's form); a trailing "|" marks an adjectival surname
# whose feminine form changes (-ський/-ська, -ский/-ская).
UA_SURNAMES = [
    ("Шевченко", "Шевченко"),
    ("Коваленко", "Коваленко"),
    ("Бондаренко", "Бондаренко"),
    ("Ткаченко", "Ткаченко"),
    ("Кравченко", "Кравченко"),
    ("Олійник", "Олейник"),
    ("Мельник", "Мельник"),
    ("Поліщук", "Полищук"),
    ("Лисенко", "Лысенко"),
    ("Савченко", "Савченко"),
    ("Руденко", "Руденко"),
    ("Петренко", "Петренко"),
    ("Мороз", "Мороз"),
    ("Марченко", "Марченко"),
    ("Бойко", "Бойко"),
    ("Ткачук", "Ткачук"),
    ("Кравчук", "Кравчук"),
    ("Коваль", "Коваль"),
    ("Шевчук", "Шевчук"),
    ("Романенко", "Романенко"),
    ("Левченко", "Левченко"),
    ("Гончаренко", "Гончаренко"),
    ("Павленко", "Павленко"),
    ("Кузьменко", "Кузьменко"),
    ("Литвиненко", "Литвиненко"),
    ("Мазур", "Мазур"),
    ("Клименко", "Клименко"),
    ("Карпенко", "Карпенко"),
    ("Савчук", "Савчук"),
    ("Лук'яненко", "Лукьяненко"),
    ("Білик", "Белик"),
    ("Гнатюк", "Гнатюк"),
    ("Яковенко", "Яковенко"),
    ("Сидоренко", "Сидоренко"),
    ("Костенко", "Костенко"),
    ("Власенко", "Власенко"),
    ("Приходько", "Приходько"),
    ("Дорошенко", "Дорошенко"),
    ("Ковальчук", "Ковальчук"),
    ("Остапчук", "Остапчук"),
    ("Захарченко", "Захарченко"),
    ("Гаврилюк", "Гаврилюк"),
    ("Іващенко", "Иващенко"),
    ("Пономаренко", "Пономаренко"),
    ("Мирошниченко", "Мирошниченко"),
    ("Тимошенко", "Тимошенко"),
    ("Юрченко", "Юрченко"),
    ("Панченко", "Панченко"),
    ("Вовк", "Вовк"),
    ("Гуменюк", "Гуменюк"),
    ("Дяченко", "Дьяченко"),
    ("Степаненко", "Степаненко"),
    ("Демченко", "Демченко"),
    ("Щербак", "Щербак"),
    ("Федоренко", "Федоренко"),
    ("Зінченко", "Зинченко"),
    ("Хмельницьк|", "Хмельницк|"),
    ("Ковальськ|", "Ковальск|"),
    ("Заславськ|", "Заславск|"),
    ("Яворськ|", "Яворск|"),
    ("Бережн|", "Бережн|"),
    ("Гайдамака", "Гайдамака"),
]
RU_SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов "
    "Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов "
    "Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов "
    "Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Щербаков "
    "Назаров Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв "
    "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Трофимов Леонов Соболев Ермаков Колесников "
    "Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов"
).split()
CENTRAL_ASIAN = {
    "UZ": (
        "Каримов Рахимов Юсупов Исмаилов Хасанов Турсунов Саидов Эргашев Шарипов Усманов Мирзаев".split(),
        "Алишер Бахтиёр Фаррух Шерзод Жасур Улугбек Бекзод Даврон Дилшод Санжар Тимур Рустам".split(),
    ),
    "TJ": (
        "Рахмонов Сафаров Бобоев Холов Мирзоев Назаров Каримзода Шарифов".split(),
        "Фируз Далер Манучехр Сухроб Фаридун Рустам Джамшед Бахром".split(),
    ),
    "KZ": (
        "Нурланов Жумабаев Серикбаев Абенов Омаров Ахметов Байжанов Искаков".split(),
        "Нурсултан Азамат Айдар Ержан Арман Бакыт Нурлан Дамир".split(),
    ),
    "KG": (
        "Токтогулов Асанов Усенов Сыдыков Абдыкеримов Жээнбеков".split(),
        "Азамат Бакыт Эрлан Мирлан Нурбек Тилек".split(),
    ),
}
OTHER_RU_FORCES = (  # Chechen, Dagestani, Buryat and Tuvan names in the Russian forces
    "Магомедов Гаджиев Абдулаев Алиев Цыренов Дондоков Очиров Ооржак Монгуш".split(),
    "Магомед Ахмед Руслан Шамиль Баир Аюр Саян Батор".split(),
)
# Foreign nationals in each side's hands: country → (family names, given names), Latin script.
FOREIGN_HELD_BY = {
    "UA": {
        "NP": (
            "Gurung Tamang Rai Magar Thapa Shrestha".split(),
            "Bishnu Ram Hari Krishna Suman Bikash".split(),
        ),
        "IN": ("Kumar Singh Sharma Yadav".split(), "Rahul Amit Vikas Sunil".split()),
        "CU": ("Pérez González Rodríguez Hernández".split(), "Yoandri Yasiel Alexei Raúl".split()),
        "RS": ("Jovanović Petrović Nikolić Ilić".split(), "Marko Nikola Stefan Dejan".split()),
        "LK": ("Perera Fernando Silva Jayasinghe".split(), "Nuwan Kasun Chaminda Ruwan".split()),
        "SO": ("Abdi Mohamed Hassan Farah".split(), "Ahmed Hassan Abdirahman Omar".split()),
    },
    "RU": {
        "GE": (
            "Beridze Kapanadze Gelashvili Maisuradze".split(),
            "Giorgi Levan Davit Irakli".split(),
        ),
        "GB": ("Smith Jones Taylor Brown".split(), "James Daniel Thomas Andrew".split()),
        "US": ("Johnson Miller Davis Wilson".split(), "Michael John Robert David".split()),
        "CO": ("García Martínez López Ramírez".split(), "Andrés Juan Carlos Felipe".split()),
        "HR": ("Horvat Kovačević Babić Marić".split(), "Ivan Luka Josip Ante".split()),
        "SE": ("Andersson Johansson Karlsson".split(), "Erik Lars Johan".split()),
    },
}
RANKS_UA = (
    ["солдат"] * 10
    + ["старший солдат"] * 5
    + ["молодший сержант"] * 3
    + ["сержант"] * 3
    + [
        "старший сержант",
        "головний сержант",
        "штаб-сержант",
        "молодший лейтенант",
        "лейтенант",
        "старший лейтенант",
        "капітан",
        "майор",
    ]
)
RANKS_RU = (
    ["рядовой"] * 10
    + ["ефрейтор"] * 5
    + ["младший сержант"] * 3
    + ["сержант"] * 3
    + [
        "старший сержант",
        "старшина",
        "прапорщик",
        "лейтенант",
        "старший лейтенант",
        "капитан",
        "майор",
    ]
)
FRONT = [
    "Бахмут",
    "Авдіївка",
    "Маріуполь",
    "Сєвєродонецьк",
    "Лисичанськ",
    "Вугледар",
    "Куп'янськ",
    "Покровськ",
    "Торецьк",
    "Часів Яр",
    "Кліщіївка",
    "Роботине",
    "Курська обл., Суджа",
    "Курська обл., Гуєво",
    "Вовчанськ",
    "Кремінна",
    "Херсонська обл., Кринки",
    "Оріхів",
]
CAMPS = {
    "UA": ["Табір №1", "Табір №3", "Західний табір", "Установа №8"],
    "RU": ["ИК-10", "СИЗО-2", "ИК-1", "Колония №7", "СИЗО-1"],
}
# Offensives: weights over capture dates make bursts, as real capture counts have.
BURSTS = [
    (dt.date(2022, 3, 1), 4),
    (dt.date(2022, 5, 15), 6),
    (dt.date(2022, 9, 10), 5),
    (dt.date(2023, 5, 20), 4),
    (dt.date(2023, 10, 15), 3),
    (dt.date(2024, 2, 17), 5),
    (dt.date(2024, 8, 10), 6),
    (dt.date(2025, 3, 10), 3),
    (dt.date(2025, 9, 1), 3),
    (dt.date(2026, 5, 1), 2),
]
START, END = dt.date(2022, 2, 24), dt.date(2026, 10, 31)

_RU_TO_UK = str.maketrans({"ы": "и", "э": "е", "ъ": "'", "Ы": "И", "Э": "Е"})


def ru_to_uk(name: str) -> str:
    """A Russian name as a Ukrainian clerk writes it: Иванов → Іванов, Ермаков → Єрмаков,
    Алексеев → Алексєєв, Соловьёв → Соловйов, Кузьмин → Кузьмін. (Approximate, as clerks are.)"""
    out = name.replace("ьё", "йо").replace("ьи", "ьї").replace("ье", "ьє").replace("ё", "ьо")
    vowels = "аеиоуыэюяєіїАЕИОУЫЭЮЯЄІЇ"
    chars = []
    for i, c in enumerate(out):
        first_or_after_vowel = i == 0 or out[i - 1] in vowels
        if c in "еЕ" and first_or_after_vowel:
            chars.append("є" if c == "е" else "Є")
        elif c in "иИ" and first_or_after_vowel:
            chars.append("і" if c == "и" else "І")
        else:
            chars.append(c)
    text = "".join(chars).translate(_RU_TO_UK)
    return text[:-2] + "ін" if text.endswith("ин") else text


_UK_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
}
_RU_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}


def latin(name: str, table: dict[str, str]) -> str:
    """A passport-style romanisation (Ukrainian 2010 or Russian BGN-like), capitalised."""
    out = "".join(table.get(c, c) for c in name.lower())
    return "-".join(part.capitalize() for part in out.split("-"))


@dataclass
class Event:
    kind: str
    date: str
    source_kind: str
    place: str = ""
    note: str = ""


@dataclass
class Detainee:
    family_name: str
    given_name: str
    patronymic: str
    sex: str
    birth_date: str | None
    birth_place: str
    nationalities: list[str]
    home_party: str | None
    category: str
    rank: str
    unit: str
    service_number: str
    captured_on: str
    capture_place: str
    internment_place: str
    wounded: bool
    father_name: str = ""
    history: list[Event] = field(default_factory=list)
    # Other spellings: (family, given, patronymic), as the other side or a family writes them.
    spellings: list[tuple[str, str, str]] = field(default_factory=list)


def _capture_date(rng: random.Random) -> dt.date:
    if rng.random() < 0.6:
        centre, weeks = rng.choices(BURSTS, weights=[w for _, w in BURSTS])[0]
        day = centre + dt.timedelta(days=int(rng.gauss(0, weeks * 7)))
    else:
        day = START + dt.timedelta(days=rng.randrange((END - START).days))
    return min(max(day, START), END)


def _birth(rng: random.Random, captured: dt.date) -> tuple[dt.date, str | None]:
    age = max(18, min(62, int(rng.gauss(33, 9))))
    born = captured - dt.timedelta(days=age * 365 + rng.randrange(365))
    r = rng.random()
    text = (
        born.isoformat()
        if r < 0.82
        else born.strftime("%Y-%m")
        if r < 0.9
        else str(born.year)
        if r < 0.97
        else None
    )
    return born, text


def _fem(surname: str, ukrainian: bool) -> str:
    if surname.endswith("|"):
        return surname[:-1] + ("а" if ukrainian else "ая")
    if surname.endswith(("ов", "ев", "ёв", "ин", "єв", "ьов", "йов")):
        return surname + "а"
    return surname


def _masc(surname: str, ukrainian: bool) -> str:
    if surname.endswith("|"):
        return surname[:-1] + ("ий" if ukrainian else "ий")
    return surname


def generate_detainees(n: int, *, detaining_party: str, seed: int = 0) -> list[Detainee]:
    """`n` synthetic persons held by `detaining_party` ("UA" or "RU"), deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(_one(rng, detaining_party, i))
    return out


def _one(rng: random.Random, holder: str, i: int) -> Detainee:
    captured = _capture_date(rng)
    r = rng.random()
    if r < 0.05:
        group = "foreign"
    elif holder == "UA" and r < 0.15:
        group = "central_asian"
    elif holder == "UA" and r < 0.19:
        group = "caucasus_siberia"
    else:
        group = "ukrainian" if holder == "RU" else "russian"
    civilian = rng.random() < (0.12 if holder == "RU" else 0.03)
    sex = "F" if rng.random() < (0.3 if civilian else 0.03) else "M"
    category = "civilian" if civilian else ("medical" if rng.random() < 0.015 else "military")
    if category == "military" and rng.random() < 0.003:
        category = "religious"
    father = rng.choice(MALE)
    spellings: list[tuple[str, str, str]] = []
    if group in ("ukrainian", "russian"):
        ukrainian = group == "ukrainian"
        if ukrainian:
            uk_s, ru_s = rng.choice(UA_SURNAMES)
        else:
            ru_s = rng.choice(RU_SURNAMES)
            uk_s = ru_to_uk(ru_s)
        if sex == "M":
            g = rng.choice(MALE)
            uk_g, ru_g = g[0], g[1]
            uk_p, ru_p = father[2], father[4]
            uk_f, ru_f = _masc(uk_s, True), _masc(ru_s, False)
        else:
            uk_g, ru_g = rng.choice(FEMALE)
            uk_p, ru_p = father[3], father[5]
            uk_f, ru_f = _fem(uk_s, True), _fem(ru_s, False)
        # The detaining party's clerk writes in its own language.
        if holder == "UA":
            fam, giv, pat = uk_f, uk_g, uk_p
            spellings.append((ru_f, ru_g, ru_p))
            if rng.random() < 0.2:
                spellings.append((latin(ru_f, _RU_LATIN), latin(ru_g, _RU_LATIN), ""))
        else:
            fam, giv, pat = ru_f, ru_g, ru_p
            spellings.append((uk_f, uk_g, uk_p))
            if rng.random() < 0.2:
                spellings.append((latin(uk_f, _UK_LATIN), latin(uk_g, _UK_LATIN), ""))
        if rng.random() < 0.12:
            pat = ""  # clerks leave it out now and then
        nationalities = ["UA" if ukrainian else "RU"]
        home: str | None = "UA" if ukrainian else "RU"
        birth_place = rng.choice(
            ["Київ", "Харків", "Дніпро", "Одеса", "Львів", "Запоріжжя", "Полтава"]
            if ukrainian
            else [
                "Москва",
                "Ростов-на-Дону",
                "Краснодар",
                "Новосибирск",
                "Екатеринбург",
                "Самара",
                "Челябинск",
                "Омск",
            ]
        )
    elif group in ("central_asian", "caucasus_siberia"):
        if group == "central_asian":
            country = rng.choice(list(CENTRAL_ASIAN))
            surnames, givens = CENTRAL_ASIAN[country]
        else:
            country, (surnames, givens) = "RU", OTHER_RU_FORCES
        sex = "M"
        fam_ru, giv_ru = rng.choice(surnames), rng.choice(givens)
        father_giv = rng.choice(givens)
        pat_ru = father_giv + ("ович" if father_giv[-1] not in "йь" else "евич")
        fam, giv, pat = ru_to_uk(fam_ru), giv_ru, ru_to_uk(pat_ru)
        spellings.append((fam_ru, giv_ru, pat_ru))
        if country == "UZ":
            father_lat = latin(father_giv, _RU_LATIN).replace("Kh", "X").replace("kh", "x")
            spellings.append(
                (
                    latin(fam_ru, _RU_LATIN).replace("Kh", "X"),
                    latin(giv_ru, _RU_LATIN).replace("Kh", "X"),
                    f"{father_lat} o'g'li",
                )
            )
        nationalities = [country] if country == "RU" or rng.random() < 0.6 else [country, "RU"]
        home = "RU" if "RU" in nationalities else None
        birth_place = {"UZ": "Самарканд", "TJ": "Душанбе", "KZ": "Шымкент", "KG": "Ош"}.get(
            country, "Махачкала"
        )
    else:
        country = rng.choice(list(FOREIGN_HELD_BY[holder]))
        surnames, givens = FOREIGN_HELD_BY[holder][country]
        sex = "M"
        fam, giv, pat = rng.choice(surnames), rng.choice(givens), ""
        nationalities, home = [country], None
        birth_place = ""
    born, born_text = _birth(rng, captured)
    military = category == "military"
    rank = rng.choice(RANKS_RU if holder == "UA" else RANKS_UA) if military else ""
    if holder == "RU":
        unit = f"військова частина А{rng.randint(1000, 7999)}" if military else ""
        service = f"АА{rng.randint(100000, 999999)}" if military and rng.random() < 0.6 else ""
    else:
        unit = f"в/ч {rng.randint(10000, 99999)}" if military else ""
        service = (
            f"{rng.choice('АБВГДЕЖИКЛМНОП')}-{rng.randint(100000, 999999)}"
            if military and rng.random() < 0.6
            else ""
        )
    if group == "foreign" and military:
        unit = unit if rng.random() < 0.5 else ""
    d = Detainee(
        family_name=fam,
        given_name=giv,
        patronymic=pat,
        sex=sex,
        birth_date=born_text,
        birth_place=birth_place,
        nationalities=nationalities,
        home_party=home,
        category=category,
        rank=rank,
        unit=unit,
        service_number=service,
        captured_on=captured.isoformat(),
        capture_place=rng.choice(FRONT),
        internment_place=rng.choice(CAMPS[holder]),
        wounded=rng.random() < 0.08,
        father_name=father[0] if home == "UA" else father[1] if home == "RU" else "",
        spellings=spellings,
    )
    d.history = _history(rng, d, captured, holder)
    return d


def _history(rng: random.Random, d: Detainee, captured: dt.date, holder: str) -> list[Event]:
    """Events after capture, in date order, none after a final one, none after END."""
    events: list[Event] = []
    day = captured

    def add(kind: str, days: int, source_kind: str, place: str = "", note: str = "") -> bool:
        nonlocal day
        day = day + dt.timedelta(days=max(1, days))
        if day > END:
            return False
        events.append(Event(kind, day.isoformat(), source_kind, place, note))
        return True

    if rng.random() < 0.3:
        add("reported_captured", rng.randint(1, 10), "media")
    if d.wounded and rng.random() < 0.7:
        add("hospitalised", rng.randint(1, 20), "visit", d.internment_place)
    if rng.random() < 0.45:
        add("visited", rng.randint(30, 300), "visit", d.internment_place)
    if rng.random() < 0.08:
        add("transferred", rng.randint(20, 200), "notification", rng.choice(CAMPS[holder]))
    r = rng.random()
    if r < 0.01:
        add("died", rng.randint(20, 400), "notification")
    elif r < 0.02:
        add("refused_unverified", rng.randint(30, 300), "media")
    elif r < 0.026:
        add("refused_unverified", rng.randint(30, 300), "media")
        add(
            "refused_verified",
            rng.randint(10, 60),
            "interview",
            note="Private interview by the intermediary",
        )
    elif r < 0.03:
        add(
            "joined_forces", rng.randint(60, 400), "media", note="As claimed by the detaining party"
        )
    elif r < 0.035:
        add("escaped", rng.randint(30, 400), "media")
    elif d.category == "civilian" and r < 0.1:
        add("released", rng.randint(60, 700), "list")
    elif captured < dt.date(2025, 1, 1) and r < 0.3:
        add("exchanged", rng.randint(90, 700), "list")
    return events
