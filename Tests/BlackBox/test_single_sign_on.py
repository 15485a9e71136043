"""Issue 15 with Authlib, a relying party's library from outside the project: the code flow with PKCE S256, ID
tokens checked against the published keys, userinfo, refresh rotation and reuse detection, revocation,
introspection, key rotation, prompt and max_age, and the refusals. With two instances on one PostgreSQL database,
each step goes to another instance than the one before: they sign and verify each other's tokens."""
import http.server
import os
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from portal import AGENT, PASSWORD, Visitor

URLS = os.environ["HABILIS_URLS"].split(",")
ISSUER = URLS[0]
FIRST, LAST = URLS[0], URLS[-1]
REDIRECT = os.environ["HABILIS_OIDC_REDIRECT_URI"]
CLIENT_ID, SECRET = os.environ["HABILIS_OIDC_CLIENT_ID"], os.environ["HABILIS_OIDC_CLIENT_SECRET"]
PUBLIC_ID = os.environ["HABILIS_OIDC_PUBLIC_CLIENT_ID"]
OTHER_ID, OTHER_SECRET = os.environ["HABILIS_OIDC_OTHER_CLIENT_ID"], os.environ["HABILIS_OIDC_OTHER_CLIENT_SECRET"]
SCOPE = "openid profile email organisation"


def metadata():
    return requests.get(ISSUER + "/.well-known/openid-configuration", timeout=30).json()


def on(base, url):
    """`url` (an endpoint named by the metadata) on the instance `base`."""
    parts = urllib.parse.urlsplit(url)
    return base + parts.path + ("?" + parts.query if parts.query else "")


def signed_in(base, email=AGENT):
    visitor = Visitor(base)
    answer = visitor.password_step(email, PASSWORD)
    assert answer.status == 303 and visitor.session_cookie(), answer.status
    return visitor


def confidential_client():
    return OAuth2Session(CLIENT_ID, SECRET, scope=SCOPE, redirect_uri=REDIRECT, code_challenge_method="S256")


def authorize(client, visitor, base, **extra):
    """The browser's half of the flow: the authorization request on `base`, answered by a redirect."""
    verifier = generate_token(64)
    url, state = client.create_authorization_url(
        metadata()["authorization_endpoint"], code_verifier=verifier, nonce="nonce-" + generate_token(8), **extra)
    answer = visitor.get(on(base, url)[len(base):])
    return answer, verifier


def tokens_for(client, visitor, authorize_on=FIRST, token_on=LAST):
    answer, verifier = authorize(client, visitor, authorize_on)
    assert answer.status == 302, answer.body[:300]
    assert answer.location.startswith(REDIRECT + "?")
    return client.fetch_token(
        on(token_on, metadata()["token_endpoint"]), authorization_response=answer.location, code_verifier=verifier)


def id_token_claims(token, client_id=CLIENT_ID, nonce=None):
    keys = JsonWebKey.import_key_set(requests.get(metadata()["jwks_uri"], timeout=30).json())
    claims = jwt.decode(
        token["id_token"], keys, claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": ISSUER}},
        claims_params={"client_id": client_id, "access_token": token["access_token"], "nonce": nonce})
    claims.validate(leeway=5)
    return claims


def test_code_flow_with_pkce_across_instances():
    client = confidential_client()
    token = tokens_for(client, signed_in(LAST))
    claims = id_token_claims(token)
    assert claims["email"] == AGENT and claims["email_verified"] is True
    assert claims["roles"] == ["CONSULTATION"]
    assert claims["habilis_organisation"] == {"code": "CARSAT-RA", "name": "CARSAT Rhône-Alpes"}
    assert claims["amr"] == ["pwd"]
    assert "@" not in claims["sub"]
    # Userinfo on the instance that did not sign the token, by header and by form body.
    info = client.get(FIRST + "/oidc/userinfo", timeout=30)
    assert info.status_code == 200 and info.json()["sub"] == claims["sub"]
    assert info.json()["given_name"] == "Aristide"
    posted = requests.post(LAST + "/oidc/userinfo", data={"access_token": token["access_token"]}, timeout=30)
    assert posted.status_code == 200 and posted.json()["roles"] == ["CONSULTATION"]


