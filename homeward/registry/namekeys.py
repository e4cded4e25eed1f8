"""Script-free search keys for names: what lets "Петренко", "PETRENKO" and "Petrenko" meet.

A key is a lossy phonetic skeleton over a–z. Ukrainian and Russian Cyrillic map into one reduced
alphabet; Latin spellings in the common romanisations (national 2010, BGN/PCGN, passport,
scholarly, German, informal English) are folded into the same one. It favours recall: the list
shows every candidate and a person decides. The matching engine (homeward.linkage) does the
careful scoring; these keys only serve the register's search box and must stay prefix-stable
(the key of "Петр" is a prefix of the key of "Петренко") because search matches prefixes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "e",
    "ё": "e",
    "ж": "z",
    "з": "z",
    "и": "i",
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
    "х": "g",
    "ц": "c",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "u",
    "я": "a",
    "'": "",
    "’": "",
    "ʼ": "",
}
# Latin digraphs first, longest first: each becomes the letter its Cyrillic original maps to.
_LATIN_RULES = [
    ("schtsch", "s"),
    ("shtch", "s"),
    ("shch", "s"),
    ("chtch", "s"),
    ("tsch", "c"),
    ("sch", "s"),
    ("tch", "c"),
    ("zh", "z"),
    ("kh", "g"),
    ("ch", "c"),
    ("sh", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("yu", "u"),
    ("iu", "u"),
    ("ju", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("ja", "a"),
    ("ye", "e"),
    ("ie", "e"),
    ("je", "e"),
    ("yi", "i"),
    ("yo", "e"),
    ("jo", "e"),
    ("ou", "u"),
    ("ph", "f"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("h", "g"),
    ("y", "i"),
    ("j", "i"),
]
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)
_NOT_AZ = re.compile(r"[^a-z]")


def _is_cyrillic(ch: str) -> bool:
    return "CYRILLIC" in unicodedata.name(ch, "")


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    text = unicodedata.normalize("NFC", token.strip().lower())
    if any(_is_cyrillic(c) for c in text):
        text = "".join(_CYRILLIC.get(c, c) for c in text)
    text = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], anyascii(text).lower())
    text = _NOT_AZ.sub("", text)
    return re.sub(r"(.)\1+", r"\1", text)  # doubled letters: Anna/Ana, Illia/Ilia


# Ukrainian, Russian and Latin forms of one given name, with common diminutives. The skeleton
# already merges many pairs (Іван/Иван); these are the ones it cannot.
_EQUIVALENT_GIVEN_NAMES = [
    "Олександр Александр Oleksandr Aleksandr Alexander Alexandre Alessandro Sasha Саша Шура",
    "Олексій Алексей Oleksii Aleksei Alexei Alexey Alexis Льоша Лёша Алёша Олекса",
    "Сергій Сергей Serhii Sergei Sergey Serge Sergiy Сергійко Серёжа Сірожа",
    "Микола Николай Mykola Nikolai Nikolay Nicholas Nicolas Kolya Коля",
    "Андрій Андрей Andrii Andrei Andrey Andrew Andreas André Андрюша",
    "Дмитро Дмитрий Dmytro Dmitrii Dmitry Dmitri Dima Діма Дима Митя",
    "Юрій Юрий Yurii Yuri Yury Iurii Jurij George Юра",
    "Євген Евгений Yevhen Evgenii Evgeny Yevgeny Eugene Женя Євгеній",
    "Іван Иван Ivan John Johann Jean Ваня",
    "Петро Петр Пётр Petro Pyotr Petr Peter Pierre Петя",
    "Павло Павел Pavlo Pavel Paul Паша",
    "Михайло Михаил Mykhailo Mikhail Mikhailo Michael Michel Misha Миша",
    "Володимир Владимир Volodymyr Vladimir Wladimir Volodya Вова Володя",
    "Василь Василий Vasyl Vasilii Vasily Vasiliy Basil Вася",
    "Ігор Игорь Ihor Igor",
    "Григорій Григорий Hryhorii Grigorii Grigory Gregory Гриша",
    "Федір Федор Фёдор Fedir Fedor Fyodor Theodore",
    "Яків Яков Yakiv Yakov Jacob",
    "Ілля Илья Illia Ilya Elijah",
    "Костянтин Константин Kostiantyn Konstantin Constantine Костя",
    "Степан Stepan Stefan Stephen Степа",
    "Артем Артём Artem Artyom",
    "Віталій Виталий Vitalii Vitaly",
    "Анатолій Анатолий Anatolii Anatoly Толя",
    "Вячеслав В'ячеслав Viacheslav Vyacheslav Slava Слава",
    "Станіслав Станислав Stanislav Stanislaw",
    "Ганна Анна Hanna Anna Ann Ганя Аня",
    "Олена Елена Olena Elena Yelena Helen Helena Лена",
    "Наталія Наталья Наталия Natalia Natalya Natalie Наташа",
    "Ольга Olha Olga Оля",
    "Тетяна Татьяна Tetiana Tatiana Tatyana Таня",
    "Катерина Екатерина Kateryna Ekaterina Yekaterina Catherine Катя",
    "Марія Мария Mariia Maria Mary Marie Маша",
    "Ірина Ирина Iryna Irina Irene Іра Ира",
    "Юлія Юлия Yuliia Yulia Julia Julie",
    "Світлана Светлана Svitlana Svetlana Світла Света",
    "Галина Halyna Galina Галя",
    "Надія Надежда Nadiia Nadezhda Надя",
    "Віра Вера Vira Vera",
    "Любов Любовь Liubov Lyubov Люба",
    "Алішер Алишер Alisher",
    "Бахтієр Бахтиёр Бахтиер Bakhtiyor Bakhtiyar",
]


def _build_classes() -> dict[str, frozenset[str]]:
    index: dict[str, frozenset[str]] = {}
    for line in _EQUIVALENT_GIVEN_NAMES:
        keys = frozenset(k for k in (skeleton(w) for w in line.split()) if k)
        for k in keys:
            index[k] = index.get(k, frozenset()) | keys
    return index


_CLASSES = _build_classes()


def given_name_variants(token: str) -> set[str]:
    key = skeleton(token)
    return set(_CLASSES.get(key, ())) | ({key} if key else set())
