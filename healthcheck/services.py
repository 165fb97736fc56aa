"""Rules of the joint health check: opening one, answering it, closing it (by hand or at its
closing date) and acting on its widest gaps. Views, tasks, tests and the demo go through here."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import roles
from accounts.models import User
from communications import services as communications
from partnerships import access
from partnerships.models import Partnership, Stage
from partnerships.services import record_activity
from reminders.models import Reminder
from reminders.models import Status as ReminderStatus
from reminders.services import claim_timeout, zone_of

from .models import (
    AREA_ORDER,
    MAX_OPEN_QUESTIONS,
    Answer,
    Area,
    CheckQuestion,
    ClosedBecause,
    GapAction,
    HealthCheck,
    HealthCheckSettings,
    Kind,
    Participant,
    Question,
    Response,
    Side,
    Status,
)

LIVE = (Stage.ACTIVE, Stage.RENEWING)
MAX_DAYS_OPEN = 90
COMMENT_MAX = 1000
OPEN_ANSWER_MAX = 2000
# Half a point on a five-point scale: a difference worth naming.
NOTABLE_GAP = Decimal("0.5")
ACTION_DAYS_MAX = 366
BALLOT_SALT = "accord.healthcheck.ballot"


class HealthCheckClosed(ValidationError):
    """An answer given, or changed, after the check closed."""


def min_answers() -> int:
    return max(1, int(getattr(settings, "ACCORD_HEALTHCHECK_MIN_ANSWERS", 3)))


def one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Who may take part --------------------------------------------------------------------------------


def our_candidates(partnership: Partnership) -> QuerySet[User]:
    """Our people who see the partnership (its managers and every executive)."""
    return access.people_who_see(partnership).exclude(groups__name=roles.PARTNER_CONTACT)


def partner_candidates(partnership: Partnership) -> QuerySet[User]:
    """The partner's contacts invited to this partnership's portal and not revoked, still with
    the organisation (their sign-in is what answers)."""
    return (
        User.objects.filter(
            is_active=True,
            partner_contact__organization_id=partnership.organization_id,
            partner_contact__left_on__isnull=True,
            partner_contact__portal_accesses__partnership=partnership,
            partner_contact__portal_accesses__revoked_at__isnull=True,
        )
        .select_related("partner_contact")
        .order_by("full_name", "email")
    )


def may_close(user, check: HealthCheck) -> bool:
    """Who opened it, or an executive, when they see the partnership."""
    if not user.is_authenticated or user.is_partner_contact:
        return False
    return (user.pk == check.opened_by_id or user.is_executive) and access.can_see(
        user, check.partnership
    )


def open_problem(partnership: Partnership) -> str:
    """Why a check cannot be opened on the partnership now, in words; empty when it can."""
    if partnership.stage not in LIVE:
        return (
            "A joint health check looks at a partnership under way: open one once it is active "
            f"(it is “{partnership.get_stage_display()}” now)."
        )
    current = HealthCheck.objects.open().filter(partnership=partnership).first()
    if current is not None:
        return (
            f"A health check is already open, until {current.closes_on:%-d %b %Y}: close it "
            "before opening the next one."
        )
    return ""


def closing_moment(closes_on: datetime.date, zone: str) -> datetime.datetime:
    """The end of the closing date (midnight after it) in ``zone``, in UTC."""
    after = datetime.datetime.combine(
        closes_on + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=zone_of(zone)
    )
    return after.astimezone(datetime.UTC)


# Opening ------------------------------------------------------------------------------------------


def _ordered(questions: Iterable[Question]) -> list[Question]:
    return sorted(
        questions,
        key=lambda q: (q.kind == Kind.OPEN, AREA_ORDER.get(q.area, 99), q.position, q.pk),
    )


@transaction.atomic
def healthcheck_open(
    *,
    partnership: Partnership,
    by: User,
    closes_on: datetime.date | None,
    ours: Iterable[User],
    theirs: Iterable[User],
    now: datetime.datetime | None = None,
) -> HealthCheck:
    """Open a check: its participants on both sides, its closing date, the question set of
    today (copied, so later edits to the set leave it as it was asked)."""
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=partnership.pk)
    )
    access.require_visible(by, partnership, "You cannot open a health check on this partnership.")
    if problem := open_problem(partnership):
        raise ValidationError(problem)
    now = now or timezone.now()
    today = timezone.localdate(now, zone_of(by.time_zone))
    errors: dict[str, str] = {}
    latest_close = today + datetime.timedelta(days=MAX_DAYS_OPEN)
    if closes_on is None:
        errors["closes_on"] = "Give the closing date: the last day to answer."
    elif closes_on <= today:
        errors["closes_on"] = (
            "Choose a closing date in the future: answers are taken until the end of that day."
        )
    elif closes_on > latest_close:
        errors["closes_on"] = (
            f"A health check runs for at most {MAX_DAYS_OPEN} days: choose a closing date by "
            f"{latest_close:%-d %b %Y}."
        )
    ours = list({u.pk: u for u in ours}.values())
    theirs = list({u.pk: u for u in theirs}.values())
    needed = min_answers()
    allowed_ours = set(our_candidates(partnership).values_list("pk", flat=True))
    allowed_theirs = set(partner_candidates(partnership).values_list("pk", flat=True))
    partner = partnership.organization.name if partnership.organization else "the partner"
    if any(u.pk not in allowed_ours for u in ours):
        errors["ours"] = "Choose people of ours who see this partnership."
    elif len(ours) < needed:
        errors["ours"] = (
            f"Ask at least {needed} of our people: each side's answers show only once {needed} "
            "of them have answered, so nobody's can be told apart."
        )
    if any(u.pk not in allowed_theirs for u in theirs):
        errors["theirs"] = f"Choose people of {partner} invited to this partnership's portal."
    elif len(theirs) < needed:
        errors["theirs"] = (
            f"Ask at least {needed} of {partner}'s people: their answers show only once {needed} "
            "of them have answered. Invite more of them from the Partner's people tab."
        )
    questions = _ordered(Question.objects.filter(active=True))
    # A set saved before the limit held everywhere (the admin changelist let a third through)
    # may still have more: a check asks the first ones only.
    open_ones = [q for q in questions if q.kind == Kind.OPEN]
    questions = [q for q in questions if q.kind == Kind.RATING] + open_ones[:MAX_OPEN_QUESTIONS]
    if not any(q.kind == Kind.RATING for q in questions):
        raise ValidationError(
            "The question set has no active statement: an administrator adds them in admin "
            "(Joint health checks → Questions)."
        )
    if errors:
        raise ValidationError(errors)
    check = HealthCheck.objects.create(
        partnership=partnership,
        opened_by=by,
        opened_at=now,
        opens_on=today,
        closes_on=closes_on,
        closes_at=closing_moment(closes_on, by.time_zone),
        min_answers=needed,
    )
    CheckQuestion.objects.bulk_create(
        CheckQuestion(
            health_check=check,
            source=q,
            kind=q.kind,
            area=q.area,
            text=q.text,
            position=position,
        )
        for position, q in enumerate(questions, start=1)
    )
    Participant.objects.bulk_create(
        [Participant(health_check=check, user=u, side=Side.US) for u in ours]
        + [Participant(health_check=check, user=u, side=Side.PARTNER) for u in theirs]
    )
    # The next one is under way: the last one's due date is met.
    HealthCheck.objects.filter(partnership=partnership).exclude(pk=check.pk).update(
        next_due_on=None
    )
    record_activity(
        partnership=partnership,
        kind="health_check",
        summary=f"Joint health check opened by {by}: {len(ours)} of ours and {len(theirs)} of "
        f"{partner} asked, answers until {closes_on:%-d %b %Y}",
        actor=by,
        url=check.get_absolute_url(),
    )
    return check


# Answering ----------------------------------------------------------------------------------------


def ballot(check_pk: int, user_pk: int, secret: str | bytes | None = None) -> str:
    """The key of a person's answer set: recomputable from the check and the person by the server
    alone (it needs the secret key), never stored with the person."""
    return salted_hmac(
        BALLOT_SALT,
        f"{check_pk}:{user_pk}",
        secret=secret if secret is not None else settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def _ballots(check_pk: int, user_pk: int) -> list[str]:
    """The current ballot first, then those of retired secret keys (SECRET_KEY_FALLBACKS), so a
    key rotation leaves everyone's answers theirs to change."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [ballot(check_pk, user_pk, secret) for secret in secrets]


