import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import services
from agreements.completeness import missing_for_signing
from agreements.models import Agreement, CommunicationPlan, Party, Responsibility, Status
from partnerships.models import Activity, Stage, Transition
from reminders.models import Cadence

from ..factories import OrganizationFactory, PartnershipFactory
from .factories import (
    AgreementFactory,
    EscalationStepFactory,
    ResponsibilityFactory,
    complete_agreement,
    plan_for,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def agreeing(bobs_partnership):
    bobs_partnership.stage = Stage.AGREEING
    bobs_partnership.organization = OrganizationFactory(name="Northwind Logistics")
    bobs_partnership.save()
    return bobs_partnership


def _sign(agreement, by, **overrides):
    return services.agreement_sign(
        agreement=agreement,
        by=by,
        **{
            "signed_on": timezone.localdate(),
            "our_signatory": "Alice Ashby, COO",
            "partner_signatory": "Hannah Berg, VP Partnerships",
            **overrides,
        },
    )


def test_the_first_version_starts_as_a_draft_with_a_title_and_a_timeline_row(agreeing, bob):
    agreement = services.agreement_start(partnership=agreeing, by=bob)
    assert (agreement.version, agreement.status) == (1, Status.DRAFT)
    assert agreement.title == "Northwind supply agreement"
    assert agreement.created_by == bob
    assert Activity.objects.filter(partnership=agreeing, kind="agreement").count() == 1


def test_a_new_version_starts_as_a_copy_of_the_last_ones_terms_and_parts(agreeing, alice):
    first = complete_agreement(
        agreeing, version=1, commercial_terms="€2 per parcel", auto_renew=True
    )
    _sign(first, alice)
    second = services.agreement_start(partnership=agreeing, by=alice)
    assert second.version == 2
    assert second.status == Status.DRAFT
    for name in services.TERMS:
        assert getattr(second, name) == getattr(first, name), name
    assert [(r.party, r.area) for r in second.responsibilities.all()] == [
        (r.party, r.area) for r in first.responsibilities.all()
    ]
    assert second.plan.check_in_cadence == first.plan.check_in_cadence
    assert second.escalation_steps.count() == first.escalation_steps.count() == 1
    assert not second.document and not second.signed_on
    first.refresh_from_db()
    assert first.status == Status.SIGNED  # the signed version stays as it was


def test_terms_given_when_starting_replace_the_copied_ones(agreeing, alice):
    _sign(complete_agreement(agreeing, version=1), alice)
    second = services.agreement_start(
        partnership=agreeing, by=alice, title="Renewal 2029", notice_period_days=60
    )
    assert (second.title, second.notice_period_days) == ("Renewal 2029", 60)


def test_a_second_draft_while_one_is_open_is_refused_and_nothing_changes(agreeing, bob):
    services.agreement_start(partnership=agreeing, by=bob)
    with pytest.raises(ValidationError) as exc:
        services.agreement_start(partnership=agreeing, by=bob)
    assert "Version 1 is still open (draft)" in exc.value.messages[0]
    assert Agreement.objects.filter(partnership=agreeing).count() == 1


def test_an_ended_partnership_takes_no_new_agreement(alice):
    ended = PartnershipFactory(stage=Stage.ENDED, ended_reason="Closed")
    with pytest.raises(ValidationError, match="has ended"):
        services.agreement_start(partnership=ended, by=alice)


def test_the_notice_deadline_is_expiry_minus_the_notice_period(agreeing, bob):
    agreement = services.agreement_start(
        partnership=agreeing,
        by=bob,
        effective_date=datetime.date(2026, 1, 1),
        expiry_date=datetime.date(2028, 12, 31),
        notice_period_days=90,
    )
    assert agreement.notice_deadline == datetime.date(2028, 10, 2)
    agreement = services.agreement_update(agreement=agreement, by=bob, expiry_date=None)
    assert agreement.notice_deadline is None


@pytest.mark.parametrize(
    ("terms", "field", "words"),
    [
        (
            {"effective_date": datetime.date(2026, 6, 1), "expiry_date": datetime.date(2026, 1, 1)},
            "expiry_date",
            "The expiry date must come after the effective date.",
        ),
        (
            {
                "effective_date": datetime.date(2026, 1, 1),
                "expiry_date": datetime.date(2026, 3, 1),
                "notice_period_days": 90,
            },
            "notice_period_days",
            "The notice period (90 days) is longer than the term (59 days, from the effective "
            "date to expiry).",
        ),
    ],
)
def test_bad_dates_are_refused_in_words_and_nothing_changes(agreeing, bob, terms, field, words):
    agreement = services.agreement_start(partnership=agreeing, by=bob, title="Before")
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(agreement=agreement, by=bob, title="After", **terms)
    assert words in exc.value.message_dict[field]
    agreement.refresh_from_db()
    assert agreement.title == "Before"
    with pytest.raises(ValidationError):
        services.agreement_start(partnership=PartnershipFactory(), by=bob, **terms)


def test_completeness_lists_what_signing_needs_in_words(agreeing):
    agreement = AgreementFactory(partnership=agreeing, effective_date=None, expiry_date=None)
    assert missing_for_signing(agreement) == [
        "Add at least one responsibility of ours.",
        "Add at least one responsibility of the partner's.",
        "Write the communication plan, with a check-in cadence and a review cadence.",
        "Add at least one step to the dispute-resolution ladder.",
        "Set the effective date.",
    ]
    ResponsibilityFactory(agreement=agreement, party=Party.JOINT)
    plan_for(agreement, review_cadence=None)
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert missing_for_signing(agreement) == [
        "Add at least one responsibility of ours.",
        "Add at least one responsibility of the partner's.",
        "Choose a review cadence in the communication plan.",
        "Add at least one step to the dispute-resolution ladder.",
        "Set the effective date.",
    ]


def test_signing_makes_the_partnership_active_with_its_cadences_and_first_due_dates(
    agreeing, alice
):
    effective = timezone.localdate() - datetime.timedelta(days=3)
    agreement = complete_agreement(
        agreeing,
        version=1,
        effective_date=effective,
        expiry_date=effective.replace(year=effective.year + 3),
    )
    _sign(agreement, alice)

    agreement.refresh_from_db()
    agreeing.refresh_from_db()
    monthly = Cadence.objects.get(name="Monthly check-in")
    quarterly = Cadence.objects.get(name="Quarterly business review")
    assert agreement.status == Status.SIGNED
    assert agreement.signed_by == alice
    assert agreement.our_signatory == "Alice Ashby, COO"
    assert agreeing.stage == Stage.ACTIVE
    assert (agreeing.check_in_cadence, agreeing.review_cadence) == (monthly, quarterly)
    assert agreeing.next_check_in_due == monthly.next_due(effective)
    assert agreeing.next_review_due == quarterly.next_due(effective)
    assert agreeing.start_date == effective
    transition = Transition.objects.get(partnership=agreeing, to_stage=Stage.ACTIVE)
    assert transition.by == alice
    assert transition.note == "Agreement version 1 signed."


def test_the_first_due_date_is_one_period_after_the_effective_date_but_never_overdue():
    monthly = Cadence.objects.get(name="Monthly check-in")
    today = datetime.date(2026, 3, 10)
    assert services.first_due(monthly, datetime.date(2026, 3, 1), today) == datetime.date(
        2026, 4, 1
    )
    assert services.first_due(monthly, datetime.date(2026, 5, 31), today) == datetime.date(
        2026, 6, 30
    )
    # Effective a year ago: one period from today rather than a check-in already overdue.
    assert services.first_due(monthly, datetime.date(2025, 3, 1), today) == datetime.date(
        2026, 4, 10
    )


def test_signing_supersedes_the_version_signed_before(agreeing, alice):
    first = complete_agreement(agreeing, version=1)
    _sign(first, alice)
    second = services.agreement_start(partnership=agreeing, by=alice)
    _sign(second, alice)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.SUPERSEDED, Status.SIGNED)
    assert Agreement.objects.filter(partnership=agreeing, status=Status.SIGNED).count() == 1


