"""What the applications add to the morning rush once single sign-on, the REST API, SCIM and change events exist:
for the application most agents hold, an OpenID Connect client, a machine client of the API bound to it, a
federation-wide SCIM client, and an HTTPS endpoint for its change events, all registered with the executable as an
operator would."""
import os
import subprocess

from event_receiver import EventReceiver

REDIRECT_URI = "https://127.0.0.1:9/soak/callback"


def register(binary, env, postgres, work, certificate, port):
    """Registers the clients and the endpoint, starts the endpoint; returns (what the load needs, the receiver)."""
    code, application_id = postgres.query("habilis", """
        SELECT ap.code, ap.id FROM grants g JOIN applications ap ON ap.id = g.application_id
        WHERE g.revoked_at IS NULL AND ap.is_active GROUP BY ap.code, ap.id ORDER BY count(*) DESC LIMIT 1""")[0]

    def habilis(*arguments):
        output = subprocess.run([binary, *arguments], env=env, capture_output=True, text=True, check=True).stdout
        return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)

    api = habilis("oidc-client", "add", "--machine", "--application", code, "--scope", "rights:read",
                  "--scope", "rights:write")
    scim = habilis("oidc-client", "add", "--machine", "--federation", "--scope", "scim", "--scope",
                   "directory:read", "--scope", "rights:write")
    sso = habilis("oidc-client", "add", "--application", code, "--redirect-uri", REDIRECT_URI)
    receiver = EventReceiver(port, certificate["server.pem"], certificate["server.key"],
                             os.path.join(work, "events.jsonl"))
    receiver.secret = habilis("webhook", "add", "--application", code, "--url",
                              f"https://127.0.0.1:{port}/events")["secret"]
    receiver.start()
    return {
        "application": code, "application_id": application_id,
        "api": {"client_id": api["client_id"], "client_secret": api["client_secret"]},
        "scim": {"client_id": scim["client_id"], "client_secret": scim["client_secret"]},
        "sso": {"client_id": sso["client_id"], "client_secret": sso["client_secret"], "redirect_uri": REDIRECT_URI},
    }, receiver
