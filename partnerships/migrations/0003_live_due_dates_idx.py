from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_partnership_name_idx")]

    operations = [
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                fields=["check_in_cadence", "next_check_in_due"],
                condition=~models.Q(stage="ended"),
                name="partnerships_check_in_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                fields=["review_cadence", "next_review_due"],
                condition=~models.Q(stage="ended"),
                name="partnerships_review_due_idx",
            ),
        ),
    ]
