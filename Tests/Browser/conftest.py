"""Fixtures of the browser journeys: Debian's Chromium through Playwright, the running habilis server, its mail
folder, and `visit`, which checks every page a journey reaches (axe-core, landmarks, title, reflow at 320 px)."""
import email
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# The authenticator codes of Tests/BlackBox/portal.py serve the journeys too.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "BlackBox"))

BASE = os.environ["HABILIS_URL"]
MAIL_DIR = pathlib.Path(os.environ["HABILIS_MAIL_DIR"])
ARTIFACTS = pathlib.Path(os.environ["HABILIS_ARTIFACTS"])
PASSWORD = "demo-habilis-2026"
AXE = Axe()
SEEN_TITLES = {}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def check(page, name):
    """The accessibility gate for the page the browser shows now."""
    html = page.content()
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    (ARTIFACTS / "pages" / f"{safe}.html").write_text(html, encoding="utf-8")
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = results.response["violations"]
    assert not violations, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)
    title = page.title()
    assert title and title.endswith("Espace Organismes UCANSS"), f"{name}: title {title!r}"
    path = re.sub(r"\?.*", "", page.url)
    assert SEEN_TITLES.setdefault(title, path) == path or "Erreur" in title, f"{name}: title {title!r} used twice"
    assert page.locator("h1").count() == 1, f"{name}: one h1"
    assert page.locator("main#contenu").count() == 1
    assert page.locator("header").count() >= 1 and page.locator("footer").count() == 1
    assert page.locator("a.skip-link[href='#contenu']").count() == 1
    assert page.locator("html[lang=fr]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"{safe}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    # What sticks out, named in the failure.
    culprit = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
        > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className + ' ' +
        (e.textContent || '').slice(0, 40)).slice(-5).join(' | ')""") if overflow else ""
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"{safe}-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not overflow, f"{name}: horizontal scrolling at 320 px: {culprit}"


def visit(page, path, name):
    page.goto(BASE + path)
    check(page, name)


def sign_in(page, email_address, password=PASSWORD):
    page.goto(BASE + "/connexion")
    page.get_by_label("Entrez votre adresse e-mail professionnelle :").fill(email_address)
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Entrez votre mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def mails_to(address):
    """The messages the file transport wrote for `address`, oldest first, as (subject, text)."""
    found = []
    for path in sorted(MAIL_DIR.glob("*.eml")) if MAIL_DIR.exists() else []:
        message = email.message_from_bytes(path.read_bytes())
        if message["To"].strip("<>") != address:
            continue
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        text = next(part.get_payload(decode=True).decode() for part in message.walk()
                    if part.get_content_type() == "text/plain")
        found.append((subject, text))
    return found


def wait_for_mail(address, subject_start, timeout=15):
    """The newest mail to `address` whose subject starts so, waiting for the server's dispatcher."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        matching = [m for m in mails_to(address) if m[0].startswith(subject_start)]
        if matching:
            return matching[-1]
        time.sleep(0.3)
    raise AssertionError(f"no mail {subject_start!r} to {address}")


def link_in(text):
    return re.search(r"http://\S+", text).group(0)


def sweep(as_of):
    subprocess.run([os.environ["HABILIS_BINARY"], "sweep", "--as-of", as_of], check=True, capture_output=True,
                   env=os.environ.copy())
