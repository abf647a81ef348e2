"""Fuzz every operation of the OpenAPI schema as each main role and as an anonymous client.

The schema is read from the running application (``/api/schema/``), so an endpoint added later is fuzzed
without touching this file. schemathesis generates requests that fit the schema (positive) and requests that
break it (negative); each is sent in-process to the WSGI application, and the answer must not be a server
error and must conform to the schema: a documented status code, the documented content type, a body that
matches the documented schema, and the documented headers.

Path parameters are drawn partly from the records the role can list (so detail pages, transitions and
nested resources are reached with real identifiers) and partly at random. The run is derandomized: the same
code gives the same requests, so a failure in CI reproduces locally. ``MEKS_FUZZ_EXAMPLES`` sets the number of
examples per operation, role and mode (2 by default, which keeps the whole module near two minutes on SQLite).
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import share_test_connection

pytestmark = pytest.mark.django_db

#: The main roles of the platform, by their demo account; ``None`` is the anonymous public.
ROLES = {
    "project_office": "office",
    "akimat": "akimat.karaganda",
    "utility": "utility",
    "financial_operator": "baiterek",
    "bank": "bank",
    "contractor": "contractor",
    "contact_centre": "operator",
    "anonymous": None,
}
EXAMPLES = int(os.environ.get("MEKS_FUZZ_EXAMPLES", "2"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
#: How many real identifiers of a collection are offered to the fuzzer for a path parameter.
KNOWN_IDS = 3
PARAMETER = re.compile(r"\{([^}]+)\}")


@pytest.fixture(scope="module")
def api_schema(fuzz_demo, in_process_wsgi, django_db_blocker):
    """The OpenAPI schema as the running application publishes it, read once per module."""
    from config.wsgi import application

    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


def can_break(operation: Any) -> bool:
    """Whether a negative example of the operation can exist: a body, or a parameter that is not free text.

    A parameter that takes any string (a KATO code in the path, a search word) cannot be sent wrong: every
    value that reaches the server is a string. Without this, hypothesis searches in vain for seconds.
    """
    if operation.body:
        return True
    for parameter in operation.iter_parameters():
        schema = parameter.definition.get("schema", {})
        if set(schema) - {"type", "description", "title"} or schema.get("type") != "string":
            return True
    return False


def known_identifiers(client: Any, path: str) -> dict[str, list[Any]]:
    """Real values for the path parameters of ``path``, read from the collections the client can list.

    ``/projects/{project_id}/milestones/{id}/``: ``project_id`` comes from ``/projects/``, ``id`` from the
    milestones of the first project found. A parameter whose collection cannot be listed gets none.
    """
    found: dict[str, list[Any]] = {}
    for match in PARAMETER.finditer(path):
        name = match.group(1)
        collection = path[: match.start()]
        for earlier, values in found.items():
            if not values:
                return found
            collection = collection.replace("{" + earlier + "}", str(values[0]))
        response = client.get(collection, {"limit": 10})
        values: list[Any] = []
        if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
            body = response.json()
            items = body.get("results", []) if isinstance(body, dict) else body
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    value = item.get(name, item.get("id", item.get("kato", item.get("code"))))
                    if value is not None:
                        values.append(value)
        found[name] = values[:KNOWN_IDS]
    return found


def case_strategy(operation: Any, mode: Any, known: dict[str, list[Any]]) -> Any:
    """Cases of one operation: with random path parameters, and with the real ones when there are some."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    if known and all(known.values()):
        combinations = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
        strategies.append(combinations.flatmap(
            lambda parameters: operation.as_strategy(generation_mode=mode, path_parameters=parameters)
        ))
    return st.one_of(strategies)


def fuzz_operation(operation: Any, *, headers: dict[str, str], known: dict[str, list[Any]]) -> list[str]:
    """Run the operation's examples in both modes; each request in a savepoint rolled back after it."""
    failures = []
    modes = [schemathesis.GenerationMode.POSITIVE]
    if can_break(operation):
        modes.append(schemathesis.GenerationMode.NEGATIVE)
    for mode in modes:

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  print_blob=False)
        @given(case=case_strategy(operation, mode, known))
        def run(case: Any) -> None:
            with transaction.atomic():
                try:
                    response = case.call(headers=headers)
                    case.validate_response(response, checks=CHECKS, headers=headers)
                finally:
                    transaction.set_rollback(True)

        try:
            run()
        except Unsatisfiable:
            pass  # no input of this operation can be made to break its schema (free-form strings only)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis groups the failures of one case
            failures.append(f"{operation.label} [{mode.value}]: {error}")
    return failures


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_conforms_for_role(role, fuzz_demo, api_schema, in_process_wsgi):
    from django.core.cache import cache
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    username = ROLES[role]
    headers = {"Accept-Language": "en"}
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if username:
        token, _ = Token.objects.get_or_create(user=fuzz_demo[username])
        headers["Authorization"] = f"Token {token.key}"
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 90, "the schema lost operations"

    failures = []
    for operation in operations:
        cache.clear()  # throttling counters: one operation's 429s must not spill into the next
        known = known_identifiers(client, operation.path)
        share_test_connection()  # the test client has just reconnected the handlers that close it
        failures += fuzz_operation(operation, headers=headers, known=known)
    assert not failures, f"{len(failures)} operation(s) failed for {role}:\n\n" + "\n\n".join(failures)
