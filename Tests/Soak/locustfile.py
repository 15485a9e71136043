"""The morning rush as Locust plays it: one user class per role, each virtual user a distinct account signing in from
a loopback address of its own (the balancer passes it on in X-Forwarded-For, as a federation's many networks would).
Every acknowledged action — a 2xx, or the redirect after a POST — is written to SOAK_ACTIONS with its identifiers,
so that the end of the run can find each one in the database; an attempt is written before it is made, so that an
unacknowledged change that did happen is recognised too."""
import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
import urllib.parse

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

ACCOUNTS = json.load(open(os.environ["SOAK_ACCOUNTS"]))
# The application that single sign-on, the API, SCIM and change events are about (soak.py, integrations.py).
INTEGRATION = ACCOUNTS.get("integration")
PASSWORD = ACCOUNTS["password"]
CA = os.environ["SOAK_CA"]
_log = open(os.environ["SOAK_ACTIONS"], "a", buffering=1)
_lock = threading.Lock()
_agents = iter(ACCOUNTS["agents"])
_correspondents = iter(ACCOUNTS["correspondents"])
_sources = itertools.count(1)
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def record(kind, **fields):
    with _lock:
        _log.write(json.dumps({"kind": kind, "at": time.time(), **fields}) + "\n")


def detail(answer):
    """What an error answer says of itself: its page title, the portal's correlation id (to find the instance's log
    line) and how long it took."""
    text = answer.text[:20000] if answer.text else ""
    title = re.search(r"<title>([^<]*)</title>", text)
    correlation = re.search(r"la référence <strong>([^<]*)</strong>", text)
    return {"title": title.group(1).strip() if title else None,
            "correlation": correlation.group(1) if correlation else None,
            "seconds": round(answer.elapsed.total_seconds(), 2)}


