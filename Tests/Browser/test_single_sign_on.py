"""Single sign-on with a real relying party: Apache with Debian's mod_auth_openidc in front of a page that prints
what the module passes on. Catalogue → « Accéder » → the application knows the agent; an agent without the right
meets the door, asks, is accepted and gets in from the acceptance mail; signing out of Habilis reaches the
application by back-channel."""
import os
import pathlib
import secrets
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import BASE, check, link_in, sign_in, sign_out, visit, wait_for_mail

MODULES = pathlib.Path("/usr/lib/apache2/modules")
CLAIMS_PAGE = """#!/usr/bin/env python3
import html, os
print("Content-Type: text/html; charset=utf-8\\n")
print("<!doctype html><html lang='fr'><head><title>Accords locaux</title></head><body><h1>Accords locaux</h1><dl>")
for name in sorted(os.environ):
    if name.startswith("OIDC_CLAIM_"):
        print(f"<dt>{html.escape(name[11:])}</dt><dd>{html.escape(os.environ[name])}</dd>")
print("</dl></body></html>")
"""


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def habilis(*arguments):
    return subprocess.run([os.environ["HABILIS_BINARY"], *arguments], check=True, capture_output=True, text=True,
                          env=os.environ.copy()).stdout


@pytest.fixture(scope="module")
def application():
    """Accords locaux behind Apache and mod_auth_openidc, registered in Habilis with the command line."""
    port = free_port()
    app = f"http://127.0.0.1:{port}/app"
    work = pathlib.Path(tempfile.mkdtemp(prefix="habilis-apache."))
    work.chmod(0o755)
    (work / "cgi").mkdir()
    (work / "cgi" / "claims").write_text(CLAIMS_PAGE)
    (work / "cgi" / "claims").chmod(0o755)
    output = habilis("oidc-client", "add", "--application", "ACCORDS-LOCAUX", "--redirect-uri", f"{app}/redirect_uri",
                     "--backchannel-logout-uri", f"{app}/redirect_uri?logout=backchannel",
                     "--initiate-login-uri", f"{app}/redirect_uri", "--name", "Accords locaux (Apache)")
    values = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
    # The catalogue opens the application where Apache serves it.
    with sqlite3.connect(os.environ["HABILIS_DATABASE_PATH"]) as database:
        database.execute("UPDATE applications SET launch_url = ? WHERE code = 'ACCORDS-LOCAUX'", (f"{app}/claims",))
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    (work / "apache.conf").write_text(f"""
ServerRoot {work}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {work}/apache.pid
ErrorLog {work}/error.log
LogLevel warn auth_openidc:info
{user}
LoadModule mpm_prefork_module {MODULES}/mod_mpm_prefork.so
LoadModule authn_core_module {MODULES}/mod_authn_core.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule authz_user_module {MODULES}/mod_authz_user.so
LoadModule alias_module {MODULES}/mod_alias.so
LoadModule cgi_module {MODULES}/mod_cgi.so
LoadModule auth_openidc_module {MODULES}/mod_auth_openidc.so
OIDCProviderMetadataURL {BASE}/.well-known/openid-configuration
OIDCClientID {values["client_id"]}
OIDCClientSecret {values["client_secret"]}
OIDCRedirectURI {app}/redirect_uri
OIDCCryptoPassphrase {secrets.token_urlsafe(32)}
OIDCScope "openid email profile organisation"
OIDCPKCEMethod S256
OIDCCacheType shm
ScriptAlias /app/ {work}/cgi/
<Location /app/>
    AuthType openid-connect
    Require valid-user
</Location>
""")
    # A session of its own: on shutdown Apache signals its whole process group, which would otherwise be ours.
    apache = subprocess.Popen(["/usr/sbin/apache2", "-f", str(work / "apache.conf"), "-DFOREGROUND"],
                              stdout=open(work / "stdout.log", "w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        except urllib.error.HTTPError:
            break
        except OSError:
            assert apache.poll() is None, (work / "stdout.log").read_text()
            time.sleep(0.1)
    yield app
    apache.send_signal(signal.SIGTERM)
    apache.wait(timeout=30)
    log = (work / "error.log").read_text() if (work / "error.log").exists() else ""
    shutil.copy(work / "error.log", pathlib.Path(os.environ["HABILIS_ARTIFACTS"]) / "apache-error.log") if log else None
    shutil.rmtree(work, ignore_errors=True)


def claims_shown(page):
    return {dt.inner_text(): dd.inner_text()
            for dt, dd in zip(page.locator("dt").all(), page.locator("dd").all())}


def test_catalogue_opens_the_application_signed_in(page, application):
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.locator("summary", has_text="Accords locaux").click()
    page.get_by_role("link", name="Accéder à l’application").first.click()
    page.wait_for_url(f"{application}/claims")
    claims = claims_shown(page)
    assert claims["email"] == "a.charenne@lassuranceretraite.fr"
    # The profile Aristide Charenne holds on Accords locaux.
    assert claims["roles"] == "CONSULTATION"
    assert "CARSAT-RA" in claims["habilis_organisation"]
    assert "@" not in claims["sub"]


def test_door_request_acceptance_then_in_and_back_channel_out(page, application):
    page.goto(f"{application}/claims")
    page.wait_for_url(BASE + "/connexion*")
    page.get_by_label("Entrez votre adresse e-mail professionnelle :").fill("d.leroy@lassuranceretraite.fr")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Entrez votre mot de passe").fill("demo-habilis-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(BASE + "/oidc/authorize*")
    assert page.get_by_role("heading", name="Vous n’avez pas d’habilitation pour l’application Accords locaux").is_visible()
    check(page, "porte-application-fermee")
    page.get_by_role("link", name="Demander l’accès à l’application Accords locaux").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    assert page.get_by_text("Votre demande a été adressée pour validation").is_visible()
    sign_out(page)

    sign_in(page, "m.durand@lassuranceretraite.fr")
    page.goto(BASE + "/demandes-a-traiter")
    page.get_by_label("Sélectionner la demande de Denis Leroy pour Accords locaux").check()
    page.get_by_role("button", name="Accepter la sélection").click()
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    # The acceptance mail leads back into the application: sign-in, then straight in.
    _, text = wait_for_mail("d.leroy@lassuranceretraite.fr", "Votre demande d’accès à Accords locaux (profil « Consultation ») est acceptée")
    page.goto(link_in(text))
    page.get_by_label("Entrez votre adresse e-mail professionnelle :").fill("d.leroy@lassuranceretraite.fr")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Entrez votre mot de passe").fill("demo-habilis-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{application}/claims")
    assert claims_shown(page)["email"] == "d.leroy@lassuranceretraite.fr"
    # A request from the door asks for the application's default profile.
    assert claims_shown(page)["roles"] == "CONSULTATION"
    visit(page, "/mes-informations/sessions", "mes-sessions-applications")
    assert page.get_by_role("cell", name="Accords locaux").is_visible()

    # Signing out of Habilis: the logout token reaches Apache, which then asks Habilis again.
    sign_out(page)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page.goto(f"{application}/claims")
        if page.url.startswith(BASE + "/connexion"):
            break
        time.sleep(1)
    assert page.url.startswith(BASE + "/connexion"), page.url


def test_administrator_registers_a_client_on_the_application_page(page):
    sign_in(page, "admin@ucanss.fr")
    visit(page, "/administration/applications", "applications-admin-sso")
    page.get_by_role("link", name="Grève").click()
    page.get_by_role("link", name="Connexion des applications (OpenID Connect)").click()
    check(page, "clients-openid-connect")
    page.get_by_role("link", name="Enregistrer un client").click()
    check(page, "nouveau-client-openid-connect")
    page.get_by_label("Nom du client").fill("Grève — production")
    page.get_by_label("Adresses de retour (redirect URI), une par ligne").fill("ftp://greve.ucanss.fr/callback")
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "nouveau-client-openid-connect-erreurs")
    assert page.get_by_text("doit commencer par https://").first.is_visible()
    page.get_by_label("Adresses de retour (redirect URI), une par ligne").fill("https://greve.ucanss.fr/callback")
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "client-openid-connect-secret")
    assert page.get_by_text("il ne sera plus jamais affiché").is_visible()
    page.get_by_role("link", name="Retour aux clients de l’application").click()
    page.get_by_role("link", name="Grève — production").click()
    check(page, "client-openid-connect")
    sign_out(page)
