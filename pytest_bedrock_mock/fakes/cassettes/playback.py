"""``play()``: cassette playback as a context manager, for scripts, ``unittest`` and ``@given``.

>>> with play("cassettes/bedrock/test_jobs/test_poll.yaml") as cassette:      # doctest: +SKIP
...     run_my_job_runner()                      # any bedrock client is answered from the file
>>> with play(golden="get/status-Failed"):                                   # doctest: +SKIP
...     ...

It is the ``bedrock_cassette`` fixture with record mode ``none``: it never sends a request and
never writes a file. A request no recorded interaction matches raises
:class:`~pytest_bedrock_mock.errors.CassetteMismatchError` into the code under test, with the
closest interaction and a diff. To record, use the fixture (docs/cassettes.md#recording).

Public names: :func:`play`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteError
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import FakeBase
from pytest_bedrock_mock.fakes.cassettes import options as checks
from pytest_bedrock_mock.fakes.cassettes.matching import DEFAULT_MATCH_ON
from pytest_bedrock_mock.fakes.cassettes.recorder import CassetteSession
from pytest_bedrock_mock.fakes.cassettes.redaction import PLACEHOLDER_ACCOUNT

__all__ = ["play"]


@contextlib.contextmanager
def play(path: str | Path | None = None, *, golden: str | None = None, match_on: Sequence[str] = DEFAULT_MATCH_ON,
         ignore_params: Iterable[str] | None = None, allow_playback_repeats: bool = False, on_drift: str = "error",
         redact: Any = (), placeholder_account: str = PLACEHOLDER_ACCOUNT) -> Iterator[CassetteSession]:
    """Answer every bedrock client from the cassette at ``path`` (or the kit's ``golden`` one) until the block ends.

    The options are the ``bedrock_cassette`` marker's (docs/cassettes.md); the session yielded
    has ``.calls``, ``.played`` and ``.unplayed``.
    """
    if (path is None) == (golden is None):
        raise CassetteError(f"play() takes a cassette path or golden='<name>', exactly one of them; got path={path!r}, golden={golden!r} ({CASSETTES_DOCS})")
    options = checks.CassetteOptions(
        path=Path(path) if path is not None else Path(f"{golden}.yaml"), record_mode="none", match_on=checks.check_match_on(match_on),
        ignore_params=checks.check_ignore_params(ignore_params), redact=checks.check_redact(redact),
        placeholder_account=checks.check_placeholder_account(placeholder_account), allow_playback_repeats=bool(allow_playback_repeats),
        on_drift=checks.check_on_drift(on_drift), golden=golden,
    )
    owner = "pytest_bedrock_mock.play()"
    if golden is not None:
        from pytest_bedrock_mock.fakes.cassettes.golden import build

        with intercept.activate(FakeBase(), owner):  # another fake active: its conflict names play(), before building
            pass

        try:
            cassette = build(golden)
        except KeyError as exc:
            raise CassetteError(str(exc.args[0])) from None
        session = CassetteSession(options, cassette=cassette)
    elif not options.path.exists():
        raise CassetteError(f"{options.path}: no such cassette. play() only plays back; record it once with the bedrock_cassette fixture "
                            f"(record_mode='once') and commit the file ({CASSETTES_DOCS}#recording).")
    else:
        session = CassetteSession(options)
    with intercept.activate(session, owner):
        yield session
