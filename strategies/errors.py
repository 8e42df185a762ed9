"""Strategies for the documented errors of each operation (:func:`client_errors`).

Built on both :mod:`~pytest_bedrock_mock.strategies.named` and
:mod:`~pytest_bedrock_mock.strategies.invalid` (a Create ``ValidationException`` carries the
service's message for an invalid request), so neither of those imports the other.

Public names: :class:`ErrorCase`, :func:`client_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import strategies as st

from pytest_bedrock_mock.contract.validate import validate_request, validation_message
from pytest_bedrock_mock.core import values
from pytest_bedrock_mock.core.errorcodes import default_message
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.strategies._exercised import exercised
from pytest_bedrock_mock.strategies.invalid import invalid_create_job_requests
from pytest_bedrock_mock.strategies.named import _FIXED, CREATE
from pytest_bedrock_mock.strategies.walker import ABSENT, from_shape

__all__ = ["ErrorCase", "client_errors"]

@dataclass(frozen=True)
class ErrorCase:
    """A documented error of an operation, with its modelled HTTP status and an AWS-style message."""

    operation: str
    code: str
    http_status: int
    message: str
    sender_fault: bool
    fields: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def response(self) -> dict[str, Any]:
        """The parsed error response botocore builds (``ClientError.response``)."""
        return {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": {"HTTPStatusCode": self.http_status, "HTTPHeaders": {"x-amzn-errortype": f"{self.code}:http://internal.amazon.com/coral/com.amazon.bedrock/"}},
            **self.fields,
            "message": self.message,
        }

    def client_error(self) -> ClientError:
        """The :class:`botocore.exceptions.ClientError` a real client raises for this error."""
        return ClientError(self.response, self.operation)  # type: ignore[arg-type]


def _message(operation: str, code: str) -> st.SearchStrategy[str]:
    if code == "ValidationException" and operation == CREATE:
        # only what botocore lets through reaches the service
        return invalid_create_job_requests(client_side=False).map(lambda case: validation_message(validate_request(CREATE, case[0])))
    if code == "ValidationException":
        return st.just("1 validation error detected: Value null at 'jobIdentifier' failed to satisfy constraint: Member must not be null")
    resource = values.job_arn(_FIXED, values.DEFAULT_BASE_MODELS[0])
    return st.just(default_message(code, operation=operation, resource=resource))


def client_errors(operation: str) -> st.SearchStrategy[ErrorCase]:
    """Every documented error code of ``operation`` (from the model), with its HTTP status.

    ``ValidationException`` for Create carries the service's message for a request that
    only the service rejects. Other messages are the kit's defaults
    (:func:`pytest_bedrock_mock.core.errorcodes.default_message`, modelled on public captures
    where there are any; docs/undocumented-behaviour.md#error-messages).
    """
    model = get_model()
    name = model.operation_name(operation)
    strategies = []
    for code, info in model.errors(name).items():
        extra = from_shape(info.shape, overrides={"message": ABSENT} if "message" in info.shape.members else {}, realistic=True)
        strategies.append(st.builds(ErrorCase, st.just(name), st.just(code), st.just(info.http_status), _message(name, code),
                                    st.just(info.sender_fault), extra))
    return exercised(st.one_of(strategies), name, lambda case: (case.response,))
