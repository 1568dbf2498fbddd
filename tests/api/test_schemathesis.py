"""Property-based checks of every API operation against its own OpenAPI schema
(schemathesis): no server error, and every answer — status code, content
type, headers, body — is what the schema says. The schema is loaded from the
running Django WSGI application; platform operations use a platform token,
court operations a court token."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.models import Court, Organisation
from tests.api.helpers import connect
from tests.factories import CourtFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


# Loaded at collection (pytest-django has set Django up by then; serving the
# schema touches no database). schemathesis.pytest.from_fixture would load it
# per test, but its lazy loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI app closes database connections at the end of each request
    (as in production); that would close the test's transaction. Django's test
    client switches this off the same way."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(db, settings):
    settings.API_RATE = settings.API_BULK_RATE = "100000/min"
    court = CourtFactory(level=Court.Level.BASIC)
    return {"platform": connect(kind=Organisation.Kind.PLATFORM).secret,
            "court": connect(kind=Organisation.Kind.COURT, court=court).secret}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_conforms_to_the_schema(case, tokens):
    who = "platform" if case.operation.path.startswith("/api/v1/complaints") else "court"
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
