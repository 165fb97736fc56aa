import datetime

import factory
from django.utils import timezone

from planning.models import Milestone, Opportunity

from ..factories import PartnershipFactory


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    created_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


def achieved(partnership, *, days_ago: int = 5, **fields) -> Milestone:
    return MilestoneFactory(
        partnership=partnership,
        achieved_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        evidence=fields.pop("evidence", "Signed report."),
        achieved_by=fields.pop("achieved_by", partnership.executive_sponsor),
        **fields,
    )


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    estimated_value = 10000
    horizon = "next_year"
    status = "idea"
    owner = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)
    created_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)
