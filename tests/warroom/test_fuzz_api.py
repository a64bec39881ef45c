"""Schemathesis over every operation of /api/v1/openapi.json, against a real server, with a valid admin token.

Fails on any 5xx, any answer that does not match its schema or is not JSON, and any write behind a refused
request. A fixed seed and a bounded number of examples per operation keep it to minutes in `make test`;
`make fuzz` runs it longer (FUZZ_EXAMPLES).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from incidents import actions
from incidents.models import ApiToken, Incident, Service, StatusUpdate, TimelineEntry, TokenScope
from warroom.api import api

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())

#: The tables a create writes; a refused request must leave every one as it was.
WATCHED = [Incident, TimelineEntry, StatusUpdate, Service]


@pytest.fixture
def fuzz_world(live_app, django_user_model):
    admin = django_user_model.objects.create_superuser("fuzz-admin", password=None)
    checkout = Service.objects.create(name="Checkout", slug="checkout")
    for n in range(2):
        incident = actions.declare_incident(actor=admin, title=f"Fuzz target {n}", severity="SEV2", services=[checkout])
        actions.post_entry(incident, kind="note", body="Looking.", actor=admin)
    raw = ApiToken.issue(admin, name="fuzz", scope=TokenScope.ADMIN)[1]
    return live_app, {"Authorization": f"Bearer {raw}"}


def counts():
    return {model.__name__: model.objects.count() for model in WATCHED}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.filterwarnings("ignore")
def test_every_operation_answers_within_its_contract(case, fuzz_world):
    server, headers = fuzz_world
    before = counts()
    response = case.call(base_url=server.url, headers=headers, timeout=30)
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance, response_schema_conformance])
    if response.status_code >= 400:
        assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
            f"{case.method} {case.formatted_path}: a {response.status_code} that is not JSON"
        )
        assert counts() == before, f"{case.method} {case.formatted_path} was refused ({response.status_code}) but wrote"
