from django.db import migrations

from healthcheck.defaults import ensure_questions, ensure_settings


def forwards(apps, schema_editor):
    ensure_questions(apps.get_model("healthcheck", "Question"))
    ensure_settings(
        apps.get_model("healthcheck", "HealthCheckSettings"), apps.get_model("reminders", "Cadence")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("healthcheck", "0001_initial"),
        ("reminders", "0006_health_check_purpose"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
