"""Word lists: what a person is, what each `counts` class sounds like, who is on which side.

Matched on normalised text (numbers.norm): lower case, one apostrophe, е for ё. Stems are
prefixes of a word, so one entry covers the case endings of Ukrainian and Russian.
"""

from __future__ import annotations

import re

# Nouns (stems) that make a figure a count of persons.
PERSON_STEMS = (
    # en
    "soldier",
    "servicem",
    "servicewom",
    "service member",
    "prisoner",
    "pow",
    "captive",
    "detainee",
    "civilian",
    "citizen",
    "nationals",
    "people",
    "person",
    "troop",
    "fighter",
    "combatant",
    "defender",
    "marine",
    "officer",
    "mercenar",
    "volunteer",
    "hostage",
    "individual",
    "resident",
    "foreigner",
    "conscript",
    "recruit",
    "sailor",
    "pilot",
    "paratrooper",
    "ukrainians",
    "russians",
    "servicepeople",
    "militar",
    "internee",
    "inmate",
    "deserter",
    "captured",
    "hostages",
    "wounded",
    "children",
    "members",
    "names",
    "хлопц",
    "хлопців",
    "ребят",
    "герои",
    "героев",
    "героїв",
    "heroes",
    "guardsm",
    "guards",
    "medic",
    "doctor",
    "nurse",
    "journalist",
    "priest",
    "chaplain",
    "медик",
    "врач",
    "лікар",
    "медсест",
    "журналист",
    "журналіст",
    "священ",
    "капелан",
    "капеллан",
    "жител",
    "мешканц",
    "inhabitants",
    "фамили",
    "прізвищ",
    # ru
    "военнопленн",
    "пленн",
    "военнослужащ",
    "солдат",
    "бойц",
    "боец",
    "военн",
    "граждан",
    "человек",
    "людей",
    "лиц",
    "заключенн",
    "задержанн",
    "иностранц",
    "наемник",
    "защитник",
    "морпех",
    "пограничник",
    "офицер",
    "мобилизованн",
    "срочник",
    "дезертир",
    "заложник",
    "детей",
    "украинц",
    "россиян",
    "узник",
    "плененн",
    "раненн",
    "моряк",
    "летчик",
    "добровольц",
    # uk
    "військовополонен",
    "полонен",
    "полонян",
    "військовослужбов",
    "військов",
    "бійц",
    "боєць",
    "громадян",
    "цивільн",
    "осіб",
    "особи",
    "люд",
    "чоловік",
    "захисник",
    "захисниц",
    "оборонц",
    "іноземц",
    "найманц",
    "морпіх",
    "прикордонник",
    "офіцер",
    "заручник",
    "дітей",
    "українц",
    "росіян",
    "в'язн",
    "ув'язнен",
    "бранц",
    "поранен",
    "моряк",
    "льотчик",
    "добровольц",
    "мобілізован",
    "строковик",
)
PERSON_EXACT = {
    "наших",
    "наші",
    "наши",
    "своих",
    "своїх",
    "ours",
    "men",
    "women",
    "ones",
    "pows",
    "лиц",
    "осіб",
}

CIVILIAN_STEMS = (
    "civilian",
    "цивільн",
    "гражданск",
    "мирн",
    "hostage",
    "заложник",
    "заручник",
    "children",
    "детей",
    "дітей",
    "journalist",
    "журналист",
    "журналіст",
)
MILITARY_STEMS = (
    "soldier",
    "servicem",
    "troop",
    "fighter",
    "combatant",
    "marine",
    "officer",
    "conscript",
    "pow",
    "военн",
    "солдат",
    "бойц",
    "боец",
    "морпех",
    "офицер",
    "мобилизованн",
    "військов",
    "бійц",
    "боєць",
    "захисник",
    "оборонц",
    "морпіх",
    "офіцер",
    "мобілізован",
    "defender",
    "paratrooper",
    "sailor",
    "pilot",
)
# Anaphora standing for persons: "62 of them", "из них 40".
SUCH = {"such", "these", "those", "таких", "такого", "такі", "подобных", "подібних", "этих", "цих"}
ANAPHORA = re.compile(
    r"^(?:of (?:them|those|these|whom)|из (?:них|которых)|з (?:них|яких)|"
    r"серед (?:них|яких)|среди (?:них|которых))\b"
)

