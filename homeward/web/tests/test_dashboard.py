from homeward.registry.tests.factories import notified


def test_small_counts_are_suppressed_for_analysts_not_for_caseworkers(client, world):
    for i in range(3):
        notified(world, family_name=f"Петренко{i}")
    client.force_login(world.analyst)
    page = client.get("/dashboard/").content.decode()
    assert "&lt;5" in page and ">3<" not in page
    client.force_login(world.caseworker)
    page = client.get("/dashboard/").content.decode()
    assert ">3<" in page
