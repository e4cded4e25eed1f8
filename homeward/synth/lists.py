"""Synthetic person lists with known truth, for the benchmark, the tests and the model's training.

Every person here is invented. Two lists are written about one invented population:

- a **register** (RIGHT), the way a detaining power's clerks write: mostly Russian Cyrillic in
  capitals with a patronymic and a day-first date ("ПЕТРЕНКО АЛЕКСАНДР ИВАНОВИЧ 12.03.1994"),
  some lists in Ukrainian Cyrillic, some in Latin;
- **inquiries** (LEFT), the way families, NGOs and published lists write: Ukrainian Cyrillic with
  a year of birth ("Олександр Петренко, 1994"), informal English ("Alexander Petrenko"), the
  national 2010 romanisation ("Oleksandr Ivanovych Petrenko, 1994-03-12") or another system.

The register also holds the people a matcher must keep apart (brothers, twins, fathers and
sons, namesakes), and some inquiries seek persons the register does not hold, half of them a
relative of someone it does hold.

Every proportion is a named constant below (STYLES, REGISTER_GROUPS, …) and is restated in
benchmarks/linkage/README.md. Each record's variations are recorded as tags
(`Dataset.variations`, written to variations.csv) so that a result can be broken down by kind
of variation and the tests can check each kind is really produced.

The name tables are this module's own, deliberately not the engine's: an engine graded
against its own dictionary would be graded on nothing. Romanisations come from translitua
(Ukrainian systems) and iuliia (Russian systems); German and French spellings of Russian forms
are small hand-written rules.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import iuliia
import translitua

# ================================================================================ name tables
# Men: Ukrainian form | Russian form | English and other informal Latin forms | Ukrainian
# diminutives | Russian diminutives | Latin diminutives | Ukrainian patronymic (m f) | Russian
# patronymic (m f) | weight as a son (born 1963–2006) | weight as a father. "-" is none.
_MALE = """
Олександр|Александр|Alexander Alex|Сашко Саша Олесь|Саша Шура|Sasha|Олександрович Олександрівна|Александрович Александровна|100|60
Сергій|Сергей|Sergey Sergei|Сергійко Сєрьожа|Серёжа Серёга|Seryozha Serezha|Сергійович Сергіївна|Сергеевич Сергеевна|65|50
Андрій|Андрей|Andrew Andrey Andrei|Андрійко|Андрюша|Andryusha|Андрійович Андріївна|Андреевич Андреевна|60|25
Дмитро|Дмитрий|Dmitry Dmitri|Діма Дімка|Дима|Dima|Дмитрович Дмитрівна|Дмитриевич Дмитриевна|55|15
Володимир|Владимир|Vladimir|Володя Вова|Володя Вова|Vova Volodya|Володимирович Володимирівна|Владимирович Владимировна|50|65
Юрій|Юрий|Yuri Yury|Юра Юрко|Юра|Yura|Юрійович Юріївна|Юрьевич Юрьевна|35|40
Віталій|Виталий|Vitaly Vitali|Віталік|Виталик|Vitalik|Віталійович Віталіївна|Витальевич Витальевна|35|15
Віктор|Виктор|Victor Viktor|Вітя|Витя|Vitya|Вікторович Вікторівна|Викторович Викторовна|30|50
Микола|Николай|Nicholas Nikolai Nikolay|Коля Миколка|Коля|Kolya|Миколайович Миколаївна|Николаевич Николаевна|35|70
Олег|Олег|Oleg|Олежик|Олежка|Olezhka|Олегович Олегівна|Олегович Олеговна|35|20
Іван|Иван|Ivan John|Івась Ваня|Ваня|Vanya|Іванович Іванівна|Иванович Ивановна|35|60
Максим|Максим|Maxim Max|Макс|Макс|Max|Максимович Максимівна|Максимович Максимовна|40|4
Євген|Евгений|Eugene Evgeny Yevgeny|Женя|Женя|Zhenya|Євгенович Євгенівна|Евгеньевич Евгеньевна|40|15
Ігор|Игорь|Igor|Ігорчик|Игорёк|-|Ігорович Ігорівна|Игоревич Игоревна|35|20
Вадим|Вадим|Vadim|Вадик|Вадик|Vadik|Вадимович Вадимівна|Вадимович Вадимовна|25|8
Роман|Роман|Roman|Ромко Рома|Рома|Roma|Романович Романівна|Романович Романовна|30|10
Артем|Артём|Artem Artyom|Тьома|Тёма|Tyoma|Артемович Артемівна|Артёмович Артёмовна|30|2
Денис|Денис|Denis Dennis|Дениско|Дениска|Deniska|Денисович Денисівна|Денисович Денисовна|30|2
Богдан|Богдан|Bogdan|Богданчик Бодя|Богдаша|Bodya|Богданович Богданівна|Богданович Богдановна|25|8
Тарас|Тарас|Taras|Тарасик|Тарасик|-|Тарасович Тарасівна|Тарасович Тарасовна|15|5
Василь|Василий|Vasily Basil|Вася Василько|Вася|Vasya|Васильович Василівна|Васильевич Васильевна|20|55
Михайло|Михаил|Michael Mikhail|Михась Міша|Миша|Misha|Михайлович Михайлівна|Михайлович Михайловна|25|40
Петро|Пётр|Peter Pyotr|Петрик Петя|Петя|Petya|Петрович Петрівна|Петрович Петровна|15|45
Павло|Павел|Paul Pavel|Павлик Павлусь|Паша|Pasha|Павлович Павлівна|Павлович Павловна|25|25
Анатолій|Анатолий|Anatoly|Толя Толік|Толя|Tolya|Анатолійович Анатоліївна|Анатольевич Анатольевна|12|40
Валерій|Валерий|Valery Valeri|Валера|Валера|Valera|Валерійович Валеріївна|Валерьевич Валерьевна|12|25
Руслан|Руслан|Ruslan|Русик|Руслик|-|Русланович Русланівна|Русланович Руслановна|25|5
Владислав|Владислав|Vladislav|Влад Владик|Влад|Vlad|Владиславович Владиславівна|Владиславович Владиславовна|30|3
Ярослав|Ярослав|Yaroslav|Ярик Славко|Ярик|Yarik|Ярославович Ярославівна|Ярославович Ярославовна|20|8
Костянтин|Константин|Konstantin Constantine|Костя|Костя|Kostya|Костянтинович Костянтинівна|Константинович Константиновна|20|15
Станіслав|Станислав|Stanislav|Стас|Стас|Stas|Станіславович Станіславівна|Станиславович Станиславовна|15|8
Леонід|Леонид|Leonid|Льоня|Лёня|Lyonya|Леонідович Леонідівна|Леонидович Леонидовна|6|25
Кирило|Кирилл|Kirill Cyril|Кирюша|Кирюша|-|Кирилович Кирилівна|Кириллович Кирилловна|12|3
Степан|Степан|Stepan Stephen|Стьопа|Стёпа|Styopa|Степанович Степанівна|Степанович Степановна|8|20
Геннадій|Геннадий|Gennady|Гена|Гена|Gena|Геннадійович Геннадіївна|Геннадьевич Геннадьевна|6|20
Назар|Назар|Nazar|Назарчик|-|-|Назарович Назарівна|Назарович Назаровна|12|2
Олексій|Алексей|Alexey Alexei|Льоша Олексійко|Лёша Алёша|Lyosha Alyosha|Олексійович Олексіївна|Алексеевич Алексеевна|35|25
Григорій|Григорий|Gregory Grigory|Гриша Гриць|Гриша|Grisha|Григорович Григорівна|Григорьевич Григорьевна|6|25
Федір|Фёдор|Fedor Fyodor Theodore|Федя Федько|Федя|Fedya|Федорович Федорівна|Фёдорович Фёдоровна|4|15
Антон|Антон|Anton Anthony|Антоша|Антоша|-|Антонович Антонівна|Антонович Антоновна|20|8
Вячеслав|Вячеслав|Vyacheslav|Слава Славік|Слава|Slava|Вячеславович Вячеславівна|Вячеславович Вячеславовна|20|15
Ілля|Илья|Ilya Elijah|Іллюша|Илюша|-|Ілліч Іллівна|Ильич Ильинична|12|5
Яків|Яков|Yakov Jacob|Яша|Яша|Yasha|Якович Яківна|Яковлевич Яковлевна|3|10
Георгій|Георгий|Georgy George|Жора|Жора|Zhora|Георгійович Георгіївна|Георгиевич Георгиевна|4|8
Едуард|Эдуард|Eduard Edward|Едік|Эдик|Edik|Едуардович Едуардівна|Эдуардович Эдуардовна|6|8
Артур|Артур|Artur Arthur|Артурчик|-|-|Артурович Артурівна|Артурович Артуровна|12|3
Данило|Даниил|Daniel Danil|Даня Данилко|Даня|Danya|Данилович Данилівна|Даниилович Данииловна|10|2
Семен|Семён|Semyon Simon|Сеня|Сёма|Syoma|Семенович Семенівна|Семёнович Семёновна|3|12
Борис|Борис|Boris|Боря|Боря|Borya|Борисович Борисівна|Борисович Борисовна|5|12
Ростислав|Ростислав|Rostislav|Ростик|Ростик|Rostik|Ростиславович Ростиславівна|Ростиславович Ростиславовна|8|4
Остап|Остап|Ostap|Остапко|-|-|Остапович Остапівна|Остапович Остаповна|4|2
Захар|Захар|Zakhar Zachary|Захарко|-|-|Захарович Захарівна|Захарович Захаровна|4|3
Гліб|Глеб|Gleb|-|-|-|Глібович Глібівна|Глебович Глебовна|4|1
Тимофій|Тимофей|Timofey Timothy|Тимко|Тима|Tima|Тимофійович Тимофіївна|Тимофеевич Тимофеевна|4|3
"""
# Women: Ukrainian | Russian | informal Latin | Ukrainian diminutives | Russian diminutives |
# Latin diminutives | weight.
_FEMALE = """
Ганна|Анна|Anna Hanna Ann|Ганя Аня|Аня|Anya|30
Олена|Елена|Elena Helen Yelena|Оленка Лєна|Лена|Lena|35
Наталія|Наталья|Natalia Natalie|Наталка Наташа|Наташа|Natasha|30
Ольга|Ольга|Olga|Оля|Оля|Olya|25
Тетяна|Татьяна|Tatiana Tanya|Таня|Таня|Tanya|25
Катерина|Екатерина|Ekaterina Catherine Katherine|Катя|Катя|Katya|25
Марія|Мария|Maria Mary|Марійка Маша|Маша|Masha|20
Ірина|Ирина|Irina Irene|Іра|Ира|Ira|25
Юлія|Юлия|Julia Yulia|Юля|Юля|Yulya|25
Світлана|Светлана|Svetlana|Світланка|Света|Sveta|15
Оксана|Оксана|Oksana Oxana|Ксеня|Ксюша|-|20
Людмила|Людмила|Ludmila Lyudmila|Люда|Люда|Luda|10
Анастасія|Анастасия|Anastasia|Настя|Настя|Nastya|20
Вікторія|Виктория|Victoria Viktoria|Віка|Вика|Vika|20
Дарія|Дарья|Daria Darya|Даша|Даша|Dasha|15
Надія|Надежда|Nadia Nadezhda|Надя|Надя|Nadya|10
Галина|Галина|Galina Halyna|Галя|Галя|Galya|10
Любов|Любовь|Lyubov Luba|Люба|Люба|Luba|6
Віра|Вера|Vera|Віруся|Верочка|-|6
Софія|София|Sofia Sophia|Соня|Соня|Sonya|8
"""
# Central Asian names: Russian Cyrillic:native Latin, per nation. The native Latin is the
# Uzbek (2nd Latin alphabet), Kazakh (2021 Latin) or Kyrgyz/Tajik passport spelling.
_CA_MALE = {
    "uz": "Алишер:Alisher Бахтиёр:Baxtiyor Шерзод:Sherzod Жасур:Jasur Отабек:Otabek "
    "Дилшод:Dilshod Улугбек:Ulug'bek Фарход:Farxod Санжар:Sanjar Бобур:Bobur Азиз:Aziz "
    "Рустам:Rustam Шухрат:Shuxrat Акмал:Akmal",
    "tj": "Фаррух:Farrukh Далер:Daler Джамшед:Jamshed Сухроб:Sukhrob Парвиз:Parviz "
    "Фирдавс:Firdavs Манучехр:Manuchehr Бехруз:Behruz Комрон:Komron",
    "kz": "Нурлан:Nurlan Ержан:Erjan Асхат:Asqat Данияр:Daniiar Ерлан:Erlan "
    "Бауыржан:Bauyrjan Серик:Serik Кайрат:Qairat Марат:Marat Айдос:Aidos",
    "kg": "Азамат:Azamat Нурбек:Nurbek Эрлан:Erlan Бакыт:Bakyt Улан:Ulan Мирлан:Mirlan "
    "Адилет:Adilet Талант:Talant",
}
_CA_FEMALE = {
    "uz": "Дилноза:Dilnoza Гулнора:Gulnora Нилуфар:Nilufar Шахноза:Shahnoza Мохира:Mohira",
    "tj": "Малика:Malika Фарангис:Farangis Зарина:Zarina",
    "kz": "Айгерим:Aigerim Динара:Dinara Жанар:Janar",
    "kg": "Айжан:Aijan Нургуль:Nurgul",
}
_CA_SURNAMES = {
    "uz": "Каримов:Karimov Рахимов:Rahimov Юсупов:Yusupov Алиев:Aliyev Абдуллаев:Abdullayev "
    "Турсунов:Tursunov Исмоилов:Ismoilov Мирзаев:Mirzayev Хасанов:Hasanov Ахмедов:Axmedov "
    "Усманов:Usmonov Эргашев:Ergashev Нурматов:Nurmatov",
    "tj": "Рахмонов:Rakhmonov Шарипов:Sharipov Саидов:Saidov Назаров:Nazarov Сафаров:Safarov "
    "Давлатов:Davlatov",
    "kz": "Жумабаев:Jumabaev Сулейменов:Suleimenov Ахметов:Ahmetov Искаков:Iskakov "
    "Нурланов:Nurlanov Абенов:Abenov",
    "kg": "Асанов:Asanov Токтогулов:Toktogulov Бакиев:Bakiev Кадыров:Kadyrov Осмонов:Osmonov",
}
# How each nation writes a patronymic natively: Cyrillic (m, f) and Latin (m, f) forms around
# the father's name ("{}" is his name). Russian-style "-ович" is the other option everywhere.
_CA_PATRONYMIC = {
    "uz": ("{} угли", "{} кизи", "{} o'g'li", "{} qizi"),
    "tj": ("{}ович", "{}овна", "{}ovich", "{}ovna"),  # Soviet-style: the same as Russian
    "kz": ("{}улы", "{}кызы", "{}uly", "{}qyzy"),
    "kg": ("{} уулу", "{} кызы", "{} uulu", "{} kyzy"),
}
# Common Ukrainian surnames, commonest first; "uk:ru" where a Russian clerk's spelling is not
# the letter-for-letter one (Олійник:Олейник, Лисенко:Лысенко, Білий:Белый).
_UA_SURNAMES = """
Мельник Шевченко Коваленко Бондаренко Бойко Ткаченко Кравченко Ковальчук Коваль Олійник:Олейник
Шевчук Поліщук Іваненко Ткачук Савченко Бондар:Бондарь Марченко Руденко Мороз Лисенко:Лысенко
Петренко Клименко Павленко Кравчук Кузьменко Пономаренко Савчук Василенко Левченко Харченко
Карпенко Гончаренко Кушнір Мельничук Литвиненко Романенко Мазур Гриценко Білоус:Белоус Костенко
Приходько Мартинюк:Мартынюк Сидоренко Захарченко Панченко Антоненко Дмитренко Кириленко Юрченко
Тимошенко Гуменюк Онищенко Власенко Яковенко Ярошенко Максименко Гордієнко Білик:Билык
Остапенко Давиденко:Давыденко Мирошниченко Головко Степаненко Тарасенко Вакуленко Демченко
Дем'яненко Зінченко Сергієнко Назаренко Коломієць Слободян Лук'яненко Ковтун Кучер Гаврилюк
Федоренко Вовк Гнатюк Кириченко Пилипенко Луценко Дорошенко Гребенюк Бабенко
Мартиненко:Мартыненко Новак Бурлака Гончарук Чорновол:Черновол Ющенко Ковальський
Вишневський Яворський Савицький Островський Левицький Маковецький Білий:Белый Чорний:Черный
Сивий:Сивый Гладкий Кривий:Кривой Малий:Малый Рудий:Рудый Лозинський Стельмах Кравець Швець
Коцюба Процюк Данилюк Ковалишин Микитюк Федорів:Федорив Петрів:Петрив Іванів:Иванив Гуцал
Климчук Кравчишин Семенюк Литвин Лук'янчук Рибак:Рыбак Дячук Дяченко Гайовий:Гаевой Сорока
Зайченко Ворона Бублик Нечипоренко Мисник Гуцуляк Ничипорук Фесенко Шаповал Гуменний:Гуменный
Марчук Тищенко Прокопенко Головач Середа Гарбуз Осадчий Пасічник:Пасечник Яценко Зубко
"""
# Russian surnames, common in Ukraine too: Ukrainian spelling:Russian spelling.
_RU_SURNAMES = """
Іванов:Иванов Смірнов:Смирнов Кузнєцов:Кузнецов Попов:Попов Васильєв:Васильев Петров:Петров
Соколов:Соколов Михайлов:Михайлов Новіков:Новиков Федоров:Фёдоров Морозов:Морозов
Волков:Волков Алексєєв:Алексеев Лебедєв:Лебедев Семенов:Семёнов Єгоров:Егоров Павлов:Павлов
Козлов:Козлов Степанов:Степанов Ніколаєв:Николаев Орлов:Орлов Андрєєв:Андреев Макаров:Макаров
Нікітін:Никитин Захаров:Захаров Зайцев:Зайцев Соловйов:Соловьёв Борисов:Борисов
Яковлєв:Яковлев Григор'єв:Григорьев Романов:Романов Воробйов:Воробьёв Сергєєв:Сергеев
Кузьмін:Кузьмин Фролов:Фролов Александров:Александров Дмитрієв:Дмитриев Корольов:Королёв
Гусєв:Гусев Кисельов:Киселёв Ільїн:Ильин Максимов:Максимов Поляков:Поляков Сорокін:Сорокин
Виноградов:Виноградов Ковальов:Ковалёв Бєлов:Белов Медведєв:Медведев Антонов:Антонов
Тарасов:Тарасов Жуков:Жуков Баранов:Баранов Філіппов:Филиппов Комаров:Комаров
Давидов:Давыдов Бєляєв:Беляев Герасимов:Герасимов Богданов:Богданов Осипов:Осипов
Сидоров:Сидоров Матвєєв:Матвеев Титов:Титов Марков:Марков Миронов:Миронов Крилов:Крылов
Куликов:Куликов Карпов:Карпов Власов:Власов Мельников:Мельников Денисов:Денисов
"""
# The long tail of Ukrainian surnames: real roots and invented syllables with the usual
# suffixes, (suffix, weight, takes a feminine form).
_TAIL_ROOTS = (
    "Бак Бар Біл Бог Бож Бор Брат Бур Буч Вар Вас Вер Вин Віт Віш Влас Вод Вол Ворон Габ Гав "
    "Гай Гал Гарас Гнид Гол Гон Гор Град Гриц Груш Губ Гуз Гук Дан Дац Дем Дід Дуд Дуб Єрем Жук "
    "Жур Зар Зах Зел Зор Кал Кар Кач Кир Клим Клоч Ков Кож Коз Кол Коп Кор Кос Кот Крав Крив "
    "Кут Лаз Лев Лис Лук Луц Мак Мал Мар Мат Мед Мик Мих Мор Мот Наз Нес Ніж Ніч Олекс Онис Орл "
    "Осип Остр Пан Пар Пас Пав Пет Пил Пол Пот Прок Рад Рак Рев Риж Род Рож Ром Руд Сав Сал Сам "
    "Свир Сем Сер Сид Сір Слав Сок Стах Стец Сук Тар Тер Тим Тит Тищ Трох Тур Усат Фед Філ Фом "
    "Хар Хом Цап Чаб Чер Чуб Шал Шам Шап Шил Шум Щерб Юр Яков Ярем Ясин Яц"
).split()
_TAIL_SYLLABLES_A = (
    "Ко Пе Ма Бо Ли Гри Са Ру Мо Ку Па Кли Ле Ша Те Ва Ні Ба Го Да Во Сте Фе Ти Ча Ге Зо Ми Хо "
    "Ше Я Ю О Бі Че Же Ри Се Ста Ка"
).split()
_TAIL_SYLLABLES_B = (
    "вал тр рч нд с ц вч д р зьм вл м рн ткач льн ст рк лов нч б шк хн гн л щ лин рем сн дор "
    "ліс вор пан круп шев мел гон кур"
).split()
_TAIL_SUFFIXES = [
    ("енко", 34, False),
    ("чук", 9, False),
    ("ук", 8, False),
    ("юк", 5, False),
    ("ський", 8, True),
    ("ич", 4, False),
    ("ик", 4, False),
    ("ов", 4, True),
    ("ишин", 3, False),
    ("ак", 3, False),
    ("ко", 3, False),
    ("ець", 2, False),
    ("ин", 2, True),
    ("ів", 2, False),
    ("ан", 1, False),
    ("ун", 1, False),
]
# Places of birth: Ukrainian:Russian, and Central Asian Russian:native Latin.
_UA_PLACES = (
    "Київ:Киев Харків:Харьков Дніпро:Днепр Одеса:Одесса Запоріжжя:Запорожье Львів:Львов "
    "Миколаїв:Николаев Маріуполь:Мариуполь Херсон:Херсон Полтава:Полтава Чернігів:Чернигов "
    "Черкаси:Черкассы Суми:Сумы Житомир:Житомир Вінниця:Винница Кременчук:Кременчуг "
    "Луганськ:Луганск Донецьк:Донецк Краматорськ:Краматорск Слов'янськ:Славянск Ізюм:Изюм "
    "Бахмут:Бахмут Мелітополь:Мелитополь Бердянськ:Бердянск Нікополь:Никополь "
    "Павлоград:Павлоград Рівне:Ровно Луцьк:Луцк Тернопіль:Тернополь Ужгород:Ужгород "
    "Чернівці:Черновцы Умань:Умань Конотоп:Конотоп Шостка:Шостка Лозова:Лозовая "
    "Куп'янськ:Купянск Лисичанськ:Лисичанск Покровськ:Покровск Енергодар:Энергодар"
).split()
_CA_PLACES = (
    "Ташкент:Toshkent Самарканд:Samarqand Наманган:Namangan Андижан:Andijon Душанбе:Dushanbe "
    "Худжанд:Khujand Алматы:Almaty Шымкент:Shymkent Бишкек:Bishkek Ош:Osh"
).split()


@dataclass(frozen=True, slots=True)
class GivenName:
    """One given name in every form a list may write it."""

    uk: str
    ru: str
    latin: tuple[str, ...]  # informal English or native Latin forms, the usual one first
    dim_uk: tuple[str, ...]
    dim_ru: tuple[str, ...]
    dim_latin: tuple[str, ...]
    patronymic_uk: tuple[str, str]  # (son's, daughter's)
    patronymic_ru: tuple[str, str]
    weight: float
    weight_as_father: float


@dataclass(frozen=True, slots=True)
class Surname:
    uk: tuple[str, str]  # (man's, woman's)
    ru: tuple[str, str]
    latin: tuple[str, str] | None = None  # native Latin (Central Asian surnames)


def _pair(text: str, sep: str = ":") -> tuple[str, str]:
    a, b = text.split(sep)
    return a, b


def _words(text: str) -> tuple[str, ...]:
    return () if text.strip() == "-" else tuple(text.split())


def _parse_male(text: str) -> list[GivenName]:
    out = []
    for line in text.strip().splitlines():
        uk, ru, lat, duk, dru, dlat, puk, pru, w, wf = line.split("|")
        out.append(
            GivenName(
                uk,
                ru,
                _words(lat),
                _words(duk),
                _words(dru),
                _words(dlat),
                _pair(puk, " "),
                _pair(pru, " "),
                float(w),
                float(wf),
            )
        )
    return out


def _parse_female(text: str) -> list[GivenName]:
    out = []
    for line in text.strip().splitlines():
        uk, ru, lat, duk, dru, dlat, w = line.split("|")
        out.append(
            GivenName(
                uk, ru, _words(lat), _words(duk), _words(dru), _words(dlat), ("", ""), ("", ""),
                float(w), 0.0,
            )
        )  # fmt: skip
    return out


_RU_TO_UK = str.maketrans(
    {"и": "і", "ы": "и", "э": "е", "ё": "ьо", "ъ": "'", "И": "І", "Ы": "И", "Э": "Е", "Ё": "Йо"}
)


def _ru_to_uk_letters(name: str) -> str:
    """How a Ukrainian writes a (Central Asian) name he knows in Russian: Алишер → Алішер."""
    name = re.sub("(?<=[аеиоуыэюяё])ё", "йо", name, flags=re.IGNORECASE)
    out = name.translate(_RU_TO_UK)
    if out.startswith("Е"):
        out = "Є" + out[1:]
    return out


def _ca_tables() -> tuple[
    dict[str, list[GivenName]], dict[str, list[GivenName]], dict[str, list[Surname]]
]:
    male: dict[str, list[GivenName]] = {}
    female: dict[str, list[GivenName]] = {}
    surnames: dict[str, list[Surname]] = {}
    for nation in _CA_MALE:
        male[nation] = []
        for pair in _CA_MALE[nation].split():
            ru, lat = pair.split(":")
            uk = _ru_to_uk_letters(ru)
            male[nation].append(
                GivenName(
                    uk,
                    ru,
                    (lat,),
                    (),
                    (),
                    (),
                    (uk + "ович", uk + "івна"),
                    (ru + "ович", ru + "овна"),
                    1.0,
                    1.0,
                )
            )
        female[nation] = [
            GivenName(_ru_to_uk_letters(ru), ru, (lat,), (), (), (), ("", ""), ("", ""), 1.0, 0.0)
            for ru, lat in (pair.split(":") for pair in _CA_FEMALE[nation].split())
        ]
        surnames[nation] = [
            Surname(
                (_ru_to_uk_letters(ru), _ru_to_uk_letters(ru) + "а"),
                (ru, ru + "а"),
                (lat, lat + "a"),
            )
            for ru, lat in (pair.split(":") for pair in _CA_SURNAMES[nation].split())
        ]
    return male, female, surnames


MALE = _parse_male(_MALE)
FEMALE = _parse_female(_FEMALE)
CA_MALE, CA_FEMALE, CA_SURNAMES = _ca_tables()
CA_NATIONS = {"uz": 0.4, "tj": 0.25, "kz": 0.2, "kg": 0.15}

_UK_TO_RU = str.maketrans(
    {"і": "и", "ї": "йи", "є": "е", "ґ": "г", "'": "ь", "І": "И", "Ї": "Йи", "Є": "Е", "Ґ": "Г"}
)
_VELAR_OR_HUSHING = set("кгхжчшщ")


def uk_to_ru_letters(text: str, *, adjective: bool = False) -> str:
    """A Ukrainian word as a Russian clerk spells it letter by letter: Сергій → Сергий,
    Ковальський → Ковальский; an adjectival surname takes the Russian ending: Гайовий →
    Гайовый."""
    out = text.translate(_UK_TO_RU)
    for uk, ru in (("ськ", "ск"), ("цьк", "цк"), ("зьк", "зк"), ("СЬК", "СК"), ("ЦЬК", "ЦК")):
        out = out.replace(uk, ru)
    low = out.lower()
    if (
        adjective
        and low.endswith("ий")
        and len(out) > 3
        and low[-3] not in _VELAR_OR_HUSHING
        and not low.endswith(("ский", "цкий", "зкий"))
    ):
        out = out[:-2] + ("ЫЙ" if out.isupper() else "ый")
    return out


def _feminine_uk(name: str, declines: bool) -> str:
    for m, f in (("ський", "ська"), ("цький", "цька"), ("зький", "зька")):
        if name.endswith(m):
            return name[: -len(m)] + f
    if name.endswith("ий"):
        return name[:-2] + "а"
    if declines or name.endswith(("ов", "ев", "єв")):
        return name + "а"
    return name


def _feminine_ru(name: str, declines: bool) -> str:
    for m, f in (("ский", "ская"), ("цкий", "цкая"), ("зкий", "зкая")):
        if name.endswith(m):
            return name[: -len(m)] + f
    if name.endswith(("ый", "ой", "ий")):
        return name[:-2] + "ая"
    if declines or name.endswith(("ов", "ев", "ёв")):
        return name + "а"
    return name


def _surname(uk: str, ru: str | None, declines: bool, *, hard_i: bool = False) -> Surname:
    if ru is None:
        spelt = uk
        if hard_i:  # Лисенко → Лысенко: Ukrainian и is often Russian ы after a hard consonant
            spelt = "".join(
                "ы" if c == "и" and i > 0 and uk[i - 1] in "бвдлмнпрст" else c
                for i, c in enumerate(uk)
            )
        ru = uk_to_ru_letters(spelt, adjective=True)
    return Surname((uk, _feminine_uk(uk, declines)), (ru, _feminine_ru(ru, declines)))


def _ua_surnames() -> list[Surname]:
    head = []
    for token in _UA_SURNAMES.split():
        uk, _, ru = token.partition(":")
        head.append(_surname(uk, ru or None, False))
    seen = {s.uk[0] for s in head}
    tail = []
    rng = random.Random(20261123)
    stems = _TAIL_ROOTS + [a + b for a in _TAIL_SYLLABLES_A for b in _TAIL_SYLLABLES_B]
    for stem in stems:
        for suffix, _, declines in _TAIL_SUFFIXES:
            name = (stem + suffix).replace("лськ", "льськ")
            if name not in seen:
                seen.add(name)
                hard_i = zlib.crc32(name.encode()) % 100 < 30
                tail.append(_surname(name, None, declines, hard_i=hard_i))
    rng.shuffle(tail)
    return head + tail


def _ru_surnames() -> list[Surname]:
    out = []
    for token in _RU_SURNAMES.split():
        uk, ru = token.split(":")
        out.append(_surname(uk, ru, True))
    return out


UA_SURNAMES = _ua_surnames()
RU_SURNAMES = _ru_surnames()
UA_PLACES = [_pair(p) for p in _UA_PLACES]  # (uk, ru)
CA_PLACES = [_pair(p) for p in _CA_PLACES]  # (ru, native Latin)

# ================================================================================ romanisation


def _german_ru(text: str) -> str:
    """Russian Cyrillic as a German form writes it (Duden style): Сергей → Sergej,
    Евгений → Jewgenij, Шевченко → Schewtschenko."""
    return _rules(text, _GERMAN, initial_e="je", after_vowel_e="je", s_between_vowels="ss")


def _french_ru(text: str) -> str:
    """Russian Cyrillic as a French form writes it: Юрий → Iouri, Сергей → Sergueï."""
    return _rules(text, _FRENCH, initial_e="ie", after_vowel_e="ie", s_between_vowels="ss")


_GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch", "з": "s",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip
_FRENCH = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z",
    "и": "i", "й": "ï", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "ou", "ф": "f", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch",
    "щ": "chtch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iou", "я": "ia",
}  # fmt: skip
_VOWELS = set("аеёиоуыэюяaeiouy")


def _rules(text: str, table: dict[str, str], **special: str) -> str:
    words = []
    for word in text.split(" "):
        low = word.lower().replace("кс", "x")
        if low.endswith("ий"):
            low = low[:-2] + "i\x00"  # Юрий → Jurij / Iouri: the й is handled below
        out = []
        for i, c in enumerate(low):
            prev = low[i - 1] if i else ""
            nxt = low[i + 1] if i + 1 < len(low) else ""
            if c == "\x00":
                out.append("j" if table is _GERMAN else "")
            elif c == "е" and (i == 0 or prev in _VOWELS or prev in "ьъ"):
                out.append(special["initial_e"] if i == 0 else special["after_vowel_e"])
            elif c == "с" and prev in _VOWELS and nxt in _VOWELS:
                out.append(special["s_between_vowels"])
            elif c == "г" and table is _FRENCH and nxt in "еиы":
                out.append("gu")
            elif c == "й" and table is _FRENCH and prev not in _VOWELS:
                out.append("i")
            else:
                out.append(table.get(c, c))
        roman = "".join(out)
        words.append(roman.upper() if word.isupper() and len(word) > 1 else roman.capitalize())
    return " ".join(words)


def _tl(scheme) -> Callable[[str], str]:
    return lambda text: translitua.translit(text, scheme)


def _iu(schema) -> Callable[[str], str]:
    return schema.translate


# name → (the script the system romanises, the function)
SYSTEMS: dict[str, tuple[str, Callable[[str], str]]] = {
    "national2010": ("uk", _tl(translitua.UkrainianKMU)),
    "bgn_pcgn_uk": ("uk", _tl(translitua.UkrainianBGN)),
    "iso9_uk": ("uk", _tl(translitua.UkrainianISO9)),
    "scholarly_uk": ("uk", _tl(translitua.UkrainianWWS)),
    "passport2007_uk": ("uk", _tl(translitua.UkrainianPassport2007)),
    "passport2004_uk": ("uk", _tl(translitua.UkrainianPassport2004Alt)),
    "german_uk": ("uk", _tl(translitua.UkrainianGerman)),
    "french_uk": ("uk", _tl(translitua.UkrainianFrench)),
    "icao_ru": ("ru", _iu(iuliia.ICAO_DOC_9303)),
    "passport2010_ru": ("ru", _iu(iuliia.MVD_310)),
    "passport1997_ru": ("ru", _iu(iuliia.MVD_782)),
    "bgn_pcgn_ru": ("ru", _iu(iuliia.BGN_PCGN)),
    "scholarly_ru": ("ru", _iu(iuliia.SCIENTIFIC)),
    "iso9_ru": ("ru", _iu(iuliia.GOST_779)),
    "english_ru": ("ru", _iu(iuliia.WIKIPEDIA)),
    "german_ru": ("ru", _german_ru),
    "french_ru": ("ru", _french_ru),
}
_ROMAN_CACHE: dict[tuple[str, str], str] = {}


def romanise(text: str, system: str) -> str:
    key = (system, text)
    out = _ROMAN_CACHE.get(key)
    if out is None:
        # iuliia's BGN/PCGN, scholarly and ISO 9 schemas pass ё through; each writes ë
        out = SYSTEMS[system][1](text).replace("ё", "ë").replace("Ё", "Ë")
        if len(_ROMAN_CACHE) < 500_000:  # names repeat: the cache saves most of the cost
            _ROMAN_CACHE[key] = out
    return out


# ================================================================================ proportions


@dataclass(frozen=True)
class Style:
    """How one kind of list writes a person. Probabilities are per record."""

    script: str  # "uk", "ru" or "latin"
    systems: dict[str, float] | None  # romanisation systems of a Latin list
    p_patronymic: float
    p_diminutive: float = 0.0
    p_other_form: float = 0.0  # uk list: the Russian given name; ru list: the Ukrainian one
    p_informal_latin: float = 0.0  # "Alexander", "Sergey" instead of a romanisation
    p_native_latin: float = 0.5  # Central Asian persons in Latin: their own spelling
    p_all_upper: float = 0.0
    p_surname_upper: float = 0.0
    p_surname_first: float = 0.0  # in full names
    dates: dict[str, float] = field(default_factory=dict)  # full / year / year_month / missing
    p_date_error: float = 0.0  # of full dates: swapped, a day off or a year off, evenly
    date_format: str = "dmy"  # "dmy" 12.03.1994 or "iso" 1994-03-12
    p_place: float = 0.0
    p_sex_missing: float = 0.0
    p_typo: tuple[float, float, float] = (0.0, 0.0, 0.0)  # family, given, patronymic
    p_swapped_columns: float = 0.0  # given name in the family-name column and back


_LATIN_LIST_SYSTEMS = {
    "national2010": 0.45,
    "passport2007_uk": 0.10,
    "icao_ru": 0.25,
    "passport2010_ru": 0.10,
    "bgn_pcgn_ru": 0.10,
}
_NGO_SYSTEMS = {
    "national2010": 0.28,
    "bgn_pcgn_uk": 0.08,
    "iso9_uk": 0.03,
    "scholarly_uk": 0.03,
    "passport2007_uk": 0.06,
    "passport2004_uk": 0.03,
    "german_uk": 0.06,
    "french_uk": 0.05,
    "icao_ru": 0.12,
    "passport1997_ru": 0.05,
    "bgn_pcgn_ru": 0.05,
    "english_ru": 0.08,
    "scholarly_ru": 0.02,
    "iso9_ru": 0.02,
    "german_ru": 0.02,
    "french_ru": 0.02,
}
# Inquiries' birth dates. A family knows its son's birthday and an NGO's form asks for it, but
# some write only the year ("Олександр Петренко, 1994") or nothing. Nobody has the real shares;
# these were calibrated against the one outside figure there is: on the issue owner's first
# trial the Splink baseline reached F1 about 0.87 with split names, which it does on these lists
# (0.870) and not on the earlier sparse ones (0.766; PROFILES["sparse_dates"] below keeps them).
_INQUIRY_DATES = {"full": 0.90, "year": 0.06, "year_month": 0.02, "missing": 0.02}
STYLES: dict[str, Style] = {
    # the register (RIGHT)
    "ru_clerk": Style(
        "ru", None, 0.93, p_other_form=0.15, p_all_upper=0.8, p_surname_upper=1.0,
        p_surname_first=0.95,
        dates={"full": 0.92, "year": 0.04, "year_month": 0.02, "missing": 0.02},
        p_date_error=0.05, p_place=0.7, p_typo=(0.03, 0.015, 0.015),
    ),
    "uk_list": Style(
        "uk", None, 0.9, p_all_upper=0.3, p_surname_upper=0.5, p_surname_first=0.95,
        dates={"full": 0.95, "year": 0.03, "missing": 0.02},
        p_date_error=0.03, p_place=0.6, p_typo=(0.02, 0.01, 0.01),
    ),
    "latin_list": Style(
        "latin", _LATIN_LIST_SYSTEMS, 0.8, p_all_upper=0.3, p_surname_upper=0.5,
        p_surname_first=0.6, dates={"full": 0.93, "year": 0.04, "missing": 0.03},
        p_date_error=0.03, date_format="iso", p_place=0.4, p_typo=(0.03, 0.015, 0.015),
    ),
    # inquiries (LEFT)
    "family_uk": Style(
        "uk", None, 0.45, p_diminutive=0.07, p_other_form=0.05, p_surname_upper=0.1,
        p_surname_first=0.4, dates=_INQUIRY_DATES, p_date_error=0.1, p_place=0.25,
        p_sex_missing=0.05, p_typo=(0.05, 0.03, 0.03), p_swapped_columns=0.02,
    ),
    "family_ru": Style(
        "ru", None, 0.5, p_diminutive=0.07, p_other_form=0.1, p_surname_upper=0.1,
        p_surname_first=0.4, dates=_INQUIRY_DATES, p_date_error=0.1, p_place=0.25,
        p_sex_missing=0.05, p_typo=(0.05, 0.03, 0.03), p_swapped_columns=0.02,
    ),
    "ngo": Style(
        "latin", _NGO_SYSTEMS, 0.15, p_diminutive=0.04, p_informal_latin=0.3,
        p_surname_upper=0.1, p_surname_first=0.15,
        dates=_INQUIRY_DATES, p_date_error=0.08, date_format="iso", p_place=0.15, p_sex_missing=0.15,
        p_typo=(0.05, 0.03, 0.03), p_swapped_columns=0.03,
    ),
    "published": Style(
        "latin", {"national2010": 1.0}, 0.85, p_surname_first=0.1,
        dates={"full": 0.90, "year": 0.08, "missing": 0.02},
        p_date_error=0.03, date_format="iso", p_place=0.1, p_typo=(0.01, 0.01, 0.01),
    ),
}  # fmt: skip
# Other shares the lists can be written with (`generate(profile=…)`, the benchmark's
# `--profile`). "sparse_dates": the generator's inquiry dates until December 2026, a third of
# family and NGO inquiries with a year or no date; the shipped model is trained on it, so that
# every date level has thousands of true pairs.
PROFILES: dict[str, dict[str, Style]] = {
    "default": STYLES,
    "sparse_dates": {
        **STYLES,
        **{
            name: replace(
                STYLES[name],
                dates={"full": 0.50, "year": 0.30, "year_month": 0.05, "missing": 0.15},
            )
            for name in ("family_uk", "family_ru")
        },
        "ngo": replace(
            STYLES["ngo"], dates={"full": 0.55, "year": 0.30, "year_month": 0.05, "missing": 0.10}
        ),
    },
}
REGISTER_STYLES = {"ru_clerk": 0.65, "uk_list": 0.20, "latin_list": 0.15}
INQUIRY_STYLES = {"family_uk": 0.40, "family_ru": 0.10, "ngo": 0.30, "published": 0.20}

# The population.
P_WOMAN = 0.07
P_CENTRAL_ASIAN = 0.04
P_RUSSIAN_SURNAME = 0.10  # Ukrainians with a Russian surname (Іванов, Кузнєцов)
# Register households: a person alone, or two persons a matcher must keep apart. Nobody knows
# how many brothers a real register holds; these shares are meant to be above it, so that each
# kind is measured on thousands of pairs (about 17% of register records are in such a pair).
# Namesakes also arise by chance, from common surnames and given names, on top of these.
REGISTER_GROUPS = {
    "single": 0.905,
    "brothers": 0.04,  # same surname and father (patronymic), born 1–10 years apart
    "twins": 0.005,  # same surname, father and birth date, another given name
    "father_son": 0.015,  # the son's patronymic is the father's given name, 20–33 years apart
    "namesakes": 0.035,  # same surname and given name (and patronymic half the time),
    #                     another birth date and place
}
P_NOT_IN_REGISTER = 0.12
# Whom an inquiry seeks when the register does not hold him.
NOT_HELD = {"unrelated": 0.5, "brother": 0.2, "father_or_son": 0.1, "twin": 0.05, "namesake": 0.15}

# ================================================================================ generation


@dataclass(slots=True)
class Person:
    """An invented person: indexes into the tables above, not text."""

    origin: str  # "ua", "ru" (a Ukrainian with a Russian surname) or a Central Asian nation
    sex: str  # "M" or "F"
    given: int
    father: int
    surname: int
    birth: dt.date
    place: int

    def given_name(self) -> GivenName:
        return _given_table(self.origin, self.sex)[self.given]

    def father_name(self) -> GivenName:
        return _given_table(self.origin, "M")[self.father]

    def surname_entry(self) -> Surname:
        if self.origin == "ua":
            return UA_SURNAMES[self.surname]
        if self.origin == "ru":
            return RU_SURNAMES[self.surname]
        return CA_SURNAMES[self.origin][self.surname]

    def place_forms(self) -> tuple[str, str]:
        if self.origin in CA_NATIONS:
            return CA_PLACES[self.place]
        return UA_PLACES[self.place]


def _given_table(origin: str, sex: str) -> list[GivenName]:
    if origin in CA_NATIONS:
        return CA_MALE[origin] if sex == "M" else CA_FEMALE[origin]
    return MALE if sex == "M" else FEMALE


@dataclass
class Dataset:
    """Two person lists (rows as DESIGN §7 dicts) and the truth: inquiry id → register id, or
    None when the register does not hold the person sought."""

    register: list[dict[str, str]] = field(default_factory=list)
    inquiries: list[dict[str, str]] = field(default_factory=list)
    truth: dict[str, str | None] = field(default_factory=dict)
    full_names: bool = False
    variations: dict[str, str] = field(default_factory=dict)  # record id → tags, space-separated
    persons: dict[str, Person] | None = None  # record id → the person (keep_persons=True)


class _Weighted:
    """Draws an index with the given weights in O(log n)."""

    def __init__(self, weights: list[float]):
        self.cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)

    def __call__(self, rng: random.Random) -> int:
        return min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), len(self.cum) - 1)


def _choice(rng: random.Random, table: dict[str, float]) -> str:
    r = rng.random() * sum(table.values())
    for key, w in table.items():
        r -= w
        if r < 0:
            return key
    return key


# Zipf-like, as surnames are: the commonest (Мельник) about 0.2% of persons, the top 100 about
# 10%, the top 1,000 about 30%, the rarest about 9 in a million.
_UA_SURNAME_DRAW = _Weighted([1 / (i + 30) ** 0.8 for i in range(len(UA_SURNAMES))])
_RU_SURNAME_DRAW = _Weighted([1 / (i + 20) ** 0.6 for i in range(len(RU_SURNAMES))])
_SON_DRAW = _Weighted([g.weight for g in MALE])
_FATHER_DRAW = _Weighted([g.weight_as_father for g in MALE])
_FEMALE_DRAW = _Weighted([g.weight for g in FEMALE])
_PLACE_DRAW = _Weighted([1 / (i + 3) for i in range(len(UA_PLACES))])
_EPOCH = dt.date(1963, 1, 1).toordinal()


def _birth(rng: random.Random, low: int = 1963, high: int = 2006, mode: int = 1989) -> dt.date:
    year = rng.triangular(low, high + 1, mode)
    day = int((year - 1963) * 365.2425)
    return dt.date.fromordinal(_EPOCH + day)


def _new_person(rng: random.Random) -> Person:
    r = rng.random()
    if r < P_CENTRAL_ASIAN:
        nation = _choice(rng, CA_NATIONS)
        sex = "F" if rng.random() < P_WOMAN else "M"
        return Person(
            nation,
            sex,
            rng.randrange(len(_given_table(nation, sex))),
            rng.randrange(len(CA_MALE[nation])),
            rng.randrange(len(CA_SURNAMES[nation])),
            _birth(rng),
            rng.randrange(len(CA_PLACES)),
        )
    origin = "ru" if r < P_CENTRAL_ASIAN + P_RUSSIAN_SURNAME else "ua"
    sex = "F" if rng.random() < P_WOMAN else "M"
    return Person(
        origin,
        sex,
        _FEMALE_DRAW(rng) if sex == "F" else _SON_DRAW(rng),
        _FATHER_DRAW(rng),
        _RU_SURNAME_DRAW(rng) if origin == "ru" else _UA_SURNAME_DRAW(rng),
        _birth(rng),
        _PLACE_DRAW(rng),
    )


def _other_given(rng: random.Random, p: Person, *also: int) -> int:
    """Another man's given name of p's kind: never p's own nor any in `also`."""
    table = _given_table(p.origin, "M")
    while True:
        g = _SON_DRAW(rng) if table is MALE else rng.randrange(len(table))
        if g != p.given and g not in also:
            return g