def pkce():
    """A PKCE verifier and its S256 challenge (RFC 7636 4.1, 4.2)."""
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def jwt_claims(token):
    """The claims of a JWT, unverified: the soak checks what they say, the Authlib tests check the signatures."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def totp(key, steps_later=0):
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    mac = hmac.new(secret, struct.pack(">Q", int(time.time() // 30) + steps_later), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address (the whole 127.0.0.0/8 answers on Linux)."""

    def __init__(self, source):
        self.source = source
        super().__init__(pool_maxsize=2)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 4)

    def on_start(self):
        number = next(_sources)
        self.source = f"127.{10 + number // 60000}.{(number // 250) % 240}.{number % 250 + 1}"
        self.client.mount("https://", SourceAddress(self.source))
        self.client.verify = CA
        self.email = self.account()
        self.signed_in = False
        self.sign_in()

    def account(self):
        raise NotImplementedError

    def page(self, path, name=None):
        with self.client.get(path, name=name or path, catch_response=True, allow_redirects=False) as answer:
            if answer.status_code in (302, 303) and "/connexion" in answer.headers.get("location", ""):
                answer.success()
                self.signed_in = False
                return None
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
                record("error", status=answer.status_code, action=name or path, email=self.email, **detail(answer))
                return None
            return answer.text

    def csrf(self, text):
        match = re.search(r'name="_csrf" value="([^"]*)"', text or "")
        return match.group(1) if match else None

    def post(self, path, fields, name):
        """A form post; returns the redirect's location when it was acknowledged, else None."""
        retry_after = None
        with self.client.post(path, data=fields, name=name, catch_response=True, allow_redirects=False) as answer:
            if answer.status_code in (302, 303):
                return answer.headers.get("location", "")
            answer.failure(f"HTTP {answer.status_code}")
            retry_after = answer.headers.get("retry-after")
            record("error", status=answer.status_code, action=name, email=self.email, retry_after=retry_after,
                   **detail(answer))
        # Told when to come back (the sign-in's hashing slots are all taken), a person waits that long.
        if retry_after and retry_after.isdigit():
            time.sleep(int(retry_after))
        return None

    def state(self):
        """Where the portal puts this user now: "in", "factor" (held at "Double authentification") or "out"."""
        with self.client.get("/", name="catalogue", allow_redirects=False, catch_response=True) as answer:
            location = answer.headers.get("location", "")
            if answer.status_code >= 500:
                answer.failure(f"HTTP {answer.status_code}")
                record("error", status=answer.status_code, action="catalogue", email=self.email, **detail(answer))
                return None
            answer.success()
        if answer.status_code == 200:
            return "in"
        return "factor" if "double-authentification" in location else "out"

    def sign_in(self):
        state = self.state()
        if state == "out":
            text = self.page("/connexion")
            token = self.csrf(text)
            if not token:
                return
            location = self.post("/connexion/mot-de-passe", {"_csrf": token, "email": self.email,
                                                              "password": PASSWORD}, "sign-in: password")
            if location is None:
                return
            if "/connexion/code" in location:
                if not getattr(self, "totp_key", None):
                    return
                token = self.csrf(self.page("/connexion/code"))
                if not token:
                    return
                location = self.post("/connexion/code", {"_csrf": token, "code": totp(self.totp_key)},
                                     "sign-in: code")
                if location is None:
                    return
            if urllib.parse.urlsplit(location).path.startswith("/connexion"):
                return  # refused: the form again
            state = self.state()
        # Administrators and correspondents are held at "Double authentification" until they set it up.
        if state == "factor" and self.set_up_second_factor():
            state = "in"
        if state == "in":
            self.signed_in = True
            record("sign_in", email=self.email)

    def set_up_second_factor(self):
        """Sets up the authenticator as a person would; a code refused (the instance with the skewed clock
        answered) is typed again, with the next period's code, as a person would."""
        page = "/mes-informations/double-authentification"
        token = self.csrf(self.page(page))
        if not token:
            return False  # the page failed (counted there): a person would not post an empty form
        if self.post(page + "/configurer", {"_csrf": token}, "second factor: set up") is None:
            return False
        text = self.page(page) or ""
        match = re.search(r"<dd><code>([^<]*)", text)
        if not match:
            return False
        key = match.group(1).replace(" ", "")
        for attempt in range(6):
            location = self.post(page + "/confirmer", {"_csrf": self.csrf(text), "code": totp(key)},
                                 "second factor: confirm")
            if location and "activee" in location:
                self.totp_key = key
                record("second_factor", email=self.email)
                return True
            time.sleep(2)
        return False

    def ensure_signed_in(self):
        if not self.signed_in:
            self.sign_in()
        return self.signed_in


