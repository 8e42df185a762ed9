"""The docs run: every ```python and ```console block of README.md and docs/*.md is executed.

The conventions (written for authors in docs/developing.md, "Executed docs"):

* A block whose first line is ``# file: NAME`` (any language) is written as ``NAME`` into the
  page's project directory, for the blocks after it on the same page (code under test, a
  ``conftest.py``, a ``pytest.ini``, a cassette). Python blocks named ``test_*.py`` also run.
* A ```python block with a top-level ``def test_...`` is a test module: it runs with pytester,
  in-process, the plugin loaded as users load it (the ``pytest11`` entry point), in the page's
  project directory. By default every test must pass.
* Any other ```python block is a script: exec'd in the page's project directory, as outside pytest
  (interception is not armed by the plugin while it runs).
* A ```console block runs each ``$ bedrock-mock ARGS`` line as ``python -m pytest_bedrock_mock ARGS``;
  the lines under it are its expected output (``...`` or ``…`` match anything).
* HTML comments on the lines right above the fence change that: ``<!-- no-run: REASON -->``
  (skipped; the reason is required and the count is capped), ``<!-- outcomes: passed=2 errors=1 -->``,
  ``<!-- args: --bedrock-coverage=fail -->``, ``<!-- exit: 1 -->`` (pytest's or the command's exit
  status). A block marked ``<!-- output -->`` is expected output of the runnable block before it on
  the page (each line, in order).

Line numbers in failures are lines of the Markdown file: code is padded so that they match.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings

from pytest_bedrock_mock.fakes import intercept

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = ("python", "console")
#: The blocks run as users run them: with every installed pytest plugin, Hypothesis' included (see conftest).
INNER_RUNS_KEEP_PLUGINS = True
#: At most this many runnable blocks may be marked no-run (each with its reason); raising it is a decision.
MAX_SKIPPED = 3
#: Docs examples check that the example works; the strategies' own tests hunt for bugs with more examples.
DOCS_PROFILE = "docs-examples"
settings.register_profile(DOCS_PROFILE, max_examples=10, deadline=None)
_FENCE = re.compile(r"^(```+)\s*([\w+-]*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*([\w-]+)\s*(?::\s*(.*?))?\s*-->$")
_FILE = re.compile(r"^#\s*file:\s*(\S+)")
_TEST_DEF = re.compile(r"^(async\s+)?def test_|^class Test", re.MULTILINE)


@dataclass
class Block:
    page: Path
    line: int  #: line of the opening fence (1-based)
    lang: str
    code: str
    directives: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"

    @property
    def file_name(self) -> str | None:
        first = self.code.split("\n", 1)[0]
        match = _FILE.match(first)
        return match.group(1) if match else None

    @property
    def kind(self) -> str:
        """``file``, ``test``, ``script``, ``console`` or ``text`` (not run)."""
        name = self.file_name
        if self.lang == "python":
            if name is not None and not Path(name).name.startswith("test_"):
                return "file"
            return "test" if name is not None or _TEST_DEF.search(self.code) else "script"
        if self.lang == "console":
            return "console"
        return "file" if name is not None else "text"

    def padded(self) -> str:
        """The code, preceded by blank lines so that line N of it is line N of the page."""
        return "\n" * self.line + self.code


def parse(page: Path) -> list[Block]:
    """Every fenced block of a page, with the directives written on the lines above it."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        start, ticks = i, fence.group(1)
        i += 1
        while i < len(lines) and lines[i].strip() != ticks:
            i += 1
        directives: dict[str, str] = {}
        j = start - 1
        while j >= 0 and (found := _DIRECTIVE.match(lines[j].strip())):
            directives[found.group(1)] = found.group(2) or ""
            j -= 1
        block = Block(page, start + 1, fence.group(2).lower(), "\n".join(lines[start + 1 : i]) + "\n", directives)
        if "output" in directives:
            runnable = [b for b in blocks if b.kind in ("test", "script", "console")]
            assert runnable, f"{block.where}: an <!-- output --> block must follow a runnable block"
            runnable[-1].output.extend(line for line in block.code.splitlines() if line.strip())
        blocks.append(block)
        i += 1
    return blocks


BLOCKS = [block for page in PAGES for block in parse(page)]
RUN = [b for b in BLOCKS if b.kind in ("file", "test", "script", "console")]


# -- running one block -------------------------------------------------------------------------------


