from django.db import migrations

from selection.defaults import DEFAULT_CRITERIA, ensure_default_criteria


def seed(apps, schema_editor):
    ensure_default_criteria(apps.get_model("selection", "Criterion"))


def unseed(apps, schema_editor):
    Criterion = apps.get_model("selection", "Criterion")
    Criterion.objects.filter(
        name__in=[c[0] for c in DEFAULT_CRITERIA], scores__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("selection", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
