"""Layer 4: variant coverage. Classifies what fakes serve; never imports :mod:`pytest_bedrock_mock.fakes`.

``tracker`` (:class:`Coverage`, :func:`classify`) and ``report`` (the JSON report and its schema).
"""

from __future__ import annotations

from pytest_bedrock_mock.coverage.tracker import Coverage, classify

__all__ = ["Coverage", "classify"]
