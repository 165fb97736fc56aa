"""Rules that change KPIs, measurements, reviews and decisions. Views, seed data and tests all go
through here."""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from accord_csv import restore
from communications import services as communications
from objectives import services as objectives
from objectives.models import Objective
from partnerships import access
from partnerships.models import Contact, Partnership, Stage
from partnerships.services import record_activity
from reminders.models import Cadence
from reminders.models import Frequency as CadenceFrequency
from webhooks import events as webhooks

from .models import KPI, Decision, DecisionKind, Kind, Measurement, Review, Snapshot
from .selectors import with_latest

KPI_FIELDS = frozenset(
    {"objective", "name", "unit", "direction", "baseline", "target", "red_flag", "frequency",
     "owner", "shared"}
)  # fmt: skip


def _refuse_if_ended(partnership: Partnership) -> None:
    if partnership.stage == Stage.ENDED:
        raise ValidationError("This partnership has ended: its KPIs and reviews are a record now.")


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - KPI_FIELDS
    if unknown:
        raise TypeError(f"Unknown KPI fields: {', '.join(sorted(unknown))}")


def _check_owner(kpi: KPI) -> None:
    if kpi.owner is not None and not access.can_see(kpi.owner, kpi.partnership):
        raise ValidationError(
            {"owner": f"{kpi.owner} cannot see this partnership, so cannot own its KPIs."}
        )


# KPIs --------------------------------------------------------------------------------------------


@transaction.atomic
def kpi_create(*, partnership: Partnership, by, **fields) -> KPI:
    _refuse_if_ended(partnership)
    _check_fields(fields)
    kpi = KPI(partnership=partnership, **fields)
    kpi.name = (kpi.name or "").strip()
    kpi.full_clean()
    _check_owner(kpi)
    kpi.save()
    record_activity(
        partnership=partnership,
        kind="kpi",
        summary=f"KPI added: {kpi.name}",
        actor=by,
        url=kpi.get_absolute_url(),
    )
    return kpi


@transaction.atomic
def kpi_update(*, kpi: KPI, by, **fields) -> KPI:
    _refuse_if_ended(kpi.partnership)
    _check_fields(fields)
    for name, value in fields.items():
        setattr(kpi, name, value)
    kpi.name = (kpi.name or "").strip()
    kpi.full_clean()
    _check_owner(kpi)
    kpi.save()
    record_activity(
        partnership=kpi.partnership,
        kind="kpi",
        summary=f"KPI edited: {kpi.name}",
        actor=by,
        url=kpi.get_absolute_url(),
    )
    return kpi


@transaction.atomic
def kpi_set_shared(*, kpi: KPI, by, shared: bool) -> KPI:
    """Show the KPI, with its trend, to the partner's people in their portal, or stop."""
    _refuse_if_ended(kpi.partnership)
    access.require_visible(by, kpi.partnership, "You cannot change this partnership's KPIs.")
    if kpi.shared != shared:
        kpi.shared = shared
        kpi.save(update_fields=["shared", "updated_at"])
        record_activity(
            partnership=kpi.partnership,
            kind="kpi",
            summary=f"KPI {'shared with' if shared else 'no longer shared with'} the partner: "
            f"{kpi.name}",
            actor=by,
            url=kpi.get_absolute_url(),
        )
    return kpi


@transaction.atomic
def kpi_delete(*, kpi: KPI, by) -> None:
    """Remove a KPI and its measurements; reviews already held keep their snapshot of it."""
    _refuse_if_ended(kpi.partnership)
    partnership, name = kpi.partnership, kpi.name
    kpi.delete()
    record_activity(partnership=partnership, kind="kpi", summary=f"KPI removed: {name}", actor=by)


# Measurements ------------------------------------------------------------------------------------


def _check_period(kpi: KPI, period: datetime.date, today: datetime.date) -> datetime.date:
    start = kpi.normalise(period)
    if start > today:
        raise ValidationError(
            {"period": f"{kpi.period_label(start)} has not started yet: record it once it has."}
        )
    return start


def _taken(kpi: KPI, start: datetime.date) -> ValidationError:
    return ValidationError(
        {
            "period": f"“{kpi.name}” already has a measurement for {kpi.period_label(start)}: "
            "edit that one instead."
        }
    )


