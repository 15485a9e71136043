"""What reaches no handler, over real HTTP: a body over the 256 KB limit, a method an endpoint does not take. The
programs' interfaces answer in their own format (RFC 6749 §5.2 JSON, RFC 9457 problem details, RFC 7644 errors),
never with a page nor a 500; the pages keep their French HTML. The in-process test client hands bodies over
already read, so only a real server applies the limit."""
import os

import requests

from test_scim import token

BASE = os.environ["HABILIS_URLS"].split(",")[0]
CLIENT_ID, SECRET = os.environ["HABILIS_OIDC_CLIENT_ID"], os.environ["HABILIS_OIDC_CLIENT_SECRET"]
OVERSIZED = b"a" * (300 * 1024)


def chunked(data):
    """The body without a Content-Length, as a streaming client sends it."""
    for start in range(0, len(data), 16 * 1024):
        yield data[start:start + 16 * 1024]


def test_the_provider_answers_an_oversized_body_as_json():
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path, auth in [("/oidc/token", (CLIENT_ID, SECRET)), ("/oidc/introspect", (CLIENT_ID, SECRET)),
                       ("/oidc/revoke", (CLIENT_ID, SECRET)), ("/oidc/userinfo", None)]:
        answer = requests.post(BASE + path, data=OVERSIZED, headers=form, auth=auth, timeout=30)
        assert answer.status_code == 413, (path, answer.status_code)
        assert answer.headers["Content-Type"].startswith("application/json"), path
        assert answer.json()["error"] == "invalid_request", path
        assert answer.headers["Cache-Control"] == "no-store", path


def test_the_provider_refuses_other_methods_with_405_naming_the_allowed_ones():
    for method, path, allowed in [("GET", "/oidc/token", "POST"), ("POST", "/oidc/jwks", "GET, HEAD"),
                                  ("DELETE", "/.well-known/openid-configuration", "GET, HEAD"),
                                  ("PUT", "/oidc/userinfo", "GET, HEAD, POST")]:
        answer = requests.request(method, BASE + path, timeout=30)
        assert answer.status_code == 405, (method, path, answer.status_code)
        assert answer.headers["Allow"] == allowed, (method, path)
        assert answer.json()["error"] == "invalid_request", (method, path)


def test_scim_answers_an_oversized_body_with_its_error_not_a_500():
    headers = {"Authorization": "Bearer " + token("scim"), "Content-Type": "application/scim+json"}
    for method, path in [("POST", "/Users"), ("PATCH", "/Users/00000000-0000-0000-0000-000000000000"),
                         ("PATCH", "/Groups/GREVE")]:
        answer = requests.request(method, BASE + "/scim/v2" + path, data=OVERSIZED, headers=headers, timeout=30)
        assert answer.status_code == 413, (method, path, answer.status_code, answer.text[:200])
        assert answer.headers["Content-Type"] == "application/scim+json", path
        error = answer.json()
        assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and error["status"] == "413"


def test_the_api_answers_an_oversized_body_and_an_unknown_path_as_problems():
    headers = {"Authorization": "Bearer " + token("rights:write"), "Content-Type": "application/json"}
    rights = BASE + "/api/v1/applications/GREVE/rights"
    for body in [OVERSIZED, chunked(OVERSIZED)]:
        answer = requests.post(rights, data=body, headers=headers, timeout=30)
        assert answer.status_code == 413, answer.text[:200]
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["title"] == "Requête trop volumineuse."
    undeclared = requests.post(BASE + "/api/v1/organisations", data=OVERSIZED, headers=headers, timeout=30)
    assert undeclared.status_code == 413 and undeclared.headers["Content-Type"] == "application/problem+json"
    unknown = requests.get(BASE + "/api/v1/nowhere", headers=headers, timeout=30)
    assert unknown.status_code == 404 and unknown.json()["title"] == "Ressource inconnue."


def test_a_page_keeps_its_french_answer():
    answer = requests.post(BASE + "/connexion", data=OVERSIZED,
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert answer.status_code == 413
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Envoi trop volumineux" in answer.text
