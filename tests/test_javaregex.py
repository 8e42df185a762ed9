"""The one Java-regex engine: its tree, and three back-ends that agree on every model pattern.

For every pattern of every string shape in botocore's bedrock model (not only the four
operations in scope), strings drawn from the generation back-end (``strategies.regex``) are
accepted by the Python back-end (``compile_pattern``) and by the exported ECMA-262 pattern as
``jsonschema`` evaluates it (``re.search``); mutations of them are judged alike by both, and
strings with a character no class of the pattern holds are rejected by both. No exported
pattern backtracks exponentially on adversarial near misses.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_patterns import oracle

from pytest_bedrock_mock.contract.schema import json_schema
from pytest_bedrock_mock.core import javaregex
from pytest_bedrock_mock.core.javaregex import Alt, Anchor, Chars, Look, Node, Repeat, Seq, compile_pattern, ecma_pattern, full_match, parse
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.strategies.regex import pattern_strings

#: A Java pattern with Unicode property classes (the shape newer botocore models use).
UNICODE_NAME = r"\p{L}[\p{L}\p{M}0-9_]*( [\p{L}\p{M}0-9_]+)*"


def _model_patterns() -> dict[str, tuple[str, int, int | None]]:
    """pattern -> (first shape name, min, max) over every string shape of the whole model."""
    service = get_model().service_model
    found: dict[str, tuple[str, int, int | None]] = {}
    for name in sorted(service.shape_names):
        shape = service.shape_for(name)
        pattern = shape.metadata.get("pattern")
        if shape.type_name == "string" and pattern is not None and pattern not in found:
            found[pattern] = (name, shape.metadata.get("min", 0), shape.metadata.get("max"))
    return found


MODEL = _model_patterns()
PATTERNS = sorted(MODEL, key=lambda p: MODEL[p][0])
IDS = [MODEL[p][0] for p in PATTERNS]


def _walk(node: Node) -> Iterator[Node]:
    yield node
    children: tuple[Node, ...] = ()
    if isinstance(node, Seq):
        children = node.items
    elif isinstance(node, Alt):
        children = node.options
    elif isinstance(node, (Repeat, Look)):
        children = (node.body,)
    for child in children:
        yield from _walk(child)


def _in_any_class(java: str, c: str) -> bool:
    return any(ord(c) in n for n in _walk(parse(java)) if isinstance(n, Chars))


@functools.cache
def _ecma(java: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(java))  # jsonschema: re.search(pattern, instance)


def _judge(java: str, value: str) -> tuple[bool, bool]:
    return compile_pattern(java).fullmatch(value) is not None, _ecma(java).search(value) is not None


@functools.cache
def _oracle(java: str) -> re.Pattern[str] | None:
    """test_patterns' independent translation of the raw Java text (no rewrite; None where it does not know a construct)."""
    try:
        return oracle(java)
    except NotImplementedError:
        return None


_LONG_RUN = re.compile(r"(.)\1{7}", re.DOTALL)


def _oracle_agrees(java: str, value: str, expected: bool) -> None:
    """The oracle backtracks like the raw pattern: only asked about values without long runs of one character."""
    ref = _oracle(java)
    if ref is not None and not _LONG_RUN.search(value):
        assert (ref.fullmatch(value) is not None) is expected, (java, value)


def test_the_model_has_many_patterns_and_every_one_parses() -> None:
    assert len(PATTERNS) >= 50 and "[a-zA-Z0-9](-*[a-zA-Z0-9\\+\\-\\.])*" in MODEL
    for java in PATTERNS:
        assert parse(java) is parse(java)  # parsed once, cached by pattern string
        assert ecma_pattern(java).startswith("^(?:") and ecma_pattern(java).endswith(")(?![\\s\\S])")


# -- generated strings match; mutations are judged alike ----------------------------------------

_MUTATION_CHARS = ["\n", "\r", "\u2028", "\x85", "\x0b", "\t", " ", "\u00a0", "١", "０", "é", "😀", "#", "!",
                   "a", "Z", "0", "-", "_", ".", ":", "/", "$", "+", "@"]
_FOREIGN = ["\u2028", "\x00", "😀", "#", "!", "\n", " "]


