"""Demo health checks on the partnership the portal's demo invited the partner to: more of the
partner's people joined, one check closed two months ago with both sides' answers (the partner
sees governance far less well than we do), and one open now that some have answered. Idempotent:
an installation with any health check is left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from partnerships.models import Activity, Contact, PortalAccess
from portal import services as portal

from . import services
from .models import HealthCheck, Kind

MORE_CONTACTS = [
    # name, job title, local part of the e-mail
    ("Dana Kim", "Partner Marketing Manager", "d.kim"),
    ("Owen Clarke", "Cloud Operations Lead", "o.clarke"),
]

# Per person: area ratings, a comment on the first statement of some areas, and the answers to
# the two open questions (what to change, what to keep).
OURS = [
    ({"strategic": 5, "operational": 4, "relationship": 4, "governance": 5},
     {"governance": "The QBRs run like clockwork."},
     ("A joint pipeline review every month.", "The QBR format: short, with decisions.")),
    ({"strategic": 4, "operational": 4, "relationship": 4, "governance": 4},
     {"operational": "Hand-overs to their support desk still lose tickets."},
     ("One owner for escalations on each side.",
      "Co-selling in the two new regions is going well.")),
    ({"strategic": 4, "operational": 3, "relationship": 5, "governance": 4},
     {}, ("", "The weekly stand-up with their alliance team.")),
]  # fmt: skip
THEIRS = [
    ({"strategic": 4, "operational": 4, "relationship": 4, "governance": 2},
     {"governance": "Decisions about the marketplace listing are taken without us."},
     ("A say in the roadmap items that touch the marketplace.",
      "Quick answers from the co-sell team.")),
    ({"strategic": 5, "operational": 3, "relationship": 4, "governance": 3},
     {"operational": "Escalations take a week to reach the right person."},
     ("An escalation path that takes days, not a week.",
      "The joint webinars bring real leads.")),
    ({"strategic": 4, "operational": 4, "relationship": 3, "governance": 2},
     {"governance": "We only hear of changes to the agreement at the review."},
     ("Tell us earlier when priorities change.", "")),
]  # fmt: skip


def seed(stdout) -> None:
    if HealthCheck.objects.exists():
        return
    joined = (
        PortalAccess.objects.active()
        .filter(joined_at__isnull=False, partnership__stage__in=services.LIVE)
        .select_related("partnership__organization", "partnership__executive_sponsor")
        .order_by("pk")
        .first()
    )
    manager = User.objects.filter(email="manager@accord.example").first()
    colleague = User.objects.filter(email="jordan@accord.example").first()
    if joined is None or manager is None:
        return
    partnership = joined.partnership
    with transaction.atomic():
        theirs = _partner_people(partnership, manager)
        if colleague is not None:
            # A tier-1 partnership run by two managers: three of ours to ask.
            partnership.managers.add(colleague)
        ours = list(services.our_candidates(partnership))
        needed = services.min_answers()
        if len(ours) < needed or len(theirs) < needed:
            return
        closed = _closed_check(partnership, manager, ours, theirs)
        current = _open_check(partnership, manager, ours, theirs, waiting=joined.contact.user)
    stdout.write(
        f"Demo health checks on {partnership.name}: one closed {closed.closed_on:%-d %b} "
        f"(widest gap: {closed.get_widest_gap_area_display().lower()}), one open until "
        f"{current.closes_on:%-d %b}."
    )


def _partner_people(partnership, manager) -> list[User]:
    """The partner's contacts on the portal, a few more of them joined."""
    organization = partnership.organization
    domain = (
        Contact.objects.filter(organization=organization)
        .exclude(email="")
        .values_list("email", flat=True)
        .first()
        or "partner.example"
    ).rsplit("@", 1)[-1]
    now = timezone.now()
    for name, title, local in MORE_CONTACTS:
        email = f"{local}@{domain}"
        contact = Contact.objects.filter(organization=organization, email=email).first()
        if contact is None:
            contact = Contact.objects.create(
                organization=organization, name=name, title=title, email=email
            )
        if not PortalAccess.objects.filter(partnership=partnership, contact=contact).exists():
            access = portal.invite(partnership=partnership, by=manager, contact=contact)
            PortalAccess.objects.filter(pk=access.pk).update(
                joined_at=now - datetime.timedelta(days=70), last_seen_at=now
            )
    people = services.partner_candidates(partnership)
    joined = [u for u in people if u.partner_contact.portal_accesses.filter(
        partnership=partnership, joined_at__isnull=False).exists()]  # fmt: skip
    # Those who joined first, then anyone invited.
    return joined + [u for u in people if u not in joined]


def _answer(check, user, ratings: dict, comments: dict, open_text: tuple, now) -> None:
    questions = list(check.questions.all())
    first_of_area = {}
    for q in questions:
        if q.kind == Kind.RATING:
            first_of_area.setdefault(q.area, q.pk)
    services.answers_save(
        check=check,
        by=user,
        ratings={q.pk: ratings[q.area] for q in questions if q.kind == Kind.RATING},
        comments={first_of_area[area]: text for area, text in comments.items()},
        # The first open question asks what to change, the second what to keep.
        open_answers=dict(
            zip(
                [q.pk for q in questions if q.kind == Kind.OPEN],
                open_text,
                strict=False,
            )
        ),
        now=now,
    )


def _closed_check(partnership, manager, ours, theirs) -> HealthCheck:
    opened = timezone.now() - datetime.timedelta(days=75)
    check = services.healthcheck_open(
        partnership=partnership,
        by=manager,
        closes_on=timezone.localdate(opened) + datetime.timedelta(days=14),
        ours=ours,
        theirs=theirs,
        now=opened,
    )
    later = opened + datetime.timedelta(days=3)
    for person, (ratings, comments, text) in zip(ours, OURS, strict=False):
        _answer(check, person, ratings, comments, text, later)
    for person, (ratings, comments, text) in zip(theirs, THEIRS, strict=False):
        _answer(check, person, ratings, comments, text, later)
    closed = services.healthcheck_close(check=check, now=check.closes_at)
    _backdate(partnership, check, opened, check.closes_at)
    return closed


def _open_check(partnership, manager, ours, theirs, *, waiting) -> HealthCheck:
    opened = timezone.now() - datetime.timedelta(days=5)
    check = services.healthcheck_open(
        partnership=partnership,
        by=manager,
        closes_on=timezone.localdate() + datetime.timedelta(days=9),
        ours=ours,
        theirs=theirs,
        now=opened,
    )
    # The sponsor and one of the partner's people have answered; the manager (the demo's Sam)
    # and the partner contact who joined first (``waiting``) are still to.
    sponsor = partnership.executive_sponsor
    partner = [u for u in theirs if u.pk != waiting.pk and u in theirs[:3]][:1]
    answered = [u for u in ours if u.pk == sponsor.pk][:1] + partner
    for person in answered:
        _answer(
            check,
            person,
            {"strategic": 4, "operational": 4, "relationship": 4, "governance": 3},
            {},
            ("", ""),
            opened + datetime.timedelta(days=1),
        )
    _backdate(partnership, check, opened, None)
    return check


def _backdate(partnership, check, opened, closed) -> None:
    """The timeline shows when it really happened."""
    rows = Activity.objects.filter(
        partnership=partnership, kind="health_check", url=check.get_absolute_url()
    )
    rows.filter(summary__startswith="Joint health check opened").update(at=opened)
    if closed is not None:
        rows.filter(summary__startswith="Joint health check closed").update(at=closed)
