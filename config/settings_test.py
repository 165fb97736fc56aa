"""Settings for the test suite: real PostgreSQL and Redis, as in production."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/accord")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("ACCORD_VAR_DIR", "/tmp/accord-test-var")
os.environ.setdefault("ACCORD_CACHE_URL", "redis://127.0.0.1:6379/14")
# Test receivers listen on 127.0.0.1; the test of the rule itself turns this off.
os.environ.setdefault("ACCORD_WEBHOOKS_ALLOW_PRIVATE", "1")

from .settings import *  # noqa: F403
from .settings import STORAGES

# One PBKDF2 check costs ~330 ms here; tests sign in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ["ACCORD_VAR_DIR"]) / "media"  # noqa: F405
# WhiteNoise warns about a missing STATIC_ROOT; tests serve static files through the finders.
STATIC_ROOT = Path(os.environ["ACCORD_VAR_DIR"]) / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
