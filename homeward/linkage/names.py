"""Names across scripts: what lets "ПЕТРЕНКО АЛЕКСАНДР ИВАНОВИЧ", "Олександр Петренко" and
"Oleksandr Ivanovych Petrenko" meet.

Three forms of every name token:
- the *fine* form: the spelling itself, lower case, Ukrainian and Russian Cyrillic letters merged
  where one language writes what the other writes differently (і/и, є/е, ґ/г). Equal fine forms
  mean the same spelling.
- the *skeleton*: a lossy phonetic key over a–z into which Ukrainian and Russian Cyrillic and the
  common Latin romanisations (national 2010, BGN/PCGN, ISO 9, scholarly, passport/ICAO, German,
  French, informal English) all fold. Equal skeletons mean "could be one name".
- the *class* of a given name: Ukrainian, Russian and Latin forms and diminutives of one name
  (Олександр/Александр/Alexander/Sasha), from data/given_names.txt.

Surnames are also brought to their masculine form (Петрова → Петров, Ковальська → Ковальський)
and patronymics to the father's given name (Іванович/Ivanovych/Ivanovich → Іван; "Alisher
o'g'li"/Алишерович → Alisher).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from anyascii import anyascii
from rapidfuzz.distance import OSA

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
    "ў": "u",
    "қ": "k",
    "ғ": "g",
    "ҳ": "g",
    "ң": "n",
    "ү": "u",
    "ұ": "u",
    "ө": "o",
    "ә": "a",
    "'": "",
    "’": "",
    "ʼ": "",
}
# Latin digraphs first, longest first: each becomes the letter its Cyrillic original maps to.
_LATIN_RULES = [
    ("schtsch", "s"),
    ("iou", "u"),
    # і or и before я, є, ю: the Cyrillic skeleton's "ia" becomes "a", so "iia" must too
    # (Mariia, Andriienko, Dmytriiev; Russian Mariya, Andriyenko, Dmitriyev)
    ("iia", "a"),
    ("iie", "e"),
    ("iiu", "u"),
    ("iya", "a"),
    ("iye", "e"),
    ("iyu", "u"),
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
    ("w", "v"),
    ("q", "k"),
    ("h", "g"),
    ("y", "i"),
    ("j", "i"),
]
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)
_NOT_AZ = re.compile(r"[^a-z]")
# x is ks between vowels and at the end after one (Maxim, Alexander, Max), kh elsewhere (ISO 9
# and scholarly "Xarkiv", Uzbek "Shuxrat", "Axmedov").
_X_AFTER_VOWEL = re.compile(r"(?<=[aeiouy])x(?=[aeiouy]|$)")
_DOUBLE = re.compile(r"(.)\1+")
# "yo" or "jo" after a vowel is й + о (Hayovyy, Gajovij: Гайовий), not ё
_YO_AFTER_VOWEL = re.compile(r"(?<=[aeiou])[yj]o")
# ISO 9 and scholarly romanisations write Cyrillic letters with diacritics: fold those to the
# digraphs the other systems use before anyascii would drop the difference (č → ch, not c).
_DIACRITICS = {
    "č": "ch",
    "š": "sh",
    "ž": "zh",
    "ŝ": "shch",
    "ǵ": "g",
    "ì": "i",
    "ï": "yi",
    "ê": "ye",
    "è": "e",
    "ë": "e",  # BGN writes Соловьёв "Solov'yëv": the y is its sign of softness
    "ĭ": "i",
    "û": "yu",
    "â": "ya",
    "ʹ": "",
    "ʺ": "",
    "ḥ": "kh",
    "ö": "o",
    "ü": "u",
    "ä": "a",
}
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`-][^\W\d_]+)*", re.UNICODE)

_UK_LETTER = re.compile("[іїєґІЇЄҐ]")
_RU_LETTER = re.compile("[ыэъёЫЭЪЁ]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


def detect_script(text: str) -> str:
    """'uk', 'ru', 'cyrillic' (either), 'latin' or 'other'."""
    if _UK_LETTER.search(text):
        return "uk"
    if _RU_LETTER.search(text):
        return "ru"
    if _CYRILLIC_LETTER.search(text):
        return "cyrillic"
    if any(c.isalpha() for c in text):
        return "latin" if anyascii(text) == text or text.isascii() else _latin_or_other(text)
    return "other"


def _latin_or_other(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return "latin" if latin == len(letters) else "other"


def tokens(text: str) -> list[str]:
    """The words of a name. Composed first: a letter typed as a base and a combining accent
    (z + ◌̌, as some keyboards and PDFs write ž) is one letter, not a word break."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text or ""))


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    text = unicodedata.normalize("NFC", token.strip().lower())
    if any(_is_cyrillic(c) for c in text):
        # сч is said щ, and Latin lists write it "sch" (Нілісчук, Nilischuk)
        text = "".join(_CYRILLIC.get(c, c) for c in text.replace("сч", "щ"))
    else:
        text = "".join(_DIACRITICS.get(c, c) for c in text)
    text = anyascii(text).lower()
    text = _YO_AFTER_VOWEL.sub("io", text)
    text = _X_AFTER_VOWEL.sub("ks", text).replace("x", "h")
    text = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], text)
    text = _NOT_AZ.sub("", text)
    return _DOUBLE.sub(r"\1", text)  # doubled letters: Anna/Ana, Illia/Ilia


