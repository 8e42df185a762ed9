"""Fixtures ``bedrock_stubber``, ``bedrock_client`` and ``bedrock_calls``.

``bedrock_stubber``'s options (``stubber.*`` in the options table) are resolved once per test;
``bedrock_client`` binds to the fake the test uses (:func:`~pytest_bedrock_mock.plugin.choice.client_fake`),
and ``bedrock_calls`` is that fake's :class:`~pytest_bedrock_mock.fakes.base.CallLog`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.plugin import outcome
from pytest_bedrock_mock.plugin.choice import client_fake, is_upstream
from pytest_bedrock_mock.plugin.outcome import failed
from pytest_bedrock_mock.plugin.resolve import options_for, session_options

if TYPE_CHECKING:  # botocore and the fakes are imported when a test first asks for a fixture
    from pytest_bedrock_mock.fakes.base import CallLog
    from pytest_bedrock_mock.fakes.stubber import BedrockStubber

__all__ = ["bedrock_calls", "bedrock_client", "bedrock_stubber"]



@pytest.fixture(scope="session")
def _bedrock_session_client(pytestconfig: pytest.Config) -> Any:
    """One real botocore bedrock client per session (creating one costs milliseconds)."""
    import botocore.session

    from pytest_bedrock_mock.fakes import intercept

    session = botocore.session.Session()
    return session.create_client("bedrock", region_name=session_options(pytestconfig).region, **intercept.DUMMY_CREDENTIALS)


@pytest.fixture
def bedrock_stubber(request: pytest.FixtureRequest, _bedrock_session_client: Any) -> Iterator[BedrockStubber]:
    """A :class:`~pytest_bedrock_mock.fakes.stubber.BedrockStubber` answering every bedrock client during the test."""
    __tracebackhide__ = True
    from pytest_bedrock_mock.fakes.stubber import BedrockStubber, stubbing

    options = options_for(request).stubber
    outcome.register(request.config)  # its teardown asks whether the test failed
    stubber = BedrockStubber(_bedrock_session_client, validate_requests=options.validate_requests, unordered=options.unordered, seed=options.seed)
    # A failed test has its report; teardown adds none for the same cause.
    with stubbing(stubber, owner="the bedrock_stubber fixture", allow_unused=options.allow_unused, failed=lambda: failed(request.node)):
        yield stubber


@pytest.fixture
def bedrock_client(request: pytest.FixtureRequest, _bedrock_session_client: Any) -> Any:
    """A real botocore bedrock client (dummy credentials) answered by the test's fake.

    That fake is the one the test asks for (``bedrock_fake``, ``bedrock_cassette``, the
    ``bedrock_variant`` it serves, ...); with ``bedrock_server`` the client talks to the server
    (also beside ``bedrock_cassette``, which then records from the server); with none, it is ``bedrock_stubber``.
    """
    fake = client_fake(request.node)
    if fake == "bedrock_server" or is_upstream(request.node, "bedrock_server"):  # beside a cassette: the server it records from
        return request.getfixturevalue("bedrock_server").client(region=session_options(request.config).region)
    if fake is not None:
        request.getfixturevalue(fake)
    return _bedrock_session_client


@pytest.fixture
def bedrock_calls(request: pytest.FixtureRequest, bedrock_client: Any) -> CallLog:
    """The :class:`~pytest_bedrock_mock.fakes.base.CallLog` of the fake the test uses, whichever it is.

    The same object as ``bedrock_stubber.calls``, ``bedrock_fake.calls``, ``bedrock_server.calls``
    or ``bedrock_cassette.calls``; with ``bedrock_variant``, the log of the fake serving the variant.
    """
    from pytest_bedrock_mock.fakes import intercept

    if "bedrock_variant" in request.fixturenames:
        request.getfixturevalue("bedrock_variant")
    fake = intercept.active_fake()
    if fake is None:
        raise LookupError("no fake is active in this test, so there are no bedrock calls to show (docs/interception.md)")
    return fake.calls
