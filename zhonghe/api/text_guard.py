"""lib/text.py's rule for the whole API: applied to every operation's parsed input, stated in the OpenAPI document.

`refuse_control_characters` wraps each operation (after authentication and parsing, so the request is known and
its values are plain data): a string anywhere in the body, query or path that holds a control character is a 422
envelope naming the field. `document_text_rule` adds the same rule as a `pattern` to every string the document
accepts as input (request bodies and parameters) that has no pattern, enum or format of its own.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel

from zhonghe.lib.errors import ValidationFailed
from zhonghe.lib.text import LINE_PATTERN, MULTILINE_FIELDS, TEXT_PATTERN, find_bad_text


def _plain(value: Any) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


def refuse_control_characters(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        for name, value in kwargs.items():
            data = _plain(value)
            found = find_bad_text(data, path="" if isinstance(value, BaseModel) else name)
            if found:
                field, message = found
                raise ValidationFailed(_("输入含有不允许的字符"), fields={field: message})
        return view_func(request, *args, **kwargs)

    return wrapper


def _add_pattern(schema: dict[str, Any], name: str) -> None:
    if schema.get("type") == "string" and not ({"pattern", "enum", "const", "format"} & schema.keys()):
        schema["pattern"] = TEXT_PATTERN if name in MULTILINE_FIELDS else LINE_PATTERN
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            _add_pattern(option, name)
    if isinstance(schema.get("items"), dict):
        _add_pattern(schema["items"], name)
    for prop, sub in schema.get("properties", {}).items():
        _add_pattern(sub, prop)


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def document_text_rule(document: dict[str, Any]) -> dict[str, Any]:
    """Add the rule's pattern to every input string of an OpenAPI document (in place; returns it)."""
    components = document.get("components", {}).get("schemas", {})
    inputs: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _add_pattern(parameter.get("schema", {}), parameter.get("name", ""))
                inputs |= _refs(parameter)
            inputs |= _refs(operation.get("requestBody", {}))
    pending = set(inputs)
    while pending:  # schemas referenced from input schemas are inputs too
        name = pending.pop()
        new = _refs(components.get(name, {})) - inputs
        inputs |= new
        pending |= new
    for name in inputs:
        if name in components:
            _add_pattern(components[name], "")
    return document