def _response_of(check: HealthCheck, user: User) -> Response | None:
    ballots = _ballots(check.pk, user.pk)
    found = {r.ballot: r for r in Response.objects.filter(health_check=check, ballot__in=ballots)}
    return next((found[b] for b in ballots if b in found), None)


def answers_of(check: HealthCheck, user: User) -> dict[int, Answer]:
    """The person's own answers, by question, to fill their form again (two queries)."""
    response = _response_of(check, user)
    if response is None:
        return {}
    return {a.question_id: a for a in Answer.objects.filter(response=response)}


def refuse_if_closed(check: HealthCheck, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if check.is_closed or now >= check.closes_at:
        # Closed early, it says so and from when, not the closing date it was opened with.
        when = check.how_it_closed() or (
            f"This health check closed at the end of {check.closes_on:%-d %b %Y}."
        )
        raise HealthCheckClosed(
            f"{when} Answers can no longer be given or changed. Its results are on its page."
        )
    if check.partnership.stage == Stage.ENDED:
        raise HealthCheckClosed("The partnership has ended: this health check takes no answers.")


@transaction.atomic
def answers_save(
    *,
    check: HealthCheck,
    by: User,
    ratings: dict[int, int | None],
    comments: dict[int, str] | None = None,
    open_answers: dict[int, str] | None = None,
    now: datetime.datetime | None = None,
) -> Response:
    """A participant's answers, given or changed until the close. Nothing but their own set
    changes; it names their side, not them."""
    comments, open_answers = comments or {}, open_answers or {}
    # The check's row first: a close waits for answers in flight, and an answer after it sees it.
    check = (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=check.pk)
    )
    participant = (
        Participant.objects.select_for_update().filter(health_check=check, user=by).first()
    )
    if participant is None:
        raise PermissionDenied("You are not asked to answer this health check.")
    refuse_if_closed(check, now)
    now = now or timezone.now()
    questions = list(check.questions.all())
    errors: dict[str, str] = {}
    rows: list[tuple[CheckQuestion, int | None, str]] = []
    for q in questions:
        if q.kind == Kind.RATING:
            rating = ratings.get(q.pk)
            if rating not in (1, 2, 3, 4, 5):
                errors[f"rating_{q.pk}"] = "Choose how far you agree, from 1 to 5."
            comment = (comments.get(q.pk) or "").strip()
            if len(comment) > COMMENT_MAX:
                errors[f"comment_{q.pk}"] = f"Keep the comment to {COMMENT_MAX} characters."
            rows.append((q, rating, comment))
        else:
            text = (open_answers.get(q.pk) or "").strip()
            if len(text) > OPEN_ANSWER_MAX:
                errors[f"open_{q.pk}"] = f"Keep the answer to {OPEN_ANSWER_MAX} characters."
            if text:
                rows.append((q, None, text))
    if errors:
        raise ValidationError(errors)
    current = ballot(check.pk, by.pk)
    response = _response_of(check, by)
    if response is None:
        response = Response.objects.create(
            health_check=check, side=participant.side, ballot=current
        )
    else:
        if response.ballot != current:
            Response.objects.filter(pk=response.pk).update(ballot=current)
        Answer.objects.filter(response=response).delete()
    Answer.objects.bulk_create(
        Answer(response=response, question=q, rating=rating, comment=text)
        for q, rating, text in rows
    )
    if participant.answered_at is None:
        participant.answered_at = now
        participant.save(update_fields=["answered_at"])
    return response