def test_refresh_rotation_and_reuse_detection():
    client = confidential_client()
    token = tokens_for(client, signed_in(FIRST))
    endpoint = metadata()["token_endpoint"]
    rotated = client.refresh_token(on(LAST, endpoint), refresh_token=token["refresh_token"])
    assert rotated["refresh_token"] != token["refresh_token"]
    assert id_token_claims(rotated)["sub"] == id_token_claims(token)["sub"]
    with pytest.raises(OAuthError) as reused:
        client.refresh_token(on(FIRST, endpoint), refresh_token=token["refresh_token"])
    assert reused.value.error == "invalid_grant"
    with pytest.raises(OAuthError) as family:
        client.refresh_token(on(LAST, endpoint), refresh_token=rotated["refresh_token"])
    assert family.value.error == "invalid_grant"


def test_revocation_and_introspection():
    client = confidential_client()
    token = tokens_for(client, signed_in(FIRST))
    introspection = on(LAST, metadata()["introspection_endpoint"])
    active = client.introspect_token(introspection, token=token["access_token"]).json()
    assert active["active"] is True and active["client_id"] == CLIENT_ID and active["roles"] == ["CONSULTATION"]
    other = OAuth2Session(OTHER_ID, OTHER_SECRET)
    assert other.introspect_token(introspection, token=token["access_token"]).json() == {"active": False}
    revoked = client.revoke_token(on(FIRST, metadata()["revocation_endpoint"]), token=token["refresh_token"],
                                  token_type_hint="refresh_token")
    assert revoked.status_code == 200
    assert client.introspect_token(introspection, token=token["access_token"]).json() == {"active": False}
    assert client.get(LAST + "/oidc/userinfo", timeout=30).status_code == 401


def test_public_client_must_use_pkce():
    public = OAuth2Session(PUBLIC_ID, scope=SCOPE, redirect_uri=REDIRECT, code_challenge_method="S256",
                           token_endpoint_auth_method="none")
    visitor = signed_in(FIRST)
    url, _ = OAuth2Session(PUBLIC_ID, scope=SCOPE, redirect_uri=REDIRECT).create_authorization_url(
        metadata()["authorization_endpoint"])
    refused = visitor.get(on(FIRST, url)[len(FIRST):])
    assert refused.status == 302
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(refused.location).query)["error"] == ["invalid_request"]
    token = tokens_for(public, visitor)
    assert id_token_claims(token, client_id=PUBLIC_ID)["roles"] == ["CONSULTATION"]


def test_refusals():
    visitor = signed_in(FIRST)
    client = confidential_client()
    # A redirect URI that is not registered: Habilis's page, no redirect.
    wrong = OAuth2Session(CLIENT_ID, SECRET, scope=SCOPE, redirect_uri="http://127.0.0.1:8765/callback/")
    url, _ = wrong.create_authorization_url(metadata()["authorization_endpoint"], code_verifier=generate_token(64))
    page = visitor.get(on(FIRST, url)[len(FIRST):])
    assert page.status == 400 and page.location is None
    # A code used twice.
    answer, verifier = authorize(client, visitor, FIRST)
    endpoint = on(LAST, metadata()["token_endpoint"])
    client.fetch_token(endpoint, authorization_response=answer.location, code_verifier=verifier)
    with pytest.raises(OAuthError) as reused:
        confidential_client().fetch_token(endpoint, authorization_response=answer.location, code_verifier=verifier)
    assert reused.value.error == "invalid_grant"
    # A wrong secret.
    answer, verifier = authorize(client, visitor, FIRST)
    with pytest.raises(OAuthError) as secret:
        OAuth2Session(CLIENT_ID, "mauvais", redirect_uri=REDIRECT).fetch_token(
            endpoint, authorization_response=answer.location, code_verifier=verifier)
    assert secret.value.error == "invalid_client"
    # An ID token of one application presented to another (aud), and an altered signature.
    token = tokens_for(client, visitor)
    with pytest.raises(Exception, match="aud|azp"):
        id_token_claims(token, client_id=OTHER_ID)
    header, payload, signature = token["id_token"].split(".")
    altered = dict(token, id_token=".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]]))
    with pytest.raises(Exception, match="signature"):
        id_token_claims(altered)
    forged_access = token["access_token"][:-2] + ("AA" if not token["access_token"].endswith("AA") else "BB")
    assert requests.get(FIRST + "/oidc/userinfo", headers={"Authorization": "Bearer " + forged_access},
                        timeout=30).status_code == 401


def test_prompt_and_max_age():
    client = confidential_client()
    visitor = Visitor(FIRST)
    silent, _ = authorize(client, visitor, FIRST, prompt="none")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(silent.location).query)["error"] == ["login_required"]
    visitor = signed_in(FIRST)
    for extra in ({"prompt": "login"}, {"max_age": "0"}):
        again, _ = authorize(client, visitor, FIRST, **extra)
        assert again.status == 302 and again.location == "/connexion?reauthentification=1"
    silent, _ = authorize(client, visitor, LAST, prompt="none")
    assert "code" in urllib.parse.parse_qs(urllib.parse.urlsplit(silent.location).query)


