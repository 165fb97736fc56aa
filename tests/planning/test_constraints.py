"""The database refuses what the forms and services refuse."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from planning.models import Milestone, Opportunity, RenewalDecision
from tests.agreements.factories import AgreementFactory
from tests.communications.factories import ThreadFactory

from .factories import MilestoneFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_an_achieved_milestone_without_evidence_is_refused(active):
    milestone = MilestoneFactory(partnership=active)
    assert refused(
        lambda: Milestone.objects.filter(pk=milestone.pk).update(achieved_on=timezone.localdate())
    )


def test_a_realised_value_needs_an_achievement_a_unit_and_no_minus_sign(active):
    milestone = MilestoneFactory(partnership=active)
    rows = Milestone.objects.filter(pk=milestone.pk)
    assert refused(lambda: rows.update(value_amount=10, value_unit="€"))
    rows.update(achieved_on=timezone.localdate(), evidence="Report")
    assert refused(lambda: rows.update(value_amount=10))
    assert refused(lambda: rows.update(value_amount=-1, value_unit="€"))
    rows.update(value_amount=10, value_unit="€")


def test_a_declined_opportunity_without_reason_and_two_from_one_idea_are_refused(active):
    opportunity = OpportunityFactory(partnership=active)
    assert refused(lambda: Opportunity.objects.filter(pk=opportunity.pk).update(status="declined"))
    assert refused(lambda: Opportunity.objects.filter(pk=opportunity.pk).update(horizon="someday"))
    idea = ThreadFactory(partnership=active, is_idea=True)
    OpportunityFactory(partnership=active, source_thread=idea)
    assert refused(lambda: OpportunityFactory(partnership=active, source_thread=idea))


def test_a_renewal_decision_has_a_rationale_and_an_exit_opens_no_agreement(active, alice):
    assert refused(
        lambda: RenewalDecision.objects.create(
            partnership=active, decision="renew", rationale="", decided_by=alice
        )
    )
    agreement = AgreementFactory(partnership=active)
    assert refused(
        lambda: RenewalDecision.objects.create(
            partnership=active, decision="exit", rationale="No.", decided_by=alice,
            agreement=agreement,
        )
    )  # fmt: skip
