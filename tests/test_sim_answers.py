"""What a parsed-level simulator answer carries besides its body: the request id and the HTTP response."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from pytest_bedrock_mock import create_job_request
from pytest_bedrock_mock.fakes.simulator import simulate


def test_request_ids_are_uuid4_and_the_http_headers_match_the_metadata() -> None:
    seen: list[Any] = []
    with simulate():
        client = boto3.client("bedrock", region_name="us-east-1")
        client.meta.events.register("after-call.bedrock.GetModelCustomizationJob", lambda http_response, **_: seen.append(http_response))
        arn = client.create_model_customization_job(**create_job_request(seed=3))["jobArn"]
        answers = [client.get_model_customization_job(jobIdentifier=arn) for _ in range(200)]
    ids = [a["ResponseMetadata"]["RequestId"] for a in answers]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(rid).version == 4 and str(uuid.UUID(rid)) == rid for rid in ids)
    for http, answer in zip(seen, answers):  # the headers an after-call handler reads (made on first read)
        assert http.status_code == 200 and dict(http.headers) == answer["ResponseMetadata"]["HTTPHeaders"]
        assert http.headers["X-Amzn-RequestId"] == answer["ResponseMetadata"]["RequestId"]
