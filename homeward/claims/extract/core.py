"""From text to proposed claims: sentences → quantities → persons? → class → claimant."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from . import lexicon as lx
from .numbers import Number, norm

COUNTS = (
    "held",
    "foreigners_held",
    "exchanged",
    "removed_from_lists",
    "not_accepted",
    "refused_repatriation",
    "joined_forces",
    "died",
    "missing",
)
QUOTE_MAX = 600
APPROX = 0.10  # "approximately N" is N ± 10 %


@dataclass
class Claim:
    counts: str
    low: float | None
    high: float | None
    kind: str  # count | share
    claimant: str | None
    side: str | None
    quote: str
    held_by: str | None = None
    of_party: str | None = None
    category: str | None = None  # soldiers | civilians | foreign_nationals
    refers_to: str | None = None  # a date as written, ISO when it could be read
    figure: str = ""  # the phrase the interval was read from
    start: int = 0  # character offset of the sentence in the text
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("extra")
        for k in ("low", "high"):
            v = d[k]
            if isinstance(v, float) and v.is_integer() and self.kind == "count":
                d[k] = int(v)
        return d


# --- sentences and tokens -----------------------------------------------------------------------
ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|No|vs|approx|ca|т\.е|т\.д|г|гг|ст|тыс|тис|млн|млрд|им|ім|пп|п|ул|вул|рис|см|напр|etc|U\.S|U\.N|e\.g|i\.e)\.)$"
)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs. Splits at . ! ? … followed by space and a capital or a quote,
    and at line breaks; keeps abbreviations and decimals together."""
    out: list[tuple[int, str]] = []
    for para in re.finditer(r"[^\n]+", text):
        chunk = para.group(0)
        base = para.start()
        start = 0
        for m in re.finditer(r"[.!?…]+[\"»”’)]*\s+(?=[\"«“(]?[A-ZА-ЯЁІЇЄҐ0-9])", chunk):
            if ABBREV.search(chunk[start : m.start() + 1]):
                continue
            s = chunk[start : m.end()].strip()
            if s:
                out.append((base + start, s))
            start = m.end()
        s = chunk[start:].strip()
        if s:
            out.append((base + start, s))
    return out


TOKEN = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?(?![\d])|\d+(?:[.,]\d+)?|"
    r"[\w'’ʼ]+(?:-[\w'’ʼ]+)*|%|[^\w\s]"
)


def tokenize(s: str) -> list[re.Match]:
    return list(TOKEN.finditer(s))


# --- qualifiers before a number ---------------------------------------------------------------
def _q(*words: str) -> str:
    return "|".join(words)


OVER = _q(
    "over",
    "more than",
    "above",
    "upwards of",
    "in excess of",
    "exceeding",
    "more then",
    "понад",
    "більше",
    "більше ніж",
    "більш ніж",
    "більш як",
    "більше як",
    "понад як",
    "свыше",
    "exceeds",
    "exceeded",
    "has exceeded",
    "surpassed",
    "topped",
    "превышает",
    "превысило",
    "превысила",
    "превысил",
    "перевищує",
    "перевищила",
    "перевищило",
    "перевищив",
    "более",
    "более чем",
    "больше",
    "больше чем",
    "свыше чем",
    "well over",
    "понад за",
)
AT_LEAST = _q(
    "at least",
    "no fewer than",
    "no less than",
    "a minimum of",
    "not less than",
    "minimum",
    "не менее",
    "не меньше",
    "не менее чем",
    "по меньшей мере",
    "по крайней мере",
    "как минимум",
    "минимум",
    "щонайменше",
    "принаймні",
    "не менше",
    "не менше ніж",
    "не менш ніж",
    "не менш як",
    "як мінімум",
    "мінімум",
    "at least some",
)
UP_TO = _q(
    "up to",
    "as many as",
    "at most",
    "no more than",
    "not more than",
    "до",
    "не более",
    "не больше",
    "не более чем",
    "не більше",
    "не більше ніж",
    "не більш ніж",
    "максимум",
    "maximum",
    "at the most",
)
UNDER = _q("fewer than", "less than", "under", "менее", "меньше", "менше", "менше ніж", "менш ніж")
ABOUT = _q(
    "about",
    "around",
    "approximately",
    "approx.",
    "roughly",
    "some",
    "an estimated",
    "estimated",
    "circa",
    "ca.",
    "~",
    "около",
    "примерно",
    "порядка",
    "приблизительно",
    "ориентировочно",
    "почти около",
    "близько",
    "приблизно",
    "орієнтовно",
    "десь",
    "близ",
)
NEARLY = _q(
    "almost",
    "nearly",
    "close to",
    "just under",
    "почти",
    "чуть менее",
    "майже",
    "мало не",
    "без малого",
    "практически",
    "практично",
)