def test_signing_a_renewal_moves_a_renewing_partnership_back_to_active(agreeing, alice):
    _sign(complete_agreement(agreeing, version=1), alice)
    agreeing.stage = Stage.RENEWING
    agreeing.save()
    renewal = services.agreement_start(partnership=agreeing, by=alice)
    _sign(renewal, alice)
    agreeing.refresh_from_db()
    assert agreeing.stage == Stage.ACTIVE


def test_a_partner_manager_cannot_sign_and_nothing_changes(agreeing, bob):
    agreement = complete_agreement(agreeing, version=1)
    with pytest.raises(PermissionDenied, match="Only an executive can sign"):
        _sign(agreement, bob)
    agreement.refresh_from_db()
    agreeing.refresh_from_db()
    assert agreement.status == Status.DRAFT
    assert (agreeing.stage, agreeing.check_in_cadence) == (Stage.AGREEING, None)


def test_an_incomplete_agreement_cannot_be_signed_and_nothing_changes(agreeing, alice):
    agreement = AgreementFactory(partnership=agreeing)
    ResponsibilityFactory(agreement=agreement, party=Party.US)
    with pytest.raises(services.NotReadyToSign) as exc:
        _sign(agreement, alice)
    assert exc.value.missing == [
        "Add at least one responsibility of the partner's.",
        "Write the communication plan, with a check-in cadence and a review cadence.",
        "Add at least one step to the dispute-resolution ladder.",
    ]
    agreement.refresh_from_db()
    agreeing.refresh_from_db()
    assert agreement.status == Status.DRAFT
    assert agreeing.stage == Stage.AGREEING


