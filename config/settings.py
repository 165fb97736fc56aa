"""Accord settings: everything comes from the environment, with safe embedded defaults.

The embedded defaults (SQLite, a SQLite-backed Celery broker, e-mail to files) let
`make run` work on a bare machine; production sets DATABASE_URL, CELERY_BROKER_URL,
EMAIL_HOST and friends (see README, "Production").
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ACCORD_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := env("DJANGO_SECRET_KEY"):
        return key
    # A key kept under var/ survives restarts (sessions stay valid) and is never committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# HTTPS is assumed unless we are debugging; `make run` serves plain HTTP on loopback
# and turns it off explicitly.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Read from the cache, written to both: as fast as the plain-SQL read it replaced (415 against
# 398 µs a read, benchmarks/README.md), and the database keeps them when the cache is away.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 60 * 60 * 12)

INSTALLED_APPS = [
    "config.apps.AccordAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_standardized_errors",
    # Accord, top-down: nothing imports an app listed above it.
    "api",
    "portal",
    "portfolio",
    "planning",
    "healthcheck",
    "reviews",
    "communications",
    "agreements",
    "selection",
    "objectives",
    "partnerships",
    "reminders",
    "webhooks",
    "audit",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditContextMiddleware",
    "accounts.middleware.SignedInSessionMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "portal.middleware.PortalConfinementMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
                "partnerships.context_processors.navigation",
                "reminders.context_processors.notices",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'accord.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Prepared statements: a page's queries are the same few shapes, and PostgreSQL spent more time
# planning them (0.37 ms for the workspace's five-table join) than running them (0.07 ms). psycopg
# prepares a query once a connection has run it twice. Needs server-side parameter binding;
# behind a transaction-pooling PgBouncer, set ACCORD_DB_PREPARE=0. Options from DATABASE_URL
# (sslmode=…) are kept.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "ACCORD_DB_PREPARE", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to one file at once under `make run`.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
    "portal.backends.PortalLinkBackend",
    "accounts.sso.SsoBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: hears every password change, whatever the path, for the audit log.
    {"NAME": "audit.validators.RecordPasswordChange"},
    # Not a rule either: a password changed, by any path, ends its user's other sessions.
    {"NAME": "accounts.signed_in.EndSessionsOnPasswordChange"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Throttling of every secret (accounts/throttle.py; README "Sign-in throttling"). Three limits:
# failures for one account from one address lock that pair (axes's own);
# Single sign-on (OpenID Connect, through mozilla-django-oidc; off without an issuer) -----------
ACCORD_OIDC_ISSUER = env("ACCORD_OIDC_ISSUER").rstrip("/")
ACCORD_OIDC_NAME = env("ACCORD_OIDC_NAME", "your company account")
# Claim whose values map to roles, and the maps: "accord-executives=Executive;…" and
# "example.com=Partner manager;…". Roles named in a map are re-applied at every SSO sign-in.
ACCORD_OIDC_ROLE_CLAIM = env("ACCORD_OIDC_ROLE_CLAIM", "groups")
ACCORD_OIDC_ROLE_MAP = env("ACCORD_OIDC_ROLE_MAP")
ACCORD_OIDC_DOMAIN_ROLES = env("ACCORD_OIDC_DOMAIN_ROLES")
ACCORD_SSO_REQUIRED_DOMAINS = env_list("ACCORD_SSO_REQUIRED_DOMAINS", "")
# The e-mail domains the provider may sign in (link or create accounts for); empty: any
# verified e-mail it vouches for.
ACCORD_OIDC_ALLOWED_DOMAINS = env_list("ACCORD_OIDC_ALLOWED_DOMAINS", "")
ACCORD_OIDC_PROVIDER_LOGOUT = env_bool("ACCORD_OIDC_PROVIDER_LOGOUT", True)
OIDC_RP_CLIENT_ID = env("ACCORD_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("ACCORD_OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env("ACCORD_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env("ACCORD_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's sign-out
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"

# Second factor (django-otp) ------------------------------------------------------------------
# Executives and administrators must enrol; on wherever HTTPS is (production), off for `make run`.
ACCORD_MFA_REQUIRED = env_bool("ACCORD_MFA_REQUIRED", HTTPS)
# A sign-in by SSO whose ID token says (amr) the provider did MFA is not asked again.
ACCORD_MFA_TRUST_AMR = env_bool("ACCORD_MFA_TRUST_AMR", True)
ACCORD_MFA_TRUSTED_AMR = env_list("ACCORD_MFA_TRUSTED_AMR", "mfa")
ACCORD_MFA_ISSUER = env("ACCORD_MFA_ISSUER", "Accord")
# Wrong codes are counted by axes exactly as wrong passwords (accounts/throttle.py), so the
# library's own growing delay is off: one throttle, one set of limits, one unlock.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = ACCORD_MFA_ISSUER

AXES_FAILURE_LIMIT = env_int("ACCORD_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("ACCORD_SIGNIN_LOCK_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# failures for one account from any address within a short window (a spread-out guess);
ACCORD_SIGNIN_ACCOUNT_LIMIT = (
    env_int("ACCORD_SIGNIN_ACCOUNT_LIMIT", 10),
    env_int("ACCORD_SIGNIN_ACCOUNT_WINDOW_MINUTES", 10),
)
# and failures for that many different accounts from one address (password spraying).
ACCORD_SIGNIN_ADDRESS_LIMIT = (
    env_int("ACCORD_SIGNIN_ADDRESS_LIMIT", 10),
    env_int("ACCORD_SIGNIN_ADDRESS_WINDOW_MINUTES", 60),
)
# Entries of X-Forwarded-For written by proxies we run (the rest is the client's say-so).
ACCORD_PROXY_COUNT = env_int(
    "ACCORD_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0
)
AXES_HANDLER = "accounts.throttle.SignInThrottle"
AXES_USERNAME_CALLABLE = "accounts.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A lock lasts its time from the failure that set it: guesses during it are refused, not
# counted, so nobody keeps a colleague locked out by hammering on.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# Sign-ins are recorded by the audit log, which has a retention; axes's own log has none.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Audit log (audit/; README "Audit log"): sign-ins, exports, downloads, role changes, unlocks.
# Events older than this many days are pruned daily; 0 keeps every event.
ACCORD_AUDIT_RETENTION_DAYS = env_int("ACCORD_AUDIT_RETENTION_DAYS", 365)

# Cache: Redis where ACCORD_CACHE_URL says (production, tests); otherwise files under VAR_DIR,
# which every process of `make run` shares (the API's rate limits count across web workers).
ACCORD_CACHE_URL = env("ACCORD_CACHE_URL", "")
CACHES = {
    "default": (
        {
            # Django's Redis cache, reading without it while it cannot be reached (config/cache.py).
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": ACCORD_CACHE_URL,
            # A cache that is down must slow a request, not hang it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if ACCORD_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# The REST API (api/; README "API") ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.tokens.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.tokens.IsOurs", "api.tokens.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.tokens.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": (
        "Partnerships, their objectives, KPIs, check-ins, action items, concerns, reviews and "
        "health, under the same access rule as the web pages. Authenticate with a personal token "
        "from your profile: `Authorization: Bearer acc_…`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Its deploy check warns about how enums in the error schemas are named (cosmetic: the
    # schema is valid, tests/api checks it); `check --deploy` stays for what a deploy needs.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"drf_standardized_errors.openapi_serializers.{name}Enum.choices"
        for name in ("ValidationError", "ClientError", "ServerError")
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.errors.AccordExceptionHandler",
    # The statuses the schema documents for every operation.
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429"],
}
# Requests per token, in DRF's notation ("600/minute"); empty: no limit.
ACCORD_API_RATE = env("ACCORD_API_RATE", "600/minute")
# Invalid tokens from one address before it is refused (429) for the window; 0: no limit.
ACCORD_API_BAD_TOKEN_LIMIT = env_int("ACCORD_API_BAD_TOKEN_LIMIT", 20)
ACCORD_API_BAD_TOKEN_WINDOW_MINUTES = env_int("ACCORD_API_BAD_TOKEN_WINDOW_MINUTES", 10)

# Partner portal (portal/; README "The partner's side") -----------------------------------------
# A sign-in link (django-sesame) works once and for this many days after it is sent.
ACCORD_PORTAL_LINK_DAYS = env_int("ACCORD_PORTAL_LINK_DAYS", 14)
SESAME_MAX_AGE = ACCORD_PORTAL_LINK_DAYS * 24 * 3600
SESAME_ONE_TIME = True
# A partner contact's session: shorter than ours.
ACCORD_PORTAL_SESSION_SECONDS = env_int("ACCORD_PORTAL_SESSION_HOURS", 8) * 3600
# Fresh links asked for in an hour: per e-mail typed, per address asking.
ACCORD_PORTAL_LINK_REQUESTS = (
    env_int("ACCORD_PORTAL_LINK_REQUESTS_PER_EMAIL", 3),
    env_int("ACCORD_PORTAL_LINK_REQUESTS_PER_ADDRESS", 10),
)

# Joint health checks (healthcheck/; README "Joint health check") ----------------------------------
# A side's answers show only once at least this many of its people have answered, so nobody's
# answers can be told apart; a check keeps the value it opened with.
ACCORD_HEALTHCHECK_MIN_ANSWERS = max(1, env_int("ACCORD_HEALTHCHECK_MIN_ANSWERS", 3))

# Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("ACCORD_TIME_ZONE", "UTC")
# English only: without the translation machinery every date and number renders faster
# (weighed in benchmarks/README.md; ACCORD_USE_I18N=1 measures it again).
USE_I18N = env_bool("ACCORD_USE_I18N", False)
USE_TZ = True
# Off: with it on, {{ obj.pk }} renders as 1,564 in markup. Figures use |intcomma instead.
USE_THOUSAND_SEPARATOR = False

# Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("ACCORD_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through views that check access

# Security headers: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("ACCORD_FROM_EMAIL", "Accord <accord@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "reminders.tasks.record_heartbeat", "schedule": 60.0},
    # Beat only triggers the sweep; due dates are data and the outbox rows are the truth.
    "reminders-sweep": {
        "task": "reminders.tasks.sweep",
        "schedule": float(env_int("ACCORD_REMINDER_SWEEP_SECONDS", 120)),
        "options": {"expires": 110},
    },
    # Daily: sent reminders older than REMINDERS_OUTBOX_RETENTION_DAYS leave the outbox.
    "reminders-prune-outbox": {
        "task": "reminders.tasks.prune_outbox",
        "schedule": crontab(hour=3, minute=20),
        "options": {"expires": 3600},
    },
    # Webhooks: deliveries that are due (retries, a broker that was down, a dead worker's).
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep",
        "schedule": float(env_int("ACCORD_WEBHOOK_SWEEP_SECONDS", 60)),
        "options": {"expires": 55},
    },
    "webhooks-prune-outbox": {
        "task": "webhooks.tasks.prune_outbox",
        "schedule": crontab(hour=3, minute=35),
        "options": {"expires": 3600},
    },
    "portal-prune-link-requests": {
        "task": "portal.tasks.prune_link_requests",
        "schedule": crontab(hour=3, minute=50),
        "options": {"expires": 3600},
    },
    "audit-prune": {
        "task": "audit.tasks.prune_audit",
        "schedule": crontab(hour=4, minute=10),
        "options": {"expires": 3600},
    },
    # Hourly: failed sign-ins older than every throttling window (accounts/throttle.py).
    "accounts-prune-sign-in-failures": {
        "task": "accounts.tasks.prune_sign_in_failures",
        "schedule": crontab(minute=40),
        "options": {"expires": 3000},
    },
}

# Links in e-mails, calendar feeds and webhooks are absolute: the address people open Accord at.
ACCORD_SITE_URL = env("ACCORD_SITE_URL", "http://127.0.0.1:8000")

# Reminders --------------------------------------------------------------------------------------
REMINDERS_SITE_URL = ACCORD_SITE_URL
# A claim older than this is a dead worker's: longer than any task may run.
REMINDERS_CLAIM_TIMEOUT = env_int("ACCORD_REMINDER_CLAIM_TIMEOUT", 600)
REMINDERS_BATCH_SIZE = env_int("ACCORD_REMINDER_BATCH_SIZE", 500)
REMINDERS_MAX_ATTEMPTS = env_int("ACCORD_REMINDER_MAX_ATTEMPTS", 5)
REMINDERS_RETRY_DELAY = env_int("ACCORD_REMINDER_RETRY_DELAY", 60)  # doubles at each attempt
# Days a sent (or in-app only) reminder stays in the outbox, and so in its recipient's notices;
# pending and failed ones stay until they are sent. 0 keeps everything.
REMINDERS_OUTBOX_RETENTION_DAYS = env_int("ACCORD_OUTBOX_RETENTION_DAYS", 180)

# Webhooks (webhooks/; README "Webhooks") ------------------------------------------------------
WEBHOOKS_SITE_URL = ACCORD_SITE_URL
# Receivers on private, loopback or link-local addresses are refused unless this is set (tests,
# on-premise installs whose receivers are on the internal network).
WEBHOOKS_ALLOW_PRIVATE = env_bool("ACCORD_WEBHOOKS_ALLOW_PRIVATE", False)
# Attempts before a delivery is marked failed, and the wait after each failed one, in seconds
# (the last repeats): 1 min, 5 min, 30 min, 2 h, 12 h.
WEBHOOKS_MAX_ATTEMPTS = env_int("ACCORD_WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOKS_RETRY_DELAYS = [
    int(v) for v in env_list("ACCORD_WEBHOOK_RETRY_DELAYS", "60,300,1800,7200,43200")
]
WEBHOOKS_TIMEOUT = env_int("ACCORD_WEBHOOK_TIMEOUT", 10)  # seconds per request
# A claim older than this is a dead worker's: longer than any task may run.
WEBHOOKS_CLAIM_TIMEOUT = env_int("ACCORD_WEBHOOK_CLAIM_TIMEOUT", 600)
# Days a delivered event stays in the outbox; pending and failed ones stay. 0 keeps everything.
WEBHOOKS_RETENTION_DAYS = env_int("ACCORD_WEBHOOK_RETENTION_DAYS", 30)

# Logging: errors to stderr, where honcho, systemd or the container runtime collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}

if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