QUALIFIER = re.compile(
    rf"(?:(?P<over>{OVER})|(?P<at_least>{AT_LEAST})|(?P<up_to>{UP_TO})|(?P<under>{UNDER})|"
    rf"(?P<about>{ABOUT})|(?P<nearly>{NEARLY}))\s*$"
)
RANGE_JOIN = {"-", "–", "—", "to", "and", "до", "і", "и", "or", "или", "або", "чи"}
RANGE_START = {"between", "from", "от", "від", "з"}


def interval(n: Number, qualifier: str | None, share: bool) -> tuple[float | None, float | None]:
    v = n.value / 100 if share else n.value
    if n.vague:
        return v, None
    if n.several:
        return v, v * 5 - (0 if share else 1)
    step = 0.01 if share else 1
    if qualifier == "over":
        return (v if share else v + step), None
    if qualifier == "at_least":
        return v, None
    if qualifier == "up_to":
        return None, v
    if qualifier == "under":
        # Open – N, not N−1: the stated figure stays inside the interval (as for "up to").
        return None, v
    if qualifier == "about":
        if share:
            return round(v * (1 - APPROX), 4), round(min(1.0, v * (1 + APPROX)), 4)
        return float(round(v * (1 - APPROX))), float(round(v * (1 + APPROX)))
    if qualifier == "nearly":
        return (round(v * 0.9, 4) if share else float(round(v * 0.9))), v
    return v, v


# --- persons after the number -------------------------------------------------------------------
def is_person_word(w: str) -> bool:
    return w in lx.PERSON_EXACT or w.startswith(lx.PERSON_STEMS)


PERCENT_WORDS = ("%", "percent", "per", "процент", "відсот", "проц")


def _after(toks: list[re.Match], j: int, n: int = 4) -> list[str]:
    """Up to n words after token j, stopping at punctuation other than hyphen/apostrophe."""
    out = []
    for t in toks[j + 1 : j + 1 + n]:
        w = t.group(0)
        if not re.match(r"[\w%]", w):
            break
        out.append(norm(w))
    return out


ELLIPTIC_NEXT = {
    "were",
    "was",
    "are",
    "have",
    "had",
    "of",
    "identified",
    "among",
    "who",
    "из",
    "з",
    "із",
    "серед",
    "среди",
    "remain",
    "remained",
    "still",
    "more",
    "others",
    "другие",
    "інші",
    "уже",
    "вже",
    "returned",
    "died",
    "joined",
    "refused",
}


