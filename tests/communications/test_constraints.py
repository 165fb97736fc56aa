"""The database refuses what the forms and services refuse."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from communications.models import ActionItem, CheckIn, Escalation, ResponseTarget, Vote

from .factories import ActionItemFactory, CheckInFactory, ConcernFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("sentiment", [0, 6])
def test_the_database_refuses_a_sentiment_outside_one_to_five(bobs_partnership, sentiment):
    refused(lambda: CheckInFactory(partnership=bobs_partnership, sentiment=sentiment))


def test_the_database_refuses_an_on_time_check_in_without_a_due_date(bobs_partnership):
    refused(lambda: CheckInFactory(partnership=bobs_partnership, timeliness="on_time"))


def test_the_database_refuses_an_action_item_with_two_owners_or_none(bobs_partnership, bob):
    from tests.factories import ContactFactory

    contact = ContactFactory()
    refused(
        lambda: ActionItemFactory(partnership=bobs_partnership, owner=bob, owner_contact=contact)
    )
    refused(lambda: ActionItemFactory(partnership=bobs_partnership, owner=None))
    refused(lambda: ActionItemFactory(partnership=bobs_partnership, party="partner", owner=bob))


def test_the_database_refuses_a_closed_action_item_without_its_date(bobs_partnership):
    refused(lambda: ActionItemFactory(partnership=bobs_partnership, status="done"))


def test_the_database_refuses_a_concern_resolved_without_a_resolution(bobs_partnership):
    now = timezone.now()
    refused(
        lambda: ConcernFactory(
            partnership=bobs_partnership, acknowledged_at=now, resolved_at=now, resolution=""
        )
    )


def test_the_database_refuses_an_unknown_severity(bobs_partnership):
    refused(lambda: ConcernFactory(partnership=bobs_partnership, severity="urgent"))


def test_the_database_refuses_a_concern_escalated_twice_to_the_same_level(bobs_partnership):
    concern = ConcernFactory(partnership=bobs_partnership)
    Escalation.objects.create(concern=concern, level=1, who="COO with CEO")
    refused(lambda: Escalation.objects.create(concern=concern, level=1, who="again"))


def test_the_database_refuses_a_second_target_for_a_severity_and_a_target_in_the_wrong_order():
    refused(
        lambda: ResponseTarget.objects.create(
            severity="high", hours_to_first_response=1, hours_to_resolution=2
        )
    )
    ResponseTarget.objects.filter(severity="low").delete()
    refused(
        lambda: ResponseTarget.objects.create(
            severity="low", hours_to_first_response=10, hours_to_resolution=2
        )
    )


def test_the_database_refuses_a_second_vote_by_the_same_person(bobs_partnership, bob):
    thread = ThreadFactory(partnership=bobs_partnership, is_idea=True)
    Vote.objects.create(thread=thread, user=bob)
    refused(lambda: Vote.objects.create(thread=thread, user=bob))


def test_a_future_check_in_fails_model_validation(bobs_partnership):
    from django.core.exceptions import ValidationError

    check_in = CheckIn(
        partnership=bobs_partnership,
        held_on=timezone.localdate() + datetime.timedelta(days=2),
        summary="x",
        sentiment=3,
        logged_by=bobs_partnership.executive_sponsor,
    )
    with pytest.raises(ValidationError):
        check_in.full_clean()
    assert not ActionItem.objects.exists()