_FINE_CYRILLIC = str.maketrans({"і": "и", "ї": "и", "ы": "и", "є": "е", "э": "е", "ё": "е"})


@lru_cache(maxsize=262144)
def fine(token: str) -> str:
    """The spelling itself, lower case; Ukrainian/Russian letter pairs merged; apostrophes and
    hyphens dropped."""
    text = unicodedata.normalize("NFC", token.strip().lower()).replace("ґ", "г")
    text = text.translate(_FINE_CYRILLIC)
    return "".join(c for c in text if c.isalpha())


# Surnames: feminine forms to masculine, on skeletons (-ова/-ova → -ов, -ська/-skaya → -ський).
_FEMININE = [("ska", "ski"), ("cka", "cki"), ("zka", "zki"), ("ova", "ov"), ("eva", "ev")]
_FEMININE_INA = re.compile(r"(?<=[^aeiou])ina$")


@lru_cache(maxsize=262144)
def surname_key(text: str) -> str:
    """The skeleton of a whole surname (hyphens and spaces joined), in its masculine form."""
    return _masculine("".join(skeleton(t) for t in tokens(text)))


def _masculine(key: str) -> str:
    for fem, masc in _FEMININE:
        if key.endswith(fem) and len(key) > len(fem) + 1:
            return key[: -len(fem)] + masc
    if len(key) > 4 and _FEMININE_INA.search(key):
        return key[:-1]
    return key


# ----------------------------------------------------------------------------- other readings

# A Latin surname read by another convention than the skeleton's (which follows the English-based
# systems: ch = ч, sh = ш, zh = ж, j = й, c = ц): German (sch = ш, tsch = ч, ch = х, z = ц, s
# before a vowel = з, w = в), French (ch = ш, tch = ч, j = ж, ou = у, gu = г) and the 2004 passport
# style (c = к, j = ж: "Covalenco"). Each is spelt back into Cyrillic and keyed as a Cyrillic
# surname would be, so "Schewtschenko", "Chevtchenko" and "Covalenco" meet Шевченко and Коваленко
# as the same name rather than as one that only sounds alike.
_LATIN_LETTERS = dict(zip("abcdefghijklmnopqrstuvwyz", "абцдефггийклмнопкрстуввиз", strict=True))
_LATIN_LETTERS["x"] = "кс"
_CONVENTIONS: dict[str, tuple[list[tuple[str, str]], dict[str, str]]] = {
    "de": (
        [
            ("schtsch", "щ"),
            ("tsch", "ч"),
            ("sch", "ш"),
            ("sh", "ж"),
            ("ch", "х"),
            ("ss", "с"),
            ("tz", "ц"),
            ("ju", "ю"),
            ("ja", "я"),
            ("je", "е"),
            ("jo", "ё"),
            ("ij", "ий"),
        ],
        # x: the scholarly systems' х (Troxenko), which no German spelling uses
        {"z": "ц", "j": "й", "w": "в", "s": "с", "h": "г", "y": "и", "x": "х"},
    ),
    "fr": (
        [
            ("chtch", "щ"),
            ("tch", "ч"),
            ("dj", "дж"),
            ("ch", "ш"),
            ("kh", "х"),
            ("ou", "у"),
            ("gue", "ге"),
            ("gui", "ги"),
            ("ss", "с"),
            ("ts", "ц"),
            ("iou", "ю"),
            ("ia", "я"),
            ("io", "ё"),
            ("ie", "е"),
        ],
        {"j": "ж", "s": "с", "y": "и"},
    ),
    "pc": (
        [
            ("shch", "щ"),
            ("ch", "ч"),
            ("sh", "ш"),
            ("zh", "ж"),
            ("kh", "х"),
            ("ts", "ц"),
            ("iu", "ю"),
            ("ia", "я"),
            ("ie", "є"),
            ("yi", "ї"),
        ],
        {"c": "к", "j": "ж", "y": "и"},
    ),
}
_CONVENTION_RE = {
    name: re.compile("|".join(re.escape(a) for a, _ in rules) + "|[a-z]")
    for name, (rules, _) in _CONVENTIONS.items()
}
# each convention's whole table: its digraphs, its own letters, then the common letters
_CONVENTION_TABLE = {
    name: {**_LATIN_LETTERS, **letters, **dict(rules)}
    for name, (rules, letters) in _CONVENTIONS.items()
}
# з is "s" and с "ss" between vowels; first in a name "s" is either, and с the commoner
_S_BEFORE_VOWEL = re.compile(r"(?<=[aeiouy])s(?=[aeiouy])")