def _other_place(rng: random.Random, p: Person) -> int:
    n = len(CA_PLACES) if p.origin in CA_NATIONS else len(UA_PLACES)
    while True:
        place = _PLACE_DRAW(rng) if n == len(UA_PLACES) else rng.randrange(n)
        if place != p.place:
            return place


def _shift_years(d: dt.date, years: float) -> dt.date:
    return d + dt.timedelta(days=round(years * 365.2425))


def _relative(rng: random.Random, p: Person, kind: str) -> Person:
    """A man (a namesake: a person of p's sex) a matcher must keep apart from p. A son is
    asked of men only: his patronymic is p's given name."""
    if kind in ("brother", "twin"):
        given = _other_given(rng, p, p.father)
        birth = p.birth
        if kind == "brother":
            gap = rng.uniform(1, 10) * rng.choice((-1, 1))
            birth = _shift_years(p.birth, gap)
            if birth.year > 2006:  # the younger brother is of age too
                birth = _shift_years(p.birth, -abs(gap))
        return Person(p.origin, "M", given, p.father, p.surname, birth, p.place)
    if kind == "father":  # p's father: p's patronymic is his given name
        birth = _shift_years(p.birth, -rng.uniform(20, 33))
        return Person(
            p.origin, "M", p.father, _other_given(rng, p, p.father), p.surname, birth, p.place
        )
    if kind == "son":  # p's son: his patronymic is p's given name
        assert p.sex == "M"
        birth = _shift_years(p.birth, rng.uniform(20, max(20.5, 2006 - p.birth.year)))
        return Person(
            p.origin, "M", _other_given(rng, p, p.given), p.given, p.surname, birth, p.place
        )
    # a namesake: same surname and given name, half the time the same patronymic too
    father = p.father if rng.random() < 0.5 else _other_given(rng, p, p.father)
    birth = p.birth
    while abs((birth - p.birth).days) < 40:
        birth = _birth(rng)
    return Person(p.origin, p.sex, p.given, father, p.surname, birth, _other_place(rng, p))