@transaction.atomic
def measurement_record(
    *, kpi: KPI, by, period: datetime.date, value: Decimal, note: str = ""
) -> Measurement:
    """Record the KPI's value for the period `period` falls in (stored as the period's start)."""
    _refuse_if_ended(kpi.partnership)
    start = _check_period(kpi, period, timezone.localdate())
    # Lock the KPI so two people recording the same period at once get the clear message, not
    # an IntegrityError from the unique constraint.
    KPI.objects.select_for_update().filter(pk=kpi.pk).first()
    if Measurement.objects.filter(kpi=kpi, period=start).exists():
        raise _taken(kpi, start)
    measurement = Measurement(
        kpi=kpi, period=start, value=value, note=(note or "").strip(), recorded_by=by
    )
    measurement.full_clean()
    measurement.save()
    reading = kpi.read(measurement.value, start)
    record_activity(
        partnership=kpi.partnership,
        kind="measurement",
        summary=f"{kpi.name}, {kpi.period_label(start)}: {_plain(measurement.value)} {kpi.unit} "
        f"({reading.attainment.normalize():f} % of target, {reading.status_label.lower()})",
        actor=by,
        url=kpi.get_absolute_url(),
    )
    return measurement


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, by, value: Decimal, note: str = ""
) -> Measurement:
    kpi = measurement.kpi
    _refuse_if_ended(kpi.partnership)
    before = measurement.value
    measurement.value = value
    measurement.note = (note or "").strip()
    measurement.full_clean()
    measurement.save(update_fields=["value", "note"])
    if before != measurement.value:
        record_activity(
            partnership=kpi.partnership,
            kind="measurement",
            summary=f"{kpi.name}, {kpi.period_label(measurement.period)}: corrected from "
            f"{_plain(before)} to {_plain(measurement.value)} {kpi.unit}",
            actor=by,
            url=kpi.get_absolute_url(),
        )
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by) -> None:
    kpi = measurement.kpi
    _refuse_if_ended(kpi.partnership)
    label = kpi.period_label(measurement.period)
    measurement.delete()
    record_activity(
        partnership=kpi.partnership,
        kind="measurement",
        summary=f"{kpi.name}: measurement of {label} removed",
        actor=by,
        url=kpi.get_absolute_url(),
    )


def _plain(value: Decimal) -> str:
    return f"{Decimal(value).normalize():,f}"


# CSV import --------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("kpi", "period", "value")
OPTIONAL_COLUMNS = ("note",)
MAX_IMPORT_ROWS = 10_000
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        where = f"Line {self.line}, column “{self.column}”" if self.column else f"Line {self.line}"
        return f"{where}: {self.message}"


