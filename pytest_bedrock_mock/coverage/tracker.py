"""Variant coverage: which variants the answers served in a session showed.

Every fake publishes each answer it serves as a :class:`~pytest_bedrock_mock.core.calls.Call`;
:meth:`Coverage.observe` (the plugin registers it as an observer of the fakes; this module
never imports them) keeps it, and it is classified with :func:`classify` into variants of the
catalogue (:mod:`pytest_bedrock_mock.variants`) and counted off the call path:

* an error answer: ``error: <Operation> <Code>``;
* a Get answer: its status, customization type, sub-task statuses, the member set in each
  tagged union, each optional block present or absent, and the forward-compatibility
  cases (a status, customization type or field the model does not know, a union member
  botocore parsed as ``SDK_UNKNOWN_MEMBER``);
* a List answer: the status and customization type of each summary.

Values the model does not know are kept as *unmodelled* values of their dimension (the
report lists them), so a service ahead of botocore shows up.

Public names: :class:`Coverage`, :func:`classify`, :data:`PENDING_LIMIT`.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.core.model import BedrockModel, get_model
from pytest_bedrock_mock.variants import FORWARD_COMPAT, OPTIONAL_BLOCKS, catalogue, union_paths

__all__ = ["PENDING_LIMIT", "Coverage", "classify"]

GET = "GetModelCustomizationJob"
LIST = "ListModelCustomizationJobs"
_UNKNOWN_MEMBER = "SDK_UNKNOWN_MEMBER"


class _Classifier:
    """What classification needs from one model, computed once."""

    def __init__(self, model: BedrockModel) -> None:
        self.statuses = frozenset(model.statuses)
        self.types = frozenset(model.customization_types)
        unions = [(dim, path.split(".")) for dim, (path, _) in union_paths().items()]
        #: Paths through structures only are looked up directly; others walk lists and maps.
        self.plain_unions = [(dim, parts) for dim, parts in unions if "[]" not in parts and "{}" not in parts]
        self.nested_unions = [(dim, parts) for dim, parts in unions if "[]" in parts or "{}" in parts]
        self.members = frozenset(model.output_shape(GET).members) | {"ResponseMetadata"}
        #: (block, pair when present, pair when absent), built once: classification runs per answer.
        self.blocks = [(b, ("optional", f"{b} present"), ("optional", f"{b} absent")) for b in OPTIONAL_BLOCKS if b in self.members]


@functools.lru_cache(maxsize=8)
def _classifier(model: BedrockModel) -> _Classifier:
    return _Classifier(model)


def _at(node: Any, parts: list[str]) -> Iterable[Any]:
    """Every value at ``parts`` under ``node`` (``[]`` steps into lists, ``{}`` into maps)."""
    if not parts:
        yield node
        return
    head, rest = parts[0], parts[1:]
    if head == "[]" and isinstance(node, list):
        for item in node:
            yield from _at(item, rest)
    elif head == "{}" and isinstance(node, dict):
        for item in node.values():
            yield from _at(item, rest)
    elif isinstance(node, dict) and head in node:
        yield from _at(node[head], rest)


def _enum(out: list[tuple[str, str]], dimension: str, value: Any, known: frozenset[str], unknown: str) -> None:
    if value is None:
        return
    out.append((dimension, str(value)))
    if value not in known:
        out.append((FORWARD_COMPAT, unknown))


def _classify_job(job: Mapping[str, Any], c: _Classifier, out: list[tuple[str, str]]) -> None:
    _enum(out, "status", job.get("status"), c.statuses, "unknown status")
    _enum(out, "customization_type", job.get("customizationType"), c.types, "unknown customization type")
    details = job.get("statusDetails")
    if isinstance(details, dict):
        for task in details.values():
            if isinstance(task, dict) and task.get("status") is not None:
                out.append(("sub_status", str(task["status"])))
    for dim, parts in c.plain_unions:
        node: Any = job
        for part in parts:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            _union(out, dim, node)
    for dim, parts in c.nested_unions:
        for union in _at(job, parts):
            if isinstance(union, dict):
                _union(out, dim, union)
    for block, present, absent in c.blocks:
        out.append(present if job.get(block) is not None else absent)
    if not c.members.issuperset(job):  # a field the model does not know (no set built per answer)
        out.append((FORWARD_COMPAT, "unknown field"))


def _union(out: list[tuple[str, str]], dim: str, union: Mapping[str, Any]) -> None:
    for member in union:
        out.append((FORWARD_COMPAT, "unknown union member") if member == _UNKNOWN_MEMBER else (dim, member))


def classify(served: Call, model: BedrockModel | None = None) -> list[tuple[str, str]]:
    """The ``(dimension, value)`` pairs one served answer shows (values may repeat), by ``model`` (default: the one in use)."""
    out: list[tuple[str, str]] = []
    code = served.error_code
    if code is not None:
        out.append(("error", f"{served.operation} {code}"))
        return out
    c = _classifier(model or get_model())
    if served.operation == GET:
        _classify_job(served.response, c, out)
    elif served.operation == LIST:
        statuses, types = c.statuses, c.types
        for summary in served.response.get("modelCustomizationJobSummaries") or ():
            status, kind = summary.get("status"), summary.get("customizationType")
            if status in statuses and kind in types:  # the usual case, without a call per value
                out += (("status", status), ("customization_type", kind))
            else:
                _enum(out, "status", status, statuses, "unknown status")
                _enum(out, "customization_type", kind, types, "unknown customization type")
    return out


#: Answers :meth:`Coverage.observe` keeps at most before it classifies them (in one batch).
PENDING_LIMIT = 4096


class Coverage:
    """Served-answer counts per variant, against the catalogue of the model in use.

    ``variants`` maps each dimension to its catalogue values (in catalogue order),
    ``counts`` maps ``(dimension, value)`` to how often it was served, unmodelled
    values included. Thread-safe: fakes may serve from any thread.

    :meth:`observe` only keeps the answer: classifying is not what the call being answered
    needs. Kept answers are classified and counted when ``counts`` or ``answers`` is read, when
    :meth:`settle` is called (the plugin does after each test), or once :data:`PENDING_LIMIT`
    wait. An answer changed in place before then is counted as it is then.
    """

    def __init__(self, variants: Mapping[str, Iterable[str]] | None = None) -> None:
        if variants is None:
            variants = {dim: [v.value for v in vs] for dim, vs in catalogue(forward_compat=True).items()}
        self.variants: dict[str, list[str]] = {dim: list(values) for dim, values in variants.items()}
        self._counts: dict[tuple[str, str], int] = {}
        self._answers = 0
        #: Answers kept, with the model in use when each was served: appended and taken one by one (each
        #: atomic), so an answer kept while another thread settles is counted by this settle or the next.
        self._pending: deque[tuple[Call, BedrockModel]] = deque()
        self._settling = threading.RLock()  # one settle at a time; readers wait for it

    @property
    def counts(self) -> dict[tuple[str, str], int]:
        self.settle()
        return self._counts

    @property
    def answers(self) -> int:
        self.settle()
        return self._answers

    @answers.setter
    def answers(self, value: int) -> None:
        self.settle()
        self._answers = value

    # -- recording ---------------------------------------------------------------------
    def observe(self, served: Call) -> None:
        """The observer: keep one served answer, to be classified and counted later (see the class)."""
        pending = self._pending
        pending.append((served, get_model()))
        if len(pending) >= PENDING_LIMIT:
            self.settle()

    def settle(self) -> None:
        """Classify and count every answer kept so far."""
        with self._settling:
            take, counts, taken = self._pending.popleft, self._counts, 0
            while True:
                try:
                    served, model = take()
                except IndexError:
                    break
                for pair in classify(served, model):
                    counts[pair] = counts.get(pair, 0) + 1
                taken += 1
            self._answers += taken

    def merge(self, other: Coverage) -> Coverage:
        """Add ``other``'s counts and variants into this one (returns self)."""
        counts, answers = other.counts, other.answers
        with self._settling:
            self.settle()
            for dim, values in other.variants.items():
                mine = self.variants.setdefault(dim, [])
                mine.extend(v for v in values if v not in mine)
            for pair, n in counts.items():
                self._counts[pair] = self._counts.get(pair, 0) + n
            self._answers += answers
        return self

    # -- reading -----------------------------------------------------------------------
    def served(self, dimension: str, value: str) -> int:
        return self.counts.get((dimension, value), 0)

    def covered(self, dimension: str) -> list[str]:
        counts = self.counts
        return [v for v in self.variants.get(dimension, ()) if counts.get((dimension, v))]

    def missing(self, dimensions: Iterable[str] | None = None) -> list[str]:
        """``dimension: value`` of every catalogue variant never served, in catalogue order."""
        dims = self.variants if dimensions is None else dimensions
        counts = self.counts
        return [f"{d}: {v}" for d in dims for v in self.variants.get(d, ()) if not counts.get((d, v))]

    def unmodelled(self, dimension: str) -> dict[str, int]:
        """Values served in ``dimension`` that its catalogue does not list (newer than the model)."""
        known = set(self.variants.get(dimension, ()))
        return {v: n for (d, v), n in self.counts.items() if d == dimension and v not in known}
