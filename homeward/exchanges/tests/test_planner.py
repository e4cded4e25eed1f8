"""The planner: wounded first and outside the count, refusals never, asked-for first, longest
captivity, balance by category, what is left undone, the command."""

from io import StringIO

import pytest
from django.core.management import call_command

from homeward.exchanges import actions
from homeward.exchanges.actions import Add
from homeward.exchanges.models import PlanRun, Reason
from homeward.exchanges.planner import plan
from homeward.exchanges.runs import run_plan
from homeward.lib.errors import ValidationFailed
from homeward.registry import actions as registry
from homeward.registry.tests.factories import notified


def lines(p, code):
    return {line["person"]: line for line in p.as_json()["sides"][code]["lines"]}


@pytest.fixture
def pools(world):
    """RU holds 6 (one wounded, one verified refusal, two civilians); UA holds 4 (one civilian)."""
    ru = [notified(world, family_name=f"Р{i}", captured_on=f"2022-0{i + 1}-01") for i in range(6)]
    ua = [
        notified(
            world,
            by=world.ua_officer,
            family_name=f"У{i}",
            home_party_code="RU",
            captured_on=f"2023-0{i + 1}-01",
            category="civilian" if i == 3 else "military",
        )
        for i in range(4)
    ]
    from homeward.registry.models import Person

    Person.objects.filter(pk=ru[5].pk).update(wounded=True)
    Person.objects.filter(pk__in=[ru[3].pk, ru[4].pk]).update(category="civilian")
    source = registry.create_source(actor=world.caseworker, kind="interview", title="Interview")
    registry.record_status_event(
        actor=world.caseworker,
        person=ru[0],
        kind="refused_verified",
        date="2025-02-01",
        source=source,
    )
    negotiation = actions.open_negotiation(
        actor=world.mediator, title="Plan me", party_a=world.ua, party_b=world.ru, mediator=world.md
    )
    return negotiation, ru, ua


def test_the_plan_puts_wounded_outside_the_count_and_never_lists_refusals(world, pools):
    negotiation, ru, ua = pools
    p = plan(negotiation, size=2)
    ru_lines = lines(p, "RU")
    assert (
        ru_lines[str(ru[5].uuid)]["in"]
        and "outside the N-for-N" in ru_lines[str(ru[5].uuid)]["why"][0]
    )
    assert not ru_lines[str(ru[0].uuid)]["in"]
    assert ru_lines[str(ru[0].uuid)]["why"][0].startswith("refused_verified")
    # Longest captivity first: ru[1], ru[2] (ru[0] refused); ru[3] out, told why.
    chosen = {u for u, line in ru_lines.items() if line["in"]}
    assert chosen == {str(ru[1].uuid), str(ru[2].uuid), str(ru[5].uuid)}
    assert ru_lines[str(ru[3].uuid)]["why"][0].startswith("count_reached")
    assert p.as_json()["sides"]["RU"]["gives"] == 3 and p.as_json()["sides"]["RU"]["in_count"] == 2
    assert p.undone == []


def test_persons_asked_for_by_name_come_first(world, pools):
    negotiation, ru, ua = pools
    ua_list = negotiation.lists.get(party=world.ua)
    actions.edit_list(
        actor=world.ua_officer,
        base=ua_list.versions.get(number=1),
        add=[Add(ru[4], "ask", Reason.REQUESTED_BY_FAMILY)],
    )
    ru_lines = lines(plan(negotiation, size=1), "RU")
    assert ru_lines[str(ru[4].uuid)]["in"]
    assert ru_lines[str(ru[4].uuid)]["why"][0].startswith("asked_for_by_name: UA")
    assert not ru_lines[str(ru[1].uuid)]["in"]


def test_the_plan_says_what_it_leaves_undone(world, pools):
    negotiation, *_ = pools
    p = plan(negotiation, size=5)
    assert p.count == 4
    assert "5-for-5 needs 1 more from RU" in p.undone  # RU: 4 in the count (6 − wounded − refusal)
    assert "5-for-5 needs 1 more from UA" in p.undone
    p = plan(negotiation, all_for_all=True)
    assert p.as_json()["sides"]["RU"]["gives"] == 5 and p.as_json()["sides"]["UA"]["gives"] == 4
    assert p.undone == []  # 4 in the count each side


def test_categories_balanced_with_the_solver(world, pools):
    negotiation, ru, ua = pools
    # Without balance, UA's 3 longest held are all military; RU's 3 include a civilian (ru[3]).
    p = plan(negotiation, size=3, balance=["category"])
    assert p.solver["used"] and p.solver["engine"] == "OR-Tools CP-SAT"
    assert p.balance["category"] == {"civilian": [1, 1], "military": [2, 2]}
    ua_lines = lines(p, "UA")
    assert ua_lines[str(ua[3].uuid)]["in"]  # the civilian taken to match RU's civilian
    assert not ua_lines[str(ua[2].uuid)]["in"]
    assert ua_lines[str(ua[2].uuid)]["why"][0].startswith("balance:")
    assert p.undone == []


def test_bad_planner_options_name_the_field(world, pools):
    with pytest.raises(ValidationFailed) as exc:
        plan(pools[0], balance=["eye_colour"])
    assert "balance" in exc.value.detail["fields"]


def test_a_party_adopts_the_plan_as_a_new_draft(world, pools):
    negotiation, ru, ua = pools
    run = run_plan(actor=world.mediator, negotiation=negotiation, size=2)
    v = actions.apply_plan(actor=world.ua_officer, run=run)
    assert v.number == 2
    assert dict(v.entries.values_list("person_id", "side")) == {
        ru[1].pk: "ask",
        ru[2].pk: "ask",
        ru[5].pk: "ask",
        ua[0].pk: "offer",
        ua[1].pk: "offer",
    }
    assert v.changes.get(person=ru[5]).reason == Reason.WOUNDED_OR_SICK


def test_the_plan_command(world, pools):
    out = StringIO()
    call_command("plan", "Plan me", "--size", "3", "--balance", "category", stdout=out)
    text = out.getvalue()
    assert "RU gives 4 (1 wounded or sick outside the count, 3 in the count)" in text
    assert "category: civilian 1:1, military 2:2" in text
    assert "CP-SAT" in text
    assert not PlanRun.objects.exists()
    call_command("plan", "Plan me", "--all-for-all", "--as", "mediator", stdout=StringIO())
    assert PlanRun.objects.count() == 1


def test_the_pool_query_is_planned_without_jit_on_postgresql(world, pools, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homeward.exchanges import planner

    with CaptureQueriesContext(connection) as ctx:
        pool = planner.pool(world.ru.pk, set())
    sqls = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        # JIT compiling this query cost more than running it (see planner.JIT_OFF_FOR_POOL).
        (at,) = [i for i, sql in enumerate(sqls) if sql == "SET LOCAL jit = off"]
        assert "registry_detention" in sqls[at + 1]
    else:
        assert not any("jit" in sql for sql in sqls)
    monkeypatch.setattr(planner, "JIT_OFF_FOR_POOL", False)
    assert sorted(c.pk for c in planner.pool(world.ru.pk, set())) == sorted(c.pk for c in pool)
    assert len(pool) == 6
