"""The jobs of one region in List order, indexed so that a List page costs O(page), not O(jobs).

Jobs are kept sorted by their List key ``(creationTime, creation order)`` in blocks of at
most ``2 * BLOCK`` jobs. Each block counts its jobs per status, so a walk filtered by
``statusEquals`` skips every block without a job in that status. Creation-time bounds and a
``nextToken`` cursor are found by bisection. A job that moves tells its index
(:meth:`~pytest_bedrock_mock.fakes.simulator.jobs.Job.apply` calls :meth:`JobIndex.moved`),
so the counts are never stale.

A List shows every job as of now, so a policy that moves jobs on any read (by the clock,
like :class:`~pytest_bedrock_mock.fakes.simulator.policies.AfterDuration`) must catch them up
first. Its ``due`` instants wait in a heap, and :meth:`JobIndex.catch_up` visits only the jobs
due by now: a List costs O(page + jobs due since the last List * log jobs).

Costs, for ``n`` jobs in the region: adding a job O(1) when creation times do not go back (always
with the virtual clock), else O(BLOCK + n / BLOCK); a status change O(1) (+ O(log n) with a ``due``);
a walk O(log n) to start, then O(1) per job visited plus O(1) per block skipped.

Public names: :class:`JobIndex`, :data:`BLOCK`, :data:`Position`.
"""

from __future__ import annotations

import datetime as _dt
import heapq
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.simulator.jobs import Job

__all__ = ["BLOCK", "JobIndex", "Position"]

#: Jobs per block (a block splits in two when it reaches twice as many).
BLOCK = 256

#: A place in the index: (block number, offset in the block); the end is ``(number of blocks, 0)``.
Position = tuple[int, int]

Due = Callable[["Job"], "_dt.datetime | None"]


class _Block:
    __slots__ = ("counts", "jobs")

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.counts = _count(jobs)
        for job in jobs:
            job._block = self


def _count(jobs: list[Job]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job.status] = counts.get(job.status, 0) + 1
    return counts


def _sort_key(job: Job) -> tuple[_dt.datetime, int]:
    return (job.created, job.seq)


class JobIndex:
    """The jobs of one region, sorted by List key; ``due`` (a policy's) names when a read could move a job."""

    def __init__(self, due: Due | None = None) -> None:
        self._blocks: list[_Block] = []
        self._size = 0
        self._due = due
        self._heap: list[tuple[_dt.datetime, int, int, Job]] = []

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Job]:
        for block in self._blocks:
            yield from block.jobs

    @property
    def tracks_due(self) -> bool:
        """True when :meth:`catch_up` knows every job a read could move (the policy has a ``due``)."""
        return self._due is not None

    # -- changes -----------------------------------------------------------------------------
    def add(self, job: Job) -> None:
        blocks = self._blocks
        if not blocks or _sort_key(blocks[-1].jobs[-1]) <= _sort_key(job):  # the usual case: the newest job
            if not blocks or len(blocks[-1].jobs) >= BLOCK:
                blocks.append(_Block([]))
            at, block = len(blocks) - 1, blocks[-1]
            block.jobs.append(job)
        else:  # created before the newest (a clock that went back)
            at = bisect_left(blocks, _sort_key(job), key=lambda b: _sort_key(b.jobs[-1]))
            block = blocks[at]
            insort(block.jobs, job, key=_sort_key)
        job._index, job._block = self, block
        block.counts[job.status] = block.counts.get(job.status, 0) + 1
        self._size += 1
        if len(block.jobs) >= 2 * BLOCK:
            blocks.insert(at + 1, _Block(block.jobs[BLOCK:]))
            del block.jobs[BLOCK:]
            block.counts = _count(block.jobs)
        self._schedule(job)

    def moved(self, job: Job, old_status: str) -> None:
        """``job`` made a move (from ``old_status``): keep its block's counts and its due instant current."""
        if job.status != old_status and job._block is not None:
            counts = job._block.counts
            counts[old_status] -= 1
            if not counts[old_status]:
                del counts[old_status]
            counts[job.status] = counts.get(job.status, 0) + 1
        self._schedule(job)

    def _schedule(self, job: Job) -> None:
        if self._due is None:
            return
        job._version += 1  # earlier heap entries of this job are now stale
        at = self._due(job)
        if at is not None:
            heapq.heappush(self._heap, (at, job.seq, job._version, job))

    def catch_up(self, now: _dt.datetime, read: Callable[[Job], None]) -> None:
        """Call ``read`` on every job due by ``now`` (a job ``read`` does not move is looked at again next time)."""
        heap, held = self._heap, []
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            job = entry[3]
            if entry[2] != job._version:
                continue
            read(job)
            if job._version == entry[2]:
                held.append(entry)
        for entry in held:
            heapq.heappush(heap, entry)

    # -- reading -----------------------------------------------------------------------------
    @property
    def end(self) -> Position:
        return (len(self._blocks), 0)

    def first(self, pred: Callable[[Job], bool]) -> Position:
        """The position of the first job for which ``pred`` holds; ``pred`` must be False, then True, in List order."""
        blocks = self._blocks
        b = bisect_left(blocks, True, key=lambda block: pred(block.jobs[-1]))
        if b == len(blocks):
            return (b, 0)
        return (b, bisect_left(blocks[b].jobs, True, key=pred))

    def walk(self, start: Position, stop: Position, *, descending: bool, status: str | None = None) -> Iterator[Job]:
        """The jobs from ``start`` up to (not including) ``stop``, in List order or reversed.

        With ``status``, blocks without a job in that status are skipped (jobs of other statuses
        in the blocks visited are still yielded: the caller filters).
        """
        if start >= stop:
            return
        blocks = self._blocks
        numbers = range(start[0], min(stop[0], len(blocks) - 1) + 1)
        for b in reversed(numbers) if descending else numbers:
            block = blocks[b]
            if status is not None and status not in block.counts:
                continue
            jobs = block.jobs
            lo = start[1] if b == start[0] else 0
            hi = stop[1] if b == stop[0] else len(jobs)
            for i in range(hi - 1, lo - 1, -1) if descending else range(lo, hi):
                yield jobs[i]
