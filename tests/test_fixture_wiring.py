"""Which fixtures of the plugin a test gets: none unless it touches the kit, and then in a known order.

No fixture of the plugin is autouse (an autouse fixture costs every test of every project); the
plugin's set-up adds isolation as the first fixture of a test that touches the kit, and the fake a
marker asks for as its first function-scoped one (``plugin.choice.add_fixtures``).
"""

from __future__ import annotations

import pytest

SUITE = '''
import pytest

from pytest_bedrock_mock.fakes import intercept

SEEN = {}


@pytest.fixture(scope="session")
def wide():
    SEEN["wide"] = type(intercept.active_fake()).__name__
    return 1


def test_plain(request):
    assert not [name for name in request.node.fixturenames if "bedrock" in name], request.node.fixturenames


def test_kit(request, bedrock_stubber):
    assert request.node.fixturenames[0] == "_bedrock_isolation"
    bedrock_stubber.add_get_job("Completed")
    bedrock_stubber.client.get_model_customization_job(jobIdentifier="my-job")


@pytest.mark.parametrize("marked", [pytest.param(True, marks=pytest.mark.bedrock_cassette(golden="get/status-Failed")), False])
def test_param_marker(request, wide, marked):
    active = type(intercept.active_fake()).__name__
    assert active == ("CassetteSession" if marked else "NoneType"), (marked, active, request.node.fixturenames)
    assert ("bedrock_cassette" in request.node.fixturenames) is marked
    assert SEEN["wide"] == "NoneType"  # a session fixture is set up before the marker's cassette, as with an autouse fixture
'''


def test_only_tests_that_touch_the_kit_get_fixtures_of_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_wiring=SUITE)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_no_fixture_of_the_plugin_is_autouse(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one(request):\n    print('NAMES', sorted(request.fixturenames))\n")
    result = pytester.runpytest_inprocess("-s", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    names = next(line for line in result.outlines if "NAMES" in line)
    assert "bedrock" not in names, names
