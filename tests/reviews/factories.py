import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from reviews.models import KPI, Decision, Measurement, Review

from ..factories import PartnershipFactory


class KPIFactory(factory.django.DjangoModelFactory):
    """On-time delivery: higher is better, from 80% to 100%, a red flag below 85%."""

    class Meta:
        model = KPI

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    direction = "higher"
    baseline = Decimal("80")
    target = Decimal("100")
    red_flag = Decimal("85")
    frequency = "monthly"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    period = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    value = Decimal("90")
    recorded_by = factory.LazyAttribute(lambda o: o.kpi.partnership.executive_sponsor)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A quarterly review, scheduled (not held)."""

    class Meta:
        model = Review

    partnership = factory.SubFactory(PartnershipFactory)
    kind = "quarterly"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    created_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


class HeldReviewFactory(ReviewFactory):
    due_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    held_on = factory.LazyAttribute(lambda o: o.due_on)
    rating = 4
    summary = "A good quarter."
    held_by = factory.LazyAttribute(lambda o: o.partnership.executive_sponsor)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    review = factory.SubFactory(HeldReviewFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")
    kind = "note"
    recorded_by = factory.LazyAttribute(lambda o: o.review.partnership.executive_sponsor)