# ================================================================================ rendering

_CONFUSABLE = {
    "и": "йі", "й": "и", "і": "иї", "ї": "і", "е": "єи", "є": "е", "о": "а", "а": "о", "ш": "щ",
    "щ": "ш", "г": "ґх", "ґ": "г", "ь": "", "ы": "и", "i": "y", "y": "i", "e": "a", "a": "e",
    "k": "c", "c": "k", "s": "z", "z": "s",
}  # fmt: skip


def _typo(text: str, rng: random.Random) -> str:
    """One slip of a hand or an eye: a letter dropped, doubled, swapped with the next or
    confused with a similar one (и/й, е/є, i/y). Never the first letter."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.3:
        return text[:i] + text[i + 1 :]
    if op < 0.55 and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.7:
        return text[:i] + text[i] + text[i:]
    c = text[i]
    options = _CONFUSABLE.get(c.lower())
    if options is None:
        return text[:i] + text[i + 1 :]
    new = rng.choice(options) if options else ""
    return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1 :]


def _date(d: dt.date, rng: random.Random, style: Style, tags: list[str]) -> str:
    kind = _choice(rng, style.dates)
    if kind == "missing":
        tags.append("date:missing")
        return ""
    if kind == "year":
        tags.append("date:year")
        return f"{d.year}"
    if kind == "year_month":
        tags.append("date:year_month")
        return f"{d.year}-{d.month:02d}"
    if rng.random() < style.p_date_error:
        error = rng.choice(("swapped", "day_off", "year_off"))
        if error == "swapped" and d.day <= 12 and d.day != d.month:
            d = dt.date(d.year, d.day, d.month)
        elif error == "year_off":
            y = d.year + rng.choice((-1, 1))
            d = d.replace(year=y, day=min(d.day, 28 if d.month == 2 else d.day))
        else:
            error = "day_off"
            d = d + dt.timedelta(days=rng.choice((-1, 1)))
        tags.append(f"date:{error}")
    else:
        tags.append("date:full")
    return d.strftime("%d.%m.%Y") if style.date_format == "dmy" else d.isoformat()


P_CA_NATIVE_PATRONYMIC = 0.35  # "Alisher o'g'li", "Нурланулы"; otherwise "Алишерович"


def _ca_patronymic(
    p: Person, father: GivenName, script: str, rng: random.Random
) -> tuple[str, bool]:
    """A Central Asian patronymic, and whether it is in the nation's own form."""
    female = p.sex == "F"
    own = p.origin != "tj"
    if rng.random() < P_CA_NATIVE_PATRONYMIC or script == "latin":
        cm, cf, lm, lf = _CA_PATRONYMIC[p.origin]
        if script == "latin":
            return (lf if female else lm).format(father.latin[0]), own
        form = (cf if female else cm).format(father.ru)
        return (_ru_to_uk_letters(form) if script == "uk" else form), own
    pair = father.patronymic_uk if script == "uk" else father.patronymic_ru
    return pair[female], False


