"""moto's per-call cost, measured in a process that never imports pytest-bedrock-mock.

Run by :func:`_suite.moto_child`: reads a JSON spec on stdin::

    {"create": {...CreateModelCustomizationJob request...},
     "calls": {"Get": ["get_model_customization_job", {"jobIdentifier": "$name"}], ...},
     "n": 200, "rounds": 5}

creates the job under ``mock_aws``, then times each call (``$name`` is the job's name) in CPU
time, rounds interleaved, and prints ``{"Get": <median us per call>, ...}`` as one JSON line.
So moto pays nothing of ours: no interception handler is registered in this process.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any


def main() -> int:
    spec = json.load(sys.stdin)
    import botocore.session
    from botocore.config import Config
    from moto import mock_aws

    assert "pytest_bedrock_mock" not in sys.modules, "the moto child must not load pytest-bedrock-mock"
    samples: dict[str, list[float]] = {name: [] for name in spec["calls"]}
    with mock_aws():
        client = botocore.session.Session().create_client(
            "bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}))
        create = spec["create"]
        client.create_model_customization_job(**create)
        name = create["jobName"]

        def resolve(value: Any, i: int) -> Any:
            if isinstance(value, dict):
                return {k: resolve(v, i) for k, v in value.items()}
            return value.replace("$name", name).replace("$i", str(i)) if isinstance(value, str) else value

        calls = {label: (getattr(client, method), params) for label, (method, params) in spec["calls"].items()}
        counter = 0
        for method, params in calls.values():  # warm up
            counter += 1
            method(**resolve(params, counter))
        for _ in range(spec["rounds"]):
            for label, (method, params) in calls.items():
                batch = [resolve(params, counter + i) for i in range(spec["n"])]
                counter += spec["n"]
                start = time.process_time()
                for kwargs in batch:
                    method(**kwargs)
                samples[label].append((time.process_time() - start) / spec["n"] * 1e6)
    print(json.dumps({label: statistics.median(values) for label, values in samples.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
