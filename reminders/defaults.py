"""The cadences a new installation starts with; administrators change them in admin."""

DEFAULT_CADENCES = [
    # name, purpose, frequency, offsets (days before), escalate after (days overdue)
    ("Weekly check-in", "check_in", "weekly", [2, 0], 3),
    ("Monthly check-in", "check_in", "monthly", [7, 1, 0], 7),
    ("Quarterly business review", "review", "quarterly", [14, 3, 1], 14),
    ("Annual review", "review", "yearly", [30, 14, 3], 30),
]


def ensure_default_cadences(cadence_model=None) -> None:
    """Create the defaults on an installation that has no cadence at all (a new database, or
    one just flushed); never re-create one an administrator deleted."""
    if cadence_model is None:
        from .models import Cadence as cadence_model
    if cadence_model.objects.exists():
        return
    for name, purpose, frequency, offsets, escalate in DEFAULT_CADENCES:
        cadence_model.objects.create(
            name=name,
            purpose=purpose,
            frequency=frequency,
            reminder_offsets=offsets,
            escalate_after_days=escalate,
        )
