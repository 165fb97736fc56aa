import hashlib
from base64 import urlsafe_b64encode

from django.db import migrations


def hash_plain_codes(apps, schema_editor):
    # Codes made before they were hashed are 8 characters; a digest is 16 (accounts.mfa).
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^.{16}$"):
        digest = hashlib.sha256(token.token.strip().lower().encode()).digest()
        token.token = urlsafe_b64encode(digest).decode()[:16]
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_signed_in_sessions"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
