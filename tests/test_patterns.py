"""Every model pattern in scope compiles and behaves as the service's Java regexes do.

The patterns are found by walking the model from the four operations' inputs, outputs
and errors. Each is checked three ways:

* hand-written realistic samples (a table keyed by shape name; a pattern without
  samples, or a stale entry, fails the test);
* an independent *oracle*: the Java pattern rewritten with explicit ASCII classes and
  Java's line terminators spelled out, compiled without ``re.ASCII``; Hypothesis draws
  matching values from the oracle and mutates them, and ``full_match`` must agree;
* labelled negatives: trailing newline, non-ASCII digits, Java's ``.`` and line
  terminators, partial matches.

The three back-ends' agreement over every pattern of the whole model: ``test_javaregex.py``.
"""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.core.javaregex import compile_pattern, full_match, java_length
from pytest_bedrock_mock.core.model import OPERATIONS, get_model


def _patterns_in_scope() -> dict[str, str]:
    model = get_model()
    found: dict[str, str] = {}
    seen: set[str] = set()

    def walk(shape: object) -> None:
        name = shape.name  # type: ignore[attr-defined]
        if name in seen:
            return
        seen.add(name)
        if "pattern" in shape.metadata:  # type: ignore[attr-defined]
            found[name] = shape.metadata["pattern"]  # type: ignore[attr-defined]
        kind = shape.type_name  # type: ignore[attr-defined]
        if kind == "structure":
            for member in shape.members.values():  # type: ignore[attr-defined]
                walk(member)
        elif kind == "list":
            walk(shape.member)  # type: ignore[attr-defined]
        elif kind == "map":
            walk(shape.key)  # type: ignore[attr-defined]
            walk(shape.value)  # type: ignore[attr-defined]

    for op in OPERATIONS:
        operation = model.operation(op)
        for shape in (operation.input_shape, operation.output_shape, *operation.error_shapes):
            if shape is not None:
                walk(shape)
    return found


PATTERNS = _patterns_in_scope()

JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq"
CUSTOM_ARN = "arn:aws:bedrock:us-west-2:123456789012:custom-model/meta.llama3-3-70b-instruct-v1:0:128k/ty578u9h2s8j"
BASE_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

#: Realistic values each pattern must accept, keyed by shape name.
SAMPLES: dict[str, tuple[str, ...]] = {
    "BaseModelIdentifier": ("amazon.titan-text-express-v1:0:8k", BASE_ARN, CUSTOM_ARN, "my_custom-model1"),
    "CustomModelArn": (CUSTOM_ARN, "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"),
    "CustomModelName": ("amber-river-model-12", "My_Model-1"),
    "FoundationModelArn": (BASE_ARN, "arn:aws:bedrock:eu-central-1::foundation-model/meta.llama3-1-8b-instruct-v1:0:128k"),
    "IdempotencyToken": ("a1b2c3d4-e5f6-7890-abcd-ef1234567890", "x"),
    "JobName": ("cedar-ft-0042", "job.v1+test"),
    "KmsKeyArn": (KMS_KEY,),
    "KmsKeyId": (KMS_KEY, "alias/my-key_1", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:123456789012:alias/my-key"),
    "LambdaArn": ("arn:aws:lambda:us-east-1:123456789012:function:reward-grader", "arn:aws:lambda:us-west-2:123456789012:function:grader:$LATEST"),
    "ModelArn": (BASE_ARN, CUSTOM_ARN),
    "ModelCustomizationJobArn": (JOB_ARN,),
    "ModelCustomizationJobIdentifier": (JOB_ARN, "cedar-ft-0042"),
    "NonBlankString": ("Encountered an internal error when processing the request.", "Job 123 failed"),
    "PaginationToken": ("eyJ0b2tlbiI6IDEyM30=",),
    "RequestMetadataMapKeyString": ("project", "team:ml 1"),
    "RequestMetadataMapValueString": ("alpha-1", "$cost@center=42"),
    "RoleArn": ("arn:aws:iam::123456789012:role/BedrockJobRole",),
    "S3Uri": ("s3://example-bucket/data/train.jsonl", "s3://example-bucket", "s3://example-bucket2/output/"),
    "SecurityGroupId": ("sg-0123456789abcdef0",),
    "SubnetId": ("subnet-0123456789abcdef0",),
    "TagKey": ("project", "cost center:ml/2024"),
    "TagValue": ("team-42", "a b.c_d:e/f=g+h@i-9"),
    "TaggableResourcesArn": (JOB_ARN, "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456", "my-resource1"),
    "TeacherModelIdentifier": (
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
        "amazon.nova-pro-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
    ),
}
#: Patterns that accept any non-whitespace character (so non-ASCII digits, U+2028, '#').
ANY_CHAR = {"NonBlankString", "PaginationToken"}
#: Patterns whose tail admits ASCII whitespace (``\s``), so a trailing ``\n``/``\r`` is part of the value.
WHITESPACE_OK = {"NonBlankString", "RequestMetadataMapKeyString", "RequestMetadataMapValueString", "TagKey", "TagValue"}

# -- the oracle: Java semantics spelled out, independent of re.ASCII --------------------------------

_OUT = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[a-zA-Z0-9_]",
    "W": "[^a-zA-Z0-9_]",
    "s": "[ \\t\\n\\x0b\\f\\r]",
    "S": "[^ \\t\\n\\x0b\\f\\r]",
}
_IN = {
    "d": "0-9",
    "D": "\\x00-/:-\\U0010ffff",
    "w": "a-zA-Z0-9_",
    "W": "\\x00-/:-@\\[-\\^`{-\\U0010ffff",
    "s": " \\t\\n\\x0b\\f\\r",
    "S": "\\x00-\\x08\\x0e-\\x1f!-\\U0010ffff",
}
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"


