from django.db import migrations

from accounts.roles import ALL, ensure_roles


def create_roles(apps, schema_editor):
    ensure_roles(apps.get_model("auth", "Group"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ALL).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