def _write_files(pytester: pytest.Pytester, block: Block) -> None:
    """Write the page's ``# file:`` blocks above ``block`` (later ones win), except test modules."""
    for earlier in BLOCKS:
        if earlier.page != block.page or earlier.line >= block.line or earlier.kind != "file" or "no-run" in earlier.directives:
            continue
        name = earlier.file_name
        assert name is not None
        target = pytester.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(earlier.padded() if name.endswith(".py") else earlier.code.split("\n", 1)[1], encoding="utf-8")


def _normal(line: str) -> str:
    return " ".join(line.split())


def _check_output(block: Block, output: str, expected: list[str]) -> None:
    """Each expected line matches an output line, in order; ``...`` and ``…`` match anything."""
    actual = [_normal(line) for line in output.splitlines()]
    position = 0
    for line in expected:
        pattern = re.compile(re.escape(_normal(line)).replace(re.escape("..."), ".*").replace(re.escape("…"), ".*"))
        while position < len(actual) and not pattern.fullmatch(actual[position]):
            position += 1
        if position == len(actual):
            pytest.fail(f"{block.where}: the documented output line\n    {line}\nwas not printed (in this order). The output was:\n{output}", pytrace=False)
        position += 1


def _run_test_module(pytester: pytest.Pytester, block: Block) -> None:
    name = block.file_name or f"test_{block.page.stem.replace('-', '_').lower()}_{block.line}.py"
    (pytester.path / name).write_text(block.padded(), encoding="utf-8")
    args = shlex.split(block.directives.get("args", ""))
    # the profile conftest.py loaded (get_current_profile_name is newer than the Hypothesis floor)
    profile = getattr(settings, "get_current_profile_name", lambda: os.environ.get("HYPOTHESIS_PROFILE", "default"))()
    try:  # the inner session loads the docs profile; the outer session keeps its own
        result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning",
                                    f"--hypothesis-profile={DOCS_PROFILE}", *args, name)
    finally:
        settings.load_profile(profile)
    outcomes = result.parseoutcomes()
    expected = {k: int(v) for k, v in (item.split("=") for item in block.directives.get("outcomes", "").split())}
    problems = [f"{k}={outcomes.get(k, 0)} (documented {v})" for k, v in expected.items() if outcomes.get(k, 0) != v]
    if not expected:
        problems += [f"{k}={outcomes[k]}" for k in ("failed", "errors", "error") if outcomes.get(k)]
        problems += ["no test passed"] if not outcomes.get("passed") else []
    if "exit" in block.directives and result.ret != int(block.directives["exit"]):
        problems.append(f"exit status {int(result.ret)} (documented {block.directives['exit']})")
    text = result.stdout.str()
    if problems:
        pytest.fail(f"{block.where}: the test block ended {', '.join(problems)} (line numbers below are lines of the page):\n{text}", pytrace=False)
    _check_output(block, text, block.output)


def _run_script(block: Block, capsys: pytest.CaptureFixture[str]) -> None:
    code = compile(block.padded(), str(block.page), "exec")
    raised = ""
    armed = intercept.set_armed(False)  # a script runs as outside pytest: the plugin does not arm interception there
    try:
        exec(code, {"__name__": "__main__"})
    except Exception as exc:  # noqa: BLE001 - reported with the block's place
        raised = "".join(f for f in traceback.format_exception(exc) if str(block.page) in f or not f.startswith("  File"))
    finally:
        intercept.set_armed(armed[0], region=armed[1])
    if raised:
        pytest.fail(f"{block.where}: the python block raised (line numbers are lines of the page):\n{raised}", pytrace=False)
    _check_output(block, capsys.readouterr().out, block.output)


def _run_console(pytester: pytest.Pytester, block: Block) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands and line.strip():
            commands[-1][1].append(line)
    assert commands, f"{block.where}: a console block shows commands as '$ bedrock-mock ...' lines"
    for command, expected in commands:
        argv = shlex.split(command, comments=True)
        if argv[0] != "bedrock-mock":
            pytest.fail(f"{block.where}: only 'bedrock-mock' commands run; mark the block <!-- no-run: why --> ({command})", pytrace=False)
        result = pytester.run(sys.executable, "-m", "pytest_bedrock_mock", *argv[1:], timeout=120)
        want = int(block.directives.get("exit", "0"))
        output = result.stdout.str() + "\n" + result.stderr.str()
        if result.ret != want:
            pytest.fail(f"{block.where}: `{command}` exited {result.ret} (documented {want}):\n{output}", pytrace=False)
        _check_output(block, output, expected)


