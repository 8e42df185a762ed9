"""Fixtures ``bedrock_stubber`` and ``bedrock_client``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest

from pytest_bedrock_mock.fakes.stubber import BedrockStubber
from pytest_bedrock_mock.plugin import settings_of

_OTHER_FAKES = ("bedrock_fake", "bedrock_cassette", "bedrock_variant")


@pytest.fixture(scope="session")
def _bedrock_session_client(pytestconfig: pytest.Config) -> Any:
    """One real botocore bedrock client per session (creating one costs milliseconds)."""
    session = botocore.session.Session()
    return session.create_client(
        "bedrock",
        region_name=settings_of(pytestconfig).region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
    )


@pytest.fixture
def bedrock_stubber(request: pytest.FixtureRequest, _bedrock_session_client: Any) -> Iterator[BedrockStubber]:
    """A :class:`~pytest_bedrock_mock.fakes.stubber.BedrockStubber` answering every bedrock client during the test."""
    __tracebackhide__ = True
    options = settings_of(request.config).stubber
    for marker in reversed(list(request.node.iter_markers("bedrock_stubber"))):
        try:
            options = options.merged(**marker.kwargs)
        except TypeError as exc:
            raise pytest.UsageError(f"{request.node.nodeid}: {exc}") from None
    if request.node.get_closest_marker("bedrock_no_validation") is not None:
        options = options.merged(validate_requests=False)
    if request.node.get_closest_marker("bedrock_allow_unused") is not None:
        options = options.merged(allow_unused=True)
    stubber = BedrockStubber(_bedrock_session_client, validate_requests=options.validate_requests, unordered=options.unordered, seed=options.seed)
    stubber.activate()
    try:
        yield stubber
    finally:
        stubber.deactivate()
    stubber.verify(allow_unused=options.allow_unused)


@pytest.fixture
def bedrock_client(request: pytest.FixtureRequest, _bedrock_session_client: Any) -> Any:
    """A real botocore bedrock client (dummy credentials) answered by the test's fake.

    With no other fake fixture in the test, the fake is ``bedrock_stubber``.
    """
    if not any(name in request.fixturenames for name in _OTHER_FAKES):
        request.getfixturevalue("bedrock_stubber")
    return _bedrock_session_client
