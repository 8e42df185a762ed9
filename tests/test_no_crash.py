"""No input crashes a fake: every answer is a modelled 4xx or the documented success, never an internal error.

The simulator (parsed and wire level), the stubber and the HTTP server are fed every value of
``invalid_create_job_requests()``, valid requests with members swapped for values drawn from
other members' shapes (every member valid alone, the whole perhaps not), and arbitrary JSON
values over the request's members. botocore's own ``ParamValidationError`` is a legitimate
answer for what it refuses before sending (the real SDK does the same); anything else must be
a ``ClientError`` with a code the model documents for the operation and its modelled status, or
the success answer. Raw JSON bodies, which no SDK would send, go straight to
``BedrockSimulator.handle_http`` (what the server serves) and must get a rest-json 4xx or 201.

The default profile runs a few seconds; ``HYPOTHESIS_PROFILE=thorough`` runs many more examples.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import botocore.config
import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.server import start_server
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator
from pytest_bedrock_mock.fakes.stubber import BedrockStubber
from pytest_bedrock_mock.strategies import create_job_requests, from_shape, invalid_create_job_requests

CREATE = "CreateModelCustomizationJob"
SHAPE = get_model().input_shape(CREATE)
#: Codes the server itself may answer (not the operation's): malformed JSON, and the exotic inputs of a raw body.
SERVER_CODES = {"SerializationException": 400}

_SCALARS = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True)
            | st.text(max_size=12) | st.sampled_from(["", "x.y.z", "IMPORTED", "DISTILLATION", "arn:aws:bedrock:us-east-1::foundation-model/a.b"]))
JSON_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
MEMBER_NAMES = st.sampled_from([*SHAPE.members, "unexpectedMember"])
VALID = create_job_requests()
MEMBER_VALUES = {name: from_shape(member, max_items=2) for name, member in SHAPE.members.items()}


@st.composite
def _swapped(draw: Any) -> dict[str, Any]:
    """A valid request with a few members replaced by values valid for *some* member (rules, not fields, are at stake)."""
    params = dict(draw(VALID))
    for name in draw(st.lists(st.sampled_from(list(SHAPE.members)), max_size=3, unique=True)):
        if draw(st.booleans()):
            params[name] = draw(MEMBER_VALUES[name])
        else:
            params.pop(name, None)
    return params


@st.composite
def _arbitrary(draw: Any) -> dict[str, Any]:
    """A valid request with members set to arbitrary JSON values, or a dict of arbitrary members."""
    base = dict(draw(VALID)) if draw(st.booleans()) else {}
    base.update(draw(st.dictionaries(MEMBER_NAMES, JSON_VALUES, max_size=4)))
    return base


REQUESTS = st.one_of(invalid_create_job_requests().map(lambda case: case[0]), _swapped(), _arbitrary())


def _client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return botocore.session.get_session().create_client("bedrock", region_name=region, aws_access_key_id="testing",
                                                          aws_secret_access_key="testing", **kwargs)


def _answer_is_modelled(call: Callable[[], Any]) -> None:
    """The call succeeds with a job ARN, or botocore refuses it, or the fake answers a documented error."""
    try:
        answer = call()
    except ParamValidationError:
        return
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        errors = get_model().errors(CREATE)
        assert code in errors, f"undocumented error {code}: {exc}"
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == errors[code].http_status
        assert 400 <= errors[code].http_status < 500, f"an internal error answered a request: {exc}"
        return
    assert answer["jobArn"].startswith("arn:aws"), answer


@pytest.fixture(scope="module")
def client() -> Any:
    return _client()


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_the_simulator_answers_every_request_with_a_modelled_answer(level: str, client: Any) -> None:
    sim = BedrockSimulator(level=level)

    @settings(suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(REQUESTS)
    def check(params: dict[str, Any]) -> None:
        _answer_is_modelled(lambda: client.create_model_customization_job(**params))

    with sim.activated():
        check()


def test_the_stubber_answers_every_request_with_a_modelled_answer(client: Any) -> None:
    stubber = BedrockStubber(client)

    @settings(suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(REQUESTS)
    def check(params: dict[str, Any]) -> None:
        stubber.add_create_job()  # the answer for a request the stubber lets through
        _answer_is_modelled(lambda: client.create_model_customization_job(**params))
        assert not stubber.failures

    with intercept.activate(stubber):
        check()


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with start_server(seed=7) as handle:
        yield handle


def test_the_server_answers_every_request_with_a_modelled_answer(server: Any) -> None:
    client = server.client(config=botocore.config.Config(retries={"max_attempts": 1}))  # a 500 is not retried away

    @settings(max_examples=max(10, settings().max_examples // 3), suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(REQUESTS)
    def check(params: dict[str, Any]) -> None:
        _answer_is_modelled(lambda: client.create_model_customization_job(**params))

    with server.passthrough():
        check()


def _body(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


_SIM = BedrockSimulator()
RAW_BODIES = st.one_of(
    st.dictionaries(MEMBER_NAMES, JSON_VALUES, max_size=6).map(_body),
    _arbitrary().map(_body),
    JSON_VALUES.map(_body),
    st.binary(max_size=40),
)


@settings(suppress_health_check=[HealthCheck.too_slow], database=None)
@given(RAW_BODIES)
@example(_body({"jobName": float("inf")}))  # found by the thorough profile: a non-finite value in a message
@example(_body({"hyperParameters": {"epochCount": float("nan")}, "maxResults": 2**80}))
def test_raw_bodies_get_a_rest_json_answer(body: bytes) -> None:
    """What no SDK sends (NaN, 2**70, a list for a body, bytes that are not JSON) still gets a modelled rest-json answer."""
    status, headers, answer = _SIM.handle_http("POST", "/model-customization-jobs", "", {"Content-Type": "application/json"}, body)
    document = json.loads(answer)
    if status == 201:
        assert set(document) == {"jobArn"}
        return
    code = headers["x-amzn-ErrorType"].split(":", 1)[0]
    expected = {c: e.http_status for c, e in get_model().errors(CREATE).items()} | SERVER_CODES
    assert expected.get(code) == status and 400 <= status < 500, (status, headers, answer)
    assert isinstance(document.get("message"), str)
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in document.values())