def _read_as(text: str, convention: str) -> str:
    table = _CONVENTION_TABLE[convention]
    low = anyascii(unicodedata.normalize("NFC", text.lower())).lower()
    if convention in ("de", "fr"):  # a single s between vowels is з (marked "3" meanwhile)
        low = _S_BEFORE_VOWEL.sub("3", low)
    return (
        _CONVENTION_RE[convention].sub(lambda m: table.get(m.group(0), ""), low).replace("3", "з")
    )


@lru_cache(maxsize=262144)
def surname_readings(text: str) -> tuple[str, str, str]:
    """A Latin surname's key read the German, the French and the 2004-passport way ("" where the
    reading is the skeleton's own, or the surname is not in Latin letters)."""
    if detect_script(text) != "latin":
        return "", "", ""
    own = surname_key(text)
    out = []
    for convention in ("de", "fr", "pc"):
        key = surname_key(" ".join(_read_as(t, convention) for t in tokens(text)))
        out.append(key if key != own else "")
    return out[0], out[1], out[2]


# A surname's Ukrainian and Russian forms differ in vowels the skeleton keeps apart: і is е
# (Білоус/Белоус, Пасічник/Пасечник), ій is ей (Олійник/Олейник), ьо and йо are ё (Корольов/
# Королёв, Соловйов/Соловьёв, Гайовий/Гаевой), о after ч, ж, ш is е (Чорновол/Черновол), and an
# adjective's ending is -ий in Ukrainian, -ый or -ой in Russian (Білий/Белый, Кривий/Кривой).
# The Russian reading applies them: compared with the other record's surname and with its own
# Russian reading, it finds the Russian form of a Ukrainian surname and the Ukrainian form of a
# Russian one, in Cyrillic or in a romanisation that keeps the letters (Bilous, Oliinyk, Soloviov,
# Kryvyi, Haiovyi, Kysel'ov; not Kovalov, whose ь national 2010 drops).
_UK_CONSONANT = "бвгґджзклмнпрстфхцчшщ"
_UK_VOWEL = "аеєиіїоуюяё"
_RUSSIAN_FORM_CYRILLIC = [
    (re.compile("[ьъ]о"), "ё"),
    (re.compile(f"(?<=[{_UK_CONSONANT}])йо"), "ё"),
    (re.compile(f"(?<=[{_UK_VOWEL}])йо"), "е"),
    (re.compile(f"і[йї](?=[{_UK_CONSONANT}])"), "ей"),
    (re.compile("і"), "е"),
    (re.compile("(?<=[чжш])о"), "е"),
    (re.compile("(?:[иіы]й|ой)$"), "ой"),
]
_LATIN_CONSONANT = "bcdfghklmnprstvwxz"
_RUSSIAN_FORM_LATIN = [
    (re.compile(f"(?<=[{_LATIN_CONSONANT}])[iy]o"), "e"),
    (re.compile("(?<=[aeiou])[iyj]o"), "e"),
    (re.compile("['’ʹʼ]o"), "e"),  # BGN and ISO 9 write ь as an apostrophe: Kysel'ov
    (re.compile(f"i[iy](?=[{_LATIN_CONSONANT}])"), "ei"),
    (re.compile(f"(?<=[{_LATIN_CONSONANT}])i(?=[{_LATIN_CONSONANT}])"), "e"),
    (re.compile("(?<=[cs]h)o"), "e"),
    (re.compile("(?:[iy][iyj]|o[iyj])$"), "oi"),
]


