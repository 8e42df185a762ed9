"""ListModelCustomizationJobs: filters, sorting and ``nextToken`` pagination.

Filters: ``statusEquals`` (exact), ``nameContains`` (substring of the job name; the
service does not document case sensitivity, so it is the ``name_contains_ignore_case``
option, default case-sensitive), ``creationTimeAfter``/``creationTimeBefore``
(strictly after / before). Sorting: ``sortBy=CreationTime`` (the only value the model
has), ``sortOrder`` ``Descending`` by default (undocumented; ``default_sort_order``
option). Ties are broken by creation order so pages never overlap.

``nextToken`` is an opaque cursor: the sort key of the last job on the page, so jobs
created while a client pages through do not shift later pages. It is signed with the
simulator's secret (:func:`token_secret`), so a token this simulator did not issue -- garbage,
or a well-formed cursor a client made up -- answers ``ValidationException`` "Invalid
pagination token" (the service's wording is undocumented; several AWS services word it so). ``maxResults`` defaults to 100 (undocumented; ``default_max_results``).

A page is read from the region's :class:`~pytest_bedrock_mock.fakes.simulator.index.JobIndex`:
creation-time bounds and the cursor are bisected, then jobs are visited in order until the page
and one more are found (the one more decides ``nextToken``), skipping blocks without a job in
the ``statusEquals`` status. A page costs O(log n + page) unfiltered or filtered by creation time
or status, O(page / fraction of jobs matching) with ``nameContains``, and, for a filter matching
nothing, O(n / BLOCK) with ``statusEquals`` but O(n) with ``nameContains``.

Public names: :class:`ListOptions`, :func:`list_page`, :class:`BadToken`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.utils import parse_to_aware_datetime

from pytest_bedrock_mock.errors import BadToken
from pytest_bedrock_mock.fakes.simulator.index import JobIndex, Position
from pytest_bedrock_mock.fakes.simulator.jobs import Job

__all__ = ["BadToken", "ListOptions", "list_page", "token_secret"]


@dataclass(frozen=True)
class ListOptions:
    """The undocumented defaults of List, configurable."""

    default_max_results: int = 100
    default_sort_order: str = "Descending"
    name_contains_ignore_case: bool = False
    secret: bytes = b""  # signs the tokens (the backend's own; see token_secret)


def token_secret(seed: int | None) -> bytes:
    """The key a simulator signs its ``nextToken`` cursors with: derived from ``seed`` (the same tokens each run), else random."""
    return hashlib.sha256(f"pytest-bedrock-mock:{seed}".encode()).digest() if seed is not None else os.urandom(32)


def _mac(raw: bytes, secret: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, raw, hashlib.sha256).digest()[:12]).decode()


def _encode(job: Job, secret: bytes) -> str:
    raw = json.dumps([job.created.timestamp(), job.seq], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + _mac(raw, secret)


def _decode(token: str, secret: bytes) -> tuple[float, int]:
    cursor, _, mac = token.partition(".")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if not hmac.compare_digest(mac, _mac(raw, secret)):
            raise ValueError("not issued by this simulator")
        stamp, seq = json.loads(raw)
        return float(stamp), int(seq)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadToken("Invalid pagination token.") from exc


def _as_dt(value: Any) -> _dt.datetime:
    """A timestamp parameter as botocore's serializer reads it (datetime, epoch seconds or ISO 8601; naive is UTC)."""
    parsed: _dt.datetime = parse_to_aware_datetime(value)
    return parsed


def _key(job: Job) -> tuple[float, int]:
    """What a ``nextToken`` cursor is compared with."""
    return (job.created.timestamp(), job.seq)


def _matches(job: Job, params: Mapping[str, Any], ignore_case: bool) -> bool:
    status = params.get("statusEquals")
    if status is not None and job.status != status:
        return False
    name = params.get("nameContains")
    if name is not None:
        if ignore_case and name.lower() not in job.name.lower():
            return False
        if not ignore_case and name not in job.name:
            return False
    after = params.get("creationTimeAfter")
    if after is not None and not job.created > _as_dt(after):
        return False
    before = params.get("creationTimeBefore")
    return before is None or job.created < _as_dt(before)


def _bounds(index: JobIndex, params: Mapping[str, Any], cursor: tuple[float, int] | None, descending: bool) -> tuple[Position, Position]:
    """The positions in ``index`` between which the creation-time filters and the cursor let jobs through."""
    after, before = params.get("creationTimeAfter"), params.get("creationTimeBefore")
    low: list[Callable[[Job], bool]] = []  # each False, then True, in List order: the first True is the start
    high: list[Callable[[Job], bool]] = []  # the first True is the end
    if after is not None:
        after_dt = _as_dt(after)
        low.append(lambda j: j.created > after_dt)
    if before is not None:
        before_dt = _as_dt(before)
        high.append(lambda j: j.created >= before_dt)
    if cursor is not None:
        (high if descending else low).append((lambda j: _key(j) >= cursor) if descending else (lambda j: _key(j) > cursor))
    start = index.first(lambda j: all(p(j) for p in low)) if low else (0, 0)
    stop = index.first(lambda j: any(p(j) for p in high)) if high else index.end
    return start, stop


def list_page(index: JobIndex, params: Mapping[str, Any], options: ListOptions) -> tuple[list[Job], str | None]:
    """The jobs of one page and the ``nextToken`` for the next one (None on the last page)."""
    descending = params.get("sortOrder", options.default_sort_order) == "Descending"
    token = params.get("nextToken")
    cursor = _decode(token, options.secret) if token is not None else None
    if cursor is not None and math.isnan(cursor[0]):
        return [], None  # a cursor nothing compares with: no job is after it
    size = int(params.get("maxResults") or options.default_max_results)
    start, stop = _bounds(index, params, cursor, descending)
    chosen: list[Job] = []
    for job in index.walk(start, stop, descending=descending, status=params.get("statusEquals")):
        if _matches(job, params, options.name_contains_ignore_case):
            chosen.append(job)
            if len(chosen) > size:
                break
    page = chosen[:size]
    next_token = _encode(page[-1], options.secret) if len(chosen) > size else None
    return page, next_token