# Words right after a number that make it something else than persons.
NOT_PERSONS = re.compile(
    r"^(?:of\s+|из\s+|з\s+)?(?:relatives|parents|mothers|wives|родственник|родител|матер|жен\b|"
    r"рідн|родич|батьк|дружин|bus(?:es)?|planes?|aircraft|trucks?|vehicles?|tanks?|drones?|missiles?|shells?|"
    r"houses?|homes|buildings?|hospitals?|camps?|colonies|facilities|famil(?:y|ies)|bodies|"
    r"автобус|самолет|літак|грузовик|вантажівк|машин|танк|дрон|ракет|снаряд|домов|будинк|"
    r"госпитал|шпитал|лагер|табор|колони|учреждени|установ|семей|семьи|родин|тел\b|тіл\b|"
    r"years?|year-old|yrs|лет|года?|годам|років|рік|роки|роках|months?|месяц|місяц|days?|"
    r"дн|дня|днів|weeks?|недел|тижн|hours?|час|годин|minutes?|минут|хвилин|km|км|kilomet|"
    r"километр|кілометр|miles?|kg|кг|tons?|тонн|percent increase|units?|countries|стран|країн|"
    r"regions?|областей|cities|городов|міст|villages?|сел|dollars?|usd|euros?|eur|rubles?|"
    r"roubles?|руб|рубл|гривен|гривень|грн|hryvn|uah|\$|€|£|₴|pages?|стр|сторін|times|раз|"
    r"requests?|заяв|обращен|звернен|appeals?|letters?|писем|листів|rounds?|раунд|exchanges|"
    r"обменов|обмінів|swaps|of (?:its|the) (?:units|regions))\b"
)
MONEY_BEFORE = re.compile(r"(?:[$€£₴]|usd|eur|uah)\s*$", re.I)
# Words before a number that make it a label, an age or a change, not a count of persons.
LABEL_BEFORE = re.compile(
    r"(?:\bno\.|№|\bnumber|\barticle|\bart\.|\bстать[яи]|\bстатт[яі]|\bunit|"
    r"\bpart|\bпункт\w*|\bчаст[ьиі]|\bbrigade|\bбригад\w*|\bbattalion|\bбатальон\w*|"
    r"\bбатальйон\w*|\bregiment|\bполк\w*|\bв/ч|\baged|\bage of|\bages|\bв возрасте|"
    r"\bвіком|\bвозраст\w*|\bвік\b|\bpage|\bстр\.|\bс\.|\bтом|\bvol\.|"
    r"\bresolution|\bрезолюци\w*|\bрезолюці\w*|\bflight|\bрейс\w*|\broute|\bhighway|"
    r"\bтрас\w*|\bколони\w* №|\bsizo|\bсизо|\bсізо|\bколонии|\bcolony)\s*$",
    re.I,
)