@lru_cache(maxsize=262144)
def surname_russian_reading(text: str) -> str:
    """The key of a surname read with the Ukrainian–Russian vowel correspondences above, or ""
    where that changes nothing. Two records agree on it, or one's reading is the other's key,
    when one writes the Ukrainian form and the other the Russian."""
    out = []
    for token in tokens(text):  # composed already
        low = token.lower()
        cyrillic = any(_is_cyrillic(c) for c in low)
        for pattern, repl in _RUSSIAN_FORM_CYRILLIC if cyrillic else _RUSSIAN_FORM_LATIN:
            low = pattern.sub(repl, low)
        out.append(low)
    key = _masculine("".join(skeleton(t) for t in out))
    return key if key != surname_key(text) else ""


@lru_cache(maxsize=262144)
def surname_consonants_apart(text: str) -> str:
    """For a surname in Cyrillic, its consonants with ш/с, ж/з, ч/ц and х/г kept apart ("" for any
    other script): the Russian reading may change vowels, never these (Шовкун is not Севкун)."""
    key = surname_cyrillic_key(text)
    return key[:1] + _VOWELS.sub("", key[1:]) if key else ""


@lru_cache(maxsize=262144)
def given_key_read(text: str) -> str:
    """A given name's skeleton (given_key), or, for a Latin one the table does not know, the
    skeleton of its German, French or 2004-passport reading when that one it knows
    ("Mycola", "Wiktor", "Djamchid")."""
    key = given_key(text)
    if not key or key in _CLASS_OF or key in _SHARED or detect_script(text) != "latin":
        return key
    first = tokens(text)[0]
    for convention in ("de", "fr", "pc"):
        other = skeleton(_read_as(first, convention))
        if other in _CLASS_OF:
            return other
    return key


# Letters whose romanisations collide (French and English "ch" is ш or ч, German "ch" is х):
# the first-letter block key takes them as one, so blocking does not lose these pairs.
_FIRST_LETTER = str.maketrans({"c": "s", "z": "s", "k": "g"})


def first_letter(key: str) -> str:
    return key[:1].translate(_FIRST_LETTER)


# Given names: also Ukrainian О for Russian А (Олександр/Александр, Олексій/Алексей).
_GIVEN_FIRST_LETTER = str.maketrans({"c": "s", "z": "s", "k": "g", "a": "o"})


def given_first_letter(key: str) -> str:
    return key[:1].translate(_GIVEN_FIRST_LETTER)


_VOWELS = re.compile(r"[aeiou]")
# Consonants that romanisations confuse: Latin c is ц in ISO 9 and к in the 2004 passport style
# ("Covchenco"), German Ch is х ("Choschkan"), French ch is ш; s and z are one sound apart.
_SOUNDS = str.maketrans({"c": "k", "g": "k", "z": "s"})


def consonant_key(key: str) -> str:
    """What a surname skeleton sounds like: its first letter and its consonants, with those
    romanisations confuse taken as one. Catches Ukrainian and Russian forms that differ by a vowel
    (Ковальов/Ковалев, Білоус/Белоус, Гордієнко/Гордеенко, Кривий/Кривой) and Latin c for к."""
    return (key[:1] + _VOWELS.sub("", key[1:])).translate(_SOUNDS)


def place_key(text: str) -> str:
    """A place name's skeleton, every word joined ("Кривий Ріг", "Kryvyi Rih" → "krivirig")."""
    return "".join(skeleton(t) for t in tokens(text))


# Letters the skeleton joins because romanisations confuse them (ш/с, ж/з, ч/ц, х/г) are
# distinct letters when both lists write Cyrillic: Шеменко and Семенко are two names.
_CYRILLIC_DISTINCT = {"ш": "w", "щ": "w", "ж": "j", "ч": "q", "х": "x", "ҳ": "x"}


@lru_cache(maxsize=262144)
def surname_cyrillic_key(text: str) -> str:
    """For a surname written in Cyrillic, its skeleton with those letters kept apart (Ukrainian
    and Russian vowels still one, feminine forms masculine); "" for any other script."""
    toks = tokens(text)
    if not toks or not all(any(_is_cyrillic(c) for c in t) for t in toks):
        return ""
    out = []
    for t in toks:
        low = unicodedata.normalize("NFC", t.lower())
        out.append("".join(_CYRILLIC_DISTINCT.get(c) or _CYRILLIC.get(c, "") for c in low))
    return _masculine(_DOUBLE.sub(r"\1", "".join(out)))


def surname_fine(text: str) -> str:
    return "".join(fine(t) for t in tokens(text))


# ----------------------------------------------------------------------------- given names


def _stem(key: str) -> str:
    """A given name's skeleton without its final vowels ("mikola" → "mikol", "sergii" → "serg"):
    what a patronymic keeps of the father's name."""
    stem = key.rstrip("aeiou")
    return stem or key


