"""The extractor's one entry point, `extract(text)`: see the package docstring."""

from __future__ import annotations

import re

from . import lexicon as lx
from .core import (
    FOLLOWING_ATTRIBUTION,
    QUALIFIER,
    QUOTE_MAX,
    RANGE_JOIN,
    RANGE_START,
    Claim,
    _after,
    find_claimant,
    find_date,
    interval,
    is_person_word,
    sentences,
    side_of,
    tokenize,
)
from .numbers import SINGULAR_THOUSAND, Number, digits_value, norm, parse_number

CLAUSE_BREAK = re.compile(
    r";|, adding\b|, добавив\w*|, додавши|, отметив|, зазначивши|, and\b|, и\b|, і\b|, й\b|\bоднако\b|\bпроте\b|\bоднак\b|\bwhile\b|\bwhereas\b|\bbut\b|\bhowever\b|, а\b|\bно\b|\bале\b|\bтогда как\b|\bтоді як\b|"
    r"\bв то время как\b|\bу той час як\b|\bпри этом\b|\bпри цьому\b|\bthough\b|\balthough\b"
)
# Words that put a sentence among captives: a death or a "joined the forces" counts only there.
CAPTIVE = re.compile(
    r"prisoner|\bpows?\b|captiv|captured|custody|detain|detention|internee|hostage|\bformer\b|"
    r"exchange|swap|colony|penal|camp|"
    r"плен|заключен|задержан|заложник|колони|сизо|обмен|бывш|"
    r"полон|ув'язнен|в'язн|затриман|заручник|несвобод|сізо|обмін|колишн"
)
CATEGORY_WORD = re.compile(
    r"civilian|soldier|servicem|militar|combatant|foreign|officer|women|men\b|"
    r"гражданск|мирн|военнослужащ|военн|иностран|офицер|женщин|мужчин|"
    r"цивільн|військов|іноземц|іноземн|офіцер|жінок|жінки|чоловік"
)
# "… are soldiers", "… — военнослужащие", "… становлять військові": the make-up after a copula.
MAKE_UP = re.compile(
    r"(?:\bare\b|\bwere\b|\bis\b|\bwas\b|\s[—–]\s|станов\w*|состав\w*|являю\w*|\bє\b)"
    r"\s*(?:[\w'-]+\s+){0,3}?(?:" + CATEGORY_WORD.pattern + ")"
)
BULLET = re.compile(r"^\s*(?:[•·*▪►✅🔹🔸]|[-–—](?=\s)|\d{1,2}[.)]\s)")
HELD_STRONG = next(r for c, r in lx.CUE_RE if c == "held")
HELD_NOUN = re.compile(
    r"\bpows?\b|prisoners? of war|\bprisoners\b|военнопленн|пленн|"
    r"військовополонен|полонен|captives"
)
AS_MANY = re.compile(
    r"as many\b|the same number|столько же|стільки ж|такое же количество|"
    r"таку ж кількість|такую же"
)
EACH = re.compile(
    r"^(?:\s+[\w'-]+){0,4}?\s*,?\s*(?:each\b|apiece\b|on each side|from each side|"
    r"с каждой стороны|каждая из сторон|каждая сторона|з кожного боку|з кожної сторони|"
    r"кожна зі сторін|кожна сторона)"
)
EACH_BEFORE = re.compile(
    r"(?:each side|each party|both sides|каждая (?:из )?сторон\w*|обе стороны|"
    r"кожна (?:зі )?сторін\w*|кожна сторона|обидві сторони)\s+(?:[\w'-]+\s+){0,2}$"
)
N_FOR_N = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)\s*(?:[-–]?\s*(?:for|на|за)\s*[-–]?|"
    r"in exchange for|в обмен на|в обмін на)\s*(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?![\d])",
    re.I,
)
SIDE_ADJ = [
    ("UA", re.compile(r"^(?:ukrain|украин|україн|укр\b|ua\b)")),
    ("RU", re.compile(r"^(?:russia|росси|российск|русск|російськ|росіян|россиян|ru\b|рф\b)")),
]
HELD_BY = [
    (
        "RU",
        re.compile(
            r"(?:in russian captivity|held (?:captive )?(?:by|in) russia|in russia\b|"
            r"russian-held|в (?:российском|русском) плену|в плену (?:у )?(?:росси|рф)|"
            r"в россии|у (?:російському|російськім) полоні|у полоні (?:в )?(?:росі|рф)|"
            r"в росії|у росії|утримує (?:росія|рф)|удерживает (?:россия|рф))"
        ),
    ),
    (
        "UA",
        re.compile(
            r"(?:in ukrainian captivity|held (?:captive )?(?:by|in) ukraine|in ukraine\b|"
            r"ukrainian-held|в украинском плену|в плену (?:у )?украин|в украине|"
            r"на украине|в (?:українському|українськім) полоні|у (?:українському|українськім) полоні|"
            r"в україні|у україні|утримує україна|удерживает украина)"
        ),
    ),
]
YEAR_PREP = {
    "in",
    "since",
    "of",
    "from",
    "by",
    "until",
    "в",
    "у",
    "с",
    "з",
    "із",
    "до",
    "по",
    "году",
    "року",
    "year",
    "годом",
    "роком",
}
PRONOUN_SAY = re.compile(
    r"\b(?:he|she|they) (?:said|added|noted|told|stated)|\b(?:он|она|они|він|вона|вони) "
    r"(?:сказал|добавил|отметил|заявил|сказав|додав|зазначив|заявив|сказала|додала|заявила)",
    re.I,
)


