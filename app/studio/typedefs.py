"""Writes the studio's `types.js` from the OpenAPI document: a JSDoc `@typedef` per schema
(so that `// @ts-check` and ESLint-aware editors check the studio against the API it calls)
and the enums the studio shows (gate metrics, headline metrics, webhook events) as frozen arrays.

Generated, not fetched at start: types only help a checker if they are in a file, the
studio starts without waiting for a 100 KB document, and there is one source either way
(tests/test_studio_types.py fails when the committed file is not what this makes of the
committed spec). Run `python -m app.studio.typedefs` (scripts/generate-client runs it).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "openapi.json"
OUTPUT = Path(__file__).parent / "static" / "js" / "types.js"

HEADER = """\
// @ts-check
// GENERATED from openapi/openapi.json by `python -m app.studio.typedefs`: do not edit.
// The API's schemas as JSDoc types, and the enums the studio shows, read from the spec.
"""


def _name(ref_or_title: str) -> str:
    """A schema's name as a JS identifier."""
    return re.sub(r"\W", "_", ref_or_title.rsplit("/", 1)[-1])


def _literal(value: Any) -> str:
    return json.dumps(value)


def js_type(schema: dict[str, Any]) -> str:
    """The JSDoc (TypeScript) type of a JSON schema."""
    if "$ref" in schema:
        return _name(schema["$ref"])
    if "enum" in schema:
        return " | ".join(_literal(v) for v in schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        branches = [js_type(s) for s in schema.get("anyOf", schema.get("oneOf", []))]
        return " | ".join(dict.fromkeys(f"({b})" if " | " in b else b for b in branches))
    kind = schema.get("type")
    if kind == "string":
        return "string"
    if kind in ("integer", "number"):
        return "number"
    if kind == "boolean":
        return "boolean"
    if kind == "null":
        return "null"
    if kind == "array":
        return f"Array<{js_type(schema.get('items') or {})}>"
    if kind == "object" and "properties" not in schema:
        extra = schema.get("additionalProperties", True)
        return f"Object<string, {js_type(extra) if isinstance(extra, dict) else '*'}>"
    return "*"


def _comment(text: str | None) -> str:
    """One line of documentation; `*/` would end the comment."""
    return " ".join((text or "").split()).replace("*/", "*\\/")


def typedef(name: str, schema: dict[str, Any]) -> list[str]:
    lines = ["/**"]
    if schema.get("description"):
        lines.append(f" * {_comment(schema['description'])}")
    if "properties" not in schema:
        lines.append(f" * @typedef {{{js_type(schema)}}} {name}")
        return [*lines, " */"]
    lines.append(f" * @typedef {{Object}} {name}")
    required = set(schema.get("required", []))
    for prop, sub in schema["properties"].items():
        label = prop if prop in required else f"[{prop}]"
        doc = f" {_comment(sub.get('description'))}" if sub.get("description") else ""
        lines.append(f" * @property {{{js_type(sub)}}} {label}{doc}")
    return [*lines, " */"]


def _gate_metrics(schemas: dict[str, Any]) -> list[str]:
    metric = schemas["Gate"]["properties"]["metric"]
    return next(s["enum"] for s in metric.get("anyOf", [metric]) if "enum" in s)


def render(spec: dict[str, Any]) -> str:
    schemas = spec["components"]["schemas"]
    out = [HEADER]
    for name in sorted(schemas):
        out.extend(typedef(_name(name), schemas[name]))
        out.append("")
    enums = {
        "GATE_METRICS": ("The metrics a deployment's gate can compare (Gate.metric).", _gate_metrics(schemas)),
        "HEADLINE_METRICS": ("Metrics shown first, in this order (HeadlineMetric).", schemas["HeadlineMetric"]["enum"]),
        "WEBHOOK_EVENTS": ("The events a webhook can subscribe to (EventType).", schemas["EventType"]["enum"]),
    }
    for const, (doc, values) in enums.items():
        out.append(f"/** {doc} */")
        out.append(f"export const {const} = Object.freeze({_literal(values)});")
    return "\n".join(out) + "\n"


def main() -> None:
    OUTPUT.write_text(render(json.loads(SPEC.read_text())))
    sys.stdout.write(f"wrote {OUTPUT.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
