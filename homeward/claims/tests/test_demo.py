from homeward.claims.models import Claim, ClaimStatus, Report
from homeward.synth.claims import build_claims


def test_the_demo_loads_the_two_sample_reports_with_their_claims_confirmed(world):
    made = build_claims(analyst=world.analyst, log=lambda _: None)
    assert made["reports"] == 2 and Report.objects.count() == 2
    counts = sorted(Claim.objects.filter(status=ClaimStatus.CONFIRMED).values_list("counts", "low"))
    assert counts == [
        ("exchanged", 22),
        ("exchanged", 84),
        ("exchanged", 84),
        ("foreigners_held", 101),
        ("held", 2000),
    ]
    assert build_claims(analyst=world.analyst, log=lambda _: None)["reports"] == 0
