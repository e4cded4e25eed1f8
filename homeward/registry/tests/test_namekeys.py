import pytest

from homeward.registry.namekeys import given_name_variants, skeleton


@pytest.mark.parametrize(
    "spellings",
    [
        ["Петренко", "ПЕТРЕНКО", "Petrenko"],
        ["Шевченко", "Shevchenko", "Schewtschenko", "Ševčenko"],
        ["Олійник", "Oliinyk", "Olijnyk", "Oliynyk"],
        ["Хмельницький", "Khmelnytskyi", "Khmelnytsky", "Hmelnitskii"],
        ["Юрій", "Yurii", "Jurij", "Iurii", "Юрий", "Yuriy"],
        ["Щербак", "Shcherbak", "Schtscherbak"],
        ["Жуков", "Zhukov", "Žukov"],
        ["Цой", "Tsoi", "Tsoy"],
        ["Ганна", "Hanna", "Hana"],
        ["Ілля", "Illia", "Ilia", "Илья", "Ilya"],
    ],
)
def test_spellings_of_one_name_share_a_skeleton(spellings):
    assert len({skeleton(s) for s in spellings}) == 1, {s: skeleton(s) for s in spellings}


@pytest.mark.parametrize(
    ("prefix", "full"), [("Петр", "Петренко"), ("Shevch", "Шевченко"), ("Kov", "Коваленко")]
)
def test_a_typed_prefix_is_a_prefix_of_the_full_key(prefix, full):
    assert skeleton(full).startswith(skeleton(prefix))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Олександр", "Александр"),
        ("Oleksandr", "Alexander"),
        ("Сергій", "Sergey"),
        ("Микола", "Николай"),
        ("Ганна", "Anna"),
        ("Олександр", "Саша"),
        ("Dmytro", "Дмитрий"),
    ],
)
def test_ukrainian_russian_and_latin_forms_of_a_given_name_are_variants(a, b):
    assert skeleton(b) in given_name_variants(a)


def test_different_names_stay_apart():
    assert skeleton("Петренко") != skeleton("Петрик")
    assert skeleton("Олег") not in given_name_variants("Олександр")
    assert given_name_variants("Zzyzx") == {skeleton("Zzyzx")}
