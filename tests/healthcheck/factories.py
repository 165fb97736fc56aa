"""Health checks as people make them: opened, answered and closed through the services."""

import datetime

from django.utils import timezone

from healthcheck import services
from healthcheck.models import Area, HealthCheck, Kind, Participant, Side
from partnerships.models import PortalAccess, Stage
from portal import services as portal

from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory, executive, manager


def partner_people(partnership, n: int, *, by=None) -> list:
    """``n`` of the partner's contacts invited to the partnership's portal (their sign-ins)."""
    by = by or partnership.executive_sponsor
    if partnership.organization_id is None:
        partnership.organization = OrganizationFactory()
        partnership.save(update_fields=["organization"])
    users = []
    for _ in range(n):
        contact = ContactFactory(organization=partnership.organization)
        portal.invite(partnership=partnership, by=by, contact=contact)
        contact.refresh_from_db()
        users.append(contact.user)
    return users


def our_people(partnership, n: int) -> list:
    """The sponsor, then managers of the partnership, ``n`` in all."""
    people = [partnership.executive_sponsor]
    while len(people) < n:
        person = manager()
        partnership.managers.add(person)
        people.append(person)
    return people[:n]


def world(n_ours: int = 3, n_theirs: int = 3, **kwargs):
    """A live partnership with ``n_ours`` of ours and ``n_theirs`` partner contacts invited."""
    sponsor = kwargs.pop("sponsor", None) or executive()
    partnership = PartnershipFactory(
        stage=kwargs.pop("stage", Stage.ACTIVE),
        executive_sponsor=sponsor,
        organization=kwargs.pop("organization", None) or OrganizationFactory(),
        **kwargs,
    )
    return partnership, our_people(partnership, n_ours), partner_people(partnership, n_theirs)


def open_check(partnership, ours, theirs, *, by=None, days: int = 14, now=None) -> HealthCheck:
    by = by or ours[0]
    now = now or timezone.now()
    return services.healthcheck_open(
        partnership=partnership,
        by=by,
        closes_on=timezone.localdate(now, by.tzinfo) + datetime.timedelta(days=days),
        ours=ours,
        theirs=theirs,
        now=now,
    )


def answer(check, user, ratings=4, *, comment: str = "", open_text: str = "", now=None):
    """``ratings``: one rating for every statement, or {area: rating}."""
    questions = list(check.questions.all())
    by_area = ratings if isinstance(ratings, dict) else {a: ratings for a in Area.values}
    return services.answers_save(
        check=check,
        by=user,
        ratings={q.pk: by_area.get(q.area, 3) for q in questions if q.kind == Kind.RATING},
        comments={q.pk: comment for q in questions if q.kind == Kind.RATING},
        open_answers={q.pk: open_text for q in questions if q.kind == Kind.OPEN},
        now=now,
    )


def closed_check(partnership, ours, theirs, *, our_ratings=4, their_ratings=3, **kwargs):
    check = open_check(partnership, ours, theirs, **kwargs)
    for person in ours:
        answer(check, person, our_ratings)
    for person in theirs:
        answer(check, person, their_ratings)
    return services.healthcheck_close(check=check, by=check.opened_by)


def ensure_open_check(partnership, *, include=()) -> HealthCheck:
    """The partnership's open check (opened on first use, directly, whatever its stage), with
    everyone of ours who sees it and ``include`` asked: what the walks open their pages with."""
    from healthcheck.models import CheckQuestion, Question

    check = HealthCheck.objects.open().filter(partnership=partnership).first()
    if check is None:
        now = timezone.now()
        today = timezone.localdate(now)
        check = HealthCheck.objects.create(
            partnership=partnership,
            opened_by=partnership.executive_sponsor,
            opened_at=now,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=10),
            closes_at=services.closing_moment(today + datetime.timedelta(days=10), "UTC"),
            min_answers=services.min_answers(),
        )
        for position, q in enumerate(services._ordered(Question.objects.filter(active=True))):
            CheckQuestion.objects.create(
                health_check=check, source=q, kind=q.kind, area=q.area, text=q.text,
                position=position,
            )  # fmt: skip
    people = {u.pk: (u, Side.US) for u in services.our_candidates(partnership)}
    for user in include:
        people[user.pk] = (user, Side.PARTNER if user.is_partner_contact else Side.US)
    for user, side in people.values():
        Participant.objects.get_or_create(health_check=check, user=user, defaults={"side": side})
    return check


def invited_access(partnership):
    return PortalAccess.objects.active().filter(partnership=partnership).first()


def closed_row(partnership, *, ours="4.0", theirs="3.0", area="governance", gap=None,
               closed_at=None, visible=True) -> HealthCheck:  # fmt: skip
    """A closed check with its figures written directly, as the close freezes them: for the
    portfolio's tests, which read only the figures."""
    from decimal import Decimal

    closed_at = closed_at or timezone.now()
    day = timezone.localdate(closed_at)
    HealthCheck.objects.filter(partnership=partnership, latest=True).update(latest=False)
    ours_d = Decimal(ours) if visible else None
    theirs_d = Decimal(theirs)
    widest = abs(Decimal(gap)) if gap is not None else (abs(theirs_d - ours_d) if ours_d else None)
    areas = [
        {"area": a, "label": Area(a).label, "ours": float(ours_d) if ours_d else None,
         "theirs": float(theirs_d), "gap": float(theirs_d - ours_d) if ours_d else None}
        for a in Area.values
    ]  # fmt: skip
    return HealthCheck.objects.create(
        partnership=partnership,
        opened_by=partnership.executive_sponsor,
        opened_at=closed_at - datetime.timedelta(days=14),
        opens_on=day - datetime.timedelta(days=14),
        closes_on=day,
        closes_at=closed_at,
        status="closed",
        closed_at=closed_at,
        closed_because="date",
        our_average=ours_d,
        partner_average=theirs_d,
        widest_gap=widest,
        widest_gap_area=area if widest is not None else "",
        latest=True,
        results=_results(visible, areas, area, widest, ours_d, theirs_d),
    )


def _results(visible, areas, area, widest, ours_d, theirs_d) -> dict:
    return {
        "visible": {"us": visible, "partner": True},
        "areas": areas,
        "widest": [area] if widest is not None else [],
        "counts": {"us": 3, "partner": 3},
        "asked": {"us": 3, "partner": 3},
        "min_answers": 3,
        "statements": [],
        "open_questions": [],
        "overall": {
            "ours": float(ours_d) if ours_d else None,
            "theirs": float(theirs_d),
            "gap": float(theirs_d - ours_d) if ours_d else None,
        },
    }
