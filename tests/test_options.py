"""The one options table: every option registered, defaulted and ranked as the table says.

:func:`test_the_whole_table` walks :data:`OPTIONS`: each ini key and command-line flag is in
``pytest --help``, each marker argument in ``pytest --markers``; a test that sets nothing sees
every default; then layer by layer (ini, command line, fixture override, marker) each layer
wins over the ones below it, for every option that has that layer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_bedrock_mock.fakes.simulator import AfterGets, Faults, Manual
from pytest_bedrock_mock.plugin.options import FIXTURE, MARKERS, OPTIONS, Option, option, options_markdown

LAYERS = ("ini", "cli", "fixture", "marker")

#: Sample values per option and layer: ini and command-line values as written there, fixture
#: and marker values as Python source. Each layer's value differs from the layer below it.
SAMPLES: dict[str, dict[str, str]] = {
    "region": {"ini": "eu-west-1", "cli": "eu-central-1"},
    "allow_network": {"ini": "true"},
    "cassette_dir": {"ini": "recorded"},
    "coverage.mode": {"ini": "off", "cli": "report"},
    "coverage.dimensions": {"ini": "status", "cli": "status,error"},
    "coverage.report": {"ini": "r1.json", "cli": "r2.json"},
    "coverage.strategies": {"ini": "false"},
    "stubber.validate_requests": {"ini": "false", "fixture": "True", "marker": "False"},
    "stubber.unordered": {"ini": "true", "fixture": "False", "marker": "True"},
    "stubber.allow_unused": {"fixture": "True", "marker": "False"},
    "stubber.seed": {"fixture": "3", "marker": "4"},
    "fake.account": {"fixture": "'111111111111'", "marker": "'222222222222'"},
    "fake.policy": {"fixture": "Manual()", "marker": "AfterGets(5)"},
    "fake.faults": {"fixture": "Faults(throttle_every=2)", "marker": "Faults(throttle_every=3)"},
    "fake.duplicate_name_error": {"fixture": "None", "marker": "'ValidationException'"},
    "fake.duplicate_model_name_error": {"fixture": "None", "marker": "('ConflictException', 'taken')"},
    "fake.token_mismatch_error": {"fixture": "'ConflictException'", "marker": "'ValidationException'"},
    "fake.stop_inactive_error": {"fixture": "'ValidationException'", "marker": "'ResourceNotFoundException'"},
    "fake.default_max_results": {"fixture": "7", "marker": "9"},
    "fake.default_sort_order": {"fixture": "'Ascending'", "marker": "'Descending'"},
    "fake.name_contains_ignore_case": {"fixture": "True", "marker": "False"},
    "fake.level": {"cli": "wire", "fixture": "'parsed'", "marker": "'auto'"},
    "fake.strict": {"fixture": "True", "marker": "False"},
    "fake.seed": {"fixture": "1", "marker": "2"},
    "fake.base_models": {"fixture": "{'FINE_TUNING': ('a.b',)}", "marker": "{'FINE_TUNING': ('c.d',)}"},
    "fake.strict_base_models": {"fixture": "True", "marker": "False"},
    "fake.clock": {"fixture": "'virtual'", "marker": "'real'"},
    "fake.default_region": {"fixture": "'eu-west-1'", "marker": "'ap-south-1'"},
    "cassette.path": {"fixture": "'a'", "marker": "'b'"},
    "cassette.record_mode": {"ini": "new_episodes", "cli": "all", "fixture": "'once'", "marker": "'none'"},
    "cassette.match_on": {"fixture": "['operation']", "marker": "('operation', 'body')"},
    "cassette.ignore_params": {"fixture": "['x']", "marker": "None"},
    "cassette.redact": {"fixture": "['secret']", "marker": "[('team-[a-z]+', 'team-x')]"},
    "cassette.placeholder_account": {"fixture": "'111111111111'", "marker": "'222222222222'"},
    "cassette.allow_playback_repeats": {"fixture": "True", "marker": "False"},
    "cassette.on_drift": {"fixture": "'warn'", "marker": "'ignore'"},
    "cassette.save_on_failure": {"fixture": "True", "marker": "False"},
    "cassette.golden": {"fixture": "'get/status-Failed'", "marker": "None"},
    "variants.dimensions": {"marker": "('status: Stopped',)"},
    "variants.operation": {"marker": "'GetModelCustomizationJob'"},
    "variants.forward_compat": {"marker": "True"},
    "variants.serve": {"fixture": "False", "marker": "True"},
    "variants.seed": {"fixture": "5", "marker": "6"},
}
NAMESPACE = {"AfterGets": AfterGets, "Faults": Faults, "Manual": Manual}
HEADER = "import json\nimport pytest\nfrom pytest_bedrock_mock.fakes.simulator import AfterGets, Faults, Manual\n"
DUMP = '''
def test_dump(request{extra}):
    from pytest_bedrock_mock.plugin.resolve import options_for
    with open("dump.json", "w") as f:
        json.dump({{k: repr(v) for k, v in options_for(request).values.items()}}, f)
'''


def _layers(o: Option) -> set[str]:
    return {name for name, present in zip(LAYERS, (o.ini, o.cli, o.fixture, o.marker)) if present}


def _expected(o: Option, layers: tuple[str, ...]) -> Any:
    chosen = [layer for layer in layers if layer in SAMPLES[o.key]]
    if not chosen:
        return o.check(o.default)
    layer = chosen[-1]
    raw = SAMPLES[o.key][layer]
    if layer in ("fixture", "marker"):
        return o.check(eval(raw, dict(NAMESPACE)))
    return o.check(raw == "true") if o.type == "bool" else o.check(raw)


def _markers() -> str:
    lines = []
    for marker in MARKERS:
        rows = [o for o in OPTIONS if o.marker == marker and "marker" in SAMPLES[o.key]]
        args = [f"*{SAMPLES[o.key]['marker']}" if o.positional == "*" else f"{o.name}={SAMPLES[o.key]['marker']}" for o in rows]
        if args:
            lines.append(f"@pytest.mark.{marker}({', '.join(args)})")
    return "\n".join(lines)


def _run(pytester: pytest.Pytester, layers: tuple[str, ...]) -> dict[str, str]:
    ini = [f"{o.ini} = {SAMPLES[o.key]['ini']}" for o in OPTIONS if "ini" in layers and "ini" in SAMPLES[o.key]]
    pytester.makeini("[pytest]\n" + "\n".join(ini) + "\n")
    cli = [f"{o.cli}={SAMPLES[o.key]['cli']}" for o in OPTIONS if "cli" in layers and "cli" in SAMPLES[o.key]]
    overrides = ", ".join(f"{o.key!r}: {SAMPLES[o.key]['fixture']}" for o in OPTIONS if "fixture" in layers and "fixture" in SAMPLES[o.key])
    pytester.makeconftest(HEADER + f"\n@pytest.fixture\ndef {FIXTURE}():\n    return {{{overrides}}}\n")
    marked = "marker" in layers
    pytester.makepyfile(test_layers=HEADER + (_markers() if marked else "") + DUMP.format(extra=", bedrock_variant" if marked else ""))
    pytester.runpytest_inprocess(*cli, "-p", "no:cacheprovider")
    dumped: dict[str, str] = json.loads((pytester.path / "dump.json").read_text())
    return dumped


def test_the_whole_table(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert set(SAMPLES) == {o.key for o in OPTIONS}, "every option needs samples"
    for o in OPTIONS:
        assert set(SAMPLES[o.key]) == _layers(o), f"{o.key}: one sample per layer the option has"
    # registered with pytest
    help_text = re.sub(r"\s+", " ", pytester.runpytest_inprocess("--help").stdout.str())
    markers_text = pytester.runpytest_inprocess("--markers").stdout.str()
    for o in OPTIONS:
        assert not o.ini or f"{o.ini} (" in help_text, o.ini
        assert not o.cli or f"{o.cli}=" in help_text, o.cli
        for name in filter(None, (o.marker, o.flag and o.flag[0])):
            assert f"@pytest.mark.{name}" in markers_text, name
        if o.marker and MARKERS[o.marker][0] is None:
            signature = re.search(rf"@pytest\.mark\.{o.marker}\((.*?)\):", markers_text)
            assert signature and (f"*{o.name}" if o.positional == "*" else f"{o.name}=") in signature.group(1), o.key
    # defaults, then each layer over the ones below
    for depth in range(len(LAYERS) + 1):
        layers = LAYERS[:depth]
        dumped = _run(pytester, layers)
        for o in OPTIONS:
            expected = _expected(o, layers)
            if o.key == "cassette.record_mode" and _expected(option("cassette.golden"), layers):
                expected = "none"  # a golden cassette is only ever played back
            assert dumped[o.key] == repr(expected), f"{o.key} with layers {layers or 'none'}"


def _mode(pytester: pytest.Pytester, *args: str, marker: str = "", fixture: str = "") -> str:
    pytester.makeconftest(HEADER + f"@pytest.fixture\ndef {FIXTURE}():\n    return {{{fixture}}}\n")
    pytester.makepyfile(test_mode=HEADER + marker + DUMP.format(extra=""))
    pytester.runpytest_inprocess(*args, "-p", "no:cacheprovider")
    return str(json.loads((pytester.path / "dump.json").read_text())["cassette.record_mode"])


def test_the_offline_guarantee_cannot_be_weakened_by_a_marker_or_fixture(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    records = "@pytest.mark.bedrock_cassette(record_mode='all')\n"
    monkeypatch.setenv("CI", "true")
    assert _mode(pytester) == "'none'"
    assert _mode(pytester, marker=records) == "'none'"
    assert _mode(pytester, fixture="'cassette.record_mode': 'once'") == "'none'"
    assert _mode(pytester, "--bedrock-record-mode=new_episodes", marker=records) == "'all'", "an explicit command line is not the CI default"
    monkeypatch.setenv("CI", "0")
    assert _mode(pytester, marker=records) == "'all'"
    assert _mode(pytester, "--bedrock-record-mode=none", marker=records, fixture="'cassette.record_mode': 'once'") == "'none'"
    assert _mode(pytester, "--bedrock-record-mode=all", marker="@pytest.mark.bedrock_cassette(record_mode='none')\n") == "'none'", "a test may be more offline"


def test_flag_markers_win_over_fixture_and_keyword(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(f"import pytest\n@pytest.fixture\ndef {FIXTURE}():\n    return {{'stubber.validate_requests': True, 'stubber.allow_unused': False}}\n")
    pytester.makepyfile(test_flags=HEADER + "@pytest.mark.bedrock_no_validation\n@pytest.mark.bedrock_allow_unused\n"
                        "@pytest.mark.bedrock_stubber(validate_requests=True)\n" + DUMP.format(extra=""))
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    dumped = json.loads((pytester.path / "dump.json").read_text())
    assert (dumped["stubber.validate_requests"], dumped["stubber.allow_unused"]) == ("False", "True")


def test_a_misspelt_fixture_override_key_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(f"import pytest\n@pytest.fixture\ndef {FIXTURE}():\n    return {{'stubber.unorderd': True}}\n")
    pytester.makepyfile(test_typo="def test_typo(bedrock_stubber):\n    bedrock_stubber.calls\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{FIXTURE} fixture: unknown or not per-test option(s) stubber.unorderd; valid options: stubber.validate_requests, *"])


def test_options_markdown_has_one_row_per_option_and_every_source() -> None:
    text = options_markdown()
    lines = text.strip().splitlines()
    assert lines[0] == "| option | type | default | ini | command line | marker | fixture override | environment | what |"
    assert len(lines) == 2 + len(OPTIONS)
    for o, line in zip(OPTIONS, lines[2:]):
        assert line.startswith(f"| `{o.key}` |") and line.count(" | ") == 8, line
        for source in filter(None, (o.ini, o.cli, o.env, o.marker and f"@pytest.mark.{o.marker}(", o.flag and f"@pytest.mark.{o.flag[0]}")):
            assert source in line, (o.key, source)
        assert (f'{FIXTURE}["{o.key}"]' in line) == o.fixture
    assert "`int \\| None`" in text, "pipes inside cells are escaped"