_GIVEN_NAMES_TEXT = resources.files(__package__).joinpath("data/given_names.txt").read_text("utf-8")


def _load_classes() -> tuple[
    dict[str, str], dict[str, str], dict[str, str], dict[tuple[str, str], str]
]:
    """(skeleton → class, stem → class, class → sex, (skeleton, sex) → class) from
    data/given_names.txt. Lines of one sex that share a form are one class (union–find), so the
    file may list a name twice. A form that names a man in one line and a woman in another
    (Женя: Євген and Євгенія; Леня and Лена, one skeleton: Леонід and Олена) joins nothing: it
    is in the last table only, and the record's sex decides it."""
    lines: list[tuple[str, list[str]]] = []
    sexes: dict[str, set[str]] = {}
    for raw in _GIVEN_NAMES_TEXT.splitlines():
        if not raw.strip() or raw.startswith(("#", "~")):
            continue
        sex, *forms = raw.split()
        keys = [k for k in (skeleton(f) for f in forms) if k]
        lines.append((sex, keys))
        for k in keys:
            sexes.setdefault(k, set()).add(sex)
    shared = {k for k, s in sexes.items() if len(s) > 1}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, keys in lines:
        own = [k for k in keys if k not in shared]
        if not own:
            raise ValueError(f"given_names.txt: every form of {keys} also names the other sex")
        for k in own[1:]:
            parent[find(k)] = find(own[0])
        find(own[0])
    # A class is named by its first-listed form (the Ukrainian one): stable and readable.
    name_of: dict[str, str] = {}
    sex_of: dict[str, str] = {}
    by_sex: dict[tuple[str, str], str] = {}
    for sex, keys in lines:
        root = find(next(k for k in keys if k not in shared))
        name_of.setdefault(root, keys[0])
        sex_of.setdefault(name_of[root], sex)
        for k in keys:
            if k in shared:
                by_sex.setdefault((k, sex), name_of[root])
    of_key = {k: name_of[find(k)] for k in parent}
    of_stem: dict[str, str] = {}
    for k, cls in of_key.items():
        of_stem.setdefault(_stem(k), cls)
    return of_key, of_stem, sex_of, by_sex


_CLASS_OF, _CLASS_OF_STEM, _SEX_OF, _CLASS_OF_BY_SEX = _load_classes()


def _load_ambiguous() -> dict[str, str]:
    """skeleton → "|class|class|…|": the "~ forms = names" lines of data/given_names.txt, pet
    forms of more than one name (Alex: Олександр or Олексій)."""
    out: dict[str, str] = {}
    for raw in _GIVEN_NAMES_TEXT.splitlines():
        if not raw.startswith("~"):
            continue
        forms, _, names = raw[1:].partition("=")
        classes = sorted({_CLASS_OF[skeleton(n)] for n in names.split()})
        if len(classes) < 2:
            raise ValueError(f"given_names.txt: {raw!r} names fewer than two classes")
        for form in forms.split():
            key = skeleton(form)
            if key in _CLASS_OF or key in _SHARED:
                raise ValueError(f"given_names.txt: {form} is already a listed form")
            out[key] = "|" + "|".join(classes) + "|"
    return out


_SHARED = {k for k, _ in _CLASS_OF_BY_SEX}
_AMBIGUOUS = _load_ambiguous()


def given_alternatives(key: str) -> str:
    """For a pet form of more than one name, "|class|class|" (the classes it may stand for, as
    given_class names them); "" for any other given name."""
    return _AMBIGUOUS.get(key, "")


def given_class(key: str, sex: str = "") -> str:
    """The class of a given name's skeleton; the skeleton itself for a name not in the table, or
    for one that names a man and a woman alike when `sex` ("M", "F") does not say which."""
    if key in _SHARED:
        # "?": not the other sex's class, whose name may be this very skeleton (Валерія's)
        return _CLASS_OF_BY_SEX.get((key, sex.lower())) or f"{key}?"
    return _CLASS_OF.get(key, key)


def is_feminine_surname(text: str) -> bool:
    """-ова, -ева, -ська, -цька and their romanisations: a woman's form (-ина is left out:
    Калина is a man's surname too)."""
    key = "".join(skeleton(t) for t in tokens(text))
    return any(key.endswith(fem) and len(key) > len(fem) + 1 for fem, _ in _FEMININE)


def is_known_given(token: str) -> bool:
    return skeleton(token) in _CLASS_OF


