"""Error codes as the service answers them: statuses, default messages, and whether botocore retries them.

* :data:`COMMON_ERRORS`: the errors every AWS service can send that no service model lists
  (``UnrecognizedClientException``, ``ExpiredTokenException``, ``RequestTimeoutException``,
  ``SerializationException``, ...), each a :class:`CommonError` with its HTTP status and a
  message, typed in the ``com.amazon.coral.service`` namespace. Their statuses are those of the
  AWS *Common Errors* page (docs/undocumented-behaviour.md#common-aws-errors names the sources);
  an error the bedrock model documents (``AccessDeniedException`` 403, ``ThrottlingException``
  429) keeps the model's status and is not in this table.
* :func:`error_status`: the status an operation answers a code with, from the model for a
  documented error and from :data:`COMMON_ERRORS` otherwise; any other code is an
  :class:`~pytest_bedrock_mock.errors.UnknownNameError` listing both.
* :func:`default_message`: the one table of default messages (documented and common errors).
* :func:`retried_by_botocore`: which botocore retry modes retry an answer, asked of botocore's
  own retry configuration (``_retry.json`` for ``legacy``, ``retries/standard.py`` for
  ``standard``/``adaptive``), never copied.

>>> COMMON_ERRORS["ExpiredTokenException"].status
403
>>> retried_by_botocore("ServiceUnavailable", 503)
('legacy', 'standard')

Public names: :class:`CommonError`, :data:`COMMON_ERRORS`, :func:`error_status`, :func:`is_common`,
:func:`default_message`, :func:`retried_by_botocore`, :data:`DUPLICATE_JOB_NAME_MESSAGE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import UnknownNameError

__all__ = ["COMMON_ERRORS", "DUPLICATE_JOB_NAME_MESSAGE", "CommonError", "default_message", "error_status", "is_common", "retried_by_botocore"]

_PAGE = "AWS Common Errors page (docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html)"


@dataclass(frozen=True)
class CommonError:
    """An error any AWS service may answer: its code, HTTP status, default message and where they come from."""

    code: str
    status: int
    message: str
    source: str = _PAGE

    @property
    def retried_by(self) -> tuple[str, ...]:
        """The botocore retry modes that retry this error (see :func:`retried_by_botocore`)."""
        return retried_by_botocore(self.code, self.status)


def _table(*rows: CommonError) -> dict[str, CommonError]:
    return {row.code: row for row in rows}


#: Errors any AWS rest-json service can answer that its model does not list: code -> :class:`CommonError`.
COMMON_ERRORS: dict[str, CommonError] = _table(
    CommonError("UnrecognizedClientException", 403, "The security token included in the request is invalid.",
                _PAGE + "; message as in public captures (GitHub issues quoting the service's JSON body)"),
    CommonError("ExpiredTokenException", 403, "The security token included in the request is expired",
                _PAGE + "; message as in public captures"),
    CommonError("InvalidSignatureException", 403, "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                "public captures of com.amazon.coral.service#InvalidSignatureException answers (HTTP 403)"),
    CommonError("IncompleteSignature", 403, "The request signature does not conform to AWS standards."),
    CommonError("NotAuthorized", 401, "You do not have permission to perform this action."),
    CommonError("OptInRequired", 403, "The AWS access key ID needs a subscription for the service."),
    CommonError("RequestExpired", 400, "The request reached the service more than 15 minutes after the date stamp on the request."),
    CommonError("RequestTimeoutException", 408, "The request timed out: the service did not read the whole request in time."),
    CommonError("RequestAbortedException", 400, "The request was aborted before a reply was sent back."),
    CommonError("MalformedHttpRequestException", 400, "The request could not be read at the HTTP level (for example a body that does not decompress)."),
    CommonError("InternalFailure", 500, "The request processing has failed because of an unknown error, exception or failure."),
    CommonError("ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server."),
    CommonError("SerializationException", 400, "The request body could not be deserialized.",
                "Firehose and Elastic Load Balancing answers to unreadable bodies (docs/server.md#error-answers)"),
    CommonError("UnknownOperationException", 404, "No operation answers this method and path."),
    CommonError("RequestEntityTooLargeException", 413, "The request body is larger than the server accepts."),
)

#: Default messages of the errors the bedrock model documents (``{action}``: the operation,
#: ``{resource}``: the job or ARN the call named). Where each wording comes from:
#: docs/undocumented-behaviour.md#error-messages.
_MESSAGES: dict[str, str] = {
    "AccessDeniedException": "User: arn:aws:iam::123456789012:user/test-user is not authorized to perform: bedrock:{action} "
                             "on resource: {resource} because no identity-based policy allows the bedrock:{action} action",
    "ThrottlingException": "Too many requests, please wait before trying again.",
    "InternalServerException": "Encountered an internal error when processing the request.",
    "ResourceNotFoundException": "The specified model customization job {resource} could not be found.",
    "ConflictException": "The request could not be completed because of a conflict with the current state of the resource.",
    "ServiceQuotaExceededException": "The number of model customization jobs exceeds the service quota for this account.",
    "TooManyTagsException": "The request contains more tags than can be associated with a resource (at most 200).",
    "ValidationException": "1 validation error detected: the request failed to satisfy a constraint.",
}
#: Where an operation words an error its own way (Create's resource is the base model).
_OPERATION_MESSAGES: dict[tuple[str, str], str] = {
    ("CreateModelCustomizationJob", "ResourceNotFoundException"): "The base model {resource} could not be found.",
}
_ANY_JOB = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/*"
#: The ``ValidationException`` message for a Create whose ``jobName`` is taken, as public client
#: code matches it (Apache Airflow's Bedrock operator and its tests; docs/undocumented-behaviour.md).
DUPLICATE_JOB_NAME_MESSAGE = "The provided job name is currently in use."


def default_message(code: str, *, operation: str | None = None, resource: str | None = None) -> str:
    """The message ``code`` is answered with by default (``operation``/``resource`` fill in the wording)."""
    if code in COMMON_ERRORS:
        return COMMON_ERRORS[code].message
    template = _OPERATION_MESSAGES.get((operation or "", code)) or _MESSAGES.get(code)
    if template is None:
        return f"{code} (pytest-bedrock-mock default message)"
    return template.format(action=operation or "CreateModelCustomizationJob", resource=resource or _ANY_JOB)


def is_common(operation: str | None, code: str) -> bool:
    """True when ``code`` is answered as a common AWS error (not documented for ``operation``)."""
    if code not in COMMON_ERRORS:
        return False
    return operation is None or code not in get_model().errors(operation)


def error_status(operation: str, code: str) -> int:
    """The HTTP status ``operation`` answers ``code`` with: the model's for a documented error, else the common error's.

    Raises :class:`UnknownNameError` listing the operation's documented errors and the common ones.
    """
    model = get_model()
    documented = model.errors(operation)
    if code in documented:
        return documented[code].http_status
    if code in COMMON_ERRORS:
        return COMMON_ERRORS[code].status
    raise UnknownNameError(f"error code for {model.operation_name(operation)} (documented, then common AWS errors)",
                           code, (*documented, *COMMON_ERRORS))


@lru_cache(maxsize=1)
def _legacy_checker() -> Any:
    import botocore.session
    from botocore import retryhandler, translate

    config = botocore.session.get_session().get_component("data_loader").load_data("_retry")
    built = translate.build_retry_config("bedrock", config["retry"], config.get("definitions", {}))
    return retryhandler.create_checker_from_retry_config(built, None)


@lru_cache(maxsize=256)
def retried_by_botocore(code: str, status: int) -> tuple[str, ...]:
    """Which botocore retry modes retry an error answer ``(code, status)``: ``legacy``, ``standard`` (and adaptive), both or neither."""
    from botocore.awsrequest import AWSResponse
    from botocore.retries import standard

    response = AWSResponse("https://bedrock.fake/", status, {}, None)
    parsed = {"Error": {"Code": code}}
    modes = []
    if _legacy_checker()(attempt_number=1, response=(response, parsed), caught_exception=None, retries_context={}):
        modes.append("legacy")
    context = standard.RetryContext(attempt_number=1, parsed_response=parsed, http_response=response)
    if any(check.is_retryable(context) for check in (standard.TransientRetryableChecker(), standard.ThrottledRetryableChecker())):
        modes.append("standard")
    return tuple(modes)