# Classes of `counts`, each with cue patterns (regex fragments on normalised text).
# Order is the tie-break: the more specific first.
CUES: list[tuple[str, list[str]]] = [
    # Not a class: persons put on a list are no claim of any kind here; it outranks "exchange".
    # Not a class either: what was done to persons (tried, sentenced, tortured) counts none.
    (
        "_other",
        [
            r"\bsentenced\b",
            r"killed (?:or|and) wounded",
            r"wounded (?:or|and) killed",
            r"\bcasualt",
            r"убитыми и ранеными",
            r"убитыми или ранеными",
            r"вбитими (?:і|й|та) пораненими",
            r"\bпотер[ьи]",
            r"\bвтрат",
            r"\bvisited\b",
            r"\bvisits? to\b",
            r"посетил",
            r"відвідал",
            r"\bconvicted\b",
            r"\btortur(?!ed to death)",
            r"\bпыт(?:ал|ок|ки|кам|ками)",
            r"катуван",
            r"тортур",
            r"\bcharged with\b",
            r"\bput on trial\b",
            r"осужден",
            r"приговорен",
            r"засуджен",
            r"пыта(?:ли|ют)",
            r"катува",
        ],
    ),
    (
        "_listed",
        [
            r"(?:включ|внесен|внесл|внес)\w*\s+(?:в|до|у)\s+(?:\w+\s+)?спис",
            r"спис\w*\s+(?:[\w']+\s+){0,3}(?:включ|внесен|внесл|внес)",
            r"\bв списк(?:е|ах|и)\b(?! на обмен было)",
            r"\bу списк(?:у|ах)\b",
            r"\b(?:on|in) the (?:\w+ )?lists?\b",
            r"lists?\s+(?:\w+\s+){0,3}(?:included|contained|comprised|named)",
            r"(?:included|put|placed|listed)\s+(?:in|on)\s+(?:the\s+)?(?:\w+\s+)?lists?",
        ],
    ),
    (
        "joined_forces",
        [
            r"\bjoin(?:ed|s|ing)?\b",
            r"switch(?:ed)? sides",
            r"\bfight(?:ing)? for\b",
            r"\benlist",
            r"signed (?:up|contracts?)",
            r"went over to",
            r"defected to",
            r"вступил",
            r"вступа",
            r"перешл\w* на сторону",
            r"перейшл\w* на бік",
            r"присоедин",
            r"приєдна",
            r"воюют на стороне",
            r"воевать на стороне",
            r"воюють на боці",
            r"воювати на боці",
            r"подписал\w* контракт",
            r"підписал\w* контракт",
            r"в состав\w*",
            r"до складу",
            r"перейти на сторону",
            r"перейти на бік",
        ],
    ),
    (
        "removed_from_lists",
        [
            r"(?:removed|erased|struck|deleted|excluded|dropped|crossed|taken|scratched|cut)\b.{0,60}\blists?\b",
            r"\bstruck off\b",
            r"вычеркн",
            r"викресл",
            r"(?:исключ|удал|убрал|убра|вилуч|виключ|видал|прибра|прибрал)\w*.{0,60}спис",
        ],
    ),
    (
        "not_accepted",
        [
            r"відмов\w* (?:за)?брати",
            r"відмов\w* (?:при)?йняти",
            r"отказ\w* (?:за)?брать",
            r"отказ\w* (?:при)?нять",
            r"(?:refus\w*|declin\w*|unwilling|reluctan\w*|doesn't want|does not want|don't want|won't|will not|not want)\b.{0,25}\b(?:take|taking|get|getting|accept\w*)\b.{0,30}\bback\b",
            r"(?:refus\w*|declin\w*) to (?:accept|receive|take)",
            r"\babandon",
            r"\bnot (?:taking|accepting) (?:back|them)",
            r"отказыва\w* (?:забирать|принимать|обменивать)",
            r"не (?:хочет|хотят) (?:забирать|обменивать|принимать)",
            r"не забира",
            r"не принима",
            r"відмовля\w* (?:забирати|приймати|обмінювати)",
            r"не (?:хоче|хочуть) (?:забирати|приймати|обмінювати)",
            r"не забира",
            r"не прийма",
            r"бросил\w* (?:своих|своїх)",
            r"кинул\w* (?:своих|своїх)",
            r"покинул\w* (?:своих|своїх)",
        ],
    ),
    (
        "refused_repatriation",
        [
            r"refus\w* (?:to (?:return|go back|be repatriated)|repatriation)",
            r"(?:do not|don't|did not|didn't|not) want(?:ed)? to (?:return|go (?:back|home))",
            r"asked to (?:stay|remain)",
            r"chose to (?:stay|remain)",
            r"wish(?:ed)? to (?:stay|remain)",
            r"declin\w* (?:to return|repatriation)",
            r"не (?:хотят|хотели|хочет) (?:возвращаться|вернуться)",
            r"отказал\w* (?:возвращаться|вернуться|от возвращения|от обмена|от репатриации)",
            r"не (?:хочуть|хотіли|хоче) (?:повертатися|повернутися)",
            r"відмовил\w* (?:повертатися|повернутися|від повернення|від обміну|від репатріації)",
            r"остаться (?:в|на) (?:украине|россии)",
            r"(?:желани\w*|хотят|хочет|решили|просят|просили) остаться",
            r"хотел\w*(?: бы)? остаться",
            r"хотіл\w*(?: б| би)? залишитися",
            r"asked not to be (?:sent|returned|handed|exchanged)",
            r"not to be (?:sent|handed) back",
            r"просил\w* не (?:возвращать|отправлять|обменивать)",
            r"просил\w* не (?:повертати|відправляти|обмінювати)",
            r"(?:бажання|хочуть|хоче|вирішили|просять|просили) залишитися",
            r"(?:wish|wished|want|wants|wanted|asked|decided|chose|choose|prefer\w*) to (?:stay|remain)",
            r"refus\w* to be (?:exchanged|swapped|returned|repatriated|handed over|sent back)",
            r"залишитися в (?:україні|росії)",
        ],
    ),
    (
        "died",
        [
            r"\bdied\b",
            r"\bexecution",
            r"tortured to death",
            r"замучен",
            r"закатован",
            r"замордован",
            r"гибел",
            r"загибел",
            r"\bkilling",
            r"\bmurder",
            r"\bshot dead\b",
            r"убийств",
            r"вбивств",
            r"\bfallen\b",
            r"\bdead\b",
            r"\bkilled\b",
            r"\bdeaths?\b",
            r"\bperished\b",
            r"\bexecuted\b",
            r"lost their lives",
            r"погиб",
            r"умер",
            r"скончал",
            r"казнен",
            r"расстрел",
            r"смерт",
            r"загинул",
            r"загибл",
            r"помер",
            r"страчен",
            r"розстріл",
            r"убит",
            r"вбит",
            r"тела",
            r"тіла",
            r"bodies",
        ],
    ),
    (
        "missing",
        [
            r"\bmissing\b",
            r"unaccounted",
            r"disappeared",
            r"whereabouts",
            r"пропавш",
            r"без вести",
            r"пропал",
            r"зникл",
            r"безвісти",
            r"безвісн",
        ],
    ),
    (
        "exchanged",
        [
            r"\bexchang\w*",
            r"\bswap\w*",
            r"returned",
            r"\breturn\w*",
            r"\bfreed\b",
            r"\brelease\b",
            r"\bfreeing\b",
            r"came back",
            r"back home",
            r"\breleased\b",
            r"brought (?:back|home)",
            r"hand(?:ed|ing|s)? over",
            r"repatriat\w*",
            r"came home",
            r"homecoming",
            r"обмен",
            r"обменя",
            r"вернул",
            r"вернут",
            r"возвращ",
            r"освобожд",
            r"освободил",
            r"передал",
            r"передан",
            r"обмін",
            r"обміня",
            r"поверну",
            r"повернул",
            r"повернен",
            r"поверта",
            r"звільн",
            r"додому",
            r"домой",
        ],
    ),
    (
        "held",
        [
            r"\bin (?:\w+ )?hands\b",
            r"\bв (?:\w+ )?руках\b",
            r"\bу (?:\w+ )?руках\b",
            r"\bheld\b",
            r"\bhold(?:s|ing)?\b",
            r"captivity",
            r"\bcaptive",
            r"in custody",
            r"\bdetained\b",
            r"languish",
            r"\bimprisoned\b",
            r"\bdetention\b",
            r"\bjailed\b",
            r"incarcerat",
            r"\bin (?:\w+ )?prisons?\b",
            r"behind bars",
            r"в тюрьм",
            r"в заключении",
            r"за решетк",
            r"у в'язниц",
            r"в'язниц",
            r"за ґрат",
            r"за грат",
            r"\bcaptured\b",
            r"затриман",
            r"затримал",
            r"\bsurrender",
            r"сдал\w* в плен",
            r"здал\w*(?:ся|ися) в полон",
            r"taken prisoner",
            r"в плену",
            r"в плен",
            r"плену",
            r"удержива",
            r"содерж",
            r"находятся в",
            r"у полоні",
            r"в полоні",
            r"полоні",
            r"у полон",
            r"утриму",
            r"перебува",
            r"взят\w* в плен",
            r"потрапил\w* в полон",
            r"захоплен",
            r"задержан",
            r"\bpows?\b",
            r"prisoners? of war",
            r"\bprisoners\b",
            r"военнопленн",
            r"пленн",
            r"військовополонен",
            r"полонен",
        ],
    ),
]
CUE_RE = [(cls, re.compile("|".join(f"(?:{p})" for p in pats))) for cls, pats in CUES]
SPECIFIC = {
    "_listed",
    "_other",
    "joined_forces",
    "removed_from_lists",
    "not_accepted",
    "refused_repatriation",
    "died",
    "missing",
}

