from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("communications", "0002_default_response_targets")]

    operations = [
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["due_on", "id"],
                name="comm_open_action_due_idx",
            ),
        ),
    ]
