"""The simulator's undocumented choices: their evidenced defaults, their options, and a ``serve`` flag for each.

Also the base-model catalogue (strict mode), a forged ``nextToken`` and ``outputModelKmsKeyArn``
from an alias. docs/undocumented-behaviour.md names the evidence for every default.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.cli import serve as cli_serve
from pytest_bedrock_mock.cli import simflags
from pytest_bedrock_mock.core import values
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes.server import start_server
from pytest_bedrock_mock.fakes.simulator import AfterGets, BedrockSimulator, Faults, Manual, SimulatorConfig, simulate
from pytest_bedrock_mock.fakes.simulator.catalogue import BASE_MODELS

LEVELS = ("parsed", "wire")


@pytest.fixture(params=LEVELS)
def level(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("bedrock", region_name=region, **kwargs)


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bedrock-mock")
    cli_serve.register(parser.add_subparsers(dest="command"))
    return parser


def _options(*argv: str) -> dict[str, Any]:
    args = _parser().parse_args(["serve", *argv])
    return simflags.simulator_options(args, args.parser)


# -- every option has a serve flag ---------------------------------------------------------------

def test_every_simulator_option_has_a_serve_flag() -> None:
    """A new SimulatorConfig (or Faults) field without a flag fails here."""
    flags = {s for a in _parser()._subparsers._group_actions[0].choices["serve"]._actions for s in a.option_strings}  # type: ignore[union-attr]
    needed = {f.name for f in dataclasses.fields(SimulatorConfig) if f.name != "faults"}
    needed |= {f"faults.{f.name}" for f in dataclasses.fields(Faults)} | {"clock", "default_region", "policy.outcome"}
    assert needed <= set(simflags.FLAGS), f"options without a serve flag: {sorted(needed - set(simflags.FLAGS))}"
    assert set(simflags.FLAGS.values()) <= flags


def test_the_serve_flags_make_the_simulator_they_name() -> None:
    options = _options("--account", "111111111111", "--policy", "after-gets:5", "--outcome", "Failed", "--throttle-every", "4", "--fault-operations", "get_model_customization_job",
                       "--internal-error-fraction", "0.25", "--duplicate-name-error", "ConflictException",
                       "--duplicate-model-name-error", "none", "--token-mismatch-error", "ValidationException:token reused",
                       "--stop-inactive-error", "none", "--default-max-results", "7", "--default-sort-order", "Ascending",
                       "--name-contains-ignore-case", "--level", "wire", "--strict", "--seed", "3",
                       "--base-models", "FINE_TUNING=a.b,c.d", "--strict-base-models", "--clock", "virtual", "--region", "eu-west-1")
    sim = BedrockSimulator(**options)
    c = sim.config
    assert (c.account, c.duplicate_name_error, c.duplicate_model_name_error, c.token_mismatch_error, c.stop_inactive_error) == (
        "111111111111", "ConflictException", None, ("ValidationException", "token reused"), None)
    assert (c.default_max_results, c.default_sort_order, c.name_contains_ignore_case, c.level, c.strict, c.seed) == (7, "Ascending", True, "wire", True, 3)
    assert isinstance(c.policy, AfterGets) and c.policy.in_progress == 5 and c.policy.outcome == "Failed"
    assert (c.faults.throttle_every, c.faults.internal_error_fraction, c.faults.seed, c.faults.operations) == (4, 0.25, 3, ("GetModelCustomizationJob",))
    assert c.strict_base_models and c.catalogue["FINE_TUNING"] == ("a.b", "c.d") and c.catalogue["DISTILLATION"] == BASE_MODELS["DISTILLATION"]
    assert sim.default_region == "eu-west-1" and sim.clock.__class__.__name__ == "VirtualClock"
    plain, default = BedrockSimulator(**_options()).config, SimulatorConfig()  # no flags: the defaults
    assert plain.replace(policy=default.policy) == default and repr(plain.policy) == repr(default.policy)
    assert isinstance(BedrockSimulator(**_options("--policy", "manual", "--outcome", "Failed")).config.policy, Manual)


@pytest.mark.parametrize(("argv", "expected"), [
    (["--duplicate-name-error", "NoSuchException"], "--duplicate-name-error: unknown error code for CreateModelCustomizationJob 'NoSuchException'"),
    (["--stop-inactive-error", "ThrottledException:x"], "--stop-inactive-error: unknown error code for StopModelCustomizationJob"),
    (["--duplicate-model-name-error", "409"], "argument --duplicate-model-name-error: invalid error '409'"),
    (["--default-max-results", "0"], "--default-max-results: default_max_results must be 1..1000, got 0"),
    (["--default-sort-order", "Up"], "--default-sort-order: default_sort_order must be one of Ascending, Descending, got 'Up'"),
    (["--account", "123"], "--account: account must be 12 digits, got '123'"),
    (["--base-models", "TUNING=a.b"], "--base-models: unknown customization type 'TUNING'"),
    (["--base-models", "FINE_TUNING"], "argument --base-models: invalid base models 'FINE_TUNING'"),
    (["--throttle-fraction", "2"], "--throttle-fraction must be between 0 and 1, got 2.0"),
    (["--fault-operations", "GetJob"], "--fault-operations: "),
    (["--policy", "sometimes"], "argument --policy: invalid policy 'sometimes'"),
    (["--outcome", "Stopped"], "argument --outcome: invalid choice: 'Stopped'"),
    (["--level", "fast"], "argument --level: invalid choice: 'fast'"),
])
def test_a_bad_flag_is_one_usage_error_naming_it(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        _options(*argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and expected in err and "Traceback" not in err, err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1


# -- duplicate names -----------------------------------------------------------------------------

def test_a_reused_job_name_gets_the_evidenced_error_and_message(level: str) -> None:
    request = builders.create_job_request(seed=1, jobName="nightly")
    with simulate(level=level):
        _client().create_model_customization_job(**request)
        with pytest.raises(ClientError) as reused:
            _client().create_model_customization_job(**{**request, "customModelName": "another-model"})
        assert _error(reused) == ("ValidationException", "The provided job name is currently in use.")
    with simulate(level=level, duplicate_name_error=("ConflictException", "job {name} exists")):
        _client().create_model_customization_job(**request)
        with pytest.raises(ClientError) as reused:
            _client().create_model_customization_job(**{**request, "customModelName": "another-model"})
        assert _error(reused) == ("ConflictException", "job nightly exists")


@pytest.mark.parametrize(("status", "taken"), [("InProgress", True), ("Stopping", True), ("Completed", True), ("Failed", False), ("Stopped", False)])
def test_a_custom_model_name_is_taken_by_a_completed_model_and_reserved_by_a_running_job(level: str, status: str, taken: bool) -> None:
    with simulate(level=level, policy=Manual()) as fake:
        fake.add_job(status, customModelName="shared-model", jobName="first")
        request = builders.create_job_request(seed=2, jobName="second", customModelName="shared-model")
        if not taken:
            assert _client().create_model_customization_job(**request)["jobArn"]
            return
        with pytest.raises(ClientError) as exc:
            _client().create_model_customization_job(**request)
        assert _error(exc) == ("ValidationException", "The provided custom model name is currently in use.")
    with simulate(level=level, policy=Manual(), duplicate_model_name_error=None) as fake:
        fake.add_job(status, customModelName="shared-model", jobName="first")
        assert _client().create_model_customization_job(**request)["jobArn"]


def test_a_model_name_is_freed_when_its_job_fails_on_its_own() -> None:
    with simulate(policy=AfterGets(0, outcome="Failed")):
        client = _client()
        first = client.create_model_customization_job(**builders.create_job_request(seed=1, customModelName="m1"))["jobArn"]
        with pytest.raises(ClientError):
            client.create_model_customization_job(**builders.create_job_request(seed=2, customModelName="m1"))
        assert client.get_model_customization_job(jobIdentifier=first)["status"] == "Failed"
        assert client.create_model_customization_job(**builders.create_job_request(seed=2, customModelName="m1"))["jobArn"]


def test_stop_of_a_finished_job_is_a_validation_error_by_default_and_a_no_op_when_switched_off(level: str) -> None:
    with simulate(level=level) as fake:
        done = fake.add_job("Completed", seed=1)
        with pytest.raises(ClientError) as exc:
            _client().stop_model_customization_job(jobIdentifier=done)
        assert _error(exc) == ("ValidationException", "The request was rejected because the model customization job is in status Completed.")
    with simulate(level=level, stop_inactive_error=None) as fake:
        done = fake.add_job("Completed", seed=1)
        assert _client().stop_model_customization_job(jobIdentifier=done)["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert fake.describe(done)["status"] == "Completed"


# -- the base-model catalogue --------------------------------------------------------------------

def test_the_catalogue_covers_the_base_models_the_builders_use() -> None:
    for ctype in ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION"):
        assert set(values.BASE_MODELS[ctype]) <= set(BASE_MODELS[ctype]), ctype
    assert set(BASE_MODELS) == {t for t in get_model().customization_types if t != "IMPORTED"}
    pattern = get_model().input_shape("CreateModelCustomizationJob").members["baseModelIdentifier"].metadata["pattern"]
    assert all(full_match(pattern, model) for models in BASE_MODELS.values() for model in models)


def test_strict_base_models_refuses_a_model_the_catalogue_does_not_list_for_the_type(level: str) -> None:
    embed = builders.create_job_request(seed=1, baseModelIdentifier="amazon.titan-embed-text-v2:0:8k")
    with simulate(level=level):  # lenient by default
        assert _client().create_model_customization_job(**embed)["jobArn"]
    with simulate(level=level, strict_base_models=True):
        with pytest.raises(ClientError) as exc:
            _client().create_model_customization_job(**embed)
        assert _error(exc) == ("ValidationException", "The base model amazon.titan-embed-text-v2:0:8k does not support customization type FINE_TUNING.")
        assert _client().create_model_customization_job(**builders.create_job_request(seed=2))["jobArn"]
        lite = builders.create_job_request(seed=3, baseModelIdentifier="arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1:0:4k")
        with pytest.raises(ClientError):
            _client().create_model_customization_job(**lite)  # Lite is listed for continued pre-training only
        cpt = {**lite, "customizationType": "CONTINUED_PRE_TRAINING", "jobName": "cpt-job", "customModelName": "cpt-model"}
        assert _client().create_model_customization_job(**cpt)["jobArn"]
    with simulate(level=level, strict_base_models=True, base_models={"FINE_TUNING": ("amazon.titan-embed-text-v2:0:8k",)}):
        assert _client().create_model_customization_job(**embed)["jobArn"]


# -- nextToken -----------------------------------------------------------------------------------

def _forged_tokens(genuine: str) -> Iterator[str]:
    cursor, _, mac = genuine.partition(".")
    yield "not-a-token"
    yield cursor  # the cursor without its signature
    yield "WzAsMF0." + mac  # a made-up cursor ([0,0]) with another cursor's signature
    yield genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")


def test_a_forged_next_token_is_a_validation_error_and_a_genuine_one_pages(level: str) -> None:
    with simulate(level=level, seed=1) as fake:
        for i in range(3):
            fake.add_job(seed=i)
        client = _client()
        first = client.list_model_customization_jobs(maxResults=2)
        assert len(client.list_model_customization_jobs(maxResults=2, nextToken=first["nextToken"])["modelCustomizationJobSummaries"]) == 1
        for forged in _forged_tokens(first["nextToken"]):
            with pytest.raises(ClientError) as exc:
                client.list_model_customization_jobs(nextToken=forged)
            assert _error(exc) == ("ValidationException", "Invalid pagination token."), forged
    with simulate(level=level, seed=2) as other:
        for i in range(3):
            other.add_job(seed=i)
        with pytest.raises(ClientError) as exc:  # another simulator's token (another key)
            _client().list_model_customization_jobs(nextToken=first["nextToken"])
        assert _error(exc)[0] == "ValidationException"


def test_the_server_answers_a_forged_next_token_with_a_validation_error() -> None:
    with start_server(simulator=BedrockSimulator(**_options("--seed", "4"))) as server, server.passthrough():
        client = server.client()
        with pytest.raises(ClientError) as exc:
            client.list_model_customization_jobs(nextToken="WzAsMF0")
        assert _error(exc) == ("ValidationException", "Invalid pagination token.")
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# -- outputModelKmsKeyArn --------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["alias/my-team-key", "arn:aws:kms:us-east-1:123456789012:alias/my-team-key", "1234abcd-12ab-34cd-56ef-1234567890ab",
                                 "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
def test_output_model_kms_key_arn_is_a_key_arn_whatever_form_the_key_was_given_in(level: str, key: str) -> None:
    pattern = get_model().output_shape("GetModelCustomizationJob").members["outputModelKmsKeyArn"].metadata["pattern"]
    with simulate(level=level):
        arn = _client().create_model_customization_job(**builders.create_job_request(seed=1, customModelKmsKeyId=key))["jobArn"]
        answered = _client().get_model_customization_job(jobIdentifier=arn)["outputModelKmsKeyArn"]
    assert full_match(pattern, answered) and answered.startswith("arn:aws:kms:us-east-1:123456789012:key/")
    if ":key/" in key or not key.startswith(("alias/", "arn:")):
        assert answered.endswith(key.rsplit("/", 1)[-1])
    with simulate(level=level):  # the same alias is the same fake key on every run
        arn = _client().create_model_customization_job(**builders.create_job_request(seed=1, customModelKmsKeyId=key))["jobArn"]
        assert _client().get_model_customization_job(jobIdentifier=arn)["outputModelKmsKeyArn"] == answered


def test_an_alias_arn_keeps_its_own_region_and_account() -> None:
    from pytest_bedrock_mock.fakes.simulator.jobs import kms_key_arn_of

    resolved = kms_key_arn_of("arn:aws:kms:us-west-2:210987654321:alias/shared", "us-east-1", "123456789012")
    assert resolved.startswith("arn:aws:kms:us-west-2:210987654321:key/") and resolved != kms_key_arn_of("alias/shared", "us-east-1", "123456789012")
    assert kms_key_arn_of("alias/k", "cn-north-1", "123456789012").startswith("arn:aws-cn:kms:cn-north-1:")