# Closing ------------------------------------------------------------------------------------------


def compute_results(check: HealthCheck) -> dict:
    """The check's figures, from its answers (three queries). A side with fewer answers than
    ``min_answers`` has no figure at all here, so nothing downstream can show it."""
    counts = dict(
        Response.objects.filter(health_check=check)
        .order_by()
        .values_list("side")
        .annotate(n=Count("pk"))
    )
    asked = dict(
        Participant.objects.filter(health_check=check)
        .order_by()
        .values_list("side")
        .annotate(n=Count("pk"))
    )
    visible = {side: counts.get(side, 0) >= check.min_answers for side in Side.values}
    sums = (
        Answer.objects.filter(response__health_check=check, rating__isnull=False)
        .order_by()
        .values_list("question_id", "response__side")
        .annotate(total=Sum("rating"), n=Count("pk"))
    )
    by_question: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for question_id, side, total, n in sums:
        by_question[question_id][side] = (total, n)

    def mean(pairs: list[tuple[int, int]]) -> Decimal | None:
        n = sum(p[1] for p in pairs)
        return one_decimal(Decimal(sum(p[0] for p in pairs)) / n) if n else None

    def figure(side: str, pairs: list[tuple[int, int]]) -> Decimal | None:
        return mean(pairs) if visible[side] else None

    statements, open_questions = [], []
    area_pairs: dict[str, dict[str, list]] = {a: {s: [] for s in Side.values} for a in Area.values}
    for q in check.questions.order_by("position", "pk"):
        if q.kind == Kind.OPEN:
            open_questions.append({"id": q.pk, "text": q.text})
            continue
        sides = by_question.get(q.pk, {})
        for side in Side.values:
            if side in sides:
                area_pairs[q.area][side].append(sides[side])
        statements.append(
            {
                "id": q.pk,
                "area": q.area,
                "text": q.text,
                "ours": _num(figure(Side.US, [sides[Side.US]] if Side.US in sides else [])),
                "theirs": _num(
                    figure(Side.PARTNER, [sides[Side.PARTNER]] if Side.PARTNER in sides else [])
                ),
            }
        )
    areas = []
    for area in Area:
        pairs = area_pairs[area.value]
        if not any(s["area"] == area.value for s in statements):
            continue
        ours, theirs = figure(Side.US, pairs[Side.US]), figure(Side.PARTNER, pairs[Side.PARTNER])
        gap = theirs - ours if ours is not None and theirs is not None else None
        areas.append(
            {
                "area": area.value,
                "label": area.label,
                "ours": _num(ours),
                "theirs": _num(theirs),
                "gap": _num(gap),
            }
        )
    our_overall = _overall([a["ours"] for a in areas])
    their_overall = _overall([a["theirs"] for a in areas])
    widest = sorted(
        (a for a in areas if a["gap"] is not None),
        key=lambda a: (-abs(a["gap"]), AREA_ORDER[a["area"]]),
    )
    return {
        "counts": {side: counts.get(side, 0) for side in Side.values},
        "asked": {side: asked.get(side, 0) for side in Side.values},
        "visible": visible,
        "min_answers": check.min_answers,
        "areas": areas,
        "statements": statements,
        "open_questions": open_questions,
        "overall": {
            "ours": _num(our_overall),
            "theirs": _num(their_overall),
            "gap": _num(
                their_overall - our_overall
                if our_overall is not None and their_overall is not None
                else None
            ),
        },
        "widest": [a["area"] for a in widest],
    }


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _overall(values: list[float | None]) -> Decimal | None:
    """The mean of the areas' averages: each area counts the same, whatever its statements."""
    present = [Decimal(str(v)) for v in values if v is not None]
    return one_decimal(sum(present) / len(present)) if present else None