def given_key(text: str) -> str:
    """A given name's skeleton: its first token (a second given name is rare and often dropped)."""
    toks = tokens(text)
    return skeleton(toks[0]) if toks else ""


# Diminutive and affectionate endings on skeletons (Ігорчик, Тарасик, Дениско, Дімка, Павлусь,
# Игорек): what is left when one is taken off may be a listed name, its stem or its start.
_DIMINUTIVE_ENDINGS = ("ocka", "ecka", "onka", "enka", "cik", "ik", "ek", "ok", "ko", "ka", "us")


# Lookups for guessing, so that a guess is not a pass over the whole table: the listed
# skeletons in order (those starting with a prefix are one run of them), and each skeleton under
# itself and every form with one letter left out (two skeletons one slip apart share one).
_SORTED_KEYS = sorted(_CLASS_OF)
_BY_DELETION: dict[str, set[str]] = {}
for _k in _CLASS_OF:
    for _v in {_k, *(_k[:_i] + _k[_i + 1 :] for _i in range(len(_k)))}:
        _BY_DELETION.setdefault(_v, set()).add(_k)


def _classes_starting(prefix: str) -> set[str]:
    found = set()
    for k in _SORTED_KEYS[bisect.bisect_left(_SORTED_KEYS, prefix) :]:
        if not k.startswith(prefix):
            break
        found.add(_CLASS_OF[k])
    return found


def _one_slip_from(key: str) -> set[str]:
    """Listed skeletons that may be one substitution, insertion, deletion or transposition from
    `key` (a superset: the caller checks the distance)."""
    found: set[str] = set()
    for v in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}:
        found |= _BY_DELETION.get(v, set())
    return found


@lru_cache(maxsize=262144)
def given_guess(key: str, sex: str = "") -> str:
    """The class of a given name's skeleton, guessing for a name the table does not list: a
    diminutive ending taken off ("igorcik" → Ігор, "olezik" → Олег), the start of exactly one
    class's names ("dim" of Дімка → Дмитро), or one slip of the pen in a name of five letters or
    more ("danlo" → Данило). The skeleton itself when no single class fits ("rus" could be Руслан
    or Рустам)."""
    if not key or key in _CLASS_OF or key in _SHARED:
        return given_class(key, sex)
    stems = [key] + [
        key[: -len(e)] for e in _DIMINUTIVE_ENDINGS if key.endswith(e) and len(key) - len(e) >= 3
    ]
    stems += [s[:-1] + "g" for s in stems if s.endswith("z")]  # ж for г: Олежик, Олежка
    for i, s in enumerate(stems):
        if s in _CLASS_OF:
            return _CLASS_OF[s]
        # a stem only once an ending is off: "aleks" alone is Alex, Олександр or Олексій
        if i > 0 and s in _CLASS_OF_STEM:
            return _CLASS_OF_STEM[s]
    # Guessing, only among the classes of the record's sex when it is known.
    fits = (lambda c: _SEX_OF.get(c) == sex.lower()) if sex else (lambda c: True)
    for s in stems[1:] + stems[:1]:
        if len(s) >= 3:
            found = {c for c in _classes_starting(s) if fits(c)}
            if len(found) == 1:
                return found.pop()
    if len(key) >= 4:
        # one slip in a name of five letters or more; a four-letter one only as a letter left
        # out of a five-letter name (Анрій, Andiy, Сргій) or two letters swapped (Іогр, Olge),
        # others are names of their own
        found = {
            _CLASS_OF[k]
            for k in _one_slip_from(key)
            if (
                len(k) == 5 or (len(k) == 4 and sorted(k) == sorted(key))
                if len(key) == 4
                else abs(len(k) - len(key)) <= 1
            )
            and OSA.distance(k, key, score_cutoff=1) <= 1
            and fits(_CLASS_OF[k])
        }
        if not found and len(key) >= 5 and key not in _AMBIGUOUS:
            # the skeleton writes a doubled letter once, so a letter left out between two alike
            # is two slips from the name (Володиир → "volodir"): put each letter back twice
            found = {
                _CLASS_OF[k]
                for double in {key[: i + 1] + key[i:] for i in range(len(key))}
                for k in _one_slip_from(double)
                if OSA.distance(k, double, score_cutoff=1) <= 1 and fits(_CLASS_OF[k])
            }
        if len(found) == 1:
            return found.pop()
    return key


# ----------------------------------------------------------------------------- patronymics

