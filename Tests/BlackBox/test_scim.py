"""The SCIM 2.0 service as outside clients see it (issue 16): scim2-tester's discovery and protocol checks, then a
directory feed driven by scim2-client, which reads every answer with the models that scim2-models builds from the
server's own Schemas (so each response is checked against them): create, filters, pagination, ETags, PATCH, PUT,
DELETE as disabling, and a group PATCH that grants and revokes a right.

scim2-tester's CRUD checks fill every attribute with random text; a Habilis User's `userName` is the agent's login
e-mail and its organisme must exist, so those checks are replaced here by the same operations with valid values."""
import base64
import json
import os
import subprocess
import urllib.request
import urllib.parse
import uuid

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Error, PatchOp, SearchRequest
from scim2_tester import check_server

BINARY = os.environ["HABILIS_BINARY"]
BASE = os.environ["HABILIS_URLS"].split(",")[0]
HABILIS = "urn:habilis:params:scim:schemas:extension:agent:2.0:User"


def habilis(*arguments):
    output = subprocess.run([BINARY, *arguments], capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def token(*scopes):
    arguments = ["oidc-client", "add", "--machine", "--federation"]
    for scope in scopes:
        arguments += ["--scope", scope]
    client = habilis(*arguments)
    request = urllib.request.Request(
        BASE + "/oidc/token", data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + base64.b64encode(
            f"{client['client_id']}:{client['client_secret']}".encode()).decode()})
    return json.load(urllib.request.urlopen(request))["access_token"]


def scim_client(bearer):
    client = SyncSCIMClient(Client(base_url=BASE + "/scim/v2", headers={"Authorization": f"Bearer {bearer}"}))
    client.discover()
    return client


def raw(bearer, method, path, body=None, headers=None):
    request = urllib.request.Request(
        BASE + "/scim/v2" + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/scim+json", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, lower(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, lower(error.headers), json.loads(error.read() or b"null")


def lower(headers):
    return {name.lower(): value for name, value in headers.items()}


def test_scim2_tester_discovery_and_protocol_checks():
    results = check_server(scim_client(token("scim")), include_tags={"discovery", "misc"})
    ran = [result for result in results if result.status.name != "SKIPPED"]
    assert len(ran) >= 15, [result.title for result in ran]
    failures = [f"{result.title}: {result.reason}" for result in ran if result.status.name != "SUCCESS"]
    assert not failures, failures


def test_a_directory_feed_creates_finds_changes_and_disables_an_agent():
    bearer = token("scim", "directory:write", "rights:write")
    client = scim_client(bearer)
    user_model = client.get_resource_model("User")
    email = f"feed-{uuid.uuid4().hex[:8]}@caf.fr"
    external = f"RH-{uuid.uuid4().hex[:8]}"
    created = client.create(user_model, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", HABILIS],
        "userName": email, "externalId": external, "name": {"givenName": "Léa", "familyName": "Martin"},
        "phoneNumbers": [{"value": "0472000000", "type": "work"}], "active": True,
        HABILIS: {"organisationCode": "CAF-69"},
    })
    assert not isinstance(created, Error), created
    assert created.user_name == email and created.active is True
    assert created.meta.version and created.meta.location.endswith(created.id)

    # A second account with the same login is refused as SCIM says.
    status, _, error = raw(bearer, "POST", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", HABILIS], "userName": email,
        "name": {"givenName": "X", "familyName": "Y"}, HABILIS: {"organisationCode": "CAF-69"}})
    assert status == 409 and error["scimType"] == "uniqueness"

    # Filters the feed relies on.
    for expression in [f'userName eq "{email.upper()}"', f'externalId eq "{external}"',
                       f'userName eq "{email}" and externalId eq "{external}"']:
        found = client.query(user_model, query_parameters=SearchRequest(filter=expression))
        assert [resource.id for resource in found.resources] == [created.id], expression
    since = client.query(
        user_model, query_parameters=SearchRequest(filter='meta.lastModified gt "2000-01-01T00:00:00Z"'))
    assert since.total_results >= 7
    status, _, error = raw(bearer, "GET", "/Users?filter=" + urllib.parse.quote('title sw "x"'))
    assert status == 400 and error["scimType"] == "invalidFilter"

    # Pagination.
    first = raw(bearer, "GET", "/Users?startIndex=1&count=2")[2]
    second = raw(bearer, "GET", "/Users?startIndex=3&count=2")[2]
    assert first["itemsPerPage"] == 2 and first["totalResults"] == second["totalResults"]
    assert not {user["id"] for user in first["Resources"]} & {user["id"] for user in second["Resources"]}

    # ETags: a stale If-Match is refused, the current one accepted.
    status, headers, current = raw(bearer, "GET", f"/Users/{created.id}")
    etag = headers["etag"]
    status, _, _ = raw(bearer, "PATCH", f"/Users/{created.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "name.givenName", "value": "Léna"}]},
        headers={"If-Match": 'W/"0000"'})
    assert status == 412
    patched = client.modify(user_model, created.id, PatchOp[user_model](operations=[
        {"op": "replace", "path": "name.givenName", "value": "Léna"}]))
    assert patched is None or patched.name.given_name == "Léna"
    status, headers, after = raw(bearer, "GET", f"/Users/{created.id}")
    assert after["name"]["givenName"] == "Léna" and headers["etag"] != etag

    # PUT replaces; Entra ID's PATCH without a path and with a capitalised op sets active to false.
    replaced = raw(bearer, "PUT", f"/Users/{created.id}", {**after, "phoneNumbers": [{"value": "0473000000"}]},
                   headers={"If-Match": headers["etag"]})
    assert replaced[0] == 200 and replaced[2]["phoneNumbers"][0]["value"] == "0473000000"
    status, _, disabled = raw(bearer, "PATCH", f"/Users/{created.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "value": {"active": False}}]})
    assert status == 200 and disabled["active"] is False

    # DELETE disables, never erases.
    other = client.create(user_model, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", HABILIS],
        "userName": f"feed-{uuid.uuid4().hex[:8]}@caf.fr", "name": {"givenName": "Noé", "familyName": "Roux"},
        HABILIS: {"organisationCode": "CAF-69"}})
    assert raw(bearer, "DELETE", f"/Users/{other.id}")[0] == 204
    assert raw(bearer, "GET", f"/Users/{other.id}")[2]["active"] is False


def test_a_group_patch_grants_and_revokes_the_application():
    bearer = token("scim", "rights:write")
    client = scim_client(bearer)
    group_model = client.get_resource_model("Group")
    groups = client.query(group_model, query_parameters=SearchRequest(filter='externalId eq "GREVE"'))
    assert len(groups.resources) == 1
    greve = groups.resources[0]
    petit = raw(bearer, "GET", "/Users?filter=" + urllib.parse.quote('userName eq "j.petit@caf.fr"'))[2]["Resources"][0]
    status, _, group = raw(bearer, "PATCH", f"/Groups/{greve.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": petit["id"]}]}]})
    assert status == 200 and petit["id"] in [member["value"] for member in group["members"]]
    status, _, group = raw(bearer, "PATCH", f"/Groups/{greve.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "remove", "path": f'members[value eq "{petit["id"]}"]'}]})
    assert status == 200 and petit["id"] not in [member["value"] for member in group["members"]]
    assert raw(bearer, "POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                           "displayName": "Nouvelle"})[0] == 400
