"""Removing a contact: what still names them is listed, and they are kept as a former contact or
their part handed to another contact, never a server error."""

import datetime

import pytest
from django.utils import timezone

from agreements.models import CommunicationPlan, Party, Status
from communications.models import ActionItem
from partnerships import services
from partnerships.models import Activity, Contact, Stage

from ..agreements.factories import (
    AgreementFactory,
    EscalationStepFactory,
    ResponsibilityFactory,
    plan_for,
)
from ..communications.factories import ActionItemFactory, CheckInFactory
from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory
from ..helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(name="Northwind")


@pytest.fixture
def hannah(org):
    return ContactFactory(organization=org, name="Hannah Berg", title="VP Partnerships")


@pytest.fixture
def jon(org):
    return ContactFactory(organization=org, name="Jon Reyes")


@pytest.fixture
def partnership(org, alice, bob):
    return PartnershipFactory(
        name="Northwind supply", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.AGREEING,
    )  # fmt: skip


def partner_action(partnership, contact, **fields):
    return ActionItemFactory(
        partnership=partnership, party="partner", owner=None, owner_contact=contact, **fields
    )


def named_everywhere(partnership, contact):
    """An open action item, a responsibility, the plan and an escalation step of an open
    version: every protected place that names a contact."""
    action = partner_action(partnership, contact, title="Send the volume forecast")
    agreement = AgreementFactory(partnership=partnership)
    ResponsibilityFactory(
        agreement=agreement, party=Party.PARTNER, area="Fulfilment", accountable_user=None,
        accountable_contact=contact,
    )  # fmt: skip
    plan_for(agreement, partner_lead=contact)
    EscalationStepFactory(agreement=agreement, level=1, partner_person=contact)
    return action, agreement


def remove_url(contact, action=""):
    return f"/organizations/{contact.organization_id}/contacts/{contact.pk}/{action or 'delete'}/"


def test_removing_a_named_contact_lists_where_they_are_named_instead_of_a_500(
    client, bob, partnership, hannah
):
    action, agreement = named_everywhere(partnership, hannah)
    client.force_login(bob)
    response = client.post(remove_url(hannah))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Hannah Berg cannot be removed: 4 places still name them." in body
    assert "Owner of the action item “Send the volume forecast”" in body
    assert f'href="{action.get_absolute_url()}"' in body
    assert f'href="{agreement.get_absolute_url()}"' in body
    assert "accountable for “Fulfilment”" in body
    assert "the partner&#x27;s lead in the communication plan" in body
    assert "escalation level 1" in body
    assert f'href="/partnerships/{partnership.pk}/"' in body
    assert "Keep as a former contact" in body and "Hand their part to someone else" in body
    assert Contact.objects.filter(pk=hannah.pk).exists()
    # The same page answers a GET, which is where the Remove button leads.
    assert "4 places still name them" in client.get(remove_url(hannah)).content.decode()
    org_page = client.get(f"/organizations/{hannah.organization_id}/").content.decode()
    assert f'href="{remove_url(hannah)}"' in org_page


def test_a_contact_nothing_names_is_still_removed(client, bob, hannah):
    client.force_login(bob)
    page = client.get(remove_url(hannah))
    assert "Nothing in Accord names Hannah Berg" in page.content.decode()
    response = client.post(remove_url(hannah))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=hannah.pk).exists()


def test_a_former_contact_stays_on_records_and_leaves_the_pickers(
    client, bob, partnership, hannah, jon
):
    action, agreement = named_everywhere(partnership, hannah)
    client.force_login(bob)
    response = client.post(remove_url(hannah, "retire"), follow=True)
    assert "Hannah Berg is kept as a former contact" in response.content.decode()
    hannah.refresh_from_db()
    assert hannah.left_on == timezone.localdate() and hannah.is_former
    action.refresh_from_db()
    assert action.owner_contact == hannah  # the record is as it was
    org_page = client.get(f"/organizations/{hannah.organization_id}/").content.decode()
    assert "Former</span>" in org_page

    # Not offered for anything new...
    new_action = client.get(f"/partnerships/{partnership.pk}/communication/actions/new/")
    assert f'value="c:{hannah.pk}"' not in new_action.content.decode()
    assert f'value="c:{jon.pk}"' in new_action.content.decode()
    refused = client.post(
        f"/partnerships/{partnership.pk}/communication/actions/new/",
        {"title": "Sign off", "owner": f"c:{hannah.pk}"},
    )
    assert "Hannah Berg has left the partner" in refused.content.decode()
    new_step = client.get(f"/partnerships/{partnership.pk}/agreements/{agreement.pk}/ladder/new/")
    assert f'value="{hannah.pk}"' not in new_step.content.decode()
    # ...but still shown where they are already named, marked as former.
    edit = client.get(action.get_absolute_url()).content.decode()
    assert f'value="c:{hannah.pk}" selected' in edit and "Hannah Berg (former contact)" in edit
    saved = client.post(
        action.get_absolute_url(), {"title": "Send the forecast", "owner": f"c:{hannah.pk}"}
    )
    assert saved.status_code == 302