def oracle(java: str) -> re.Pattern[str]:
    """The Java pattern with every class explicit; raises on a construct this oracle does not know."""
    out, i, in_class = [], 0, False
    while i < len(java):
        c = java[i]
        if c == "\\":
            e = java[i + 1]
            if e in _OUT:
                out.append(_IN[e] if in_class else _OUT[e])
            elif e.isalnum():
                raise NotImplementedError(f"oracle does not know \\{e} in {java!r}")
            else:
                out.append(java[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "[":
                raise NotImplementedError(f"nested class in {java!r}")
            in_class = c != "]"
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
        elif c == ".":
            out.append(_JAVA_DOT)
        elif c == "^":
            out.append("\\A")
        elif c == "$":
            out.append("\\Z")  # with a whole-value match nothing after $ can eat a line terminator
        else:
            out.append(c)
        i += 1
    return re.compile("".join(out))


# -- the table covers exactly the patterns in scope -------------------------------------------------


def test_every_pattern_in_scope_has_samples() -> None:
    assert len(PATTERNS) >= 20
    assert set(SAMPLES) == set(PATTERNS), "add samples for new patterns / drop stale ones"
    assert ANY_CHAR <= set(PATTERNS) and WHITESPACE_OK <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_compiles_without_warnings(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = compile_pattern.__wrapped__(PATTERNS[name])
        oracle(PATTERNS[name])
    assert compiled.flags & re.ASCII
    assert compile_pattern(PATTERNS[name]) is compile_pattern(PATTERNS[name])  # cached


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_samples_match_and_labelled_negatives_do_not(name: str) -> None:
    java = PATTERNS[name]
    for s in SAMPLES[name]:
        assert full_match(java, s), (name, s)
        assert oracle(java).fullmatch(s), (name, s)
        for end in ("\n", "\r"):
            assert full_match(java, s + end) is (name in WHITESPACE_OK), (name, s + end)
        for end in ("\u2028", "\u2029", "\x85"):
            assert full_match(java, s + end) is (name in ANY_CHAR), (name, s + end)
        assert full_match(java, "#" + s) is (name in ANY_CHAR), (name, "#" + s)
        if any(c.isdigit() for c in s):
            arabic = s.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
            assert full_match(java, arabic) is (name in ANY_CHAR), (name, arabic)
            fullwidth = s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            assert full_match(java, fullwidth) is (name in ANY_CHAR), (name, fullwidth)


_MUTATION_CHARS = ["\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\t", " ", "\u00a0", "\u2003", "١", "٣", "０",
                   "é", "😀", "#", "a", "Z", "0", "9", "-", "_", ".", ":", "/", "$", "+", "@"]


_LONG_RUN = re.compile(r"(.)\1{9}", re.DOTALL)


@functools.cache
def _matching(name: str) -> st.SearchStrategy[str]:
    # The oracle is a plain backtracking regex: keep runs of one character short, and dashes few,
    # so that JobName's ``(-*[...-...])*`` cannot blow up in the *oracle* (compile_pattern defuses
    # it): each ``-`` doubles its work on a value that fails at the end (20 dashes: ~0.4 s; 40: hours).
    # Drawn from the oracle (Hypothesis cannot draw ``re.ASCII`` patterns with non-ASCII
    # literals), except for ``[\\s\\S]``, whose explicit all-of-Unicode class is slow to draw.
    source = compile_pattern(PATTERNS[name]) if "\\S]" in PATTERNS[name] else oracle(PATTERNS[name])
    return st.from_regex(source, fullmatch=True).filter(lambda v: len(v) <= 300 and v.count("-") <= 12 and not _LONG_RUN.search(v))


@pytest.mark.parametrize("name", sorted(PATTERNS))
@settings(max_examples=max(5, settings.default.max_examples // 4))
@given(data=st.data())
def test_full_match_agrees_with_the_java_oracle(name: str, data: st.DataObject) -> None:
    java = PATTERNS[name]
    ref = oracle(java)
    value = data.draw(_matching(name), label="matching")
    assert full_match(java, value) and ref.fullmatch(value), repr(value)
    for _ in range(3):
        pos = data.draw(st.integers(0, len(value)), label="pos")
        action = data.draw(st.sampled_from(["insert", "replace", "delete", "append"]), label="action")
        char = data.draw(st.sampled_from(_MUTATION_CHARS), label="char")
        if action == "insert":
            value = value[:pos] + char + value[pos:]
        elif action == "replace":
            value = value[:pos] + char + value[pos + 1 :]
        elif action == "delete":
            value = value[:pos] + value[pos + 1 :]
        else:
            value += char
        assert full_match(java, value) is (ref.fullmatch(value) is not None), repr(value)


# -- Java semantics of the building blocks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("java", "value", "expected"),
    [
        ("\\d", "7", True),
        ("\\d", "١", False),  # ARABIC-INDIC DIGIT ONE
        ("\\d", "０", False),  # FULLWIDTH DIGIT ZERO
        ("[0-9]+", "١٢٣", False),
        ("\\d{3}", "١٢٣", False),
        ("\\w", "é", False),
        ("\\w", "_", True),
        ("\\s", "\u00a0", False),
        ("\\s", "\u2003", False),
        ("\\s", "\x0b", True),
        ("\\S", "\u00a0", True),
        (".", "\n", False),
        (".", "\r", False),
        (".", "\x85", False),
        (".", "\u2028", False),
        (".", "\u2029", False),
        (".", "\t", True),
        (".", "é", True),
        (".+", "ab\rcd", False),
        ("abc", "abc\n", False),
        ("abc", "xabc", False),
        ("abc", "abcd", False),
        ("a|b", "ab", False),
        ("a|b", "b", True),
        ("[a-z]*$", "abc\n", False),
        ("[]a]+", "]a", True),
        ("[^]a]", "b", True),
        ("\\h", "\u00a0", True),
        ("\\v", "\u2028", True),
        ("[a-z&&[^aeiou]]+", "bcd", True),  # Java intersects classes and unites nested ones
        ("[a-z&&[^aeiou]]+", "bad", False),
        ("[a[0-9]]+", "a1", True),
        ("[a[0-9]]+", "[", False),
        ("\\Qa.b\\E+", "a.bb", True),  # a quantifier binds the last quoted character
        ("\\Qa.b\\E+", "axb", False),
        ("\\x41\\u00e9\\0101\\x{1F600}", "AéA\U0001F600", True),
        ("(?i)abc", "aBC", True),
        ("(?i)[^a]", "A", False),  # case folding before negation
        ("(?s).", "\n", True),
        ("a(?s:.)(?-s).", "a\nb", True),
        ("a(?s:.)(?-s).", "ab\n", False),
        ("a$\\n", "a\n", True),  # Java's $ also matches before a final line terminator
        ("a$\\r\\n", "a\r\n", True),
        ("a$[\\r\\n]+", "a\r\n", True),
    ],
)
def test_java_semantics(java: str, value: str, expected: bool) -> None:
    assert full_match(java, value) is expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JobName", "cedar-ft-0042 extra"),
        ("S3Uri", "s3://example-bucket/data/train.jsonl?x=1"),
        ("RoleArn", "see arn:aws:iam::123456789012:role/BedrockJobRole"),
        ("ModelCustomizationJobArn", JOB_ARN + "/extra"),
    ],
)
def test_partial_matches_do_not_count(name: str, value: str) -> None:
    java = PATTERNS[name]
    assert compile_pattern(java).search(value) is not None  # a part of it matches ...
    assert not full_match(java, value)  # ... which is not enough


def test_role_arn_dot_refuses_java_line_terminators() -> None:
    java = PATTERNS["RoleArn"]
    assert full_match(java, "arn:aws:iam::123456789012:role/a\tb")
    for terminator in ("\n", "\r", "\x85", "\u2028", "\u2029"):
        assert not full_match(java, f"arn:aws:iam::123456789012:role/a{terminator}b")


@contextlib.contextmanager
def _hang_guard(seconds: int) -> Iterator[None]:
    """Turn a hang into a failure (POSIX main thread); not a speed assertion."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fail(*_: object) -> None:
        raise AssertionError(f"matching did not finish within {seconds} s (catastrophic backtracking)")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_catastrophic_backtracking_on_near_misses(name: str) -> None:
    """Values one character short of matching, built from each sample's own characters."""
    java = PATTERNS[name]
    with _hang_guard(10):
        for s in SAMPLES[name]:
            for c in sorted(set(s)):
                value = s + c * 60 + "\u2028"
                assert full_match(java, value) is (name == "NonBlankString" or (name == "PaginationToken" and not c.isspace()))
                full_match(java, s[:1] + c * 60 + "!")


def test_job_name_of_dashes_is_judged_at_once() -> None:
    java = PATTERNS["JobName"]
    with _hang_guard(10):
        assert not full_match(java, "a" + "-" * 61 + "!")
        assert full_match(java, "a" + "-" * 61 + "b")
        assert full_match(java, "a" + "-" * 62)  # a trailing dash is a class character too
        assert not full_match(java, "-" + "a" * 62)


# -- lengths as Java counts them ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "length"),
    [("", 0), ("abc", 3), ("é", 1), ("١٢٣", 3), ("😀", 2), ("a😀b", 4), ("𝄞", 2), ("\u2028", 1)],
)
def test_java_length_examples(value: str, length: int) -> None:
    assert java_length(value) == length


@given(st.text())
def test_java_length_counts_utf16_units(value: str) -> None:
    assert java_length(value) == len(value) + sum(1 for c in value if ord(c) > 0xFFFF)


# -- Java property classes (newer botocore models use them, e.g. \p{L}) ----------------------------


@pytest.mark.parametrize(
    ("java", "good", "bad"),
    [
        (r"\p{L}[\p{L}\p{M}0-9_]*( [\p{L}\p{M}0-9_]+)*", ["Zürich Straße", "日本語 名前", "a\u0301b"], ["1abc", "ab c\n", "a  b", "x!"]),
        (r"\p{Lu}\p{Ll}+", ["Ärger", "Ωmega"], ["ärger", "AB"]),
        (r"\p{Punct}+", ["!?", "[]{}"], ["¿", "a"]),
        (r"\P{L}+", ["12 3", "!"], ["a1", ""]),
        (r"[\p{Alpha}\p{Digit}-]+", ["ab-12"], ["é", "a_b"]),
        (r"[\P{L}x]+", ["x1!", "x x"], ["a", "xé"]),
        (r"\pL\p{IsLu}\p{gc=Nd}", ["aB٣"], ["ab1", "aB"]),
    ],
)
def test_java_property_classes(java: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert full_match(java, value), value
    for value in bad:
        assert not full_match(java, value), value


def test_an_unknown_property_class_is_named() -> None:
    with pytest.raises(ValueError, match=r"\\p\{Nonsense\}"):
        full_match(r"\p{Nonsense}", "x")
