"""One token for "Accord's data as it is now", so cached HTML can be keyed on it and never go
stale.

Any write Django makes to one of Accord's tables drops the token: a service, a form, the admin,
a bulk ``update()`` or ``bulk_create()`` that no signal sees, raw SQL through Django's
connection, a management command, a Celery task. It is dropped at once (so a read later in the
writing transaction, or in a test's wrapping transaction, sees its own write) and again when the
transaction commits (so a read that took the new token before the commit, and so read the old
data, is never read again). The next reader finds no token and makes a new one.

A page takes the token *before* it reads the data it caches: what it caches under a token is
then never older than the token.

Writes to the tables that only record visits and bookkeeping (``UNWATCHED``) do not count: no
cached page shows them, and counting them would drop the token on every request.
``tests/test_data_version.py`` fails when a cached page starts to read one of them. Writes made
outside Django (``psql``) are not seen; after one, ``manage.py shell -c "from config import
data_version; data_version.drop()"``.
"""

import re
import uuid
from functools import cache as memoize
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db.backends.signals import connection_created
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from config.release import release

KEY = "accord:data-version"
UNWATCHED = frozenset(
    {
        "accounts_signedinsession",  # last seen, per request
        "api_apitoken",  # last used, per API request
        "audit_auditevent",
        "partnerships_portalaccess",  # last seen, per portal request
        "portal_linkrequest",  # the sign-in link's throttle
        "reminders_heartbeat",  # beat and the workers, every minute
        "reminders_reminder",  # the sweeps' outbox and the bell; the bell is never cached
        "webhooks_event",
        "webhooks_delivery",
        "webhooks_attempt",
    }
)
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "SET", "SHOW", "EXPLAIN", "DECLARE", "FETCH", "CLOSE")
_WORD = re.compile(r"\b[a-z][a-z0-9_]*\b")


def token() -> str:
    value = cache.get(KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(KEY, value, timeout=None):
            value = cache.get(KEY) or value  # another request made it first; a miss if gone
    return value


def drop() -> None:
    cache.delete(KEY)


@memoize
def watched() -> frozenset[str]:
    """The tables of Accord's own apps (with their many-to-many and history tables)."""
    root = Path(__file__).resolve().parent.parent
    ours = {a.label for a in apps.get_app_configs() if Path(a.path).parent == root}
    return (
        frozenset(
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.app_label in ours
        )
        - UNWATCHED
    )


def writes_watched(sql: str) -> bool:
    if sql.lstrip()[:9].upper().startswith(_READS):
        return False
    return not watched().isdisjoint(_WORD.findall(sql.lower()))


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_watched(sql):
        connection = context["connection"]
        drop()
        if connection.in_atomic_block and not any(
            func is drop for _, func, _ in connection.run_on_commit
        ):
            connection.on_commit(drop)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="accord-data-version")


# Cached pages -------------------------------------------------------------------------------------


def viewer_key(request) -> list:
    """What a cached page or answer is keyed on besides the data: the code, and the viewer with
    their roles, time zone and day."""
    user = request.user
    return [
        release(),
        user.pk,
        sorted(user.internal_role_names),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
    ]


def page_key(request, version: str, *facts) -> list:
    """A page body's key: the data version, the viewer, its own facts, and the viewer's CSRF
    secret (the body's forms carry a token made from it, which another session would refuse)."""
    get_token(request)
    return [version, *viewer_key(request), request.META["CSRF_COOKIE"], *facts]


class CachedBodyMixin:
    """A page whose content is cached HTML under the data version: on a hit, the view reads
    nothing the body shows. Its template wraps the body in ``{% cache body_seconds <body_name>
    body_key %}`` and shows ``cached_body`` instead when it is given one.

    The token is taken as the request is dispatched, before any of the data is read: put this
    mixin before one that loads an object in ``dispatch``."""

    body_name: str
    body_seconds = 24 * 3600  # the key holds the day
    body_key = None

    def dispatch(self, request, *args, **kwargs):
        self.data_version = token()
        return super().dispatch(request, *args, **kwargs)

    def body_facts(self) -> list:
        """What else the body depends on: the query string by default."""
        return [sorted(self.request.GET.lists())]

    def caches_body(self) -> bool:
        return True

    def cached_body_context(self) -> dict:
        """What the page around a cached body still needs (its title, say)."""
        return {}

    def get(self, request, *args, **kwargs):
        if not self.caches_body():
            return super().get(request, *args, **kwargs)
        self.body_key = page_key(request, self.data_version, *self.body_facts())
        body = cache.get(make_template_fragment_key(self.body_name, [self.body_key]))
        if body is None:
            return super().get(request, *args, **kwargs)
        # mark_safe: the HTML is what this template rendered and escaped.
        context = {**self.cached_body_context(), "cached_body": mark_safe(body)}
        return TemplateResponse(request, self.template_name, context)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body_key=self.body_key, body_seconds=self.body_seconds, **kwargs
        )
