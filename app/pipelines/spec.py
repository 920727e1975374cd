"""The pipeline definition: its Pydantic model, validation, parameters and digest.

Imports neither FastAPI nor scikit-learn: the API validates with it at request
time and the worker executes the very same model. Validation reports every
problem at once, each with its location (`loc`) in the request body.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.components.catalog import get_component
from app.core.errors import Problem
from app.datastores.paths import parse_data_path

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$"
_PARAM_REF = re.compile(r"^\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_\-]*)\s*\}\}$")
_PARAM_REF_ANYWHERE = re.compile(r"\$\{\{.*?\}\}")

MAX_SETTINGS_DEPTH = 20

ParameterType = Literal["string", "integer", "number", "boolean", "data_path", "enum"]

# Which settings name data, and whether the step reads or writes it.
DATA_PATH_SETTINGS: dict[str, dict[str, Literal["read", "write"]]] = {
    "import_data": {"path": "read"},
    "export_data": {"path": "write"},
}
# Settings that name a registered model (model://NAME/VERSION|latest), by component.
MODEL_SETTINGS: dict[str, str] = {"score_registered_model": "model"}


def param_ref(value: Any) -> str | None:
    """The parameter a setting's value refers to (`${{parameters.NAME}}`), or None."""
    match = _PARAM_REF.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


class ParameterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    type: ParameterType
    default: Any = None
    description: str | None = Field(default=None, max_length=2000)
    choices: list[str | int | float] | None = Field(default=None, description="enum only")
    minimum: float | None = Field(default=None, description="integer and number only")
    maximum: float | None = Field(default=None, description="integer and number only")


class StepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    component: str
    description: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, str] = Field(default_factory=dict,
                                   description='input port -> "<step>.<port>" of an upstream step')

    @field_validator("settings")
    @classmethod
    def _not_too_deep(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Walked without recursion: a hostile body must not exhaust the stack.
        stack: list[tuple[Any, int]] = [(value, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_SETTINGS_DEPTH:
                raise ValueError(f"settings are nested deeper than {MAX_SETTINGS_DEPTH} levels")
            children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
        return value


# Where the studio's canvas draws a step: bounded so that a layout stays small and a
# hostile one cannot make the canvas (or the stored definition) huge.
MAX_LAYOUT_COORDINATE = 100_000
MAX_LAYOUT_ENTRIES = 1000


class StepPosition(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    x: float = Field(ge=0, le=MAX_LAYOUT_COORDINATE)
    y: float = Field(ge=0, le=MAX_LAYOUT_COORDINATE)


class PipelineSpec(BaseModel):
    """What a user writes: parameters and a graph of steps. A draft may have no steps yet
    (the studio starts from an empty one); running or publishing it is refused."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
    description: str | None = Field(default=None, max_length=5000)
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    steps: dict[str, StepSpec] = Field(default_factory=dict)
    layout: dict[str, StepPosition] | None = Field(
        default=None, max_length=MAX_LAYOUT_ENTRIES,
        description="Where the studio draws each step ({step: {x, y}}, pixels from the top left); "
                    "only steps of this pipeline; ignored by execution and by the digest")


Loc = Sequence[str | int]
SettingPath = tuple[str | int, ...]


def _problem(loc: Loc, msg: str) -> Problem:
    return {"loc": list(loc), "msg": msg}


# Parameters -------------------------------------------------------------------------


def check_value(spec: ParameterSpec, value: Any) -> str | None:
    """None when `value` fits the parameter, else a message."""
    kind = spec.type
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an integer, got {type(value).__name__} {value!r}"
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, got {type(value).__name__} {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"expected a finite number, got {value!r}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return f"expected true or false, got {value!r}"
    elif kind == "string":
        if not isinstance(value, str):
            return f"expected a string, got {type(value).__name__} {value!r}"
    elif kind == "enum":
        if value not in (spec.choices or []):
            return f"expected one of {spec.choices}, got {value!r}"
    elif kind == "data_path":
        parsed = parse_data_path(value)
        if isinstance(parsed, str):
            return parsed
    if kind in ("integer", "number"):
        if spec.minimum is not None and value < spec.minimum:
            return f"must be >= {spec.minimum:g}, got {value!r}"
        if spec.maximum is not None and value > spec.maximum:
            return f"must be <= {spec.maximum:g}, got {value!r}"
    return None


def _placeholder(spec: ParameterSpec) -> Any:
    if spec.default is not None:
        return spec.default
    return {"string": "x", "integer": 1, "number": 0.5, "boolean": False,
            "data_path": "datastore://default/placeholder.csv",
            "enum": (spec.choices or ["x"])[0]}[spec.type]


def _validate_parameters(spec: PipelineSpec) -> list[Problem]:
    problems = []
    for name, param in spec.parameters.items():
        loc = ["body", "parameters", name]
        if not re.match(NAME_PATTERN, name):
            problems.append(_problem(loc, "parameter names use letters, digits, '_' and '-' and start with a letter"))
        if param.type == "enum" and not param.choices:
            problems.append(_problem(loc + ["choices"], "an enum parameter needs a non-empty 'choices' list"))
        if param.type != "enum" and param.choices is not None:
            problems.append(_problem(loc + ["choices"], "'choices' is only for enum parameters"))
        if param.type not in ("integer", "number") and (param.minimum is not None or param.maximum is not None):
            problems.append(_problem(loc, "'minimum' and 'maximum' are only for integer and number parameters"))
        if (param.minimum is not None and param.maximum is not None and param.minimum > param.maximum):
            problems.append(_problem(loc, "'minimum' is greater than 'maximum'"))
        if param.default is not None:
            message = check_value(param, param.default)
            if message:
                problems.append(_problem(loc + ["default"], f"default of the wrong type: {message}"))
    return problems


# Steps and the graph ------------------------------------------------------------------


def _walk_refs(value: Any, path: SettingPath) -> list[tuple[SettingPath, str | None]]:
    """Every parameter reference inside a setting's value, nested ones included:
    (path, parameter name), or (path, None) for a reference that is not the whole string."""
    if isinstance(value, str):
        m = _PARAM_REF.match(value)
        if m:
            return [(path, m.group(1))]
        return [(path, None)] if _PARAM_REF_ANYWHERE.search(value) else []
    if isinstance(value, dict):
        return [r for k, v in value.items() for r in _walk_refs(v, path + (k,))]
    if isinstance(value, list):
        return [r for i, v in enumerate(value) for r in _walk_refs(v, path + (i,))]
    return []


def _substitute(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        m = _PARAM_REF.match(value)
        return values[m.group(1)] if m and m.group(1) in values else value
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    return value


def _validate_step_settings(spec: PipelineSpec, name: str, step: StepSpec,
                            model: type[BaseModel]) -> list[Problem]:
    problems: list[Problem] = []
    loc: list[str | int] = ["body", "steps", name, "settings"]
    placeholders: dict[str, Any] = {}
    unresolved: list[SettingPath] = []
    for path, ref in _walk_refs(step.settings, ()):
        if ref is None:
            problems.append(_problem(loc + list(path), "a parameter reference must be the whole value, "
                                     "exactly '${{parameters.NAME}}'"))
            unresolved.append(path)
            continue
        param = spec.parameters.get(ref)
        if param is None:
            problems.append(_problem(loc + list(path), f"references undefined parameter {ref!r}; "
                                     f"defined: {sorted(spec.parameters) or 'none'}"))
            unresolved.append(path)
            continue
        placeholders[ref] = _placeholder(param)
        if param.default is None:
            unresolved.append(path)  # checked at submit time, with the value given
    bound = _substitute(step.settings, placeholders)
    problems += settings_problems(model, bound, loc, skip=unresolved)
    return problems


def settings_problems(model: type[BaseModel], values: dict[str, Any], loc: Loc,
                      skip: Sequence[SettingPath] = ()) -> list[Problem]:
    try:
        model.model_validate(values)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            where = list(err.get("loc", ()))
            if any(tuple(where[:len(p)]) == p for p in skip):
                continue
            msg = err.get("msg", "invalid")
            if err.get("type") == "extra_forbidden":
                allowed = sorted(model.model_fields)
                msg = f"unknown setting; this component's settings are: {', '.join(allowed)}"
            out.append(_problem([*loc, *where], msg))
        return out
    return []


def _validate_graph(spec: PipelineSpec) -> list[Problem]:
    problems = []
    for name, step in spec.steps.items():
        loc = ["body", "steps", name]
        if not re.match(NAME_PATTERN, name):
            problems.append(_problem(loc, "step names use letters, digits, '_' and '-' and start with a letter"))
        component = get_component(step.component)
        if component is None:
            from app.components.catalog import CATALOG

            problems.append(_problem(loc + ["component"], f"unknown component {step.component!r}; "
                                     f"known: {', '.join(sorted(CATALOG))}"))
            continue
        ports = {p.name: p for p in component.inputs}
        for port_name, ref in step.inputs.items():
            ploc = loc + ["inputs", port_name]
            port = ports.get(port_name)
            if port is None:
                problems.append(_problem(ploc, f"{step.component} has no input {port_name!r}; "
                                         f"its inputs are: {', '.join(ports) or 'none'}"))
                continue
            up_name, dot, up_port = ref.partition(".")
            if not dot or not up_name or not up_port:
                problems.append(_problem(ploc, f"{ref!r} is not '<step>.<port>'"))
                continue
            upstream = spec.steps.get(up_name)
            if upstream is None:
                problems.append(_problem(ploc, f"refers to step {up_name!r}, which does not exist"))
                continue
            up_component = get_component(upstream.component)
            if up_component is None:
                continue
            outputs = {p.name: p for p in up_component.outputs}
            out_port = outputs.get(up_port)
            if out_port is None:
                problems.append(_problem(ploc, f"step {up_name!r} ({upstream.component}) has no output "
                                         f"{up_port!r}; its outputs are: {', '.join(outputs) or 'none'}"))
            elif out_port.type != port.type:
                problems.append(_problem(ploc, f"{ref} is a {out_port.type} but {port_name!r} takes a {port.type}"))
        for port in component.inputs:
            if not port.optional and port.name not in step.inputs:
                problems.append(_problem(loc + ["inputs"], f"input {port.name!r} ({port.type}) is not connected"))
        problems += _validate_step_settings(spec, name, step, component.settings_model)
    cycle = find_cycle(spec)
    if cycle:
        problems.append(_problem(["body", "steps"], "the steps form a cycle: " + " -> ".join(cycle)))
    return problems


def upstream_steps(step: StepSpec) -> list[str]:
    return [ref.partition(".")[0] for ref in step.inputs.values()]


def find_cycle(spec: PipelineSpec) -> list[str] | None:
    """A cycle among the steps (as a path that ends where it starts), or None. Iterative
    depth-first search, linear in steps and edges: a deep chain cannot exhaust the stack."""
    ups = {name: [u for u in upstream_steps(step) if u in spec.steps] for name, step in spec.steps.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in spec.steps:
        if root in state:
            continue
        path: list[str] = [root]
        cursors: list[int] = [0]
        state[root] = 1
        while path:
            node = path[-1]
            if cursors[-1] < len(ups[node]):
                nxt = ups[node][cursors[-1]]
                cursors[-1] += 1
                if state.get(nxt) == 1:
                    return path[path.index(nxt):] + [nxt]
                if nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    cursors.append(0)
            else:
                state[node] = 2
                path.pop()
                cursors.pop()
    return None


def topological_order(spec: PipelineSpec) -> list[str]:
    """Steps in an order where every step follows its inputs; ties keep declaration order.
    Kahn's algorithm with a heap of declaration positions: O(n log n)."""
    position = {name: i for i, name in enumerate(spec.steps)}
    downstream: dict[str, list[str]] = {name: [] for name in spec.steps}
    waiting: dict[str, int] = {}
    for name, step in spec.steps.items():
        ups = {u for u in upstream_steps(step) if u in spec.steps}
        waiting[name] = len(ups)
        for up in ups:
            downstream[up].append(name)
    ready = [position[name] for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    names = list(spec.steps)
    order: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for child in downstream[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, position[child])
    if len(order) != len(names):
        raise ValueError("cycle")
    return order


def _validate_layout(spec: PipelineSpec) -> list[Problem]:
    return [_problem(("body", "layout", name), f"no step named {name!r} in this pipeline: "
                     "the layout places only the pipeline's steps")
            for name in (spec.layout or {}) if name not in spec.steps]


def validate_pipeline(spec: PipelineSpec) -> list[Problem]:
    return _validate_parameters(spec) + _validate_graph(spec) + _validate_layout(spec)


def runnable_problems(spec: PipelineSpec, loc: Loc = ("pipeline", "steps")) -> list[Problem]:
    """What keeps a valid draft from running or being published: having no steps yet."""
    if not spec.steps:
        return [_problem(loc, f"the pipeline {spec.name!r} has no steps yet: add at least one step to the draft")]
    return []


def pipeline_digest(spec: PipelineSpec) -> str:
    """sha256 of the canonical JSON of the definition: equal definitions, equal digests.
    Where the studio draws the steps (the layout) is not part of what runs."""
    canonical = json.dumps(spec.model_dump(mode="json", exclude={"layout"}), sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# Binding values at submit time ---------------------------------------------------------


@dataclass(frozen=True)
class DataRef:
    """A data path that a step reads or writes, found while binding."""

    step: str
    setting: str
    value: str
    mode: Literal["read", "write"]
    loc: Loc


@dataclass
class BoundPipeline:
    parameters: dict[str, Any]
    settings: dict[str, dict[str, Any]]  # step -> settings with parameters substituted
    data_refs: list[DataRef]


def data_refs_of(spec: PipelineSpec, given: dict[str, Any]) -> list[DataRef]:
    """The data paths a run would use that are already well formed, even when other values
    of the request are wrong: so that every problem (a missing file too) is reported at once."""
    values: dict[str, Any] = {}
    for name, param in spec.parameters.items():
        value = given.get(name, param.default)
        if value is not None and name in spec.parameters and check_value(param, value) is None:
            values[name] = value
    refs = []
    for step_name, step in spec.steps.items():
        for key, mode in DATA_PATH_SETTINGS.get(step.component, {}).items():
            raw = step.settings.get(key)
            match = _PARAM_REF.match(raw) if isinstance(raw, str) else None
            value = values.get(match.group(1)) if match else raw
            if isinstance(value, str) and not isinstance(parse_data_path(value), str):
                loc: list[str | int] = (["body", "parameters", match.group(1)] if match
                                        else ["steps", step_name, "settings", key])
                refs.append(DataRef(step_name, key, value, mode, loc))
    return refs


def bind(spec: PipelineSpec, given: dict[str, Any]) -> tuple[BoundPipeline | None, list[Problem]]:
    """Resolves parameter values (given or default) and substitutes them into settings.

    Reports unknown, missing and ill-typed parameters and invalid settings, all at once.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name in given:
        if name not in spec.parameters:
            problems.append(_problem(["body", "parameters", name],
                                     f"unknown parameter; this pipeline's parameters are: "
                                     f"{', '.join(sorted(spec.parameters)) or 'none'}"))
    for name, param in spec.parameters.items():
        if name in given:
            message = check_value(param, given[name])
            if message:
                problems.append(_problem(["body", "parameters", name], message))
                continue
            values[name] = given[name]
        elif param.default is not None:
            values[name] = param.default
        else:
            problems.append(_problem(["body", "parameters", name],
                                     f"required parameter ({param.type}) has no default; give a value"))
    if problems:
        return None, problems

    settings: dict[str, dict[str, Any]] = {}
    data_refs: list[DataRef] = []
    for step_name, step in spec.steps.items():
        origins = {path: ref for path, ref in _walk_refs(step.settings, ()) if ref}
        bound = _substitute(step.settings, values)
        component = get_component(step.component)
        assert component is not None  # validated when the pipeline was saved
        step_loc: list[str | int] = ["steps", step_name, "settings"]
        for p in settings_problems(component.settings_model, bound, step_loc):
            where = tuple(p["loc"][len(step_loc):])
            ref = next((r for path, r in origins.items() if where[:len(path)] == path), None)
            if ref is not None:
                p["loc"] = ["body", "parameters", ref]
                p["msg"] = f"{p['msg']} (used by step {step_name!r}, setting {'.'.join(map(str, where))!r})"
            problems.append(p)
        for key, mode in DATA_PATH_SETTINGS.get(step.component, {}).items():
            if isinstance(bound.get(key), str):
                ref = origins.get((key,))
                loc = ["body", "parameters", ref] if ref else step_loc + [key]
                data_refs.append(DataRef(step_name, key, bound[key], mode, loc))
        settings[step_name] = bound
    if problems:
        return None, problems
    return BoundPipeline(parameters=values, settings=settings, data_refs=data_refs), []
