"""The question set and cadence a new installation starts with; administrators change both in
admin. Statements are worded so that either side can rate them about the other."""

DEFAULT_QUESTIONS = [
    # kind, area, text
    ("rating", "strategic", "The partnership contributes clearly to our organisation's strategy."),
    ("rating", "strategic", "Both sides get fair value from the partnership."),
    ("rating", "strategic", "We share a clear view of where the partnership is heading."),
    ("rating", "operational", "Joint processes and hand-overs work smoothly day to day."),
    ("rating", "operational", "Commitments are delivered on time and as agreed."),
    ("rating", "operational", "Problems are spotted early and solved quickly."),
    ("rating", "relationship", "I trust the other side to act in the partnership's interest."),
    ("rating", "relationship", "Communication between us is open and honest."),
    ("rating", "relationship", "Concerns raised are taken seriously and answered."),
    ("rating", "governance", "Roles, responsibilities and decision rights are clear."),
    ("rating", "governance", "Reviews and check-ins help us steer the partnership."),
    ("rating", "governance", "Disagreements are resolved fairly and at the right level."),
    ("open", "", "What one change would most improve this partnership?"),
    ("open", "", "What is working well that we should keep doing?"),
]

# name, frequency, offsets (days before the due date), escalate after (days overdue)
DEFAULT_CADENCE = ("Half-yearly health check", "half_yearly", [30, 7], 30)


def ensure_questions(question_model=None) -> None:
    """The default set on an installation that has no question at all (a new database, or one
    just flushed); never re-creates one an administrator deleted."""
    if question_model is None:
        from .models import Question as question_model
    if question_model.objects.exists():
        return
    for position, (kind, area, text) in enumerate(DEFAULT_QUESTIONS, start=1):
        question_model.objects.create(kind=kind, area=area, text=text, position=position)


def ensure_settings(settings_model=None, cadence_model=None):
    """The one settings row, made with the default cadence the first time only: an
    administrator who sets the cadence to none keeps it that way."""
    if settings_model is None:
        from .models import HealthCheckSettings as settings_model
    if cadence_model is None:
        from reminders.models import Cadence as cadence_model
    row = settings_model.objects.filter(pk=1).first()
    if row is not None:
        return row
    name, frequency, offsets, escalate = DEFAULT_CADENCE
    cadence = cadence_model.objects.filter(purpose="health_check").order_by("pk").first()
    if cadence is None:
        cadence = cadence_model.objects.create(
            name=name,
            purpose="health_check",
            frequency=frequency,
            reminder_offsets=offsets,
            escalate_after_days=escalate,
        )
    row, _ = settings_model.objects.get_or_create(pk=1, defaults={"cadence": cadence})
    return row
