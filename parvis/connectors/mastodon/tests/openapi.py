"""Requests and responses checked against Mastodon's OpenAPI description (shared fixtures).

Mastodon.py sends form-encoded or multipart bodies, which the description documents as JSON
objects: bodies are decoded the Rails way (``media_ids[]``, ``poll[options][]``), their
strings cast to the types the schema declares, then validated as JSON. Every top-level field
sent must be one the operation declares, so a misspelt parameter fails the test.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from openapi_schema_validator import OAS31Validator

SPEC_PATH = (
    Path(__file__).resolve().parents[5] / "shared" / "fixtures" / "mastodon" / "openapi.json"
)


# (method, path template, "body" or the response status, error message): tolerated, each
# with the reason.
KNOWN_DEVIATIONS: set[tuple[str, str, str | int, str]] = {
    # Deleting answers with the status and its source `text` (to redraft it), not `content`.
    ("DELETE", "/api/v1/statuses/{id}", 200, "'content' is a required property"),
    # Mastodon's documentation: "String or Array of Strings"; Mastodon.py sends one string.
    ("POST", "/api/v1/apps", "body", "is not of type 'array'"),
}


# Fields Mastodon.py adds that the API does not know (the server ignores them).
CLIENT_EXTRAS = {
    # Mastodon.py 2.3.3's log_in() sends its local variable oauth_info along.
    ("POST", "/oauth/token"): {"oauth_info"},
}


def _tolerated(method: str, template: str, where: str | int, message: str) -> bool:
    return any(
        (method, template, where) == known[:3] and known[3] in message for known in KNOWN_DEVIATIONS
    )


class SchemaMismatchError(AssertionError):
    pass


def _any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of(item) for item in node]
    return node


@cache
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        raise SchemaMismatchError(
            f"{SPEC_PATH} is missing: ../shared must sit beside the repository"
        )
    return dict(_any_of(json.loads(SPEC_PATH.read_text())))


def _pointer(*parts: object) -> str:
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _validator(*parts: object) -> OAS31Validator:
    root = dict(spec())
    root["$ref"] = _pointer(*parts)
    return OAS31Validator(root)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec()
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every property a schema declares, through $ref, allOf, oneOf and anyOf."""
    schema = _resolve(schema)
    found: dict[str, dict[str, Any]] = {}
    for name, value in schema.get("properties", {}).items():
        found.setdefault(name, value)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(keyword, []):
            for name, value in _properties(part).items():
                found.setdefault(name, value)
    return found


def _types(schema: dict[str, Any]) -> set[str]:
    schema = _resolve(schema)
    declared = schema.get("type", [])
    types = {declared} if isinstance(declared, str) else set(declared)
    for keyword in ("oneOf", "anyOf", "allOf"):
        for part in schema.get(keyword, []):
            types |= _types(part)
    return types


def _cast_text(value: str, types: set[str]) -> Any:
    if "boolean" in types and value.lower() in {"true", "false", "1", "0"}:
        return value.lower() in {"true", "1"}
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    return value


def _cast(value: Any, schema: dict[str, Any]) -> Any:
    """Form values are strings: give them the types the schema declares."""
    schema = _resolve(schema)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [_cast(item, items) for item in value]
    if isinstance(value, dict):
        properties = _properties(schema)
        return {key: _cast(item, properties.get(key, {})) for key, item in value.items()}
    if isinstance(value, str):
        return _cast_text(value, _types(schema))
    return value


def _nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``a[]=1&a[]=2&p[options][]=x&p[expires_in]=60`` → nested dicts and lists."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        node: Any = result
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = parts[index + 1] if not last else None
            if part == "[]":
                continue
            if last:
                node[part] = value
            elif following == "[]" and index + 1 == len(parts) - 1:
                node.setdefault(part, []).append(value)
                break
            else:
                node = node.setdefault(part, {})
    return result


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    # Literal paths first: /api/v1/accounts/lookup is not /api/v1/accounts/{id}.
    paths = sorted(spec()["paths"].items(), key=lambda entry: entry[0].count("{"))
    for template, item in paths:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template.rstrip("/"))) + "/?$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise SchemaMismatchError(f"{method} {path} is not in Mastodon's API description")


def _body_fields(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _nest(parse_qsl(body.decode(), keep_blank_values=True))
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        pairs: list[tuple[str, Any]] = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            is_file = part.get_filename() is not None
            pairs.append((str(name), "<binary>" if is_file else part.get_content().strip()))
        return _nest(pairs)
    raise SchemaMismatchError(f"unexpected request content type {content_type!r}")


def check_request(method: str, url: str, headers: dict[str, str], body: bytes) -> str:
    """Validate one request; returns the path template it matched."""
    parts = urlsplit(url)
    template, operation = _operation(method, parts.path)
    declared = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"}
    query = _nest(parse_qsl(parts.query, keep_blank_values=True))
    for name, value in query.items():
        if name not in declared:
            raise SchemaMismatchError(f"{method} {template}: undeclared query parameter {name!r}")
        schema = declared[name].get("schema", {})
        errors = list(_validator_for_schema(schema).iter_errors(_cast(value, schema)))
        if errors:
            raise SchemaMismatchError(f"{method} {template} ?{name}: {errors[0].message}")
    content_type = headers.get("content-type", "")
    fields = _body_fields(content_type, body)
    if not fields:
        return template
    request_body = operation.get("requestBody")
    if request_body is None:
        raise SchemaMismatchError(f"{method} {template} takes no body, got {sorted(fields)}")
    media_type, content = next(iter(request_body["content"].items()))
    schema = content["schema"]
    properties = _properties(schema)
    unknown = sorted(set(fields) - set(properties) - CLIENT_EXTRAS.get((method, template), set()))
    if unknown:
        raise SchemaMismatchError(f"{method} {template}: undeclared body fields {unknown}")
    if media_type.startswith("multipart/"):
        fields = {k: (v if v != "<binary>" else "binary") for k, v in fields.items()}
    where = ("paths", template, method.lower(), "requestBody", "content", media_type, "schema")
    errors = [
        error
        for error in _validator(*where).iter_errors(_cast(fields, schema))
        if not _tolerated(method, template, "body", error.message)
    ]
    if errors:
        raise SchemaMismatchError(f"{method} {template} body: {errors[0].message}")
    return template


def _validator_for_schema(schema: dict[str, Any]) -> OAS31Validator:
    root = dict(spec())
    root.update(schema)
    return OAS31Validator(root)


def check_response(method: str, url: str, status: int, body: bytes) -> None:
    """Validate a JSON response against the operation's schema for that status."""
    template, operation = _operation(method, urlsplit(url).path)
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise SchemaMismatchError(f"{method} {template}: status {status} is not documented")
    content = response.get("content", {}).get("application/json")
    if content is None or not body:
        return
    key = str(status) if str(status) in responses else "default"
    content_path = ("content", "application/json", "schema")
    where = ("paths", template, method.lower(), "responses", key, *content_path)
    errors = [
        error
        for error in _validator(*where).iter_errors(json.loads(body))
        if not _tolerated(method, template, status, error.message)
    ]
    if errors:
        error = errors[0]
        raise SchemaMismatchError(
            f"{method} {template} → {status}: {error.message[:300]} at {list(error.absolute_path)}"
        )