class _Renderer:
    def __init__(self, rng: random.Random, full_names: bool, styles: dict[str, Style]):
        self.rng = rng
        self.full_names = full_names
        self.styles = styles

    def render(self, p: Person, style_name: str) -> tuple[dict[str, str], list[str]]:
        rng, style = self.rng, self.styles[style_name]
        tags = [f"style:{style_name}", f"origin:{p.origin if p.origin in ('ua', 'ru') else 'ca'}"]
        ca = p.origin in CA_NATIONS
        script, system = style.script, ""
        native = False
        if script == "latin":
            assert style.systems is not None
            system = _choice(rng, style.systems)
            native = ca and rng.random() < style.p_native_latin
            tags.append(f"system:{'native_latin' if native else system}")
            source = "latin" if native else SYSTEMS[system][0]
        else:
            source = script
        tags.append(f"script:{script}")
        g, f, s = p.given_name(), p.father_name(), p.surname_entry()
        female = p.sex == "F"
        if female:
            tags.append("sex:F")

        # given name
        r = rng.random()
        if source == "latin":
            given = g.latin[0]
            tags.append("given:native_latin")
        elif script == "latin" and r < style.p_informal_latin and not ca:
            given = rng.choice(g.latin)
            tags.append("given:informal_latin")
        elif script == "latin" and r < style.p_informal_latin + style.p_diminutive and g.dim_latin:
            given = rng.choice(g.dim_latin)
            tags.append("given:diminutive")
        elif (
            script != "latin"
            and r < style.p_diminutive
            and (g.dim_uk if source == "uk" else g.dim_ru)
        ):
            given = rng.choice(g.dim_uk if source == "uk" else g.dim_ru)
            tags.append("given:diminutive")
        elif (
            script != "latin"
            and rng.random() < style.p_other_form
            and not ca
            and (g.uk if source == "uk" else uk_to_ru_letters(g.uk)) != g.ru
        ):
            # a uk list writing the Russian form; a ru list transcribing the Ukrainian one
            given = g.ru if source == "uk" else uk_to_ru_letters(g.uk)
            tags.append("given:ru_in_uk_script" if source == "uk" else "given:uk_in_ru_script")
        else:
            given = g.uk if source == "uk" else g.ru
            tags.append(f"given:{source}")
            if script == "latin":
                given = romanise(given, system)

        # patronymic
        patronymic = ""
        if rng.random() < style.p_patronymic:
            if ca:
                patronymic, own = _ca_patronymic(p, f, "latin" if native else source, rng)
                tags.append("patronymic:native" if own else f"patronymic:{source}")
                if script == "latin" and not native:
                    patronymic = romanise(patronymic, system)
            elif "given:uk_in_ru_script" in tags:
                patronymic = uk_to_ru_letters(f.patronymic_uk[female])
                tags.append("patronymic:uk_in_ru_script")
            else:
                patronymic = (f.patronymic_uk if source == "uk" else f.patronymic_ru)[female]
                tags.append(f"patronymic:{source}")
                if script == "latin":
                    patronymic = romanise(patronymic, system)
        else:
            tags.append("patronymic:missing")

        # surname
        if source == "latin":
            assert s.latin is not None
            family = s.latin[female]
        else:
            family = (s.uk if source == "uk" else s.ru)[female]
            if script == "latin":
                family = romanise(family, system)
        if female and s.uk[0] != s.uk[1]:
            tags.append("surname:feminine")
        if source == "ru" and "ё" in family + given + patronymic and rng.random() < 0.7:
            family, given, patronymic = (x.replace("ё", "е") for x in (family, given, patronymic))

        # slips
        pf, pg, pp = style.p_typo
        if rng.random() < pf:
            family = _typo(family, rng)
            tags.append("typo:family")
        if rng.random() < pg:
            given = _typo(given, rng)
            tags.append("typo:given")
        if patronymic and rng.random() < pp:
            patronymic = _typo(patronymic, rng)
            tags.append("typo:patronymic")

        # case
        if rng.random() < style.p_all_upper:
            family, given, patronymic = family.upper(), given.upper(), patronymic.upper()
            tags.append("case:upper")
        elif rng.random() < style.p_surname_upper:
            family = family.upper()
            tags.append("case:surname_upper")

        row = {"id": ""}
        if self.full_names:
            if rng.random() < style.p_surname_first:
                parts = [family, given, patronymic]
                tags.append("order:surname_first")
            else:
                parts = [given, patronymic, family]
                tags.append("order:given_first")
            row["full_name"] = " ".join(x for x in parts if x)
        else:
            if rng.random() < style.p_swapped_columns:
                family, given = given, family
                tags.append("columns:swapped")
            row.update(family_name=family, given_name=given, patronymic=patronymic)
        if rng.random() < style.p_sex_missing:
            row["sex"] = ""
            tags.append("sex:missing")
        else:
            row["sex"] = p.sex
        row["birth_date"] = _date(p.birth, rng, style, tags)
        place = ""
        if rng.random() < style.p_place:
            if ca:
                ru_form, native_form = p.place_forms()
                if script == "latin":
                    place = native_form if native else romanise(ru_form, system)
                else:
                    place = _ru_to_uk_letters(ru_form) if script == "uk" else ru_form
            else:
                place = p.place_forms()[source == "ru"]
                if script == "latin":
                    place = romanise(place, system)
            tags.append("place:given")
        row["birth_place"] = place
        return row, tags