# Patronymic endings on skeletons, longest first: -ович/-ovych/-ovich → "ovic", -івна → "ivna"…
_PATRONYMIC_ENDINGS = (
    "ovicna",
    "ovicn",
    "evicna",
    "ovic",
    "evic",
    "ivna",
    "ovna",
    "evna",
    "icna",
    "inicna",
    "ic",
    "na",
    # Central Asian patronymics written as one word: Айдосули, Bauyrjanuly, Yerlankyzy
    "ugli",
    "ogli",
    "uli",
    "kizi",
)
_CENTRAL_ASIAN_WORDS = re.compile(
    r"^(o['’ʼ`]?g['’ʼ`]?li|ug[h]?li|o[gğ]lu|ogly|оглы|угли|ўғли|uly|ulı|улы|ұлы|uulu|уулу|uhli|углі|qizi|kizi|kyzy|кызы|қызы|кизи|қизи|гызы)$",
    re.IGNORECASE,
)
_PATRONYMIC_SUFFIX = re.compile(
    r"(ович|евич|івна|ївна|овна|евна|ьич|ич|инична|ична|ovych|evych|ovich|evich|ovitch|evitch|ovič|evič|owitsch|ewitsch|ivna|yivna|ovna|evna|ovyč)$",
    re.IGNORECASE,
)


def is_patronymic(token: str) -> bool:
    return bool(_PATRONYMIC_SUFFIX.search(token) or _CENTRAL_ASIAN_WORDS.match(token))


@lru_cache(maxsize=262144)
def patronymic_key(text: str) -> str:
    """The father's given name, as a stem skeleton: "Іванович", "Ivanovych", "Иванович", "Ivan
    o'g'li" → "ivan"; "Сергійович" and "Сергеевич" → "serg"."""
    toks = [t for t in tokens(text) if not _CENTRAL_ASIAN_WORDS.match(t)]
    if not toks:
        return ""
    key = skeleton(toks[0])
    if len(toks) == 1 and len(tokens(text)) == 1:
        cuts = [
            key[: -len(end)]
            for end in _PATRONYMIC_ENDINGS
            if key.endswith(end) and len(key) - len(end) >= 2
        ]
        # Of the ways to cut the ending, one that leaves a known name: Якович is Яків's
        # ("akov" + "ic", not "ak" + "ovic"), Яковлевич Яков's (the л is Russian's).
        cuts += [c[:-1] for c in cuts if c.endswith("vl")]
        known = [c for c in cuts if _stem(c) in _CLASS_OF_STEM or c in _CLASS_OF]
        if known or cuts:
            key = (known or cuts)[0]
    return _stem(key)


def patronymic_written(text: str) -> str:
    """The patronymic's skeleton as written, ending and all ("Ивановчи" → "ivanovci"): for a
    slip the ending rules cannot read past."""
    return "".join(skeleton(t) for t in tokens(text) if not _CENTRAL_ASIAN_WORDS.match(t))


def patronymic_class(stem: str) -> str:
    """The class of the father's name behind a patronymic stem; the stem itself if unknown."""
    return _CLASS_OF_STEM.get(stem, stem)


# ----------------------------------------------------------------------------- full names


def split_full_name(full: str) -> tuple[str, str, str]:
    """(family, given, patronymic) from a full name in any order and script.

    "Alisher o'g'li" (or уулу, qizi…) after the father's name is the patronymic, kept whole.
    Otherwise each way of reading the name is weighed by what its tokens look like in the role
    it gives them (`_patronymic_evidence`, `_given_evidence`, `_surname_evidence`): a
    patronymic's ending and a known father's name in it, a
    known or guessable given name, a token in capitals among mixed case or a surname's ending;
    a patronymic follows the given name. Only when nothing tells the readings apart does the
    order each side's lists use decide (Cyrillic surname first, Latin given name first)."""
    parts = full.replace(",", " ").split()
    if not parts:
        return "", "", ""
    # "Alisher o'g'li": the father's name precedes the marker; keep them together.
    for i, p in enumerate(parts):
        if i > 0 and _CENTRAL_ASIAN_WORDS.match(p):
            patronymic = f"{parts[i - 1]} {p}"
            rest = parts[: i - 1] + parts[i + 1 :]
            family, given, _ = split_full_name(" ".join(rest))
            return family, given, patronymic
    if len(parts) == 1:
        return parts[0], "", ""
    mixed = any(not p.isupper() for p in parts)
    if len(parts) == 3:
        a, b, c = parts
        fgp = _surname_evidence(a, mixed) + _given_evidence(b) + _patronymic_evidence(c)
        gpf = _given_evidence(a) + _patronymic_evidence(b) + _surname_evidence(c, mixed)
        if _patronymic_evidence(b) or _patronymic_evidence(c):
            if gpf > fgp or (gpf == fgp and not _patronymic_evidence(c)):
                return c, a, b
            return a, b, c
        if fgp != gpf:  # a patronymic with a slip no ending fits (Васильавич): the other names
            return (a, b, c) if fgp > gpf else (c, a, b)
    pat = [i for i, p in enumerate(parts) if _patronymic_evidence(p)]
    if len(parts) >= 3 and pat:
        i = max(pat, key=lambda k: (_patronymic_evidence(parts[k]), k))
        if i >= 1:
            # given name just before the patronymic; the surname is whatever is left
            given = parts[i - 1]
            family = " ".join(parts[: i - 1] + parts[i + 1 :])
            if family:
                return family, given, parts[i]
        if i == 0 and len(parts) >= 3:
            return parts[2], parts[1], parts[0]
    if len(parts) >= 3:
        upper = [i for i, p in enumerate(parts) if p.isupper() and len(p) > 1]
        if len(upper) == 1:
            rest = [p for j, p in enumerate(parts) if j != upper[0]]
            return parts[upper[0]], rest[0], " ".join(rest[1:])
        return _order_two(parts[0], parts[-1], " ".join(parts[1:-1]), mixed)
    return _order_two(parts[0], parts[1], "", mixed)


