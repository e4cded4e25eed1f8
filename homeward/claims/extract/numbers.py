"""Quantities written in digits or words, in English, Ukrainian and Russian, as intervals.

The rules (also in docs/claims.md):
- an exact figure N is N–N;
- "over / more than / понад / более / свыше N" is N+1 – open (for a share: N% – open);
- "at least / не менее / щонайменше N" is N – open;
- "up to / no more than / до / не более N" and "fewer than / менее N" are open – N (the stated
  figure stays inside the interval);
- "approximately / about / около / близько N" is N ± 10 % (rounded), so "approximately 1,000" is
  900–1100 and "about 70 %" is 0.63–0.77;
- "almost / nearly / почти / майже N" is 0.9·N – N;
- "thousands / тысячи / тисячі" is 2000 – open, "hundreds" 200 – open, "dozens" 24 – open,
  "десятки" 20 – open, "tens of thousands" 20 000 – open;
- "several hundred / несколько сотен / кілька сотень" is 200–999 (so for thousands);
- "between A and B / from A to B / A–B / от A до B / від A до B" is A–B.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APOS = "'’ʼ`"


def norm(word: str) -> str:
    """Lower-case, one apostrophe, ё → е, so inflected forms compare by prefix."""
    w = word.lower().replace("ё", "е")
    for a in APOS[1:]:
        w = w.replace(a, "'")
    return w


# --- number words -------------------------------------------------------------------------------
# Exact forms for units (short words, prefixes would collide); prefixes for the rest (they carry
# the case endings of Ukrainian and Russian numerals: пятидесяти, п'ятдесятьох, …).
UNITS: dict[str, int] = {}
for value, forms in {
    1: "one один одна одно одного одной одному одним одну однієї одній",
    2: "two два две дві двух двох двум двом двумя двома двое двоє двоих двоих двох",
    3: "three три трех трьох трем трьом тремя трьома трое троє троих",
    4: "four четыре чотири четырех чотирьох четырем чотирьом четверо четверых",
    5: "five пять п'ять пяти п'яти пятью п'ятьох пятеро п'ятеро пятерых",
    6: "six шесть шість шести шістьох шестеро шестеро",
    7: "seven семь сім семи сімох семеро",
    8: "eight восемь вісім восьми вісьмох",
    9: "nine девять дев'ять девяти дев'яти дев'ятьох",
    10: "ten десять десяти десятьох",
    11: "eleven",
    12: "twelve",
    13: "thirteen",
    14: "fourteen",
    15: "fifteen",
    16: "sixteen",
    17: "seventeen",
    18: "eighteen",
    19: "nineteen",
    20: "twenty",
    30: "thirty",
    40: "forty сорок сорока",
    50: "fifty",
    60: "sixty",
    70: "seventy",
    80: "eighty",
    90: "ninety",
    100: "hundred сто ста",
}.items():
    for f in forms.split():
        UNITS[f] = value

PREFIXES: list[tuple[str, int]] = [
    ("одиннадцат", 11),
    ("одинадцят", 11),
    ("двенадцат", 12),
    ("дванадцят", 12),
    ("тринадцат", 13),
    ("тринадцят", 13),
    ("четырнадцат", 14),
    ("чотирнадцят", 14),
    ("пятнадцат", 15),
    ("п'ятнадцят", 15),
    ("шестнадцат", 16),
    ("шістнадцят", 16),
    ("семнадцат", 17),
    ("сімнадцят", 17),
    ("восемнадцат", 18),
    ("вісімнадцят", 18),
    ("девятнадцат", 19),
    ("дев'ятнадцят", 19),
    ("двадцат", 20),
    ("двадцят", 20),
    ("тридцат", 30),
    ("тридцят", 30),
    ("пятьдесят", 50),
    ("пятидесят", 50),
    ("п'ятдесят", 50),
    ("п'ятидесят", 50),
    ("шестьдесят", 60),
    ("шестидесят", 60),
    ("шістдесят", 60),
    ("шістдесят", 60),
    ("семьдесят", 70),
    ("семидесят", 70),
    ("сімдесят", 70),
    ("сімдесят", 70),
    ("восемьдесят", 80),
    ("восьмидесят", 80),
    ("вісімдесят", 80),
    ("девяност", 90),
    ("дев'яност", 90),
    ("двести", 200),
    ("двухсот", 200),
    ("двумстам", 200),
    ("двісті", 200),
    ("двохсот", 200),
    ("триста", 300),
    ("трехсот", 300),
    ("трьохсот", 300),
    ("четыреста", 400),
    ("четырехсот", 400),
    ("чотириста", 400),
    ("чотирьохсот", 400),
    ("пятьсот", 500),
    ("пятисот", 500),
    ("п'ятсот", 500),
    ("п'ятисот", 500),
    ("шестьсот", 600),
    ("шестисот", 600),
    ("шістсот", 600),
    ("семьсот", 700),
    ("семисот", 700),
    ("сімсот", 700),
    ("восемьсот", 800),
    ("восьмисот", 800),
    ("вісімсот", 800),
    ("девятьсот", 900),
    ("девятисот", 900),
    ("дев'ятсот", 900),
    ("дев'ятисот", 900),
]

THOUSAND = ("thousand", "тысяч", "тисяч", "тыс", "тис")
MILLION = ("million", "миллион", "мільйон", "млн")


def multiplier(word: str) -> int | None:
    w = norm(word).rstrip(".")
    if w.startswith(THOUSAND):
        return 1000
    if w.startswith(MILLION):
        return 1_000_000
    return None


def word_value(word: str) -> int | None:
    w = norm(word)
    if w in UNITS:
        return UNITS[w]
    for prefix, value in PREFIXES:
        if w.startswith(prefix):
            return value
    if "-" in w:  # twenty-two
        parts = [word_value(p) for p in w.split("-")]
        if all(p is not None for p in parts):
            return sum(p for p in parts if p is not None)
    return None


# "a thousand" / "тысячу" with no number before it is 1000; a plural alone is "thousands".
SINGULAR_THOUSAND = {"thousand", "тысяча", "тысячу", "тысячи", "тисяча", "тисячу", "тисячі"}
SINGULAR_HUNDRED = {"hundred", "сотня", "сотню"}
# Vague plurals: low bound, open above.
VAGUE: dict[str, int] = {
    "thousands": 2000,
    "тысячи": 2000,
    "тысяч": 2000,
    "тысячам": 2000,
    "тысячами": 2000,
    "тисячі": 2000,
    "тисяч": 2000,
    "тисячам": 2000,
    "тисячами": 2000,
    "hundreds": 200,
    "сотни": 200,
    "сотен": 200,
    "сотнями": 200,
    "сотням": 200,
    "сотні": 200,
    "сотень": 200,
    "dozens": 24,
    "десятки": 20,
    "десятков": 20,
    "десятками": 20,
    "десятків": 20,
    "millions": 2_000_000,
    "миллионы": 2_000_000,
    "мільйони": 2_000_000,
}
HALF_FORMS = {"полтора": 1.5, "полторы": 1.5, "полутора": 1.5, "півтора": 1.5, "півтори": 1.5}
SEVERAL = {"several", "a few", "few", "несколько", "нескольких", "кілька", "декілька", "кількох"}


@dataclass
class Number:
    """A figure found in the text: its value (or vague low bound), where it ends (token index)."""

    value: float
    end: int  # index of the last token used
    vague: bool = False  # "thousands": value is a low bound
    several: bool = False  # "several hundred": value..10*value-1
    as_share: bool = False


DIGITS = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?$|^\d+(?:[.,]\d+)?$")


def digits_value(tok: str) -> float | None:
    if not DIGITS.match(tok):
        return None
    t = tok.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+", t):
        return float(re.sub(r"[, ]", "", t))
    m = re.fullmatch(r"(\d{1,3}(?:[, ]\d{3})+)[.,](\d+)", t)
    if m:
        return float(re.sub(r"[, ]", "", m.group(1)) + "." + m.group(2))
    return float(t.replace(",", "."))


def parse_number(tokens: list[str], i: int) -> Number | None:
    """Read a number starting at tokens[i], or None."""
    tok = tokens[i]
    w = norm(tok)
    nxt = norm(tokens[i + 1]) if i + 1 < len(tokens) else ""
    v = digits_value(tok)
    if v is not None:
        end = i
        m = multiplier(tokens[i + 1]) if i + 1 < len(tokens) else None
        if m:
            v *= m
            end = i + 1
            if i + 2 < len(tokens) and tokens[i + 2] == ".":
                end = i + 2
        return Number(v, end)
    # "tens of thousands", "hundreds of thousands", "десятки тысяч", "сотні тисяч"
    if w in VAGUE:
        low = VAGUE[w]
        j = i
        if i + 2 < len(tokens) and nxt == "of" and multiplier(tokens[i + 2]):
            low *= multiplier(tokens[i + 2]) or 1
            low = low if low >= 10_000 else low
            j = i + 2
        elif nxt and multiplier(tokens[i + 1]) and w not in ("thousands", "тысячи", "тисячі"):
            low = (20 if w.startswith(("десят", "dozens")) else 200) * (
                multiplier(tokens[i + 1]) or 1
            )
            j = i + 1
        return Number(low, j, vague=True)
    if w in SEVERAL and i + 1 < len(tokens):
        m = multiplier(tokens[i + 1])
        if m is None and norm(tokens[i + 1]) in ("hundred", "сотен", "сотень", "сотни", "сотні"):
            m = 100
        if m is None and norm(tokens[i + 1]) in ("dozen", "десятков", "десятків"):
            m = 10
        if m:
            return Number(2 * m, i + 1, several=True)
        return None
    if w in HALF_FORMS and i + 1 < len(tokens) and multiplier(tokens[i + 1]):  # полторы тысячи
        return Number(HALF_FORMS[w] * (multiplier(tokens[i + 1]) or 1), i + 1)
    if w in ("полтысячи", "півтисячі", "півтисячи"):
        return Number(500, i)
    if w in ("полмиллиона", "півмільйона"):
        return Number(500_000, i)
    if w == "half" and nxt == "a" and i + 2 < len(tokens) and multiplier(tokens[i + 2]):
        return Number(0.5 * (multiplier(tokens[i + 2]) or 1), i + 2)
    if w in ("a", "one") and nxt in ("thousand", "hundred", "million", "dozen"):
        base = {"thousand": 1000, "hundred": 100, "million": 1_000_000, "dozen": 12}[nxt]
        return Number(base, i + 1)
    if w in SINGULAR_THOUSAND:
        return Number(1000, i)
    if w in SINGULAR_HUNDRED:
        return Number(100, i)
    if w == "dozen":
        return Number(12, i)
    if w in ("десяток", "десятка", "десятком"):
        return Number(10, i)
    value = word_value(tok)
    if value is None:
        return None
    total = 0.0
    current = float(value)
    j = i
    while j + 1 < len(tokens):
        t = norm(tokens[j + 1])
        if t == "and" and j + 2 < len(tokens) and word_value(tokens[j + 2]) is not None:
            j += 1
            continue
        if t == "dozen":  # "two dozen"
            current *= 12
            j += 1
            continue
        if t == "hundred":
            current *= 100
            j += 1
            continue
        m = multiplier(tokens[j + 1])
        if m:
            total += current * m
            current = 0
            j += 1
            continue
        v2 = word_value(tokens[j + 1])
        # Only a smaller order adds: "twenty two", "сто п'ять"; "один одному" is two numbers.
        if v2 is None or not (
            (current >= 20 and current % 10 == 0 and v2 < 10)
            or (current >= 100 and current % 100 == 0 and v2 < 100)
        ):
            break
        current += v2
        j += 1
    return Number(total + current, j)
