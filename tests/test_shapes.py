"""The one shape visitor and the one member-path grammar (``pytest_bedrock_mock.core.shapes``).

* the shape-only walk visits every member of every in-scope operation's input and output,
  checked against a brute-force listing of botocore's raw model JSON;
* the path grammar round-trips (format/parse), and reads the older spellings;
* recursive shapes terminate, in every visitor (schema export, validation, strategies,
  invalid targets, variant unions, golden unions);
* for generated requests, every path the walk with a value visits is, spelled for "any
  item", a path of the shape-only walk, and leads to the shape the walk met there.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock import variants
from pytest_bedrock_mock.contract.schema import json_schema
from pytest_bedrock_mock.contract.validate import validate_request
from pytest_bedrock_mock.core.model import OPERATIONS, get_model, load_raw_model, use_model
from pytest_bedrock_mock.core.shapes import (
    ANY_ITEM,
    ANY_VALUE,
    MAP_KEY,
    NO_VALUE,
    TYPE_NAMES,
    Node,
    Path,
    PathError,
    ShapeVisitor,
    ShapeWalker,
    format_path,
    generalize,
    member_paths,
    parse_path,
    resolve,
    shape_at,
)
from pytest_bedrock_mock.fakes.cassettes.golden import output_unions
from pytest_bedrock_mock.strategies import create_job_requests, from_shape, invalid_targets

CREATE = "CreateModelCustomizationJob"


# -- every member, against a brute-force listing of the raw model ------------------------------


def _brute_force(raw: dict[str, Any], name: str, prefix: str, ancestors: frozenset[str]) -> list[tuple[str, str, str]]:
    """(path, shape name, type) under the raw shape ``name``; a structure is not re-entered on its own branch."""
    shapes = raw["shapes"]
    shape = shapes[name]
    out: list[tuple[str, str, str]] = []
    if shape["type"] == "structure" and name not in ancestors:
        for member, ref in shape["members"].items():
            path = f"{prefix}.{member}" if prefix else member
            out.append((path, ref["shape"], shapes[ref["shape"]]["type"]))
            out += _brute_force(raw, ref["shape"], path, ancestors | {name})
    elif shape["type"] == "list":
        item = shape["member"]["shape"]
        out.append((prefix + "[]", item, shapes[item]["type"]))
        out += _brute_force(raw, item, prefix + "[]", ancestors)
    elif shape["type"] == "map":
        for suffix, ref in ((".{key}", shape["key"]), (".{value}", shape["value"])):
            out.append((prefix + suffix, ref["shape"], shapes[ref["shape"]]["type"]))
            out += _brute_force(raw, ref["shape"], prefix + suffix, ancestors)
    return out


def _roots() -> list[tuple[str, str, bool]]:
    raw = load_raw_model()
    out = []
    for op in OPERATIONS:
        for part, output in (("input", False), ("output", True)):
            if part in raw["operations"][op]:
                out.append((op, raw["operations"][op][part]["shape"], output))
    return out


class _Recorder(ShapeWalker):
    """Every node the walk visits, by the type method that received it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Path, str, str]] = []

    def visit(self, node: Node) -> None:
        if node.path:
            method = type(self)._table[node.shape.type_name].__name__
            self.seen.append((node.path, node.shape.name, method))
        super().visit(node)


@pytest.mark.parametrize(("operation", "shape_name", "output"), _roots())
def test_the_walk_visits_every_member_of_every_operation(operation: str, shape_name: str, output: bool) -> None:
    raw = load_raw_model()
    model = get_model()
    root = model.output_shape(operation) if output else model.input_shape(operation)
    assert root.name == shape_name
    expected = _brute_force(raw, shape_name, "", frozenset())
    recorder = _Recorder()
    recorder.walk(root)
    assert [(format_path(p), name, method) for p, name, method in recorder.seen] == [
        (path, name, f"visit_{kind}") for path, name, kind in expected
    ]
    assert [(format_path(p), s.name) for p, s in member_paths(root)] == [(path, name) for path, name, _ in expected]
    for path, shape in member_paths(root):
        assert shape_at(root, path) is shape
        assert shape_at(root, format_path(path)) is shape


def test_the_model_in_scope_has_only_the_types_the_walk_dispatches() -> None:
    kinds = {kind for op, name, _ in _roots() for _, _, kind in _brute_force(load_raw_model(), name, "", frozenset())}
    assert kinds <= set(TYPE_NAMES)
    assert {"structure", "list", "map", "string", "integer", "float", "boolean", "timestamp"} <= kinds


