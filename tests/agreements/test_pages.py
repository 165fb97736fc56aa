import csv
import datetime
import io

import pytest
from django.utils import timezone

from agreements.models import Agreement, Party, Status
from partnerships.models import Stage
from reminders.models import Cadence

from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory
from ..helpers import assert_constant_queries
from .factories import (
    AgreementFactory,
    EscalationStepFactory,
    ResponsibilityFactory,
    complete_agreement,
    with_document,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreeing(bobs_partnership):
    bobs_partnership.stage = Stage.AGREEING
    bobs_partnership.organization = OrganizationFactory(name="Northwind Logistics")
    bobs_partnership.save()
    return bobs_partnership


def _base(partnership) -> str:
    return f"/partnerships/{partnership.pk}/agreements/"


# The list -------------------------------------------------------------------------------------


def _signed(partnership, deadline_in_days: int, **fields) -> Agreement:
    today = timezone.localdate()
    expiry = today + datetime.timedelta(days=deadline_in_days + 30)
    return AgreementFactory(
        partnership=partnership,
        status=Status.SIGNED,
        effective_date=today - datetime.timedelta(days=400),
        expiry_date=expiry,
        notice_period_days=30,
        signed_on=today - datetime.timedelta(days=400),
        **fields,
    )


def test_the_list_shows_notice_deadlines_soonest_first_and_highlights_those_near(
    client, alice, bobs_partnership
):
    later = _signed(PartnershipFactory(name="Later"), 400)
    soon = _signed(PartnershipFactory(name="Soon"), 20)
    passed = _signed(PartnershipFactory(name="Passed"), -5)
    open_ended = AgreementFactory(partnership=bobs_partnership, expiry_date=None)
    client.force_login(alice)
    response = client.get("/agreements/")
    assert list(response.context["agreements"]) == [passed, soon, later, open_ended]
    body = response.content.decode()
    assert body.count('class="table-warning"') == 2
    assert "passed</span>" in body


def test_a_manager_lists_only_the_agreements_of_their_partnerships(
    client, bob, bobs_partnership, charlie
):
    mine = AgreementFactory(partnership=bobs_partnership)
    AgreementFactory(partnership=PartnershipFactory(name="Charlie's", managers=[charlie]))
    client.force_login(bob)
    assert list(client.get("/agreements/").context["agreements"]) == [mine]


def test_the_list_shows_versions_in_force_or_in_progress_unless_asked(client, alice):
    p = PartnershipFactory()
    old = AgreementFactory(
        partnership=p, status=Status.SUPERSEDED, signed_on=datetime.date(2025, 1, 1)
    )
    current = AgreementFactory(
        partnership=p, status=Status.SIGNED, signed_on=datetime.date(2026, 1, 1)
    )
    client.force_login(alice)
    assert list(client.get("/agreements/").context["agreements"]) == [current]
    assert list(client.get("/agreements/?status=superseded").context["agreements"]) == [old]
    assert len(client.get("/agreements/?status=any").context["agreements"]) == 2
    assert list(client.get("/agreements/?q=nothing-like-it").context["agreements"]) == []


def test_the_list_paginates_exports_csv_and_runs_a_fixed_number_of_queries(client, alice):
    client.force_login(alice)
    AgreementFactory(partnership=PartnershipFactory())
    assert_constant_queries(
        client,
        "/agreements/",
        lambda: [AgreementFactory(partnership=PartnershipFactory()) for _ in range(30)],
    )
    response = client.get("/agreements/")
    assert len(response.context["agreements"]) == 25
    assert "1–25 of 31" in response.content.decode()
    export = client.get("/agreements/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Partnership", "Partner", "Version"]
    assert len(rows) == 32


def test_the_list_says_what_to_do_when_empty(client, bob):
    client.force_login(bob)
    assert "No agreements yet" in client.get("/agreements/").content.decode()


# One version and the workspace tab --------------------------------------------------------------


def test_the_tab_invites_to_draft_when_there_is_no_agreement(client, bob, agreeing):
    client.force_login(bob)
    body = client.get(f"/partnerships/{agreeing.pk}/tab/agreement/").content.decode()
    assert "No agreement yet" in body
    assert f"{_base(agreeing)}new/" in body


def test_the_tab_shows_the_current_version_its_completeness_ladder_and_plan(client, bob, agreeing):
    agreement = AgreementFactory(partnership=agreeing, effective_date=None)
    ResponsibilityFactory(agreement=agreement, party=Party.US, area="Forecasts")
    EscalationStepFactory(agreement=agreement, level=1, mechanism="mediation")
    client.force_login(bob)
    response = client.get(f"/partnerships/{agreeing.pk}/tab/agreement/")
    body = response.content.decode()
    assert response.context["agreement"] == agreement
    assert "Before it can be signed" in body
    assert "Add at least one responsibility of the partner&#x27;s." in body
    assert "Set the effective date." in body
    assert "Mediation" in body and "Forecasts" in body
    assert "No plan yet" in body


def test_the_agreement_pages_run_a_fixed_number_of_queries(client, alice, agreeing):
    agreement = complete_agreement(agreeing, version=1)
    with_document(agreement)
    client.force_login(alice)
    contact = ContactFactory(organization=agreeing.organization)
    levels = iter(range(2, 200))

    def more_parts():
        for _ in range(6):
            ResponsibilityFactory(agreement=agreement, party=Party.US)
            ResponsibilityFactory(
                agreement=agreement,
                party=Party.PARTNER,
                accountable_user=None,
                accountable_contact=contact,
            )
            EscalationStepFactory(agreement=agreement, level=next(levels), our_person=alice)

    for url in (
        f"{_base(agreeing)}{agreement.pk}/",
        f"/partnerships/{agreeing.pk}/tab/agreement/",
        f"{_base(agreeing)}{agreement.pk}/sign/",
    ):
        assert_constant_queries(client, url, more_parts)


def test_the_workspace_tab_is_registered_and_loads_with_htmx(client, bob, agreeing):
    AgreementFactory(partnership=agreeing)
    client.force_login(bob)
    response = client.get(
        f"/partnerships/{agreeing.pk}/tab/agreement/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "partnerships/_workspace_body.html"


# Forms --------------------------------------------------------------------------------------


def test_drafting_through_the_page_starts_version_1(client, bob, agreeing):
    client.force_login(bob)
    response = client.post(
        f"{_base(agreeing)}new/",
        {
            "title": "Fulfilment agreement",
            "effective_date": "2026-04-01",
            "expiry_date": "2029-03-31",
            "notice_period_days": "90",
            "commercial_terms": "€2 per parcel",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert (agreement.version, agreement.status, agreement.created_by) == (1, Status.DRAFT, bob)


def test_an_expiry_before_the_effective_date_is_shown_next_to_the_field_keeping_the_input(
    client, bob, agreeing
):
    client.force_login(bob)
    response = client.post(
        f"{_base(agreeing)}new/",
        {
            "title": "Fulfilment agreement",
            "effective_date": "2026-04-01",
            "expiry_date": "2026-01-01",
            "notice_period_days": "30",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["expiry_date"] == ["The expiry date must come after the effective date."]
    assert 'value="Fulfilment agreement"' in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_notice_period_longer_than_the_term_is_refused_next_to_the_field(client, bob, agreeing):
    agreement = AgreementFactory(partnership=agreeing, title="Before")
    client.force_login(bob)
    response = client.post(
        f"{_base(agreeing)}{agreement.pk}/edit/",
        {
            "title": "After",
            "effective_date": "2026-01-01",
            "expiry_date": "2026-02-01",
            "notice_period_days": "60",
        },
    )
    assert response.context["form"].errors["notice_period_days"] == [
        "The notice period (60 days) is longer than the term (31 days, from the effective date "
        "to expiry)."
    ]
    agreement.refresh_from_db()
    assert agreement.title == "Before"


def test_a_second_draft_is_refused_with_a_message_and_a_way_to_the_open_one(client, bob, agreeing):
    open_version = AgreementFactory(partnership=agreeing, version=1)
    client.force_login(bob)
    response = client.get(f"{_base(agreeing)}new/", follow=True)
    assert response.redirect_chain[-1][0] == open_version.get_absolute_url()
    assert "is still open: finish or discard it" in response.content.decode()
    response = client.post(
        f"{_base(agreeing)}new/", {"title": "Another", "notice_period_days": "30"}
    )
    assert "Version 1 is still open (draft)" in response.content.decode()
    assert Agreement.objects.count() == 1


def test_editing_a_signed_version_is_refused_and_its_page_offers_no_edit(client, alice, agreeing):
    agreement = AgreementFactory(
        partnership=agreeing, status=Status.SIGNED, signed_on=datetime.date(2026, 1, 1)
    )
    client.force_login(alice)
    response = client.get(f"{_base(agreeing)}{agreement.pk}/edit/", follow=True)
    assert "it can no longer be changed" in response.content.decode()
    response = client.post(
        f"{_base(agreeing)}{agreement.pk}/edit/",
        {"title": "Changed", "notice_period_days": "30"},
    )
    assert "it can no longer be changed" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title != "Changed"
    body = client.get(agreement.get_absolute_url()).content.decode()
    assert "/edit/" not in body and "Add a responsibility" not in body
    assert "Start a new version" in body


def test_parts_are_added_through_their_forms(client, bob, agreeing):
    contact = ContactFactory(organization=agreeing.organization, name="Hannah Berg")
    agreement = AgreementFactory(partnership=agreeing)
    client.force_login(bob)
    base = f"{_base(agreeing)}{agreement.pk}/"
    assert (
        client.post(
            base + "responsibilities/new/",
            {
                "party": "partner",
                "area": "Fulfilment",
                "description": "Ship",
                "accountable_contact": contact.pk,
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            base + "plan/",
            {
                "check_in_cadence": Cadence.objects.get(name="Weekly check-in").pk,
                "review_cadence": Cadence.objects.get(name="Quarterly business review").pk,
                "channels": ["video", "in_person"],
                "our_lead": bob.pk,
                "partner_lead": contact.pk,
                "reporting": "Volumes",
                "reporting_frequency": "monthly",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            base + "ladder/new/",
            {
                "level": "1",
                "mechanism": "negotiation",
                "our_person": bob.pk,
                "partner_person": contact.pk,
                "days_to_respond": "10",
            },
        ).status_code
        == 302
    )
    agreement = Agreement.objects.get()
    assert agreement.responsibilities.get().accountable_contact == contact
    assert agreement.plan.channels == ["video", "in_person"]
    assert agreement.escalation_steps.get().partner_person == contact


def test_a_duplicate_ladder_level_is_shown_on_the_form(client, bob, agreeing):
    agreement = AgreementFactory(partnership=agreeing)
    EscalationStepFactory(agreement=agreement, level=1)
    client.force_login(bob)
    response = client.post(
        f"{_base(agreeing)}{agreement.pk}/ladder/new/",
        {
            "level": "1",
            "mechanism": "mediation",
            "our_role": "COO",
            "partner_role": "CEO",
            "days_to_respond": "5",
        },
    )
    assert response.status_code == 200
    assert "The ladder already has a step at this level." in response.content.decode()


def test_a_contact_of_another_organisation_is_not_offered(client, bob, agreeing):
    stranger = ContactFactory(name="Somebody Else")
    agreement = AgreementFactory(partnership=agreeing)
    client.force_login(bob)
    url = f"{_base(agreeing)}{agreement.pk}/responsibilities/new/"
    assert "Somebody Else" not in client.get(url).content.decode()
    response = client.post(
        url,
        {"party": "partner", "area": "A", "description": "B", "accountable_contact": stranger.pk},
    )
    assert response.context["form"].errors["accountable_contact"]


def test_a_part_of_another_version_is_404(client, bob, agreeing):
    agreement = AgreementFactory(partnership=agreeing)
    other = ResponsibilityFactory(agreement=AgreementFactory(partnership=PartnershipFactory()))
    client.force_login(bob)
    url = f"{_base(agreeing)}{agreement.pk}/responsibilities/{other.pk}/edit/"
    assert client.get(url).status_code == 404
    assert client.post(url.replace("edit", "delete")).status_code == 404


# Signing through the page -----------------------------------------------------------------------


def test_an_executive_signs_through_the_page_and_the_partnership_goes_active(
    client, alice, agreeing
):
    agreement = complete_agreement(agreeing, version=1)
    client.force_login(alice)
    today = timezone.localdate()
    response = client.post(
        f"{_base(agreeing)}{agreement.pk}/sign/",
        {
            "signed_on": today.isoformat(),
            "our_signatory": "Alice, COO",
            "partner_signatory": "Hannah",
        },
        follow=True,
    )
    agreeing.refresh_from_db()
    assert agreeing.stage == Stage.ACTIVE
    assert "is signed. The partnership is “Active”" in response.content.decode()


def test_a_partner_manager_is_told_only_an_executive_signs_and_cannot_sign_by_post(
    client, bob, agreeing
):
    agreement = complete_agreement(agreeing, version=1)
    client.force_login(bob)
    url = f"{_base(agreeing)}{agreement.pk}/sign/"
    body = client.get(url).content.decode()
    assert "Only an executive can sign an agreement." in body
    assert 'name="signed_on"' not in body
    response = client.post(
        url,
        {
            "signed_on": timezone.localdate().isoformat(),
            "our_signatory": "Bob",
            "partner_signatory": "H",
        },
    )
    assert "Only an executive can sign an agreement." in response.content.decode()
    agreement.refresh_from_db()
    agreeing.refresh_from_db()
    assert (agreement.status, agreeing.stage) == (Status.DRAFT, Stage.AGREEING)


def test_signing_an_incomplete_version_lists_what_is_missing(client, alice, agreeing):
    agreement = AgreementFactory(partnership=agreeing)
    client.force_login(alice)
    url = f"{_base(agreeing)}{agreement.pk}/sign/"
    assert "Not ready to sign yet" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "signed_on": timezone.localdate().isoformat(),
            "our_signatory": "A",
            "partner_signatory": "B",
        },
    )
    assert (
        "Not ready to sign: Add at least one responsibility of ours." in response.content.decode()
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_status_buttons_send_for_review_and_discard(client, bob, agreeing):
    agreement = AgreementFactory(partnership=agreeing)
    client.force_login(bob)
    base = f"{_base(agreeing)}{agreement.pk}/"
    client.post(base + "status/", {"action": "submit"})
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_REVIEW
    response = client.post(base + "status/", {"action": "approve"}, follow=True)
    assert "Only an executive can mark an agreement approved." in response.content.decode()
    client.post(base + "discard/")
    assert not Agreement.objects.exists()


def test_the_agreements_nav_item_is_there(client, bob):
    client.force_login(bob)
    body = client.get("/partnerships/").content.decode()
    assert 'href="/agreements/"' in body
