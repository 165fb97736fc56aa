"""The portfolio's part of the weekly digest: the partnerships at risk, weakest first, each with
the reason its score is low."""

import datetime

from django.urls import reverse

from reminders.registry import DigestItem, DigestSection, register_digest_section

from .models import Band, HealthSettings, PartnershipHealth
from .selectors import live


def at_risk(user, today: datetime.date) -> list[DigestItem]:
    settings = HealthSettings.load()
    rows = (
        PartnershipHealth.objects.filter(
            settings.band_filter(Band.AT_RISK),
            partnership__in=live(user).values("pk"),
        )
        .order_by("score", "partnership__name")
        .values_list("partnership_id", "partnership__name", "score", "reason")[:25]
    )
    return [
        DigestItem(
            title=f"{name} · health {score}",
            url=reverse("partnerships:tab", args=[pk, "health"]),
            detail=reason or "Below the at-risk line.",
        )
        for pk, name, score, reason in rows
    ]


def register() -> None:
    register_digest_section(
        DigestSection(
            "at_risk",
            "Partnerships at risk",
            5,
            at_risk,
            empty_text="No partnership is at risk.",
        )
    )