def test_a_type_a_visitor_does_not_handle_is_named() -> None:
    class Strings(ShapeVisitor[str]):
        def visit_structure(self, node: Node) -> str:
            return ",".join(self.visit(child) for _, _, child in node.members() if child)

        def visit_string(self, node: Node) -> str:
            return "s"

    with pytest.raises(NotImplementedError, match=r"shape type timestamp \(Timestamp at 'statusDetails\.validationDetails\.creationTime'\) is not supported"):
        Strings().walk(get_model().output_shape("GetModelCustomizationJob"))


# -- the path grammar -------------------------------------------------------------------------

_NAMES = st.text(st.sampled_from("abcXYZ019_-:/ é"), min_size=1, max_size=6)
_STEPS = st.one_of(_NAMES, st.integers(0, 10**6), st.sampled_from([ANY_ITEM, ANY_VALUE, MAP_KEY]))


@given(st.lists(_STEPS, max_size=8).map(tuple))
def test_paths_round_trip_through_their_text(path: Path) -> None:
    text = format_path(path)
    assert parse_path(text) == path
    assert format_path(parse_path(text)) == text


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("", ()),
        ("jobName", ("jobName",)),
        ("customizationConfig.distillationConfig.teacherModelConfig.teacherModelIdentifier",
         ("customizationConfig", "distillationConfig", "teacherModelConfig", "teacherModelIdentifier")),
        ("hyperParameters.epochCount", ("hyperParameters", "epochCount")),
        ("statusDetails.validationDetails.status", ("statusDetails", "validationDetails", "status")),
        ("jobTags[3].key", ("jobTags", 3, "key")),
        ("jobTags[].key", ("jobTags", ANY_ITEM, "key")),
        ("hyperParameters.{value}", ("hyperParameters", ANY_VALUE)),
        ("hyperParameters.{key}", ("hyperParameters", MAP_KEY)),
        ("[0][]", (0, ANY_ITEM)),
    ],
)
def test_botocore_notation_is_the_text(text: str, path: Path) -> None:
    assert parse_path(text) == path
    assert format_path(path) == text


def test_the_older_spellings_are_read_and_never_written() -> None:
    assert parse_path("jobTags.[].key") == parse_path("jobTags[].key")
    assert parse_path("hyperParameters.{}") == ("hyperParameters", ANY_VALUE)
    assert get_model().shape_at(CREATE, "jobTags.[].key", output=False).name == "TagKey"


@pytest.mark.parametrize("text", ["jobTags[x]", "jobTags[", "jobTags[1]key", "a[-1]"])
def test_malformed_paths_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="malformed member path"):
        parse_path(text)


def test_resolve_names_the_steps_a_shape_has() -> None:
    root = get_model().input_shape(CREATE)
    assert [s.name for s in resolve(root, parse_path("jobTags[0].key"))] == ["TagList", "Tag", "TagKey"]
    with pytest.raises(PathError) as info:
        resolve(root, parse_path("jobTags[0].colour"))
    assert info.value.choices == ("key", "value") and info.value.step == "colour"
    assert generalize(root, parse_path("jobTags[4].key")) == parse_path("jobTags[].key")


# -- recursive shapes -------------------------------------------------------------------------


def _recursive_raw() -> dict[str, Any]:
    """The model with a self-referencing filter in the Create request and the Get response."""
    raw = load_raw_model()
    shapes = raw["shapes"]
    shapes["TreeFilter"] = {
        "type": "structure",
        "members": {
            "label": {"shape": "TagKey"},
            "next": {"shape": "TreeFilter"},
            "children": {"shape": "TreeFilterList"},
            "named": {"shape": "TreeFilterMap"},
        },
    }
    shapes["TreeFilterList"] = {"type": "list", "member": {"shape": "TreeFilter"}, "max": 3}
    shapes["TreeFilterMap"] = {"type": "map", "key": {"shape": "TagKey"}, "value": {"shape": "TreeFilter"}}
    shapes["TreeUnion"] = {"type": "structure", "union": True, "members": {"leaf": {"shape": "TagKey"}, "tree": {"shape": "TreeUnion"}}}
    shapes["TreeFilter"]["members"]["choice"] = {"shape": "TreeUnion"}
    shapes["CreateModelCustomizationJobRequest"]["members"]["treeFilter"] = {"shape": "TreeFilter"}
    shapes["GetModelCustomizationJobResponse"]["members"]["treeFilter"] = {"shape": "TreeFilter"}
    return raw


@pytest.fixture(scope="module")
def recursive_raw() -> dict[str, Any]:
    return _recursive_raw()