# --- who says it --------------------------------------------------------------------------------
SAY_VERBS_EN = r"(?:said|says|say|told|stated|states|reported|reports|claimed|claims|announced|announces|wrote|writes|added|noted|confirmed|estimated|estimates|alleged|alleges|insisted)"
SAY_VERBS_RU = (
    r"(?:заявило|сообщило|рассказало|отметило|уточнило|сообщает|заявило|повідомило|"
    r"заявил|заявила|заявили|заявляет|заявляют|сообщил|сообщила|сообщили|сообщает|сообщают|"
    r"рассказал|рассказала|рассказали|сказал|сказала|сказали|отметил|отметила|отметили|"
    r"подчеркнул|подчеркнула|утверждает|утверждают|утверждал|признал|признала|уточнил|уточнила|"
    r"написал|написала|пишет|считает|оценивает|"
    r"заявив|заявила|заявили|заявляє|заявляють|повідомив|повідомила|повідомили|повідомляє|"
    r"повідомляють|розповів|розповіла|розповіли|сказав|сказала|сказали|зазначив|зазначила|"
    r"зазначили|наголосив|наголосила|підкреслив|стверджує|стверджують|визнав|уточнив|написав|"
    r"пише|вважає|оцінює)"
)
ACCORDING = (
    r"(?:according to|as reported by|citing|cited by|quoting|per|"
    r"по данным|по словам|по информации|по сведениям|по оценкам|по оценке|согласно|как сообщил\w*|"
    r"как заявил\w*|со ссылкой на|ссылаясь на|"
    r"за словами|за даними|за інформацією|за оцінками|за оцінкою|згідно з|як повідомив\w*|"
    r"як повідомил\w*|як заявив|як заявил\w*|з посиланням на|посилаючись на)"
)
STOP_CLAIMANT = re.compile(
    r"\s*(?:[,.;:(\"«“]|\bthat\b|\bwho\b|\bwhich\b|\bon\b|\bin an?\b|\bat\b|\bto\b|\bas\b|\bwhile\b|"
    r"\bчто\b|\bщо\b|\bв\s+(?:интервью|эфире|телеграм|telegram)|\bу\s+(?:інтерв|ефірі|телеграм)|"
    r"\bна\s+(?:брифинге|брифінгу|пресс|прес)|\bпо\s+итогам|\bпідсумк|\bв\s+пятницу|\bв\s+понедельник)",
    re.I,
)


OUTLET_PREFIX = re.compile(
    r"^(?:ТАСС|TASS|РИА Новости|RIA Novosti|РИА|RIA|Интерфакс|Interfax|Reuters|AFP|AP|BBC|"
    r"Укрінформ|Ukrinform|УНІАН|UNIAN|Суспільне|Suspilne|РБК|RBC|Известия|Izvestia|"
    r"Коммерсант|Kommersant|Медуза|Meduza|the agency)\s+(?=\S)"
)


def _cut(phrase: str, max_words: int = 9) -> str | None:
    m = STOP_CLAIMANT.search(phrase)
    if m and m.start() > 0:
        phrase = phrase[: m.start()]
    words = phrase.strip(" ,.;:—-–\"'«»“”").split()
    if len(words) > 1 and words[0].lower() in ("в", "у", "во", "in"):
        words = words[1:]  # "повідомили в ГУР": the body is ГУР
    if not words:
        return None
    words = words[:max_words]
    out = " ".join(words).strip(" ,.;:—-–\"'«»“”")
    out = OUTLET_PREFIX.sub("", out) or out  # "сообщил ТАСС источник в …": not the outlet
    if re.search(r"\d", out):  # a figure is not a claimant: the pattern took the wrong span
        return None
    low = out.lower()
    if low in {
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "он",
        "она",
        "они",
        "він",
        "вона",
        "вони",
        "this",
        "that",
        "the report",
        "the statement",
    }:
        return None
    return out or None


def find_claimant(sentence: str) -> str | None:
    s = sentence
    # "according to X", "за словами X", "по данным X"
    m = re.search(rf"\b{ACCORDING}\s+(.+)", s, re.I)
    if m:
        got = _cut(m.group(1))
        if got:
            return got
    # "..., X said." / "..., said X." (English)
    m = re.search(rf"(?:,|—|–|\")\s*{SAY_VERBS_EN}\s+(.+?)\s*[.!?]?$", s)
    if m:
        got = _cut(m.group(1))
        if got:
            return got
    m = re.search(rf",\s*([^,;:\"“”]{{2,100}}?)\s+{SAY_VERBS_EN}\b", s) or re.search(
        rf"(?:^|[,“\"—–]\s*)((?:[Tt]he\s+|[Aa]n?\s+)?[A-Z][^,;:\"“”]{{1,100}}?)\s+{SAY_VERBS_EN}\b",
        s,
    )
    if m:
        got = _cut(m.group(1), 12)
        if got:
            return got
    # "заявил X", "повідомив X" (uk/ru: verb first or verb last)
    m = re.search(rf"(?:^|[,—–\"»”]\s*|\bоб этом\s+|\bпро це\s+){SAY_VERBS_RU}\s+(.+)", s, re.I)
    if m:
        got = _cut(m.group(1))
        if got:
            return got
    m = re.search(
        rf"(?:^|[.,“\"«—–]\s*)([А-ЯЁІЇЄҐA-Z][^,;:\"«»“”]{{1,100}}?)\s+{SAY_VERBS_RU}\b", s
    )
    if m:
        got = _cut(m.group(1), 12)
        if got:
            return got
    m = re.search(
        r"\b(sources? (?:in|close to|within)\s+[^,.;]+|источник\w* (?:в|из)\s+[^,.;]+|"
        r"джерел\w* (?:в|у|із|з)\s+[^,.;]+)",
        s,
        re.I,
    )
    if m:
        return _cut(m.group(1))
    return None