class Agent(PortalUser):
    weight = 8

    def account(self):
        return next(_agents)

    def on_start(self):
        self.requests = []
        super().on_start()

    @task(4)
    def catalogue(self):
        if self.ensure_signed_in():
            self.page("/", name="catalogue")

    @task(3)
    def request_access(self):
        if not self.ensure_signed_in():
            return
        text = self.page("/", name="catalogue") or ""
        codes = re.findall(r'href="/applications/([^/"]+)/demande"', text)
        if not codes:
            return
        code = random.choice(codes)
        form = self.page(f"/applications/{code}/demande", name="request: confirmation")
        token = self.csrf(form)
        if not token:
            return
        started = time.time()
        location = self.post(f"/applications/{code}/demande", {"_csrf": token, "justification": "Besoin métier"},
                             "request: send")
        match = re.search(r"/demandes/(%s)\?envoyee=1" % UUID, location or "")
        if match:
            self.requests.append(match.group(1))
            record("request", id=match.group(1), email=self.email, application=code,
                   seconds=round(time.time() - started, 3))

    @task(1)
    def cancel(self):
        if not self.requests or not self.ensure_signed_in():
            return
        request = self.requests.pop(random.randrange(len(self.requests)))
        text = self.page(f"/demandes/{request}", name="request: follow")
        if not text or "/annulation" not in text:
            return
        record("cancel_attempt", id=request, email=self.email)
        location = self.post(f"/demandes/{request}/annulation", {"_csrf": self.csrf(text)}, "request: cancel")
        if location is not None:
            record("cancel", id=request, email=self.email)

    @task(2)
    def history(self):
        if self.ensure_signed_in():
            self.page("/mes-informations", name="my rights and history")
            self.page("/mes-notifications", name="notifications")

    @task(1)
    def single_sign_on(self):
        """The application's door, as its relying party drives it: the code flow with PKCE on the agent's session,
        the code exchanged for tokens, then a refresh. An agent without the right meets the door page."""
        if not INTEGRATION or not self.ensure_signed_in():
            return
        sso = INTEGRATION["sso"]
        verifier, challenge = pkce()
        state, nonce = base64.urlsafe_b64encode(os.urandom(12)).decode(), base64.urlsafe_b64encode(os.urandom(12)).decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": sso["client_id"], "redirect_uri": sso["redirect_uri"],
            "scope": "openid profile email organisation", "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256"})
        with self.client.get("/oidc/authorize?" + query, name="sso: authorize", allow_redirects=False,
                             catch_response=True) as answer:
            location = answer.headers.get("location", "")
            if answer.status_code in (302, 303) and location.startswith(sso["redirect_uri"]):
                answer.success()
            elif answer.status_code == 403 and "habilitation" in answer.text:
                answer.success()
                record("sso_door", email=self.email)
                return
            elif answer.status_code in (302, 303) and "/connexion" in location:
                answer.success()
                self.signed_in = False
                return
            else:
                answer.failure(f"HTTP {answer.status_code}")
                record("error", status=answer.status_code, action="sso: authorize", email=self.email,
                       **detail(answer))
                return
        given = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        if given.get("state") != state or "code" not in given:
            record("sso_wrong", email=self.email, problem=f"redirect without the code or the state: {location[:200]}")
            return
        tokens = self.token({"grant_type": "authorization_code", "code": given["code"],
                             "redirect_uri": sso["redirect_uri"], "code_verifier": verifier}, "sso: code for tokens")
        if not tokens:
            return
        claims = jwt_claims(tokens["id_token"])
        if claims.get("nonce") != nonce or not claims.get("roles") or claims.get("email") != self.email:
            record("sso_wrong", email=self.email, problem=f"ID token claims: {claims}")
            return
        record("sso_tokens", email=self.email, sub=claims["sub"], roles=claims["roles"])
        if self.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, "sso: refresh"):
            record("sso_refresh", email=self.email)

    def token(self, fields, name):
        """The relying party at the token endpoint; a right withdrawn meanwhile answers invalid_grant."""
        sso = INTEGRATION["sso"]
        with self.client.post("/oidc/token", data=fields, auth=(sso["client_id"], sso["client_secret"]), name=name,
                              catch_response=True) as answer:
            if answer.status_code == 200:
                return answer.json()
            if answer.status_code == 400 and answer.json().get("error") == "invalid_grant":
                answer.success()
                record("sso_refused", email=self.email, step=name)
                return None
            answer.failure(f"HTTP {answer.status_code}")
            record("error", status=answer.status_code, action=name, email=self.email, **detail(answer))
            return None

    @task(1)
    def subscriptions(self):
        if not self.ensure_signed_in():
            return
        text = self.page("/mes-informations/abonnements", name="subscriptions")
        letters = re.findall(r'name="lettres\[\]" value="(%s)"' % UUID, text or "")
        if not letters:
            return
        chosen = sorted(random.sample(letters, random.randrange(len(letters) + 1)))
        record("subscriptions_attempt", email=self.email, letters=chosen)
        fields = [("_csrf", self.csrf(text))] + [("lettres[]", letter) for letter in chosen]
        if self.post("/mes-informations/abonnements", fields, "subscriptions: save") is not None:
            record("subscriptions", email=self.email, letters=chosen)


