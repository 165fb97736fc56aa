"""Every form of the project, walked with bad input (see tests/bad_input.py).

For each form route the walk signs in as someone allowed to use the form, posts it field by
field with bad values, and asserts the answer is never a 500; that a refused post says why
(an error on the page, or 403/404) and leaves every table as it was; and that a post without a
CSRF token is refused with 403. Each post runs in a savepoint that is rolled back, so every one
starts from the same data.
"""

import json
import os
import traceback

import pytest
from django.db import transaction
from django.test import Client

from partnerships.models import Partnership, Stage

from . import bad_input
from .access import OBJECT_MAKERS
from .factories import ContactFactory, OrganizationFactory, PartnershipFactory, executive, manager

pytestmark = pytest.mark.django_db

ROUTES = bad_input.form_routes()
REFUSED = {400, 403, 404, 409, 422, 429}
STAGES = [Stage.ACTIVE, Stage.SELECTING, Stage.RENEWING, Stage.AGREEING, Stage.DEFINING]


class World:
    """Two active partnerships of different organisations; URL values made on demand, once."""

    def __init__(self):
        self.executive = executive(email="exec@walk.example", full_name="Eve Exec")
        self.manager = manager(email="manager@walk.example", full_name="Max Manager")
        self.other_manager = manager(email="other@walk.example", full_name="Olga Other")
        self.ours = PartnershipFactory(
            name="Walked", stage=Stage.ACTIVE, executive_sponsor=self.executive,
            managers=[self.manager], organization=OrganizationFactory(name="Walked partner"),
        )  # fmt: skip
        self.theirs = PartnershipFactory(
            name="Foreign", stage=Stage.ACTIVE, managers=[self.other_manager],
            organization=OrganizationFactory(name="Foreign partner"),
        )  # fmt: skip
        for partnership in (self.ours, self.theirs):
            ContactFactory.create_batch(2, organization=partnership.organization)
        self._values = {self.ours.pk: {}, self.theirs.pk: {}}
        self._route_values = {}

    def values(self, partnership, route, user) -> dict:
        if route.name in bad_input.ROUTE_ARGUMENTS:
            key = (partnership.pk, route.name, user.pk if user else None)
            if key not in self._route_values:
                make = bad_input.ROUTE_ARGUMENTS[route.name]
                self._route_values[key] = make(partnership, user)
            return self._route_values[key]
        made = self._values[partnership.pk]
        made.setdefault("partnership_pk", partnership.pk)
        for argument in route.arguments:
            if argument not in made:
                made[argument] = OBJECT_MAKERS[argument](partnership)
        return made


@pytest.fixture
def world(db):
    return World()


def _client(user=None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _find_form(client, user, route, world, partnership):
    """(page url, form) of the first page that carries a form posting to the route."""
    for host in bad_input.host_candidates(route):
        # The target's own arguments first: its host must show the very object it acts on.
        try:
            url = host.url(world.values(partnership, route, user))
        except KeyError:
            try:
                url = host.url(world.values(partnership, host, user))
            except KeyError:
                continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in bad_input.forms_on(response.content.decode(), url):
            if bad_input.route_of(form.action) == route.name:
                return url, form
    return None, None


def _is_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    if response.status_code == 200:
        return bad_input.shows_an_error(response.content.decode(errors="replace"))
    # Only what this request said: earlier posts' messages may still wait in the cookie.
    messages = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(messages, "_queued_messages", [])
    return any(m.level >= 30 for m in queued)  # a warning or an error: nothing was done


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_form_refuses_bad_input_in_words(route, world):
    anonymous = route.name == "accounts:login"
    walk_as = bad_input.WALK_AS.get(route.name)
    users = [None] if anonymous else [world.manager, world.executive]
    page = form = None
    # Some forms are open in one stage only (selection while choosing, renewal while renewing).
    for stage in STAGES:
        Partnership.objects.filter(pk__in=[world.ours.pk, world.theirs.pk]).update(stage=stage)
        if walk_as is not None:
            users = [walk_as(world.ours)]
        for user in users:
            client = _client(user)
            page, form = _find_form(client, user, route, world, world.ours)
            if form is not None:
                break
        if form is not None:
            break
    assert form is not None, (
        f"{route.name} accepts POST but no page shows a form for it: teach tests/<app>/walk.py "
        "FORM_HOSTS which page carries it"
    )
    foreign_user = None if anonymous else world.executive
    if walk_as is not None:
        foreign_user = walk_as(world.theirs)
    _, foreign_form = _find_form(_client(foreign_user), foreign_user, route, world, world.theirs)
    csrf_client = _client(user, enforce_csrf_checks=True)

    base = bad_input.baseline(form)
    problems: list[str] = []
    posts = 0
    before = bad_input.database_fingerprint()

    def post(label, data, client=client):
        nonlocal posts
        posts += 1
        with transaction.atomic():
            try:
                response = client.generic(
                    "POST",
                    form.action,
                    bad_input.encode(data),
                    content_type="application/x-www-form-urlencoded",
                )
            except Exception:  # the walk reports every failure, not only the first
                problems.append(f"{label}: raised {traceback.format_exc(limit=-3)}")
                transaction.set_rollback(True)
                return None
            if response.status_code >= 500:
                problems.append(f"{label}: answered {response.status_code}")
            elif _is_refused(response):
                changed = bad_input.changed_tables(before, bad_input.database_fingerprint())
                if changed:
                    status = response.status_code
                    problems.append(f"{label}: refused ({status}) but wrote {changed}")
            transaction.set_rollback(True)
            return response

    post("as the page fills it", base)
    for name, f in form.fields.items():
        foreign = []
        if foreign_form is not None and name in foreign_form.fields:
            theirs = foreign_form.fields[name]
            ours = set(f.options) | {f.value}
            foreign = [v for v in [*theirs.options, theirs.value] if v and v not in ours]
        for label, values in bad_input.mutations(f, foreign):
            post(f"{name} {label}", {**base, name: values})
    post("every field empty", {name: [""] for name in base})

    response = post("without a CSRF token", base, client=csrf_client)
    if response is not None and response.status_code != 403:
        problems.append(f"without a CSRF token: answered {response.status_code}, not 403")

    _record(route.name, page, len(form.fields), posts, problems)
    assert not problems, f"{route.name} (form on {page}):\n" + "\n".join(problems)


def _record(route, page, fields, posts, problems):
    """With BAD_INPUT_STATS=<file>, one JSON line per form: the figures of the walk."""
    path = os.environ.get("BAD_INPUT_STATS")
    if path:
        with open(path, "a") as out:
            line = {"route": route, "page": page, "fields": fields, "posts": posts}
            out.write(json.dumps({**line, "problems": len(problems)}) + "\n")