def _other(code: str | None) -> str | None:
    return {"UA": "RU", "RU": "UA"}.get(code or "")


def _classify(ns: str, pos: int, captive_context: bool = False) -> str | None:
    """The `counts` class for a figure at character pos of the normalised sentence."""
    # The clause around the figure: cues from another clause belong to another figure.
    starts = [0] + [m.end() for m in CLAUSE_BREAK.finditer(ns) if m.end() <= pos]
    ends = [m.start() for m in CLAUSE_BREAK.finditer(ns) if m.start() > pos] + [len(ns)]
    a, b = max(starts), min(ends)
    clause = ns[a:b]
    rel = pos - a
    best: tuple[float, int, str] | None = None
    captive = captive_context or bool(CAPTIVE.search(ns))
    for rank, (cls, rx) in enumerate(lx.CUE_RE):
        if cls == "held":
            continue
        # Deaths in battle and recruits who were never captured are no figures about captives.
        if cls in ("died", "joined_forces") and not captive:
            continue
        for m in rx.finditer(clause):
            dist = min(abs(m.start() - rel), abs(m.end() - rel))
            # A specific class beats the generic ones when both are in the clause.
            score = dist - (1000 if cls in lx.SPECIFIC else 0)
            if best is None or (score, rank) < best[:2]:
                best = (score, rank, cls)
    held_dist = min(
        (
            min(abs(m.start() - rel), abs(m.end() - rel))
            for m in HELD_STRONG.finditer(clause)
            if not HELD_NOUN.fullmatch(m.group(0))
        ),
        default=None,
    )
    if best is not None:
        if best[2] == "exchanged" and held_dist is not None and held_dist < best[0]:
            return "held"
        return best[2]
    if held_dist is not None or HELD_NOUN.search(clause):
        return "held"
    return None


def _side_adj(words: list[str]) -> str | None:
    for w in words:
        for code, rx in SIDE_ADJ:
            if rx.match(w):
                return code
    return None


def _category(words: list[str], ns: str, foreign: bool) -> str | None:
    if foreign:
        return "foreign_nationals"
    if any(w.startswith(lx.CIVILIAN_STEMS) for w in words):
        return "civilians"
    if any(w.startswith(lx.MILITARY_STEMS) or w in ("pows",) for w in words):
        return "soldiers"
    return None


