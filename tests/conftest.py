"""Shared test configuration: Hypothesis profiles, and lean inner pytest runs.

``default`` keeps CI fast and repeatable: derandomized, so every run (and every xdist worker)
tries the same examples and a green suite stays green until the code or a test changes; and
without Hypothesis's *explain* phase, which only adds notes to a failure report but makes each
``find()`` several times slower (4 s instead of 0.4 s for one test). ``ci`` runs more examples,
still derandomized, with the explain phase. ``thorough`` runs many more, with fresh random
examples each time: the profile that goes looking for new failures. Pick one with
``HYPOTHESIS_PROFILE=thorough python -m pytest``.

Inner pytest runs (``pytester``) skip the pytest plugins of Hypothesis and Faker: each would
cost every inner process about 0.8 s of CPU to import, and no inner suite uses them. The
downstream run in ``test_packaging.py`` keeps every plugin, as a user's suite has them, and so
does every module that sets ``INNER_RUNS_KEEP_PLUGINS = True`` (the docs' blocks, which users
run with Hypothesis' plugin loaded).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import Phase, settings

settings.register_profile("default", max_examples=60, deadline=None, derandomize=True, phases=[p for p in Phase if p is not Phase.explain])
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: Options of every inner pytest run: the plugins that its suites do not use stay unloaded, and the
#: warning about the editable install's finder module (see pyproject's filterwarnings) stays out.
INNER_RUN_OPTIONS = ("-p no:hypothesispytest -p no:faker "
                     "-W 'ignore:Module already imported so cannot be rewritten; _editable_impl_:pytest.PytestAssertRewriteWarning'")


@pytest.fixture(autouse=True)
def _lean_inner_runs(request: pytest.FixtureRequest) -> Iterator[None]:
    if "pytester" not in request.fixturenames or getattr(request.module, "INNER_RUNS_KEEP_PLUGINS", False):
        yield
        return
    request.getfixturevalue("pytester")  # it clears PYTEST_ADDOPTS when it starts: set it after
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_ADDOPTS", INNER_RUN_OPTIONS)
        yield
