import datetime

import pytest

from agreements import services
from agreements.models import Agreement, Party
from agreements.selectors import compare, history_of, with_parts
from partnerships.models import Stage
from reminders.models import Cadence

from ..factories import OrganizationFactory, PartnershipFactory
from ..helpers import assert_constant_queries
from .factories import EscalationStepFactory, ResponsibilityFactory, complete_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_then_redrafted(bobs_partnership, alice, bob):
    """Version 1 signed; version 2 drafted from it, with changed terms and parts."""
    bobs_partnership.stage = Stage.AGREEING
    bobs_partnership.organization = OrganizationFactory()
    bobs_partnership.save()
    first = complete_agreement(bobs_partnership, version=1, commercial_terms="€2.10 per parcel")
    services.agreement_sign(
        agreement=first,
        by=alice,
        signed_on=first.effective_date,
        our_signatory="Alice",
        partner_signatory="Hannah",
    )
    second = services.agreement_start(partnership=bobs_partnership, by=bob)
    services.agreement_update(
        agreement=second,
        by=bob,
        commercial_terms="€1.95 per parcel",
        expiry_date=datetime.date(2030, 1, 1),
    )
    services.responsibility_save(
        agreement=second,
        by=bob,
        party=Party.JOINT,
        area="Service review",
        description="Monthly",
        accountable_user=bob,
    )
    services.responsibility_delete(
        responsibility=second.responsibilities.get(area="Forecasts"), by=bob
    )
    services.plan_save(
        agreement=second, by=bob, check_in_cadence=Cadence.objects.get(name="Weekly check-in")
    )
    return first, second


def test_every_change_to_a_version_and_its_parts_is_recorded_with_who_did_it(
    signed_then_redrafted, bob
):
    _, second = signed_then_redrafted
    entries = history_of(second)
    described = [(e.subject, e.action) for e in entries]
    assert ("Communication plan", "changed") in described
    assert ("Responsibility “Forecasts” (us)", "deleted") in described
    assert ("Responsibility “Service review” (joint)", "created") in described
    assert ("Terms of version 2", "changed") in described
    assert ("Terms of version 2", "created") in described
    terms_change = next(
        e for e in entries if e.subject == "Terms of version 2" and e.action == "changed"
    )
    assert terms_change.user == bob
    changes = {c.field: (c.old, c.new) for c in terms_change.changes}
    assert changes["Summary of commercial terms"] == ("€2.10 per parcel", "€1.95 per parcel")
    assert changes["Expiry date"] == ("1 Jan 2029", "1 Jan 2030")
    plan_change = next(e for e in entries if e.subject == "Communication plan")
    assert [(c.field, c.old, c.new) for c in plan_change.changes] == [
        ("Check-in cadence", "Monthly check-in", "Weekly check-in")
    ]


def test_signing_and_superseding_are_recorded_with_their_reason(signed_then_redrafted, alice):
    first, _ = signed_then_redrafted
    reasons = [e.reason for e in history_of(first)]
    assert "Signed by Alice Ashby" in reasons


def test_two_versions_are_compared_with_the_differences_marked(signed_then_redrafted):
    first, second = signed_then_redrafted
    left, right = (with_parts().get(pk=a.pk) for a in (first, second))
    sections = {s.title: s for s in compare(left, right)}
    terms = {r.label: r for r in sections["Terms"].rows}
    assert terms["Commercial terms"].state == "changed"
    assert (terms["Commercial terms"].left, terms["Commercial terms"].right) == (
        "€2.10 per parcel",
        "€1.95 per parcel",
    )
    assert terms["Title"].state == "same"
    duties = {r.label: r.state for r in sections["Roles and responsibilities"].rows}
    assert duties == {
        "Us · Forecasts": "removed",
        "Partner · Fulfilment": "same",
        "Joint · Service review": "added",
    }
    plan = {r.label: r.state for r in sections["Communication plan"].rows}
    assert plan["Check-in cadence"] == "changed" and plan["Review cadence"] == "same"
    assert sections["Dispute-resolution ladder"].changes == 0


def test_the_compare_page_shows_both_versions_side_by_side(client, signed_then_redrafted, bob):
    first, second = signed_then_redrafted
    client.force_login(bob)
    url = f"/partnerships/{first.partnership_id}/agreements/compare/"
    response = client.get(url)
    body = response.content.decode()
    assert response.context["left"] == first and response.context["right"] == second
    assert "Version 1" in body and "Version 2" in body
    assert body.count('class="table-warning"') >= 2
    assert "removed" in body and "added" in body
    swapped = client.get(f"{url}?a={second.pk}&b={first.pk}")
    assert swapped.context["left"] == second


def test_the_compare_page_refuses_a_version_of_another_partnership(
    client, signed_then_redrafted, bob
):
    first, _ = signed_then_redrafted
    other = complete_agreement(PartnershipFactory(), version=1)
    client.force_login(bob)
    url = f"/partnerships/{first.partnership_id}/agreements/compare/?a={other.pk}&b={first.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["sections"] is None
    assert response.context["form"].errors["a"]


def test_the_history_page_shows_the_changes(client, signed_then_redrafted, bob):
    _, second = signed_then_redrafted
    client.force_login(bob)
    response = client.get(f"/partnerships/{second.partnership_id}/agreements/{second.pk}/history/")
    body = response.content.decode()
    assert "<del>€2.10 per parcel</del>" in body and "<ins>€1.95 per parcel</ins>" in body
    assert "Bob Brown" in body


def test_the_history_and_compare_pages_run_a_fixed_number_of_queries(
    client, signed_then_redrafted, bob
):
    _, second = signed_then_redrafted
    client.force_login(bob)
    base = f"/partnerships/{second.partnership_id}/agreements/"

    counter = iter(range(100))

    def more_changes():
        for _ in range(5):
            n = next(counter)
            item = ResponsibilityFactory(agreement=second, party=Party.US, area=f"Extra {n}")
            services.responsibility_save(
                agreement=second, by=bob, responsibility=item, description=f"Changed {n}"
            )
            EscalationStepFactory(agreement=second, level=10 + n)
        services.agreement_update(agreement=second, by=bob, title="Renamed")

    assert_constant_queries(client, base + f"{second.pk}/history/", more_changes)
    assert_constant_queries(client, base + "compare/", more_changes)
    assert Agreement.objects.get(pk=second.pk).title == "Renamed"