FOLLOWING_ATTRIBUTION = re.compile(
    r"^(?:this is according to|this was (?:said|stated|reported|announced) by|"
    r"об этом (?:сообщил|заявил|рассказал|пишет|сообщает)\w*|про це (?:повідом|заяв|розпов|пише)\w*|"
    r"so said|that is according to)\b",
    re.I,
)


def side_of(claimant: str | None) -> str | None:
    if not claimant:
        return None
    c = norm(claimant)
    ua = bool(lx.UA_RE.search(c))
    ru = bool(lx.RU_RE.search(c))
    if ua and not ru:
        return "UA"
    if ru and not ua:
        return "RU"
    if ua and ru:  # "Ukrainian ombudsman on Russian captivity": the first named wins
        return "UA" if lx.UA_RE.search(c).start() < lx.RU_RE.search(c).start() else "RU"  # type: ignore[union-attr]
    return None


# --- dates --------------------------------------------------------------------------------------
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "январ": 1,
    "феврал": 2,
    "марта": 3,
    "март": 3,
    "апрел": 4,
    "мая": 5,
    "май": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
    "січ": 1,
    "лют": 2,
    "берез": 3,
    "квіт": 4,
    "травн": 5,
    "черв": 6,
    "лип": 7,
    "серп": 8,
    "верес": 9,
    "жовт": 10,
    "листопад": 11,
    "груд": 12,
}
MONTH_RE = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|"
    r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"січ|лют|берез|квіт|травн|черв|лип|серп|верес|жовт|листопад|груд)\w*"
)
DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH_RE})(?:\s+(?P<y1>(?:19|20)\d\d))?|"
    rf"(?P<m2>{MONTH_RE})\s+(?P<d2>\d{{1,2}})\b(?:,?\s+(?P<y2>(?:19|20)\d\d))?|"
    rf"(?P<iso>(?:19|20)\d\d-\d\d-\d\d)|(?P<dmy>\d{{1,2}}\.\d{{1,2}}\.(?:19|20)\d\d))",
    re.I,
)


def month_of(word: str) -> int | None:
    w = norm(word)
    for k in sorted(MONTHS, key=len, reverse=True):
        if w.startswith(k):
            return MONTHS[k]
    return None


def find_date(sentence: str, year: int | None) -> tuple[str | None, list[tuple[int, int]]]:
    """The first date in the sentence (ISO when complete) and the spans of every date found."""
    spans = []
    found = None
    for m in DATE_RE.finditer(sentence):
        spans.append(m.span())
        if found:
            continue
        if m.group("iso"):
            found = m.group("iso")
        elif m.group("dmy"):
            d, mo, y = m.group("dmy").split(".")
            found = f"{y}-{int(mo):02d}-{int(d):02d}"
        else:
            d = m.group("d1") or m.group("d2")
            mo = month_of(m.group("m1") or m.group("m2"))
            y = m.group("y1") or m.group("y2") or (str(year) if year else None)
            if mo and d and 1 <= int(d) <= 31:
                found = f"{y}-{mo:02d}-{int(d):02d}" if y else f"--{mo:02d}-{int(d):02d}"
    return found, spans