@pytest.mark.parametrize("java", PATTERNS, ids=IDS)
@settings(max_examples=max(8, settings.default.max_examples // 5))
@given(data=st.data())
def test_generated_strings_match_in_every_back_end_and_mutations_agree(java: str, data: st.DataObject) -> None:
    _, low, high = MODEL[java]
    value = data.draw(pattern_strings(java, low, min(high or 300, 300)), label="generated")
    assert _judge(java, value) == (True, True), repr(value)
    _oracle_agrees(java, value, True)
    for _ in range(3):
        pos = data.draw(st.integers(0, len(value)), label="pos")
        action = data.draw(st.sampled_from(["insert", "replace", "delete", "append"]), label="action")
        char = data.draw(st.sampled_from(_MUTATION_CHARS), label="char")
        value = {"insert": value[:pos] + char + value[pos:], "replace": value[:pos] + char + value[pos + 1 :],
                 "delete": value[:pos] + value[pos + 1 :], "append": value + char}[action]
        python, ecma = _judge(java, value)
        assert python is ecma, repr(value)
        _oracle_agrees(java, value, python)
    foreign = [c for c in _FOREIGN if not _in_any_class(java, c)]
    if foreign:  # a character no class holds: no back-end may accept it anywhere
        char = data.draw(st.sampled_from(foreign), label="foreign")
        pos = data.draw(st.integers(0, len(value)), label="foreign pos")
        assert _judge(java, value[:pos] + char + value[pos:]) == (False, False)


# -- no exponential backtracking ----------------------------------------------------------------


def _simple(node: Node) -> str:
    """A short string along the tree: the first printable member of each class, each repeat at its least (>= 1)."""
    if isinstance(node, Chars):
        printable = [cp for lo, hi in node.ranges for cp in range(lo, min(hi, lo + 128) + 1) if 0x21 <= cp < 0x7F]
        return chr(printable[0]) if printable else chr(node.ranges[0][0]) if node.ranges else ""
    if isinstance(node, Seq):
        return "".join(map(_simple, node.items))
    if isinstance(node, Alt):
        return _simple(node.options[-1])
    if isinstance(node, Repeat):
        return _simple(node.body) * max(node.low, 1)
    return ""


def _adversarial(java: str, size: int = 60) -> set[str]:
    """``size`` characters repeating a unit of the pattern (a repeated body, or one class's edge member), then a bad one."""
    tree = parse(java)
    whole = _simple(tree)
    units = {_simple(n.body) for n in _walk(tree) if isinstance(n, Repeat)} | set(whole)
    for node in _walk(tree):
        if isinstance(node, Chars):
            units.update(chr(cp) for lo, hi in node.ranges[:3] for cp in (lo, hi) if 0x20 <= cp < 0x7F)
    return {(prefix + unit * size)[:size] + bad for unit in units if unit for prefix in {"", whole[:1], whole} for bad in "!\u2028\n"}


def _milliseconds(judge: Callable[[str], Any], value: str) -> float:
    best = float("inf")
    for _ in range(3):  # the best of three: a pause of the machine is not backtracking
        start = time.perf_counter()
        judge(value)
        best = min(best, (time.perf_counter() - start) * 1000)
        if best < 5 or best > 500:
            break
    return best


@pytest.mark.parametrize("java", PATTERNS, ids=IDS)
def test_no_exported_pattern_backtracks_exponentially(java: str) -> None:
    python, ecma = compile_pattern(java).fullmatch, _ecma(java).search
    for size in range(12, 61, 4):  # growing: an exponential pattern fails early instead of hanging
        for value in sorted(_adversarial(java, size)):
            for name, judge in (("python", python), ("ecma", ecma)):
                assert _milliseconds(judge, value) < 50, (name, java, value)


def test_the_exported_schema_rejects_a_long_dashed_job_name_at_once() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("CreateModelCustomizationJob"))
    name = "a" + "-" * 40 + "!"
    list(validator.iter_errors({"jobName": "warm-up"}))
    start = time.perf_counter()
    errors = [e for e in validator.iter_errors({"jobName": name}) if list(e.path) == ["jobName"]]
    assert (time.perf_counter() - start) * 1000 < 50
    assert [e.validator for e in errors] == ["pattern"]


def test_the_defusing_rewrites_are_visible_in_the_tree() -> None:
    job = parse(get_model().input_shape("CreateModelCustomizationJob").members["jobName"].metadata["pattern"])
    assert isinstance(job, Seq) and isinstance(job.items[1], Repeat) and isinstance(job.items[1].body, Chars)
    assert parse("(a+)*") == Repeat(Chars(((97, 97),)), 0, None)
    assert isinstance(parse("x(-*[a-z-]){0,5}"), Seq)


_INNER = ["a", "[a-]", "(ab)"]
_CHAR = ["b", "[ab]", "[ab-]", "(a|-)"]
_SHAPES = ["({i}*{c})", "({c}{i}*)", "({i}*)", "({i}+)"]
_OUTER = ["*", "+", "?", "{0,2}", "{1,3}", "{0,1}", "{1}", "{2,}"]
_TINY_VALUES = ["".join(p) for n in range(6) for p in itertools.product("ab-", repeat=n)]


@pytest.mark.parametrize("shape", _SHAPES)
def test_the_defusing_rewrites_keep_the_language(shape: str) -> None:
    """Every small pattern of the rewritten shapes against every value of up to five characters."""
    for inner, char, outer in itertools.product(_INNER, _CHAR, _OUTER):
        java = "x" + shape.format(i=inner, c=char) + outer + "y?"  # these few constructs read alike in Java and Python
        raw, python, ecma = re.compile(java), compile_pattern(java), _ecma(java)
        for value in _TINY_VALUES:
            expected = raw.fullmatch("x" + value) is not None
            assert (python.fullmatch("x" + value) is not None) is expected, (java, value)
            assert (ecma.search("x" + value) is not None) is expected, (java, value)


# -- Unicode property classes export ---------------------------------------------------------------


def test_property_class_patterns_export_and_agree() -> None:
    ecma = ecma_pattern(r"[\p{L}\p{M}0-9 _-]+")
    for good in ("Zürich Straße 12", "日本語 名前", "a\u0301b", "Ωmega_-"):
        assert re.search(ecma, good) and full_match(r"[\p{L}\p{M}0-9 _-]+", good), good
    for bad in ("a!", "x\n", "١٢", "", "a\u2028"):
        assert not re.search(ecma, bad) and not full_match(r"[\p{L}\p{M}0-9 _-]+", bad), bad


def test_a_model_with_property_classes_exports_a_working_schema() -> None:
    raw = load_raw_model()
    raw["shapes"]["JobName"]["pattern"] = UNICODE_NAME
    with use_model(raw):
        schema = json_schema("CreateModelCustomizationJob")
    validator = jsonschema.Draft202012Validator(schema)
    assert schema["properties"]["jobName"]["pattern"] == ecma_pattern(UNICODE_NAME)

    def name_errors(name: str) -> list[str]:
        return [e.validator for e in validator.iter_errors({"jobName": name}) if list(e.path) == ["jobName"]]

    assert name_errors("Zürich Straße") == [] and name_errors("日本語 名前") == []
    assert name_errors("1abc") == ["pattern"] and name_errors("a  b") == ["pattern"]

    @settings(max_examples=20)
    @given(pattern_strings(UNICODE_NAME, 1, 63))
    def generated(name: str) -> None:
        assert name_errors(name) == [] and full_match(UNICODE_NAME, name)

    generated()


# -- the tree ----------------------------------------------------------------------------------


def _c(text: str) -> Chars:
    return Chars(tuple((ord(c), ord(c)) for c in text))


@pytest.mark.parametrize(
    ("java", "tree"),
    [
        ("ab", Seq((_c("a"), _c("b")))),
        ("a|b", Alt((_c("a"), _c("b")))),
        ("(a){2,}", Repeat(_c("a"), 2, None)),
        ("a{1}", _c("a")),
        ("[a-c&&[^b]]", Chars(((97, 97), (99, 99)))),
        ("[a[x-z]]", Chars(((97, 97), (120, 122)))),
        ("\\Qa.\\E*", Seq((_c("a"), Repeat(_c("."), 0, None)))),
        ("\\x41\\u0042\\0103\\t", Seq((_c("A"), _c("B"), _c("C"), _c("\t")))),
        ("\\uD83D\\uDE00", _c("😀")),
        ("(?i)a", _c("Aa")),
        ("^a$", Seq((Anchor("start"), _c("a"), Anchor("end")))),
        ("a$\\n", Seq((_c("a"), Anchor("line_end"), _c("\n")))),
        ("(?=a)", Look(_c("a"), False)),
        ("[]a]", _c("]a")),
    ],
)
def test_parse_builds_the_tree(java: str, tree: Node) -> None:
    assert parse(java) == tree


@pytest.mark.parametrize("java", ["(a", "a)", "[a", "a{2,1}", "\\1", "\\b", "a*+", "(?<=a)", "(?>a)", "\\p{IsLatin}", "*a", "[z-a]"])
def test_unsupported_or_invalid_java_is_a_value_error_naming_the_pattern(java: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(java))):
        parse(java)


