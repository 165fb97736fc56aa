from django.db import migrations

from reminders.defaults import DEFAULT_CADENCES, ensure_default_cadences


def create_defaults(apps, schema_editor):
    ensure_default_cadences(apps.get_model("reminders", "Cadence"))


def remove_defaults(apps, schema_editor):
    names = [row[0] for row in DEFAULT_CADENCES]
    apps.get_model("reminders", "Cadence").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
