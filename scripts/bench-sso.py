"""The single sign-on set-up of scripts/bench (issue 15): a signed-in agent's authorization requests and code
exchanges, as an application makes them, give one refresh token per load connection (each connection then rotates
its own chain) and the path of an authorization request that the load repeats.
Usage: bench-sso.py BASE_URL AGENT_SESSION_COOKIE CLIENT_ID CLIENT_SECRET REDIRECT_URI COUNT
Prints JSON: {"refresh_tokens": [...], "authorize_path": "..."}."""
import base64
import hashlib
import json
import pathlib
import secrets
import sys
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Tests" / "BlackBox"))
from portal import Visitor  # noqa: E402

base, cookie, client_id, secret, redirect_uri, count = sys.argv[1:7]
agent = Visitor(base)
name, _, value = cookie.partition("=")
agent.cookies[name] = value
verifier = secrets.token_urlsafe(48)
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
authorize_path = "/oidc/authorize?" + urllib.parse.urlencode({
    "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": "openid profile email",
    "state": "bench", "code_challenge": challenge, "code_challenge_method": "S256"})
application = Visitor(base)
credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
tokens = []
for _ in range(int(count)):
    answer = agent.get(authorize_path)
    assert answer.status == 302 and "code=" in answer.location, (answer.status, answer.location, answer.body[:300])
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.location).query)["code"][0]
    connection_answer = application.request("POST", "/oidc/token", [
        ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect_uri),
        ("code_verifier", verifier)], headers={"Authorization": "Basic " + credentials})
    assert connection_answer.status == 200, (connection_answer.status, connection_answer.body[:300])
    tokens.append(json.loads(connection_answer.body)["refresh_token"])
print(json.dumps({"refresh_tokens": tokens, "authorize_path": authorize_path}))
