from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(fields=["name"], name="partnerships_name_idx"),
        ),
    ]