def test_signing_needs_both_signatories_and_a_date_not_in_the_future(agreeing, alice):
    agreement = complete_agreement(agreeing, version=1)
    with pytest.raises(ValidationError) as exc:
        _sign(
            agreement,
            alice,
            our_signatory=" ",
            partner_signatory="",
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert exc.value.message_dict == {
        "our_signatory": ["Name who signed for us."],
        "partner_signatory": ["Name who signed for the partner."],
        "signed_on": ["The date signed cannot be in the future."],
    }
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_an_agreement_is_signed_only_once_the_partnership_is_agreeing(alice):
    defining = PartnershipFactory(stage=Stage.DEFINING)
    agreement = complete_agreement(defining, version=1)
    with pytest.raises(ValidationError, match="once it reaches “Agreeing”"):
        _sign(agreement, alice)


def test_a_signed_version_and_its_parts_are_read_only(agreeing, alice, bob):
    agreement = complete_agreement(agreeing, version=1)
    _sign(agreement, alice)
    duty = agreement.responsibilities.first()
    step = agreement.escalation_steps.first()
    refusals = [
        lambda: services.agreement_update(agreement=agreement, by=alice, title="Changed"),
        lambda: services.responsibility_save(
            agreement=agreement, by=bob, party=Party.US, area="New", description="x",
            accountable_user=bob,
        ),
        lambda: services.responsibility_save(
            agreement=agreement, by=bob, responsibility=duty, area="Renamed"
        ),
        lambda: services.responsibility_delete(responsibility=duty, by=bob),
        lambda: services.plan_save(agreement=agreement, by=bob, reporting="More"),
        lambda: services.step_save(agreement=agreement, by=bob, step=step, days_to_respond=99),
        lambda: services.step_delete(step=step, by=bob),
        lambda: services.agreement_discard(agreement=agreement, by=alice),
        lambda: _sign(agreement, alice),
    ]  # fmt: skip
    for refuse in refusals:
        with pytest.raises(ValidationError) as exc:
            refuse()
        assert "Version 1 is signed: it can no longer be changed." in exc.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.title != "Changed"
    assert agreement.responsibilities.count() == 2
    assert agreement.plan.reporting == ""
    assert agreement.escalation_steps.get().days_to_respond == 10


def test_parts_are_added_edited_and_removed_on_an_open_version(agreeing, bob):
    agreement = services.agreement_start(partnership=agreeing, by=bob)
    duty = services.responsibility_save(
        agreement=agreement,
        by=bob,
        party=Party.US,
        area="Forecasts",
        description="Weekly forecast",
        accountable_user=bob,
    )
    services.responsibility_save(
        agreement=agreement, by=bob, responsibility=duty, description="Daily forecast"
    )
    plan = services.plan_save(
        agreement=agreement,
        by=bob,
        check_in_cadence=Cadence.objects.get(name="Weekly check-in"),
        channels=["video", "email"],
    )
    step = services.step_save(
        agreement=agreement,
        by=bob,
        level=1,
        mechanism="negotiation",
        our_person=bob,
        partner_role="Account lead",
        days_to_respond=5,
    )
    assert Responsibility.objects.get().description == "Daily forecast"
    assert CommunicationPlan.objects.get() == plan
    assert plan.channel_labels() == ["Video call", "E-mail"]
    assert services.next_level(agreement) == 2
    services.step_delete(step=step, by=bob)
    services.responsibility_delete(responsibility=duty, by=bob)
    assert not agreement.escalation_steps.exists() and not agreement.responsibilities.exists()


def test_an_accountable_contact_must_work_at_the_partner(agreeing, bob):
    from ..factories import ContactFactory

    agreement = services.agreement_start(partnership=agreeing, by=bob)
    stranger = ContactFactory()  # at another organisation
    with pytest.raises(ValidationError) as exc:
        services.responsibility_save(
            agreement=agreement,
            by=bob,
            party=Party.PARTNER,
            area="Sales",
            description="Sell",
            accountable_contact=stranger,
        )
    assert exc.value.message_dict["accountable_contact"] == [
        "Choose a contact of the partner organisation."
    ]


def test_a_responsibility_names_exactly_one_accountable_person(agreeing, bob):
    from ..factories import ContactFactory

    agreement = services.agreement_start(partnership=agreeing, by=bob)
    contact = ContactFactory(organization=agreeing.organization)
    common = {
        "agreement": agreement,
        "by": bob,
        "party": Party.JOINT,
        "area": "A",
        "description": "B",
    }
    with pytest.raises(ValidationError) as none:
        services.responsibility_save(**common)
    assert "Name who is accountable" in none.value.message_dict["accountable_user"][0]
    with pytest.raises(ValidationError) as both:
        services.responsibility_save(**common, accountable_user=bob, accountable_contact=contact)
    assert "not two" in both.value.message_dict["accountable_contact"][0]


def test_a_ladder_step_needs_both_sides_and_a_free_level(agreeing, bob):
    agreement = services.agreement_start(partnership=agreeing, by=bob)
    EscalationStepFactory(agreement=agreement, level=1)
    with pytest.raises(ValidationError) as exc:
        services.step_save(
            agreement=agreement, by=bob, level=2, mechanism="mediation", days_to_respond=5
        )
    assert exc.value.message_dict["our_role"] == [
        "Say who takes part on our side: a person or a role."
    ]
    assert exc.value.message_dict["partner_role"] == [
        "Say who takes part on the partner's side: a person or a role."
    ]
    with pytest.raises(ValidationError) as taken:
        services.step_save(
            agreement=agreement, by=bob, level=1, mechanism="mediation", our_role="COO",
            partner_role="CEO", days_to_respond=5,
        )  # fmt: skip
    assert "The ladder already has a step at this level." in taken.value.messages


def test_review_approval_and_the_way_back_to_draft(agreeing, alice, bob):
    agreement = services.agreement_start(partnership=agreeing, by=bob)
    services.agreement_set_status(agreement=agreement, by=bob, action="submit")
    with pytest.raises(PermissionDenied):
        services.agreement_set_status(agreement=agreement, by=bob, action="approve")
    approved = services.agreement_set_status(agreement=agreement, by=alice, action="approve")
    assert approved.status == Status.APPROVED
    back = services.agreement_set_status(agreement=agreement, by=bob, action="reopen")
    assert back.status == Status.DRAFT
    with pytest.raises(ValidationError, match="cannot be approved now"):
        services.agreement_set_status(agreement=agreement, by=alice, action="approve")


def test_an_executive_terminates_a_signed_agreement_with_a_reason(agreeing, alice):
    agreement = complete_agreement(agreeing, version=1)
    _sign(agreement, alice)
    with pytest.raises(ValidationError) as exc:
        services.agreement_set_status(agreement=agreement, by=alice, action="terminate")
    assert exc.value.message_dict == {"note": ["Say why the agreement is terminated."]}
    with pytest.raises(ValidationError, match="has not reached its expiry date"):
        services.agreement_set_status(agreement=agreement, by=alice, action="expire")
    ended = services.agreement_set_status(
        agreement=agreement, by=alice, action="terminate", note="Partner acquired"
    )
    assert (ended.status, ended.ended_note) == (Status.TERMINATED, "Partner acquired")


def test_discarding_an_open_version_lets_a_new_one_start(agreeing, bob):
    agreement = services.agreement_start(partnership=agreeing, by=bob)
    ResponsibilityFactory(agreement=agreement)
    services.agreement_discard(agreement=agreement, by=bob)
    assert not Agreement.objects.exists()
    assert services.agreement_start(partnership=agreeing, by=bob).version == 1


CORE = {"Set a check-in cadence.", "Set a review cadence."}


def _agreement_gate(partnership) -> list[str]:
    from partnerships.services import gate

    return [m for m in gate(partnership, Stage.ACTIVE).missing if m not in CORE]


def test_the_gate_to_active_asks_for_a_signed_complete_agreement_in_words(agreeing, alice):
    assert _agreement_gate(agreeing) == ["Draft an agreement and have an executive sign it."]
    agreement = AgreementFactory(
        partnership=agreeing, version=1, effective_date=None, expiry_date=None
    )
    ResponsibilityFactory(agreement=agreement, party=Party.US)
    assert _agreement_gate(agreeing) == [
        "Sign agreement version 1.",
        "Add at least one responsibility of the partner's.",
        "Write the communication plan, with a check-in cadence and a review cadence.",
        "Add at least one step to the dispute-resolution ladder.",
        "Set the effective date.",
    ]


def test_the_gate_to_active_refuses_an_expired_agreement():
    p = PartnershipFactory(stage=Stage.RENEWING, organization=OrganizationFactory())
    complete_agreement(
        p,
        version=1,
        status=Status.SIGNED,
        signed_on=datetime.date(2020, 1, 1),
        effective_date=datetime.date(2020, 1, 1),
        expiry_date=datetime.date(2021, 1, 1),
    )
    assert _agreement_gate(p) == ["The signed agreement expired on 1 Jan 2021: sign a new version."]


def test_a_version_past_its_expiry_date_cannot_be_signed(agreeing, alice):
    agreement = complete_agreement(
        agreeing,
        version=1,
        effective_date=datetime.date(2020, 1, 1),
        expiry_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        _sign(agreement, alice)
    assert exc.value.message_dict["expiry_date"] == [
        "This version expired on 1 Jan 2021: move its expiry date before signing it."
    ]
