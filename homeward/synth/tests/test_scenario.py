import random

from django.core.management import call_command

from homeward.accounts.models import User
from homeward.ledger.models import Entry
from homeward.registry.models import Detention, Person, PersonName, StatusEvent
from homeward.synth.accounts import DEMO_USERS
from homeward.synth.population import generate_detainees
from homeward.synth.scenario import build


def test_the_generator_is_deterministic_and_writes_as_each_sides_clerks_do():
    a = generate_detainees(300, detaining_party="RU", seed=5)
    b = generate_detainees(300, detaining_party="RU", seed=5)
    assert [(d.family_name, d.birth_date) for d in a] == [(d.family_name, d.birth_date) for d in b]
    # RU clerks write Ukrainians in Russian: no Ukrainian-only letters in the names they write.
    ua_nationals = [d for d in a if d.nationalities == ["UA"]]
    assert len(ua_nationals) > 200
    assert not any(set("іїєґ") & set((d.family_name + d.given_name).lower()) for d in ua_nationals)
    # ... and the Ukrainian spelling is carried as another spelling.
    assert (
        sum(any(set("іїєґ") & set("".join(s).lower()) for s in d.spellings) for d in ua_nationals)
        > 100
    )
    for d in a:
        dates = [e.date for e in d.history]
        assert dates == sorted(dates) and all(x > d.captured_on for x in dates)


def test_the_demo_builds_a_scenario_every_role_can_log_into(db, client):
    summary = build(size=60, rng=random.Random(1), log=lambda _: None)
    assert "120 persons," in summary and "40 persons with varied histories" in summary
    # the register's 2 × 60, the charts' varied histories, and the two second records the
    # published list's step plants for its "possible" outcome
    assert Person.objects.count() == 120 + 40 + 2
    assert set(Detention.objects.values_list("detaining_party__code", flat=True)) == {"UA", "RU"}
    assert StatusEvent.objects.exclude(kind="notified").exists()
    assert PersonName.objects.filter(is_primary=False).exists()
    assert Entry.objects.filter(action="person.notified_batch").exists()
    for username, _role, _party, password in DEMO_USERS:
        assert client.login(username=username, password=password), username
    assert User.objects.count() == len(DEMO_USERS)


def test_the_demo_command_resets_and_rebuilds(transactional_db, capsys):
    call_command("demo", "--size", "20", "--reset")
    call_command("demo", "--size", "20", "--reset")
    assert Person.objects.count() == 40 + 40 + 2  # as above, once: the reset emptied the first
    assert "synthetic" in capsys.readouterr().out


def test_a_bundle_exported_from_the_demo_verifies_with_no_database(db, tmp_path):
    import subprocess
    import sys

    from homeward.ledger.verify import export_bundle

    build(size=30, rng=random.Random(2), log=lambda _: None)
    export_bundle(tmp_path)
    code = (
        "import sys; sys.modules['django'] = None; from homeward.ledger.offline import main; "
        f"sys.exit(main([{str(tmp_path)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("OK:"), done.stdout + done.stderr
