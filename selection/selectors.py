"""Reads that several selection pages share."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from objectives.selectors import Achievement, achievement_by_partnership
from partnerships import access
from partnerships.models import Partnership, Stage, Transition


@dataclass(frozen=True)
class PastPartnership:
    """One of our partnerships with an organisation, as a track record."""

    partnership: Partnership
    started: datetime.date | None
    ended: datetime.date | None
    achievement: Achievement | None

    @property
    def is_ended(self) -> bool:
        return self.partnership.stage == Stage.ENDED

    @property
    def until(self) -> datetime.date:
        return self.ended or timezone.localdate()

    @property
    def outcome(self) -> str:
        p = self.partnership
        if self.is_ended:
            return f"Ended: {p.ended_reason}"
        return f"Still running ({p.get_stage_display().lower()})."


def track_records(
    user, organization_ids: Iterable[int], exclude: Partnership | None = None
) -> dict[int, list[PastPartnership]]:
    """Our partnerships with each organisation that the user may see, in two queries."""
    ended_at = (
        Transition.objects.filter(partnership=OuterRef("pk"), to_stage=Stage.ENDED)
        .order_by("-at")
        .values("at")[:1]
    )
    partnerships = (
        access.visible_partnerships(user)
        .filter(organization_id__in=list(organization_ids))
        .annotate(ended_at=Subquery(ended_at))
        .order_by("-start_date", "name")
    )
    if exclude is not None:
        partnerships = partnerships.exclude(pk=exclude.pk)
    partnerships = list(partnerships)
    achievements = achievement_by_partnership(p.pk for p in partnerships)
    records: dict[int, list[PastPartnership]] = defaultdict(list)
    for p in partnerships:
        ended = timezone.localdate(p.ended_at) if p.ended_at else None
        records[p.organization_id].append(
            PastPartnership(
                partnership=p,
                started=p.start_date,
                ended=ended,
                achievement=achievements.get(p.pk),
            )
        )
    return records