class Decider(PortalUser):
    abstract = True

    def decide(self):
        if not self.ensure_signed_in():
            return
        text = self.page("/demandes-a-traiter", name="requests to decide")
        ids = re.findall(r'name="ids\[\]" value="(%s)"' % UUID, text or "")
        if not ids:
            return
        accept = random.random() < 0.8
        fields = [("_csrf", self.csrf(text)), ("decision", "accepter" if accept else "refuser")]
        if not accept:
            fields.append(("motif", "Hors du périmètre de votre poste"))
        if random.random() < 0.3:
            chosen = random.sample(ids, min(len(ids), random.randint(2, 10)))
            path, name = "/demandes-a-traiter/decision", "decide: in bulk"
            fields += [("ids[]", request) for request in chosen]
        else:
            chosen = [random.choice(ids)]
            detail = self.page(f"/demandes-a-traiter/{chosen[0]}", name="decide: one request")
            if not detail:
                return
            path, name = f"/demandes-a-traiter/{chosen[0]}/decision", "decide: one"
        record("decision_attempt", ids=chosen, email=self.email, accept=accept)
        location = self.post(path, fields, name)
        if location is not None:
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
            record("decision", ids=chosen, email=self.email, accept=accept,
                   tally={key: int(query.get(key, 0)) for key in ("acceptees", "refusees", "deja", "exclues")})


class Correspondent(Decider):
    weight = 2

    def account(self):
        return next(_correspondents)

    @task(5)
    def queue(self):
        self.decide()

    @task(1)
    def organisation(self):
        if self.ensure_signed_in():
            self.page("/mon-organisme/agents", name="agents of my organisme")


class Administrator(Decider):
    fixed_count = 1

    def account(self):
        return ACCOUNTS["administrator"]

    @task(2)
    def queue(self):
        self.decide()

    @task(2)
    def grant(self):
        if not self.ensure_signed_in():
            return
        agent = random.choice(ACCOUNTS["agent_ids"])
        text = self.page(f"/administration/agents/{agent}", name="admin: account")
        select = re.search(r'<select[^>]*name="application".*?</select>', text or "", re.S)
        choices = re.findall(r'<option value="(%s)"' % UUID, select.group(0) if select else "")
        if not choices:
            return
        application = random.choice(choices)
        record("grant_attempt", agent=agent, application=application)
        location = self.post(f"/administration/agents/{agent}/habilitations",
                             {"_csrf": self.csrf(text), "application": application}, "admin: grant")
        if location is not None and "enregistre=1" in location:
            record("grant", agent=agent, application=application)

    @task(1)
    def revoke(self):
        if not self.ensure_signed_in():
            return
        agent = random.choice(ACCOUNTS["agent_ids"])
        text = self.page(f"/agents/{agent}", name="agent rights")
        grants = re.findall(r'action="/habilitations/(%s)/retrait"' % UUID, text or "")
        if not grants:
            return
        grant = random.choice(grants)
        record("revoke_attempt", grant=grant)
        location = self.post(f"/habilitations/{grant}/retrait",
                             {"_csrf": self.csrf(text), "motif": "Changement de poste"}, "admin: revoke")
        if location is not None and "retrait=" in location:
            record("revoke", grant=grant, outcome=location.rsplit("retrait=", 1)[1])


