"""Wire answers that async clients can await: the adapter between the fakes and aiobotocore.

A fake answers on the wire (``before-send``) with a botocore ``AWSResponse`` whose ``content``
is bytes. aiobotocore's endpoint awaits ``http_response.content`` instead (its own
``AioAWSResponse`` reads the body asynchronously), so :func:`pytest_bedrock_mock.fakes.intercept`
hands an async client :func:`for_async` of the answer: the same status, headers and bytes, with
``content``/``text`` awaitable and a ``raw`` whose ``read()`` is a coroutine. Nothing here imports
aiobotocore; it is the shape aiobotocore 2.x and 3.x read (``endpoint.convert_to_response_dict``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from botocore.awsrequest import AWSResponse

__all__ = ["AsyncWireResponse", "for_async"]


class _AsyncRaw:
    """The body of an answer, read the way aiobotocore reads an HTTP body (``await raw.read()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, amt: int | None = None) -> bytes:
        data, self._data = (self._data, b"") if amt is None or amt < 0 else (self._data[:amt], self._data[amt:])
        return data

    def stream(self, **_: Any) -> Any:  # what botocore's synchronous AWSResponse reads, for completeness
        yield self._data


async def _ready(value: Any) -> Any:
    return value


class AsyncWireResponse(AWSResponse):  # type: ignore[misc]
    """An ``AWSResponse`` whose ``content`` and ``text`` are awaited, as aiobotocore's endpoint does."""

    def __init__(self, url: str, status_code: int, headers: Any, body: bytes) -> None:
        super().__init__(url, status_code, headers, _AsyncRaw(body))
        self._content = body

    @property
    def content(self) -> Awaitable[bytes]:  # type: ignore[override]
        return _ready(self._content)

    @property
    def text(self) -> Awaitable[str]:  # type: ignore[override]
        return _ready(self._content.decode("utf-8"))


def for_async(response: Any) -> AsyncWireResponse:
    """``response`` (a fake's synchronous wire answer) as an async client awaits it; its body is read now."""
    if isinstance(response, AsyncWireResponse):
        return response
    return AsyncWireResponse(response.url, response.status_code, response.headers, response.content or b"")
