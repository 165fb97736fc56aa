"""The criteria a new installation starts with; administrators change them in admin."""

from decimal import Decimal

# name, group, weight, guidance
DEFAULT_CRITERIA = [
    (
        "Values",
        "compatibility",
        "10",
        "Do they hold the values we hold: integrity, how they treat customers and staff, "
        "sustainability? 1: values that clash with ours. 5: values we would be proud to share.",
    ),
    (
        "Strategic goals",
        "compatibility",
        "15",
        "Do their goals point where ours do, for this partnership and beyond? "
        "1: their goals work against ours. 5: each side's success drives the other's.",
    ),
    (
        "Culture",
        "compatibility",
        "10",
        "How they decide, communicate and handle problems. 1: we would fight every week. "
        "5: working together would feel like one team.",
    ),
    (
        "Resources",
        "capability",
        "15",
        "People, money, capacity and reach they can commit to this partnership. "
        "1: they cannot staff it. 5: ample capacity, committed in writing.",
    ),
    (
        "Expertise",
        "capability",
        "20",
        "Skills, technology and know-how we lack and need. "
        "1: nothing we do not have. 5: leaders in exactly what we need.",
    ),
    (
        "Reputation",
        "capability",
        "10",
        "What customers, the market and references say about them. "
        "1: a risk to our name. 5: a name that opens doors.",
    ),
    (
        "Track record",
        "track_record",
        "20",
        "How their past partnerships went, with us and with others: did they deliver, "
        "stay the course and end well? 1: a history of failures. 5: consistent, proven delivery.",
    ),
]


def ensure_default_criteria(criterion_model=None) -> None:
    """Create the defaults on an installation that has no criterion at all (a new database, or
    one just flushed); never re-create one an administrator removed."""
    if criterion_model is None:
        from .models import Criterion as criterion_model
    if criterion_model.objects.exists():
        return
    for position, (name, group, weight, guidance) in enumerate(DEFAULT_CRITERIA, start=1):
        criterion_model.objects.create(
            name=name,
            group=group,
            weight=Decimal(weight),
            guidance=guidance,
            position=position * 10,
        )
