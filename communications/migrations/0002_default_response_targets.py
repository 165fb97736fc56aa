from django.db import migrations

DEFAULTS = {
    # severity: (hours to first response, hours to resolution)
    "critical": (4, 48),
    "high": (24, 120),
    "medium": (72, 240),
    "low": (120, 480),
}


def add_defaults(apps, schema_editor):
    ResponseTarget = apps.get_model("communications", "ResponseTarget")
    for severity, (respond, resolve) in DEFAULTS.items():
        ResponseTarget.objects.get_or_create(
            severity=severity,
            defaults={"hours_to_first_response": respond, "hours_to_resolution": resolve},
        )


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