def test_the_generator_refuses_what_it_cannot_build() -> None:
    with pytest.raises(NotImplementedError, match="lookahead"):
        pattern_strings("(?=a)a")
    with pytest.raises(NotImplementedError, match="line terminator"):
        pattern_strings("a$\\n")


def test_source_is_the_python_back_end_text() -> None:
    assert compile_pattern("\\d+").pattern == javaregex.source(parse("\\d+")) == "[0-9]+"
    assert compile_pattern("\\d+").flags & re.ASCII


# -- ECMA-262 in a JavaScript engine -------------------------------------------------------------


def test_ecma_patterns_compile_and_agree_in_javascript() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript (u flag) check is skipped")
    patterns = [*PATTERNS, UNICODE_NAME, "a$\\n", "(?i)[^a]x", "[\\uDC00-\\uDFFF\\uD800]"]
    samples = {java: sorted({_simple(parse(java)), *sorted(_adversarial(java))[:20], "Zürich", "a\n", "a\r\n", "😀"}) for java in patterns}
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(cases.map(([p, ss]) => { const r = new RegExp(p, 'u'); return ss.map(s => r.test(s)); })));"
    )
    cases = [[ecma_pattern(java), samples[java]] for java in patterns]
    out = subprocess.run([node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=120)
    for java, row in zip(patterns, json.loads(out.stdout)):
        assert row == [full_match(java, s) for s in samples[java]], java