class ImportRefused(ValidationError):
    """Nothing was imported; ``errors`` says why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:(\d{4})-?Q([1-4])|Q([1-4])[ -]?(\d{4}))$", re.IGNORECASE)


def parse_period(text: str) -> datetime.date:
    """2026-03-17, 2026-03 or 2026-Q1 (also Q1 2026)."""
    text = text.strip()
    if match := _QUARTER.match(text):
        year, quarter = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
        return datetime.date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return datetime.date(year, month, 1)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"“{text}” is not a period: write a date such as 2026-03-01, a month such as 2026-03 "
            "or a quarter such as 2026-Q1."
        ) from None


def parse_value(text: str) -> Decimal:
    cleaned = text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or "e" in cleaned.lower():
        raise ValueError(
            f"“{text}” is not a number: write digits with a dot for decimals, such as 97.5, "
            "without thousands separators or units."
        )
    return value


def _read_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused([RowError(0, "", "The file is larger than 2 MB: split it up.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [RowError(0, "", "The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if not header:
                header = [c.strip().lower() for c in cells]
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        message = f"This line cannot be read: {exc}."
        raise ImportRefused([RowError(reader.line_num, "", message)]) from None
    if not header:
        raise ImportRefused([RowError(0, "", "The file is empty.")])
    return header, rows


def parse_measurements(
    *, partnership: Partnership, data: bytes, today: datetime.date | None = None
) -> list[Measurement]:
    """Read and check a CSV of measurements (columns KPI, Period, Value and optionally Note; any
    other column is ignored, and so is a row with neither period nor value, so an export can be
    imported back: its byte order mark is skipped, and the quote it puts before text starting
    with =, +, -, @, tab or carriage return is taken off again). Every row is checked; if any
    fails, ImportRefused lists every failing row by line and column. Nothing is saved here."""
    today = today or timezone.localdate()
    header, rows = _read_rows(data)
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        names = ", ".join(f"“{c.capitalize() if c != 'kpi' else 'KPI'}”" for c in missing)
        raise ImportRefused(
            [RowError(1, "", f"The header row lacks {names}. Columns: KPI, Period, Value, Note.")]
        )
    if not rows:
        raise ImportRefused([RowError(0, "", "The file has a header but no measurements.")])
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused(
            [RowError(0, "", f"The file has {len(rows):,} rows; import at most 10,000 at a time.")]
        )
    position = {name: header.index(name) for name in (*IMPORT_COLUMNS, *OPTIONAL_COLUMNS)
                if name in header}  # fmt: skip
    kpis = {k.name.lower(): k for k in KPI.objects.filter(partnership=partnership)}
    errors: list[RowError] = []
    parsed: list[tuple[int, KPI, datetime.date, Decimal, str]] = []

    def cell(cells: list[str], name: str) -> str:
        index = position.get(name)
        if index is None or index >= len(cells):
            return ""
        return restore(cells[index].strip())  # without the quote our export puts before "=…"

    for line, cells in rows:
        if not cell(cells, "period") and not cell(cells, "value"):
            continue  # a KPI listed without measurements, as the export writes it
        row_errors = len(errors)
        name = cell(cells, "kpi")
        kpi = kpis.get(name.lower())
        if not name:
            errors.append(RowError(line, "KPI", "Name the KPI."))
        elif kpi is None:
            errors.append(RowError(line, "KPI", f"This partnership has no KPI called “{name}”."))
        start = None
        raw_period = cell(cells, "period")
        if not raw_period:
            errors.append(RowError(line, "Period", "Give the period."))
        else:
            try:
                day = parse_period(raw_period)
            except ValueError as exc:
                errors.append(RowError(line, "Period", str(exc)))
            else:
                if kpi is not None:
                    start = kpi.normalise(day)
                    if start > today:
                        errors.append(
                            RowError(line, "Period", f"{kpi.period_label(start)} has not started.")
                        )
        value = None
        raw_value = cell(cells, "value")
        if not raw_value:
            errors.append(RowError(line, "Value", "Give the value."))
        else:
            try:
                value = parse_value(raw_value)
            except ValueError as exc:
                errors.append(RowError(line, "Value", str(exc)))
        note = cell(cells, "note")
        if value is not None:
            try:
                Measurement(value=value, note=note).clean_fields(
                    exclude=["kpi", "period", "recorded_by"]
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.extend(RowError(line, field.capitalize(), m) for m in messages)
        if len(errors) == row_errors and kpi is not None and start is not None:
            parsed.append((line, kpi, start, value, note))

    if not parsed and not errors:
        raise ImportRefused([RowError(0, "", "The file has a header but no measurements.")])
    seen: dict[tuple[int, datetime.date], int] = {}
    for line, kpi, start, _, _ in parsed:
        if (kpi.pk, start) in seen:
            errors.append(
                RowError(
                    line,
                    "Period",
                    f"A second value for “{kpi.name}”, {kpi.period_label(start)} "
                    f"(line {seen[(kpi.pk, start)]} has the first).",
                )
            )
        else:
            seen[(kpi.pk, start)] = line
    existing = set(
        Measurement.objects.filter(
            kpi__partnership=partnership, period__in={start for _, start in seen}
        ).values_list("kpi_id", "period")
    ) if seen else set()  # fmt: skip
    for line, kpi, start, _, _ in parsed:
        if (kpi.pk, start) in existing and seen.get((kpi.pk, start)) == line:
            errors.append(
                RowError(
                    line,
                    "Period",
                    f"“{kpi.name}” already has a measurement for {kpi.period_label(start)}.",
                )
            )
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: (e.line, e.column)))
    return [
        Measurement(kpi=kpi, period=start, value=value, note=note)
        for _, kpi, start, value, note in parsed
    ]


@transaction.atomic
def measurements_import(
    *, partnership: Partnership, by, data: bytes, filename: str = ""
) -> list[Measurement]:
    """All or nothing: every row is checked first; one bad row and nothing is imported."""
    _refuse_if_ended(partnership)
    # Serialise imports of one partnership so the duplicate check below cannot race.
    Partnership.objects.select_for_update(of=("self",)).filter(pk=partnership.pk).first()
    rows = parse_measurements(partnership=partnership, data=data)
    for row in rows:
        row.recorded_by = by
    created = Measurement.objects.bulk_create(rows)
    source = f" from {filename}" if filename else ""
    record_activity(
        partnership=partnership,
        kind="measurement",
        summary=f"{len(created)} measurement{'s' if len(created) != 1 else ''} imported{source}",
        actor=by,
    )
    return created


# Reviews -----------------------------------------------------------------------------------------

KIND_OF_CADENCE = {
    CadenceFrequency.WEEKLY: Kind.MONTHLY,
    CadenceFrequency.EVERY_N_WEEKS: Kind.MONTHLY,
    CadenceFrequency.MONTHLY: Kind.MONTHLY,
    CadenceFrequency.QUARTERLY: Kind.QUARTERLY,
    CadenceFrequency.HALF_YEARLY: Kind.QUARTERLY,
    CadenceFrequency.YEARLY: Kind.ANNUAL,
}


def kind_for(cadence: Cadence | None) -> str:
    return KIND_OF_CADENCE.get(cadence.frequency, Kind.QUARTERLY) if cadence else Kind.QUARTERLY


def next_review_due(*, cadence: Cadence, due_on: datetime.date, held_on: datetime.date):
    """The next review is one cadence period after the due date of the review just held, so
    reviews keep their rhythm (a quarterly review held a week late does not push every later
    one back a week); stepped again while that falls on or before the day it was held, so a
    review held very late never leaves the next one already overdue."""
    due = cadence.next_due(due_on)
    while due <= held_on:
        due = cadence.next_due(due)
    return due


ONE_SCHEDULED = "A review is already scheduled for this partnership: hold it or cancel it."


@transaction.atomic
def review_schedule(*, partnership: Partnership, by, kind: str, due_on: datetime.date) -> Review:
    """Put a review on the calendar. One review at a time is scheduled per partnership; by
    default it answers the partnership's next review due date.

    Two people scheduling at the same moment: the partnership's row is locked first, so the
    second waits, then finds the first one's review and is told so, like a stale form."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _refuse_if_ended(partnership)
    review = Review(partnership=partnership, kind=kind, due_on=due_on, created_by=by)
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # only if something wrote a review without this lock
        raise ValidationError(ONE_SCHEDULED) from None
    record_activity(
        partnership=partnership,
        kind="review",
        summary=f"{review.get_kind_display()} scheduled for {due_on:%-d %b %Y}",
        actor=by,
        url=review.get_absolute_url(),
    )
    return review


