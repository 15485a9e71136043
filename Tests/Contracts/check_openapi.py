"""The API contract (docs/api/openapi.yaml) is a valid OpenAPI 3.1 document and keeps the house rules every
operation must follow: an operationId, a scope of the declared ones, the bearer errors (401, 403) and the rate
limit (429 with Retry-After), and errors only as RFC 9457 problem details. The generated server code and the served
copy (Public/api/openapi.json) must come from this very contract: run scripts/generate-api after changing it.
Exits non-zero naming each breach."""
import hashlib
import json
import pathlib
import sys

import yaml
from openapi_spec_validator import validate

root = pathlib.Path(__file__).resolve().parents[2]
path = root / "docs" / "api" / "openapi.yaml"
document = yaml.safe_load(path.read_text())
validate(document)

problems = []
scopes = set(document["components"]["securitySchemes"]["machine"]["flows"]["clientCredentials"]["scopes"])
operation_ids = set()
for route, item in document["paths"].items():
    for method, operation in item.items():
        name = f"{method.upper()} {route}"
        operation_id = operation.get("operationId")
        if not operation_id or operation_id in operation_ids:
            problems.append(f"{name}: missing or repeated operationId")
        operation_ids.add(operation_id)
        required = [scope for requirement in operation.get("security", []) for scope in requirement.get("machine", [])]
        if not required or not set(required) <= scopes:
            problems.append(f"{name}: needs one of the declared scopes, has {required}")
        responses = operation["responses"]
        for status in ("401", "403", "429"):
            if status not in responses:
                problems.append(f"{name}: no {status} answer")
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                reference = response.get("$ref", "")
                resolved = document["components"]["responses"][reference.rsplit("/", 1)[-1]] if reference else response
                if list(resolved.get("content", {})) != ["application/problem+json"]:
                    problems.append(f"{name}: {status} is not application/problem+json")
digest = hashlib.sha256(path.read_bytes()).hexdigest()
for generated in sorted((root / "Sources" / "HabilisApp" / "Features" / "API" / "Generated").glob("*.swift")):
    if f"// Contract sha256: {digest}" not in generated.read_text().splitlines()[:3]:
        problems.append(f"{generated.name} was generated from another contract: run scripts/generate-api")
served = root / "Public" / "api" / "openapi.json"
if not served.exists() or json.loads(served.read_text()) != document:
    problems.append("Public/api/openapi.json differs from the contract: run scripts/generate-api")
tooMany = document["components"]["responses"]["TooManyRequests"]
if "Retry-After" not in tooMany.get("headers", {}):
    problems.append("429 answers without Retry-After")

for problem in problems:
    print("✘", problem)
if problems:
    sys.exit(1)
print(f"✔ {path.name}: OpenAPI {document['openapi']}, {len(operation_ids)} operations, house rules kept")