def generate(
    n_register: int,
    n_inquiries: int,
    *,
    seed: int,
    full_names: bool = False,
    keep_persons: bool = False,
    profile: str = "default",
) -> Dataset:
    """A register of `n_register` records and `n_inquiries` inquiries, deterministic for a
    seed. `keep_persons` keeps the invented person behind every record (for tests; it costs
    memory at a million records). `profile` names the shares the records are written with
    (PROFILES)."""
    rng = random.Random(seed)
    renderer = _Renderer(rng, full_names, PROFILES[profile])
    data = Dataset(full_names=full_names, persons={} if keep_persons else None)

    # the register: households of one, or of two persons a matcher must keep apart
    held: list[tuple[Person, str]] = []  # (person, relation tag or "")
    while len(held) < n_register:
        p = _new_person(rng)
        group = _choice(rng, REGISTER_GROUPS) if len(held) + 2 <= n_register else "single"
        if group == "single":
            held.append((p, ""))
            continue
        kind = {"brothers": "brother", "twins": "twin", "namesakes": "namesake"}.get(group)
        while group != "namesakes" and p.sex == "F":  # brothers, twins, fathers and sons
            p = _new_person(rng)
        if group == "father_son":
            if p.birth.year < 1983:  # a son born early enough to have a father still held
                p.birth = _birth(rng, 1983, 2006, 1995)
            kind = "father"
        assert kind is not None
        q = _relative(rng, p, kind)
        tag = "relation:" + ("father_son" if kind == "father" else kind)
        held += [(p, tag), (q, tag)]
    rng.shuffle(held)  # relatives are not neighbours in the file

    for i, (p, tag) in enumerate(held):
        rid = f"R{i + 1:07d}"
        row, tags = renderer.render(p, _choice(rng, REGISTER_STYLES))
        row["id"] = rid
        if tag:
            tags.append(tag)
        data.register.append(row)
        data.variations[rid] = " ".join(tags)
        if data.persons is not None:
            data.persons[rid] = p

    # inquiries: most seek someone held, some someone who is not
    for i in range(n_inquiries):
        lid = f"Q{i + 1:07d}"
        extra = []
        if rng.random() < P_NOT_IN_REGISTER or not held:
            seek = _choice(rng, NOT_HELD)
            if seek == "unrelated" or not held:
                p = _new_person(rng)
            else:
                of, _ = held[rng.randrange(len(held))]
                if seek == "father_or_son":
                    seek = "son" if of.birth.year < 1980 and of.sex == "M" else "father"
                p = _relative(rng, of, seek)
            extra = ["not_in_register", f"sought:{seek}"]
            data.truth[lid] = None
        else:
            j = rng.randrange(len(held))
            p = held[j][0]
            data.truth[lid] = f"R{j + 1:07d}"
        row, tags = renderer.render(p, _choice(rng, INQUIRY_STYLES))
        row["id"] = lid
        data.inquiries.append(row)
        data.variations[lid] = " ".join(tags + extra)
        if data.persons is not None:
            data.persons[lid] = p
    return data


def columns(full_names: bool) -> list[str]:
    names = ["full_name"] if full_names else ["family_name", "given_name", "patronymic"]
    return ["id", *names, "sex", "birth_date", "birth_place"]


def write(data: Dataset, directory: str | Path) -> tuple[Path, Path, Path]:
    """inquiries.csv (LEFT), register.csv (RIGHT), truth.csv (left_id,right_id; right_id
    empty when the register does not hold the person) and variations.csv (id,variations)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cols = columns(data.full_names)
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
        out = csv.writer(f)
        out.writerow(["left_id", "right_id"])
        out.writerows((lid, rid or "") for lid, rid in data.truth.items())
    with open(directory / "variations.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "variations"])
        out.writerows(_variation_rows(data))
    return paths[0], paths[1], truth


def _variation_rows(data: Dataset) -> Iterator[tuple[str, str]]:
    for rows in (data.inquiries, data.register):
        for r in rows:
            yield r["id"], data.variations.get(r["id"], "")