@transaction.atomic
def review_cancel(*, review: Review, by) -> None:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.is_held:
        raise ValidationError("A review that was held is a record: it cannot be cancelled.")
    if locked.decisions.exists():
        raise ValidationError("Decisions are recorded on this review: hold it instead.")
    label = str(locked)
    locked.delete()
    record_activity(
        partnership=review.partnership, kind="review", summary=f"{label} cancelled", actor=by
    )


def _check_attendees(partnership: Partnership, attendees, partner_attendees) -> None:
    insiders = set(
        access.people_who_see(partnership)
        .filter(pk__in=[user.pk for user in attendees])
        .values_list("pk", flat=True)
    )
    for user in attendees:
        if user.pk not in insiders:
            raise ValidationError({"attendees": f"{user} cannot see this partnership."})
    for contact in partner_attendees:
        if contact.organization_id != partnership.organization_id:
            raise ValidationError({"partner_attendees": f"{contact.name} is not the partner's."})


def take_snapshot(review: Review) -> list[Snapshot]:
    """Freeze every KPI of the partnership as it stood on the day the review was held: its
    latest measurement on or before that day, judged against the target of that day."""
    as_of = review.held_on
    rows = []
    for kpi in with_latest(KPI.objects.filter(partnership_id=review.partnership_id), as_of):
        reading = kpi.read(kpi.latest_value, kpi.latest_period)
        rows.append(
            Snapshot(
                review=review,
                kpi=kpi,
                kpi_name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                frequency=kpi.frequency,
                baseline=kpi.baseline,
                target=kpi.target,
                red_flag=kpi.red_flag,
                as_of=as_of,
                period=reading.period if reading else None,
                value=reading.value if reading else None,
                attainment=reading.attainment if reading else None,
                status=reading.status if reading else "",
            )
        )
    return Snapshot.objects.bulk_create(rows)


class ReviewAlreadyHeld(ValidationError):
    """Someone held this review first (two people holding it at once, or a stale form)."""

    def __init__(self, review: Review) -> None:
        super().__init__(
            f"This review was already held on {review.held_on:%-d %b %Y}; "
            "what it recorded stays as it was."
        )


