"""Property-based API tests against the served OpenAPI document (schemathesis), on SQLite and PostgreSQL.

Every operation gets positive (schema-valid) and negative (schema-violating) requests, signed in as an organiser.
Positive requests address real objects (an accounted event holding credits, a certificate, the shipped factor
release) so they reach the services instead of stopping at 404; negative ones keep their generated paths.
Whatever arrives, the server never answers 5xx, and every answer (status code, content type, body) matches
what the document says; a request the document calls invalid is refused with 4xx. Bounded: a few examples per
operation and mode, derandomised, so a run is repeatable and takes well under a minute per database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from zhonghe.api.tests.support import make_key
from zhonghe.certificates.services import certificate_issue
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.services import credits_retire

MAX_EXAMPLES = 8

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: a finished request must not close the test's connection (its transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(actors, keep_test_connection):
    """Headers of an organiser key, and the real path parameters positive requests use."""
    project = project_with_credits(actors, 1000)
    certified, _inventory = accounted_event(actors.organiser, name="已颁证的活动")
    buy(actors, project, 113)
    credits_retire(
        actor=actors.organiser, event_code=certified.code, project_code=project.code, quantity_t=13, reason="抵消"
    )
    accepted_evaluation(actors, certified)
    certificate = certificate_issue(actor=actors.organiser, event_code=certified.code)
    event, _inventory = accounted_event(actors.organiser, name="待抵消的活动")  # 100 t held to retire against it
    return {
        "headers": {"Authorization": f"Bearer {make_key(actors, 'organiser')}"},
        "path": {"code": str(event.code), "number": certificate.number, "release_code": "CQ-2025"},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, world):
    if case.meta and case.meta.generation.mode == GenerationMode.POSITIVE and case.path_parameters:
        for name in case.path_parameters.keys() & world["path"].keys():
            if not case.path.startswith("/api/v1/orders"):  # an order code is not an event code
                case.path_parameters[name] = world["path"][name]
    case.call_and_validate(headers=world["headers"], checks=CHECKS)