@pytest.mark.parametrize("block", RUN, ids=[b.where for b in RUN])
def test_block(block: Block, pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if "no-run" in block.directives:
        pytest.skip(f"{block.where}: {block.directives['no-run']}")
    # The pages describe a developer's machine: CI's own CI=true (which locks recording off) is not theirs.
    monkeypatch.delenv("CI", raising=False)
    _write_files(pytester, block)
    pytester.syspathinsert()
    if block.kind == "file":
        if block.lang == "python":
            compile(block.padded(), str(block.page), "exec")
        later = [b for b in RUN if b.page == block.page and b.line > block.line and b.kind in ("test", "script", "console")]
        assert later, f"{block.where}: the file {block.file_name} is used by no runnable block after it on the page"
    elif block.kind == "test":
        _run_test_module(pytester, block)
    elif block.kind == "script":
        _run_script(block, capsys)
    else:
        _run_console(pytester, block)


# -- the docs as a whole ----------------------------------------------------------------------------


def test_parse_reads_the_conventions(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```python\n# file: code.py\nX = 1\n```\n\n<!-- args: -v -->\n<!-- exit: 0 -->\n```python\nfrom code import X\n\n"
        "def test_x():\n    print(X)\n```\n\n<!-- output -->\n```text\n...PASSED...\n```\n\n<!-- no-run: needs a network -->\n"
        "```console\n$ bedrock-mock serve\n```\n\n````markdown\n```python\nnot a block\n```\n````\n",
        encoding="utf-8",
    )
    blocks = parse(page)
    assert [(b.line, b.lang, b.kind) for b in blocks] == [(3, "python", "file"), (10, "python", "test"), (18, "text", "text"),
                                                           (23, "console", "console"), (27, "markdown", "text")]
    assert blocks[0].file_name == "code.py" and blocks[1].directives == {"args": "-v", "exit": "0"}
    assert blocks[1].output == ["...PASSED..."] and blocks[3].directives == {"no-run": "needs a network"}
    assert blocks[1].padded().splitlines()[10] == "from code import X"  # line 11 of the page


def test_blocks_are_run_and_few_are_skipped() -> None:
    runnable = [b for b in BLOCKS if b.lang in RUNNABLE]
    skipped = [b for b in runnable if "no-run" in b.directives]
    assert len(runnable) >= 60, f"only {len(runnable)} runnable blocks found; is the parser broken?"
    assert all(b.directives["no-run"] for b in skipped), [b.where for b in skipped if not b.directives["no-run"]]
    assert len(skipped) <= MAX_SKIPPED, "too many blocks marked no-run:\n" + "\n".join(f"{b.where}: {b.directives['no-run']}" for b in skipped)


def test_code_blocks_use_a_language_the_runner_knows() -> None:
    """```py / ```python3 / ```pycon / ```shell would silently not run."""
    odd = [f"{b.where}: ```{b.lang}" for b in BLOCKS if b.lang in ("py", "python3", "pycon", "shell", "bash", "sh-session")]
    assert not odd, "use ```python, ```console (runs), ```sh or ```text (shown only):\n" + "\n".join(odd)


def test_directives_are_known() -> None:
    known = {"no-run", "outcomes", "args", "exit", "output"}
    unknown = [f"{b.where}: {name}" for b in BLOCKS for name in b.directives if name not in known]
    assert not unknown, unknown


_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(page: Path) -> list[str]:
    """The page's lines outside fenced blocks (a fence closes only with its own number of backticks)."""
    lines, fence = [], ""
    for line in page.read_text(encoding="utf-8").splitlines():
        found = _FENCE.match(line)
        if fence:
            fence = "" if line.strip() == fence else fence
        elif found:
            fence = found.group(1)
        else:
            lines.append(line)
    return lines


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a page."""
    headings = [line.lstrip("#").strip() for line in _prose(page) if re.match(r"#+\s", line)]
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_relative_links_resolve() -> None:
    broken = []
    for page in PAGES:
        for target in _LINK.findall("\n".join(_prose(page))):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_readme_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in PAGES[1:] if f"docs/{p.name}" not in readme]
    assert not missing, f"README.md does not link to {missing}"


def test_the_options_table_is_generated_from_the_one_table_in_code() -> None:
    from pytest_bedrock_mock.plugin.options import options_markdown

    page = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    start, end = "<!-- options-table:start -->\n", "<!-- options-table:end -->"
    assert start in page and end in page, "docs/options.md lost its options-table markers"
    table = page.split(start, 1)[1].split(end, 1)[0]
    assert table == options_markdown().rstrip("\n") + "\n", (
        "docs/options.md's table differs from pytest_bedrock_mock.plugin.options.OPTIONS: paste the output of "
        "python -c 'from pytest_bedrock_mock.plugin.options import options_markdown; print(options_markdown())'"
    )