@transaction.atomic
def review_hold(
    *,
    review: Review,
    by,
    held_on: datetime.date,
    rating: int,
    summary: str,
    attendees: Iterable = (),
    partner_attendees: Iterable[Contact] = (),
) -> Review:
    """Hold a scheduled review, once: it records the outcome, freezes a snapshot of every KPI
    as of the day it was held, and moves the partnership's next review due date by the review
    cadence (see ``next_review_due``). All or nothing."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.is_held:
        raise ReviewAlreadyHeld(locked)
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("review_cadence")
        .get(pk=locked.partnership_id)
    )
    _refuse_if_ended(partnership)
    if held_on is None:
        raise ValidationError({"held_on": "Give the date the review was held."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A review cannot be held in the future."})
    attendees, partner_attendees = list(attendees), list(partner_attendees)
    _check_attendees(partnership, attendees, partner_attendees)
    locked.held_on = held_on
    locked.rating = rating
    locked.summary = (summary or "").strip()
    locked.held_by = by
    errors = {}
    if not rating:
        errors["rating"] = "Rate how the partnership performed, from 1 to 5."
    if not locked.summary:
        errors["summary"] = "Summarise what the review concluded."
    if errors:
        raise ValidationError(errors)
    locked.full_clean()
    locked.save()
    locked.attendees.set(attendees)
    locked.partner_attendees.set(partner_attendees)
    take_snapshot(locked)
    note = ""
    if partnership.review_cadence is not None:
        partnership.next_review_due = next_review_due(
            cadence=partnership.review_cadence, due_on=locked.due_on, held_on=held_on
        )
        partnership.save(update_fields=["next_review_due", "updated_at"])
        note = f"; next review due {partnership.next_review_due:%-d %b %Y}"
    summary = f"{locked.get_kind_display()} held on {held_on:%-d %b %Y}: rated {locked.rating}/5"
    record_activity(
        partnership=partnership,
        kind="review",
        summary=summary + note,
        actor=by,
        url=locked.get_absolute_url(),
    )
    webhooks.emit(
        webhooks.EventType.REVIEW_HELD,
        partnership=partnership,
        data={
            "review": {
                "id": locked.pk,
                "kind": locked.kind,
                "due_on": locked.due_on,
                "held_on": held_on,
                "rating": locked.rating,
            },
            "next_review_due": partnership.next_review_due,
        },
        url=locked.get_absolute_url(),
        summary=summary,
        by=by,
    )
    review.held_on, review.rating, review.summary = locked.held_on, locked.rating, locked.summary
    review.held_by = by
    return locked


# Decisions ---------------------------------------------------------------------------------------

_ADJUSTMENT_FIELDS = {"target": "new_target", "due_date": "new_due_date"}


@transaction.atomic
def decision_record(
    *,
    review: Review,
    by,
    text: str,
    kind: str = DecisionKind.NOTE,
    owner=None,
    owner_contact: Contact | None = None,
    due_on: datetime.date | None = None,
    objective: Objective | None = None,
    new_target: Decimal | None = None,
    new_due_date: datetime.date | None = None,
    reason: str = "",
) -> Decision:
    """Record what a review decided. An action decision opens an action item (through the
    communication step's service); an adjustment changes the objective's target or due date
    (through the objectives' service, which keeps the reason in its history) and keeps the old
    and new values here. All or nothing."""
    partnership = review.partnership
    _refuse_if_ended(partnership)
    if not review.is_held:
        raise ValidationError("Hold the review first: decisions are recorded on a held review.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what was decided."})
    decision = Decision(review=review, text=text, kind=kind, recorded_by=by)
    if kind == DecisionKind.ACTION:
        if due_on is None:
            raise ValidationError({"due_on": "Give the action item a due date."})
        decision.action_item = communications.action_create(
            partnership=partnership,
            by=by,
            title=Truncator(text).chars(200),
            owner=owner,
            owner_contact=owner_contact,
            due_on=due_on,
        )
    elif kind == DecisionKind.ADJUSTMENT:
        if objective is None:
            raise ValidationError({"objective": "Choose the objective to adjust."})
        if objective.partnership_id != partnership.pk:
            raise ValidationError({"objective": "Choose an objective of this partnership."})
        if new_target is None and new_due_date is None:
            raise ValidationError({"new_target": "Give a new target, a new due date, or both."})
        if not (reason or "").strip():
            raise ValidationError({"reason": "Say why the objective changes."})
        decision.objective = objective
        decision.old_target, decision.old_due_date = objective.target, objective.due_date
        try:
            objectives.objective_adjust(
                objective=objective,
                by=by,
                reason=reason,
                target=new_target,
                due_date=new_due_date,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {_ADJUSTMENT_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}
                ) from exc
            raise
        decision.new_target, decision.new_due_date = new_target, new_due_date
        decision.reason = reason.strip()
    decision.full_clean()
    decision.save()
    record_activity(
        partnership=partnership,
        kind="review",
        summary=f"Decision at the {str(review)[0].lower()}{str(review)[1:]}: {text}",
        actor=by,
        url=review.get_absolute_url(),
    )
    return decision
