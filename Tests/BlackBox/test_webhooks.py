"""Change events as an application receives them (issue 16): a receiver that verifies every delivery with the
`standardwebhooks` package (PyPI), or with the specification's algorithm where the package is missing; rights
granted and revoked through the REST API on the first instance; the receiver down at first. Checked: every
signature, the order of one agent's events, the retry after the receiver was down with the same webhook-id, nothing
lost, duplicates recognisable by webhook-id."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import urllib.request

BINARY = os.environ["HABILIS_BINARY"]
BASE = os.environ["HABILIS_URLS"].split(",")[0]

try:
    from standardwebhooks.webhooks import Webhook
except ImportError:  # The specification's algorithm, for a machine without the package.
    Webhook = None


def verify(secret, body, headers):
    if Webhook is not None:
        return Webhook(secret).verify(body, headers)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    assert expected in headers["webhook-signature"].split(" "), "bad signature"
    assert abs(time.time() - int(headers["webhook-timestamp"])) < 300, "stale timestamp"
    return json.loads(body)


def habilis(*arguments):
    output = subprocess.run([BINARY, *arguments], capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def token(client):
    request = urllib.request.Request(
        BASE + "/oidc/token", data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + base64.b64encode(
            f"{client['client_id']}:{client['client_secret']}".encode()).decode()})
    return json.load(urllib.request.urlopen(request))["access_token"]


def api(bearer, method, path, body=None):
    request = urllib.request.Request(
        BASE + "/api/v1" + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return response.status, json.loads(text) if text else None


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers 503 while `down`; records every attempt, and the verified events of the accepted ones."""
    down = True
    attempts = []
    events = []
    secret = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {name.lower(): value for name, value in self.headers.items()}
        payload = verify(Receiver.secret, body, headers)
        Receiver.attempts.append(headers["webhook-id"])
        if Receiver.down:
            self.send_response(503)
        else:
            Receiver.events.append((headers["webhook-id"], payload))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_events_are_signed_ordered_retried_and_never_lost():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Receiver.secret = habilis("webhook", "add", "--application", "GREVE",
                                  "--url", f"http://127.0.0.1:{port}/events")["secret"]
        directory = habilis("oidc-client", "add", "--machine", "--federation", "--scope", "directory:read")
        rights = habilis("oidc-client", "add", "--machine", "--application", "GREVE", "--scope", "rights:write")
        looking = token(directory)
        petit = api(looking, "GET", "/agents?email=j.petit@caf.fr")[1]["items"][0]["id"]
        leroy = api(looking, "GET", "/agents?email=d.leroy@lassuranceretraite.fr")[1]["items"][0]["id"]
        writing = token(rights)
        assert api(writing, "POST", "/applications/GREVE/rights", {"agent_id": petit})[0] == 201
        assert api(writing, "POST", "/applications/GREVE/rights", {"agent_id": leroy})[0] == 201
        assert api(writing, "DELETE", f"/applications/GREVE/rights/{petit}")[0] == 204
        assert api(writing, "POST", "/applications/GREVE/rights", {"agent_id": petit})[0] == 201

        # The dispatcher runs every 5 seconds: the first attempts meet a receiver that is down.
        deadline = time.time() + 30
        while not Receiver.attempts and time.time() < deadline:
            time.sleep(0.2)
        assert Receiver.attempts, "no delivery was attempted"
        refused = list(Receiver.attempts)
        Receiver.down = False
        deadline = time.time() + 60
        while len({message for message, _ in Receiver.events}) < 4 and time.time() < deadline:
            time.sleep(0.5)

        kinds = {}
        for message, payload in Receiver.events:
            kinds.setdefault(payload["data"]["agent_id"], []).append((message, payload["type"]))
        unique = {message: kind for agent in kinds.values() for message, kind in agent}
        assert len(unique) == 4, Receiver.events
        # One agent's events in the order of the changes, whatever was retried.
        first_seen = []
        for message, payload in Receiver.events:
            if payload["data"]["agent_id"] == petit and message not in first_seen:
                first_seen.append(message)
        assert [unique[message] for message in first_seen] == ["right.granted", "right.revoked", "right.granted"]
        assert [kind for _, kind in kinds[leroy]][:1] == ["right.granted"]
        # What was refused came back with the same webhook-id.
        assert set(refused) <= set(unique), (refused, unique)
        for _, payload in Receiver.events:
            assert payload["data"]["application"] == "GREVE"
            assert payload["data"]["email"] in ("j.petit@caf.fr", "d.leroy@lassuranceretraite.fr")
    finally:
        server.shutdown()
