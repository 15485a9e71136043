"""The soak's application endpoint for change events: HTTPS with the test bed's certificate (so the portal needs
HABILIS_HTTP_CA_FILE, as an application of the federation's own PKI would), every delivery verified as Standard
Webhooks says (the `standardwebhooks` package from PyPI, or the specification's algorithm where it is missing), and
one JSON line written per delivery (webhook-id, type, agent, application, whether the signature held), so that the
end of the run can find an event for every right the API and SCIM changed."""
import base64
import hashlib
import hmac
import http.server
import json
import ssl
import threading
import time

try:
    from standardwebhooks.webhooks import Webhook
except ImportError:  # The specification's algorithm, for a machine without the package.
    Webhook = None


def verify(secret, body, headers):
    """The payload of a delivery whose signature and timestamp hold; raises otherwise."""
    if Webhook is not None:
        return Webhook(secret).verify(body, headers)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    if expected not in headers["webhook-signature"].split(" "):
        raise ValueError("bad signature")
    if abs(time.time() - int(headers["webhook-timestamp"])) > 300:
        raise ValueError("stale timestamp")
    return json.loads(body)


class EventReceiver:
    def __init__(self, port, certificate, key, log_path):
        self.port = port
        self.secret = None  # set once `habilis webhook add` printed it
        self.log = open(log_path, "a", buffering=1)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                line = {"webhook_id": headers.get("webhook-id"), "at": time.time()}
                try:
                    payload = verify(receiver.secret, body, headers)
                    data = payload.get("data") or {}
                    line.update(valid=True, type=payload.get("type"), agent=data.get("agent_id"),
                                application=data.get("application"))
                except Exception as error:  # a delivery that does not verify is logged as such, and refused
                    line.update(valid=False, error=str(error)[:200])
                with receiver.lock:
                    receiver.log.write(json.dumps(line) + "\n")
                self.send_response(204 if line["valid"] else 400)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