def _due_after(check: HealthCheck, cadence) -> datetime.date | None:
    if cadence is None or check.closed_at is None:
        return None
    closed_on = min(check.closes_on, timezone.localdate(check.closed_at))
    return cadence.next_due(closed_on)


@transaction.atomic
def healthcheck_close(
    *, check: HealthCheck, by: User | None = None, now: datetime.datetime | None = None
) -> HealthCheck:
    """Close a check, by hand (``by``: who opened it, or an executive) or at its closing date
    (``by=None``), and freeze its results. Closing a closed check closes nothing twice."""
    check = (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("partnership__organization", "opened_by")
        .get(pk=check.pk)
    )
    if by is not None and not may_close(by, check):
        raise PermissionDenied("Only who opened this health check, or an executive, can close it.")
    if check.is_closed:
        if by is not None:
            raise ValidationError("This health check is already closed.")
        return check
    now = now or timezone.now()
    results = compute_results(check)
    by_area = {a["area"]: a for a in results["areas"]}
    widest = by_area[results["widest"][0]] if results["widest"] else None
    check.results = results
    check.our_average = one_decimal(results["overall"]["ours"])
    check.partner_average = one_decimal(results["overall"]["theirs"])
    check.widest_gap = one_decimal(abs(widest["gap"])) if widest else None
    check.widest_gap_area = widest["area"] if widest else ""
    check.status = Status.CLOSED
    check.closed_at = now
    check.closed_by = by
    if now >= check.closes_at:
        check.closed_because = ClosedBecause.DATE  # whoever pressed Close now after it
    elif by is not None:
        check.closed_because = ClosedBecause.BY_HAND
    else:
        check.closed_because = ClosedBecause.ENDED  # close_due closes nothing else early
    HealthCheck.objects.filter(partnership_id=check.partnership_id, latest=True).update(
        latest=False, next_due_on=None
    )
    check.latest = True
    check.next_due_on = _due_after(check, HealthCheckSettings.load().cadence)
    check.save()
    _keep_answer_reminders_from_mail(check)
    record_activity(
        partnership=check.partnership,
        kind="health_check",
        summary=f"Joint health check closed {CLOSED_HOW[check.closed_because](by)}: "
        + closing_summary(check),
        actor=by,
        url=check.get_absolute_url(),
    )
    return check


