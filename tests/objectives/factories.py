import datetime
from decimal import Decimal

import factory

from objectives.models import Alignment, Objective

from ..factories import PartnershipFactory


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """One of our objectives with a measurable target."""

    class Meta:
        model = Objective

    partnership = factory.SubFactory(PartnershipFactory)
    party = "ours"
    category = "cost_savings"
    title = factory.Sequence(lambda n: f"Objective {n}")
    success_measure = "Cost per order"
    baseline = Decimal("100")
    target = Decimal("80")
    unit = "€"
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))


class AlignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alignment

    objective = factory.SubFactory(ObjectiveFactory)
    partner_objective = factory.SubFactory(
        ObjectiveFactory,
        party="partner",
        partnership=factory.SelfAttribute("..objective.partnership"),
    )
    kind = "aligned"
