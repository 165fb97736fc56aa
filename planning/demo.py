"""Demo relationship plans for the live demo partnerships (found by name): milestones planned and
achieved (the successes), opportunities at every status (one made from the discussion's idea),
and "Meridian APAC distribution" left in `renewing`, its decision still to take.

Idempotent: a partnership that already has milestones is left alone."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from communications.models import Thread
from partnerships.models import Activity, Partnership, Stage

from .models import CURRENCY_SYMBOL, Horizon, Milestone, Opportunity, OpportunityStatus

# name: [(title, target in days from today, achieved days ago or None, evidence, amount, unit,
#         note)]
MILESTONES = {
    "Northwind fulfilment network": [
        (
            "Second hub live in Rotterdam",
            -200,
            190,
            "Go-live report signed by both COOs.",
            None,
            "",
            "Next-day delivery now reaches 14 countries.",
        ),
        (
            "Returns portal integrated",
            -60,
            45,
            "Integration test report; 1,200 returns processed.",
            Decimal("180000"),
            CURRENCY_SYMBOL,
            "",
        ),
        ("Peak season at 98% on time", 40, None, "", None, "", ""),
    ],
    "Helios cloud co-sell": [
        (
            "Listed on the Helios marketplace",
            -400,
            395,
            "Marketplace listing certified.",
            None,
            "",
            "First marketplace listing of our platform.",
        ),
        (
            "First 10 co-sold deals",
            -90,
            20,
            "Deal registrations in the shared pipeline.",
            Decimal("1250000"),
            CURRENCY_SYMBOL,
            "",
        ),
        ("Joint keynote at Helios Summit", 75, None, "", None, "", ""),
    ],
    "Verdant sustainable packaging": [
        (
            "30% recycled packaging",
            -30,
            12,
            "Supplier certificate for Q3 deliveries.",
            Decimal("30"),
            "%",
            "",
        ),
        ("60% recycled packaging", 420, None, "", None, "", ""),
    ],
    "Meridian APAC distribution": [
        (
            "300 retail doors in Japan",
            -500,
            480,
            "Store list from Meridian's sell-out report.",
            Decimal("300"),
            "doors",
            "",
        ),
        ("Korea launch", -300, None, "", None, "", ""),
    ],
    "Lumen applied research": [
        ("First joint paper submitted", 60, None, "", None, "", ""),
    ],
}

# name: [(title, description, value, horizon, status, declined reason)]
OPPORTUNITIES = {
    "Northwind fulfilment network": [
        ("Nordic hub", "A third hub in Gothenburg for next-day delivery to the Nordics.",
         Decimal("450000"), Horizon.NEXT_YEAR, OpportunityStatus.EVALUATING, ""),
        ("Same-day delivery pilot in Berlin", "Pilot with 500 orders a day.",
         Decimal("120000"), Horizon.NEXT_QUARTER, OpportunityStatus.PLANNED, ""),
    ],
    "Helios cloud co-sell": [
        ("Co-developed AI add-on", "Package our analytics as a Helios-native add-on.",
         Decimal("2000000"), Horizon.LATER, OpportunityStatus.IDEA, ""),
        ("Joint webinar series", "Quarterly webinars for mid-market buyers.",
         Decimal("80000"), Horizon.NEXT_QUARTER, OpportunityStatus.PURSUED, ""),
        ("Helios reseller discount", "Give Helios resellers a 10% discount.",
         Decimal("150000"), Horizon.NEXT_YEAR, OpportunityStatus.DECLINED,
         "Margin too thin once the referral fee is paid."),
    ],
    "Meridian APAC distribution": [
        ("Taiwan expansion", "Add Taiwan to the distribution territory from year two.",
         Decimal("900000"), Horizon.NEXT_YEAR, OpportunityStatus.EVALUATING, ""),
    ],
}  # fmt: skip

IDEA_PARTNERSHIP = "Verdant sustainable packaging"


def seed(stdout) -> None:
    coo = User.objects.filter(email="coo@accord.example").first()
    if coo is None:
        return
    partnerships = (
        Partnership.objects.filter(name__in=set(MILESTONES) | set(OPPORTUNITIES))
        .select_related("executive_sponsor")
        .prefetch_related("managers")
    )
    made = 0
    for partnership in partnerships:
        if partnership.milestones.exists() or partnership.opportunities.exists():
            continue
        with transaction.atomic():
            _seed(partnership, coo)
        made += 1
    if made:
        stdout.write(f"Demo relationship plans: {made} partnerships given milestones.")


def _activity(partnership, kind: str, summary: str, actor, day: datetime.date, url: str) -> None:
    row = Activity.objects.create(
        partnership=partnership, kind=kind, summary=summary[:300], actor=actor, url=url
    )
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    Activity.objects.filter(pk=row.pk).update(at=when)  # a history, not today's news


def _seed(partnership: Partnership, coo: User) -> None:
    today = timezone.localdate()
    manager = next(iter(partnership.managers.all()), coo)
    start = partnership.start_date or today
    objectives = list(partnership.objectives.order_by("pk")) if partnership.pk else []
    for index, (title, target, achieved_ago, evidence, amount, unit, note) in enumerate(
        MILESTONES.get(partnership.name, [])
    ):
        achieved = today - datetime.timedelta(days=achieved_ago) if achieved_ago else None
        if achieved and achieved < start:
            achieved = start
        milestone = Milestone.objects.create(
            partnership=partnership,
            objective=objectives[index % len(objectives)] if objectives else None,
            title=title,
            target_date=today + datetime.timedelta(days=target),
            achieved_on=achieved,
            evidence=evidence if achieved else "",
            value_amount=amount if achieved else None,
            value_unit=unit if achieved and amount is not None else "",
            value_note=note if achieved else "",
            achieved_by=manager if achieved else None,
            created_by=manager,
        )
        if achieved:
            _activity(
                partnership,
                "milestone",
                f"Milestone achieved: {title}",
                manager,
                achieved,
                milestone.get_absolute_url(),
            )
    for title, about, value, horizon, status, reason in OPPORTUNITIES.get(partnership.name, []):
        opportunity = Opportunity.objects.create(
            partnership=partnership,
            title=title,
            description=about,
            estimated_value=value,
            horizon=horizon,
            status=status,
            declined_reason=reason,
            owner=manager,
            created_by=manager,
        )
        _activity(
            partnership,
            "opportunity",
            f"Opportunity added: {title} ({opportunity.get_horizon_display()})",
            manager,
            today - datetime.timedelta(days=30),
            opportunity.get_absolute_url(),
        )
    if partnership.name == IDEA_PARTNERSHIP:
        idea = Thread.objects.filter(partnership=partnership, is_idea=True).first()
        if idea is not None and partnership.stage != Stage.ENDED:
            Opportunity.objects.create(
                partnership=partnership,
                title=idea.title.removeprefix("Idea: ").capitalize(),
                description=idea.body,
                estimated_value=Decimal("40000"),
                horizon=Horizon.NEXT_QUARTER,
                status=OpportunityStatus.EVALUATING,
                owner=manager,
                created_by=manager,
                source_thread=idea,
            )