def _keep_answer_reminders_from_mail(check: HealthCheck) -> int:
    """Its answer reminders still waiting in the outbox (the mail server down and retried, the
    workers away) would e-mail "closes in 3 days" about a check that has closed, early or not.
    They stay in the bell as what was said then, unsent. A row a live worker holds is left to
    it: the e-mail may be on its way already."""
    return (
        Reminder.objects.filter(
            kind__startswith="healthcheck.",
            subject_key=f"healthcheck:{check.pk}:answer",
            status=ReminderStatus.PENDING,
        )
        # Claims are stamped with the clock, whatever moment the close is told it is.
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - claim_timeout()))
        .update(status=ReminderStatus.IN_APP, claimed_at=None)
    )


CLOSED_HOW = {
    ClosedBecause.BY_HAND: lambda by: f"early by {by}",
    ClosedBecause.DATE: lambda by: "at its closing date",
    ClosedBecause.ENDED: lambda by: "as the partnership ended",
}


def closing_summary(check: HealthCheck) -> str:
    results = check.results
    if not results.get("visible", {}).get(Side.PARTNER) or not results.get("visible", {}).get(
        Side.US
    ):
        return "too few answers on one side to compare"
    text = f"the partner {check.partner_average}/5, us {check.our_average}/5"
    if check.widest_gap_area and check.widest_gap is not None and check.widest_gap >= NOTABLE_GAP:
        text += f"; widest gap in {Area(check.widest_gap_area).label.lower()} ({check.widest_gap})"
    return text


