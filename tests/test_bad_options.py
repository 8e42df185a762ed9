"""Bad options get one clear error: the message names the option, where it was set, and what it takes.

Two tables. Per-test rows (markers, fixture overrides, two fakes) all run in ONE inner pytest session,
one inner test per row, and each row's error section must hold its message and no traceback. Session
rows (ini file, command line) stop pytest at start-up, so each runs its own inner session.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# name: (decorator line(s), fixture the inner test uses, what the error must say)
PER_TEST: dict[str, tuple[str, str, str]] = {
    # the stubber
    "stubber unordered='yes'": ("@pytest.mark.bedrock_stubber(unordered='yes')", "bedrock_stubber", "stubber.unordered: expected True or False, got 'yes'"),
    "stubber validate_requests=1": ("@pytest.mark.bedrock_stubber(validate_requests=1)", "bedrock_stubber", "stubber.validate_requests: expected True or False, got 1"),
    "stubber allow_unused='no'": ("@pytest.mark.bedrock_stubber(allow_unused='no')", "bedrock_stubber", "stubber.allow_unused: expected True or False, got 'no'"),
    "stubber seed='x'": ("@pytest.mark.bedrock_stubber(seed='x')", "bedrock_stubber", "stubber.seed: expected an integer or None, got 'x'"),
    "stubber seed=True": ("@pytest.mark.bedrock_stubber(seed=True)", "bedrock_stubber", "stubber.seed: expected an integer or None, got True"),
    "stubber misspelt option": ("@pytest.mark.bedrock_stubber(unorderd=True)", "bedrock_stubber",
                                "@pytest.mark.bedrock_stubber: unknown option(s) unorderd; valid options: validate_requests, unordered"),
    "stubber positional": ("@pytest.mark.bedrock_stubber(True)", "bedrock_stubber", "@pytest.mark.bedrock_stubber takes no positional arguments, got (True,)"),
    # the simulator
    "fake seed='x'": ("@pytest.mark.bedrock_fake(seed='x')", "bedrock_fake", "fake.seed: expected int or None, got 'x'"),
    "fake policy='fast'": ("@pytest.mark.bedrock_fake(policy='fast')", "bedrock_fake", "fake.policy: expected a policy such as AfterGets(2)"),
    "fake faults='often'": ("@pytest.mark.bedrock_fake(faults='often')", "bedrock_fake", "fake.faults: expected Faults, got 'often'"),
    "fake account='123'": ("@pytest.mark.bedrock_fake(account='123')", "bedrock_fake", "fake.account: account must be 12 digits, got '123'"),
    "fake account as int": ("@pytest.mark.bedrock_fake(account=123456789012)", "bedrock_fake", "fake.account: expected str, got 123456789012"),
    "fake unknown error code": ("@pytest.mark.bedrock_fake(duplicate_name_error='NoSuchException')", "bedrock_fake",
                                "fake.duplicate_name_error: unknown error code for CreateModelCustomizationJob 'NoSuchException'; the valid choices"),
    "fake error code as int": ("@pytest.mark.bedrock_fake(duplicate_name_error=409)", "bedrock_fake", "fake.duplicate_name_error: expected an error code, (code, message) or None, got 409"),
    "fake token_mismatch_error unknown": ("@pytest.mark.bedrock_fake(token_mismatch_error='Oops')", "bedrock_fake",
                                          "fake.token_mismatch_error: unknown error code for CreateModelCustomizationJob 'Oops'"),
    "fake stop_inactive_error one-tuple": ("@pytest.mark.bedrock_fake(stop_inactive_error=('ValidationException',))", "bedrock_fake",
                                           "fake.stop_inactive_error: expected an error code, (code, message) or None, got ('ValidationException',)"),
    "fake base_models unknown type": ("@pytest.mark.bedrock_fake(base_models={'TUNING': ('a.b',)})", "bedrock_fake",
                                      "fake.base_models: unknown customization type 'TUNING'; the types are: FINE_TUNING, CONTINUED_PRE_TRAINING, DISTILLATION, "
                                      "REINFORCEMENT_FINE_TUNING\n"),
    "fake default_max_results=0": ("@pytest.mark.bedrock_fake(default_max_results=0)", "bedrock_fake", "fake.default_max_results: default_max_results must be 1..1000, got 0"),
    "fake default_max_results=5000": ("@pytest.mark.bedrock_fake(default_max_results=5000)", "bedrock_fake", "must be 1..1000, got 5000"),
    "fake default_max_results='10'": ("@pytest.mark.bedrock_fake(default_max_results='10')", "bedrock_fake", "fake.default_max_results: expected int, got '10'"),
    "fake default_sort_order='Up'": ("@pytest.mark.bedrock_fake(default_sort_order='Up')", "bedrock_fake",
                                     "fake.default_sort_order: default_sort_order must be one of Ascending, Descending, got 'Up'"),
    "fake name_contains_ignore_case='yes'": ("@pytest.mark.bedrock_fake(name_contains_ignore_case='yes')", "bedrock_fake",
                                             "fake.name_contains_ignore_case: expected bool, got 'yes'"),
    "fake level='fast'": ("@pytest.mark.bedrock_fake(level='fast')", "bedrock_fake", "fake.level: expected one of auto, parsed, wire, got 'fast'"),
    "fake strict='y'": ("@pytest.mark.bedrock_fake(strict='y')", "bedrock_fake", "fake.strict: expected bool, got 'y'"),
    "fake clock='later'": ("@pytest.mark.bedrock_fake(clock='later')", "bedrock_fake", "clock must be 'real', 'virtual' or a Clock object, got 'later'"),
    "fake misspelt option": ("@pytest.mark.bedrock_fake(polcy=1)", "bedrock_fake", "@pytest.mark.bedrock_fake: unknown option(s) polcy; valid options: account, policy"),
    "fake parsed level with faults": ("@pytest.mark.bedrock_fake(level='parsed', faults=Faults(throttle_every=2))", "bedrock_fake",
                                      "faults are served on the wire so that botocore retries them"),
    # the cassette
    "cassette record_mode='sometimes'": ("@pytest.mark.bedrock_cassette(record_mode='sometimes')", "bedrock_cassette",
                                         "cassette.record_mode: record mode 'sometimes' is not one of none, once, new_episodes, all"),
    "cassette match_on colour": ("@pytest.mark.bedrock_cassette(match_on=('colour',))", "bedrock_cassette", "cassette.match_on: "),
    "cassette on_drift='explode'": ("@pytest.mark.bedrock_cassette(on_drift='explode')", "bedrock_cassette", "cassette.on_drift: "),
    "cassette placeholder_account='12'": ("@pytest.mark.bedrock_cassette(placeholder_account='12')", "bedrock_cassette", "cassette.placeholder_account: "),
    "cassette save_on_failure=1": ("@pytest.mark.bedrock_cassette(save_on_failure=1)", "bedrock_cassette", "cassette.save_on_failure: expected True or False, got 1"),
    "cassette allow_playback_repeats='y'": ("@pytest.mark.bedrock_cassette(allow_playback_repeats='y')", "bedrock_cassette",
                                            "cassette.allow_playback_repeats: expected True or False, got 'y'"),
    "cassette redact=5": ("@pytest.mark.bedrock_cassette(redact=5)", "bedrock_cassette", "cassette.redact: "),
    "cassette ignore_params=5": ("@pytest.mark.bedrock_cassette(ignore_params=5)", "bedrock_cassette", "cassette.ignore_params: "),
    "cassette path=5": ("@pytest.mark.bedrock_cassette(path=5)", "bedrock_cassette", "cassette.path: expected a string or None, got 5"),
    "cassette golden=5": ("@pytest.mark.bedrock_cassette(golden=5)", "bedrock_cassette", "cassette.golden: expected a string or None, got 5"),
    "cassette two positionals": ("@pytest.mark.bedrock_cassette('a.yaml', 'b.yaml')", "bedrock_cassette",
                                 "@pytest.mark.bedrock_cassette takes at most one positional argument (the path), got ('a.yaml', 'b.yaml')"),
    "cassette path twice": ("@pytest.mark.bedrock_cassette('a.yaml', path='b.yaml')", "bedrock_cassette",
                            "@pytest.mark.bedrock_cassette: the path is given both positionally and as path="),
    "cassette misspelt option": ("@pytest.mark.bedrock_cassette(recrd_mode='all')", "bedrock_cassette",
                                 "@pytest.mark.bedrock_cassette: unknown option(s) recrd_mode; valid options: path, record_mode"),
    # two fakes
    "stubber and fake": ("", "bedrock_stubber, bedrock_fake", "asks for the bedrock_stubber fixture and the bedrock_fake fixture, but one fake answers"),
}

# Collection-time rows (a bad bedrock_variants marker stops collection, so each runs alone): (decorator, fixtures, message)
COLLECTION: dict[str, tuple[str, str, str]] = {
    "variants unknown dimension": ("@pytest.mark.bedrock_variants('colour')", "bedrock_variant", "@pytest.mark.bedrock_variants: "),
    "variants forward_compat='y'": ("@pytest.mark.bedrock_variants('status', forward_compat='y')", "bedrock_variant",
                                    "variants.forward_compat: expected True or False, got 'y'"),
    "variants seed='x'": ("@pytest.mark.bedrock_variants('status', seed='x')", "bedrock_variant", "variants.seed: expected an integer, got 'x'"),
    "variants misspelt option": ("@pytest.mark.bedrock_variants('status', operaton='Get')", "bedrock_variant",
                                 "@pytest.mark.bedrock_variants: unknown option(s) operaton; valid options: operation"),
    "variants without the fixture": ("@pytest.mark.bedrock_variants('status')", "bedrock_client", "@pytest.mark.bedrock_variants"),
}

# name: (conftest override fixture body, fixture the inner test uses, message)
OVERRIDES: dict[str, tuple[str, str, str]] = {
    "bedrock_mock_options unknown key": ("bedrock_mock_options", "{'stubber.unorderd': True}",
                                         "bedrock_mock_options fixture: unknown or not per-test option(s) stubber.unorderd; valid options: "),
    "bedrock_mock_options session key": ("bedrock_mock_options", "{'region': 'eu-west-1'}", "unknown or not per-test option(s) region"),
    "bedrock_mock_options wrong value": ("bedrock_mock_options", "{'stubber.unordered': 'yes'}",
                                         "bedrock_mock_options fixture: stubber.unordered: expected True or False, got 'yes'"),
    "bedrock_fake_options unknown key": ("bedrock_fake_options", "{'polcy': 1}", "bedrock_fake_options fixture: unknown option(s) polcy; valid options: account"),
    "bedrock_fake_options wrong value": ("bedrock_fake_options", "{'seed': 'x'}", "bedrock_fake_options fixture: fake.seed: expected int or None, got 'x'"),
    "bedrock_cassette_config wrong value": ("bedrock_cassette_config", "{'on_drift': 'explode'}", "bedrock_cassette_config fixture: cassette.on_drift: "),
}
_OVERRIDE_FIXTURE = {"bedrock_mock_options": "bedrock_stubber", "bedrock_fake_options": "bedrock_fake", "bedrock_cassette_config": "bedrock_cassette"}

# name: (ini lines, command-line arguments, message)
SESSION: dict[str, tuple[str, list[str], str]] = {
    "ini bool 'maybe'": ("bedrock_unordered = maybe", [], "ini option bedrock_unordered: stubber.unordered: expected true or false, got 'maybe'"),
    "ini validate_requests 'perhaps'": ("bedrock_validate_requests = perhaps", [], "ini option bedrock_validate_requests: stubber.validate_requests: expected true or false"),
    "ini allow_network '2'": ("bedrock_allow_network = 2", [], "ini option bedrock_allow_network: allow_network: expected true or false, got '2'"),
    "ini coverage 'loud'": ("bedrock_coverage = loud", [], "ini option bedrock_coverage: coverage.mode: expected one of off, summary, report, fail, got 'loud'"),
    "ini unknown dimension": ("bedrock_coverage_dimensions = status,colour", [], "ini option bedrock_coverage_dimensions: coverage.dimensions: unknown dimension 'colour'"),
    "ini record mode": ("bedrock_record_mode = sometimes", [], "ini option bedrock_record_mode: cassette.record_mode: record mode 'sometimes' is not one of"),
    "cli record mode": ("", ["--bedrock-record-mode=sometimes"], "argument --bedrock-record-mode: invalid choice: 'sometimes'"),
    "cli coverage mode": ("", ["--bedrock-coverage=loud"], "argument --bedrock-coverage: invalid choice: 'loud'"),
    "cli unknown dimension": ("", ["--bedrock-coverage-dimensions=colour"], "--bedrock-coverage-dimensions: coverage.dimensions: unknown dimension 'colour'"),
    "cli fake level": ("", ["--bedrock-fake-level=fast"], "argument --bedrock-fake-level: invalid choice: 'fast'"),
    "cli region without a value": ("", ["--bedrock-region"], "argument --bedrock-region: expected one argument"),
}


def _test_name(name: str) -> str:
    return "test_" + re.sub(r"\W+", "_", name).strip("_")


def _inner_module() -> str:
    lines = ["import pytest", "from pytest_bedrock_mock.fakes.simulator import Faults", ""]
    for name, (decorator, fixtures, _) in PER_TEST.items():
        lines += [decorator, f"def {_test_name(name)}({fixtures}):", "    pass", ""]
    return "\n".join(lines)


def _run(folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist", "-rE", *args],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def _sections(output: str) -> dict[str, str]:
    """The ``ERROR at setup of <test>`` sections of an inner run, by test name."""
    parts = re.split(r"_{3,} ERROR at (?:setup|collection) of (\S+) _{3,}", output)
    return {parts[i]: parts[i + 1].split("\n____")[0].split("\n=====")[0] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def per_test_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bad_markers")
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "test_inner_bad_options.py").write_text(_inner_module())
    return _sections(_run(folder, "test_inner_bad_options.py"))


@pytest.mark.parametrize("name", list(PER_TEST))
def test_a_bad_per_test_option_is_one_clear_error(name: str, per_test_output: dict[str, str]) -> None:
    section = per_test_output.get(_test_name(name))
    assert section is not None, f"no setup error for {name}; errors were for: {sorted(per_test_output)}"
    assert PER_TEST[name][2] in section
    assert "Traceback" not in section and "During handling" not in section and "\n>" not in section, section


@pytest.mark.parametrize("name", list(COLLECTION))
def test_a_bad_variants_marker_is_one_clear_collection_error(name: str, pytester: pytest.Pytester) -> None:
    decorator, fixtures, message = COLLECTION[name]
    pytester.makepyfile(test_inner_variants=f"import pytest\n\n{decorator}\ndef test_variants({fixtures}):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    output = result.stdout.str()
    assert message in output and result.ret != 0, output
    assert "Traceback" not in output and "During handling" not in output and "\n>" not in output, output


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_a_bad_fixture_override_is_one_clear_error(name: str, pytester: pytest.Pytester) -> None:
    fixture, body, message = OVERRIDES[name]
    pytester.makeconftest(f"import pytest\n\n@pytest.fixture\ndef {fixture}():\n    return {body}\n")
    pytester.makepyfile(test_inner_override=f"def test_override({_OVERRIDE_FIXTURE[fixture]}):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rE")
    section = _sections(result.stdout.str()).get("test_override")
    assert section is not None and message in section, result.stdout.str()
    assert "Traceback" not in section and "\n>" not in section, section


@pytest.mark.parametrize("name", list(SESSION))
def test_a_bad_session_option_stops_pytest_with_one_line(name: str, pytester: pytest.Pytester) -> None:
    ini, args, message = SESSION[name]
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_inner_fine="def test_fine():\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)
    output = result.stdout.str() + result.stderr.str()
    assert message in output, output
    assert "Traceback" not in output and " passed" not in output, output