def _order_two(a: str, b: str, middle: str, mixed: bool) -> tuple[str, str, str]:
    """Which of two tokens is the surname: the evidence of each reading, then the script."""
    ab = _surname_evidence(a, mixed) + _given_evidence(b)
    ba = _surname_evidence(b, mixed) + _given_evidence(a)
    if ab != ba:
        return (a, b, middle) if ab > ba else (b, a, middle)
    if detect_script(a) == "latin":
        return b, a, middle
    return a, b, middle


def unswap_columns(family: str, given: str) -> tuple[str, str]:
    """A list's surname and given-name columns, put back when a clerk swapped them: only when
    the other reading is clearly better (by 2: "Олександр" in the surname column and
    "Петренко" in the given name's), so a surname that is also a given name (Мартин, Максим)
    stays where it was written."""
    if not family.strip() or not given.strip():
        return family, given
    mixed = not (family.isupper() and given.isupper())
    written = _surname_evidence(family, mixed) + _given_evidence(given)
    other = _surname_evidence(given, mixed) + _given_evidence(family)
    return (given, family) if other - written >= 2 else (family, given)


# Surname endings, on skeletons: -енко, -ук/-чук, -ак/-як, -ський/-ська, -цький, -ов/-ев/-ова,
# -ин/-ін, -ич (Балинич), -ник, -ець. Many given names end so too (Костянтин, Сашко): a name the
# table knows weighs more as a given name than an ending does as a surname.
_SURNAME_ENDINGS = re.compile(r"(enko|ko|uk|ak|ski|ska|cki|cka|ov|ev|ova|eva|in|ina|ic|nik|ec)$")


def _surname_evidence(token: str, mixed: bool) -> int:
    if mixed and token.isupper() and len(token) > 1:
        return 3  # clerks write the surname in capitals
    return 1 if _SURNAME_ENDINGS.search(skeleton(token)) else 0


def _given_evidence(token: str) -> int:
    key = skeleton(token)
    if key in _CLASS_OF or key in _SHARED:
        return 2
    guess = given_guess(key)
    return 1 if guess != key and len(key) >= 3 else 0


_STRONG_PATRONYMIC = ("ovic", "evic", "ivna", "ovna", "evna", "icna", "ugli", "ogli", "uli", "kizi")


def _patronymic_evidence(token: str) -> int:
    """How surely a token is a patronymic, read on its skeleton: 3, a patronymic's ending on a
    known father's name (Юрійович, Ілліч, Serhiyvna); 2, the ending of -ович/-івна/-uly on a
    name the table does not know, or -ович with a slip (Ивановч, Petroivch); 0, only -ич on an
    unknown name, which ends many surnames (Балинич, Тикрупич)."""
    key = skeleton(token)
    known = patronymic_key(token) in _CLASS_OF_STEM
    if any(key.endswith(e) and len(key) > len(e) + 1 for e in _STRONG_PATRONYMIC):
        return 3 if known else 2
    if key.endswith("ic") and len(key) > 3:
        return 3 if known else 0
    if key.endswith(("vc", "vic")) and len(key) > 4:
        return 2
    return 0


def sex_of_given(key: str) -> str:
    return _SEX_OF.get(given_class(key), "")