def extract(text: str, *, year: int | None = None) -> list[Claim]:
    """Every statement of a quantity about persons in `text`, as proposed claims, in order.

    `year` completes dates written without one ("on August 14"); pass the publication year.
    """
    sents = sentences(text)
    claims: list[Claim] = []
    last_claimant: str | None = None
    prev_class: str | None = None
    heading_class: str | None = None
    for idx, (offset, s) in enumerate(sents):
        own = find_claimant(s)
        claimant = own
        if claimant is None and idx + 1 < len(sents):
            nxt = sents[idx + 1][1]
            if FOLLOWING_ATTRIBUTION.search(nxt):
                claimant = find_claimant(nxt)
        if claimant is None and last_claimant and PRONOUN_SAY.search(s):
            claimant = last_claimant
        if own:
            last_claimant = own
        bullet = BULLET.match(s) is not None
        found = _sentence_claims(
            s,
            year,
            prev_class,
            context_person=prev_class is not None or (bullet and heading_class is not None),
            captive_context=idx > 0 and bool(CAPTIVE.search(norm(sents[idx - 1][1]))),
            list_class=heading_class if bullet else None,
        )
        prev_class = found[-1].counts if found else prev_class
        # "Among those freed:" heads a list whose items ("• 58 soldiers;") carry no cue.
        if s.rstrip().endswith(":"):
            heading_class = _classify(norm(s), len(s) - 1, True) or prev_class
        elif not bullet:
            heading_class = None
        # A date in the sentence before ("an exchange on August 14. Russia returned 84 …").
        if idx and any(c.refers_to is None for c in found):
            prev_date, _ = find_date(sents[idx - 1][1], year)
            for c in found:
                c.refers_to = c.refers_to or prev_date
        side = side_of(claimant)
        for c in found:
            c.claimant, c.side, c.start = claimant, side, offset
        claims.extend(found)
    return _drop_headline_repeats(text, claims)