class MachineUser(HttpUser):
    """A system of an application calling the portal with a client-credentials token."""
    abstract = True
    wait_time = between(0.5, 2)
    credentials = None

    def on_start(self):
        self.client.mount("https://", SourceAddress(f"127.9.{next(_sources) % 250}.1"))
        self.client.verify = CA
        self.access_token, self.expires = None, 0.0

    def bearer(self):
        if time.time() < self.expires - 30:
            return self.access_token
        client = INTEGRATION[self.credentials]
        with self.client.post("/oidc/token", data={"grant_type": "client_credentials"}, name="machine: token",
                              auth=(client["client_id"], client["client_secret"]), catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
                record("error", status=answer.status_code, action="machine: token", email=self.credentials,
                       **detail(answer))
                return None
            body = answer.json()
        self.access_token, self.expires = body["access_token"], time.time() + body.get("expires_in", 300)
        return self.access_token

    def call(self, method, path, name, expected, body=None, content_type="application/json"):
        """The answer when its status is one of `expected`; None otherwise (an error is recorded, a 429 waited)."""
        token = self.bearer()
        if not token:
            return None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
        data = None if body is None else json.dumps(body)
        with self.client.request(method, path, name=name, headers=headers, data=data, catch_response=True) as answer:
            if answer.status_code in expected:
                answer.success()
                return answer
            if answer.status_code == 429:  # the client's calls per minute: told when to come back
                answer.success()
                time.sleep(int(answer.headers.get("retry-after", "5")))
                return None
            answer.failure(f"HTTP {answer.status_code}")
            record("error", status=answer.status_code, action=name, email=self.credentials, **detail(answer))
            return None


class ApplicationSystem(MachineUser):
    """The application's own system: keeps its copy of the right holders with the feed, grants and withdraws
    through the REST API."""
    abstract = INTEGRATION is None
    fixed_count = 1
    credentials = "api"

    def on_start(self):
        super().on_start()
        self.cursor = None
        self.granted = []
        code = INTEGRATION["application"]
        self.base = f"/api/v1/applications/{code}"
        # The first synchronisation: every holder, page after page, then the cursor of changes.
        after = None
        for _ in range(500):
            answer = self.call("GET", f"{self.base}/right-holders?limit=500" + (f"&after={after}" if after else ""),
                               "api: right holders", (200,))
            if answer is None:
                return
            page = answer.json()
            if page.get("changes_cursor"):
                self.cursor = page["changes_cursor"]
                return
            after = page.get("next")
            if not after:
                return

    @task(3)
    def changes(self):
        if not self.cursor:
            return
        answer = self.call("GET", f"{self.base}/right-holders?changed_since={self.cursor}", "api: changes", (200,))
        if answer is not None:
            page = answer.json()
            self.cursor = page.get("changes_cursor") or page.get("next") or self.cursor

    @task(2)
    def grant(self):
        agent = random.choice(ACCOUNTS["agent_ids"])
        record("api_grant_attempt", agent=agent, application=INTEGRATION["application"])
        answer = self.call("POST", f"{self.base}/rights", "api: grant", (201, 409), {"agent_id": agent})
        if answer is not None and answer.status_code == 201:
            self.granted.append(agent)
            record("api_grant", agent=agent, application=INTEGRATION["application"])

    @task(1)
    def revoke(self):
        if not self.granted:
            return
        agent = self.granted.pop(random.randrange(len(self.granted)))
        record("api_revoke_attempt", agent=agent, application=INTEGRATION["application"])
        answer = self.call("DELETE", f"{self.base}/rights/{agent}", "api: revoke", (204, 404))
        if answer is not None and answer.status_code == 204:
            record("api_revoke", agent=agent, application=INTEGRATION["application"])


class DirectoryFeed(MachineUser):
    """The federation's directory: finds agents by login and keeps the application's group (SCIM)."""
    abstract = INTEGRATION is None
    fixed_count = 1
    credentials = "scim"

    @task(3)
    def find(self):
        email = random.choice(ACCOUNTS["agents"])
        query = urllib.parse.quote(f'userName eq "{email}"')
        self.call("GET", f"/scim/v2/Users?filter={query}", "scim: find user", (200,), content_type="application/scim+json")

    @task(1)
    def membership(self):
        agent = random.choice(ACCOUNTS["agent_ids"])
        add = random.random() < 0.6
        operation = ({"op": "add", "path": "members", "value": [{"value": agent}]} if add
                     else {"op": "remove", "path": f'members[value eq "{agent}"]'})
        kind = "scim_grant" if add else "scim_revoke"
        record(kind + "_attempt", agent=agent, application=INTEGRATION["application"])
        answer = self.call(
            "PATCH", f"/scim/v2/Groups/{INTEGRATION['application_id']}?excludedAttributes=members",
            "scim: group member " + ("added" if add else "removed"), (200,),
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [operation]},
            content_type="application/scim+json")
        if answer is not None:
            record(kind, agent=agent, application=INTEGRATION["application"])
