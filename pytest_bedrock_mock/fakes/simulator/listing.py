"""ListModelCustomizationJobs: filters, sorting and ``nextToken`` pagination.

Filters: ``statusEquals`` (exact), ``nameContains`` (substring of the job name; the
service does not document case sensitivity, so it is the ``name_contains_ignore_case``
option, default case-sensitive), ``creationTimeAfter``/``creationTimeBefore``
(strictly after / before). Sorting: ``sortBy=CreationTime`` (the only value the model
has), ``sortOrder`` ``Descending`` by default (undocumented; ``default_sort_order``
option). Ties are broken by creation order so pages never overlap.

``nextToken`` is an opaque cursor: the sort key of the last job on the page, so jobs
created while a client pages through do not shift later pages. A token that this
simulator did not issue answers ``ValidationException`` (the service's wording is
undocumented). ``maxResults`` defaults to 100 (undocumented; ``default_max_results``).

Public names: :class:`ListOptions`, :func:`list_page`, :class:`BadToken`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_bedrock_mock.errors import BadToken
from pytest_bedrock_mock.fakes.simulator.jobs import Job

__all__ = ["BadToken", "ListOptions", "list_page"]


@dataclass(frozen=True)
class ListOptions:
    """The undocumented defaults of List, configurable."""

    default_max_results: int = 100
    default_sort_order: str = "Descending"
    name_contains_ignore_case: bool = False


def _encode(job: Job) -> str:
    raw = json.dumps([job.created.timestamp(), job.seq], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[float, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        stamp, seq = json.loads(raw)
        return float(stamp), int(seq)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadToken(f"Invalid pagination token: {token!r}") from exc


def _as_dt(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
    return _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


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


def list_page(jobs: Iterable[Job], params: Mapping[str, Any], options: ListOptions) -> tuple[list[Job], str | None]:
    """The jobs of one page and the ``nextToken`` for the next one (None on the last page)."""
    descending = params.get("sortOrder", options.default_sort_order) == "Descending"
    chosen = sorted((j for j in jobs if _matches(j, params, options.name_contains_ignore_case)), key=lambda j: j.sort_key, reverse=descending)
    token = params.get("nextToken")
    if token is not None:
        stamp, seq = _decode(token)
        cursor = (stamp, seq)

        def after_cursor(j: Job) -> bool:
            key = (j.created.timestamp(), j.seq)
            return key < cursor if descending else key > cursor

        chosen = [j for j in chosen if after_cursor(j)]
    size = int(params.get("maxResults") or options.default_max_results)
    page = chosen[:size]
    next_token = _encode(page[-1]) if len(chosen) > size else None
    return page, next_token
