"""An example of job-handling code that our users write (this is the code under test).

It creates its own clients (a module-level one at import time, as many projects do,
and fresh ones per call), starts a fine-tuning / distillation / RFT job, polls it to
the end, and returns the output model ARN or raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

#: Created at import time, before any test starts.
DEFAULT_CLIENT = boto3.client("bedrock", region_name="us-east-1")

TERMINAL = {"Completed", "Failed", "Stopped"}
RETRYABLE = {"ThrottlingException", "InternalServerException"}


class JobFailed(RuntimeError):
    """The job ended Failed; carries the service's failure message."""


class JobStopped(RuntimeError):
    """The job was stopped before it completed."""


def start_job(params: dict[str, Any], client: Any = None) -> str:
    """Start a customization job and return its ARN."""
    client = client or boto3.client("bedrock", region_name="us-east-1")
    return str(client.create_model_customization_job(**params)["jobArn"])


def wait_for_job(job_arn: str, *, client: Any = None, poll_seconds: float = 60.0, max_polls: int = 500, sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """Poll a job until it is terminal, riding out throttling; return the last description."""
    client = client or DEFAULT_CLIENT
    for _ in range(max_polls):
        try:
            job = client.get_model_customization_job(jobIdentifier=job_arn)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in RETRYABLE:
                sleep(poll_seconds)
                continue
            raise
        if job.get("status") in TERMINAL:
            return job
        sleep(poll_seconds)
    raise TimeoutError(f"job {job_arn} did not finish after {max_polls} polls")


def run_job(params: dict[str, Any], *, poll_seconds: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> str:
    """Start a job, wait for it, and return the output model ARN (raise if it failed or stopped)."""
    job = wait_for_job(start_job(params), poll_seconds=poll_seconds, sleep=sleep)
    status = job.get("status")
    if status == "Completed":
        return str(job["outputModelArn"])
    if status == "Failed":
        raise JobFailed(job.get("failureMessage", "no failure message"))
    raise JobStopped(f"job {job['jobName']} ended {status}")


def summarize(job: dict[str, Any]) -> str:
    """A one-line human summary of a job description; must cope with every status and type."""
    parts = [f"{job.get('jobName', '?')}: {job.get('status', 'Unknown')}"]
    details = job.get("statusDetails") or {}
    running = [name.replace("Details", "") for name, d in details.items() if d.get("status") == "InProgress"]
    if running:
        parts.append("running " + ", ".join(running))
    if job.get("failureMessage"):
        parts.append("failed: " + job["failureMessage"])
    if job.get("outputModelArn"):
        parts.append("model " + job["outputModelArn"].rsplit("/", 1)[-1])
    return "; ".join(parts)


def stop_stragglers(name_prefix: str, client: Any = None) -> list[str]:
    """Stop every in-progress job whose name starts with ``name_prefix``; return their names."""
    client = client or boto3.client("bedrock", region_name="us-east-1")
    stopped = []
    paginator = client.get_paginator("list_model_customization_jobs")
    for page in paginator.paginate(statusEquals="InProgress", nameContains=name_prefix):
        for summary in page["modelCustomizationJobSummaries"]:
            if summary["jobName"].startswith(name_prefix):
                client.stop_model_customization_job(jobIdentifier=summary["jobArn"])
                stopped.append(summary["jobName"])
    return stopped
