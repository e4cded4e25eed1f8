import pytest


@pytest.mark.parametrize(
    ("language", "login", "persons"),
    [("en", "Log in", "Persons"), ("uk", "Увійти", "Особи"), ("ru", "Войти", "Лица")],
)
def test_pages_speak_english_ukrainian_and_russian(client, world, language, login, persons):
    client.post("/i18n/setlang/", {"language": language, "next": "/login/"})
    assert login in client.get("/login/").content.decode()
    client.force_login(world.caseworker)
    client.post("/i18n/setlang/", {"language": language, "next": "/persons/"})
    assert f">{persons}<" in client.get("/persons/").content.decode()


def test_a_status_reads_in_the_chosen_language(client, world):
    from homeward.registry.tests.factories import notified

    person = notified(world)
    client.force_login(world.caseworker)
    client.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    assert "Нотифіковано" in client.get(person.get_absolute_url()).content.decode()