FOREIGN = re.compile(
    r"foreign(?!\s+(?:ministry|minister|affairs|office|policy|intelligence|press|media|"
    r"secretary|service|currency|investment|aid))|citizens? (?:of|from) \d+|nationals? of|"
    r"mercenar|third countr|"
    r"иностран(?!\w*\s+дел)|наемник|граждан\w* \d+ (?:стран|государств)|граждан\w* (?:других|иных) стран|"
    r"іноземн(?!\w*\s+справ)|іноземц|найманц|громадян\w* \d+ (?:країн|держав)|громадян\w* (?:інших|других) країн|"
    # Nationalities and countries of foreigners fighting in this war (not exhaustive).
    r"korea|кндр|корей|nepal|непал|cuban|кубин|colombia|колумби|\bindia|индий|індій|sri lank|"
    r"шри-ланк|шрі-ланк|chin(?:a|ese)|китай|syria|сирий|сирій|serbia|сербск|сербськ|central asia|"
    r"центральн\w* ази|tajik|таджик|uzbek|узбек|kyrgyz|киргиз|kazakh|казах|africa|африк|"
    r"cameroon|камерун|somali|сомали|сомалі|egypt|египт|єгипт|iraq|ирак|ірак|american|американ|"
    r"british|британ|georgian|грузин|international legion|интернациональн\w* легион|"
    r"інтернаціональн\w* легіон|іноземн\w* легіон"
)
SHARE_BY = re.compile(r"(?:\bby|\bна)\s*$")  # "rose by 30 %", "выросло на 30 %": a change
# A change, not a share: "an 89 percent increase in requests".
SHARE_CHANGE = re.compile(
    r"^(?:increase|decrease|rise|growth|drop|fall|jump|more|less|higher|lower|рост|увелич|"
    r"снижен|сокращ|больше|меньше|зростан|збільш|зменш|більше|менше)"
)

UA_WORDS = (
    r"ukrain\w*|kyiv|kiev|zelensk\w*|lubinets|budanov|yusov|usov|hur\b|gur\b|sbu\b|"
    r"coordination headquarters|коордштаб\w*|украин\w*|укр\w*|киев\w*|зеленск\w*|лубинец\w*|буданов\w*|"
    r"юсов\w*|українськ\w*|україн\w*|київ\w*|зеленськ\w*|лубінц\w*|лубінець|буданов\w*|"
    r"юсов\w*|гур\b|сбу\b|координаційн\w* штаб\w*|координационн\w* штаб\w*"
)
RU_WORDS = (
    r"russia\w*|moscow|kremlin|peskov|moskalkova|lantratova|shoigu|belousov|"
    r"росси\w*|русск\w*|москв\w*|кремл\w*|песков\w*|москальков\w*|лантратов\w*|минобороны|"
    r"мо рф|фсб|російськ\w*|росі\w*|москв\w*|кремл\w*|пєсков\w*|москалькова|"
    r"силов\w* структур\w*|security structures|рф\b"
)
UA_RE = re.compile(UA_WORDS)
RU_RE = re.compile(RU_WORDS)
