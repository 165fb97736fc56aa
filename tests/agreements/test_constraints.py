"""The database refuses what the forms and services refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Agreement, CommunicationPlan, Status

from .factories import AgreementFactory, EscalationStepFactory, ResponsibilityFactory

pytestmark = pytest.mark.django_db


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_database_refuses_an_expiry_before_the_effective_date():
    refused(
        lambda: AgreementFactory(
            effective_date=datetime.date(2026, 6, 1), expiry_date=datetime.date(2026, 5, 1)
        )
    )


def test_the_database_refuses_a_notice_period_longer_than_the_term():
    refused(
        lambda: AgreementFactory(
            effective_date=datetime.date(2026, 1, 1),
            expiry_date=datetime.date(2026, 2, 1),
            notice_period_days=60,
        )
    )


def test_the_database_refuses_a_second_open_version(bobs_partnership):
    AgreementFactory(partnership=bobs_partnership, version=1, status=Status.IN_REVIEW)
    refused(lambda: AgreementFactory(partnership=bobs_partnership, version=2))
    # A signed one beside an open one is how every renewal looks.
    AgreementFactory(
        partnership=bobs_partnership,
        version=3,
        status=Status.SIGNED,
        signed_on=datetime.date(2026, 1, 1),
    )


def test_the_database_refuses_a_repeated_version_number(bobs_partnership):
    AgreementFactory(
        partnership=bobs_partnership,
        version=1,
        status=Status.SUPERSEDED,
        signed_on=datetime.date(2025, 1, 1),
    )
    refused(lambda: AgreementFactory(partnership=bobs_partnership, version=1))


def test_the_database_refuses_a_signed_version_without_its_dates():
    refused(lambda: AgreementFactory(status=Status.SIGNED, signed_on=None))
    refused(
        lambda: AgreementFactory(
            status=Status.SIGNED,
            signed_on=datetime.date(2026, 1, 1),
            effective_date=None,
            expiry_date=None,
        )
    )


def test_the_database_refuses_an_unknown_status():
    refused(lambda: AgreementFactory(status="paused"))


def test_the_database_keeps_the_notice_deadline_in_step_with_the_expiry_date():
    agreement = AgreementFactory()
    refused(lambda: Agreement.objects.filter(pk=agreement.pk).update(notice_deadline=None))


def test_the_database_refuses_a_responsibility_with_no_or_two_accountable_people(alice):
    from ..factories import ContactFactory

    refused(lambda: ResponsibilityFactory(accountable_user=None))
    refused(
        lambda: ResponsibilityFactory(accountable_user=alice, accountable_contact=ContactFactory())
    )
    refused(lambda: ResponsibilityFactory(party="someone"))


def test_the_database_refuses_a_bad_ladder_step():
    agreement = AgreementFactory()
    EscalationStepFactory(agreement=agreement, level=1)
    refused(lambda: EscalationStepFactory(agreement=agreement, level=1))
    refused(lambda: EscalationStepFactory(agreement=agreement, level=0))
    refused(lambda: EscalationStepFactory(agreement=agreement, days_to_respond=0))
    refused(lambda: EscalationStepFactory(agreement=agreement, our_role=""))
    refused(lambda: EscalationStepFactory(agreement=agreement, mechanism="duel"))


def test_the_database_allows_one_plan_per_version():
    agreement = AgreementFactory()
    CommunicationPlan.objects.create(agreement=agreement)
    refused(lambda: CommunicationPlan.objects.create(agreement=agreement))


@pytest.mark.parametrize(
    ("expiry", "notice_days"),
    [(datetime.date(1, 1, 1), 90), (datetime.date(2027, 1, 1), 10**12)],
    ids=["expiry in year 1", "a notice period of 10^12 days"],
)
def test_a_notice_deadline_before_the_calendar_begins_is_a_form_error_not_a_crash(
    expiry, notice_days
):
    # Found by the bad-input walk: both answered 500 (OverflowError from the deadline's date).
    agreement = Agreement(title="Terms", expiry_date=expiry, notice_period_days=notice_days)
    with pytest.raises(ValidationError) as refused_with:
        agreement.clean()
    assert "notice_period_days" in refused_with.value.message_dict
    assert agreement.notice_deadline is None
