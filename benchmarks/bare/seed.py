"""Seed the bare project at Accord's scale: N partners in all, 30 notes each (a year of
check-ins), adding to what is there as ``seed_demo --scale N`` does."""

import datetime


def seed(n: int) -> None:
    from django.contrib.auth.models import User

    from .models import Company, Note, Partner

    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", "bench@bare.example", "bench"
    )
    have = Partner.objects.count()
    new = range(have, n)
    made = Company.objects.bulk_create(Company(name=f"Company {i:05}") for i in new)
    companies = dict(zip(new, made, strict=True))
    today = datetime.date(2026, 12, 1)
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"Partner {i:05}",
            stage="active",
            company=companies[i],
            manager=user,
            next_due=today + datetime.timedelta(days=i % 30),
        )
        for i in new
    )
    Note.objects.bulk_create(
        (
            Note(
                partner=p,
                held_on=today - datetime.timedelta(days=12 * k),
                summary="Reviewed the pipeline, agreed next steps and owners. " * 3,
            )
            for p in partners
            for k in range(30)
        ),
        batch_size=5000,
    )
