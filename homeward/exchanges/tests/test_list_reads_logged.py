"""Exchange lists name persons: every page and API answer that shows them logs which ones
(issue 14, item 2)."""

from homeward.accounts.access import who_saw
from homeward.accounts.models import AccessedRecord
from homeward.exchanges.tests.conftest import agree_both


def listed_to(user) -> set[str]:
    return {
        str(u)
        for u in AccessedRecord.objects.filter(log__user=user).values_list("object_uuid", flat=True)
    }


def test_a_list_version_page_and_api_answer_log_the_persons_on_it(client, world, scene):
    ua, _ = agree_both(world, scene)
    on_list = {str(u) for u in ua.entries.values_list("person__uuid", flat=True)}
    client.force_login(world.ua_officer)
    assert client.get(f"/exchanges/versions/{ua.uuid}/").status_code == 200
    assert listed_to(world.ua_officer) >= on_list
    client.force_login(world.mediator)
    assert client.get(f"/api/v1/versions/{ua.uuid}").status_code == 200
    assert listed_to(world.mediator) >= on_list


def test_a_diff_logs_the_persons_added_and_removed(client, world, scene):
    ua, _ = agree_both(world, scene)
    v1 = scene.ua_list.versions.get(number=1)
    client.force_login(world.mediator)
    assert client.get(f"/exchanges/versions/{v1.uuid}/diff/{ua.uuid}/").status_code == 200
    person = ua.entries.first().person
    assert any(log.user == world.mediator for log in who_saw(person.uuid))