def _drop_headline_repeats(text: str, claims: list[Claim]) -> list[Claim]:
    """A headline ("Swap brings home 300 Ukrainians") states again a figure of the body; the
    figure counts once. A headline is a first line without a full stop at its end."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first or first[-1] in '.!?…"»”' or len(first) > 200:
        return claims
    head_end = text.index(first) + len(first)
    body = [c for c in claims if c.start >= head_end]
    out = []
    for c in claims:
        if c.start < head_end and any(b.counts == c.counts and _overlap(b, c) for b in body):
            continue
        out.append(c)
    return out


def _overlap(a: Claim, b: Claim) -> bool:
    lo = max(x for x in (a.low, b.low, 0.0) if x is not None)
    his = [x for x in (a.high, b.high) if x is not None]
    return not his or lo <= min(his)


def _sentence_claims(
    s: str,
    year: int | None,
    prev_class: str | None = None,
    context_person: bool = False,
    captive_context: bool = False,
    list_class: str | None = None,
) -> list[Claim]:
    ns = norm(s)
    if len(ns) != len(s):  # lower() changed the length (rare letters): positions must agree
        ns = "".join(norm(ch)[:1] or " " for ch in s)
    refers_to, date_spans = find_date(s, year)
    toks = tokenize(s)
    words = [t.group(0) for t in toks]
    nwords = [norm(w) for w in words]
    foreign = bool(lx.FOREIGN.search(ns))
    quote = s if len(s) <= QUOTE_MAX else s[: QUOTE_MAX - 1] + "…"
    has_person = any(is_person_word(w) for w in nwords)
    out: list[Claim] = []
    used: set[int] = set()

    def in_date(i: int) -> bool:
        a, b = toks[i].span()
        return any(x <= a and b <= y for x, y in date_spans)

    # "84 for 84", "1 000 на 1 000": one claim per side.
    for m in N_FOR_N.finditer(s):
        left, right = digits_value(m.group(1)), digits_value(m.group(2))
        if left is None or right is None:
            continue
        cls = _classify(ns, m.start(), captive_context)
        if cls not in (None, "exchanged", "held") and cls != "exchanged":
            continue
        if cls is None and not has_person:
            continue
        after_right = nwords[
            next((k for k, t in enumerate(toks) if t.start() >= m.end(2)), len(toks)) :
        ][:3]
        if after_right and lx.NOT_PERSONS.match(" ".join(after_right)):
            continue
        for k, t in enumerate(toks):
            if m.start() <= t.start() < m.end():
                used.add(k)
        for value, code in ((left, "UA"), (right, "RU")):
            out.append(
                Claim(
                    counts="exchanged",
                    low=value,
                    high=value,
                    kind="count",
                    claimant=None,
                    side=None,
                    quote=quote,
                    of_party=code,
                    refers_to=refers_to,
                    figure=m.group(0),
                    category=_category(nwords, ns, foreign),
                    extra={"per_side": True},
                )
            )

    i = 0
    while i < len(toks):
        if i in used or in_date(i):
            i += 1
            continue
        n = parse_number(words, i)
        if n is None:
            i += 1
            continue
        tok_start = toks[i].start()
        # Ranges: "between 50 and 60", "50–60", "from 50 to 60", "от 50 до 60".
        high_n: Number | None = None
        if n.end + 2 < len(toks) and nwords[n.end + 1] in RANGE_JOIN:
            n2 = parse_number(words, n.end + 2)
            if (
                n2
                and n2.value > n.value
                and (
                    nwords[n.end + 1] in ("-", "–", "—", "to", "or", "або", "чи", "или")
                    or (i > 0 and nwords[i - 1] in RANGE_START)
                )
            ):
                if (
                    n2.value >= 1000
                    and n.value < n2.value / 100
                    and digits_value(words[i]) is not None
                ):
                    n.value *= 1000 if n2.value % 1000 == 0 else 1  # "2 to 3 thousand"
                high_n = n2
        last = (high_n or n).end
        span_text = s[tok_start : toks[last].end()]
        i_next = last + 1
        after = _after(toks, last, 5)
        before = ns[max(0, tok_start - 40) : tok_start]
        # Money, years, single "one"
        nxt_ch = s[toks[last].end() : toks[last].end() + 2]
        if (
            lx.MONEY_BEFORE.search(before)
            or lx.LABEL_BEFORE.search(before)
            or re.match(r"[A-Za-zА-Яа-яІіЇїЄєҐґ]", nxt_ch[:1])  # 93rd, 5th, 2-й is below
            or re.match(r"[:/]\d", nxt_ch)  # 10:30, 3/4
            or re.search(r"\d[:/]$", s[max(0, tok_start - 2) : tok_start])
        ):
            i = i_next
            continue
        raw = words[i]
        if re.fullmatch(r"(?:19|20)\d\d", raw) and (
            (i > 0 and nwords[i - 1] in YEAR_PREP)
            or (after and after[0] in YEAR_PREP)
            or not after
            or not is_person_word(after[0])
        ):
            i = i_next
            continue
        if digits_value(raw) is None and n.value == 1 and not n.vague:
            i = i_next
            continue
        if s[toks[last].end() : toks[last].end() + 1] == "-":  # "25-year-old", "a 40-page"
            i = i_next
            continue
        share = bool(after) and (
            after[0] == "%"
            or after[0].startswith(("percent", "процент", "відсот", "проц"))
            or after[:2] == ["per", "cent"]
        )
        if share:
            rest = [w for w in after[1:] if w not in ("cent", "of", "из", "з", "із", "от", "від")]
            if (rest and lx.SHARE_CHANGE.match(rest[0])) or lx.SHARE_BY.search(before):
                i = i_next
                continue
            # A share is a population's make-up ("70 % of those held are soldiers"); a share with
            # no category named is some other property ("60 % need long treatment").
            if not has_person or not MAKE_UP.search(ns[toks[last].end() :]):
                i = i_next
                continue
            window = rest[:4]
            if n.value > 100:
                i = i_next
                continue
        else:
            if after and lx.NOT_PERSONS.match(" ".join(after)):
                i = i_next
                continue
            cut = next((k for k, w in enumerate(after[:4]) if is_person_word(w)), None)
            window = after[: cut + 1] if cut is not None else after[:1]
            person = any(is_person_word(w) for w in after[:4]) or bool(
                lx.ANAPHORA.match(" ".join(after))
            )
            if not person:
                ends = re.match(r"\s*(?:[.!?,;)]|\s[—–]\s|$)", s[toks[last].end() :]) is not None
                elliptic = (has_person and not after and ends) or (
                    (has_person or context_person)
                    and bool(after)
                    and after[0]
                    in {
                        "remain",
                        "вважаються",
                        "считаются",
                        "числятся",
                        "остаются",
                        "залишаються",
                        "значаться",
                        "are",
                        "were",
                        "was",
                        "have",
                        "had",
                        "identified",
                        "among",
                        "remained",
                        "still",
                        "who",
                        "уже",
                        "вже",
                        "из",
                        "з",
                        "із",
                        "серед",
                        "среди",
                        "returned",
                        "died",
                        "joined",
                        "refused",
                        "more",
                    }
                )
                if not elliptic:
                    i = i_next
                    continue
        qm = QUALIFIER.search(before)
        qualifier = next((k for k, v in qm.groupdict().items() if v), None) if qm else None
        if n.vague and qualifier and nwords[i] in SINGULAR_THOUSAND:  # "более тысячи"
            n = Number(1000, n.end)
        elif n.vague and qualifier and nwords[i] in ("сотни", "сотні") and n.value == 200:
            n = Number(100, n.end)  # "около сотни", "близько сотні": about a hundred
        lo: float | None
        hi: float | None
        if high_n is not None:
            lo = n.value / 100 if share else n.value
            hi = high_n.value / 100 if share else high_n.value
        else:
            lo, hi = interval(n, qualifier, share)
        if lo is not None and hi is not None and lo > hi:
            i = i_next
            continue
        cls = _classify(ns, tok_start, captive_context)
        if (
            cls is None
            and prev_class
            and (lx.ANAPHORA.match(" ".join(after)) or (after and after[0] in lx.SUCH))
        ):
            cls = prev_class  # "at least 62 of them": them are the previous sentence's persons
        if cls is None and list_class:
            cls = list_class  # an item of a list headed "Among those freed:"
        if cls is None or cls.startswith("_"):
            i = i_next
            continue
        if cls == "held" and foreign:
            cls = "foreigners_held"
        of_party = _side_adj(window)
        if of_party is None:
            m_of = re.search(r"\b(?:of|from) (ukraine|russia)\b", " ".join(after))
            if m_of:
                of_party = "UA" if m_of.group(1) == "ukraine" else "RU"
        clause_ns = ns
        held_by = next((code for code, rx in HELD_BY if rx.search(clause_ns)), None)
        if cls in ("held", "not_accepted") and held_by is None and of_party:
            held_by = _other(of_party)
        if cls in ("held",) and of_party is None and held_by and not foreign:
            of_party = _other(held_by)
        category = _category(window, ns, foreign and cls in ("foreigners_held", "held"))
        claim = Claim(
            counts=cls,
            low=lo,
            high=hi,
            kind="share" if share else "count",
            claimant=None,
            side=None,
            quote=quote,
            held_by=held_by,
            of_party=of_party,
            category=category,
            refers_to=refers_to,
            figure=(qm.group(0).strip() + " " if qm else "")
            + span_text
            + (" %" if share and "%" not in span_text else ""),
        )
        out.append(claim)
        # "returned 84 soldiers, handing over as many", "95 prisoners each": the same figure
        # for the other side.
        tail = ns[toks[last].end() :]
        if (
            cls == "exchanged"
            and lo == hi
            and (AS_MANY.search(tail) or EACH.match(tail) or EACH_BEFORE.search(ns[:tok_start]))
        ):
            claim.extra["per_side"] = True
            out.append(
                Claim(
                    counts=cls,
                    low=lo,
                    high=hi,
                    kind="count",
                    claimant=None,
                    side=None,
                    quote=quote,
                    of_party=_other(of_party),
                    held_by=None,
                    category=category,
                    refers_to=refers_to,
                    figure=claim.figure + " (as many)",
                    extra={"per_side": True},
                )
            )
        i = i_next
    # One claim per figure and class in a sentence; "84 for 84 … returned 84" is the pair only.
    seen: set[tuple] = set()
    unique = []
    paired = {(c.counts, c.low) for c in out if c.extra.get("per_side")}
    for c in out:
        if not c.extra.get("per_side") and (c.counts, c.low) in paired and c.low == c.high:
            continue
        key = (c.counts, c.low, c.high, c.kind, c.of_party, c.figure)
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique
