"""A visitor of the running portal as an attacker or a person would be: plain HTTP from a loopback source address of
its own (the whole 127.0.0.0/8 answers on Linux), cookies kept by hand, the form's CSRF token read from the page.
Shared by the black-box tests and the attack scenario of scripts/bench."""
import base64
import hashlib
import hmac
import html
import http.client
import re
import struct
import time
import urllib.parse

PASSWORD = "demo-habilis-2026"
AGENT = "a.charenne@lassuranceretraite.fr"
CORRESPONDENT = "m.durand@lassuranceretraite.fr"


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def location(self):
        return self.headers.get("location")

    def field_error(self, field):
        """The message shown next to a field, as `FormErrors` renders it."""
        match = re.search(r'id="%s-error">(.*?)</p>' % re.escape(field), self.body, re.S)
        if not match:
            return None
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Erreur : ", "")
        return " ".join(text.split())


class Visitor:
    def __init__(self, base, source="127.0.0.1"):
        url = urllib.parse.urlsplit(base)
        self.host, self.port, self.source = url.hostname, url.port, source
        self.cookies = {}

    def request(self, method, path, fields=None, timeout=60, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=(self.source, 0))
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _, attributes = value.partition(";")
                    key, _, content = cookie.partition("=")
                    if "max-age=0" in attributes.lower() or "1970" in attributes:
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = content.strip()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, csrf_from=None):
        """Posts a form with the CSRF token of the page at `csrf_from` (fetched now) or of the sign-in page."""
        token = self.csrf_token(csrf_from or "/connexion")
        return self.request("POST", path, [("_csrf", token)] + list(fields))

    def csrf_token(self, path):
        page = self.get(path)
        match = re.search(r'name="_csrf" value="([^"]*)"', page.body)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1)

    def password_step(self, email, password, token=None):
        """The password step of the sign-in; `token` lets many attempts share one fetched form."""
        token = token or self.csrf_token("/connexion")
        return self.request("POST", "/connexion/mot-de-passe", [("_csrf", token), ("email", email), ("password", password)])

    def session_cookie(self):
        return next((v for k, v in self.cookies.items() if k.endswith("habilis_session")), None)


def totp(key, steps_later=0):
    """The code an authenticator application shows for `key` (RFC 6238: HMAC-SHA1, 30 s, 6 digits)."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    mac = hmac.new(secret, struct.pack(">Q", int(time.time() // 30) + steps_later), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def set_up_second_factor(visitor):
    """Turns the second factor on for the signed-in visitor through "Mes informations"; returns the key."""
    page = "/mes-informations/double-authentification"
    assert visitor.post(page + "/configurer", [], csrf_from=page).status == 303
    key = re.search(r"<dd><code>([^<]*)", visitor.get(page).body).group(1).replace(" ", "")
    done = visitor.post(page + "/confirmer", [("code", totp(key))], csrf_from=page)
    assert done.status == 303 and "activee" in done.location, done.status
    return key