def close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open check whose closing date has ended, or whose partnership has; each in
    its own transaction, so one that fails leaves the others closed."""
    now = now or timezone.now()
    ids = list(
        HealthCheck.objects.open()
        .filter(Q(closes_at__lte=now) | Q(partnership__stage=Stage.ENDED))
        .order_by("closes_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        healthcheck_close(check=HealthCheck(pk=pk), now=now)
    return len(ids)


def close_if_due(check: HealthCheck) -> HealthCheck:
    """What a page does before it shows an open check past its closing time: closes it, rather
    than wait for the next beat."""
    if check.is_open and (
        timezone.now() >= check.closes_at or check.partnership.stage == Stage.ENDED
    ):
        closed = healthcheck_close(check=check)
        check.refresh_from_db()
        return closed
    return check


def due_dates_basis(cadence) -> str:
    if cadence is None:
        return "none"
    return f"{cadence.pk}:{cadence.frequency}:{cadence.interval_weeks or ''}"


def sync_due_dates(row: HealthCheckSettings | None = None) -> int:
    """Recompute the stored due dates after an administrator changed the cadence (its row, or
    which one applies); a no-op (one query) otherwise. The sweep calls it first."""
    row = row or HealthCheckSettings.load()
    basis = due_dates_basis(row.cadence)
    if row.due_dates_basis == basis:
        return 0
    changed = 0
    with transaction.atomic():
        superseded = HealthCheck.objects.open().values("partnership_id")
        latest = HealthCheck.objects.filter(latest=True).exclude(partnership_id__in=superseded)
        for check in latest.only("pk", "closes_on", "closed_at", "next_due_on"):
            due = _due_after(check, row.cadence)
            if due != check.next_due_on:
                HealthCheck.objects.filter(pk=check.pk).update(next_due_on=due)
                changed += 1
        HealthCheckSettings.objects.filter(pk=row.pk).update(due_dates_basis=basis)
        row.due_dates_basis = basis
    return changed


# Acting on the gaps -------------------------------------------------------------------------------


def actionable_gaps(check: HealthCheck) -> list[dict]:
    """The areas of a closed check with a gap worth an action item (half a point or more),
    widest first."""
    if not check.is_closed:
        return []
    by_area = {a["area"]: a for a in check.results.get("areas", [])}
    return [
        by_area[area]
        for area in check.results.get("widest", [])
        if by_area[area]["gap"] is not None
        and abs(Decimal(str(by_area[area]["gap"]))) >= NOTABLE_GAP
    ]


def gap_title(partnership: Partnership, gap: dict) -> str:
    partner = partnership.organization.name if partnership.organization else "The partner"
    theirs, ours = Decimal(str(gap["theirs"])), Decimal(str(gap["ours"]))
    return (
        f"Close the perception gap on {gap['label'].lower()}: {partner} rates it {theirs}/5, "
        f"we rate it {ours}/5"
    )[:200]


@transaction.atomic
def gap_actions_create(
    *,
    check: HealthCheck,
    by: User,
    areas: Iterable[str],
    owner: User | None,
    due_on: datetime.date | None,
) -> list[GapAction]:
    """An action item (through the communication step's service) for each chosen area's gap, at
    most one per area and check."""
    check = (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("partnership__organization")
        .get(pk=check.pk)
    )
    if not may_close(by, check):
        raise PermissionDenied("Only who opened this health check, or an executive, can do this.")
    if not check.is_closed:
        raise ValidationError("Close the health check first: its gaps are known once it closes.")
    gaps = {g["area"]: g for g in actionable_gaps(check)}
    areas = list(dict.fromkeys(areas))
    errors: dict[str, str] = {}
    if not areas:
        errors["areas"] = "Tick at least one area to act on."
    elif any(a not in gaps for a in areas):
        errors["areas"] = "Choose among the areas with a gap of half a point or more."
    done = set(GapAction.objects.filter(health_check=check).values_list("area", flat=True))
    if not errors and set(areas) & done:
        names = ", ".join(Area(a).label for a in areas if a in done)
        errors["areas"] = f"An action item is already open for {names}."
    today = timezone.localdate()
    if due_on is None:
        errors["due_on"] = "Give the action items a due date."
    elif due_on < today or due_on > today + datetime.timedelta(days=ACTION_DAYS_MAX):
        errors["due_on"] = "Choose a due date from today to a year ahead."
    if owner is None:
        errors["owner"] = "Say who of ours owns them."
    if errors:
        raise ValidationError(errors)
    made = []
    for area in areas:
        item = communications.action_create(
            partnership=check.partnership,
            by=by,
            title=gap_title(check.partnership, gaps[area]),
            owner=owner,
            due_on=due_on,
        )
        made.append(
            GapAction.objects.create(health_check=check, area=area, action_item=item, created_by=by)
        )
    return made
