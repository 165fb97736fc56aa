from decimal import Decimal

from django.db import migrations

# name, group, weight, guidance
CRITERIA = [
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


def seed(apps, schema_editor):
    Criterion = apps.get_model("selection", "Criterion")
    for position, (name, group, weight, guidance) in enumerate(CRITERIA, start=1):
        Criterion.objects.get_or_create(
            name=name,
            defaults={
                "group": group,
                "weight": Decimal(weight),
                "guidance": guidance,
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    Criterion = apps.get_model("selection", "Criterion")
    Criterion.objects.filter(name__in=[c[0] for c in CRITERIA], scores__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("selection", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