def test_reassigning_hands_over_every_open_place_and_removes_the_contact(
    client, bob, partnership, hannah, jon
):
    action, agreement = named_everywhere(partnership, hannah)
    client.force_login(bob)
    response = client.post(remove_url(hannah, "reassign"), {"to": jon.pk}, follow=True)
    assert "4 places handed to Jon Reyes; Hannah Berg is removed." in response.content.decode()
    assert not Contact.objects.filter(pk=hannah.pk).exists()
    action.refresh_from_db()
    assert action.owner_contact == jon
    assert agreement.responsibilities.get(party=Party.PARTNER).accountable_contact == jon
    assert CommunicationPlan.objects.get(agreement=agreement).partner_lead == jon
    step = agreement.escalation_steps.get()
    assert step.partner_person == jon
    assert step.history.first().history_user == bob  # the version's history says who
    assert Activity.objects.filter(
        partnership=partnership, summary="Hannah Berg's part handed to Jon Reyes (4 places)"
    ).exists()


def test_records_stay_when_the_open_part_is_handed_over(client, bob, partnership, hannah, jon):
    open_action = partner_action(partnership, hannah, title="Open one")
    done = partner_action(
        partnership, hannah, title="Done one", status="done", completed_at=timezone.now()
    )
    signed = AgreementFactory(
        partnership=partnership, status=Status.SIGNED, signed_on=datetime.date(2026, 1, 1)
    )
    EscalationStepFactory(agreement=signed, level=1, partner_person=hannah)
    check_in = CheckInFactory(partnership=partnership)
    check_in.partner_attendees.add(hannah)
    client.force_login(bob)
    body = client.get(remove_url(hannah)).content.decode()
    assert "Agreement version" in body and "(signed)" in body
    assert "Attended the check-in of" in body
    assert "The 1 open place goes to the contact you choose" in body

    result = services.contact_reassign(contact=hannah, to=jon, by=bob)
    assert not result.removed and len(result.moved) == 1
    hannah.refresh_from_db()
    assert hannah.is_former
    assert ActionItem.objects.get(pk=open_action.pk).owner_contact == jon
    assert ActionItem.objects.get(pk=done.pk).owner_contact == hannah
    assert signed.escalation_steps.get().partner_person == hannah
    assert list(check_in.partner_attendees.all()) == [hannah]


def test_reassigning_needs_another_current_contact_of_the_same_organisation(
    client, bob, partnership, hannah
):
    partner_action(partnership, hannah)
    stranger = ContactFactory(name="Somebody Else")
    former = ContactFactory(organization=hannah.organization, left_on=timezone.localdate())
    client.force_login(bob)
    assert "has no other current contact" in client.get(remove_url(hannah)).content.decode()
    ContactFactory(organization=hannah.organization, name="Jon Reyes")
    for to in (stranger, former, hannah):
        response = client.post(remove_url(hannah, "reassign"), {"to": to.pk})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert ActionItem.objects.get().owner_contact == hannah


def test_a_manager_cannot_hand_over_what_is_in_someone_elses_partnership(
    client, bob, charlie, partnership, hannah, jon
):
    theirs = PartnershipFactory(name="Charlie's deal", organization=hannah.organization,
                                managers=[charlie])  # fmt: skip
    partner_action(theirs, hannah, title="Secret plan")
    partner_action(partnership, hannah, title="Ours")
    client.force_login(bob)
    body = client.get(remove_url(hannah)).content.decode()
    assert "Secret plan" not in body and "Charlie&#x27;s deal" not in body
    assert "And 1 place in partnerships you do not manage." in body
    assert "an executive can hand them over" in body
    response = client.post(remove_url(hannah, "reassign"), {"to": jon.pk})
    assert response.status_code == 403
    assert ActionItem.objects.filter(owner_contact=hannah).count() == 2


def test_the_removal_page_runs_a_fixed_number_of_queries(client, alice, partnership, hannah):
    def more():
        for _ in range(5):
            other = PartnershipFactory(organization=hannah.organization, stage=Stage.AGREEING)
            named_everywhere(other, hannah)
            CheckInFactory(partnership=other).partner_attendees.add(hannah)

    named_everywhere(partnership, hannah)
    client.force_login(alice)
    assert_constant_queries(client, remove_url(hannah), more)
