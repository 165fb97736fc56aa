"""Teaches the access walk (tests/access.py) the arguments of the performance and review routes."""

from reviews.models import Review

from .factories import KPIFactory, MeasurementFactory, ReviewFactory


def _scheduled_review(partnership) -> int:
    # One review at a time may be scheduled: the walk asks once per user, so reuse it.
    existing = Review.objects.filter(partnership=partnership, held_on__isnull=True).first()
    return (existing or ReviewFactory(partnership=partnership)).pk


OBJECT_MAKERS = {
    "kpi_pk": lambda partnership: KPIFactory(partnership=partnership).pk,
    "measurement_pk": lambda partnership: MeasurementFactory(kpi__partnership=partnership).pk,
    "review_pk": _scheduled_review,
}
