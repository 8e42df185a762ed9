"""Shared test configuration: Hypothesis profiles.

``default`` keeps CI fast and repeatable: derandomized, so every run (and every xdist worker)
tries the same examples and a green suite stays green until the code or a test changes.
``ci`` runs more examples, still derandomized. ``thorough`` runs many more, with fresh random
examples each time: the profile that goes looking for new failures. Pick one with
``HYPOTHESIS_PROFILE=thorough python -m pytest``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