def test_recursive_shapes_terminate_in_the_shape_only_walk(recursive_raw: dict[str, Any]) -> None:
    with use_model(recursive_raw) as model:
        root = model.input_shape(CREATE)
        paths = {format_path(p) for p, _ in member_paths(root)}
        expected = _brute_force(recursive_raw, root.name, "", frozenset())
        assert [(format_path(p), s.name) for p, s in member_paths(root)] == [(p, n) for p, n, _ in expected]
        assert {"treeFilter.next", "treeFilter.children[]", "treeFilter.named.{value}", "treeFilter.choice.tree"} <= paths
        assert not any(p.startswith(("treeFilter.next.", "treeFilter.children[].")) for p in paths)

        class Agains(ShapeWalker):
            def __init__(self) -> None:
                super().__init__()
                self.again: list[str] = []

            def visit_again(self, node: Node) -> None:
                self.again.append(format_path(node.path))

        agains = Agains()
        agains.walk(root)
        assert agains.again == [
            "treeFilter.next", "treeFilter.children[]", "treeFilter.named.{value}", "treeFilter.choice.tree",
        ]


def test_recursive_shapes_terminate_in_every_visitor(recursive_raw: dict[str, Any]) -> None:
    with use_model(recursive_raw) as model:
        schema = json_schema(CREATE)
        tree = schema["$defs"]["TreeFilter"]
        assert tree["properties"]["next"] == {"$ref": "#/$defs/TreeFilter"}
        assert schema["$defs"]["TreeFilterList"]["items"] == {"$ref": "#/$defs/TreeFilter"}
        nested = {"label": "a", "next": {"children": [{"label": "b", "next": {"label": "c"}}]}, "choice": {"tree": {"leaf": "x"}}}
        params = {**_valid_create(), "treeFilter": nested}
        jsonschema.Draft202012Validator(schema).validate(params)
        assert validate_request(CREATE, params) == []
        broken = copy.deepcopy(params)
        broken["treeFilter"]["next"]["children"][0]["next"]["label"] = 7
        broken["treeFilter"]["named"] = {"k": {"choice": {}}}
        assert [(v.path, v.kind) for v in validate_request(CREATE, broken)] == [
            ("treeFilter.next.children[0].next.label", "type"),
            ("treeFilter.named.k.choice", "union_none"),
        ]
        targets = {(t.path, t.kind) for t in invalid_targets(CREATE)}
        assert ("treeFilter.children", "max_items") in targets and ("treeFilter.choice", "union_many") in targets
        assert "treeFilter.choice" in {path for path, _ in variants.union_paths().values()}
        assert ("TreeUnion", "tree") in set(output_unions())
        strategy = from_shape(model.input_shape(CREATE).members["treeFilter"], max_depth=3)
        _draw_one(strategy)


def _valid_create() -> dict[str, Any]:
    from pytest_bedrock_mock import builders

    return builders.create_job_request(seed=3)


def _draw_one(strategy: st.SearchStrategy[Any]) -> None:
    drawn: list[Any] = []

    @settings(max_examples=5, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(value: Any) -> None:
        drawn.append(value)

    draw()
    assert drawn


# -- with a value, the walk stays on the shape-only paths ---------------------------------------


class _ValuePaths(ShapeWalker):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Node] = []

    def visit(self, node: Node) -> None:
        assert node.value is not NO_VALUE
        if node.path:
            self.seen.append(node)
        super().visit(node)


_CREATE_PATHS = {p for p, _ in member_paths(get_model().input_shape(CREATE))}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_job_requests())
def test_paths_met_with_a_value_are_shape_only_paths(params: dict[str, Any]) -> None:
    root = get_model().input_shape(CREATE)
    walker = _ValuePaths()
    walker.walk(root, params)
    assert len(walker.seen) >= len(params)
    for node in walker.seen:
        general = generalize(root, node.path)
        assert general in _CREATE_PATHS, format_path(node.path)
        assert shape_at(root, node.path) is node.shape
        if all(_plain_name(step) for step in node.path if isinstance(step, str)):
            assert parse_path(format_path(node.path)) == node.path


def _plain_name(name: str) -> bool:
    """A name the text form carries unchanged (see the module docstring of core.shapes)."""
    return bool(name) and not set(name) & set(".[]") and name not in ("{key}", "{value}", "{}")


# -- nothing else walks shapes --------------------------------------------------------------------

_ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
_SHAPES_MODULE = _ROOT / "pytest_bedrock_mock" / "core" / "shapes.py"


def _sources() -> list[Any]:
    files = [*(_ROOT / "pytest_bedrock_mock").rglob("*.py"), *(_ROOT / "strategies").glob("*.py")]
    return sorted({f.resolve() for f in files} - {_SHAPES_MODULE})


def test_only_core_shapes_steps_into_list_shapes_or_recurses_over_shapes() -> None:
    """``.member`` (a list shape's item) is read in core/shapes.py alone; no shape function calls itself."""
    import ast

    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "member":
                found.append(f"{path.name}:{node.lineno}: .member")
            if isinstance(node, ast.FunctionDef) and any("shape" in a.arg for a in node.args.args):
                calls = {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
                if node.name in calls:
                    found.append(f"{path.name}:{node.lineno}: {node.name} recurses")
    assert found == []
