"""The schema tells the truth: Schemathesis generates requests from the OpenAPI document for every
operation and checks each answer against it (status documented, body and headers as described,
never a 500)."""

import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from config.wsgi import application

from ..communications.conftest import active, monthly  # noqa: F401  (fixtures)
from ..communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from ..objectives.factories import ObjectiveFactory
from ..reviews.factories import HeldReviewFactory, KPIFactory, MeasurementFactory
from .conftest import token_for

# The document /api/v1/schema/ serves (tests/api/test_endpoints.py checks that it does), built
# at collection time, when the database is not yet open to tests.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture
def wsgi_transaction(db):
    # As Django's test client does: a request's start and end must not close the connection
    # that holds the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(active, alice, settings):  # noqa: F811  (the fixture, imported above)
    """One of everything the paths name, so generated requests reach real objects, not only 404s."""
    # Requests without a valid token are refused by a limit per address (tested in
    # test_tokens); here it would turn the rest of the examples into 429s.
    settings.ACCORD_API_BAD_TOKEN_LIMIT = 0
    p = active
    kpi = KPIFactory(partnership=p)
    MeasurementFactory(kpi=kpi)
    return {
        "partnership_pk": p.pk,
        "partnerships": p.pk,
        "organizations": p.organization_id,
        "contacts": p.contact.pk,
        "objectives": ObjectiveFactory(partnership=p).pk,
        "kpis": kpi.pk,
        "kpi_pk": kpi.pk,
        "check-ins": CheckInFactory(partnership=p).pk,
        "action-items": ActionItemFactory(partnership=p).pk,
        "concerns": ConcernFactory(partnership=p).pk,
        "reviews": HeldReviewFactory(partnership=p).pk,
    }


def aim(case, world) -> None:
    """Point every other generated request at the objects that exist; the rest keep their random
    ids and so walk the 404s."""
    if not case.path_parameters or zlib.crc32(repr(sorted(case.query or {})).encode()) % 2:
        return
    segments = [part for part in case.path.split("/") if part and not part.startswith("{")]
    for name in case.path_parameters:
        key = segments[-1] if name == "id" else name
        if key in world:
            case.path_parameters[name] = world[key]


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_the_schema_says(case, wsgi_transaction, world, alice):
    aim(case, world)
    secret = token_for(alice)
    # An id that names no row (``organization=0``) is refused with 400 by design, and no schema
    # can say which ids exist. A parameter the operation does not know is ignored, as HTTP APIs
    # do, rather than refused; every other check runs.
    excluded = [positive_data_acceptance]
    known = {parameter.name for parameter in case.operation.query}
    if set(case.query or {}) - known:
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, excluded_checks=excluded)
