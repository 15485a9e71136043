"""Journeys as people do them, by visible labels and button texts; every page reached passes the gate."""
import datetime
import re
import zoneinfo

from conftest import BASE, PASSWORD, check, link_in, sign_in, sign_out, sweep, visit, wait_for_mail
from portal import totp
from playwright.sync_api import expect


def paris_today():
    """The portal's today: its dates are days in Paris, a day ahead of UTC for an hour or two each night."""
    return datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).date()


def test_sign_in_failure_and_sign_out(page):
    visit(page, "/connexion", "connexion")
    page.get_by_label("Entrez votre adresse e-mail professionnelle :").fill("pas-une-adresse")
    page.get_by_role("button", name="Suivant").click()
    check(page, "connexion-erreur")
    assert page.get_by_text("Saisissez une adresse e-mail valide").first.is_visible()
    # The error summary takes the focus, so that a screen reader announces it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("Entrez votre adresse e-mail professionnelle :").get_attribute("aria-describedby") == "email-error"
    page.get_by_label("Entrez votre adresse e-mail professionnelle :").fill("a.charenne@lassuranceretraite.fr")
    page.get_by_role("button", name="Suivant").click()
    check(page, "connexion-mot-de-passe")
    assert page.get_by_text("rappel de votre identifiant de connexion").is_visible()
    page.get_by_label("Entrez votre mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    check(page, "connexion-refusee")
    assert page.get_by_text("Identifiant ou mot de passe incorrect.").first.is_visible()
    page.get_by_label("Entrez votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    check(page, "catalogue")
    assert page.get_by_role("heading", name="Applications").is_visible()
    sign_out(page)
    check(page, "deconnexion")
    assert page.get_by_text("Vous êtes déconnecté").is_visible()


def test_forgotten_password_through_the_mail(page):
    address = "p.martin@assurance-maladie.fr"
    visit(page, "/mot-de-passe-oublie", "mot-de-passe-oublie")
    page.get_by_label("Adresse e-mail professionnelle").fill(address)
    page.get_by_role("button", name="Recevoir le lien").click()
    check(page, "mot-de-passe-oublie-envoye")
    _, text = wait_for_mail(address, "Créer un nouveau mot de passe")
    page.goto(link_in(text))
    check(page, "nouveau-mot-de-passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    check(page, "nouveau-mot-de-passe-erreur")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("un bateau vert sur la saône")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("un bateau vert sur la saône")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert page.get_by_text("Votre mot de passe a été modifié").is_visible()
    sign_in(page, address, "un bateau vert sur la saône")
    assert page.get_by_role("heading", name="Applications").is_visible()


def test_account_request_accepted_by_the_correspondent(page):
    address = "louise.bernard@lassuranceretraite.fr"
    visit(page, "/connexion", "connexion-avant-inscription")
    page.get_by_role("link", name="Demander un accès à l’espace Organismes").click()
    check(page, "inscription")
    page.get_by_label("Entrez votre e-mail professionnel qui vous servira d’identifiant de connexion").fill(address)
    page.get_by_role("button", name="Suivant").click()
    check(page, "inscription-formulaire")
    page.get_by_role("button", name="Envoyer ma demande").click()
    check(page, "inscription-formulaire-erreurs")
    page.get_by_label("Civilité").select_option("Madame")
    page.get_by_label("Prénom").fill("Louise")
    page.get_by_label("Nom", exact=True).fill("Bernard")
    page.get_by_label("Votre organisme").select_option(label="CARSAT Rhône-Alpes")
    page.get_by_label("Téléphone").fill("04 72 00 00 01")
    page.get_by_label("Mot de passe", exact=True).fill("les girafes dansent en hiver")
    page.get_by_label("Confirmez le mot de passe").fill("les girafes dansent en hiver")
    page.get_by_role("button", name="Envoyer ma demande").click()
    check(page, "inscription-envoyee")
    _, text = wait_for_mail(address, "Confirmez votre adresse")
    page.goto(link_in(text))
    check(page, "inscription-confirmation")
    page.get_by_role("button", name="Confirmer mon adresse").click()
    check(page, "inscription-confirmee")
    assert page.get_by_text("au correspondant local de CARSAT Rhône-Alpes").is_visible()

    sign_in(page, "m.durand@lassuranceretraite.fr")
    page.get_by_role("link", name="Demandes à traiter").first.click()
    check(page, "demandes-a-traiter-compte")
    page.get_by_role("link", name="Madame Louise Bernard").click()
    check(page, "demande-de-compte")
    page.get_by_role("button", name="Accepter et ouvrir le compte").click()
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    wait_for_mail(address, "Votre compte d’accès à l’espace Organismes est ouvert")
    sign_in(page, address, "les girafes dansent en hiver")
    assert page.get_by_role("heading", name="Applications").is_visible()


def test_access_request_accepted_then_opened(page):
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.locator("summary", has_text="Grève").click()
    page.get_by_role("link", name="Demander l’accès à l’application Grève").click()
    check(page, "demande-acces-confirmation")
    assert page.get_by_text("au correspondant local de CARSAT Rhône-Alpes (Marie Durand)").is_visible()
    page.get_by_label("Justification (facultative)").fill("Je remplace la responsable RH.")
    page.get_by_role("button", name="Envoyer la demande").click()
    check(page, "demande-acces-envoyee")
    assert page.get_by_text("Votre demande a été adressée pour validation").is_visible()
    visit(page, "/", "catalogue-demande-en-cours")
    assert page.get_by_text("demande en cours depuis le").first.is_visible()
    sign_out(page)

    sign_in(page, "m.durand@lassuranceretraite.fr")
    visit(page, "/demandes-a-traiter", "demandes-a-traiter")
    page.get_by_label("Sélectionner la demande de Aristide Charenne pour Grève").check()
    page.get_by_role("button", name="Accepter la sélection").click()
    check(page, "demandes-a-traiter-apres-decision")
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.locator("summary", has_text="Grève").click()
    assert page.get_by_role("link", name="Accéder à l’application").first.is_visible()
    visit(page, "/mes-notifications", "mes-notifications")
    assert page.get_by_text("Votre demande d’accès à Grève a été acceptée.").is_visible()


def test_refusal_with_reason_in_the_history(page):
    sign_in(page, "d.leroy@lassuranceretraite.fr")
    page.goto(BASE + "/applications/DROIT-SYNDICAL/demande")
    page.get_by_role("button", name="Envoyer la demande").click()
    sign_out(page)
    sign_in(page, "m.durand@lassuranceretraite.fr")
    page.goto(BASE + "/demandes-a-traiter")
    page.get_by_role("link", name="Droit syndical").click()
    check(page, "demande-a-decider")
    page.get_by_role("button", name="Refuser la demande").click()
    check(page, "demande-a-decider-erreur")
    assert page.get_by_text("Renseignez le motif du refus.").first.is_visible()
    page.get_by_label("Motif du refus (obligatoire pour refuser)").fill("Réservé aux représentants du personnel.")
    page.get_by_role("button", name="Refuser la demande").click()
    sign_out(page)
    sign_in(page, "d.leroy@lassuranceretraite.fr")
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Historique de vos demandes").click()
    check(page, "mes-habilitations")
    assert page.get_by_text("Réservé aux représentants du personnel.").is_visible()


def test_automatic_acceptance_after_ten_days(page):
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.goto(BASE + "/applications/ELECTIONS-PRO/demande")
    page.get_by_role("button", name="Envoyer la demande").click()
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=11)
    sweep(later.strftime("%Y-%m-%dT%H:%M:%SZ"))
    page.goto(BASE + "/")
    assert page.get_by_text("Elections professionnelles (accès ouvert)").is_visible()
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Historique de vos demandes").click()
    assert page.get_by_text("acceptée automatiquement").first.is_visible()


def test_my_details_subscriptions_contacts_and_faq(page):
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.get_by_role("link", name="Mes coordonnées").click()
    check(page, "mes-coordonnees")
    page.get_by_label("Téléphone").fill("06 74")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    check(page, "mes-coordonnees-erreur")
    page.get_by_label("Téléphone").fill("06 74 31 00 11")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    assert page.get_by_text("Vos coordonnées ont été enregistrées.").is_visible()
    page.get_by_role("link", name="Mes abonnements").click()
    check(page, "mes-abonnements")
    page.get_by_label("Lettre d'information RH").check()
    page.get_by_label("Lettre d'information RSO").check()
    page.get_by_role("button", name="Valider mes abonnements").click()
    assert page.get_by_text("Vos abonnements ont été enregistrés.").is_visible()
    page.get_by_role("link", name="Mes contacts").click()
    check(page, "mes-contacts")
    assert page.get_by_text("Marie Durand").is_visible()
    page.get_by_role("link", name="Consultez notre foire aux questions", exact=True).click()
    check(page, "faq")
    page.locator("summary", has_text="J’ai oublié mon mot de passe").click()
    assert page.get_by_text("Un lien valable une heure").is_visible()


def test_agent_de_direction_sees_the_referential_notice(page):
    sign_in(page, "d.leroy@lassuranceretraite.fr")
    visit(page, "/mes-informations/coordonnees", "mes-coordonnees-add")
    assert page.get_by_text("Les données relatives aux Agents de Direction étant gérées").is_visible()
    assert page.get_by_role("link", name="« mon profil »").is_visible()
    assert page.get_by_label("Prénom").count() == 0


def test_administrator_main_screens(page):
    sign_in(page, "admin@ucanss.fr")
    for path, name in [
        ("/administration", "administration"), ("/administration/tableau-de-bord", "tableau-de-bord"),
        ("/administration/organismes", "organismes"), ("/administration/organismes/nouveau", "organisme-nouveau"),
        ("/administration/applications", "applications"), ("/administration/applications/nouvelle", "application-nouvelle"),
        ("/administration/agents?q=durand", "agents"), ("/administration/parametres", "parametres"),
        ("/administration/journal", "journal"), ("/administration/lettres", "lettres"),
        ("/administration/lettres/nouvelle", "lettre-nouvelle"), ("/administration/faq", "faq-admin"),
        ("/administration/faq/nouvelle", "faq-nouvelle"), ("/administration/agents-de-direction/import", "import-add"),
        ("/administration/organismes/import", "import-organismes"), ("/administration/agents/import", "import-agents"),
        ("/demandes-a-traiter", "demandes-a-traiter-admin"), ("/administration/courriels-en-echec", "courriels-en-echec"),
    ]:
        visit(page, path, name)
    page.goto(BASE + "/administration/organismes")
    page.get_by_role("link", name="CARSAT Rhône-Alpes").click()
    check(page, "organisme")
    page.goto(BASE + "/administration/agents?q=charenne")
    page.get_by_role("link", name="Aristide Charenne").click()
    check(page, "compte-agent")
    page.get_by_role("link", name="Voir ses habilitations et ses demandes, retirer une habilitation").click()
    check(page, "habilitations-agent")
    page.goto(BASE + "/administration/applications")
    page.get_by_role("link", name="Grève").click()
    check(page, "application")
    page.get_by_label("Nom", exact=True).fill("")
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "application-erreur")


def test_correspondent_agents_of_my_organisme(page):
    sign_in(page, "m.durand@lassuranceretraite.fr")
    page.get_by_role("link", name="Agents de mon organisme").click()
    check(page, "agents-de-mon-organisme")
    page.get_by_label("Rechercher par nom ou adresse e-mail").fill("charenne")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_role("link", name="Aristide Charenne").is_visible()


def test_keyboard_only(page):
    """Sign in, expand an application, request access, sign out with Tab, Shift+Tab, Enter and Space only."""
    page.goto(BASE + "/connexion")

    def tab_to(predicate, limit=80, backwards=False):
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if backwards else "Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return {text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),"
                " id: e.id, tag: e.tagName, outline: s.outlineStyle, shadow: s.boxShadow}; }")
            if predicate(focused):
                assert focused["outline"] != "none" or focused["shadow"] != "none", f"no visible focus on {focused}"
                return focused
        raise AssertionError("never reached the element with the keyboard")

    first = tab_to(lambda f: True)
    assert first["text"] == "Aller au contenu"
    tab_to(lambda f: f["id"] == "email")
    page.keyboard.type("j.petit@caf.fr")
    page.keyboard.press("Enter")
    page.wait_for_selector("#password")
    tab_to(lambda f: f["id"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Applications')")
    tab_to(lambda f: f["tag"] == "SUMMARY" and f["text"].startswith("Grève"))
    page.keyboard.press("Space")
    assert page.locator("#application-greve").get_attribute("open") is not None
    tab_to(lambda f: f["text"] == "Demander l’accès à l’application Grève")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Demander l’accès')")
    assert page.get_by_text("aux administrateurs de l’UCANSS").is_visible()
    tab_to(lambda f: f["text"] == "Envoyer la demande")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Votre demande a été adressée pour validation")
    tab_to(lambda f: f["text"] == "Annuler ma demande")
    tab_to(lambda f: f["text"] == "Se déconnecter", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Vous êtes déconnecté")
    assert re.search(r"/connexion", page.url)


def test_agent_sees_and_ends_a_session_left_open(page, browser):
    elsewhere = browser.new_context(locale="fr-FR")
    other = elsewhere.new_page()
    sign_in(other, "a.charenne@lassuranceretraite.fr")
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.get_by_role("link", name="Mes sessions").click()
    check(page, "mes-sessions")
    assert page.get_by_role("cell", name="Cette session").is_visible()
    # Earlier journeys may have left sessions of this account open too: end them all but this one.
    assert page.get_by_role("button", name=re.compile("^Fermer la session ouverte le")).count() >= 1
    page.get_by_role("button", name="Fermer toutes mes autres sessions").click()
    assert page.get_by_text(re.compile(r"^(Une session a été fermée|\d+ sessions ont été fermées)\.$")).is_visible()
    assert page.get_by_role("button", name=re.compile("^Fermer la session ouverte le")).count() == 0
    other.goto(BASE + "/mes-informations/sessions")
    assert "/connexion" in other.url
    elsewhere.close()


def test_personal_data_notice_and_accessibility_statement_from_the_footer(page):
    page.goto(BASE + "/connexion")
    page.get_by_role("link", name="Données personnelles").click()
    check(page, "donnees-personnelles")
    assert page.get_by_role("heading", name="Durées de conservation").is_visible()
    page.get_by_role("link", name="Accessibilité : non conforme").click()
    check(page, "accessibilite")
    assert page.get_by_role("heading", name="Voies de recours").is_visible()


def test_warning_before_the_session_ends_and_staying_signed_in(page):
    # The page's clock only: the server's session stays as it is while the page believes half an hour has passed.
    page.clock.install()
    sign_in(page, "a.charenne@lassuranceretraite.fr")
    # The clock moves only once the catalogue's script has set its timer: the click returns before the page loads.
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()
    page.wait_for_load_state("load")
    warning = page.get_by_role("dialog", name="Votre session va expirer")
    page.clock.fast_forward("27:00")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:30")
    expect(warning).to_be_visible()
    # The warning takes the keyboard focus, and its first control extends the session.
    assert page.evaluate("document.activeElement.textContent") == "Rester connecté"
    check(page, "avertissement-fin-de-session")
    with page.expect_response(lambda response: response.url.endswith("/mes-informations/sessions/prolonger")) as answer:
        page.get_by_role("button", name="Rester connecté").click()
    assert answer.value.status == 204
    expect(warning).to_be_hidden()
    assert page.get_by_role("heading", name="Applications").is_visible(), "the page stays as it was"

    # Counted again from the extension: warned 28 minutes later, told the session ended 2 minutes after that.
    page.clock.fast_forward("28:30")
    expect(warning).to_be_visible()
    page.get_by_role("button", name="Fermer ce message").click()
    expect(warning).to_be_hidden()
    page.clock.fast_forward("02:00")
    ended = page.get_by_role("dialog", name="Votre session a expiré")
    expect(ended).to_be_visible()
    expect(page.get_by_role("link", name="Se reconnecter")).to_be_focused()


def test_second_factor_set_up_asked_at_sign_in_and_reset_by_an_administrator(page):
    sign_in(page, "j.petit@caf.fr")
    page.get_by_role("link", name="Double authentification").click()
    check(page, "double-authentification")
    page.get_by_role("button", name="Configurer la double authentification").click()
    check(page, "double-authentification-configuration")
    key = page.locator(".setup-key code").inner_text().replace(" ", "")
    page.get_by_label("Code affiché par votre application").fill(totp(key))
    page.get_by_role("button", name="Activer la double authentification").click()
    assert page.get_by_text("La double authentification est activée : le code vous sera demandé").is_visible()
    sign_out(page)

    sign_in(page, "j.petit@caf.fr")
    assert page.url.endswith("/connexion/code")
    check(page, "connexion-code")
    page.get_by_label("Code de vérification à 6 chiffres").fill("000000")
    page.get_by_role("button", name="Valider").click()
    check(page, "connexion-code-erreur")
    assert page.get_by_role("link", name=re.compile("^Ce code n’est pas valide")).is_visible()
    # The code of the next step: still accepted, and later than the one used to turn it on.
    page.get_by_label("Code de vérification à 6 chiffres").fill(totp(key, steps_later=1))
    page.get_by_role("button", name="Valider").click()
    assert page.get_by_role("heading", name="Applications").is_visible()
    sign_out(page)

    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/administration/agents?q=petit")
    page.get_by_role("link", name="Jeanne Petit").click()
    check(page, "compte-agent-double-authentification")
    page.get_by_role("button", name="Réinitialiser la double authentification").click()
    assert page.get_by_text("Non configurée.").is_visible()
    sign_out(page)
    sign_in(page, "j.petit@caf.fr")
    assert page.get_by_role("heading", name="Applications").is_visible()


def test_time_limited_right_and_its_renewal(page):
    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/administration/applications")
    page.get_by_role("link", name="Rémunérations et carrières").click()
    page.get_by_label("Durée maximale des habilitations, en mois").fill("0")
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "application-duree-erreur")
    assert page.get_by_text("La durée maximale est un nombre de mois entre 1 et 120").first.is_visible()
    page.get_by_label("Durée maximale des habilitations, en mois").fill("6")
    page.get_by_role("button", name="Enregistrer").click()
    sign_out(page)

    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.goto(BASE + "/applications/REMUNERATIONS/demande")
    page.get_by_role("button", name="Envoyer la demande").click()
    sign_out(page)

    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/demandes-a-traiter")
    page.get_by_role("link", name="Rémunérations et carrières").click()
    check(page, "demande-a-decider-duree")
    assert page.get_by_text("Au plus tard le").is_visible()
    page.get_by_label("Fin de validité de l’habilitation, si vous l’acceptez (facultatif)").fill("2020-01-31")
    page.get_by_role("button", name="Accepter la demande").click()
    check(page, "demande-a-decider-duree-erreur")
    assert page.get_by_text("La date de fin doit être postérieure à aujourd’hui.").first.is_visible()
    page.get_by_label("Fin de validité de l’habilitation, si vous l’acceptez (facultatif)").fill("")
    page.get_by_role("button", name="Accepter la demande").click()
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    sign_in(page, "a.charenne@lassuranceretraite.fr")
    assert page.get_by_text("Rémunérations et carrières (accès ouvert jusqu’au").is_visible()
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Liste de vos habilitations").click()
    check(page, "mes-habilitations-duree")
    page.get_by_role("link", name="Demander le renouvellement de Rémunérations et carrières").click()
    check(page, "renouvellement-confirmation")
    assert page.get_by_text("Votre habilitation est valable jusqu’au").is_visible()
    page.get_by_role("button", name="Envoyer la demande").click()
    check(page, "renouvellement-envoye")
    assert page.get_by_text("Votre demande a été adressée pour validation").is_visible()
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Liste de vos habilitations").click()
    assert page.get_by_role("link", name="Renouvellement demandé").is_visible()


def test_access_review_by_a_correspondent(page):
    last_day = (paris_today() + datetime.timedelta(days=20)).isoformat()
    sign_in(page, "admin@ucanss.fr")
    page.get_by_role("link", name="Administration").click()
    page.locator("main").get_by_role("link", name="Revue des habilitations").click()
    check(page, "campagnes-de-revue")
    page.get_by_label("Nom de la campagne").fill("Revue de fin d’année")
    page.get_by_label("Dernier jour de la revue").fill(last_day)
    page.get_by_role("button", name="Ouvrir la campagne").click()
    check(page, "campagnes-de-revue-erreur")
    assert page.get_by_text("Choisissez ce que deviennent les habilitations que personne n’a revues.").first.is_visible()
    page.get_by_label("retirées (les agents en sont informés)").check()
    page.get_by_label("Organismes (aucun sélectionné : tous)").select_option(label="CARSAT Rhône-Alpes")
    page.get_by_label("Accords locaux", exact=True).check()
    page.get_by_label("Rémunérations et carrières", exact=True).check()
    page.get_by_role("button", name="Ouvrir la campagne").click()
    check(page, "campagne-de-revue")
    assert page.get_by_text("La campagne est ouverte sur").is_visible()
    assert page.get_by_text("organismes : CARSAT Rhône-Alpes ; applications : Accords locaux, Rémunérations").is_visible()
    page.get_by_role("link", name="Revoir les habilitations qui reviennent aux administrateurs").click()
    check(page, "revue-administrateurs")
    assert page.get_by_role("heading", name=re.compile(r"Habilitations à revoir \(\d+\)")).is_visible()
    sign_out(page)

    sign_in(page, "m.durand@lassuranceretraite.fr")
    subject, text = wait_for_mail("m.durand@lassuranceretraite.fr", "Revue des habilitations « Revue de fin d’année »")
    assert re.search(r"\d+ habilitations? attend(ent)? votre revue", text)
    page.get_by_role("link", name="Revue des habilitations").click()
    check(page, "revue-des-habilitations")
    page.get_by_role("link", name="Revue de fin d’année").click()
    check(page, "revue-campagne")
    assert page.get_by_text("Les habilitations non revues à la fin du").is_visible()
    page.get_by_label("Sélectionner l’habilitation Accords locaux (Consultation) de Aristide Charenne").check()
    page.get_by_role("button", name="Retirer la sélection").click()
    check(page, "revue-campagne-erreur")
    assert page.get_by_text("Renseignez le motif du retrait.").first.is_visible()
    # The selection is kept when the form comes back.
    assert page.get_by_label("Sélectionner l’habilitation Accords locaux (Consultation) de Aristide Charenne").is_checked()
    page.get_by_role("button", name="Conserver la sélection").click()
    check(page, "revue-campagne-conservee")
    assert page.get_by_text("1 habilitation conservée.").is_visible()
    assert page.get_by_text(re.compile(r"CARSAT Rhône-Alpes : \d+ sur \d+ revue\(s\) \(1 conservée\(s\), 0 retirée")).is_visible()
    sign_out(page)

    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/administration/revues")
    page.get_by_role("link", name="Revue de fin d’année").click()
    assert page.get_by_role("row", name=re.compile(r"CARSAT Rhône-Alpes \d+ 1 0 0 \d+")).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport de la campagne (CSV)").click()
    report = open(download.value.path(), encoding="utf-8-sig").read()
    assert '"conservée";"non";"Marie Durand"' in report


def test_deputy_decides_while_the_correspondent_is_away(page):
    today = paris_today()
    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/administration/organismes")
    page.get_by_role("link", name="CARSAT Rhône-Alpes").first.click()
    page.get_by_role("link", name="Absences et suppléance de Marie Durand").click()
    check(page, "absences-administrateur")
    page.get_by_label("Premier jour d’absence").fill(today.isoformat())
    page.get_by_label("Dernier jour d’absence").fill((today + datetime.timedelta(days=5)).isoformat())
    # Jeanne Petit works at the CAF: she cannot stand in for a correspondent of the CARSAT.
    page.get_by_label("Adresse e-mail du suppléant (facultatif)").fill("j.petit@caf.fr")
    page.get_by_role("button", name="Déclarer l’absence").click()
    check(page, "absences-administrateur-erreur")
    assert page.get_by_text("Le suppléant doit être un agent actif d’un organisme de ce correspondant").first.is_visible()
    page.get_by_label("Adresse e-mail du suppléant (facultatif)").fill("d.leroy@lassuranceretraite.fr")
    page.get_by_role("button", name="Déclarer l’absence").click()
    assert page.get_by_text("L’absence est enregistrée.").is_visible()
    sign_out(page)

    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.goto(BASE + "/applications/DROIT-SYNDICAL/demande")
    page.get_by_role("button", name="Envoyer la demande").click()
    sign_out(page)

    sign_in(page, "d.leroy@lassuranceretraite.fr")
    wait_for_mail("d.leroy@lassuranceretraite.fr", "Vous suppléez Marie Durand")
    page.get_by_role("link", name="Absences et suppléance").click()
    check(page, "absences-suppleant")
    assert page.get_by_text("Vous suppléez Marie Durand").is_visible()
    page.get_by_role("link", name="Demandes à traiter").click()
    page.get_by_role("link", name="Droit syndical").click()
    page.get_by_role("button", name="Accepter la demande").click()
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    sign_in(page, "a.charenne@lassuranceretraite.fr")
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Historique de vos demandes").click()
    assert page.get_by_text("Denis Leroy, en suppléance de Marie Durand").first.is_visible()
    sign_out(page)

    # Back early: the deputy's part ends with the absence.
    sign_in(page, "m.durand@lassuranceretraite.fr")
    page.get_by_role("link", name="Absences et suppléance").click()
    check(page, "absences-correspondant")
    page.get_by_role("button", name=re.compile("Mettre fin à l’absence du")).click()
    assert page.get_by_text("L’absence est terminée.").is_visible()


def test_profile_defined_then_asked_for_granted_and_changed(page):
    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/administration/applications")
    page.get_by_role("link", name="Accords locaux").click()
    page.get_by_role("link", name="Profils de l’application").click()
    check(page, "profils-application")
    assert page.get_by_text("Consultation (par défaut)").is_visible()
    page.get_by_role("link", name="Ajouter un profil").click()
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "profil-application-erreur")
    assert page.get_by_text("Renseignez le libellé.").first.is_visible()
    page.get_by_label("Code (lettres sans accent, chiffres, tirets ; ne change plus ensuite)").fill("VALIDATION")
    page.get_by_label("Libellé").fill("Validation")
    page.get_by_label("Description (montrée à l’agent qui choisit)").fill("Valider les accords avant leur dépôt.")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Le profil est enregistré.").is_visible()
    sign_out(page)

    # Jeanne Petit's CAF has no correspondent: the administrators decide.
    sign_in(page, "j.petit@caf.fr")
    page.locator("summary", has_text="Accords locaux").click()
    page.get_by_role("link", name="Demander l’accès à l’application Accords locaux").click()
    check(page, "demande-profil")
    assert page.get_by_text("Valider les accords avant leur dépôt.").is_visible()
    assert page.get_by_label("Consultation").is_checked()
    page.get_by_label("Rédaction").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    assert page.get_by_text("Votre demande a été adressée pour validation").is_visible()
    sign_out(page)

    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/demandes-a-traiter")
    page.get_by_role("link", name="Accords locaux (Rédaction)").click()
    check(page, "demande-profil-a-decider")
    page.get_by_role("button", name="Accepter la demande").click()
    assert page.get_by_text("1 demande acceptée.").is_visible()
    sign_out(page)

    sign_in(page, "j.petit@caf.fr")
    assert page.get_by_text("Accords locaux (accès ouvert, profil Rédaction)").is_visible()
    page.locator("summary", has_text="Accords locaux").click()
    page.get_by_role("link", name="Demander un autre profil sur Accords locaux").click()
    check(page, "demande-changement-de-profil")
    assert page.get_by_text("Vous détenez déjà le profil « Rédaction ». Accepté, le profil demandé le remplacera.").is_visible()
    page.get_by_label("Validation").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    sign_out(page)

    sign_in(page, "admin@ucanss.fr")
    page.goto(BASE + "/demandes-a-traiter")
    page.get_by_role("link", name="Accords locaux (Validation)").click()
    check(page, "changement-de-profil-a-decider")
    assert page.get_by_text("Changement de profil : détient Rédaction — remplacé par le profil demandé s’il est accepté").is_visible()
    page.get_by_role("button", name="Accepter la demande").click()
    sign_out(page)

    sign_in(page, "j.petit@caf.fr")
    assert page.get_by_text("Accords locaux (accès ouvert, profil Validation)").is_visible()
    page.get_by_role("link", name="Mes habilitations").click()
    page.locator("summary", has_text="Liste de vos habilitations").click()
    page.locator("summary", has_text="Historique de vos demandes").click()
    check(page, "mes-habilitations-profil")
    assert page.get_by_role("cell", name="Accords locaux (Validation)").first.is_visible()
    assert page.get_by_role("cell", name="Accords locaux (Rédaction)").first.is_visible()