def test_key_rotation_keeps_old_tokens_valid():
    client = confidential_client()
    visitor = signed_in(FIRST)
    before = tokens_for(client, visitor)
    old_kid = jwt.decode(before["id_token"], JsonWebKey.import_key_set(
        requests.get(metadata()["jwks_uri"], timeout=30).json())).header["kid"]
    rotated = subprocess.run([os.environ["HABILIS_BINARY"], "oidc-keys", "rotate", "--algorithm", "RS256",
                              "--signs-in", "0"], capture_output=True, text=True, check=True)
    new_kid = rotated.stdout.split("kid=")[1].split()[0]
    assert new_kid != old_kid
    kids = [key["kid"] for key in requests.get(metadata()["jwks_uri"], timeout=30).json()["keys"]]
    assert old_kid in kids and new_kid in kids
    time.sleep(6)  # every instance rereads the list of keys within 5 seconds
    after = tokens_for(client, visitor, authorize_on=LAST, token_on=FIRST)
    keys = JsonWebKey.import_key_set(requests.get(metadata()["jwks_uri"], timeout=30).json())
    assert jwt.decode(after["id_token"], keys).header["kid"] == new_kid
    assert id_token_claims(before)["sub"] == id_token_claims(after)["sub"]


class LogoutReceiver(http.server.BaseHTTPRequestHandler):
    """The client's back-channel logout endpoint: keeps the logout tokens it is sent."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        LogoutReceiver.received.append((self.headers["Content-Type"], urllib.parse.parse_qs(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sign_out_reaches_the_application_by_back_channel():
    server = http.server.HTTPServer(("127.0.0.1", int(os.environ["HABILIS_OIDC_BACKCHANNEL_PORT"])), LogoutReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = OAuth2Session(os.environ["HABILIS_OIDC_LISTENING_CLIENT_ID"],
                               os.environ["HABILIS_OIDC_LISTENING_CLIENT_SECRET"], scope=SCOPE, redirect_uri=REDIRECT,
                               code_challenge_method="S256")
        visitor = signed_in(LAST)
        token = tokens_for(client, visitor)
        sid = id_token_claims(token, client_id=client.client_id)["sid"]
        assert visitor.post("/deconnexion", [], csrf_from="/").status == 303
        deadline = time.monotonic() + 20  # the dispatcher runs every 5 seconds on each instance
        while not LogoutReceiver.received and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(LogoutReceiver.received) == 1
        content_type, form = LogoutReceiver.received[0]
        assert content_type.startswith("application/x-www-form-urlencoded")
        keys = JsonWebKey.import_key_set(requests.get(metadata()["jwks_uri"], timeout=30).json())
        logout = jwt.decode(form["logout_token"][0], keys)
        assert logout.header["typ"] == "logout+jwt"
        assert logout["iss"] == ISSUER and logout["aud"] == client.client_id and logout["sid"] == sid
        assert "http://schemas.openid.net/event/backchannel-logout" in logout["events"]
        assert "nonce" not in logout
        with pytest.raises(OAuthError):
            client.refresh_token(on(FIRST, metadata()["token_endpoint"]), refresh_token=token["refresh_token"])
        time.sleep(6)
        assert len(LogoutReceiver.received) == 1, "sent once"
    finally:
        server.shutdown()
